/**
 * From a whole table to a `Dataset`: a seeded train/validation/test split (stratified for
 * classification) and per-feature standardisation (and, on request, regression-target
 * standardisation) fitted on the training rows only, so nothing about the validation or test
 * rows leaks into training.
 */
import { DataError, type Dataset, type Split, type Task } from './dataset.js';
import type { DataRandom } from './random.js';

/**
 * All rows of one data source before splitting: what the generators, the bundled sets and the
 * CSV loader produce, and what `buildDataset` consumes. Same layout as `Split` (x row-major
 * `[n, inputs]`; y `[n, outputs]` for regression/binary, `[n]` class labels for multiclass).
 */
export interface Table {
  readonly name: string;
  readonly task: Task;
  readonly inputs: number;
  readonly outputs: number;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  readonly classNames?: readonly string[];
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
}

/** Share of the rows each split gets. Used by `buildDataset` and every `make*Dataset` option. */
export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** 70/15/15: enough validation rows to see over-fitting, enough test rows for a final score. */
export const DEFAULT_FRACTIONS: SplitFractions = Object.freeze({
  train: 0.7,
  validation: 0.15,
  test: 0.15,
});

/** A closed range of a number a slider or a check allows. */
export interface NumberRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The share of points used for training that `trainFractions` accepts, and the range of the
 * sandbox's training-share slider: 10% to 90%, so validation and test always keep at least 5%
 * each and training at least a tenth.
 */
export const TRAIN_SHARE_RANGE: NumberRange = Object.freeze({ min: 0.1, max: 0.9 });

/**
 * Split fractions for a training share, as TensorFlow Playground's "ratio of training to test
 * data": `share` of the rows train, the rest is split equally between validation and test. The
 * three sum to 1, so `splitSizes` gives every row to exactly one split. Throws a `DataError`
 * naming the field and the allowed range for anything but a number in `TRAIN_SHARE_RANGE`;
 * exported so the game can check a share link's value before it asks for data.
 */
export function trainFractions(share: unknown): SplitFractions {
  const { min, max } = TRAIN_SHARE_RANGE;
  if (typeof share !== 'number' || !Number.isFinite(share) || share < min || share > max) {
    const got = typeof share === 'string' ? JSON.stringify(share) : String(share);
    throw new DataError(
      `train must be a number from ${min} to ${max} (the share of points used for training), got ${got}`,
    );
  }
  // Snapped to 12 decimals: 1 − 0.9 is 0.09999999999999998 in binary, and half of it would round
  // 10 × 0.05 = 0.5 down to no validation row at all.
  const rest = Math.round(((1 - share) / 2) * 1e12) / 1e12;
  return { train: share, validation: rest, test: rest };
}

/** How close to 1 a sum of fractions counts as "all rows" (0.7 + 0.15 + 0.15 is not exactly 1). */
const SUM_TOLERANCE = 1e-9;

/**
 * Checks split fractions: each must be a number strictly between 0 and 1, and their sum at most 1.
 * A sum below 1 is allowed on purpose: the remaining rows are dropped, which lets a level train
 * on a smaller sample of a big set. Called by `buildDataset`; exported for option validation in
 * level files.
 */
export function validateFractions(fractions: SplitFractions): SplitFractions {
  if (typeof fractions !== 'object' || fractions === null) {
    throw new DataError('fractions must be an object {train, validation, test}');
  }
  for (const key of ['train', 'validation', 'test'] as const) {
    const f = fractions[key];
    if (typeof f !== 'number' || !Number.isFinite(f) || f <= 0 || f >= 1) {
      throw new DataError(`fractions.${key} must be a number between 0 and 1 (exclusive), got ${String(f)}`);
    }
  }
  const sum = fractions.train + fractions.validation + fractions.test;
  if (sum > 1 + SUM_TOLERANCE) {
    throw new DataError(
      `fractions must add up to at most 1 (rows beyond the sum are dropped), got ${fractions.train} + ${fractions.validation} + ${fractions.test} = ${sum}`,
    );
  }
  return { train: fractions.train, validation: fractions.validation, test: fractions.test };
}

