// adam.ts — N elements: params/grads/m/v are flat [N] blocks of the same layout.

import { flush_f32, flush_f32x4 } from '../flush';

/**
 * Adam / AdamW step, PyTorch semantics (m and v start at 0; t counts steps from 1):
 *   params ·= 1 − lr·weightDecay          (AdamW's decoupled decay; a no-op when it is 0)
 *   m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
 *   params −= (lr/bc1)·m / (√v·(1/√bc2) + eps)
 * with bc1 = 1 − β1^t and bc2 = 1 − β2^t passed in by the caller (who knows t). The scalars
 * are f64 so that 1 − β1, 1 − β2, 1 − lr·wd, lr/bc1 and √bc2 are formed before rounding to
 * f32 (1 − f32(0.999) would be off by 1.3e-5 relative and skew v against bc2); the
 * elementwise pass is f32. Multiplying by 1/√bc2 instead of dividing by √bc2 leaves one
 * division per element: the pass is bound by the divide/square-root unit, and this makes it
 * about a quarter faster on the 100k-parameter benchmark network (results differ from
 * PyTorch's op order by at most an ulp). m and v below 2^-126 are set to 0 (`flush.ts`: no
 * subnormal slow path). Updates params, m and v in place. Buffers 16-byte aligned, any N.
 */
export function adam_update(
  params: usize,
  grads: usize,
  m: usize,
  v: usize,
  N: i32,
  lr: f64,
  beta1: f64,
  beta2: f64,
  eps: f64,
  weightDecay: f64,
  bc1: f64,
  bc2: f64,
): void {
  const decay = <f32>(1.0 - lr * weightDecay);
  const b1 = <f32>beta1;
  const b2 = <f32>beta2;
  const omb1 = <f32>(1.0 - beta1);
  const omb2 = <f32>(1.0 - beta2);
  const step = <f32>(lr / bc1);
  const rsbc2 = <f32>(1.0 / sqrt<f64>(bc2));
  const e = <f32>eps;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const dv = f32x4.splat(decay);
    const b1v = f32x4.splat(b1);
    const b2v = f32x4.splat(b2);
    const c1 = f32x4.splat(omb1);
    const c2 = f32x4.splat(omb2);
    const sv = f32x4.splat(step);
    const qv = f32x4.splat(rsbc2);
    const ev = f32x4.splat(e);
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const g = v128.load(grads + o);
      const mn = flush_f32x4(f32x4.add(f32x4.mul(b1v, v128.load(m + o)), f32x4.mul(c1, g)));
      const vn = flush_f32x4(
        f32x4.add(f32x4.mul(b2v, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(g, g))),
      );
      v128.store(m + o, mn);
      v128.store(v + o, vn);
      const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vn), qv), ev);
      const p = f32x4.mul(v128.load(params + o), dv);
      v128.store(params + o, f32x4.sub(p, f32x4.div(f32x4.mul(sv, mn), denom)));
    }
  }
  adam_tail(params, grads, m, v, i, N, b1, b2, e, decay, omb1, omb2, step, rsbc2);
}

/** Scalar twin of `adam_update` (same results bit for bit). */
export function adam_update_scalar(
  params: usize,
  grads: usize,
  m: usize,
  v: usize,
  N: i32,
  lr: f64,
  beta1: f64,
  beta2: f64,
  eps: f64,
  weightDecay: f64,
  bc1: f64,
  bc2: f64,
): void {
  adam_tail(
    params,
    grads,
    m,
    v,
    0,
    N,
    <f32>beta1,
    <f32>beta2,
    <f32>eps,
    <f32>(1.0 - lr * weightDecay),
    <f32>(1.0 - beta1),
    <f32>(1.0 - beta2),
    <f32>(lr / bc1),
    <f32>(1.0 / sqrt<f64>(bc2)),
  );
}

// @ts-ignore: decorator
@inline
function adam_tail(
  params: usize,
  grads: usize,
  m: usize,
  v: usize,
  i: i32,
  N: i32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  decay: f32,
  omb1: f32,
  omb2: f32,
  step: f32,
  rsbc2: f32,
): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const mn = flush_f32(beta1 * load<f32>(m + o) + omb1 * g);
    const vn = flush_f32(beta2 * load<f32>(v + o) + omb2 * (g * g));
    store<f32>(m + o, mn);
    store<f32>(v + o, vn);
    const denom = sqrt<f32>(vn) * rsbc2 + eps;
    store<f32>(params + o, load<f32>(params + o) * decay - (step * mn) / denom);
  }
}
