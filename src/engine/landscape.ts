/**
 * A slice of the loss landscape around a learner's weights w: the training loss at
 * w + a·d1 + b·d2 on a grid, along two random directions drawn from the kernel's random stream
 * and filter-normalised as in Li et al. (2018) — each neuron's row of a direction scaled to the
 * norm of that neuron's weights, biases not moved — or, for a network of exactly one weight and
 * one bias, the exact (weight, bias) plane. Paths given as parameter vectors are projected onto
 * the same two directions (least squares). The learner's weights are put back afterwards.
 */
import type { Learner } from './learner.js';
import { kernelRandom } from '../data/random.js';
import { SpecError } from './spec.js';

/** Finest landscape grid: `resolution` × `resolution` loss evaluations. */
export const MAX_RESOLUTION = 41;

export interface LandscapeOptions {
  /** Points per side of the grid, 3 to 41 (default 21). */
  resolution?: number;
  /** The grid covers −span … span along each direction (default 1), > 0. */
  span?: number;
  /** Seed of the directions' kernel random stream (default: the race's seed). */
  seed?: number;
  /**
   * `random`: two filter-normalised random directions (Li et al. 2018). `params`: the exact
   * landscape over the network's two parameters (weight, bias) — only for a network of exactly
   * one weight and one bias. Default `random`.
   */
  axes?: 'random' | 'params';
}

export interface Landscape {
  axes: 'random' | 'params';
  lane: number;
  step: number;
  resolution: number;
  /** Coordinates of the grid's columns (first axis) and rows (second axis). */
  a: number[];
  b: number[];
  /** Training loss at each grid point, row-major: loss[j * resolution + i] at (a[i], b[j]). */
  loss: Float64Array;
  /** The centre's loss (the lane's current weights); for `params` axes the grid is absolute. */
  centerLoss: number;
  /** Each lane's recorded path (its snapshots, then its current weights) in grid coordinates. */
  paths: Array<{ lane: number; points: Array<{ step: number; a: number; b: number }> }>;
}

/** A recorded path: parameter vectors at steps, e.g. a lane's snapshots. */
export interface ParamPath {
  lane: number;
  points: Array<{ step: number; values: Float32Array }>;
}

/** Checks the options and fills in the defaults (resolution 21, span 1, random axes). */
function checkOptions(options: LandscapeOptions): Required<Omit<LandscapeOptions, 'seed'>> {
  const resolution = options.resolution ?? 21;
  const span = options.span ?? 1;
  const axes = options.axes ?? 'random';
  if (!Number.isInteger(resolution) || resolution < 3 || resolution > MAX_RESOLUTION) {
    throw new SpecError([
      `resolution must be an integer from 3 to ${MAX_RESOLUTION}, got ${String(resolution)}`,
    ]);
  }
  if (typeof span !== 'number' || !Number.isFinite(span) || span <= 0 || span > 1e4) {
    throw new SpecError([`span must be a number above 0 and at most 10000, got ${String(span)}`]);
  }
  if (axes !== 'random' && axes !== 'params') {
    throw new SpecError([`axes must be "random" or "params", got ${String(axes)}`]);
  }
  return { resolution, span, axes };
}

/** Two filter-normalised random directions for the weights `w` (biases left at 0). */
function randomDirections(
  module: WebAssembly.Module,
  learner: Learner,
  w: Float32Array,
  seed: number,
): [Float64Array, Float64Array] {
  const rand = kernelRandom(module, seed);
  const d1 = new Float64Array(w.length);
  const d2 = new Float64Array(w.length);
  for (const d of [d1, d2]) {
    for (const t of learner.plan.params) {
      if (!t.decl.decay) continue;
      // One filter per output unit: a dense row [inputs], a conv filter [C, K, K].
      const units = t.shape[0]!;
      const inputs = t.length / units;
      const at = t.offset / 4;
      for (let u = 0; u < units; u++) {
        let dn = 0;
        let wn = 0;
        for (let i = 0; i < inputs; i++) {
          const v = rand.normal();
          d[at + u * inputs + i] = v;
          dn += v * v;
          wn += w[at + u * inputs + i]! ** 2;
        }
        const scale = dn > 0 ? Math.sqrt(wn) / Math.sqrt(dn) : 0;
        for (let i = 0; i < inputs; i++) d[at + u * inputs + i]! *= scale;
      }
    }
  }
  return [d1, d2];
}

