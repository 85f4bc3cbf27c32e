/**
 * The whole-network gradient check: for small networks that use every op of the registry, in
 * chains and in a residual block, the kernel's full gradient of one batch (`gradientOf`, one
 * forward and backward pass) against central finite differences of the same batch's loss
 * (`lossOf`, the same dropout masks and batch statistics). A wrong sign, a missing term, a
 * gradient written instead of added or a skipped input anywhere in a backward pass shows here.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { Learner, type LearnerData } from '../../src/engine/learner.js';
import { OPS } from '../../src/engine/ops/index.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { testValues } from '../kernel/harness.js';

const module = await loadKernelModule();
const f32 = Math.fround;

/** Rows of a flat data set: inputs in [-1, 1), targets for the task. */
function flat(task: Dataset['task'], inputs: number, outputs: number, n = 12): LearnerData {
  const split = (seed: number) => {
    const x = testValues(n * inputs, seed);
    const y =
      task === 'multiclass'
        ? Float32Array.from({ length: n }, (_, i) => (i * 7 + seed) % outputs)
        : task === 'binary'
          ? Float32Array.from({ length: n * outputs }, (_, i) => (i * 5 + seed) % 2)
          : testValues(n * outputs, seed + 50);
    return { x, y, n };
  };
  return {
    name: 'checks',
    task,
    inputs,
    outputs,
    train: split(1),
    validation: split(2),
    test: split(3),
  };
}

/** Images of u8 pixels with class labels. */
function images(
  channels: number,
  height: number,
  width: number,
  classes: number,
  n = 12,
): LearnerData {
  const inputs = channels * height * width;
  const split = (seed: number) => ({
    x: Uint8Array.from(testValues(n * inputs, seed), (v) => Math.floor((v + 1) * 127.5)),
    y: Float32Array.from({ length: n }, (_, i) => (i * 3 + seed) % classes),
    n,
  });
  return {
    name: 'pictures',
    task: 'multiclass',
    inputs,
    outputs: classes,
    train: split(4),
    validation: split(5),
    test: split(6),
    image: { channels, height, width, scale: 1 / 255 },
  };
}

/**
 * Sequences of `steps` steps: token ids from a vocabulary of `vocab` symbols (features 0), or
 * `features` values per step; targets at every step or one per example.
 */
function sequences(
  task: Dataset['task'],
  steps: number,
  outputs: number,
  perPosition: boolean,
  { vocab = 0, features = 1 } = {},
  n = 12,
): LearnerData {
  const perStep = vocab > 0 ? 1 : features;
  const answers = perPosition ? steps : 1;
  const split = (seed: number) => ({
    x:
      vocab > 0
        ? Float32Array.from({ length: n * steps }, (_, i) => (i * 7 + seed * 3 + (i >> 2)) % vocab)
        : testValues(n * steps * perStep, seed),
    y:
      task === 'multiclass'
        ? Float32Array.from({ length: n * answers }, (_, i) => (i * 5 + seed) % outputs)
        : task === 'binary'
          ? Float32Array.from({ length: n * answers * outputs }, (_, i) => (i * 3 + seed) % 2)
          : testValues(n * answers * outputs, seed + 40),
    n,
  });
  return {
    name: 'sequences',
    task,
    inputs: steps * perStep,
    outputs,
    train: split(7),
    validation: split(8),
    test: split(9),
    sequence: {
      steps,
      features: perStep,
      perPosition,
      ...(vocab > 0 ? { vocab: Array.from({ length: vocab }, (_, i) => String(i)) } : {}),
    },
  };
}

/** The first `rows` training rows as the network sees them. */
function batchOf(data: LearnerData, rows: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(rows * data.inputs);
  const scale = data.image?.scale ?? 1;
  for (let i = 0; i < x.length; i++) x[i] = f32(data.train.x[i]! * scale);
  const width = data.train.y.length / data.train.n;
  return { x, y: data.train.y.slice(0, rows * width) };
}

interface Case {
  name: string;
  layers: unknown[];
  data: LearnerData;
  loss?: string;
  features?: string[];
}

