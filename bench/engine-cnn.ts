/**
 * Our engine on the convolutional networks of `cnn-flops.ts` (the ones every peer trains), on
 * real data stored as u8 pixels in the arena: the UCI 8×8 digits for CNN 8×8 and the
 * Fashion-MNIST subset for CNN 28×28, through the public learner API. Also the forward pass
 * alone (batches of 32, `predict`), and the MLP 784-128-10 on real Fashion-MNIST pixels early
 * and late in a run: inputs that are often exactly zero decay optimizer state towards the
 * subnormal range, where the kernel flushes it (`assembly/flush.ts`); late/early shows whether
 * training slows down anyway.
 */
import { Learner } from '../src/engine/learner.js';
import type { ImageDataset } from '../src/data/dataset.js';
import { loadImageDataset } from '../src/node/image-data.js';
import { loadKernelModule } from '../src/node/kernel-file.js';
import {
  CNN8,
  CNN28,
  CNN_BATCH,
  CNN_LEARNING_RATE,
  MLP784,
  cnnStepFlops,
  type CnnNet,
} from './cnn-flops.js';
import { REPEATS, measure, median, type BenchOptions, type BenchResult } from './harness.js';

/** A network of cnn-flops.ts as our spec: ReLU after every conv and hidden dense layer. */
export function specOf(net: CnnNet): { layers: Record<string, unknown>[] } {
  const layers: Record<string, unknown>[] = [];
  let spatial = true;
  const last = net.layers.length - 1;
  net.layers.forEach((l, i) => {
    if (l.type === 'conv') {
      layers.push({
        type: 'conv2d',
        filters: l.filters,
        kernel: l.size,
        padding: l.pad,
        activation: 'relu',
      });
    } else if (l.type === 'maxpool') {
      layers.push({ type: 'maxpool2d', size: l.size, stride: l.stride });
    } else if (l.type === 'dense') {
      if (spatial) layers.push({ type: 'flatten' });
      spatial = false;
      layers.push(
        i === last
          ? { type: 'dense', units: l.units }
          : { type: 'dense', units: l.units, activation: 'relu' },
      );
    }
  });
  return { layers };
}

function learnerFor(module: WebAssembly.Module, net: CnnNet, data: ImageDataset): Learner {
  return new Learner(
    module,
    specOf(net),
    data,
    { optimizer: 'adam', lr: CNN_LEARNING_RATE, batch: CNN_BATCH },
    1,
  );
}

export async function benchEngineCnn(options: BenchOptions): Promise<BenchResult[]> {
  const module = await loadKernelModule('simd');
  const digits = await loadImageDataset('digits', { module, seed: 1 });
  const fashion = await loadImageDataset('fashion-mnist', { module, seed: 1 });
  const results: BenchResult[] = [];

  for (const [net, data, steps] of [
    [CNN8, digits, 2000],
    [CNN28, fashion, 60],
  ] as const) {
    const learner = learnerFor(module, net, data);
    const n = options.quick ? Math.max(2, steps / 20) : steps;
    const row = measure(
      'cnn',
      `engine cnn ${net.name}`,
      'steps/s',
      () => learner.step(n).ran,
      options,
    );
    results.push(row);
    if (net === CNN28) {
      // The same samples read as arithmetic throughput, to compare with the peak loop.
      const flops = cnnStepFlops(net.layers) / 1e9;
      results.push({
        group: 'cnn',
        name: 'engine cnn 28x28 GFLOP/s',
        unit: 'GFLOP/s',
        median: row.median * flops,
        samples: row.samples.map((s) => s * flops),
      });
      const x = new Float32Array(CNN_BATCH * data.inputs);
      for (let i = 0; i < x.length; i++) x[i] = data.test.x[i]! * data.image.scale;
      const batches = options.quick ? 5 : 200;
      results.push(
        measure(
          'cnn',
          'engine cnn 28x28 forward',
          'batches/s',
          () => {
            for (let b = 0; b < batches; b++) learner.predict(x);
            return batches;
          },
          options,
        ),
      );
    }
    learner.dispose();
  }

  // Early against late in one run, each repeat a fresh learner: steps 0–500 and 2,500–3,000.
  const early: number[] = [];
  const late: number[] = [];
  const window = options.quick ? 20 : 500;
  const gap = options.quick ? 40 : 2000;
  for (let r = 0; r < (options.quick ? 1 : REPEATS); r++) {
    const learner = learnerFor(module, MLP784, fashion);
    const rate = (): number => {
      const t0 = performance.now();
      learner.step(window);
      return window / ((performance.now() - t0) / 1000);
    };
    early.push(rate());
    learner.step(gap);
    late.push(rate());
    learner.dispose();
  }
  const row = (name: string, samples: number[]): BenchResult => ({
    group: 'mlp',
    name,
    unit: 'steps/s',
    median: median(samples),
    samples,
  });
  results.push(row('engine mlp 784-128-10 fashion steps 0-500', early));
  results.push(row('engine mlp 784-128-10 fashion steps 2500-3000', late));
  return results;
}