/**
 * The slice around `learner`'s current weights (`seed` draws the random directions unless the
 * options name one), with each of `paths` in grid coordinates.
 */
export function sliceLandscape(
  module: WebAssembly.Module,
  learner: Learner,
  seed: number,
  options: LandscapeOptions,
  paths: readonly ParamPath[],
): Omit<Landscape, 'lane'> {
  const { resolution, span, axes } = checkOptions(options);
  const w = learner.paramVector();
  const grid = Array.from(
    { length: resolution },
    (_, i) => -span + (2 * span * i) / (resolution - 1),
  );
  const params = learner.plan.params;
  let d1: Float64Array;
  let d2: Float64Array;
  let a = grid;
  let b = grid;
  if (axes === 'params') {
    if (params.length !== 2 || params[0]!.length !== 1 || params[1]!.length !== 1) {
      throw new SpecError([
        `axes "params" needs a network of one weight and one bias (a single unit with one input); this one has ${learner.network.totalParams} parameters`,
      ]);
    }
    const [iw, ib] = [params[0]!.offset / 4, params[1]!.offset / 4];
    d1 = new Float64Array(w.length);
    d2 = new Float64Array(w.length);
    d1[iw] = 1;
    d2[ib] = 1;
    a = grid.map((x) => x + w[iw]!);
    b = grid.map((x) => x + w[ib]!);
  } else {
    [d1, d2] = randomDirections(module, learner, w, options.seed ?? seed);
  }
  const loss = new Float64Array(resolution * resolution);
  const probe = new Float32Array(w.length);
  try {
    for (let j = 0; j < resolution; j++) {
      for (let i = 0; i < resolution; i++) {
        for (let k = 0; k < w.length; k++) probe[k] = w[k]! + grid[i]! * d1[k]! + grid[j]! * d2[k]!;
        learner.setParamVector(probe);
        loss[j * resolution + i] = learner.evaluate('train').loss;
      }
    }
  } finally {
    learner.setParamVector(w);
  }
  const centerLoss = learner.evaluate('train').loss;
  const place = (values: Float32Array): { a: number; b: number } => {
    if (axes === 'params') {
      return { a: values[params[0]!.offset / 4]!, b: values[params[1]!.offset / 4]! };
    }
    const [pa, pb] = project(values, w, d1, d2);
    return { a: pa, b: pb };
  };
  return {
    axes,
    step: learner.stepCount,
    resolution,
    a,
    b,
    loss,
    centerLoss,
    paths: paths.map((p) => ({
      lane: p.lane,
      points: p.points.map((pt) => ({ step: pt.step, ...place(pt.values) })),
    })),
  };
}

/** Least-squares (α, β) with v − w ≈ α·d1 + β·d2. */
function project(
  v: Float32Array,
  w: Float32Array,
  d1: Float64Array,
  d2: Float64Array,
): [number, number] {
  let g11 = 0;
  let g12 = 0;
  let g22 = 0;
  let r1 = 0;
  let r2 = 0;
  for (let k = 0; k < w.length; k++) {
    const x = v[k]! - w[k]!;
    g11 += d1[k]! * d1[k]!;
    g12 += d1[k]! * d2[k]!;
    g22 += d2[k]! * d2[k]!;
    r1 += d1[k]! * x;
    r2 += d2[k]! * x;
  }
  const det = g11 * g22 - g12 * g12;
  if (!(Math.abs(det) > 1e-300)) return [g11 > 0 ? r1 / g11 : 0, 0];
  return [(g22 * r1 - g12 * r2) / det, (g11 * r2 - g12 * r1) / det];
}
