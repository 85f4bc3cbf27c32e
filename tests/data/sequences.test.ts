/**
 * Generated sequence tasks: layout, token ranges, each task's rule (sine's clean next value, the
 * adding problem's markers, remember's first token, parity), seeded determinism, disjoint
 * splits, option validation, and their registration in `makeDataset` / `namedDataShape`.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, type Dataset, type Split } from '../../src/data/dataset.js';
import {
  DATASET_NAMES,
  MAX_SEQUENCE_VALUES,
  SEQUENCE_DEFAULTS,
  SEQUENCE_GENERATOR_NAMES,
  SEQUENCE_GENERATORS,
  SEQUENCE_NAMES,
  SINE_FREQUENCY,
  adding,
  makeDataset,
  namedDataShape,
  prepareDataset,
  parity,
  remember,
  resolveSequenceOptions,
  sine,
} from '../../src/data/index.js';
import { kernelRandom } from '../../src/data/random.js';
import { sequenceShape } from '../../src/engine/learner-types.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
  for (const name of SEQUENCE_NAMES) await prepareDataset(name);
});

const rand = (seed = 1) => kernelRandom(module, seed);

function splits(d: Dataset): Split[] {
  return [d.train, d.validation, d.test];
}

/** A digest of every x and y value: deep equality on megabytes of Buffer is slow. */
function bytes(d: Dataset): string {
  const h = createHash('sha256');
  for (const s of splits(d)) h.update(Buffer.from(s.x.buffer)).update(Buffer.from(s.y.buffer));
  return h.digest('hex');
}

/** Every value is an exact integer from 0 to size − 1. */
function allIds(values: Float32Array, size: number): boolean {
  return values.every((v) => Number.isInteger(v) && v >= 0 && v < size);
}

/** Checks the layout `SequenceInfo` promises and returns the total number of examples. */
function checkLayout(d: Dataset): number {
  const q = d.sequence!;
  expect(q).toBeDefined();
  expect(d.inputs).toBe(q.steps * q.features);
  expect(d.featureNames).toHaveLength(d.inputs);
  expect(d.standardization).toBeNull();
  const perStep = d.task === 'multiclass' ? 1 : d.outputs;
  const yWidth = q.perPosition ? q.steps * perStep : perStep;
  let total = 0;
  for (const s of splits(d)) {
    expect(s.n).toBeGreaterThan(0);
    expect(s.x.length).toBe(s.n * d.inputs);
    expect(s.y.length).toBe(s.n * yWidth);
    expect(s.x.every(Number.isFinite) && s.y.every(Number.isFinite)).toBe(true);
    if (q.vocab) expect(allIds(s.x, q.vocab.length)).toBe(true);
    if (d.task === 'multiclass') expect(allIds(s.y, d.outputs)).toBe(true);
    if (d.task === 'binary') expect(allIds(s.y, 2)).toBe(true);
    total += s.n;
  }
  return total;
}

