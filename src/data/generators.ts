/**
 * Seeded synthetic data for the early levels and the sandbox: a line to fit, the 2-D
 * classification puzzles of TensorFlow Playground and CS231n (blobs, XOR, circles, moons,
 * spirals), and Playground's two 2-D regression surfaces (a tilted plane, a Gaussian bump).
 * Every coordinate is computed from kernel random numbers and kernel sin/cos/exp, so a seed
 * gives the same points in every browser.
 *
 * Conventions shared by all generators:
 * - Coordinates are roughly within [-1.5, 1.5] so the data can be fed unstandardised and plotted
 *   as-is (`makeDataset` does not standardise generated sets by default).
 * - Labels are assigned round-robin (`i % classes`), so classes are balanced exactly.
 * - `noise` is the standard deviation of Gaussian jitter added to each coordinate *after* the
 *   label is fixed, so more noise means overlapping classes (spiral: jitter of the angle, in
 *   radians; line, plane and bump: jitter of the target y, never of the inputs).
 */
import { DataError, type Task } from './dataset.js';
import type { DataRandom } from './random.js';
import type { NumberRange, Table } from './split.js';

/** Options every generator reads (each ignores none silently: see `checkGeneratorOptions`). */
export interface GeneratorOptions {
  /** Total number of points (for spiral: over all arms). */
  readonly n?: number;
  /** Standard deviation of the Gaussian noise (see the module comment for what it perturbs). */
  readonly noise?: number;
  /** spiral only: number of arms = classes. */
  readonly arms?: number;
  /** blobs only: the share of blob B's points that lie far out, beyond the blob (0 to 0.5). */
  readonly far?: number;
  /** line only: the true slope a in y = a·x + b. */
  readonly slope?: number;
  /** line only: the true intercept b in y = a·x + b. */
  readonly intercept?: number;
}

/** Names of the synthetic data sets, in the order levels introduce them. */
export type GeneratorName =
  | 'line'
  | 'blobs'
  | 'xor'
  | 'circles'
  | 'moons'
  | 'spiral'
  | 'plane'
  | 'bump';

/** A generator's resolved defaults, shown by level editors and documented here. */
export interface GeneratorDefaults {
  readonly n: number;
  readonly noise: number;
  readonly arms?: number;
  readonly far?: number;
  readonly slope?: number;
  readonly intercept?: number;
}

/** One registry entry: what `makeDataset` resolves a generator name to. */
export interface GeneratorSpec {
  readonly name: GeneratorName;
  readonly task: Task;
  /** One line for menus and docs. */
  readonly description: string;
  readonly defaults: GeneratorDefaults;
  readonly generate: (rand: DataRandom, options?: GeneratorOptions) => Table;
}

/** Fewest points a generator makes: below this a three-way split leaves nearly empty splits. */
export const MIN_POINTS = 10;
/** Most points a generator makes; the same cap as CSV rows. */
export const MAX_POINTS = 100_000;
/** Largest noise accepted: beyond this every set is pure noise anyway. */
export const MAX_NOISE = 10;
/** Most spiral arms; more would not fit visually in the unit disc. */
export const MAX_ARMS = 10;
/** Largest share of far-out points in `blobs`: beyond half they are no longer the exception. */
export const MAX_FAR = 0.5;
/**
 * The sandbox's noise slider: 0 to 0.5, i.e. up to 50% of the unit radius the generated data
 * lives in (the standard deviation of the jitter; see the module comment for what it moves).
 * Narrower than what a generator accepts (`MAX_NOISE`): beyond half the radius every set is a
 * blur.
 */
export const NOISE_RANGE: NumberRange = Object.freeze({ min: 0, max: 0.5 });

/**
 * The sandbox's points slider: how many points a generated set has (`n`), over all splits.
 * Within `MIN_POINTS`..`MAX_POINTS`: at least 50 so that even a 10% share leaves a few training
 * points, at most 2000 so the plot stays readable and a step stays quick.
 */
