/**
 * The arithmetic behind the recurrent figures, kept apart from the drawing so it is tested on
 * its own: how big the gradient still is after travelling back k steps through an RNN (one
 * multiplication per step), and how much of an old value an LSTM's memory cell keeps after ten
 * steps of forgetting, beside a plain RNN's fading state. Pure: no Phaser.
 */

/** The sentence the unrolled RNN reads; the last word is the one it has to guess. */
export const SENTENCE = ['Wonderful', 'restaurant!', 'Nice', 'food,', 'nice', '___'] as const;

/**
 * The gradient's size at each word of a sentence of `words` words, when the loss sits at the
 * last one (size 1) and every step back multiplies it by `factor`: word i gets
 * factor^(words − 1 − i). Below 1 the early words get almost nothing (it vanishes); above 1 they
 * get more than the loss itself (it explodes).
 */
export function gradientBack(factor: number, words: number): number[] {
  return Array.from({ length: words }, (_, i) => factor ** (words - 1 - i));
}

/** Which way a gradient goes that is multiplied by `factor` at every step back. */
export function gradientTrend(factor: number): 'vanishes' | 'explodes' | 'steady' {
  if (Math.abs(factor - 1) < 1e-9) return 'steady';
  return factor < 1 ? 'vanishes' : 'explodes';
}

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** An exponent written raised: 10 → "¹⁰". */
export function superscript(n: number): string {
  return String(n)
    .split('')
    .map((d) => SUPERSCRIPTS[Number(d)] ?? d)
    .join('');
}

/** A size in two significant figures, plainly: 0.26, 0.0039, 1, 64, 1,500, 3.1M. */
export function sizeWords(v: number): string {
  if (v === 0) return '0';
  if (v >= 1e6) return `${(v / 1e6).toPrecision(2).replace(/\.0$/, '')}M`;
  if (v >= 100)
    return String(Math.round(Number(v.toPrecision(2)))).replace(/\B(?=(\d{3})+$)/g, ',');
  return String(Number(v.toPrecision(2)));
}

/** A factor as the slider writes it: one decimal (0.8, 2.0 as 2). */
export function factorWords(f: number): string {
  return String(Math.round(f * 10) / 10);
}

/**
 * The power written out, "0.8⁶ ≈ 0.26" (exact results with "=": "2⁶ = 64", "1⁵ = 1"); the
 * newest word (no step back) is just "1".
 */
export function powerWords(factor: number, k: number): string {
  if (k === 0) return '1';
  const v = factor ** k;
  const shown = sizeWords(v);
  const exact = Math.abs(Number(shown.replace(/,/g, '')) - v) < 1e-9;
  return `${factorWords(factor)}${superscript(k)} ${exact ? '=' : '≈'} ${shown}`;
}

/**
 * tanh by Lambert's continued fraction cut after seven terms (within 1e-6 up to |x| = 4, then
 * held at ±1): plain arithmetic, as the figures keep the transcendentals to the kernel.
 */
export function tanhApprox(x: number): number {
  const x2 = x * x;
  const v =
    (x * (135135 + x2 * (17325 + x2 * (378 + x2)))) /
    (135135 + x2 * (62370 + x2 * (3150 + 28 * x2)));
  return Math.max(-1, Math.min(1, v));
}

/** The steps the LSTM figure follows an old value through. */
export const MEMORY_STEPS = 10;

/** A plain RNN's state kept per step in the figure: squashed and re-weighted, it fades. */
export const RNN_KEEP = 0.6;

/** A distracting new value each later step offers the LSTM's cell. */
export const NEW_VALUE = 0.5;

/** What the LSTM figure shows about its three gates after `steps` steps. */
export interface MemoryAfter {
  /** Share of the old value still in the cell: forget^steps. */
  kept: number;
  /** What the input gate wrote in since: input × new value at every step, each then forgotten. */
  written: number;
  /** The cell after `steps` steps: the old value's share plus what was written. */
  cell: number;
  /** What the output gate lets the next layer see of it: output × tanh(cell). */
  shown: number;
  /** A plain RNN's share of the old value after as many steps. */
  rnn: number;
  /** The old value's share in the cell after each step 0 … steps, and in a plain RNN. */
  keptPath: number[];
  rnnPath: number[];
}

/**
 * An LSTM cell that holds 1 (an old value) and then, for `steps` steps, forgets a share
 * 1 − `forget` of what it holds and lets in `input` × a new value of 0.5:
 * c(t) = forget·c(t−1) + input·0.5, so the old value's share is forget^t; the output gate shows
 * output·tanh(c). A plain RNN beside it keeps 0.6 of its state each step.
 */
export function memoryAfter(
  forget: number,
  input: number,
  output: number,
  steps = MEMORY_STEPS,
): MemoryAfter {
  const keptPath: number[] = [];
  const rnnPath: number[] = [];
  let written = 0;
  for (let t = 0; t <= steps; t++) {
    keptPath.push(forget ** t);
    rnnPath.push(RNN_KEEP ** t);
    if (t > 0) written = forget * written + input * NEW_VALUE;
  }
  const kept = forget ** steps;
  const cell = kept + written;
  return {
    kept,
    written,
    cell,
    shown: output * tanhApprox(cell),
    rnn: RNN_KEEP ** steps,
    keptPath,
    rnnPath,
  };
}
