/**
 * The bundled real data sets: documented sizes and classes, attribution, and that the assets are
 * exactly what `scripts/convert-datasets.mjs` makes from the sources (when the sources are here).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_NAMES, bundledTable } from '../../src/data/bundled.js';
import { makeDataset } from '../../src/data/index.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

function classCounts(y: Float32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const label of y) c[label]++;
  return c;
}

describe('bundled tables', () => {
  it('are iris, breast-cancer and diabetes', () => {
    expect(BUNDLED_NAMES).toEqual(['iris', 'breast-cancer', 'diabetes']);
  });

  it('iris: 150 × 4, 3 species of 50', () => {
    const t = bundledTable('iris');
    expect([t.n, t.inputs, t.outputs, t.task]).toEqual([150, 4, 3, 'multiclass']);
    expect(t.featureNames).toEqual([
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
    ]);
    expect(t.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(classCounts(t.y, 3)).toEqual([50, 50, 50]);
    expect([...t.x.subarray(0, 4)]).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(t.licence).toMatch(/CC BY 4\.0/);
  });

  it('breast cancer: 569 × 30, binary, 212 malignant (0) / 357 benign (1)', () => {
    const t = bundledTable('breast-cancer');
    expect([t.n, t.inputs, t.outputs, t.task]).toEqual([569, 30, 1, 'binary']);
    expect(t.classNames).toEqual(['malignant', 'benign']);
    expect(classCounts(t.y, 2)).toEqual([212, 357]);
    expect(t.featureNames[0]).toBe('mean radius');
    expect(t.featureNames[29]).toBe('worst fractal dimension');
    expect(t.licence).toMatch(/CC BY 4\.0/);
  });

  it('diabetes: 442 × 10, regression target 25..346', () => {
    const t = bundledTable('diabetes');
    expect([t.n, t.inputs, t.outputs, t.task]).toEqual([442, 10, 1, 'regression']);
    expect(t.classNames).toBeUndefined();
    expect(t.featureNames).toEqual(['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
    expect(Math.min(...t.y)).toBe(25);
    expect(Math.max(...t.y)).toBe(346);
    expect(t.y[0]).toBe(151);
    expect(t.source).toMatch(/Efron/);
    expect(t.licence).toMatch(/BSD-3/);
  });

  it('turn into standardised, stratified data sets', () => {
    const d = makeDataset('iris', { seed: 1, module });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([104, 23, 23]);
    expect(d.standardization!.mean).toHaveLength(4);
    for (const split of [d.train, d.validation, d.test]) {
      const c = classCounts(split.y, 3);
      for (const count of c) expect(Math.abs(count - split.n / 3)).toBeLessThanOrEqual(1);
    }
    const cancer = makeDataset('breast-cancer', { seed: 1, module });
    expect(cancer.train.n + cancer.validation.n + cancer.test.n).toBe(569);
    expect(cancer.train.y.length).toBe(cancer.train.n);
    const diabetes = makeDataset('diabetes', { seed: 1, module });
    expect(diabetes.train.x.length).toBe(diabetes.train.n * 10);
  });
});

describe('a chosen few features', () => {
  it('keeps only the named columns, in order, with the same rows', () => {
    const all = makeDataset('breast-cancer', { seed: 4, module, standardize: false });
    const two = makeDataset('breast-cancer', {
      seed: 4,
      module,
      standardize: false,
      features: ['worst area', 'mean radius'],
    });
    const names = all.featureNames;
    const [a, r] = [names.indexOf('worst area'), names.indexOf('mean radius')];
    expect(two.inputs).toBe(2);
    expect(two.featureNames).toEqual(['worst area', 'mean radius']);
    expect(Array.from(two.test.y)).toEqual(Array.from(all.test.y));
    for (let i = 0; i < all.test.n; i++) {
      expect(two.test.x[2 * i]).toBe(all.test.x[i * 30 + a]);
      expect(two.test.x[2 * i + 1]).toBe(all.test.x[i * 30 + r]);
    }
  });

  it('refuses unknown, repeated or missing names, and features on generated sets', () => {
    const make = (features: string[], name = 'iris') => () =>
      makeDataset(name, { seed: 1, module, features });
    expect(make(['sepal length (cm)', 'petal girth'])).toThrow(/iris: option "features" has "petal girth"/);
    expect(make(['sepal length (cm)', 'sepal length (cm)'])).toThrow(/distinct feature names/);
    expect(make([])).toThrow(/is empty/);
    expect(make(['x1'], 'xor')).toThrow(/applies only to the bundled real data sets/);
  });
});

const root = fileURLToPath(new URL('../..', import.meta.url));
const sources = fileURLToPath(new URL('../../../shared/datasets/uci', import.meta.url));

describe('assets', () => {
  it.skipIf(!existsSync(sources))('are reproduced exactly by scripts/convert-datasets.mjs', () => {
    const out = execFileSync(process.execPath, ['scripts/convert-datasets.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out.match(/up to date/g)).toHaveLength(3);
  });
});
