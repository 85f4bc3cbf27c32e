/**
 * Networks with transformer blocks are laid out and named as nanoGPT's `GPT`: a token
 * embedding (`transformer.wte`), positional encodings (`transformer.wpe`), dropout, the blocks
 * (`transformer.h.0`, `transformer.h.1` …), a final layer norm (`transformer.ln_f`) and the head
 * (`lm_head`), in that order, so a model file's state-dict names are the ones GPT code uses
 * (`docs/model-format.md`). Each layer type declares its place (`LayerDef.gpt`); this module
 * only reads those declarations.
 */
import { LAYERS, type LayerType } from './ops/index.js';
import type { Issues } from './spec-base.js';

/** The order a GPT-shaped network is written in, as the player reads it. */
const ORDER = 'embedding, positional encoding, dropout, transformer blocks, layer norm, dense';

/** True when the layers make a GPT-shaped network (one of them is a transformer block). */
export function isGptShaped(layers: readonly { type: LayerType }[]): boolean {
  return layers.some((l) => LAYERS[l.type].gpt?.marks === true);
}

/**
 * The module path of every layer of a GPT-shaped network, or null where a layer has no place
 * in it (an issue under its path says why: out of order, repeated, or not a GPT layer).
 */
export function gptPaths(
  layers: readonly { type: LayerType }[],
  issues: Issues,
): (string | null)[] {
  const counts = new Map<string, number>();
  let rank = -1;
  return layers.map((layer, i) => {
    const def = LAYERS[layer.type];
    const gpt = def.gpt;
    if (!gpt) {
      issues.add(
        `layers[${i}]`,
        `a network with transformer blocks is laid out as GPT is (${ORDER}); a ${def.label.toLowerCase()} has no place in it`,
      );
      return null;
    }
    const n = counts.get(layer.type) ?? 0;
    counts.set(layer.type, n + 1);
    if (gpt.rank < rank || (gpt.rank === rank && !gpt.repeats) || (n > 0 && !gpt.repeats)) {
      issues.add(
        `layers[${i}]`,
        n > 0 && !gpt.repeats
          ? `a network with transformer blocks has one ${def.label.toLowerCase()}, as GPT has; this is a second`
          : `is out of GPT's order (${ORDER})`,
      );
      return null;
    }
    rank = gpt.rank;
    return gpt.path.replace('{n}', String(n));
  });
}
