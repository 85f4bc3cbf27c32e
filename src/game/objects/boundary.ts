/**
 * How the decision-boundary map is painted from a network's predictions over its grid — the
 * class and how sure (or, discretized, the answer alone), a yes/no probability on the diverging
 * scale, or a regression's value on viridis — and which data points are drawn on it.
 */
import type { Task } from '../../data/dataset.js';
import { COLORS, diverging, viridis } from '../theme.js';
import { CLASS_COLORS, type Heatmap } from './heatmap.js';

/**
 * Colours a map from predictions over its grid: the class, how sure, or the value; with
 * `discretize`, only the answer (the class, or the value in six bands).
 */
export function paintBoundary(
  map: Heatmap,
  out: Float32Array,
  task: Task,
  outputs: number,
  discretize = false,
): void {
  const n = map.options.resolution;
  if (discretize && task === 'binary') {
    map.fill((r, c) => darken(diverging(out[r * n + c]! > 0.5 ? 1 : -1)));
    return;
  }
  if (task === 'multiclass') {
    map.fill((r, c) => {
      const i = (r * n + c) * outputs;
      let best = 0;
      let second = -Infinity;
      for (let k = 1; k < outputs; k++) {
        if (out[i + k]! > out[i + best]!) {
          second = out[i + best]!;
          best = k;
        } else second = Math.max(second, out[i + k]!);
      }
      // Probabilities: the lead of the top class over the runner-up is how sure the net is.
      const confidence = discretize ? 1 : out[i + best]! - second;
      return mix(
        COLORS.panelRaised,
        CLASS_COLORS[best % CLASS_COLORS.length]!,
        0.25 + 0.55 * confidence,
      );
    });
  } else if (task === 'binary') {
    // predict gives probabilities for yes/no tasks: 0.5 is the boundary, grey on the scale.
    map.fill((r, c) => darken(diverging(2 * out[r * n + c]! - 1)));
  } else {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n * n; i++) {
      lo = Math.min(lo, out[i * outputs]!);
      hi = Math.max(hi, out[i * outputs]!);
    }
    const band = (t: number): number => (discretize ? Math.min(5, Math.floor(t * 6)) / 5 : t);
    map.fill((r, c) => viridis(band((out[(r * n + c) * outputs]! - lo) / Math.max(hi - lo, 1e-9))));
  }
}

/** Points drawn on the boundary map: enough to see the shape, few enough to stay readable. */
const MAX_POINTS = 500;

/**
 * At most MAX_POINTS of a split's 2-D points, evenly spread over its rows, with their classes
 * (null for a regression, whose points are drawn in one colour).
 */
export function samplePoints(
  x: Float32Array,
  y: Float32Array,
  classified: boolean,
): { x: number[]; classes: number[] | null } {
  const rows = x.length / 2;
  const yWidth = y.length / Math.max(rows, 1);
  const step = Math.max(1, Math.ceil(rows / MAX_POINTS));
  const px: number[] = [];
  const pc: number[] = [];
  for (let i = 0; i < rows; i += step) {
    px.push(x[2 * i]!, x[2 * i + 1]!);
    pc.push(y[i * yWidth]!);
  }
  return { x: px, classes: classified ? pc : null };
}

/** Blends colour a towards b by t (0 to 1). */
function mix(a: number, b: number, t: number): number {
  const ch = (c: number, s: number): number => (c >> s) & 255;
  const lerp = (s: number): number => Math.round(ch(a, s) + (ch(b, s) - ch(a, s)) * t);
  return (lerp(16) << 16) | (lerp(8) << 8) | lerp(0);
}

/** Dims a map colour so the data markers on top stay readable. */
function darken(c: number): number {
  return mix(COLORS.background, c, 0.8);
}
