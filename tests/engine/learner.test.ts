import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { decodeModel, encodeModel } from '../../src/engine/model-file.js';
import { Learner } from '../../src/engine/learner.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
const data: Record<string, Dataset> = {};
const XOR = {
  layers: [
    { type: 'dense', units: 4, activation: 'tanh' },
    { type: 'dense', units: 1 },
  ],
};

beforeAll(async () => {
  module = await loadKernelModule('simd');
  for (const name of ['xor', 'spiral', 'iris', 'line', 'diabetes', 'breast-cancer']) {
    data[name] = await makeDataset(name, { module, seed: 1 });
  }
});

describe('determinism', () => {
  it('the same spec, data and seed give the same weightsHash; another seed does not', async () => {
    const run = async (seed: number): Promise<string> => {
      const s = new Learner(module, XOR, data['xor']!, { lr: 0.05 }, seed);
      s.step(200);
      return s.weightsHash();
    };
    const a = await run(5);
    expect(await run(5)).toBe(a);
    expect(await run(6)).not.toBe(a);
  });

  it('runs 1,000 steps on the same memory.buffer object (no growth, no JS buffers)', () => {
    const s = new Learner(
      module,
      {
        layers: [
          { type: 'dense', units: 32, activation: 'relu' },
          { type: 'dropout', rate: 0.2 },
          { type: 'dense', units: 3 },
        ],
      },
      data['spiral']!,
      { optimizer: 'adamw' },
      1,
    );
    const buffer = s.kernelMemory.buffer;
    const first = s.step(1);
    for (let i = 0; i < 999; i++) expect(s.step(1)).toBe(first);
    expect(s.kernelMemory.buffer).toBe(buffer);
    expect(s.stepCount).toBe(1000);
  });

  it('splitting the steps over calls changes nothing', async () => {
    const a = new Learner(
      module,
      XOR,
      data['xor']!,
      { optimizer: 'momentum', lr: 0.1, nesterov: true },
      3,
    );
    const b = new Learner(
      module,
      XOR,
      data['xor']!,
      { optimizer: 'momentum', lr: 0.1, nesterov: true },
      3,
    );
    a.step(1500);
    for (let i = 0; i < 15; i++) b.step(100);
    expect(await b.weightsHash()).toBe(await a.weightsHash());
  });

  it('snapshot/restore rewinds bit-identically, and reset returns to the same starting weights', async () => {
    const s = new Learner(module, XOR, data['xor']!, { optimizer: 'rmsprop', lr: 0.01 }, 9);
    const start = await s.weightsHash();
    s.step(30);
    const snap = s.snapshot();
    const lossA = s.step(50).lastLoss;
    const hashA = await s.weightsHash();
    s.restore(snap);
    expect(s.stepCount).toBe(30);
    expect(s.step(50).lastLoss).toBe(lossA);
    expect(await s.weightsHash()).toBe(hashA);
    s.reset();
    expect(s.stepCount).toBe(0);
    expect(await s.weightsHash()).toBe(start);
  });
});