/** Row counts per split for `n` rows; every split gets at least one row or this throws. */
export function splitSizes(
  n: number,
  fractions: SplitFractions = DEFAULT_FRACTIONS,
): { train: number; validation: number; test: number } {
  const f = validateFractions(fractions);
  let train: number;
  let validation: number;
  let test: number;
  if (Math.abs(f.train + f.validation + f.test - 1) <= SUM_TOLERANCE) {
    // Fractions cover everything: train takes the rounding remainder so no row is lost.
    validation = Math.round(n * f.validation);
    test = Math.round(n * f.test);
    train = n - validation - test;
    // Both rounded up past the whole (10 rows at 0.1/0.45/0.45 give 5 + 5): the larger of the
    // two hands train its one row back rather than failing.
    if (train < 1 && validation + test > 2) {
      if (test >= validation) test--;
      else validation--;
      train = n - validation - test;
    }
  } else {
    // A strict subset: floor keeps the total at or below n (the epsilon absorbs 0.29 * 100 =
    // 28.999999999999996).
    train = Math.floor(n * f.train + 1e-9);
    validation = Math.floor(n * f.validation + 1e-9);
    test = Math.floor(n * f.test + 1e-9);
  }
  for (const [key, count] of [
    ['train', train],
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (count < 1) {
      throw new DataError(
        `${n} rows are too few for fractions ${f.train}/${f.validation}/${f.test}: the ${key} split would be empty`,
      );
    }
  }
  return { train, validation, test };
}

/** Row indices of the three splits; disjoint, each in shuffled order. */
export interface SplitIndices {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/**
 * Deterministic split of rows `0..n-1`. With `labels` (classification) it is stratified: every
 * split gets each class in (almost, ±1 row) the same proportion as the whole set, which matters
 * for small sets such as iris where a plain shuffle can leave a class nearly absent from test.
 * Called by `buildDataset`; exported so tests and tools can split other arrays the same way.
 */
export function splitIndices(
  n: number,
  rand: DataRandom,
  fractions: SplitFractions = DEFAULT_FRACTIONS,
  labels?: ArrayLike<number>,
): SplitIndices {
  const sizes = splitSizes(n, fractions);
  const order = labels ? stratifiedOrder(n, rand, labels) : shuffledRange(n, rand);
  const train = order.slice(0, sizes.train);
  const validation = order.slice(sizes.train, sizes.train + sizes.validation);
  const test = order.slice(
    sizes.train + sizes.validation,
    sizes.train + sizes.validation + sizes.test,
  );
  if (labels) {
    // The stratified order cycles through the classes; shuffle so no split is class-periodic.
    rand.shuffle(train);
    rand.shuffle(validation);
    rand.shuffle(test);
  }
  return { train, validation, test };
}

function shuffledRange(n: number, rand: DataRandom): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  rand.shuffle(order);
  return order;
}

/**
 * All rows ordered so that every contiguous stretch holds the classes in proportion: shuffle each
 * class, give its r-th row the key (r + 0.5) / classCount, and sort by key (ties by class). Cutting
 * this order into train/validation/test then keeps each split's class counts within one row of
 * proportional while the overall split sizes stay exactly those of `splitSizes`.
 */
function stratifiedOrder(n: number, rand: DataRandom, labels: ArrayLike<number>): Int32Array {
  if (labels.length !== n) {
    throw new DataError(`stratified split needs ${n} labels, got ${labels.length}`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    let rows = byClass.get(label);
    if (!rows) byClass.set(label, (rows = []));
    rows.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const keyed: { key: number; cls: number; row: number }[] = [];
  for (const cls of classes) {
    const rows = Int32Array.from(byClass.get(cls)!);
    rand.shuffle(rows);
    for (let r = 0; r < rows.length; r++) {
      keyed.push({ key: (r + 0.5) / rows.length, cls, row: rows[r] });
    }
  }
  keyed.sort((a, b) => a.key - b.key || a.cls - b.cls);
  return Int32Array.from(keyed, (e) => e.row);
}

/** Per-feature mean and standard deviation, as stored on `Dataset.standardization`. */
export interface Standardization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Mean and population standard deviation (divide by n, like scikit-learn's StandardScaler) of
 * each feature over all rows of `x`. A constant feature gets std 1 instead of 0, so it becomes 0
 * after centring rather than NaN. Called by `buildDataset` on the training rows only.
 */
export function fitStandardization(x: Float32Array, inputs: number): Standardization {
  const n = x.length / inputs;
  if (!Number.isInteger(n) || n < 1) {
    throw new DataError(`cannot fit standardisation: ${x.length} values are not rows of ${inputs}`);
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < inputs; j++) {
    // Two passes in float64 and a fixed summation order: the same bits in every JS engine. Up to
    // 2^29 copies of one f32 value sum exactly in f64, so a constant column gets std exactly 0.
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i * inputs + j];
    const m = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i * inputs + j] - m;
      sq += d * d;
    }
    const s = Math.sqrt(sq / n);
    mean.push(m);
    std.push(s > 0 ? s : 1);
  }
  return { mean, std };
}

/** Returns `(x - mean) / std` per feature as a new array. Called by `buildDataset` on each split. */
export function applyStandardization(
  x: Float32Array,
  inputs: number,
  s: Standardization,
): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const j = i % inputs;
    out[i] = (x[i] - s.mean[j]) / s.std[j];
  }
  return out;
}

