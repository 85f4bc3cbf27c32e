// relu.ts — N elements (any shape, treated as flat).

/**
 * ReLU forward: out[N] = max(inp[N], 0). Overwrites out; out may alias inp. Buffers 16-byte
 * aligned, any N (scalar tail). NaN stays NaN (wasm max propagates it).
 */
export function relu_forward(out: usize, inp: usize, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.max(v128.load(inp + o), zero));
    }
    relu_forward_tail(out, inp, i, N);
  } else {
    relu_forward_tail(out, inp, 0, N);
  }
}

/** Scalar twin of `relu_forward` (same results bit for bit). */
export function relu_forward_scalar(out: usize, inp: usize, N: i32): void {
  relu_forward_tail(out, inp, 0, N);
}

// @ts-ignore: decorator
@inline
function relu_forward_tail(out: usize, inp: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, max<f32>(load<f32>(inp + o), 0));
  }
}

/**
 * ReLU backward: dinp[N] += dout[N] where the forward INPUT inp[N] > 0 (the derivative at 0 is
 * taken as 0, like PyTorch). Accumulates into dinp. Buffers 16-byte aligned, any N.
 */
export function relu_backward(dinp: usize, dout: usize, inp: usize, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const pass = f32x4.gt(v128.load(inp + o), zero);
      const g = v128.and(v128.load(dout + o), pass);
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
    }
    relu_backward_tail(dinp, dout, inp, i, N);
  } else {
    relu_backward_tail(dinp, dout, inp, 0, N);
  }
}

/** Scalar twin of `relu_backward` (same results bit for bit). */
export function relu_backward_scalar(dinp: usize, dout: usize, inp: usize, N: i32): void {
  relu_backward_tail(dinp, dout, inp, 0, N);
}

// @ts-ignore: decorator
@inline
function relu_backward_tail(dinp: usize, dout: usize, inp: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const g: f32 = load<f32>(inp + o) > 0 ? load<f32>(dout + o) : 0;
    store<f32>(dinp + o, load<f32>(dinp + o) + g);
  }
}