const CASES: Case[] = [
  {
    name: 'dense, tanh, dense (bce)',
    layers: [
      { type: 'dense', units: 5, activation: 'tanh' },
      { type: 'dense', units: 1 },
    ],
    data: flat('binary', 3, 1),
  },
  {
    name: 'sigmoid, leaky ReLU and a final softmax under mse',
    layers: [
      { type: 'dense', units: 6, activation: 'sigmoid' },
      { type: 'dense', units: 5, activation: 'leaky_relu' },
      { type: 'dense', units: 3, activation: 'softmax' },
    ],
    data: flat('regression', 4, 3),
  },
  {
    name: 'ReLU and dropout (cce)',
    layers: [
      { type: 'dense', units: 8, activation: 'relu' },
      { type: 'dropout', rate: 0.3 },
      { type: 'dense', units: 3 },
    ],
    data: flat('multiclass', 4, 3),
  },
  {
    name: 'input features into a dense layer',
    features: ['x1', 'x2', 'x1x1', 'x1x2', 'sinx2'],
    layers: [
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'dense', units: 1 },
    ],
    data: flat('binary', 2, 1),
  },
  {
    // (A bias right before batch norm does not change the loss: the mean is taken out again.)
    name: 'batch norm over features',
    layers: [
      { type: 'dense', units: 6, activation: 'tanh' },
      { type: 'batchnorm' },
      { type: 'dense', units: 3 },
    ],
    data: flat('multiclass', 4, 3),
  },
  {
    name: 'a residual block of dense layers',
    layers: [
      { type: 'dense', units: 6, activation: 'tanh' },
      { type: 'dense', units: 6, activation: 'tanh' },
      { type: 'add', from: 0 },
      { type: 'dense', units: 2 },
    ],
    data: flat('regression', 3, 2),
  },
  {
    name: 'conv (same padding), ReLU, max pooling, flatten, dense',
    layers: [
      { type: 'conv2d', filters: 3, kernel: 3, padding: 1, activation: 'relu' },
      { type: 'maxpool2d', size: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 3 },
    ],
    data: images(1, 6, 8, 3),
  },
  {
    name: 'strided conv without bias, tanh, padded average pooling',
    layers: [
      { type: 'conv2d', filters: 3, kernel: 3, stride: 2, bias: false, activation: 'tanh' },
      { type: 'avgpool2d', size: 2, padding: 1 },
      { type: 'flatten' },
      { type: 'dense', units: 2 },
    ],
    data: images(2, 9, 7, 2),
  },
  {
    name: 'a residual conv block with batch norm',
    layers: [
      { type: 'conv2d', filters: 4, kernel: 3, padding: 1, bias: false },
      { type: 'batchnorm' },
      { type: 'activation', activation: 'relu' },
      { type: 'conv2d', filters: 4, kernel: 3, padding: 1, activation: 'tanh' },
      { type: 'add', from: 2 },
      { type: 'maxpool2d', size: 3, stride: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 3 },
    ],
    data: images(1, 7, 7, 3),
  },
  {
    name: 'embedding, RNN at every step, dense at every step (cce per position)',
    layers: [
      { type: 'embedding', dim: 3 },
      { type: 'rnn', hidden: 5, sequences: true },
      { type: 'dense', units: 4 },
    ],
    data: sequences('multiclass', 6, 4, true, { vocab: 5 }),
  },
  {
    name: 'one-hot, LSTM on its last step, dense (cce)',
    layers: [{ type: 'onehot' }, { type: 'lstm', hidden: 4 }, { type: 'dense', units: 3 }],
    data: sequences('multiclass', 7, 3, false, { vocab: 4 }),
  },
  {
    name: 'GRU at every step over two values per step, tanh, dense (mse per position)',
    layers: [
      { type: 'gru', hidden: 5, sequences: true },
      { type: 'activation', activation: 'tanh' },
      { type: 'dense', units: 2 },
    ],
    data: sequences('regression', 5, 2, true, { features: 2 }),
  },
  {
    name: 'two stacked LSTMs, dropout, dense (bce on the last step)',
    layers: [
      { type: 'embedding', dim: 2 },
      { type: 'lstm', hidden: 3, sequences: true },
      { type: 'dropout', rate: 0.2 },
      { type: 'gru', hidden: 4 },
      { type: 'dense', units: 1 },
    ],
    data: sequences('binary', 6, 1, false, { vocab: 3 }),
  },
  {
    name: 'a GPT: embedding, learned positions, a two-head block, layer norm, dense (cce per position)',
    layers: [
      { type: 'embedding', dim: 4 },
      { type: 'posenc', kind: 'learned' },
      { type: 'transformer', heads: 2, mlp: 2 },
      { type: 'layernorm' },
      { type: 'dense', units: 3 },
    ],
    data: sequences('multiclass', 5, 3, true, { vocab: 4 }),
  },
  {
    name: 'a GPT with attention dropout (one fixed mask on the weights)',
    layers: [
      { type: 'embedding', dim: 4 },
      { type: 'posenc', kind: 'learned' },
      { type: 'transformer', heads: 2, mlp: 2, attnDropout: 0.3 },
      { type: 'layernorm' },
      { type: 'dense', units: 3 },
    ],
    data: sequences('multiclass', 5, 3, true, { vocab: 4 }),
  },
  {
    name: 'a GPT with its head tied to the embedding (one table, two gradients)',
    layers: [
      { type: 'embedding', dim: 4 },
      { type: 'posenc', kind: 'learned' },
      { type: 'transformer', heads: 2, mlp: 2 },
      { type: 'layernorm' },
      { type: 'dense', units: 4, tied: true },
    ],
    data: sequences('multiclass', 5, 4, true, { vocab: 4 }),
  },
  {
    name: 'sinusoidal positions, dropout, two blocks, the last position, dense (cce)',
    layers: [
      { type: 'embedding', dim: 6 },
      { type: 'posenc', kind: 'sinusoidal' },
      { type: 'dropout', rate: 0.1 },
      { type: 'transformer', heads: 3, mlp: 1 },
      { type: 'transformer', heads: 1, mlp: 2, sequences: false },
      { type: 'layernorm' },
      { type: 'dense', units: 3 },
    ],
    data: sequences('multiclass', 4, 3, false, { vocab: 5 }),
  },
];

