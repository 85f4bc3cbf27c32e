// sin_f32.ts — the correctly rounded f32 sine the sine feature inputs use (scalar: no buffers).

import { cos_f64, sin_f64 } from './math';

// f32 sin for every f32 input (the sine input features). Below 2^20 in magnitude it is sin_f64
// of the exact f64 value of x, rounded once to f32 (to nearest, ties to even): sin_f64 is within
// 1 ulp of f64 there, so this is the correctly rounded f32 sine unless the true value lies within
// an f64 ulp of a halfway point between two f32s. From 2^20 up, where sin_f64's three-piece
// reduction starts losing bits, x is reduced exactly in integer arithmetic against 192 bits of
// 2/π (the reduce_large of Arm's optimized-routines sinf): a 32×96-bit product gives x·2/π mod 4
// in 2.62 fixed point, its nearest integer is the quadrant and the rest, times π/2, a reduced
// argument in [−π/4, π/4] good to at least 33 bits (no f32 comes closer than 2^-29 to a multiple
// of π/2), whose f64 sine or cosine is rounded once to f32: within 1 ulp of the true f32 sine.
// ±Inf and NaN give NaN.

// Entry j: the 32 bits of 2/π's binary fraction ending at bit 8(j + 1) (0.a2f9836e4e44… in hex).
const INV_PIO2_WINDOWS: usize = memory.data<u32>([
  0x000000a2, 0x0000a2f9, 0x00a2f983, 0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
  0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
  0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041,
]);
const PI63: f64 = 3.4061215800865545e-19; // π/2·2^-62: one unit of the 2.62 fixed point, in radians

/** sin in f32 for any f32 x (≤ 1 ulp; correctly rounded below 2^20 but for rare ties). */
export function sin_f32(x: f32): f32 {
  const ix = reinterpret<u32>(x) & 0x7fffffff;
  if (ix < 0x49800000) return <f32>sin_f64(<f64>x); // |x| < 2^20
  if (ix >= 0x7f800000) return x - x;
  // |x| = m·2^(8·idx − 22) with m the mantissa shifted by the low three exponent bits, and idx
  // picking the window of 2/π whose bits land on x·2/π's two integer and 62 fraction bits.
  const arr = INV_PIO2_WINDOWS + (<usize>((ix >> 26) & 15) << 2);
  const m: u32 = ((ix & 0x7fffff) | 0x800000) << ((ix >> 23) & 7);
  const hi: u64 = <u64>(m * load<u32>(arr)) << 32; // only its low 32 bits matter (mod 4)
  let res: u64 = hi | ((<u64>m * <u64>load<u32>(arr, 32)) >> 32);
  res += <u64>m * <u64>load<u32>(arr, 16);
  const n = (res + (<u64>1 << 61)) >> 62;
  res -= n << 62;
  const r = <f64>(<i64>res) * PI63;
  const q = <i32>n & 3;
  const s: f64 = q == 0 ? sin_f64(r) : q == 1 ? cos_f64(r) : q == 2 ? -sin_f64(r) : -cos_f64(r);
  const y = <f32>s;
  return x < 0 ? -y : y;
}
