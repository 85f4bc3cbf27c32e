/**
 * Splitting and standardisation: sizes, disjointness, determinism, stratification, and that the
 * statistics come from the training rows only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/dataset.js';
import { kernelRandom } from '../../src/data/random.js';
import {
  DEFAULT_FRACTIONS,
  TRAIN_SHARE_RANGE,
  applyStandardization,
  buildDataset,
  fitStandardization,
  splitIndices,
  splitSizes,
  trainFractions,
  type Table,
} from '../../src/data/split.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

const rand = (seed = 1) => kernelRandom(module, seed);

/** n rows of 3 features on different scales; label = row % 3 (or skewed 60/30/10). */
function table(n: number, skewed = false): Table {
  const r = kernelRandom(module, 12345);
  const x = new Float32Array(n * 3);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[3 * i] = 100 + 20 * r.normal();
    x[3 * i + 1] = 0.001 * r.uniform();
    x[3 * i + 2] = i; // row id, lets tests map split rows back to table rows
    y[i] = skewed ? (i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2) : i % 3;
  }
  return {
    name: 'test',
    task: 'multiclass',
    inputs: 3,
    outputs: 3,
    featureNames: ['a', 'b', 'id'],
    targetName: 'class',
    classNames: ['p', 'q', 'r'],
    x,
    y,
    n,
  };
}

describe('splitSizes', () => {
  it('defaults to 70/15/15 with train taking the rounding remainder', () => {
    expect(DEFAULT_FRACTIONS).toEqual({ train: 0.7, validation: 0.15, test: 0.15 });
    expect(splitSizes(100)).toEqual({ train: 70, validation: 15, test: 15 });
    expect(splitSizes(150)).toEqual({ train: 104, validation: 23, test: 23 });
    for (const n of [10, 37, 569, 1001]) {
      const s = splitSizes(n);
      expect(s.train + s.validation + s.test).toBe(n);
    }
  });

  it('drops the remainder when the fractions sum to less than 1', () => {
    expect(splitSizes(100, { train: 0.5, validation: 0.1, test: 0.1 })).toEqual({
      train: 50,
      validation: 10,
      test: 10,
    });
    expect(splitSizes(100, { train: 0.29, validation: 0.29, test: 0.29 })).toEqual({
      train: 29,
      validation: 29,
      test: 29,
    });
  });

  it('rejects bad fractions and too few rows, saying what is allowed', () => {
    const bad: [object, RegExp][] = [
      [{ train: 1, validation: 0.1, test: 0.1 }, /fractions.train must be a number between 0 and 1/],
      [{ train: 0.8, validation: 0, test: 0.1 }, /fractions.validation/],
      [{ train: 0.8, validation: 0.1, test: NaN }, /fractions.test/],
      [{ train: 0.8, validation: 0.1 }, /fractions.test/],
      [{ train: 0.8, validation: 0.15, test: 0.15 }, /add up to at most 1/],
    ];
    for (const [f, message] of bad) {
      expect(() => splitSizes(100, f as never)).toThrow(DataError);
      expect(() => splitSizes(100, f as never)).toThrow(message);
    }
    expect(splitSizes(5)).toEqual({ train: 3, validation: 1, test: 1 });
    expect(() => splitSizes(3)).toThrow(/3 rows are too few.*validation split would be empty/);
  });
});

