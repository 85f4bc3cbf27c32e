/**
 * Sequence networks in the learner: token ids checked against the vocabulary, per-position
 * answers counted at every step, the output shape a sequence task asks for, the gradient's
 * health along the sequence, and sampling (deterministic for a seed, greedy at temperature 0,
 * cut to the top k).
 */
import { describe, expect, it } from 'vitest';
import { Learner, type LearnerData } from '../../src/engine/learner.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { testValues } from '../kernel/harness.js';

const module = await loadKernelModule();

/** Token sequences over `vocab` symbols; the target at each step is a function of the ids so far. */
function tokens(
  steps: number,
  vocab: number,
  target: (ids: number[], t: number) => number,
  perPosition = true,
  n = 64,
): LearnerData {
  const split = (seed: number) => {
    const x = Float32Array.from(testValues(n * steps, seed), (v) =>
      Math.min(vocab - 1, Math.floor(((v + 1) / 2) * vocab)),
    );
    const y = new Float32Array(perPosition ? n * steps : n);
    for (let i = 0; i < n; i++) {
      const ids = Array.from(x.subarray(i * steps, (i + 1) * steps));
      if (perPosition) for (let t = 0; t < steps; t++) y[i * steps + t] = target(ids, t);
      else y[i] = target(ids, steps - 1);
    }
    return { x, y, n };
  };
  return {
    name: 'tokens',
    task: 'multiclass',
    inputs: steps,
    outputs: vocab,
    train: split(1),
    validation: split(2),
    test: split(3),
    sequence: {
      steps,
      features: 1,
      perPosition,
      vocab: Array.from({ length: vocab }, (_, i) => String.fromCharCode(97 + i)),
    },
  };
}

const copy = (ids: number[], t: number) => ids[t]!;
const previous = (ids: number[], t: number) => (t > 0 ? ids[t - 1]! : 0);

