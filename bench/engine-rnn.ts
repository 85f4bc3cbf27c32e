/**
 * Our engine on the recurrent networks of `rnn-flops.ts` (the ones the peers train), through the
 * public learner API on token data: ids as exact floats [n, T], the next id at every step as the
 * target, `onehot` as the first layer (the input every peer gets), a recurrent layer returning
 * every step's hidden state, a dense head at every step. Rows: LSTM, GRU and RNN training
 * steps/s, the LSTM's as GFLOP/s too (for `lstm_vs_peak`), and an LSTM with a learned embedding
 * (28 → 16) in place of the one-hot code, which no peer row matches (tfjs-wasm cannot train one).
 */
import { Learner, type LearnerData } from '../src/engine/learner.js';
import { loadKernelModule } from '../src/node/kernel-file.js';
import { measure, type BenchOptions, type BenchResult } from './harness.js';
import {
  RNN_BATCH,
  RNN_LEARNING_RATE,
  rnnNet,
  rnnStepFlops,
  tokenRows,
  type Cell,
  type RnnNet,
} from './rnn-flops.js';

/** Token rows of `net` as learner data (ids and next ids as floats), 1,024 training rows. */
export function tokenData(net: Pick<RnnNet, 'steps' | 'vocab'>, rows = 1024): LearnerData {
  const split = (n: number, seed: number) => {
    const t = tokenRows(net, n, seed);
    return { x: Float32Array.from(t.ids), y: Float32Array.from(t.next), n };
  };
  return {
    name: 'bench-tokens',
    task: 'multiclass',
    inputs: net.steps,
    outputs: net.vocab,
    train: split(rows, 1),
    validation: split(RNN_BATCH, 2),
    test: split(RNN_BATCH, 3),
    sequence: {
      steps: net.steps,
      features: 1,
      perPosition: true,
      vocab: Array.from({ length: net.vocab }, (_, i) => String.fromCharCode(97 + i)),
    },
  };
}

/** The spec of `net`: one-hot (or an embedding of `embed`) → cell(hidden, every step) → dense. */
export function rnnSpec(net: RnnNet, embed?: number): { layers: Record<string, unknown>[] } {
  return {
    layers: [
      embed ? { type: 'embedding', dim: embed } : { type: 'onehot' },
      { type: net.cell, hidden: net.hidden, sequences: true },
      { type: 'dense', units: net.vocab },
    ],
  };
}

export async function benchEngineRnn(options: BenchOptions): Promise<BenchResult[]> {
  const module = await loadKernelModule('simd');
  const results: BenchResult[] = [];
  // Steps per sample: about 200 ms each at the expected speeds, as the other engine rows.
  const runs: { cell: Cell; name: string; steps: number; embed?: number }[] = [
    { cell: 'lstm', name: 'engine lstm', steps: 60 },
    { cell: 'gru', name: 'engine gru', steps: 80 },
    { cell: 'rnn', name: 'engine rnn', steps: 240 },
    { cell: 'lstm', name: 'engine lstm embedding 16', steps: 60, embed: 16 },
  ];
  for (const run of runs) {
    const net = rnnNet(run.cell);
    const learner = new Learner(
      module,
      rnnSpec(net, run.embed),
      tokenData(net),
      { optimizer: 'adam', lr: RNN_LEARNING_RATE, batch: RNN_BATCH },
      1,
    );
    const steps = options.quick ? Math.max(2, run.steps / 20) : run.steps;
    const row = measure('rnn', run.name, 'steps/s', () => learner.step(steps).ran, options);
    results.push(row);
    if (run.name === 'engine lstm') {
      // The same samples read as arithmetic throughput, to compare with the peak loop.
      const flops = rnnStepFlops(net) / 1e9;
      results.push({
        group: 'rnn',
        name: 'engine lstm GFLOP/s',
        unit: 'GFLOP/s',
        median: row.median * flops,
        samples: row.samples.map((s) => s * flops),
      });
    }
    learner.dispose();
  }
  return results;
}
