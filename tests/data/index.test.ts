/**
 * `makeDataset`: every name resolves to a consistent `Dataset`, a seed fixes the bytes, and bad
 * names and options fail with messages that list what is allowed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, type Dataset } from '../../src/data/dataset.js';
import { DATASET_NAMES, makeDataset } from '../../src/data/index.js';
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
      'iris',
      'breast-cancer',
      'diabetes',
    ]);
  });

  for (const name of [
    'line',
    'blobs',
    'xor',
    'circles',
    'moons',
    'spiral',
    'iris',
    'breast-cancer',
    'diabetes',
  ]) {
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
      'unknown data set "mnist"; allowed: line, blobs, xor, circles, moons, spiral, iris, breast-cancer, diabetes',
    );
  });

  it('rejects generator options for bundled sets and bad seeds', () => {
    expect(() => makeDataset('iris', { seed: 1, module, n: 50 })).toThrow(
      'iris: option "n" applies only to generated data sets',
    );
    expect(() => makeDataset('xor', { seed: -1, module })).toThrow(/seed must be an integer/);
  });
});