export const SANDBOX_POINTS: NumberRange = Object.freeze({ min: 50, max: 2000 });

/** Where the far-out B points of `blobs` gather, on the diagonal, and how widely they spread. */
const FAR_CENTRE = 5;
const FAR_SPREAD = 0.8;

const TWO_PI = 6.283185307179586;
const PI = 3.141592653589793;

/** Which options each generator understands; anything else is an error, not silently ignored. */
const ALLOWED: Record<GeneratorName, readonly (keyof GeneratorOptions)[]> = {
  line: ['n', 'noise', 'slope', 'intercept'],
  blobs: ['n', 'noise', 'far'],
  xor: ['n', 'noise'],
  circles: ['n', 'noise'],
  moons: ['n', 'noise'],
  spiral: ['n', 'noise', 'arms'],
  plane: ['n', 'noise'],
  bump: ['n', 'noise'],
};

/**
 * Validates options against a generator's allowed keys and ranges and fills in its defaults.
 * Exported for level validation, which wants the same messages before any data is made.
 */
export function resolveGeneratorOptions(
  name: GeneratorName,
  options: GeneratorOptions = {},
): GeneratorDefaults {
  const allowed = ALLOWED[name];
  for (const key of Object.keys(options) as (keyof GeneratorOptions)[]) {
    if (options[key] === undefined) continue;
    if (!allowed.includes(key)) {
      throw new DataError(
        `${name}: option "${key}" is not used by this data set; allowed options: ${allowed.join(', ')}`,
      );
    }
  }
  const d = GENERATOR_DEFAULTS[name];
  const n = options.n ?? d.n;
  const noise = options.noise ?? d.noise;
  if (!Number.isInteger(n) || n < MIN_POINTS || n > MAX_POINTS) {
    throw new DataError(
      `${name}: option "n" must be an integer from ${MIN_POINTS} to ${MAX_POINTS}, got ${String(n)}`,
    );
  }
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0 || noise > MAX_NOISE) {
    throw new DataError(
      `${name}: option "noise" must be a number from 0 to ${MAX_NOISE}, got ${String(noise)}`,
    );
  }
  const out: GeneratorDefaults = { ...d, n, noise };
  if (name === 'blobs') {
    const far = options.far ?? d.far!;
    if (typeof far !== 'number' || !Number.isFinite(far) || far < 0 || far > MAX_FAR) {
      throw new DataError(
        `blobs: option "far" must be a number from 0 to ${MAX_FAR}, got ${String(far)}`,
      );
    }
    return { ...out, far };
  }
  if (name === 'spiral') {
    const arms = options.arms ?? d.arms!;
    if (!Number.isInteger(arms) || arms < 2 || arms > MAX_ARMS) {
      throw new DataError(
        `spiral: option "arms" must be an integer from 2 to ${MAX_ARMS}, got ${String(arms)}`,
      );
    }
    return { ...out, arms };
  }
  if (name === 'line') {
    const slope = options.slope ?? d.slope!;
    const intercept = options.intercept ?? d.intercept!;
    for (const [key, v] of [
      ['slope', slope],
      ['intercept', intercept],
    ] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 1000) {
        throw new DataError(`line: option "${key}" must be a number from -1000 to 1000, got ${String(v)}`);
      }
    }
    return { ...out, slope, intercept };
  }
  return out;
}

/** Defaults per generator; see each generator's doc comment for the geometry. */
export const GENERATOR_DEFAULTS: Readonly<Record<GeneratorName, GeneratorDefaults>> = Object.freeze({
  line: { n: 200, noise: 0.1, slope: 2, intercept: 1 },
  blobs: { n: 600, noise: 0.5, far: 0 },
  xor: { n: 600, noise: 0.05 },
  circles: { n: 600, noise: 0.05 },
  moons: { n: 600, noise: 0.1 },
  spiral: { n: 900, noise: 0.2, arms: 3 },
  plane: { n: 600, noise: 0 },
  bump: { n: 600, noise: 0 },
});

