// flush.ts — one f32 or one f32x4 at a time.
//
// WebAssembly has no flush-to-zero mode, and arithmetic on subnormal floats (magnitudes below
// 2^-126) takes a slow path on x86 that costs tens to a hundred times a normal operation. An
// optimizer's running averages decay geometrically where gradients are often exactly zero
// (image borders, dead ReLU units): β1 = 0.9 takes a moment from 1e-3 to the subnormal range in
// about 800 steps, and then every step touches it. These helpers set such state to +0 instead,
// the same way in the SIMD and the scalar code, so results stay bit-identical between builds.
// A state this small moves no weight of normal size: lr·m/(√v + eps) with m < 2^-126 is below
// its ulp (only a weight within ~2^-100 of zero sees the difference).

/** The smallest normal f32, 2^-126. */
export const NORMAL_MIN: f32 = 1.1754943508222875e-38;

/** x, or +0 when |x| < 2^-126 (subnormals and −0). */
// @ts-ignore: decorator
@inline export function flush_f32(x: f32): f32 {
  return abs<f32>(x) < NORMAL_MIN ? 0 : x;
}

/** `flush_f32` on each lane. */
// @ts-ignore: decorator
@inline export function flush_f32x4(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), f32x4.splat(NORMAL_MIN)));
}