describe('sequence data in the learner', () => {
  it('refuses a token id outside the vocabulary, naming where it is', () => {
    const data = tokens(4, 3, copy);
    data.validation.x[5] = 3;
    expect(
      () =>
        new Learner(
          module,
          { layers: [{ type: 'onehot' }, { type: 'dense', units: 3 }] },
          data,
          {},
          1,
        ),
    ).toThrow('data.validation.x[5] must be a token id, a whole number from 0 to 2, got 3');
  });

  it('says what shape a task scored at every step wants', () => {
    const data = tokens(5, 3, copy);
    const flat = { layers: [{ type: 'onehot' }, { type: 'flatten' }, { type: 'dense', units: 3 }] };
    expect(() => new Learner(module, flat, data, {}, 1)).toThrow(
      /wants an answer at each of its 5 steps, \[5, 3\]/,
    );
    const last = tokens(5, 3, copy, false);
    const every = {
      layers: [
        { type: 'onehot' },
        { type: 'rnn', hidden: 4, sequences: true },
        { type: 'dense', units: 3 },
      ],
    };
    expect(() => new Learner(module, every, last, {}, 1)).toThrow(/one answer per example/);
    expect(
      () =>
        new Learner(
          module,
          {
            layers: [
              { type: 'dense', units: 2 },
              { type: 'embedding', dim: 3 },
            ],
          },
          data,
          {},
          1,
        ),
    ).toThrow(/embedding must be the first layer/);
  });

  it('drops attention weights only while training, about as many as asked', () => {
    const data = tokens(8, 4, previous);
    const layers = (attnDropout?: number) => [
      { type: 'embedding', dim: 8 },
      { type: 'transformer', heads: 2, ...(attnDropout ? { attnDropout } : {}) },
      { type: 'dense', units: 4 },
    ];
    const options = { optimizer: 'adam', lr: 0.01, batch: 16 };
    const plain = new Learner(module, { layers: layers() }, data, options, 3);
    const dropping = new Learner(module, { layers: layers(0.5) }, data, options, 3);
    // The same start, and evaluation uses every weight: the same loss to the bit.
    expect(dropping.evaluate('validation').loss).toBe(plain.evaluate('validation').loss);
    plain.step(1);
    dropping.step(1);
    const mask = dropping.tensors().find((t) => t.name.endsWith('.mask'))!;
    // Rows of the arena (a batch, or an evaluation chunk) by heads × T × T; the batch drew 16.
    expect(mask.shape.slice(1)).toEqual([2, 8, 8]);
    const m = (dropping.read(mask.name) as Float32Array).subarray(0, 16 * 2 * 8 * 8);
    const zeros = m.filter((v) => v === 0).length / m.length;
    expect(zeros).toBeGreaterThan(0.4);
    expect(zeros).toBeLessThan(0.6);
    expect(new Set(m)).toEqual(new Set([0, 2]));
    expect(plain.tensors().some((t) => t.name.endsWith('.mask'))).toBe(false);
    // Training saw other weights, so it moved the network elsewhere.
    expect(dropping.weightsHash()).not.toBe(plain.weightsHash());
    plain.dispose();
    dropping.dispose();
  });

  it('ties a head to the embedding only where the shapes fit, and says why not', () => {
    const data = tokens(6, 4, copy);
    const tied = new Learner(
      module,
      {
        layers: [
          { type: 'embedding', dim: 4 },
          { type: 'dense', units: 4, tied: true },
        ],
      },
      data,
      {},
      1,
    );
    // The table once (4×4) and the head's own bias: no second weight.
    expect(tied.stateDict().map((p) => p.name)).toEqual(['0.weight', '1.bias']);
    expect(tied.network.totalParams).toBe(16 + 4);
    expect(tied.network.summary[1]!.formula).toBe("4 (bias; weights: the embedding's)");
    tied.dispose();
    expect(
      () =>
        new Learner(
          module,
          {
            layers: [
              { type: 'embedding', dim: 3 },
              { type: 'dense', units: 5, activation: 'relu' },
              { type: 'dense', units: 4, tied: true },
            ],
          },
          data,
          {},
          1,
        ),
    ).toThrow(
      /layers\[2\]\.tied must fit the embedding's table \(4×3\): a tied head needs 4 units and 3 inputs, got 4 units and 5 inputs/,
    );
    expect(
      () =>
        new Learner(
          module,
          { layers: [{ type: 'onehot' }, { type: 'dense', units: 4, tied: true }] },
          data,
          {},
          1,
        ),
    ).toThrow(
      /layers\[1\]\.tied needs exactly one embedding layer before it to share its table, found 0/,
    );
  });

  it('counts every position: copying the current symbol is learnt by a per-step layer, the previous one only with memory', () => {
    const perStep = { layers: [{ type: 'onehot' }, { type: 'dense', units: 4 }] };
    const copying = new Learner(
      module,
      perStep,
      tokens(6, 4, copy),
      { optimizer: 'adam', lr: 0.1, batch: 16 },
      2,
    );
    copying.step(200);
    expect(copying.evaluate('validation').accuracy).toBe(1);
    // The symbol before: a per-step layer sees only the current one and guesses (about 1/4 right).
    const blind = new Learner(
      module,
      perStep,
      tokens(6, 4, previous),
      { optimizer: 'adam', lr: 0.1, batch: 16 },
      2,
    );
    blind.step(200);
    expect(blind.evaluate('validation').accuracy).toBeLessThan(0.45);
    const memory = {
      layers: [
        { type: 'onehot' },
        { type: 'rnn', hidden: 12, sequences: true },
        { type: 'dense', units: 4 },
      ],
    };
    const recalling = new Learner(
      module,
      memory,
      tokens(6, 4, previous),
      { optimizer: 'adam', lr: 0.05, batch: 16 },
      2,
    );
    recalling.step(400);
    expect(recalling.evaluate('validation').accuracy).toBeGreaterThan(0.9);
  });

  it('records the gradient at every step of the sequence for each recurrent layer', () => {
    const spec = {
      layers: [
        { type: 'embedding', dim: 3 },
        { type: 'rnn', hidden: 6 },
        { type: 'dense', units: 4 },
      ],
    };
    const learner = new Learner(
      module,
      spec,
      tokens(12, 4, (ids) => ids[0]!, false),
      { batch: 8 },
      3,
    );
    expect(learner.gradientHealth()).toEqual([]);
    learner.step(3);
    const [health] = learner.gradientHealth();
    expect(health!.layer).toBe('1');
    expect(health!.norms.length).toBe(12);
    expect(health!.norms.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    // The loss reads the last step only: its gradient is largest there and fades going back.
    expect(health!.norms[11]!).toBeGreaterThan(health!.norms[0]!);
  });
});

describe('sampling', () => {
  const spec = {
    layers: [
      { type: 'embedding', dim: 4 },
      { type: 'lstm', hidden: 8, sequences: true },
      { type: 'dense', units: 5 },
    ],
  };
  const data = tokens(8, 5, (ids, t) => (ids[t]! + 1) % 5);
  const learner = new Learner(module, spec, data, { optimizer: 'adam', lr: 0.05, batch: 16 }, 4);
  learner.step(300);

  it('gives the same tokens for the same seed, and follows what it learnt', () => {
    const a = learner.sample([0], 20, { temperature: 1, topK: 0, seed: 7 });
    expect(learner.sample([0], 20, { temperature: 1, topK: 0, seed: 7 })).toEqual(a);
    expect(a).toHaveLength(20);
    const other = [1, 2, 3, 4, 5].map((seed) =>
      learner.sample([0], 20, { temperature: 10, topK: 0, seed }),
    );
    expect(new Set(other.map((s) => s.join())).size).toBeGreaterThan(1);
    // Greedy: the next symbol each time, 1 2 3 4 0 1 …, even past the 8 steps it reads.
    const greedy = learner.sample([0], 12, { temperature: 0, topK: 0, seed: 1 });
    expect(greedy).toEqual([1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2]);
    expect(learner.sample([0], 12, { temperature: 2, topK: 1, seed: 9 })).toEqual(greedy);
  });

  it('stops after the stop token, and refuses options out of range by name', () => {
    expect(learner.sample([0], 10, { temperature: 0, topK: 0, seed: 1, stop: 3 })).toEqual([
      1, 2, 3,
    ]);
    expect(() => learner.sample([0], 0, { temperature: 1, topK: 0, seed: 1 })).toThrow(
      /length must be/,
    );
    expect(() => learner.sample([0], 5, { temperature: NaN, topK: 0, seed: 1 })).toThrow(
      /temperature must be/,
    );
    expect(() => learner.sample([0], 5, { temperature: 1, topK: 6, seed: 1 })).toThrow(
      /topK must be/,
    );
    expect(() => learner.sample([7], 5, { temperature: 1, topK: 0, seed: 1 })).toThrow(
      /prompt\[0\] must be/,
    );
  });
});

describe('the state of a recurrent layer over one sequence', () => {
  const data = tokens(7, 4, previous);
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: h(t) is the layer's output at every step${cell === 'rnn' ? '' : ', and the gates lie in 0..1'}`, () => {
      const spec = {
        layers: [
          { type: 'onehot' },
          { type: cell, hidden: 5, sequences: true },
          { type: 'dense', units: 4 },
        ],
      };
      const learner = new Learner(module, spec, data, { optimizer: 'adam', lr: 0.05, batch: 8 }, 5);
      learner.step(20);
      const x = Float32Array.from(data.test.x.slice(7, 14));
      const state = learner.recurrentState(x, '1');
      const out = learner.probe(x, ['1.out'])['1.out']!;
      expect(Array.from(state.h)).toEqual(Array.from(out));
      expect(state.steps).toBe(7);
      for (const g of Object.values(state.gates ?? {})) {
        expect(g.length).toBe(35);
        expect(g.every((v) => v > 0 && v < 1)).toBe(true);
      }
      if (cell === 'lstm') {
        // h = o ⊙ tanh(c): the cell and the output gate explain the hidden state.
        const { output } = state.gates!;
        for (let i = 0; i < 35; i++) {
          expect(state.h[i]!).toBeCloseTo(output![i]! * Math.tanh(state.c![i]!), 5);
        }
      }
    });
  }
});

describe('perplexity', () => {
  it('is e^loss for a model of the next symbol, and absent for one answer per sequence', () => {
    const spec = { layers: [{ type: 'onehot' }, { type: 'dense', units: 4 }] };
    const next = new Learner(module, spec, tokens(6, 4, copy), { batch: 16 }, 1);
    const e = next.evaluate('validation');
    expect(e.perplexity).toBeCloseTo(Math.exp(e.loss), 10);
    const last = {
      layers: [{ type: 'onehot' }, { type: 'rnn', hidden: 4 }, { type: 'dense', units: 4 }],
    };
    const one = new Learner(module, last, tokens(6, 4, copy, false), { batch: 16 }, 1);
    expect(one.evaluate('validation').perplexity).toBeNull();
  });
});
