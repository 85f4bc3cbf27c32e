/**
 * `transformer`: one pre-LN transformer block, as in GPT-2 and nanoGPT's `Block`. Two halves,
 * each added back onto the stream that flows through the block (a residual connection, so a
 * block only has to learn a correction and gradients reach early blocks undimmed):
 *   x = x + c_proj(attention(c_attn(ln_1(x))))      positions look back at earlier positions
 *   x = x + c_proj(gelu(c_fc(ln_2(x))))             every position thinks on its own
 * It keeps the shape [T, D]. With the MLP four times as wide it holds 12·D² + 13·D parameters.
 * The block is a layer of the spec that becomes ten graph nodes, named as GPT's modules.
 */
import { LIMITS } from '../limits.js';
import { showShape, type LayerDef } from './types.js';

export interface TransformerLayer {
  type: 'transformer';
  heads: number;
  /** The MLP's width as a multiple of D (GPT's is 4). */
  mlp?: number;
  /** False: the block ends on its last position [D], for one answer per example. */
  sequences?: boolean;
  /** Attention dropout: the share of attention weights dropped while training (0 to < 1). */
  attnDropout?: number;
}

export const DEFAULT_MLP_RATIO = 4;
export const MAX_HEADS = 16;

/** Parameters of one block of width D with an MLP `ratio` times as wide. */
export function blockParams(D: number, ratio: number): number {
  const H = ratio * D;
  return 4 * D + (3 * D * D + 3 * D) + (D * D + D) + (D * H + H) + (H * D + D);
}

export const transformerLayer: LayerDef = {
  type: 'transformer',
  label: 'Transformer block',
  short: 'Block',
  primary: 'heads',
  blurb:
    'a transformer block: attention lets every position look back at earlier ones, then a small MLP thinks about what it found',
  example: { type: 'transformer', heads: 4, mlp: DEFAULT_MLP_RATIO },
  fields: {
    heads: {
      kind: 'int',
      min: 1,
      max: MAX_HEADS,
      required: true,
      label: 'heads',
      steps: [1, 2, 4, 8, 16],
    },
    mlp: { kind: 'int', min: 1, max: 8, label: 'MLP ratio' },
    sequences: { kind: 'bool', label: 'every step', default: true, off: 'last step' },
    attnDropout: { kind: 'number', min: 0, max: 1, maxOpen: true, label: 'attention dropout' },
  },
  gpt: { path: 'transformer.h.{n}', rank: 3, repeats: true, marks: true },
  formula(layer, D) {
    const ratio = (layer as unknown as TransformerLayer).mlp ?? DEFAULT_MLP_RATIO;
    const n = blockParams(D, ratio);
    // GPT's ratio of 4 gives the famous 12·D² + 13·D; another ratio the general form.
    return ratio === DEFAULT_MLP_RATIO
      ? `12×${D}² + 13×${D} = ${n}`
      : `(4+${2 * ratio})×${D}² + ${9 + ratio}×${D} = ${n}`;
  },
  build(layer, index, b) {
    const l = layer as unknown as TransformerLayer;
    const where = `layers[${index}]`;
    const shape = b.shape;
    if (shape.length !== 2) {
      b.issue(
        where,
        `needs a sequence [steps, width], got ${showShape(shape)}: start with an embedding`,
      );
      return;
    }
    const D = shape[1]!;
    if (D % l.heads !== 0) {
      b.issue(
        `${where}.heads`,
        `must divide the width ${D} evenly (each head looks at ${D}/heads of the numbers), got ${l.heads}`,
      );
      return;
    }
    const hidden = (l.mlp ?? DEFAULT_MLP_RATIO) * D;
    if (hidden > LIMITS.maxUnits) {
      b.issue(`${where}.mlp`, `makes the MLP ${hidden} wide; the limit is ${LIMITS.maxUnits}`);
      return;
    }
    const linear = (units: number, sub: string) =>
      b.node('dense', { units, init: 'gpt' }, index, where, undefined, sub);
    const x = b.current;
    const ok =
      b.node('layernorm', {}, index, where, undefined, 'ln_1') &&
      linear(3 * D, 'attn.c_attn') &&
      b.node(
        'attention',
        { heads: l.heads, ...(l.attnDropout ? { rate: l.attnDropout } : {}) },
        index,
        where,
        undefined,
        'attn',
      ) &&
      linear(D, 'attn.c_proj') &&
      b.node('add', { from: index }, index, where, [b.current, x], 'attn.residual');
    if (!ok) return;
    const mid = b.current;
    const done =
      b.node('layernorm', {}, index, where, undefined, 'ln_2') &&
      linear(hidden, 'mlp.c_fc') &&
      b.node('activation', { fn: 'gelu' }, index, where, undefined, 'mlp.gelu') &&
      linear(D, 'mlp.c_proj') &&
      b.node('add', { from: index }, index, where, [b.current, mid], 'mlp.residual');
    if (done && l.sequences === false) b.node('laststep', {}, index, where, undefined, 'last');
  },
};
