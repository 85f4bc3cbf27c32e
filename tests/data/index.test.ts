/**
 * `makeDataset`: every name resolves to a consistent `Dataset`, a seed fixes the bytes, and bad
 * names and options fail with messages that list what is allowed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, type Dataset } from '../../src/data/dataset.js';
import {
  DATASET_NAMES,
  GENERATOR_NAMES,
  MAX_NOISE,
  MAX_POINTS,
  MIN_POINTS,
  NOISE_RANGE,
  SANDBOX_POINTS,
  TRAIN_SHARE_RANGE,
  makeDataset,
  namedDataShape,
  resolveGeneratorOptions,
  trainFractions,
} from '../../src/data/index.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

function bytes(d: Dataset): Buffer {
  return Buffer.concat(
    [d.train, d.validation, d.test].flatMap((s) => [Buffer.from(s.x.buffer), Buffer.from(s.y.buffer)]),
  );
}

describe('makeDataset', () => {
  it('knows the generators and the bundled sets', () => {
    expect(DATASET_NAMES).toEqual([
      'line',
      'blobs',
      'xor',
      'circles',
      'moons',
      'spiral',
      'plane',
      'bump',
      'iris',
      'breast-cancer',
      'diabetes',
    ]);
  });

  for (const name of DATASET_NAMES) {
    it(`${name}: consistent shapes; same seed same bytes, other seed other bytes`, () => {
      const d = makeDataset(name, { seed: 2024, module });
      expect(d.name).toBe(name);
      expect(d.featureNames).toHaveLength(d.inputs);
      const yWidth = d.task === 'multiclass' ? 1 : d.outputs;
      for (const s of [d.train, d.validation, d.test]) {
        expect(s.n).toBeGreaterThan(0);
        expect(s.x.length).toBe(s.n * d.inputs);
        expect(s.y.length).toBe(s.n * yWidth);
      }
      if (d.task !== 'regression') {
        expect(d.classNames!.length).toBe(d.task === 'binary' ? 2 : d.outputs);
      }
      expect(bytes(makeDataset(name, { seed: 2024, module }))).toEqual(bytes(d));
      expect(bytes(makeDataset(name, { seed: 2025, module }))).not.toEqual(bytes(d));
    });
  }

  it('does not standardise generated sets unless asked, and does standardise bundled ones', () => {
    expect(makeDataset('xor', { seed: 1, module }).standardization).toBeNull();
    expect(makeDataset('xor', { seed: 1, module, standardize: true }).standardization).not.toBeNull();
    expect(makeDataset('iris', { seed: 1, module }).standardization).not.toBeNull();
    expect(makeDataset('iris', { seed: 1, module, standardize: false }).standardization).toBeNull();
  });

  it('passes generator and split options through', () => {
    const d = makeDataset('spiral', {
      seed: 1,
      module,
      n: 500,
      arms: 4,
      noise: 0,
      fractions: { train: 0.6, validation: 0.2, test: 0.2 },
    });
    expect(d.outputs).toBe(4);
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([300, 100, 100]);
  });

  it('rejects unknown names, listing the allowed ones', () => {
    const make = () => makeDataset('mnist', { seed: 1, module });
    expect(make).toThrow(DataError);
    expect(make).toThrow(
      'unknown data set "mnist"; allowed: line, blobs, xor, circles, moons, spiral, plane, bump, iris, breast-cancer, diabetes',
    );
  });

  it('rejects generator options for bundled sets and bad seeds', () => {
    expect(() => makeDataset('iris', { seed: 1, module, n: 50 })).toThrow(
      'iris: option "n" applies only to generated data sets',
    );
    expect(() => makeDataset('xor', { seed: -1, module })).toThrow(/seed must be an integer/);
  });
});

describe('namedDataShape', () => {
  it('knows the shape of every generator without generating it', () => {
    expect(namedDataShape('plane')).toEqual({
      inputs: 2,
      outputs: 1,
      task: 'regression',
      dataName: 'plane',
    });
    expect(namedDataShape('bump')).toEqual({
      inputs: 2,
      outputs: 1,
      task: 'regression',
      dataName: 'bump',
    });
    expect(namedDataShape('line')).toMatchObject({ inputs: 1, outputs: 1, task: 'regression' });
    expect(namedDataShape('spiral', { arms: 5 })).toMatchObject({ inputs: 2, outputs: 5 });
    expect(namedDataShape('mnist')).toBeNull();
    for (const name of GENERATOR_NAMES) {
      const d = makeDataset(name, { seed: 1, module });
      expect(namedDataShape(name), name).toEqual({
        inputs: d.inputs,
        outputs: d.outputs,
        task: d.task,
        dataName: name,
      });
    }
  });
});

describe('the sandbox sliders', () => {
  it('stay inside what the generators and the splitter accept', () => {
    expect(NOISE_RANGE).toEqual({ min: 0, max: 0.5 });
    expect(SANDBOX_POINTS).toEqual({ min: 50, max: 2000 });
    expect(TRAIN_SHARE_RANGE).toEqual({ min: 0.1, max: 0.9 });
    for (const range of [NOISE_RANGE, SANDBOX_POINTS, TRAIN_SHARE_RANGE]) {
      expect(Object.isFrozen(range)).toBe(true);
    }
    expect(NOISE_RANGE.max).toBeLessThanOrEqual(MAX_NOISE);
    expect(SANDBOX_POINTS.min).toBeGreaterThanOrEqual(MIN_POINTS);
    expect(SANDBOX_POINTS.max).toBeLessThanOrEqual(MAX_POINTS);
    // Every corner of the sliders makes every generated set with three non-empty splits.
    for (const name of GENERATOR_NAMES) {
      for (const n of [SANDBOX_POINTS.min, SANDBOX_POINTS.max]) {
        for (const noise of [NOISE_RANGE.min, NOISE_RANGE.max]) {
          expect(() => resolveGeneratorOptions(name, { n, noise })).not.toThrow();
        }
        for (const share of [TRAIN_SHARE_RANGE.min, TRAIN_SHARE_RANGE.max]) {
          const d = makeDataset(name, { seed: 1, module, n, fractions: trainFractions(share) });
          expect(d.train.n + d.validation.n + d.test.n).toBe(n);
          expect(Math.min(d.train.n, d.validation.n, d.test.n)).toBeGreaterThan(0);
        }
      }
    }
  });

  it('a training share reaches makeDataset as fractions, keeping classes in proportion', () => {
    const d = makeDataset('spiral', { seed: 4, module, fractions: trainFractions(0.3) });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([270, 315, 315]);
    for (const split of [d.train, d.validation, d.test]) {
      const c = [0, 0, 0];
      for (const label of split.y) c[label]++;
      c.forEach((v) => expect(Math.abs(v - split.n / 3)).toBeLessThanOrEqual(1));
    }
    const r = makeDataset('bump', { seed: 4, module, n: 601, fractions: trainFractions(0.3) });
    expect([r.train.n, r.validation.n, r.test.n]).toEqual([181, 210, 210]);
  });
});