/** Options of `buildDataset` (and, through them, of `makeDataset`/`makeCsvDataset`). */
export interface BuildOptions {
  /** Defaults to `DEFAULT_FRACTIONS` (0.7/0.15/0.15). */
  readonly fractions?: SplitFractions;
  /** Standardise features with train mean/std. Defaults to true. */
  readonly standardize?: boolean;
  /**
   * Standardise regression targets with the training targets' mean/std (recorded on
   * `Dataset.targetStandardization`), so a target measured in hundreds of thousands trains as
   * well as one near 1. Ignored for classification. Defaults to false here; `makeCsvDataset`
   * turns it on for a regression CSV.
   */
  readonly standardizeTarget?: boolean;
  /** Stratify classification splits by class. Defaults to true; ignored for regression. */
  readonly stratify?: boolean;
}

/**
 * Splits a table and (optionally) standardises it: the one path every source goes through. Called
 * by `makeDataset` and `makeCsvDataset` with the same `DataRandom` that generated the rows, so a
 * seed fixes both the points and the split.
 */
export function buildDataset(table: Table, rand: DataRandom, options: BuildOptions = {}): Dataset {
  checkTable(table);
  const { inputs, n } = table;
  const yWidth = table.task === 'multiclass' ? 1 : table.outputs;
  const classification = table.task !== 'regression';
  const stratify = classification && options.stratify !== false;
  const idx = splitIndices(n, rand, options.fractions ?? DEFAULT_FRACTIONS, stratify ? table.y : undefined);

  const gather = (rows: Int32Array): Split => {
    const x = new Float32Array(rows.length * inputs);
    const y = new Float32Array(rows.length * yWidth);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      x.set(table.x.subarray(i * inputs, (i + 1) * inputs), r * inputs);
      y.set(table.y.subarray(i * yWidth, (i + 1) * yWidth), r * yWidth);
    }
    return { x, y, n: rows.length };
  };
  let train = gather(idx.train);
  let validation = gather(idx.validation);
  let test = gather(idx.test);

  let standardization: Standardization | null = null;
  if (options.standardize !== false) {
    standardization = fitStandardization(train.x, inputs);
    const s = standardization;
    train = { ...train, x: applyStandardization(train.x, inputs, s) };
    validation = { ...validation, x: applyStandardization(validation.x, inputs, s) };
    test = { ...test, x: applyStandardization(test.x, inputs, s) };
  }
  let targetStandardization: Standardization | null = null;
  if (options.standardizeTarget === true && table.task === 'regression') {
    targetStandardization = fitStandardization(train.y, yWidth);
    const s = targetStandardization;
    train = { ...train, y: applyStandardization(train.y, yWidth, s) };
    validation = { ...validation, y: applyStandardization(validation.y, yWidth, s) };
    test = { ...test, y: applyStandardization(test.y, yWidth, s) };
  }

  return {
    name: table.name,
    task: table.task,
    inputs,
    outputs: table.outputs,
    featureNames: [...table.featureNames],
    targetName: table.targetName,
    ...(table.classNames ? { classNames: [...table.classNames] } : {}),
    train,
    validation,
    test,
    standardization,
    targetStandardization,
  };
}

/** Internal consistency of a table; a failure here is a bug in a source, so it names the field. */
function checkTable(t: Table): void {
  const where = `data set "${t.name}"`;
  if (!Number.isInteger(t.inputs) || t.inputs < 1) {
    throw new DataError(`${where}: inputs must be a positive integer, got ${t.inputs}`);
  }
  if (!Number.isInteger(t.outputs) || t.outputs < 1) {
    throw new DataError(`${where}: outputs must be a positive integer, got ${t.outputs}`);
  }
  if (t.featureNames.length !== t.inputs) {
    throw new DataError(`${where}: ${t.featureNames.length} feature names for ${t.inputs} inputs`);
  }
  if (t.x.length !== t.n * t.inputs) {
    throw new DataError(`${where}: x has ${t.x.length} values, expected n × inputs = ${t.n * t.inputs}`);
  }
  const yWidth = t.task === 'multiclass' ? 1 : t.outputs;
  if (t.y.length !== t.n * yWidth) {
    throw new DataError(`${where}: y has ${t.y.length} values, expected ${t.n * yWidth}`);
  }
  if (t.task === 'binary' && t.outputs !== 1) {
    throw new DataError(`${where}: a binary task has 1 output, got ${t.outputs}`);
  }
  if (t.task !== 'regression') {
    const classes = t.task === 'binary' ? 2 : t.outputs;
    for (let i = 0; i < t.y.length; i++) {
      const label = t.y[i];
      if (!Number.isInteger(label) || label < 0 || label >= classes) {
        throw new DataError(`${where}: row ${i + 1} has label ${label}; labels must be 0..${classes - 1}`);
      }
    }
    if (t.classNames && t.classNames.length !== classes) {
      throw new DataError(`${where}: ${t.classNames.length} class names for ${classes} classes`);
    }
  }
}
