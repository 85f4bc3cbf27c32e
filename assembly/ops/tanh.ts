// tanh.ts — N elements (any shape, treated as flat).

import { tanh_f32, tanh_v128 } from '../math';

/**
 * Tanh forward: out[N] = tanh(inp[N]) via `math.ts` (the vector and scalar paths give the same
 * bits). Overwrites out; out may alias inp. Buffers 16-byte aligned, any N.
 */
export function tanh_forward(out: usize, inp: usize, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, tanh_v128(v128.load(inp + o)));
    }
    tanh_forward_tail(out, inp, i, N);
  } else {
    tanh_forward_tail(out, inp, 0, N);
  }
}

/** Scalar twin of `tanh_forward` (same results bit for bit). */
export function tanh_forward_scalar(out: usize, inp: usize, N: i32): void {
  tanh_forward_tail(out, inp, 0, N);
}

// @ts-ignore: decorator
@inline
function tanh_forward_tail(out: usize, inp: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, tanh_f32(load<f32>(inp + o)));
  }
}

/**
 * Tanh backward from the forward OUTPUT y = out[N]: dinp[N] += dout·(1 − y·y).
 * Accumulates into dinp. Buffers 16-byte aligned, any N.
 */
export function tanh_backward(dinp: usize, dout: usize, out: usize, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const y = v128.load(out + o);
      const g = f32x4.mul(v128.load(dout + o), f32x4.sub(one, f32x4.mul(y, y)));
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
    }
    tanh_backward_tail(dinp, dout, out, i, N);
  } else {
    tanh_backward_tail(dinp, dout, out, 0, N);
  }
}

/** Scalar twin of `tanh_backward` (same results bit for bit). */
export function tanh_backward_scalar(dinp: usize, dout: usize, out: usize, N: i32): void {
  tanh_backward_tail(dinp, dout, out, 0, N);
}

// @ts-ignore: decorator
@inline
function tanh_backward_tail(dinp: usize, dout: usize, out: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const y = load<f32>(out + o);
    const g = load<f32>(dout + o) * (<f32>1 - y * y);
    store<f32>(dinp + o, load<f32>(dinp + o) + g);
  }
}