describe('training reaches the goals of the engine', () => {
  it('XOR: a 2-4-1 tanh network with Adam reaches BCE < 0.05', () => {
    const s = new Learner(module, XOR, data['xor']!, { optimizer: 'adam', lr: 0.03 }, 1);
    s.step(3000);
    const train = s.evaluate('train');
    console.log(
      `xor: train BCE ${train.loss.toFixed(4)}, test accuracy ${s.evaluate('test').accuracy}`,
    );
    expect(train.loss).toBeLessThan(0.05);
  });

  it('spiral: a 3-arm MLP reaches at least 95% test accuracy', () => {
    const spec = {
      layers: [
        { type: 'dense', units: 32, activation: 'relu' },
        { type: 'dense', units: 32, activation: 'relu' },
        { type: 'dense', units: 3 },
      ],
    };
    const s = new Learner(module, spec, data['spiral']!, { optimizer: 'adam', lr: 0.01 }, 1);
    s.step(3000);
    const test = s.evaluate('test');
    console.log(`spiral: test accuracy ${test.accuracy}, loss ${test.loss.toFixed(4)}`);
    expect(test.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('iris: softmax regression reaches at least 93% test accuracy', () => {
    const s = new Learner(
      module,
      { layers: [{ type: 'dense', units: 3, activation: 'softmax' }] },
      data['iris']!,
      { lr: 0.05 },
      1,
    );
    s.step(2000);
    const test = s.evaluate('test');
    console.log(`iris: test accuracy ${test.accuracy}`);
    expect(test.accuracy).toBeGreaterThanOrEqual(0.93);
  });

  it('L2 shrinks the weights; clipping bounds every update', () => {
    const spec = {
      layers: [
        { type: 'dense', units: 16, activation: 'tanh' },
        { type: 'dense', units: 1 },
      ],
    };
    const norm = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x * x, 0);
    const plain = new Learner(module, spec, data['xor']!, { optimizer: 'sgd', lr: 0.1 }, 1);
    const decayed = new Learner(
      module,
      spec,
      data['xor']!,
      { optimizer: 'sgd', lr: 0.1, l2: 0.1 },
      1,
    );
    plain.step(500);
    decayed.step(500);
    expect(norm(decayed.read('0.weight'))).toBeLessThan(0.7 * norm(plain.read('0.weight')));
    // With plain SGD and clipping at c, no parameter moves further than lr·c in one step.
    const clipped = new Learner(
      module,
      spec,
      data['xor']!,
      { optimizer: 'sgd', lr: 0.5, clip: 0.01 },
      1,
    );
    const before = clipped.read('0.weight');
    const r = clipped.step(1);
    const after = clipped.read('0.weight');
    expect(r.gradNorm).toBeGreaterThan(0.01);
    expect(Math.sqrt(norm(after.map((w, i) => w - before[i]!)))).toBeLessThanOrEqual(
      0.5 * 0.01 * 1.0001,
    );
  });

  it('line: linear regression with SGD fits the noisy line', () => {
    const s = new Learner(
      module,
      { layers: [{ type: 'dense', units: 1 }] },
      data['line']!,
      { optimizer: 'sgd', lr: 0.1 },
      1,
    );
    const before = s.evaluate('test').loss;
    s.step(500);
    const after = s.evaluate('test');
    expect(after.accuracy).toBeNull();
    expect(after.loss).toBeLessThan(before / 5);
  });
});

describe('divergence and bad input', () => {
  it('a learning rate far too high is caught, explained and recoverable', () => {
    const s = new Learner(
      module,
      { layers: [{ type: 'dense', units: 1 }] },
      data['diabetes']!,
      { optimizer: 'sgd', lr: 10 },
      1,
    );
    const snap = s.snapshot();
    const r = s.step(1000);
    expect(r.ran).toBeLessThan(1000);
    expect(r.diverged).not.toBeNull();
    expect(r.diverged!.cause).toBe('learning-rate');
    expect(r.diverged!.step).toBe(r.step + 1);
    expect(r.diverged!.message).toMatch(/learning rate 10 is probably too high.*Try 1\./);
    expect(s.step(10).ran).toBe(0); // stays stopped until rewound
    s.restore(snap);
    expect(s.step(1).diverged).toBeNull();
  });

  it('refuses bad options with the field named, and a bad seed', () => {
    expect(() => new Learner(module, XOR, data['xor']!, { lr: Number.NaN }, 1)).toThrow(
      'options.lr must be a number from 1e-7 to 10, got NaN',
    );
    expect(() => new Learner(module, XOR, data['xor']!, {}, -1)).toThrow(
      'seed must be an integer from 0 to 4294967295, got -1',
    );
  });

  it('refuses a model file whose shapes do not fit, and keeps the weights it had', async () => {
    const s = new Learner(module, XOR, data['xor']!, {}, 1);
    const before = await s.weightsHash();
    const params = s.stateDict();
    params[0] = { ...params[0]!, shape: [2, 4] };
    expect(() => s.loadStateDict(params)).toThrow(
      'params["0.weight"] must have shape [4, 2], got [2, 4]',
    );
    expect(await s.weightsHash()).toBe(before);
  });
});

describe('reading the network', () => {
  it('save → load → evaluate gives the same loss', () => {
    const spec = {
      layers: [
        { type: 'dense', units: 8, activation: 'leaky_relu' },
        { type: 'dense', units: 1, activation: 'sigmoid' },
      ],
    };
    const a = new Learner(
      module,
      spec,
      data['breast-cancer']!,
      { optimizer: 'adam', lr: 0.01, l2: 0.001, clip: 1 },
      2,
    );
    a.step(300);
    const text = encodeModel({
      spec: a.network.spec,
      optimizer: a.options,
      step: a.stepCount,
      params: a.stateDict(),
    });
    const model = decodeModel(text);
    const b = new Learner(module, model.spec, data['breast-cancer']!, model.optimizer, 99);
    b.loadStateDict(model.params, model.step);
    for (const split of ['train', 'validation', 'test'] as const) {
      expect(b.evaluate(split)).toEqual(a.evaluate(split));
    }
    expect(b.stepCount).toBe(300);
  });

  it('predict gives probabilities that match evaluate', () => {
    const spec = {
      layers: [
        { type: 'dense', units: 16, activation: 'relu' },
        { type: 'dense', units: 3 },
      ],
    };
    const s = new Learner(module, spec, data['spiral']!, {}, 1);
    s.step(300);
    const test = data['spiral']!.test;
    const probs = s.predict(test.x);
    let right = 0;
    for (let i = 0; i < test.n; i++) {
      const row = Array.from(probs.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (row.indexOf(Math.max(...row)) === test.y[i]) right++;
    }
    expect(right / test.n).toBeCloseTo(s.evaluate('test').accuracy!, 10);
  });

  it('probe returns hidden activations consistent with the weights', () => {
    const s = new Learner(module, XOR, data['xor']!, {}, 1);
    s.step(100);
    const x = new Float32Array([0.5, -1, 2, 0.25, 0, 0]);
    const { '0.out': pre, '1.out': post } = s.probe(x, ['0.out', '1.out']);
    const w = s.read('0.weight');
    const b = s.read('0.bias');
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < 4; j++) {
        const z = w[j * 2]! * x[r * 2]! + w[j * 2 + 1]! * x[r * 2 + 1]! + b[j]!;
        expect(pre![r * 4 + j]).toBeCloseTo(z, 5);
        expect(post![r * 4 + j]).toBeCloseTo(Math.tanh(z), 5);
      }
    }
    expect(() => s.probe(x, ['0.weight'])).toThrow('"0.weight" is not a layer output');
  });

  it('names tensors the UI can read, with shapes', () => {
    const s = new Learner(module, XOR, data['xor']!, {}, 1);
    const names = s.tensors().map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '0.weight',
        '0.bias',
        '2.weight',
        '0.weight.grad',
        '1.out',
        'optimizer.exp_avg',
      ]),
    );
    expect(s.read('0.weight')).toHaveLength(8);
    expect(s.summary.map((l) => l.formula)).toEqual(['2×4 + 4 = 12', '0', '4×1 + 1 = 5']);
  });
});
