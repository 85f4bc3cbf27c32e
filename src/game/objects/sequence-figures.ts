/**
 * The arithmetic of the sequence pictures, without Phaser (the unit tests call it directly): the
 * log scale of the gradient-health strip and its history of columns, which halves its resolution
 * when it fills up so a long run always fits; the cells of a row of time steps; how a
 * prediction at each step is read against the truth; and painting a grid of values into pixels.
 */
import { levelOf, type ColorTable, type PixelTarget } from './image-scale.js';

/** The health strip's colour scale: log10 of ‖∂L/∂h(t)‖ from 10⁻⁶ (darkest) to 10⁰ (brightest). */
export const HEALTH_LOG = { lo: -6, hi: 0 } as const;

/** log10 of a gradient norm, with 0 (or anything not a positive number) at the scale's floor. */
export function logNorm(norm: number): number {
  if (!(norm > 0) || !Number.isFinite(norm)) return norm === Infinity ? HEALTH_LOG.hi : -Infinity;
  return Math.log10(norm);
}

/** The colour level 0..255 of a norm on the health scale (clamped at both ends). */
export function healthLevel(norm: number): number {
  const l = logNorm(norm);
  if (l === -Infinity) return 0;
  return levelOf(l, HEALTH_LOG.lo, HEALTH_LOG.hi);
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** 10 to a whole power, written as the legend does: `10⁻⁶`, `10⁰`. */
export function powerOfTen(exponent: number): string {
  const digits = String(Math.round(exponent));
  return `10${[...digits].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

/** One column of the strip: the training steps it covers and its mean log10 norm per time step. */
export interface HealthColumn {
  from: number;
  to: number;
  logs: Float32Array;
}

/**
 * The strip's columns over training: one per sample until `capacity`, then every two neighbours
 * merge into one (their logs averaged, i.e. the geometric mean of the norms), so the strip
 * compresses to half its width and goes on filling. Each column then stands for `span` samples.
 */
export class HealthHistory {
  readonly columns: HealthColumn[] = [];
  /** How many samples one column holds now (1, 2, 4 …). */
  span = 1;
  /** Samples in the last column so far. */
  private filled = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new Error('capacity must be ≥ 2');
  }

  /** Adds the norms sampled at training step `step` (one per time step). */
  add(step: number, norms: ArrayLike<number>): void {
    const logs = Float32Array.from(norms, (n) => Math.max(HEALTH_LOG.lo - 1, logNorm(n)));
    const last = this.columns.at(-1);
    if (last && this.filled < this.span && last.logs.length === logs.length) {
      // Running mean over the samples of this column.
      const k = this.filled;
      for (let t = 0; t < logs.length; t++) last.logs[t] = (last.logs[t]! * k + logs[t]!) / (k + 1);
      last.to = step;
      this.filled++;
      return;
    }
    if (this.columns.length === this.capacity) this.compress();
    this.columns.push({ from: step, to: step, logs });
    this.filled = 1;
  }

  /** Merges neighbouring columns pairwise: half as many, each twice as long. */
  private compress(): void {
    const merged: HealthColumn[] = [];
    for (let i = 0; i < this.columns.length; i += 2) {
      const a = this.columns[i]!;
      const b = this.columns[i + 1];
      if (!b || b.logs.length !== a.logs.length) {
        merged.push(a);
        continue;
      }
      const logs = a.logs.map((v, t) => (v + b.logs[t]!) / 2);
      merged.push({ from: a.from, to: b.to, logs });
    }
    this.columns.length = 0;
    this.columns.push(...merged);
    this.span *= 2;
    this.filled = this.span;
  }

  clear(): void {
    this.columns.length = 0;
    this.span = 1;
    this.filled = 0;
  }

  /** The colour level 0..255 of column `c` at time step `t`. */
  level(c: number, t: number): number {
    const l = this.columns[c]?.logs[t];
    return l === undefined ? 0 : levelOf(l, HEALTH_LOG.lo, HEALTH_LOG.hi);
  }
}

/** Where step t of a row of `steps` cells sits in a strip from `x` of `width`: left edge and width. */
export function stepCells(x: number, width: number, steps: number): { x: number; w: number }[] {
  const w = width / Math.max(1, steps);
  return Array.from({ length: steps }, (_, t) => ({ x: x + t * w, w }));
}

/**
 * A label that fits a cell `width` px wide at font `size`: the whole name when it fits (about
 * 0.56·size per character), else its first character; nothing in a cell too narrow for one.
 */
export function fitLabel(name: string, width: number, size: number): string {
  const per = 0.56 * size;
  if (name.length * per <= width - 2) return name;
  if (per <= width) return [...name][0] ?? '';
  return '';
}

/** How a symbol of the vocabulary is shown in a cell: a space as ␣. */
export function symbolText(vocab: readonly string[] | undefined, id: number): string {
  const s = vocab?.[id] ?? String(id);
  return s === ' ' ? '␣' : s;
}

/** Token ids to text up to (not including) the separator. */
export function sampleText(ids: readonly number[], vocab: readonly string[], stop: number): string {
  const end = ids.indexOf(stop);
  return (end < 0 ? ids : ids.slice(0, end)).map((id) => vocab[id] ?? '?').join('');
}

/** The network's answers to one example against the truth, one per scored position. */
export interface StepAnswers {
  /** The answer: a class for yes/no and classes, a value for regression. */
  guess: number[];
  truth: number[];
  /** Whether each answer is right (always true for regression: there is no right or wrong). */
  right: boolean[];
}

/**
 * Reads example `k`'s answers from predictions `pred` [count, positions, outputs] and targets
 * `y` [count, positions·(1 or outputs)]: a yes/no is yes above 0.5, classes the likeliest, a
 * regression the value itself.
 */
export function stepAnswers(
  task: 'regression' | 'binary' | 'multiclass',
  outputs: number,
  positions: number,
  pred: ArrayLike<number>,
  y: ArrayLike<number>,
  k: number,
): StepAnswers {
  // Targets per position: a class label, or one value per output (the first is shown).
  const yWidth = task === 'multiclass' ? 1 : outputs;
  const guess: number[] = [];
  const truth: number[] = [];
  const right: boolean[] = [];
  for (let p = 0; p < positions; p++) {
    const at = (k * positions + p) * outputs;
    let g: number;
    if (task === 'multiclass') {
      g = 0;
      for (let c = 1; c < outputs; c++) if (pred[at + c]! > pred[at + g]!) g = c;
    } else if (task === 'binary') g = pred[at]! > 0.5 ? 1 : 0;
    else g = pred[at]!;
    const t = y[(k * positions + p) * yWidth]!;
    guess.push(g);
    truth.push(t);
    right.push(task === 'regression' || g === Math.round(t));
  }
  return { guess, truth, right };
}

/**
 * Paints a `rows` × `cols` grid into the rectangle (x0, y0, w, h) of `target`, cell (r, c)
 * coloured by `table` at `levelAt(r, c)` (0..255); cells split the pixels as evenly as they can.
 * Returns the mean level painted.
 */
export function paintGrid(
  target: PixelTarget,
  x0: number,
  y0: number,
  w: number,
  h: number,
  rows: number,
  cols: number,
  levelAt: (r: number, c: number) => number,
  table: ColorTable,
): number {
  if (rows < 1 || cols < 1) return 0;
  const levels = new Uint8Array(rows * cols);
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const l = Math.max(0, Math.min(255, Math.round(levelAt(r, c))));
      levels[r * cols + c] = l;
      sum += l;
    }
  }
  const data = target.data;
  for (let y = 0; y < h; y++) {
    const r = Math.min(rows - 1, Math.floor((y * rows) / h));
    let p = ((y0 + y) * target.width + x0) * 4;
    for (let x = 0; x < w; x++, p += 4) {
      const c = Math.min(cols - 1, Math.floor((x * cols) / w));
      const k = levels[r * cols + c]! * 3;
      data[p] = table[k]!;
      data[p + 1] = table[k + 1]!;
      data[p + 2] = table[k + 2]!;
      data[p + 3] = 255;
    }
  }
  return sum / levels.length;
}

/** The level 0..255 of a value on the diverging scale −1..1 (a hidden state, tanh's range). */
export function signedLevel(v: number): number {
  return levelOf(v, -1, 1);
}

/** The level 0..255 of a gate's value on 0..1. */
export function unitLevel(v: number): number {
  return levelOf(v, 0, 1);
}
