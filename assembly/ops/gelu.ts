// gelu.ts — N elements (any shape, treated as flat): out/inp/dout/dinp are [N].
//
// GPT-2's tanh approximation, gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), in f32:
// u = K·(x + A·((x·x)·x)), t = tanh(u), out = (0.5·x)·(1 + t), one rounding per operation and
// no fused multiply-add, with tanh from `math.ts` (tanh_v128 lane-wise is bit-identical to
// tanh_f32), so both paths (and both builds) give the same bits. Large |x| is safe: x³ may
// overflow to ±Inf, tanh(±Inf) = ±1, and gelu gives x (or −0) there.

import { tanh_f32, tanh_v128 } from '../math';

/** √(2/π). */
const K: f32 = 0.7978845608028654;
const A: f32 = 0.044715;
/** 3·0.044715, the derivative's coefficient of x². */
const A3: f32 = 0.134145;
/**
 * The derivative's x² is capped here: from |x| = 10 on, |u| > 43 and tanh(u) is ±1 exactly,
 * so 1 − t·t = 0 and the cap changes no result, but K·(1 + 3A·x²) stays finite (it would
 * overflow from |x| ≈ 5e18 and make 0·∞ = NaN).
 */
const X2_CAP: f32 = 100;

/**
 * GELU forward (torch's F.gelu(x, approximate='tanh')): out[N] = gelu(inp[N]). Overwrites out;
 * out may alias inp. Buffers 16-byte aligned, any N.
 */
export function gelu_forward(out: usize, inp: usize, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    const kv = f32x4.splat(K);
    const av = f32x4.splat(A);
    const half = f32x4.splat(0.5);
    const one = f32x4.splat(1);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const x = v128.load(inp + o);
      const u = f32x4.mul(kv, f32x4.add(x, f32x4.mul(av, f32x4.mul(f32x4.mul(x, x), x))));
      v128.store(out + o, f32x4.mul(f32x4.mul(half, x), f32x4.add(one, tanh_v128(u))));
    }
    gelu_forward_tail(out, inp, i, N);
  } else {
    gelu_forward_tail(out, inp, 0, N);
  }
}

/** Scalar twin of `gelu_forward` (same results bit for bit). */
export function gelu_forward_scalar(out: usize, inp: usize, N: i32): void {
  gelu_forward_tail(out, inp, 0, N);
}

// @ts-ignore: decorator
@inline
function gelu_forward_tail(out: usize, inp: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(inp + o);
    const u = K * (x + A * (x * x * x));
    store<f32>(out + o, (<f32>0.5 * x) * (<f32>1 + tanh_f32(u)));
  }
}

/**
 * GELU backward from the forward INPUT x = inp[N]: with u and t = tanh(u) as in the forward,
 * dinp[N] += dout·(0.5·(1 + t) + (0.5·x)·(1 − t·t)·(K·(1 + 3A·min(x·x, 100)))) (the cap only
 * keeps a large x finite; see X2_CAP). Accumulates into dinp, which must not overlap dout or
 * inp. Buffers 16-byte aligned, any N.
 */
export function gelu_backward(dinp: usize, dout: usize, inp: usize, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    const kv = f32x4.splat(K);
    const av = f32x4.splat(A);
    const a3v = f32x4.splat(A3);
    const cap = f32x4.splat(X2_CAP);
    const half = f32x4.splat(0.5);
    const one = f32x4.splat(1);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      const x = v128.load(inp + o);
      const x2 = f32x4.mul(x, x);
      const u = f32x4.mul(kv, f32x4.add(x, f32x4.mul(av, f32x4.mul(x2, x))));
      const t = tanh_v128(u);
      const du = f32x4.mul(kv, f32x4.add(one, f32x4.mul(a3v, f32x4.min(x2, cap))));
      const d = f32x4.add(
        f32x4.mul(half, f32x4.add(one, t)),
        f32x4.mul(f32x4.mul(f32x4.mul(half, x), f32x4.sub(one, f32x4.mul(t, t))), du),
      );
      v128.store(dinp + o, f32x4.add(v128.load(dinp + o), f32x4.mul(v128.load(dout + o), d)));
    }
    gelu_backward_tail(dinp, dout, inp, i, N);
  } else {
    gelu_backward_tail(dinp, dout, inp, 0, N);
  }
}

/** Scalar twin of `gelu_backward` (same results bit for bit). */
export function gelu_backward_scalar(dinp: usize, dout: usize, inp: usize, N: i32): void {
  gelu_backward_tail(dinp, dout, inp, 0, N);
}

// @ts-ignore: decorator
@inline
function gelu_backward_tail(dinp: usize, dout: usize, inp: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(inp + o);
    const x2 = x * x;
    const u = K * (x + A * (x2 * x));
    const t = tanh_f32(u);
    const du = K * (<f32>1 + A3 * min<f32>(x2, X2_CAP));
    const d = <f32>0.5 * (<f32>1 + t) + <f32>0.5 * x * (<f32>1 - t * t) * du;
    store<f32>(dinp + o, load<f32>(dinp + o) + load<f32>(dout + o) * d);
  }
}
