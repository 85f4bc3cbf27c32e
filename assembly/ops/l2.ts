// l2.ts — N elements: grad/param are the flat parameter block [N].

/**
 * L2 penalty gradient: grad[N] += lambda·param[N], the gradient of (lambda/2)·‖param‖²
 * (PyTorch's coupled `weight_decay` for SGD). Accumulates into grad; call after the
 * backward pass and before the optimizer. Buffers 16-byte aligned, any N.
 */
export function l2_backward(grad: usize, param: usize, N: i32, lambda: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lv = f32x4.splat(lambda);
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const g = f32x4.mul(lv, v128.load(param + o));
      v128.store(grad + o, f32x4.add(v128.load(grad + o), g));
    }
  }
  l2_backward_tail(grad, param, i, N, lambda);
}

/** Scalar twin of `l2_backward` (same results bit for bit). */
export function l2_backward_scalar(grad: usize, param: usize, N: i32, lambda: f32): void {
  l2_backward_tail(grad, param, 0, N, lambda);
}

// @ts-ignore: decorator
@inline
function l2_backward_tail(grad: usize, param: usize, i: i32, N: i32, lambda: f32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(grad + o, load<f32>(grad + o) + lambda * load<f32>(param + o));
  }
}
