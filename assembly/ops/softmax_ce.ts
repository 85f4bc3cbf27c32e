// softmax_ce.ts — B rows, C classes: logits/probs/dlogits [B, C]; labels [B] (f32 integers).
//
// Categorical cross-entropy fused with softmax. The probabilities come from `softmax_forward`
// (so they match the softmax op bit for bit); the loss is taken as logsumexp(z) − z[label]
// rather than −log(p[label]), which would be +Inf once p[label] underflows.

import { log_f64 } from '../math';
import { softmax_forward } from './softmax';

/** Index of the first maximum of row[C] (NaN entries never win). */
// @ts-ignore: decorator
@inline
function argmax_row(row: usize, C: i32): i32 {
  let best = 0;
  let m = load<f32>(row);
  for (let j = 1; j < C; j++) {
    const v = load<f32>(row + (<usize>j << 2));
    if (v > m) {
      m = v;
      best = j;
    }
  }
  return best;
}

/**
 * Writes probs[B, C] = softmax(logits) row-wise and returns the mean over rows of
 * logsumexp(z_b) − z_b[label_b]. Contract: labels[b] holds an exact integer in 0..C−1, and
 * probs does not alias logits (the loss reads the logits after the softmax is written).
 * logsumexp is m + log Σ e^(z−m) with m the row max; the max's own term is exactly 1, so
 * p[argmax] = 1/Σ rounded once and log Σ = −log p[argmax] to within 2^-24 (p[argmax] ≥ 1/C
 * never underflows), which saves a second pass of exponentials.
 * Rows are summed in f64; the result is rounded to f32.
 */
export function softmax_ce_forward(
  probs: usize,
  logits: usize,
  labels: usize,
  B: i32,
  C: i32,
): f32 {
  softmax_forward(probs, logits, B, C);
  let sum: f64 = 0;
  for (let b = 0; b < B; b++) {
    const o = <usize>b * <usize>C * 4;
    const best = argmax_row(logits + o, C);
    const m = <f64>load<f32>(logits + o + (<usize>best << 2));
    const label = <i32>load<f32>(labels + (<usize>b << 2));
    const zl = <f64>load<f32>(logits + o + (<usize>label << 2));
    sum += -log_f64(<f64>load<f32>(probs + o + (<usize>best << 2))) - (zl - m);
  }
  return B > 0 ? <f32>(sum / <f64>B) : 0;
}

/**
 * Gradient of `softmax_ce_forward` with respect to the logits, from its probs[B, C]:
 * dlogits[b, j] += (probs[b, j] − [j == label_b]) / B. Accumulates into dlogits.
 */
export function softmax_ce_backward(
  dlogits: usize,
  probs: usize,
  labels: usize,
  B: i32,
  C: i32,
): void {
  const n = <f32>B;
  for (let b = 0; b < B; b++) {
    const o = <usize>b * <usize>C * 4;
    const label = <i32>load<f32>(labels + (<usize>b << 2));
    const p = probs + o;
    const d = dlogits + o;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const nv = f32x4.splat(n);
      const lv = i32x4.splat(label);
      const one = f32x4.splat(1);
      let idx = i32x4(0, 1, 2, 3);
      for (; j + 4 <= C; j += 4) {
        const jo = <usize>j << 2;
        const hot = v128.and(i32x4.eq(idx, lv), one);
        const g = f32x4.div(f32x4.sub(v128.load(p + jo), hot), nv);
        v128.store(d + jo, f32x4.add(v128.load(d + jo), g));
        idx = i32x4.add(idx, i32x4.splat(4));
      }
    }
    for (; j < C; j++) {
      const jo = <usize>j << 2;
      const hot: f32 = j == label ? 1 : 0;
      store<f32>(d + jo, load<f32>(d + jo) + (load<f32>(p + jo) - hot) / n);
    }
  }
}

/**
 * Number of rows of scores[B, C] whose argmax (the first one on ties) equals labels[b].
 * Works on logits or probabilities alike.
 */
export function accuracy_multiclass(scores: usize, labels: usize, B: i32, C: i32): i32 {
  let count = 0;
  for (let b = 0; b < B; b++) {
    const best = argmax_row(scores + <usize>b * <usize>C * 4, C);
    const label = <i32>load<f32>(labels + (<usize>b << 2));
    count += i32(best == label);
  }
  return count;
}
