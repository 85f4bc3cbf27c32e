// sigmoid.ts — N elements (any shape, treated as flat).

import { sigmoid_f32, sigmoid_v128 } from '../math';

/**
 * Sigmoid forward: out[N] = 1/(1 + e^−inp) via `math.ts` (the vector and scalar paths give the
 * same bits). Overwrites out; out may alias inp. Buffers 16-byte aligned, any N.
 */
export function sigmoid_forward(out: usize, inp: usize, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, sigmoid_v128(v128.load(inp + o)));
    }
    sigmoid_forward_tail(out, inp, i, N);
  } else {
    sigmoid_forward_tail(out, inp, 0, N);
  }
}

/** Scalar twin of `sigmoid_forward` (same results bit for bit). */
export function sigmoid_forward_scalar(out: usize, inp: usize, N: i32): void {
  sigmoid_forward_tail(out, inp, 0, N);
}

// @ts-ignore: decorator
@inline
function sigmoid_forward_tail(out: usize, inp: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, sigmoid_f32(load<f32>(inp + o)));
  }
}

/**
 * Sigmoid backward from the forward OUTPUT y = out[N]: dinp[N] += dout·(y·(1 − y)).
 * Accumulates into dinp. Buffers 16-byte aligned, any N.
 */
export function sigmoid_backward(dinp: usize, dout: usize, out: usize, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const y = v128.load(out + o);
      const g = f32x4.mul(v128.load(dout + o), f32x4.mul(y, f32x4.sub(one, y)));
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
    }
    sigmoid_backward_tail(dinp, dout, out, i, N);
  } else {
    sigmoid_backward_tail(dinp, dout, out, 0, N);
  }
}

/** Scalar twin of `sigmoid_backward` (same results bit for bit). */
export function sigmoid_backward_scalar(dinp: usize, dout: usize, out: usize, N: i32): void {
  sigmoid_backward_tail(dinp, dout, out, 0, N);
}

// @ts-ignore: decorator
@inline
function sigmoid_backward_tail(dinp: usize, dout: usize, out: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const y = load<f32>(out + o);
    const g = load<f32>(dout + o) * (y * (<f32>1 - y));
    store<f32>(dinp + o, load<f32>(dinp + o) + g);
  }
}
