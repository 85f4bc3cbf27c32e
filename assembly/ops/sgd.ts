// sgd.ts — N elements: params/grads are the flat parameter block [N].

/**
 * Plain SGD step (PyTorch SGD without momentum): params[N] −= lr·grads[N]. Updates params in
 * place; grads is read only. Like every optimizer here, the scalars are taken as f64 and
 * rounded to f32 once; the elementwise pass is f32. Buffers 16-byte aligned, any N.
 */
export function sgd_update(params: usize, grads: usize, N: i32, lr: f64): void {
  const l = <f32>lr;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lv = f32x4.splat(l);
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const step = f32x4.mul(lv, v128.load(grads + o));
      v128.store(params + o, f32x4.sub(v128.load(params + o), step));
    }
  }
  sgd_tail(params, grads, i, N, l);
}

/** Scalar twin of `sgd_update` (same results bit for bit). */
export function sgd_update_scalar(params: usize, grads: usize, N: i32, lr: f64): void {
  sgd_tail(params, grads, 0, N, <f32>lr);
}

// @ts-ignore: decorator
@inline
function sgd_tail(params: usize, grads: usize, i: i32, N: i32, lr: f32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(params + o, load<f32>(params + o) - lr * load<f32>(grads + o));
  }
}