/**
 * Central differences of the batch loss for about 24 elements of every parameter, each of which
 * must agree with the kernel's gradient to 2%. A ReLU or max-pooling kink inside [w − h, w + h]
 * makes the loss locally non-smooth; such an element is tried again with h/4 and h/16 (and
 * counted), which finds the true slope for a correct gradient and never for a wrong one.
 */
function check(c: Case): { checked: number; refined: number; worst: number } {
  const spec = {
    layers: c.layers,
    ...(c.loss ? { loss: c.loss } : {}),
    ...(c.features ? { features: c.features } : {}),
  };
  const rows = 8;
  const learner = new Learner(module, spec, c.data, { optimizer: 'sgd', batch: rows }, 11);
  const { x, y } = batchOf(c.data, rows);
  const { grads } = learner.gradientOf(x, y, true);
  const h = 2e-3;
  let checked = 0;
  let refined = 0;
  let worst = 0;
  for (const p of learner.stateDict()) {
    const grad = grads.get(p.name)!;
    const step = Math.max(1, Math.floor(p.values.length / 24));
    let largest = 0;
    for (let i = 0; i < p.values.length; i += step) {
      const w = p.values[i]!;
      const central = (d: number): number => {
        learner.setParam(p.name, i, f32(w + d));
        const up = learner.lossOf(x, y);
        learner.setParam(p.name, i, f32(w - d));
        const down = learner.lossOf(x, y);
        learner.setParam(p.name, i, w);
        return (up - down) / (f32(w + d) - f32(w - d));
      };
      // A ReLU or max-pooling kink near w biases a difference quotient; with a correct gradient
      // a smaller step gets it back, with a wrong one no step does.
      let fd = central(h);
      largest = Math.max(largest, Math.abs(fd));
      const tolerance = (d: number): number => Math.abs(grad[i]! - d) / (Math.abs(d) + 1e-2);
      let error = tolerance(fd);
      for (const smaller of [h / 4, h / 16]) {
        if (error < 2e-2) break;
        fd = central(smaller);
        error = tolerance(fd);
        refined++;
      }
      expect(
        error,
        `${c.name}: ${p.name}[${i}] kernel ${grad[i]} vs differences ${fd}`,
      ).toBeLessThan(2e-2);
      worst = Math.max(worst, error);
      checked++;
    }
    // A parameter the loss does not depend on would pass trivially: every one must matter.
    expect(largest, `${c.name}: the loss does not move with ${p.name}`).toBeGreaterThan(1e-4);
  }
  learner.dispose();
  return { checked, refined, worst };
}

describe('whole-network gradients match central differences', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { checked, refined, worst } = check(c);
      console.log(
        `${c.name}: ${checked} checked (${refined} with a smaller step), worst relative error ${worst.toExponential(2)}`,
      );
      expect(checked).toBeGreaterThan(20);
      expect(refined).toBeLessThanOrEqual(checked / 6);
    });
  }

  it('cover every op type of the registry', () => {
    const used = new Set<string>();
    for (const c of CASES) {
      const spec = { layers: c.layers, ...(c.features ? { features: c.features } : {}) };
      const learner = new Learner(module, spec, c.data, { batch: 8 }, 1);
      const { graph, folded } = learner.network;
      for (const node of [...graph.nodes, ...(folded ? [folded] : [])]) used.add(node.op);
      learner.dispose();
    }
    expect([...used].sort()).toEqual(Object.keys(OPS).sort());
  });
});
