import { beforeAll, describe, expect, it } from 'vitest';
import { makeCsvDataset, makeDataset } from '../../src/data/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { decodeModel, encodeModel } from '../../src/engine/model-file.js';
import { Learner, type TrainingState } from '../../src/engine/learner.js';
import { LIMITS } from '../../src/engine/limits.js';
import { SpecError } from '../../src/engine/spec.js';
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

  it('L2 and L1 shrink the weights; clipping bounds every update', () => {
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
    // L1 pulls every weight towards zero by the same amount, so it ends near zero (within the
    // lr·λ it overshoots by) unless the data keeps it; the biases feel neither penalty.
    const sparse = new Learner(
      module,
      spec,
      data['xor']!,
      { optimizer: 'sgd', lr: 0.1, l1: 0.05 },
      1,
    );
    sparse.step(500);
    const abs = (a: ArrayLike<number>): number =>
      Array.from(a).reduce((s, x) => s + Math.abs(x), 0);
    expect(abs(sparse.read('0.weight'))).toBeLessThan(0.5 * abs(plain.read('0.weight')));
    const near = Array.from(sparse.read('0.weight')).filter((w) => Math.abs(w) <= 0.1 * 0.05);
    expect(near.length).toBeGreaterThan(0);
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

describe('a yes/no task trained with squared error', () => {
  it('is scored by reading its output as yes above 0.5, the way the chapter 1 line is', () => {
    const s = new Learner(
      module,
      { layers: [{ type: 'dense', units: 1 }], loss: 'mse' },
      data['breast-cancer']!,
      { optimizer: 'sgd', lr: 0.01 },
      1,
    );
    const r = s.step(200);
    expect(r.trainAccuracy).not.toBeNull();
    const test = s.evaluate('test');
    const x = data['breast-cancer']!.test.x;
    const y = data['breast-cancer']!.test.y;
    const out = s.predict(x);
    const right = Array.from(out).filter((v, i) => v > 0.5 === y[i]! > 0.5).length;
    expect(test.accuracy).toBeCloseTo(right / y.length, 12);
    expect(test.accuracy!).toBeGreaterThan(0.8);
  });

  it('describe() reports the network, options and seed it trains, and its step', () => {
    const s = new Learner(module, XOR, data['xor']!, { optimizer: 'sgd', lr: 0.2, batch: 8 }, 7);
    s.step(3);
    const d = s.describe();
    expect(d.spec).toMatchObject({ inputs: 2, loss: 'bce', layers: XOR.layers });
    expect(d.options).toMatchObject({ optimizer: 'sgd', lr: 0.2, batch: 8, l2: 0 });
    expect([d.seed, d.step]).toEqual([7, 3]);
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

describe('divergence after the last update', () => {
  const LINEAR = { layers: [{ type: 'dense', units: 1 }] };

  it('step reports weights that the last update made infinite, and stops there', () => {
    const s = new Learner(module, XOR, data['xor']!, { optimizer: 'sgd', lr: 10, l2: 6 }, 1);
    const snap = s.snapshot();
    const r = s.step(22);
    expect(r.ran).toBe(22);
    expect(r.diverged).toMatchObject({ step: 22, quantity: 'weights', cause: 'learning-rate' });
    expect(r.diverged!.message).toMatch(
      /^The weights stopped being numbers after step 22: the learning rate 10 is probably too high, so each update overshoots and the weights blow up\. Try 1\.$/,
    );
    expect(s.checkFinite()).toBe(r.diverged);
    expect(s.step(5).ran).toBe(0);
    s.restore(snap);
    expect(s.step(5).diverged).toBeNull();
    expect(s.checkFinite()).toBeNull();
  });

  it('checkFinite finds a split loss that overflows although every weight is finite', () => {
    const s = new Learner(module, LINEAR, data['line']!, { optimizer: 'sgd', lr: 10 }, 1);
    const r = s.step(16);
    expect(r.diverged).toBeNull();
    expect(s.read('0.weight').every(Number.isFinite)).toBe(true);
    const d = s.checkFinite();
    expect(d).toMatchObject({ step: 16, quantity: 'loss', cause: 'learning-rate' });
    expect(d!.message).toMatch(
      /^After step 16 the train loss is not a finite number \(the largest weight is [\d.]+e\+20\): the learning rate 10/,
    );
    expect(s.step(1).ran).toBe(0);
  });

  it('the first batch loss is kept for comparisons, and reset by restore', () => {
    const s = new Learner(module, XOR, data['xor']!, { lr: 0.03 }, 1);
    expect(s.firstBatchLoss).toBeNaN();
    const first = s.step(1).lastLoss;
    s.step(50);
    expect(s.firstBatchLoss).toBe(first);
    s.reset();
    expect(s.firstBatchLoss).toBeNaN();
  });
});

describe('limits the learner enforces', () => {
  it('a batch larger than the training rows is refused with both numbers', () => {
    const rows = data['xor']!.train.n;
    expect(() => new Learner(module, XOR, data['xor']!, { batch: rows + 1 }, 1)).toThrow(
      new SpecError([
        `options.batch must be at most ${rows}, the rows of the training split, got ${rows + 1}`,
      ]),
    );
    expect(() => new Learner(module, XOR, data['xor']!, { batch: rows }, 1)).not.toThrow();
  });

  it('the step counter cannot pass its maximum', () => {
    const s = new Learner(module, XOR, data['xor']!, {}, 1);
    expect(() => s.loadStateDict(s.stateDict(), LIMITS.maxStepCount + 1)).toThrow(
      'step must be an integer from 0 to 2147483647, got 2147483648',
    );
    s.loadStateDict(s.stateDict(), LIMITS.maxStepCount - 2);
    expect(() => s.step(3)).toThrow(RangeError);
    expect(s.step(2).step).toBe(LIMITS.maxStepCount);
    expect(() => s.step(1)).toThrow(/past 2147483647/);
  });
});

describe('training state: a saved run continues bit-identically', () => {
  const DROPOUT = {
    layers: [
      { type: 'dense', units: 16, activation: 'relu' },
      { type: 'dropout', rate: 0.3 },
      { type: 'dense', units: 3 },
    ],
  };

  for (const optimizer of ['sgd', 'momentum', 'rmsprop', 'adam', 'adamw'] as const) {
    it(`${optimizer}: 300 steps, then 300 in a new learner given the state, equal 600 in one`, async () => {
      const options = { optimizer, lr: 0.02, nesterov: optimizer === 'momentum' };
      const whole = new Learner(module, DROPOUT, data['spiral']!, options, 4);
      whole.step(600);
      const a = new Learner(module, DROPOUT, data['spiral']!, options, 4);
      a.step(300);
      const b = new Learner(module, DROPOUT, data['spiral']!, options, 4);
      b.loadStateDict(a.stateDict(), a.stepCount);
      b.loadTrainingState(a.trainingState());
      b.step(300);
      expect(b.stepCount).toBe(600);
      expect(await b.weightsHash()).toBe(await whole.weightsHash());
      // Without the state, the same parameters continue differently.
      const c = new Learner(module, DROPOUT, data['spiral']!, options, 4);
      c.loadStateDict(a.stateDict(), a.stepCount);
      c.step(300);
      expect(await c.weightsHash()).not.toBe(await whole.weightsHash());
    });
  }

  it('lists the buffers of the optimizer per parameter, and the counters', () => {
    const s = new Learner(module, XOR, data['xor']!, { optimizer: 'adam' }, 1);
    s.step(7);
    const state = s.trainingState();
    expect(state.optimizer).toBe('adam');
    expect(state.t).toBe(7);
    expect(state.beta1Power).toBeCloseTo(0.9 ** 7, 6);
    expect(state.beta2Power).toBeCloseTo(0.999 ** 7, 6);
    expect(state.cursor).toBe(7 * 32);
    expect(state.order).toHaveLength(data['xor']!.train.n);
    expect([...state.order].sort((x, y) => x - y)).toEqual(
      Array.from({ length: data['xor']!.train.n }, (_, i) => i),
    );
    expect(state.buffers.map((b) => `${b.buffer} ${b.param} [${b.shape}]`)).toEqual([
      'exp_avg 0.weight [4,2]',
      'exp_avg 0.bias [4]',
      'exp_avg 2.weight [1,4]',
      'exp_avg 2.bias [1]',
      'exp_avg_sq 0.weight [4,2]',
      'exp_avg_sq 0.bias [4]',
      'exp_avg_sq 2.weight [1,4]',
      'exp_avg_sq 2.bias [1]',
    ]);
    expect(state.buffers[0]!.values).toEqual(
      (s.read('optimizer.exp_avg') as Float32Array).slice(0, 8),
    );
    expect(
      new Learner(module, XOR, data['xor']!, { optimizer: 'sgd' }, 1).trainingState().buffers,
    ).toEqual([]);
  });

  it('refuses state of another optimizer or other data, or a damaged one, and changes nothing', async () => {
    const adam = new Learner(module, XOR, data['xor']!, { optimizer: 'adam' }, 1);
    adam.step(20);
    const state = adam.trainingState();
    const target = new Learner(module, XOR, data['xor']!, { optimizer: 'momentum' }, 1);
    target.step(3);
    const before = target.trainingState();
    const hash = await target.weightsHash();
    const refuse = (s: TrainingState, message: string): void => {
      expect(() => target.loadTrainingState(s)).toThrow(SpecError);
      expect(() => target.loadTrainingState(s)).toThrow(message);
      expect(target.trainingState()).toEqual(before);
    };
    refuse(
      state,
      'state.optimizer is "adam", but this run trains with momentum: saved optimizer state can only continue the optimizer it belongs to',
    );
    const sameOptimizer = new Learner(module, XOR, data['xor']!, { optimizer: 'adam' }, 1);
    const check = (s: TrainingState, message: string): void => {
      expect(() => sameOptimizer.loadTrainingState(s)).toThrow(message);
    };
    const circles = makeDataset('circles', { module, seed: 1, n: 300 });
    const other = new Learner(module, XOR, circles, { optimizer: 'adam' }, 1);
    expect(() => other.loadTrainingState(state)).toThrow(
      `state.order holds ${data['xor']!.train.n} rows, but the training split has ${circles.train.n}: this state was saved for other data`,
    );
    const order = state.order.slice();
    order[5] = order[6]!;
    check(
      { ...state, order },
      `state.order must list each training row 0 to ${data['xor']!.train.n - 1} once; entry 6 is`,
    );
    check(
      { ...state, cursor: 10_000 },
      `state.cursor must be an integer from 0 to ${data['xor']!.train.n}, got 10000`,
    );
    check({ ...state, rng: [0, 0, 0, 0] }, 'state.rng must not be all zero');
    check({ ...state, beta1Power: 2 }, 'state.beta1Power must be a number from 0 to 1, got 2');
    check(
      { ...state, buffers: state.buffers.slice(1) },
      'state.buffers.exp_avg lack "0.weight" (shape [4, 2])',
    );
    const wrongShape = state.buffers.map((b, i) => (i === 0 ? { ...b, shape: [2, 4] } : b));
    check(
      { ...state, buffers: wrongShape },
      'state.buffers.exp_avg["0.weight"] must have shape [4, 2], got [2, 4]',
    );
    const nan = state.buffers.map((b, i) =>
      i === 1 ? { ...b, values: new Float32Array(4).fill(NaN) } : b,
    );
    check(
      { ...state, buffers: nan },
      'state.buffers.exp_avg["0.bias"] must hold finite numbers only',
    );
    expect(await target.weightsHash()).toBe(hash);
  });

  it('refuses a buffer the network does not have, however many good ones come first', () => {
    // 13 dense layers under Adam keep 52 buffers: more than any cap on the messages.
    const deep = {
      layers: [
        ...Array.from({ length: 12 }, () => ({ type: 'dense', units: 2, activation: 'tanh' })),
        { type: 'dense', units: 1 },
      ],
    };
    const a = new Learner(module, deep, data['xor']!, { optimizer: 'adam' }, 1);
    a.step(2);
    const state = a.trainingState();
    expect(state.buffers.length).toBe(52);
    const extra = { ...state.buffers[0]!, param: '99.weight' };
    expect(() => a.loadTrainingState({ ...state, buffers: [...state.buffers, extra] })).toThrow(
      'state.buffers.exp_avg["99.weight"] is not a state buffer of adam on this network',
    );
  });
});

describe('a regression CSV in its own units', () => {
  /** Size (m²), rooms and age (years) of 300 houses, and a price ≈ 300,000 ± 80,000. */
  function houses(): string {
    let seed = 5;
    const rand = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const lines = ['size,rooms,age,price'];
    for (let i = 0; i < 300; i++) {
      const size = 50 + 150 * rand();
      const rooms = 1 + Math.floor(5 * rand());
      const age = Math.floor(80 * rand());
      const noise = (rand() + rand() + rand() - 1.5) * 20000;
      const price = 84000 + 1800 * size + 9000 * rooms - 900 * age + noise;
      lines.push(`${size.toFixed(1)},${rooms},${age},${Math.round(price)}`);
    }
    return lines.join('\n');
  }
  const MLP = {
    layers: [
      { type: 'dense', units: 16, activation: 'relu' },
      { type: 'dense', units: 1 },
    ],
  };

  it('standardised prices train to a loss far below predicting the mean; raw prices do not', () => {
    const d = makeCsvDataset(houses(), { module, seed: 1, target: 'price' });
    const scale = d.targetStandardization!;
    expect(scale.mean[0]).toBeGreaterThan(270_000);
    expect(scale.mean[0]).toBeLessThan(330_000);
    expect(scale.std[0]).toBeGreaterThan(60_000);
    expect(scale.std[0]).toBeLessThan(100_000);
    // Variance of the validation prices, in price units: the error of always predicting their mean.
    const prices = Array.from(d.validation.y, (y) => y * scale.std[0]! + scale.mean[0]!);
    const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
    const variance = prices.reduce((a, p) => a + (p - mean) ** 2, 0) / prices.length;

    const s = new Learner(module, MLP, d, { optimizer: 'adam', lr: 0.01 }, 1);
    s.step(400);
    const mse = s.lossInTargetUnits('validation')!;
    console.log(
      `houses: validation MSE ${mse.toExponential(3)}, price variance ${variance.toExponential(3)}`,
    );
    expect(mse).toBeLessThan(0.1 * variance);
    expect(mse / (s.evaluate('validation').loss * scale.std[0]! ** 2)).toBeCloseTo(1, 4);
    expect(s.targetStandardization).toBe(scale);

    const raw = makeCsvDataset(houses(), {
      module,
      seed: 1,
      target: 'price',
      standardizeTarget: false,
    });
    expect(raw.targetStandardization).toBeNull();
    const r = new Learner(module, MLP, raw, { optimizer: 'adam', lr: 0.01 }, 1);
    r.step(400);
    expect(r.lossInTargetUnits('validation')).toBeNull();
    expect(r.evaluate('validation').loss).toBeGreaterThan(10 * variance);
  });
});

describe('setting one parameter by hand', () => {
  it('changes predict exactly as the dense layer computes it, and nothing else', async () => {
    // Squared error on one dense unit: predict returns b + w₀x₀ + w₁x₁, summed in that order.
    const s = new Learner(
      module,
      { layers: [{ type: 'dense', units: 1 }], loss: 'mse' },
      data['xor']!,
      { optimizer: 'adam' },
      1,
    );
    s.step(5);
    const state = s.trainingState();
    const f32 = Math.fround;
    const x = new Float32Array([0.5, -1.25, 2, 0.75, -0.3, 0.1]);
    const reference = (): number[] => {
      const [w0, w1] = s.read('0.weight');
      const b = s.read('0.bias')[0]!;
      return [0, 1, 2].map((r) => f32(f32(b + f32(w0! * x[2 * r]!)) + f32(w1! * x[2 * r + 1]!)));
    };
    expect(Array.from(s.predict(x))).toEqual(reference());
    s.setParam('0.weight', 1, -0.8);
    s.setParam('0.bias', 0, 0.1);
    expect(Array.from(s.read('0.weight'))[1]).toBe(f32(-0.8));
    expect(s.read('0.bias')[0]).toBe(f32(0.1)); // stored as float32
    expect(Array.from(s.predict(x))).toEqual(reference());
    expect(s.predict(x)[0]).toBe(f32(f32(f32(0.1) + f32(s.read('0.weight')[0]! * 0.5)) + f32(1)));
    // The optimizer state, the shuffle and the step count stay; reset still knows the start.
    expect(s.trainingState()).toEqual(state);
    expect(s.stepCount).toBe(5);
    expect(s.step(1).step).toBe(6);
    const start = new Learner(
      module,
      { layers: [{ type: 'dense', units: 1 }], loss: 'mse' },
      data['xor']!,
      { optimizer: 'adam' },
      1,
    );
    s.reset();
    expect(await s.weightsHash()).toBe(await start.weightsHash());
  });

  it('reaches a hidden layer: the output follows the tanh of the new weight', () => {
    const s = new Learner(module, XOR, data['xor']!, {}, 1);
    s.step(50);
    s.setParam('0.weight', 5, 2.5);
    s.setParam('2.weight', 3, 1.5);
    const x = new Float32Array([0.5, -1]);
    const w = s.read('0.weight');
    const b = s.read('0.bias');
    const v = s.read('2.weight');
    expect(w[5]).toBe(2.5);
    let z = s.read('2.bias')[0]!;
    for (let j = 0; j < 4; j++) z += v[j]! * Math.tanh(w[2 * j]! * 0.5 - w[2 * j + 1]! + b[j]!);
    expect(s.predict(x)[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
  });

  it('refuses what is not a parameter, an index outside it and an unreasonable value', async () => {
    const s = new Learner(module, XOR, data['xor']!, {}, 1);
    const before = await s.weightsHash();
    const params = 'must be one of 0.weight, 0.bias, 2.weight, 2.bias';
    for (const name of ['1.out', '0.weight.grad', 'optimizer.exp_avg', 'input', '3.weight']) {
      expect(() => s.setParam(name, 0, 1)).toThrow(SpecError);
      expect(() => s.setParam(name, 0, 1)).toThrow(`setParam: name ${params}, got "${name}"`);
    }
    for (const index of [8, -1, 1.5, NaN]) {
      expect(() => s.setParam('0.weight', index, 1)).toThrow(
        `setParam: index must be an integer from 0 to 7 (0.weight [4, 2] holds 8 values), got ${index}`,
      );
    }
    expect(() => s.setParam('2.bias', 1, 1)).toThrow(
      'setParam: index must be an integer from 0 to 0 (2.bias [1] holds 1 value), got 1',
    );
    for (const value of [NaN, Infinity, -Infinity, 1000001, -2e6]) {
      expect(() => s.setParam('0.bias', 0, value)).toThrow(
        `setParam: value must be a finite number from -1000000 to 1000000, got ${value}`,
      );
    }
    expect(() => s.setParam('0.bias', 9, NaN)).toThrow(
      /index must be an integer from 0 to 3 .*\nsetParam: value must be/,
    );
    expect(await s.weightsHash()).toBe(before);
    s.setParam('0.bias', 3, -1e6);
    s.setParam('0.bias', 2, 1e6);
    expect(Array.from(s.read('0.bias')).slice(2)).toEqual([1e6, -1e6]);
    s.dispose();
    expect(() => s.setParam('0.bias', 0, 1)).toThrow('this learner was disposed');
  });
});

describe('convolution weights start with PyTorch fans', () => {
  it('he_uniform by fan-in C·K·K, xavier_uniform by fan-in + fan-out OC·K·K, batch norm at 1 and 0', async () => {
    const module = await loadKernelModule('simd');
    const n = 8;
    const x = new Uint8Array(n * 2 * 6 * 6).fill(7);
    const split = { x, y: new Float32Array(n), n };
    const data = {
      name: 'flat-images',
      task: 'multiclass' as const,
      inputs: 72,
      outputs: 2,
      train: split,
      validation: split,
      test: split,
      image: { channels: 2, height: 6, width: 6, scale: 1 / 255 },
    };
    const spec = {
      layers: [
        { type: 'conv2d', filters: 5, kernel: 3, activation: 'relu' },
        { type: 'batchnorm' },
        { type: 'conv2d', filters: 4, kernel: 3 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
    };
    const l = new Learner(module, spec, data, { batch: 4 }, 9);
    const largest = (name: string) => Math.max(...Array.from(l.read(name), Math.abs));
    const he = Math.sqrt(6 / (2 * 9));
    const xavier = Math.sqrt(6 / (5 * 9 + 4 * 9));
    expect(largest('0.weight')).toBeLessThanOrEqual(he);
    expect(largest('0.weight')).toBeGreaterThan(0.8 * he);
    expect(largest('3.weight')).toBeLessThanOrEqual(xavier);
    expect(largest('3.weight')).toBeGreaterThan(0.8 * xavier);
    expect(Array.from(l.read('2.weight'))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(l.read('2.bias'))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(l.read('0.bias'))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(l.read('2.running_var'))).toEqual([1, 1, 1, 1, 1]);
  });
});
