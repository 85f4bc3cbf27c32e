// clip.ts — N elements: ptr/grads are the flat gradient block [N].
//
// Squares are taken in f64 (exact for f32 inputs) and summed in four f64 partial sums,
// element i going to partial i % 4 over the whole groups of four, combined as
// (s0 + s1) + (s2 + s3), then the tail added in order. The vector path keeps the partials in
// two f64x2 registers, the scalar path in four locals, so both give the same bits.

/** Σ ptr[i]² over N elements, in f64 (see the file comment for the summation order). */
export function sum_squares(ptr: usize, N: i32): f64 {
  if (ASC_FEATURE_SIMD) {
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const x = v128.load(ptr + (<usize>i << 2));
      const a = f64x2.promote_low_f32x4(x);
      const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
      lo = f64x2.add(lo, f64x2.mul(a, a));
      hi = f64x2.add(hi, f64x2.mul(b, b));
    }
    let sum =
      f64x2.extract_lane(lo, 0) +
      f64x2.extract_lane(lo, 1) +
      (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
    for (; i < N; i++) {
      const x = <f64>load<f32>(ptr + (<usize>i << 2));
      sum += x * x;
    }
    return sum;
  }
  return sum_squares_scalar(ptr, N);
}

/** Scalar twin of `sum_squares` (same result bit for bit). */
export function sum_squares_scalar(ptr: usize, N: i32): f64 {
  let s0: f64 = 0,
    s1: f64 = 0,
    s2: f64 = 0,
    s3: f64 = 0;
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const p = ptr + (<usize>i << 2);
    const x0 = <f64>load<f32>(p, 0);
    const x1 = <f64>load<f32>(p, 4);
    const x2 = <f64>load<f32>(p, 8);
    const x3 = <f64>load<f32>(p, 12);
    s0 += x0 * x0;
    s1 += x1 * x1;
    s2 += x2 * x2;
    s3 += x3 * x3;
  }
  let sum = s0 + s1 + (s2 + s3);
  for (; i < N; i++) {
    const x = <f64>load<f32>(ptr + (<usize>i << 2));
    sum += x * x;
  }
  return sum;
}

/**
 * Clips the global L2 norm of grads[N] like PyTorch's clip_grad_norm_: norm = √Σ g²; if
 * norm > maxNorm, every gradient is multiplied by maxNorm/(norm + 1e-6) (the coefficient is
 * computed in f64 and rounded to f32 once). Returns the norm before clipping, as f32.
 * Call it once over the whole gradient block (all layers), after l2_backward.
 */
export function clip_grad_norm(grads: usize, N: i32, maxNorm: f32): f32 {
  const norm = sqrt<f64>(sum_squares(grads, N));
  if (norm > <f64>maxNorm) {
    const c = <f32>(<f64>maxNorm / (norm + 1e-6));
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const cv = f32x4.splat(c);
      for (; i + 4 <= N; i += 4) {
        const o = <usize>i << 2;
        v128.store(grads + o, f32x4.mul(v128.load(grads + o), cv));
      }
    }
    for (; i < N; i++) {
      const o = <usize>i << 2;
      store<f32>(grads + o, load<f32>(grads + o) * c);
    }
  }
  return <f32>norm;
}
