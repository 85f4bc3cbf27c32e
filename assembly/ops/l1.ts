// l1.ts — N elements: grad/param are the flat parameter block [N].

/**
 * L1 penalty gradient: grad[N] += lambda·sign(param[N]), the gradient of lambda·Σ|param|, with
 * sign(+0) = sign(−0) = 0 (PyTorch's gradient of `abs` at 0, so a weight at exactly zero feels
 * no pull) and a NaN weight passed on as NaN (as `torch.sign`). The addend is exactly +lambda,
 * −lambda or +0, so grad gains one rounding. Accumulates into grad; call after the backward
 * pass (and after l2_backward when both are on) and before clipping and the optimizer.
 * Buffers 16-byte aligned, any N.
 */
export function l1_backward(grad: usize, param: usize, N: i32, lambda: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const pos = f32x4.splat(lambda);
    const neg = f32x4.splat(-lambda);
    const zero = f32x4.splat(0);
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const w = v128.load(param + o);
      // Lane masks select +lambda (w > 0), −lambda (w < 0), the NaN itself (w ≠ w), else +0.
      const s = v128.or(
        v128.or(v128.and(f32x4.gt(w, zero), pos), v128.and(f32x4.lt(w, zero), neg)),
        v128.and(f32x4.ne(w, w), w),
      );
      v128.store(grad + o, f32x4.add(v128.load(grad + o), s));
    }
  }
  l1_backward_tail(grad, param, i, N, lambda);
}

/** Scalar twin of `l1_backward` (same results bit for bit). */
export function l1_backward_scalar(grad: usize, param: usize, N: i32, lambda: f32): void {
  l1_backward_tail(grad, param, 0, N, lambda);
}

// @ts-ignore: decorator
@inline
function l1_backward_tail(grad: usize, param: usize, i: i32, N: i32, lambda: f32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(param + o);
    const s: f32 = w > 0 ? lambda : w < 0 ? -lambda : w != w ? w : 0;
    store<f32>(grad + o, load<f32>(grad + o) + s);
  }
}
