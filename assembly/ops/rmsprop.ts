// rmsprop.ts — N elements: params/grads/sq are flat [N] blocks of the same layout.

import { flush_f32, flush_f32x4 } from '../flush';

/**
 * RMSProp step, PyTorch semantics (centered = False, no momentum; sq starts at 0):
 * sq = α·sq + (1 − α)·g²; params −= lr·g / (√sq + eps) (eps added outside the root, as in
 * PyTorch, not inside as in Keras). The scalars are f64 so 1 − α is formed before rounding
 * to f32; the elementwise pass is f32. Updates params and sq in place. Buffers 16-byte aligned.
 */
export function rmsprop_update(
  params: usize,
  grads: usize,
  sq: usize,
  N: i32,
  lr: f64,
  alpha: f64,
  eps: f64,
): void {
  const l = <f32>lr;
  const a = <f32>alpha;
  const oneMinus = <f32>(1.0 - alpha);
  const e = <f32>eps;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lv = f32x4.splat(l);
    const av = f32x4.splat(a);
    const bv = f32x4.splat(oneMinus);
    const ev = f32x4.splat(e);
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const g = v128.load(grads + o);
      const s = flush_f32x4(
        f32x4.add(f32x4.mul(av, v128.load(sq + o)), f32x4.mul(bv, f32x4.mul(g, g))),
      );
      v128.store(sq + o, s);
      const step = f32x4.div(f32x4.mul(lv, g), f32x4.add(f32x4.sqrt(s), ev));
      v128.store(params + o, f32x4.sub(v128.load(params + o), step));
    }
  }
  rmsprop_tail(params, grads, sq, i, N, l, a, oneMinus, e);
}

/** Scalar twin of `rmsprop_update` (same results bit for bit). */
export function rmsprop_update_scalar(
  params: usize,
  grads: usize,
  sq: usize,
  N: i32,
  lr: f64,
  alpha: f64,
  eps: f64,
): void {
  rmsprop_tail(params, grads, sq, 0, N, <f32>lr, <f32>alpha, <f32>(1.0 - alpha), <f32>eps);
}

// @ts-ignore: decorator
@inline
function rmsprop_tail(
  params: usize,
  grads: usize,
  sq: usize,
  i: i32,
  N: i32,
  lr: f32,
  alpha: f32,
  oneMinus: f32,
  eps: f32,
): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const s = flush_f32(alpha * load<f32>(sq + o) + oneMinus * (g * g));
    store<f32>(sq + o, s);
    store<f32>(params + o, load<f32>(params + o) - (lr * g) / (sqrt<f32>(s) + eps));
  }
}
