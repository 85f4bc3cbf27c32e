// momentum.ts — N elements: params/grads/velocity are flat [N] blocks of the same layout.

import { flush_f32, flush_f32x4 } from '../flush';

/**
 * SGD with momentum, PyTorch semantics (dampening 0; the velocity buffer starts at 0, for
 * which v = μ·0 + g reproduces PyTorch's first-step v = g): v = μ·v + g, then
 * params −= lr·v, or with nesterov ≠ 0, params −= lr·(g + μ·v) using the new v.
 * Scalars are f64, rounded to f32 once. Updates params and velocity in place. Buffers
 * 16-byte aligned, any N.
 */
export function momentum_update(
  params: usize,
  grads: usize,
  velocity: usize,
  N: i32,
  lr: f64,
  mu: f64,
  nesterov: i32,
): void {
  const l = <f32>lr;
  const u = <f32>mu;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lv = f32x4.splat(l);
    const mv = f32x4.splat(u);
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const g = v128.load(grads + o);
      const v = flush_f32x4(f32x4.add(f32x4.mul(mv, v128.load(velocity + o)), g));
      v128.store(velocity + o, v);
      const d = nesterov != 0 ? f32x4.add(g, f32x4.mul(mv, v)) : v;
      v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.mul(lv, d)));
    }
  }
  momentum_tail(params, grads, velocity, i, N, l, u, nesterov);
}

/** Scalar twin of `momentum_update` (same results bit for bit). */
export function momentum_update_scalar(
  params: usize,
  grads: usize,
  velocity: usize,
  N: i32,
  lr: f64,
  mu: f64,
  nesterov: i32,
): void {
  momentum_tail(params, grads, velocity, 0, N, <f32>lr, <f32>mu, nesterov);
}

// @ts-ignore: decorator
@inline
function momentum_tail(
  params: usize,
  grads: usize,
  velocity: usize,
  i: i32,
  N: i32,
  lr: f32,
  mu: f32,
  nesterov: i32,
): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const v = flush_f32(mu * load<f32>(velocity + o) + g);
    store<f32>(velocity + o, v);
    const d = nesterov != 0 ? g + mu * v : v;
    store<f32>(params + o, load<f32>(params + o) - lr * d);
  }
}
