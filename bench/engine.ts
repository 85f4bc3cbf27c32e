/**
 * Training speed of our engine on the two reference networks of the benchmark, through the
 * public learner API (one kernel call per `step(n)`), with the same shapes, losses, optimizer
 * and batch size as the TensorFlow.js peers in `tfjs.ts`.
 */
import type { Dataset, Split } from '../src/data/dataset.js';
import { Learner } from '../src/engine/learner.js';
import { loadKernelModule } from '../src/node/kernel-file.js';
import { measure, type BenchOptions, type BenchResult } from './harness.js';

/** Random rows from a fixed LCG: the benchmark measures arithmetic, not learning. */
function randomSplit(
  n: number,
  inputs: number,
  labels: (i: number) => number,
  width: number,
  seed: number,
): Split {
  let s = seed;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const x = Float32Array.from({ length: n * inputs }, () => next() * 2 - 1);
  const y = Float32Array.from({ length: n * width }, (_, i) => labels(i));
  return { x, y, n };
}

function syntheticData(
  name: string,
  inputs: number,
  outputs: number,
  task: Dataset['task'],
  rows: number,
): Dataset {
  const width = task === 'multiclass' ? 1 : outputs;
  const label = (i: number): number => (task === 'multiclass' ? i % outputs : i % 2);
  const split = (n: number, seed: number): Split => randomSplit(n, inputs, label, width, seed);
  return {
    name,
    task,
    inputs,
    outputs,
    featureNames: Array.from({ length: inputs }, (_, i) => `x${i}`),
    targetName: 'y',
    train: split(rows, 1),
    validation: split(32, 2),
    test: split(32, 3),
    standardization: null,
  };
}

/** The networks every engine in the benchmark trains. */
export const MLP_SMALL = {
  layers: [
    { type: 'dense', units: 16, activation: 'tanh' },
    { type: 'dense', units: 16, activation: 'tanh' },
    { type: 'dense', units: 1 },
  ],
};
export const MLP_784 = {
  layers: [
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dense', units: 10 },
  ],
};

/** Steps per second of both networks with Adam and batch 32. */
export async function benchEngine(options: BenchOptions): Promise<BenchResult[]> {
  const module = await loadKernelModule('simd');
  const runs = [
    {
      name: 'engine mlp 2-16-16-1',
      spec: MLP_SMALL,
      data: syntheticData('bench-2d', 2, 1, 'binary', 1024),
      lr: 0.01,
      steps: 20000,
    },
    {
      name: 'engine mlp 784-128-10',
      spec: MLP_784,
      data: syntheticData('bench-784', 784, 10, 'multiclass', 2048),
      lr: 0.001,
      steps: 400,
    },
  ];
  return runs.map((run) => {
    const learner = new Learner(
      module,
      run.spec,
      run.data,
      { optimizer: 'adam', lr: run.lr, batch: 32 },
      1,
    );
    const steps = options.quick ? Math.max(10, run.steps / 50) : run.steps;
    const result = measure('mlp', run.name, 'steps/s', () => learner.step(steps).ran, options);
    learner.dispose();
    return result;
  });
}
