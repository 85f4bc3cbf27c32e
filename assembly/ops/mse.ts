// mse.ts — N elements: pred/target/dpred are flat [N] (any shape).

/**
 * Mean squared error mean((pred − target)²) over N elements. Differences and squares are taken
 * in f64 (exact for f32 inputs up to the squares' rounding) and summed in f64 in index order,
 * so the loss is accurate and the same in both builds. Returns the mean rounded to f32.
 */
export function mse_forward(pred: usize, target: usize, N: i32): f32 {
  let sum: f64 = 0;
  for (let i = 0; i < N; i++) {
    const o = <usize>i << 2;
    const d = <f64>load<f32>(pred + o) - <f64>load<f32>(target + o);
    sum += d * d;
  }
  return N > 0 ? <f32>(sum / <f64>N) : 0;
}

/**
 * Gradient of `mse_forward`: dpred[N] += 2·(pred − target)/N (computed as ((p − t)·2)/N in
 * f32, one rounding after the exact doubling). Accumulates into dpred. Buffers 16-byte aligned.
 */
export function mse_backward(dpred: usize, pred: usize, target: usize, N: i32): void {
  const n = <f32>N;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const nv = f32x4.splat(n);
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const d = f32x4.sub(v128.load(pred + o), v128.load(target + o));
      const g = f32x4.div(f32x4.add(d, d), nv);
      v128.store(dpred + o, f32x4.add(v128.load(dpred + o), g));
    }
  }
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(pred + o) - load<f32>(target + o);
    store<f32>(dpred + o, load<f32>(dpred + o) + (d + d) / n);
  }
}

/**
 * Number of correct yes/no answers of a network trained with squared error on 0/1 targets, read
 * the way a least-squares classifier is: count of i with (pred[i] > 0.5) == (target[i] > 0.5).
 * An output of exactly 0.5, or NaN, counts as class 0. Chapter 1 scores the straight line so.
 */
export function accuracy_threshold(pred: usize, target: usize, N: i32): i32 {
  let count = 0;
  for (let i = 0; i < N; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(pred + o) > 0.5;
    const t = load<f32>(target + o) > 0.5;
    count += i32(p == t);
  }
  return count;
}
