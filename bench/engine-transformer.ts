/**
 * Our engine on the character transformer of `transformer-flops.ts` (the one the peers train),
 * through the public learner API on token data: embedding → learned positions → blocks →
 * layer norm → dense at every position, Adam, batch 16. Rows: training steps/s, and the same
 * samples as GFLOP/s (for `transformer_vs_peak`).
 */
import { Learner } from '../src/engine/learner.js';
import { loadKernelModule } from '../src/node/kernel-file.js';
import { tokenData } from './engine-rnn.js';
import { measure, type BenchOptions, type BenchResult } from './harness.js';
import {
  TRANSFORMER_ADAM_EPS,
  TRANSFORMER_BENCH,
  TRANSFORMER_LEARNING_RATE,
  transformerParams,
  transformerStepFlops,
  type TransformerNet,
} from './transformer-flops.js';

/** The spec of `net` as a GPT-shaped network. */
export function transformerSpec(net: TransformerNet): { layers: Record<string, unknown>[] } {
  return {
    layers: [
      { type: 'embedding', dim: net.width },
      { type: 'posenc', kind: 'learned' },
      ...Array.from({ length: net.blocks }, () => ({
        type: 'transformer',
        heads: net.heads,
        mlp: net.mlpRatio,
      })),
      { type: 'layernorm' },
      { type: 'dense', units: net.vocab },
    ],
  };
}

export async function benchEngineTransformer(options: BenchOptions): Promise<BenchResult[]> {
  const module = await loadKernelModule('simd');
  const net = TRANSFORMER_BENCH;
  const learner = new Learner(
    module,
    transformerSpec(net),
    tokenData(net),
    {
      optimizer: 'adam',
      lr: TRANSFORMER_LEARNING_RATE,
      eps: TRANSFORMER_ADAM_EPS,
      batch: net.batch,
    },
    1,
  );
  if (learner.network.totalParams !== transformerParams(net)) {
    throw new Error(
      `engine transformer: ${learner.network.totalParams} parameters, not ${transformerParams(net)}`,
    );
  }
  // About 200 ms a sample at the expected speed, as the other engine rows.
  const steps = options.quick ? 2 : 20;
  const row = measure(
    'transformer',
    'engine transformer',
    'steps/s',
    () => learner.step(steps).ran,
    options,
  );
  const flops = transformerStepFlops(net) / 1e9;
  learner.dispose();
  return [
    row,
    {
      group: 'transformer',
      name: 'engine transformer GFLOP/s',
      unit: 'GFLOP/s',
      median: row.median * flops,
      samples: row.samples.map((s) => s * flops),
    },
  ];
}