const XY = ['x1', 'x2'] as const;

/**
 * `line`: x uniform in [-1, 1), y = slope·x + intercept + noise·N(0, 1). The first regression
 * level: a single neuron should recover slope and intercept (defaults 2 and 1).
 */
export function line(rand: DataRandom, options: GeneratorOptions = {}): Table {
  const o = resolveGeneratorOptions('line', options);
  const a = o.slope!;
  const b = o.intercept!;
  const x = new Float32Array(o.n);
  const y = new Float32Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const xi = rand.uniform() * 2 - 1;
    x[i] = xi;
    y[i] = o.noise > 0 ? a * xi + b + o.noise * rand.normal() : a * xi + b;
  }
  return {
    name: 'line',
    task: 'regression',
    inputs: 1,
    outputs: 1,
    featureNames: ['x'],
    targetName: 'y',
    x,
    y,
    n: o.n,
  };
}

/** Shared tail of the 2-D classifiers: jitter each point and package the table. */
function classify2d(
  name: GeneratorName,
  rand: DataRandom,
  n: number,
  noise: number,
  classNames: readonly string[],
  point: (label: number, i: number) => readonly [number, number],
): Table {
  const k = classNames.length;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % k;
    const [p, q] = point(label, i);
    // Noise is drawn only when asked for, so noise 0 does not consume (and shift) the stream.
    x[2 * i] = noise > 0 ? p + noise * rand.normal() : p;
    x[2 * i + 1] = noise > 0 ? q + noise * rand.normal() : q;
    y[i] = label;
  }
  return {
    name,
    task: k === 2 ? 'binary' : 'multiclass',
    inputs: 2,
    outputs: k === 2 ? 1 : k,
    featureNames: XY,
    targetName: 'class',
    classNames,
    x,
    y,
    n,
  };
}

/**
 * `blobs`: two round Gaussian clouds centred at (-1, -1) (label 0, "blob A") and (1, 1) (label
 * 1, "blob B") with standard deviation `noise` (default 0.5, barely touching). Linearly
 * separable: the first classification level (logistic regression). With `far` > 0 that share of
 * B's points (spread evenly over B's points, no extra random draws) sit far out in a loose group
 * around (5, 5) instead (spread FAR_SPREAD plus the noise): easy to call, yet they drag a least-squares line off the boundary
 * because it tries to give them exactly 1, while a sigmoid simply saturates there.
 */
export function blobs(rand: DataRandom, options: GeneratorOptions = {}): Table {
  const o = resolveGeneratorOptions('blobs', options);
  const far = o.far ?? 0;
  return classify2d('blobs', rand, o.n, o.noise, ['blob A', 'blob B'], (label, i) => {
    if (label === 0) return [-1, -1];
    const k = (i - 1) / 2;
    if (far > 0 && Math.floor((k + 1) * far) > Math.floor(k * far)) {
      // A loose group: FAR_SPREAD of its own, plus the noise classify2d adds to every point.
      return [FAR_CENTRE + FAR_SPREAD * rand.normal(), FAR_CENTRE + FAR_SPREAD * rand.normal()];
    }
    return [1, 1];
  });
}

/**
 * `xor`: points in the four quadrants, label 1 where x1·x2 > 0 (same signs) and 0 otherwise, as
 * in TensorFlow Playground's XOR. Each coordinate's magnitude is uniform in [0.05, 1.05) (a gap
 * along the axes, like Playground's padding), then `noise` jitters the point, so with noise some
 * points near the axes land in the "wrong" quadrant. Not linearly separable: needs a hidden layer.
 */
export function xor(rand: DataRandom, options: GeneratorOptions = {}): Table {
  const o = resolveGeneratorOptions('xor', options);
  return classify2d('xor', rand, o.n, o.noise, ['different signs', 'same sign'], (label) => {
    const s1 = rand.below(2) === 0 ? -1 : 1;
    const s2 = label === 1 ? s1 : -s1;
    return [s1 * (0.05 + rand.uniform()), s2 * (0.05 + rand.uniform())];
  });
}

