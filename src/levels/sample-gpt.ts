/**
 * Random GPT-shaped networks for the level audit, as a player with transformer blocks builds
 * them: an embedding of any offered size, positional encodings of either kind (or none) where
 * the level offers them, dropout now and then, one to three blocks with any head count that
 * divides the width and any MLP ratio, a final layer norm (or none), the output layer. The last
 * block answers on its last position when the data wants one answer per example.
 */
import type { Activation, LayerSpec, ModelSpec, TaskShape } from '../engine/spec.js';
import { LAYERS } from '../engine/ops/index.js';
import { POSENC_KINDS } from '../engine/ops/posenc.js';
import { DROPOUT_MAX, DROPOUT_STEP, type WorkbenchRules } from './rules.js';

type Rand = { uniform(): number; below(n: number): number };

function pick<T>(rand: Rand, list: readonly T[]): T {
  return list[rand.below(list.length)]!;
}

/** Most blocks a sampled transformer has. */
const MAX_BLOCKS = 3;
const MLP_RATIOS = [1, 2, 4] as const;

/** One GPT-shaped network; `output` makes the last layer (its units and squash). */
export function sampleGptSpec(
  rules: WorkbenchRules,
  shape: TaskShape,
  rand: Rand,
  output: (activation: Activation | undefined) => LayerSpec,
  activations: readonly (Activation | undefined)[],
): ModelSpec {
  const b = rules.blocks;
  const field = LAYERS.embedding.fields['dim']!;
  const widths = (field.kind === 'int' ? (field.steps ?? []) : []).filter(
    (w) => w >= 4 && w <= b.maxUnits,
  );
  const width = pick(rand, widths.length ? widths : [Math.min(16, b.maxUnits)]);
  const layers: LayerSpec[] = [{ type: 'embedding', dim: width }];
  if (b.posenc === true && rand.uniform() < 0.7) {
    layers.push({ type: 'posenc', kind: pick(rand, POSENC_KINDS) });
  }
  if (b.dropout && rand.uniform() < 0.2) {
    const rate = (1 + rand.below(Math.round(DROPOUT_MAX / DROPOUT_STEP))) * DROPOUT_STEP;
    layers.push({ type: 'dropout', rate: Math.round(rate * 100) / 100 });
  }
  const room = Math.max(1, Math.min(MAX_BLOCKS, b.maxLayers - layers.length - 2));
  const count = 1 + rand.below(room);
  const heads = [1, 2, 4, 8].filter((h) => width % h === 0);
  for (let i = 0; i < count; i++) {
    layers.push({
      type: 'transformer',
      heads: pick(rand, heads),
      mlp: pick(rand, MLP_RATIOS),
      ...(i === count - 1 && !shape.sequence?.perPosition ? { sequences: false } : {}),
    });
  }
  if (b.layernorm === true && rand.uniform() < 0.8) layers.push({ type: 'layernorm' });
  layers.push(output(pick(rand, activations)));
  const spec: ModelSpec = { layers };
  if (b.losses.length > 1) spec.loss = pick(rand, b.losses);
  return spec;
}