describe('sequence registry', () => {
  it('lists the tasks apart from the table data sets', () => {
    expect(SEQUENCE_GENERATOR_NAMES).toEqual(['sine', 'adding', 'remember', 'echo', 'parity']);
    expect(SEQUENCE_NAMES).toEqual([
      'sine',
      'adding',
      'remember',
      'echo',
      'parity',
      'recall',
      'order',
      'names',
      'melville',
    ]);
    for (const name of SEQUENCE_NAMES) expect(DATASET_NAMES).not.toContain(name);
  });

  for (const name of SEQUENCE_GENERATOR_NAMES) {
    it(`${name}: layout, ranges, 70/15/15 split; same seed same bytes, other seed other bytes`, () => {
      const spec = SEQUENCE_GENERATORS[name];
      const d = spec.make(rand(5));
      expect(d.name).toBe(name);
      expect(d.task).toBe(spec.task);
      expect(checkLayout(d)).toBe(spec.defaults.n);
      const n = spec.defaults.n!;
      expect([d.train.n, d.validation.n, d.test.n]).toEqual([0.7 * n, 0.15 * n, 0.15 * n]);
      expect(d.sequence!.steps).toBe(spec.defaults.steps);
      expect(bytes(spec.make(rand(5)))).toEqual(bytes(d));
      expect(bytes(spec.make(rand(6)))).not.toEqual(bytes(d));
      expect(spec.shape()).toMatchObject({ inputs: d.inputs, outputs: d.outputs, task: d.task });
      expect(spec.shape().sequence).toEqual(d.sequence);
    });
  }

  it('keeps the splits disjoint: no example of one split occurs in another', () => {
    const d = adding(rand(3), { n: 600, steps: 10 });
    const rows = (s: Split) =>
      Array.from({ length: s.n }, (_, i) => Buffer.from(s.x.slice(i * 20, (i + 1) * 20).buffer).toString('hex'));
    const train = new Set(rows(d.train));
    const validation = rows(d.validation);
    const test = rows(d.test);
    expect(train.size).toBe(d.train.n);
    expect(validation.some((r) => train.has(r))).toBe(false);
    expect(test.some((r) => train.has(r) || validation.includes(r))).toBe(false);
  });

  it('honours split fractions', () => {
    const d = parity(rand(1), { n: 100, fractions: { train: 0.8, validation: 0.1, test: 0.1 } });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([80, 10, 10]);
  });
});

describe('sine', () => {
  it('targets the clean next value: without noise y[t] is exactly x[t+1]', () => {
    const d = sine(rand(2), { noise: 0, steps: 24, n: 50 });
    expect(d.sequence).toEqual({ steps: 24, features: 1, perPosition: true });
    expect(d.task).toBe('regression');
    expect(d.outputs).toBe(1);
    for (const s of splits(d)) {
      const wrong: number[] = [];
      for (let i = 0; i < s.n; i++) {
        for (let t = 0; t + 1 < 24; t++) if (s.y[i * 24 + t] !== s.x[i * 24 + t + 1]) wrong.push(i);
      }
      expect(wrong).toEqual([]);
      expect(s.y.every((v) => Math.abs(v) <= 1)).toBe(true);
    }
  });

  it('adds noise to the inputs only, and each wave has its own phase and frequency', () => {
    const T = 32;
    const clean = sine(rand(4), { noise: 0, n: 200 });
    const noisy = sine(rand(4), { noise: 0.2, n: 200 });
    // Same stream up to the noise draws, so compare the spread of x[t+1] − y[t] instead.
    let sq = 0;
    let count = 0;
    const s = noisy.train;
    for (let i = 0; i < s.n; i++) {
      for (let t = 0; t + 1 < T; t++) {
        const e = s.x[i * T + t + 1] - s.y[i * T + t];
        sq += e * e;
        count++;
      }
    }
    const std = Math.sqrt(sq / count);
    expect(std).toBeGreaterThan(0.18);
    expect(std).toBeLessThan(0.22);
    expect(noisy.train.y.every((v) => Math.abs(v) <= 1)).toBe(true);
    // Distinct starts (phases) across waves.
    const starts = new Set(Array.from({ length: clean.train.n }, (_, i) => clean.train.x[i * T]));
    expect(starts.size).toBe(clean.train.n);
    // A wave's period is 8 to 32 steps: it changes sign at least once within 32 steps but not
    // more often than every 4 steps on average.
    for (let i = 0; i < clean.train.n; i++) {
      let flips = 0;
      for (let t = 1; t < T; t++) {
        if (Math.sign(clean.train.x[i * T + t]) !== Math.sign(clean.train.x[i * T + t - 1])) flips++;
      }
      expect(flips).toBeGreaterThanOrEqual(1);
      expect(flips).toBeLessThanOrEqual(Math.ceil(2 * T * SINE_FREQUENCY.max) + 1);
    }
  });
});

