// bce_logits.ts — N elements: logits/target/dlogits are flat [N]; targets in [0, 1].
//
// Binary cross-entropy fused with the sigmoid, on logits z, the stable way (PyTorch's
// BCEWithLogitsLoss): loss(z, y) = max(z, 0) − z·y + log(1 + e^−|z|), never exp of a
// positive number, never log(0).

import { exp_f64, log_f64, sigmoid_f32, sigmoid_v128 } from '../math';

/**
 * Mean binary cross-entropy of sigmoid(logits[N]) against target[N]. Each term and the sum are
 * computed in f64 (log1p by Goldberg's trick, so confident predictions keep their tiny loss
 * instead of rounding to 0); returns the mean rounded to f32.
 */
export function bce_logits_forward(logits: usize, target: usize, N: i32): f32 {
  let sum: f64 = 0;
  for (let i = 0; i < N; i++) {
    const o = <usize>i << 2;
    const z = <f64>load<f32>(logits + o);
    const y = <f64>load<f32>(target + o);
    const e = exp_f64(-abs<f64>(z));
    const u = 1.0 + e;
    // log1p(e): log(u)·e/(u − 1) cancels the rounding error of u = 1 + e.
    const softplus = u == 1.0 ? e : (log_f64(u) * e) / (u - 1.0);
    sum += max<f64>(z, 0) - z * y + softplus;
  }
  return N > 0 ? <f32>(sum / <f64>N) : 0;
}

/**
 * Gradient of `bce_logits_forward`: dlogits[N] += (sigmoid(z) − y)/N in f32 (sigmoid from
 * `math.ts`; vector and scalar paths give the same bits). Accumulates into dlogits.
 */
export function bce_logits_backward(dlogits: usize, logits: usize, target: usize, N: i32): void {
  const n = <f32>N;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const nv = f32x4.splat(n);
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const d = f32x4.sub(sigmoid_v128(v128.load(logits + o)), v128.load(target + o));
      v128.store(dlogits + o, f32x4.add(v128.load(dlogits + o), f32x4.div(d, nv)));
    }
  }
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const d = sigmoid_f32(load<f32>(logits + o)) - load<f32>(target + o);
    store<f32>(dlogits + o, load<f32>(dlogits + o) + d / n);
  }
}

/**
 * Number of correct binary predictions: count of i with (logits[i] > 0) == (target[i] > 0.5).
 * A logit of exactly 0 counts as class 0; a NaN logit as class 0.
 */
export function accuracy_binary(logits: usize, target: usize, N: i32): i32 {
  let count = 0;
  for (let i = 0; i < N; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(logits + o) > 0;
    const t = load<f32>(target + o) > 0.5;
    count += i32(p == t);
  }
  return count;
}
