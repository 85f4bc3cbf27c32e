// leaky_relu.ts — N elements (any shape, treated as flat); alpha the negative slope.

/**
 * Leaky ReLU forward: out[N] = inp > 0 ? inp : alpha·inp. Overwrites out; out may alias inp.
 * Buffers 16-byte aligned, any N (scalar tail).
 */
export function leaky_relu_forward(out: usize, inp: usize, N: i32, alpha: f32): void {
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    const a = f32x4.splat(alpha);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const x = v128.load(inp + o);
      v128.store(out + o, v128.bitselect(x, f32x4.mul(x, a), f32x4.gt(x, zero)));
    }
    leaky_forward_tail(out, inp, i, N, alpha);
  } else {
    leaky_forward_tail(out, inp, 0, N, alpha);
  }
}

/** Scalar twin of `leaky_relu_forward` (same results bit for bit). */
export function leaky_relu_forward_scalar(out: usize, inp: usize, N: i32, alpha: f32): void {
  leaky_forward_tail(out, inp, 0, N, alpha);
}

// @ts-ignore: decorator
@inline
function leaky_forward_tail(out: usize, inp: usize, i: i32, N: i32, alpha: f32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(inp + o);
    store<f32>(out + o, x > 0 ? x : x * alpha);
  }
}

/**
 * Leaky ReLU backward: dinp[N] += dout·(inp > 0 ? 1 : alpha), with inp the forward INPUT.
 * Accumulates into dinp. Buffers 16-byte aligned, any N.
 */
export function leaky_relu_backward(
  dinp: usize,
  dout: usize,
  inp: usize,
  N: i32,
  alpha: f32,
): void {
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    const a = f32x4.splat(alpha);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const d = v128.load(dout + o);
      const g = v128.bitselect(d, f32x4.mul(d, a), f32x4.gt(v128.load(inp + o), zero));
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
    }
    leaky_backward_tail(dinp, dout, inp, i, N, alpha);
  } else {
    leaky_backward_tail(dinp, dout, inp, 0, N, alpha);
  }
}

/** Scalar twin of `leaky_relu_backward` (same results bit for bit). */
export function leaky_relu_backward_scalar(
  dinp: usize,
  dout: usize,
  inp: usize,
  N: i32,
  alpha: f32,
): void {
  leaky_backward_tail(dinp, dout, inp, 0, N, alpha);
}

// @ts-ignore: decorator
@inline
function leaky_backward_tail(
  dinp: usize,
  dout: usize,
  inp: usize,
  i: i32,
  N: i32,
  alpha: f32,
): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(dout + o);
    const g = load<f32>(inp + o) > 0 ? d : d * alpha;
    store<f32>(dinp + o, load<f32>(dinp + o) + g);
  }
}