describe('adding', () => {
  it('marks exactly two steps, one per half, and targets the sum of their values', () => {
    for (const T of [2, 5, 20, 33]) {
      const d = adding(rand(T), { steps: T, n: 100 });
      expect(d.inputs).toBe(2 * T);
      expect(d.sequence).toEqual({ steps: T, features: 2, perPosition: false });
      expect(d.featureNames.slice(0, 2)).toEqual(['step 1 value', 'step 1 marker']);
      const half = Math.floor(T / 2);
      const wrong: string[] = [];
      for (const s of splits(d)) {
        for (let i = 0; i < s.n; i++) {
          const row = i * 2 * T;
          const marked: number[] = [];
          for (let t = 0; t < T; t++) {
            const value = s.x[row + 2 * t];
            const marker = s.x[row + 2 * t + 1];
            if (!(value >= 0 && value < 1)) wrong.push(`${i}: value ${value}`);
            if (marker !== 0 && marker !== 1) wrong.push(`${i}: marker ${marker}`);
            if (marker === 1) marked.push(t);
          }
          if (marked.length !== 2 || marked[0] >= half || marked[1] < half) {
            wrong.push(`${i}: markers at ${marked.join(', ')}`);
            continue;
          }
          const sum = s.x[row + 2 * marked[0]] + s.x[row + 2 * marked[1]];
          if (s.y[i] !== Math.fround(sum)) wrong.push(`${i}: target ${s.y[i]}, sum ${sum}`);
        }
      }
      expect(wrong).toEqual([]);
    }
  });

  it('spreads the markers over each half', () => {
    const T = 10;
    const d = adding(rand(9), { steps: T, n: 2000 });
    const seen = new Set<number>();
    for (let i = 0; i < d.train.n; i++) {
      for (let t = 0; t < T; t++) if (d.train.x[i * 2 * T + 2 * t + 1] === 1) seen.add(t);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('remember', () => {
  it('targets the first token; later tokens are distractors only', () => {
    const d = remember(rand(7));
    expect(d.sequence!.vocab).toEqual(['A', 'B', 'C', 'D', 'w', 'x', 'y', 'z']);
    expect(d.classNames).toEqual(['A', 'B', 'C', 'D']);
    expect(d.outputs).toBe(4);
    expect(d.task).toBe('multiclass');
    expect(d.sequence!.perPosition).toBe(false);
    const T = 10;
    const counts = [0, 0, 0, 0];
    const wrong: number[] = [];
    for (const s of splits(d)) {
      for (let i = 0; i < s.n; i++) {
        if (s.y[i] !== s.x[i * T] || d.classNames![s.y[i]] !== d.sequence!.vocab![s.x[i * T]]) wrong.push(i);
        for (let t = 1; t < T; t++) {
          const id = s.x[i * T + t];
          if (!(id >= 4 && id < 8)) wrong.push(i);
        }
        counts[s.y[i]]++;
      }
    }
    expect(wrong).toEqual([]);
    // Uniform signals: each class within 20% of its share of 2000.
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(100);
  });

  it('takes the number of signals, distractors and the lag from the options', () => {
    const d = remember(rand(1), { symbols: 6, distractors: 2, steps: 40, n: 60 });
    expect(d.sequence!.vocab).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'y', 'z']);
    expect(d.outputs).toBe(6);
    expect(d.inputs).toBe(40);
    for (let i = 0; i < d.train.n; i++) {
      expect(d.train.x[i * 40]).toBeLessThan(6);
      expect(d.train.y[i]).toBe(d.train.x[i * 40]);
      for (let t = 1; t < 40; t++) expect(d.train.x[i * 40 + t]).toBeGreaterThanOrEqual(6);
    }
  });
});

describe('parity', () => {
  it('targets the parity of the bits so far at every step', () => {
    const d = parity(rand(11));
    expect(d.sequence).toEqual({ steps: 8, features: 1, vocab: ['0', '1'], perPosition: true });
    expect(d.task).toBe('binary');
    expect(d.classNames).toEqual(['even', 'odd']);
    const wrong: number[] = [];
    for (const s of splits(d)) {
      for (let i = 0; i < s.n; i++) {
        let ones = 0;
        for (let t = 0; t < 8; t++) {
          ones += s.x[i * 8 + t];
          if (s.y[i * 8 + t] !== ones % 2) wrong.push(i);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('with perPosition false, targets the parity of the whole sequence', () => {
    const d = parity(rand(11), { perPosition: false, steps: 13, n: 300 });
    expect(d.sequence!.perPosition).toBe(false);
    expect(d.targetName).toBe('parity');
    let odd = 0;
    for (const s of splits(d)) {
      expect(s.y.length).toBe(s.n);
      for (let i = 0; i < s.n; i++) {
        let ones = 0;
        for (let t = 0; t < 13; t++) ones += s.x[i * 13 + t];
        expect(s.y[i]).toBe(ones % 2);
        odd += s.y[i];
      }
    }
    expect(odd).toBeGreaterThan(100);
    expect(odd).toBeLessThan(200);
  });
});

describe('sequence options', () => {
  it('fills in the documented defaults', () => {
    expect(resolveSequenceOptions('sine')).toEqual({ n: 1000, steps: 32, noise: 0.05 });
    expect(resolveSequenceOptions('adding')).toEqual({ n: 2000, steps: 20 });
    expect(resolveSequenceOptions('remember')).toEqual({ n: 2000, steps: 10, symbols: 4, distractors: 4, perPosition: false });
    expect(resolveSequenceOptions('parity')).toEqual({ n: 2000, steps: 8, perPosition: true });
    expect(SEQUENCE_DEFAULTS.names).toEqual({ steps: 16, stride: 8 });
  });

  it('names the option and what is allowed', () => {
    const bad: [() => unknown, string][] = [
      [() => sine(rand(), { steps: 500 }), 'sine: option "steps" must be an integer from 2 to 128, got 500'],
      [() => adding(rand(), { steps: 1 }), 'adding: option "steps" must be an integer from 2 to 128, got 1'],
      [() => parity(rand(), { steps: 2.5 }), 'parity: option "steps" must be an integer from 2 to 128, got 2.5'],
      [() => sine(rand(), { steps: 16, n: 5 }), 'sine: option "n" must be an integer from 10 to 100000, got 5'],
      [() => sine(rand(), { noise: 2 }), 'sine: option "noise" must be a number from 0 to 1, got 2'],
      [() => remember(rand(), { symbols: 1 }), 'remember: option "symbols" must be an integer from 2 to 26, got 1'],
      [
        () => remember(rand(), { distractors: 0 }),
        'remember: option "distractors" must be an integer from 1 to 26, got 0',
      ],
      [
        () => parity(rand(), { perPosition: 'yes' as unknown as boolean }),
        'parity: option "perPosition" must be true or false, got "yes"',
      ],
      [
        () => sine(rand(), { symbols: 3 }),
        'sine: option "symbols" is not used by this data set; allowed options: n, steps, noise',
      ],
      [
        () => parity(rand(), { stride: 2 }),
        'parity: option "stride" is not used by this data set; allowed options: n, steps, perPosition',
      ],
    ];
    for (const [make, message] of bad) {
      expect(make).toThrow(DataError);
      expect(make).toThrow(message);
    }
  });

  it('caps the examples so x stays within 2 million values (8 MB)', () => {
    expect(MAX_SEQUENCE_VALUES).toBe(2_000_000);
    // adding: 128 steps × 2 features = 256 values per example, so at most 7812 examples.
    const d = adding(rand(), { steps: 128, n: 7812 });
    expect(d.train.x.length + d.validation.x.length + d.test.x.length).toBeLessThanOrEqual(MAX_SEQUENCE_VALUES);
    expect(() => adding(rand(), { steps: 128, n: 7813 })).toThrow(
      'adding: option "n" must be an integer from 10 to 7812 for 128 steps (at most 2000000 input values: n × steps × features), got 7813',
    );
    expect(() => parity(rand(), { steps: 128, n: 20000 })).toThrow(/from 10 to 15625 for 128 steps/);
  });
});

describe('makeDataset and namedDataShape with sequence sets', () => {
  it('makes every sequence set by name, seeded like the generators', () => {
    for (const name of SEQUENCE_NAMES) {
      const d = makeDataset(name, { seed: 2024, module });
      expect(d.name).toBe(name);
      checkLayout(d);
      expect(bytes(makeDataset(name, { seed: 2024, module }))).toEqual(bytes(d));
      expect(bytes(makeDataset(name, { seed: 2025, module }))).not.toEqual(bytes(d));
      expect(namedDataShape(name)).toEqual({
        inputs: d.inputs,
        outputs: d.outputs,
        task: d.task,
        dataName: name,
        sequence: sequenceShape(d.sequence!),
      });
    }
  });

  it('passes sequence options and fractions through', () => {
    const d = makeDataset('remember', {
      seed: 1,
      module,
      n: 100,
      steps: 12,
      symbols: 3,
      fractions: { train: 0.6, validation: 0.2, test: 0.2 },
    });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([60, 20, 20]);
    expect(d.outputs).toBe(3);
    expect(d.inputs).toBe(12);
    expect(namedDataShape('remember', { steps: 12, symbols: 3 })).toEqual({
      inputs: 12,
      outputs: 3,
      task: 'multiclass',
      dataName: 'remember',
      sequence: { steps: 12, features: 1, vocab: 7, perPosition: false },
    });
    expect(namedDataShape('adding', { steps: 30 })).toMatchObject({ inputs: 60, outputs: 1, task: 'regression' });
    expect(namedDataShape('names', { steps: 24 })).toMatchObject({ inputs: 24, outputs: 27, task: 'multiclass' });
    // A level's data block carries more keys than the set reads; the shape ignores them.
    expect(namedDataShape('parity', { steps: 4, arms: 3 })).toMatchObject({ inputs: 4, task: 'binary' });
    expect(() => namedDataShape('sine', { steps: 300 })).toThrow('sine: option "steps" must be an integer from 2 to 128, got 300');
  });

  it('rejects options that do not apply, and sequence options on table sets', () => {
    expect(() => makeDataset('sine', { seed: 1, module, standardize: true })).toThrow(
      'sine: option "standardize" does not apply to sequence data sets',
    );
    expect(() => makeDataset('parity', { seed: 1, module, arms: 3 })).toThrow(
      'parity: option "arms" is not used by this data set',
    );
    expect(() => makeDataset('xor', { seed: 1, module, steps: 8 })).toThrow(
      'xor: option "steps" is not used by this data set',
    );
    expect(() => makeDataset('iris', { seed: 1, module, steps: 8 })).toThrow(
      'iris: option "steps" applies only to generated data sets',
    );
    expect(() => makeDataset('sequence', { seed: 1, module })).toThrow(
      'sequence data sets: sine, adding, remember, echo, parity, recall, order, names, melville',
    );
  });
});

describe('remember at every step', () => {
  it('asks for the first symbol at every step', async () => {
    const module = await loadKernelModule();
    const d = makeDataset('remember', { seed: 3, module, steps: 6, perPosition: true });
    expect(d.sequence).toMatchObject({ steps: 6, perPosition: true });
    for (let i = 0; i < d.train.n; i++) {
      for (let t = 0; t < 6; t++) expect(d.train.y[i * 6 + t]).toBe(d.train.x[i * 6]);
    }
    expect(namedDataShape('remember', { steps: 6, perPosition: true })!.sequence!.perPosition).toBe(true);
    expect(() => makeDataset('remember', { seed: 3, module, perPosition: 1 as never })).toThrow(
      'remember: option "perPosition" must be true or false, got 1',
    );
  });
});