/**
 * `circles`: label 1 is a disc of radius 0.5, label 0 a ring between radius 0.7 and 1, both
 * uniform over their area; `noise` (default 0.05) jitters the points. Needs a non-linear
 * boundary (or an x² feature).
 */
export function circles(rand: DataRandom, options: GeneratorOptions = {}): Table {
  const o = resolveGeneratorOptions('circles', options);
  return classify2d('circles', rand, o.n, o.noise, ['outer ring', 'inner disc'], (label) => {
    // sqrt of a uniform radius² is uniform over the area.
    const r = label === 1 ? 0.5 * Math.sqrt(rand.uniform()) : Math.sqrt(0.49 + 0.51 * rand.uniform());
    const t = TWO_PI * rand.uniform();
    return [r * rand.cos(t), r * rand.sin(t)];
  });
}

/**
 * `moons`: two interleaving half circles like scikit-learn's make_moons (upper arc label 0, lower
 * arc label 1), shifted to be centred on the origin, with the angle uniform on each arc and
 * `noise` (default 0.1) jitter.
 */
export function moons(rand: DataRandom, options: GeneratorOptions = {}): Table {
  const o = resolveGeneratorOptions('moons', options);
  return classify2d('moons', rand, o.n, o.noise, ['upper moon', 'lower moon'], (label) => {
    const t = PI * rand.uniform();
    const c = rand.cos(t);
    const s = rand.sin(t);
    return label === 0 ? [c - 0.5, s - 0.25] : [0.5 - c, 0.25 - s];
  });
}

/**
 * `spiral`: `arms` (default 3) interleaved spiral arms, one class each, as in the CS231n course
 * notes: along arm c the radius goes evenly from 1/m to 1 while the angle sweeps 4 radians from
 * the arm's start 2π·c/arms, plus `noise`·N(0, 1) radians of angular jitter (default 0.2).
 * Default 3 × 300 points. The classic "a linear classifier cannot, a small MLP can" set.
 */
export function spiral(rand: DataRandom, options: GeneratorOptions = {}): Table {
  const o = resolveGeneratorOptions('spiral', options);
  const k = o.arms!;
  const n = o.n;
  const classNames = Array.from({ length: k }, (_, c) => `arm ${c + 1}`);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const m = Math.floor(i / k);
    const count = Math.floor((n - 1 - c) / k) + 1;
    const r = (m + 1) / count;
    const jitter = o.noise > 0 ? o.noise * rand.normal() : 0;
    const t = (TWO_PI * c) / k + 4 * r + jitter;
    x[2 * i] = r * rand.sin(t);
    x[2 * i + 1] = r * rand.cos(t);
    y[i] = c;
  }
  return {
    name: 'spiral',
    task: 'multiclass',
    inputs: 2,
    outputs: k,
    featureNames: XY,
    targetName: 'class',
    classNames,
    x,
    y,
    n,
  };
}

/** Width of the bump: the standard deviation of its Gaussian, in input units. */
const BUMP_WIDTH = 0.4;

/**
 * Shared body of the 2-D regression surfaces: x1, x2 uniform in [-1, 1), target = `height(x1,
 * x2)` plus `noise`·N(0, 1). Draw order per point: x1, x2, then the noise (only when noise > 0,
 * so noise 0 does not consume the stream).
 */
function surface2d(
  name: GeneratorName,
  rand: DataRandom,
  n: number,
  noise: number,
  height: (x1: number, x2: number) => number,
): Table {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = rand.uniform() * 2 - 1;
    const x2 = rand.uniform() * 2 - 1;
    x[2 * i] = x1;
    x[2 * i + 1] = x2;
    const h = height(x1, x2);
    y[i] = noise > 0 ? h + noise * rand.normal() : h;
  }
  return {
    name,
    task: 'regression',
    inputs: 2,
    outputs: 1,
    featureNames: XY,
    targetName: 'height',
    x,
    y,
    n,
  };
}