describe('trainFractions: the share of points used for training', () => {
  it('allows 0.1 to 0.9 and splits the rest equally between validation and test', () => {
    expect(TRAIN_SHARE_RANGE).toEqual({ min: 0.1, max: 0.9 });
    expect(Object.isFrozen(TRAIN_SHARE_RANGE)).toBe(true);
    expect(trainFractions(0.3)).toEqual({ train: 0.3, validation: 0.35, test: 0.35 });
    expect(trainFractions(0.5)).toEqual({ train: 0.5, validation: 0.25, test: 0.25 });
    // 1 − 0.9 is not exactly 0.1 in binary; the halves are snapped to 0.05.
    expect(trainFractions(0.9)).toEqual({ train: 0.9, validation: 0.05, test: 0.05 });
    expect(trainFractions(0.1)).toEqual({ train: 0.1, validation: 0.45, test: 0.45 });
  });

  it('gives row counts near the share that add up to n, for even and odd n', () => {
    const cases: [number, number, [number, number, number]][] = [
      [600, 0.3, [180, 210, 210]],
      [600, 0.7, [420, 90, 90]],
      [601, 0.7, [421, 90, 90]],
      [101, 0.5, [51, 25, 25]],
      [99, 0.5, [49, 25, 25]],
      [50, 0.1, [4, 23, 23]], // 22.5 rounds up twice: train takes what is left
      [50, 0.9, [44, 3, 3]],
      [51, 0.9, [45, 3, 3]],
      [2000, 0.9, [1800, 100, 100]],
      [1999, 0.25, [499, 750, 750]],
      [10, 0.9, [8, 1, 1]],
      [10, 0.1, [1, 5, 4]], // 5 + 5 would leave no training row: test gives one back
    ];
    for (const [n, share, expected] of cases) {
      const s = splitSizes(n, trainFractions(share));
      expect([s.train, s.validation, s.test], `n ${n}, share ${share}`).toEqual(expected);
    }
  });

  it('never loses, duplicates or empties a split, for every share on a 1% grid and n 10..2000', () => {
    for (let percent = 10; percent <= 90; percent++) {
      const share = percent / 100;
      const f = trainFractions(share);
      for (let n = 10; n <= 2000; n++) {
        const s = splitSizes(n, f);
        if (s.train + s.validation + s.test !== n || s.train < 1 || s.validation < 1 || s.test < 1) {
          throw new Error(`share ${share}, n ${n}: ${JSON.stringify(s)}`);
        }
        if (Math.abs(s.validation - s.test) > 1 || Math.abs(s.train - share * n) > 1.5) {
          throw new Error(`share ${share}, n ${n}: ${JSON.stringify(s)} is not near the share`);
        }
      }
    }
  });

  it('splits every row into exactly one split, stratified for classification', () => {
    const t = table(1000, true); // 600 / 300 / 100
    for (const share of [0.1, 0.3, 0.9]) {
      const f = trainFractions(share);
      const s = splitIndices(t.n, rand(9), f, t.y);
      const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      const sizes = splitSizes(1000, f);
      for (const [rows, size] of [
        [s.train, sizes.train],
        [s.validation, sizes.validation],
        [s.test, sizes.test],
      ] as const) {
        expect(rows.length).toBe(size);
        const c = [0, 0, 0];
        for (const i of rows) c[t.y[i]]++;
        const expected = [0.6, 0.3, 0.1].map((p) => p * size);
        c.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThanOrEqual(1));
      }
    }
  });

  it('rejects anything but a number from 0.1 to 0.9, naming the field and the range', () => {
    expect(() => trainFractions(0.95)).toThrow(DataError);
    expect(() => trainFractions(0.95)).toThrow(
      'train must be a number from 0.1 to 0.9 (the share of points used for training), got 0.95',
    );
    const bad: [unknown, string][] = [
      [0.05, 'got 0.05'],
      [0.0999, 'got 0.0999'],
      [0.9001, 'got 0.9001'],
      [0, 'got 0'],
      [1, 'got 1'],
      [70, 'got 70'],
      [-0.5, 'got -0.5'],
      [NaN, 'got NaN'],
      [Infinity, 'got Infinity'],
      ['0.5', 'got "0.5"'],
      [null, 'got null'],
      [undefined, 'got undefined'],
      [{}, 'got [object Object]'],
    ];
    for (const [share, got] of bad) {
      expect(() => trainFractions(share)).toThrow(DataError);
      expect(() => trainFractions(share)).toThrow(
        `train must be a number from 0.1 to 0.9 (the share of points used for training), ${got}`,
      );
    }
  });
});

describe('splitIndices', () => {
  it('gives disjoint splits covering every row, the same for the same seed', () => {
    const s = splitIndices(1000, rand(3));
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([700, 150, 150]);
    expect(splitIndices(1000, rand(3))).toEqual(s);
    expect(splitIndices(1000, rand(4)).test).not.toEqual(s.test);
  });

  it('stratifies: each split holds each class within one row of proportional', () => {
    const t = table(1000, true); // 600 / 300 / 100
    const s = splitIndices(t.n, rand(9), DEFAULT_FRACTIONS, t.y);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (const [rows, size] of [
      [s.train, 700],
      [s.validation, 150],
      [s.test, 150],
    ] as const) {
      const c = [0, 0, 0];
      for (const i of rows) c[t.y[i]]++;
      const expected = [0.6, 0.3, 0.1].map((p) => p * size);
      c.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThanOrEqual(1));
    }
  });
});

