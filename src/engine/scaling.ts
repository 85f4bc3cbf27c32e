/**
 * Power laws for the scaling epilogue: a straight line fitted through (size, loss) points on
 * log–log axes, L(N) = a · N^(−α), and read off at sizes never trained. Kept apart from the
 * learner: it is arithmetic on a handful of numbers, but its logarithms and powers are the
 * kernel's (`log_f64`, `exp_f64`), so the fit and its predictions are the same in every browser.
 */

/** The two transcendentals a fit needs; the trainer passes the kernel's. */
export interface ScalingMath {
  log(x: number): number;
  exp(x: number): number;
}

/** One trained size: `x` its parameters (or the compute it used), `y` its validation loss. */
export interface ScalingPoint {
  readonly x: number;
  readonly y: number;
}

/** L(x) = a · x^(−alpha), fitted by least squares on ln x and ln L. */
export interface PowerLaw {
  readonly a: number;
  /** How fast the loss falls: each 10× in x multiplies the loss by 10^(−alpha). */
  readonly alpha: number;
  /** The share of the spread of ln L the line explains (1: every point on it). */
  readonly r2: number;
  /** Points the line was fitted through. */
  readonly count: number;
}

/**
 * Fits `points` (at least two, with at least two different x; every x and y finite and above 0).
 * Throws a RangeError naming the point and the rule otherwise.
 */
export function fitPowerLaw(points: readonly ScalingPoint[], math: ScalingMath): PowerLaw {
  if (points.length < 2)
    throw new RangeError(`a power law needs at least 2 points, got ${points.length}`);
  points.forEach((p, i) => {
    for (const key of ['x', 'y'] as const) {
      if (!Number.isFinite(p[key]) || p[key] <= 0) {
        throw new RangeError(
          `point ${i}: ${key} must be a finite number above 0, got ${String(p[key])}`,
        );
      }
    }
  });
  const u = points.map((p) => math.log(p.x));
  const v = points.map((p) => math.log(p.y));
  const mean = (xs: number[]): number => xs.reduce((s, t) => s + t, 0) / xs.length;
  const mu = mean(u);
  const mv = mean(v);
  let suu = 0;
  let suv = 0;
  let svv = 0;
  for (let i = 0; i < u.length; i++) {
    suu += (u[i]! - mu) ** 2;
    suv += (u[i]! - mu) * (v[i]! - mv);
    svv += (v[i]! - mv) ** 2;
  }
  if (suu === 0) throw new RangeError('a power law needs points at two different sizes at least');
  const slope = suv / suu;
  const r2 = svv === 0 ? 1 : (suv * suv) / (suu * svv);
  return { a: math.exp(mv - slope * mu), alpha: -slope, r2, count: points.length };
}

/** The fitted loss at `x` (finite and above 0): a · x^(−alpha). */
export function powerLawAt(law: PowerLaw, x: number, math: ScalingMath): number {
  if (!Number.isFinite(x) || x <= 0)
    throw new RangeError(`x must be a finite number above 0, got ${String(x)}`);
  return law.a * math.exp(-law.alpha * math.log(x));
}

/**
 * Training compute in floating-point operations, as the scaling-law papers count it: about 6 per
 * parameter per token (2 for the forward pass, 4 for the backward), `tokens` the positions
 * trained on (steps × batch × context).
 */
export function trainingFlops(params: number, tokens: number): number {
  return 6 * params * tokens;
}