/**
 * `plane`: TensorFlow Playground's "plane" regression: x1, x2 uniform in [-1, 1), height
 * y = (x1 + x2) / 2 plus `noise`·N(0, 1) (default 0). A tilted flat surface, so a single neuron
 * without hidden layers fits it exactly (weights 0.5 and 0.5, bias 0).
 */
export function plane(rand: DataRandom, options: GeneratorOptions = {}): Table {
  const o = resolveGeneratorOptions('plane', options);
  return surface2d('plane', rand, o.n, o.noise, (x1, x2) => (x1 + x2) / 2);
}

/**
 * `bump`: a round Gaussian hill, like TensorFlow Playground's "multi Gaussian" reduced to one:
 * x1, x2 uniform in [-1, 1), height y = exp(−(x1² + x2²) / (2·0.4²)) (1 at the centre, 0.04
 * at the middle of an edge, 0.002 in the corners) plus `noise`·N(0, 1) (default 0). The exp is the kernel's, for the same
 * bits in every browser. No plane fits a hill: it needs a hidden layer.
 */
export function bump(rand: DataRandom, options: GeneratorOptions = {}): Table {
  const o = resolveGeneratorOptions('bump', options);
  const scale = 2 * BUMP_WIDTH * BUMP_WIDTH;
  return surface2d('bump', rand, o.n, o.noise, (x1, x2) => rand.exp(-(x1 * x1 + x2 * x2) / scale));
}

/**
 * The registry `makeDataset` resolves generator names through; also what a level editor lists.
 */
export const GENERATORS: Readonly<Record<GeneratorName, GeneratorSpec>> = Object.freeze({
  line: {
    name: 'line',
    task: 'regression',
    description: 'one feature, y = a·x + b plus Gaussian noise',
    defaults: GENERATOR_DEFAULTS.line,
    generate: line,
  },
  blobs: {
    name: 'blobs',
    task: 'binary',
    description: 'two Gaussian blobs, linearly separable',
    defaults: GENERATOR_DEFAULTS.blobs,
    generate: blobs,
  },
  xor: {
    name: 'xor',
    task: 'binary',
    description: 'four quadrants, label = same sign of x1 and x2',
    defaults: GENERATOR_DEFAULTS.xor,
    generate: xor,
  },
  circles: {
    name: 'circles',
    task: 'binary',
    description: 'inner disc versus outer ring',
    defaults: GENERATOR_DEFAULTS.circles,
    generate: circles,
  },
  moons: {
    name: 'moons',
    task: 'binary',
    description: 'two interleaving half circles',
    defaults: GENERATOR_DEFAULTS.moons,
    generate: moons,
  },
  spiral: {
    name: 'spiral',
    task: 'multiclass',
    description: 'interleaved spiral arms, one class per arm',
    defaults: GENERATOR_DEFAULTS.spiral,
    generate: spiral,
  },
  plane: {
    name: 'plane',
    task: 'regression',
    description: 'a tilted flat slope: the height is the average of x1 and x2',
    defaults: GENERATOR_DEFAULTS.plane,
    generate: plane,
  },
  bump: {
    name: 'bump',
    task: 'regression',
    description: 'one round hill in the middle, high at the centre and flat further out',
    defaults: GENERATOR_DEFAULTS.bump,
    generate: bump,
  },
});

/** Generator names in registry order (for error messages and menus). */
export const GENERATOR_NAMES: readonly GeneratorName[] = Object.freeze(
  Object.keys(GENERATORS) as GeneratorName[],
);

/** Type guard used by `makeDataset` to tell generator names from bundled ones. */
export function isGeneratorName(name: string): name is GeneratorName {
  return Object.prototype.hasOwnProperty.call(GENERATORS, name);
}