describe('standardisation', () => {
  it('fits mean and population std per feature; a constant feature gets std 1', () => {
    const x = Float32Array.from([1, 5, 3, 5, 5, 5]); // rows (1,5) (3,5) (5,5)
    const s = fitStandardization(x, 2);
    expect(s.mean).toEqual([3, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.std[1]).toBe(1);
    expect([...applyStandardization(x, 2, s)]).toEqual([
      expect.closeTo(-Math.sqrt(1.5), 6),
      0,
      0,
      0,
      expect.closeTo(Math.sqrt(1.5), 6),
      0,
    ]);
  });

  it('keeps a constant non-representable value at exactly 0 after centring', () => {
    const x = new Float32Array(999).fill(0.1);
    const s = fitStandardization(x, 1);
    expect(s.std).toEqual([1]);
    expect(applyStandardization(x, 1, s).every((v) => v === 0)).toBe(true);
  });
});

describe('buildDataset', () => {
  it('standardises train to mean 0 / std 1 with train statistics applied to every split', () => {
    const t = table(600);
    const d = buildDataset(t, rand(2));
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([420, 90, 90]);
    const s = d.standardization!;
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < d.train.n; i++) sum += d.train.x[i * 3 + j];
      for (let i = 0; i < d.train.n; i++) sq += (d.train.x[i * 3 + j] - sum / d.train.n) ** 2;
      expect(sum / d.train.n).toBeCloseTo(0, 5);
      expect(Math.sqrt(sq / d.train.n)).toBeCloseTo(1, 4);
    }
    // Every split row maps back (through the id feature) to its table row and its label, and the
    // statistics are not the whole table's: the table mean of "id" is 299.5, the train mean not.
    const seen = new Set<number>();
    for (const split of [d.train, d.validation, d.test]) {
      for (let i = 0; i < split.n; i++) {
        const id = Math.round(split.x[i * 3 + 2] * s.std[2] + s.mean[2]);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
        expect(split.y[i]).toBe(t.y[id]);
        expect(split.x[i * 3]).toBeCloseTo((t.x[id * 3] - s.mean[0]) / s.std[0], 4);
      }
    }
    expect(seen.size).toBe(600);
    expect(s.mean[2]).not.toBe(299.5);
  });

  it('leaves x untouched with standardize: false and is deterministic per seed', () => {
    const t = table(300);
    const d = buildDataset(t, rand(8), { standardize: false });
    expect(d.standardization).toBeNull();
    for (let i = 0; i < d.test.n; i++) {
      const id = d.test.x[i * 3 + 2];
      expect([...d.test.x.subarray(i * 3, i * 3 + 3)]).toEqual([...t.x.subarray(id * 3, id * 3 + 3)]);
    }
    expect(buildDataset(t, rand(8), { standardize: false })).toEqual(d);
    expect(buildDataset(t, rand(9), { standardize: false }).test.x).not.toEqual(d.test.x);
  });

  it('standardises regression targets on request, with train statistics, and records them', () => {
    const t = table(300);
    const y = Float32Array.from(t.x.filter((_, i) => i % 3 === 2), (id) => 250_000 + 1000 * id);
    const regression: Table = { ...t, task: 'regression', outputs: 1, classNames: undefined, y };
    const raw = buildDataset(regression, rand(4));
    expect(raw.targetStandardization).toBeNull();
    const d = buildDataset(regression, rand(4), { standardizeTarget: true });
    const s = d.targetStandardization!;
    let sum = 0;
    let sq = 0;
    for (const v of d.train.y) sum += v;
    for (const v of d.train.y) sq += (v - sum / d.train.n) ** 2;
    expect(sum / d.train.n).toBeCloseTo(0, 5);
    expect(Math.sqrt(sq / d.train.n)).toBeCloseTo(1, 4);
    expect(s.mean[0]).toBeGreaterThan(250_000);
    for (const split of ['train', 'validation', 'test'] as const) {
      for (let i = 0; i < d[split].n; i++) {
        expect(d[split].y[i]! * s.std[0]! + s.mean[0]!).toBeCloseTo(raw[split].y[i]!, 0);
      }
    }
    expect(d.train.x).toEqual(raw.train.x);
    // Classification labels are never rescaled.
    expect(buildDataset(t, rand(4), { standardizeTarget: true }).targetStandardization).toBeNull();
  });

  it('rejects an inconsistent table, naming the field', () => {
    const t = table(30);
    expect(() => buildDataset({ ...t, n: 31 }, rand())).toThrow(/x has 90 values, expected n × inputs = 93/);
    const y = t.y.slice();
    y[4] = 3;
    expect(() => buildDataset({ ...t, y }, rand())).toThrow(/row 5 has label 3; labels must be 0..2/);
  });
});
