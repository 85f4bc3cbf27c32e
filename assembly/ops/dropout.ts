// dropout.ts — N elements: out/mask/inp and dinp/dout are flat [N].

import { rng_uniform_f32 } from '../rng';

/**
 * Inverted dropout forward (training mode): for each i in order, u = rng_uniform_f32(state);
 * mask[i] = u ≥ p ? 1/(1 − p) : 0; out[i] = inp[i]·mask[i]. Keeping with probability 1 − p
 * and scaling the survivors by 1/(1 − p) preserves E[out] = inp, so evaluation runs without
 * dropout. p = 0 keeps everything with mask 1 (still one draw per element, so the stream
 * position never depends on p). Contract: 0 ≤ p < 1. Overwrites out and mask; out may alias inp.
 * Sequential because the random stream is.
 */
export function dropout_forward(
  out: usize,
  mask: usize,
  inp: usize,
  N: i32,
  p: f32,
  state: usize,
): void {
  const scale: f32 = <f32>1 / (<f32>1 - p);
  for (let i = 0; i < N; i++) {
    const o = <usize>i << 2;
    const m: f32 = rng_uniform_f32(state) >= p ? scale : 0;
    store<f32>(mask + o, m);
    store<f32>(out + o, load<f32>(inp + o) * m);
  }
}

/**
 * Dropout backward: dinp[N] += dout[N]·mask[N] with the mask `dropout_forward` wrote.
 * Accumulates into dinp. Buffers 16-byte aligned, any N.
 */
export function dropout_backward(dinp: usize, dout: usize, mask: usize, N: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const g = f32x4.mul(v128.load(dout + o), v128.load(mask + o));
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
    }
  }
  dropout_backward_tail(dinp, dout, mask, i, N);
}

/** Scalar twin of `dropout_backward` (same results bit for bit). */
export function dropout_backward_scalar(dinp: usize, dout: usize, mask: usize, N: i32): void {
  dropout_backward_tail(dinp, dout, mask, 0, N);
}

// @ts-ignore: decorator
@inline
function dropout_backward_tail(dinp: usize, dout: usize, mask: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o) * load<f32>(mask + o));
  }
}

/**
 * out[N] = inp[N]·mask[N] with the mask of the last `dropout_forward`: the same dropout again
 * without a new draw, so the gradient check can probe the loss of one fixed mask. Overwrites out.
 */
export function dropout_apply(out: usize, mask: usize, inp: usize, N: i32): void {
  for (let i = 0; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(inp + o) * load<f32>(mask + o));
  }
}
