// math.ts — x scalar; v128 x holds four f32 lanes; N elements for the *_array test wrappers.
//
// Deterministic transcendentals. Every result is a fixed sequence of IEEE-754 additions,
// multiplications, divisions and integer bit operations (no fma, no relaxed SIMD, no host
// Math), so a given input gives the same bits in every engine. The v128 versions run the very
// same operation sequence lane-wise, so they are bit-identical to the scalar f32 ones; branches
// of the scalar code become computed-both-ways-and-selected in the vector code.
//
// The v128 helpers are exported for the ops files only: the barrel re-exports this file by name
// (not `export *`), because a v128 in an export signature would break the scalar build.

// ---------------------------------------------------------------------------------------------
// f32 exp — Cephes expf: n = round(x·log2 e), r = x − n·ln2 (Cody–Waite, two parts),
// exp(r) by a degree-7 polynomial, then ·2^n applied as two factors 2^(n>>1)·2^(n−n>>1) so
// that n = 128 (overflow to +Inf) and n down to −150 (gradual underflow, one rounding) need no
// special case. Inputs are clamped first; the clamp keeps the integer tricks in range and
// still lets IEEE arithmetic produce +Inf / 0 at the ends. min/max propagate NaN.

// Above 89, exp overflows f32 whatever the rounding; below −104 it rounds to 0.
const EXP_MAX: f32 = 89.0;
const EXP_MIN: f32 = -104.0;
const LOG2E_F: f32 = 1.44269504088896341;
// 1.5·2^23: adding it rounds an f32 of magnitude < 2^22 to an integer (ties to even) that
// sits in the low mantissa bits: no float→int conversion, and identical in both paths.
const ROUND_MAGIC_F: f32 = 12582912.0;
const ROUND_MAGIC_BITS: i32 = 0x4b400000;
// ln2 split so that n·EXP_C1 is exact for |n| ≤ 2^8.
const EXP_C1: f32 = 0.693359375;
const EXP_C2: f32 = -2.12194440e-4;
const EXP_P0: f32 = 1.9875691500e-4;
const EXP_P1: f32 = 1.3981999507e-3;
const EXP_P2: f32 = 8.3334519073e-3;
const EXP_P3: f32 = 4.1665795894e-2;
const EXP_P4: f32 = 1.6666665459e-1;
const EXP_P5: f32 = 5.0000001201e-1;

/** e^x in f32 (≤ 2 ulp). Overflow gives +Inf, underflow 0 (through subnormals), NaN stays NaN. */
export function exp_f32(x: f32): f32 {
  const xc = min<f32>(max<f32>(x, EXP_MIN), EXP_MAX);
  const t = xc * LOG2E_F + ROUND_MAGIC_F;
  const kf = t - ROUND_MAGIC_F;
  const ki = reinterpret<i32>(t) - ROUND_MAGIC_BITS;
  const r = xc - kf * EXP_C1 - kf * EXP_C2;
  const z = r * r;
  let p = EXP_P0;
  p = p * r + EXP_P1;
  p = p * r + EXP_P2;
  p = p * r + EXP_P3;
  p = p * r + EXP_P4;
  p = p * r + EXP_P5;
  p = p * z + r + 1.0;
  const n1 = ki >> 1;
  const n2 = ki - n1;
  const s1 = reinterpret<f32>((n1 + 127) << 23);
  const s2 = reinterpret<f32>((n2 + 127) << 23);
  return p * s1 * s2;
}

/** Four lanes of `exp_f32`, bit-identical to it. SIMD builds only. */
// @ts-ignore: decorator
@inline
export function exp_v128(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E_F)), f32x4.splat(ROUND_MAGIC_F));
  const kf = f32x4.sub(t, f32x4.splat(ROUND_MAGIC_F));
  const ki = i32x4.sub(t, i32x4.splat(ROUND_MAGIC_BITS));
  const r = f32x4.sub(
    f32x4.sub(xc, f32x4.mul(kf, f32x4.splat(EXP_C1))),
    f32x4.mul(kf, f32x4.splat(EXP_C2)),
  );
  const z = f32x4.mul(r, r);
  let p = f32x4.splat(EXP_P0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1.0));
  const n1 = i32x4.shr_s(ki, 1);
  const n2 = i32x4.sub(ki, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// ---------------------------------------------------------------------------------------------
// f32 log — FreeBSD/musl logf (the table-free one): x = 2^k·m with m in [√½, √2) found by
// integer arithmetic on the bits, then log(m) = f − f²/2 + s·(f²/2 + R(s²)) with f = m − 1,
// s = f/(2+f). Error < 1 ulp. Subnormal inputs are first scaled by 2^25.

const LOG_LG1: f32 = 0.66666662693; // 0xaaaaaa.0p-24
const LOG_LG2: f32 = 0.40000972152; // 0xccce13.0p-25
const LOG_LG3: f32 = 0.28498786688; // 0x91e9ee.0p-25
const LOG_LG4: f32 = 0.24279078841; // 0xf89e26.0p-26
const LN2_HI_F: f32 = 6.9313812256e-1; // 0x3f317180
const LN2_LO_F: f32 = 9.0580006145e-6; // 0x3717f7d1
const TWO25_F: f32 = 33554432.0;
const SQRT_HALF_BITS: i32 = 0x3f3504f3;

/** Natural log in f32 (< 1 ulp). log(0) = −Inf, log(x < 0) = NaN, log(+Inf) = +Inf. */
export function log_f32(x: f32): f32 {
  if (x != x) return x;
  if (x < 0) return NaN;
  if (x == 0) return -Infinity;
  if (x == Infinity) return x;
  let ix = reinterpret<i32>(x);
  let k: i32 = 0;
  if (ix < 0x00800000) {
    ix = reinterpret<i32>(x * TWO25_F);
    k = -25;
  }
  ix += 0x3f800000 - SQRT_HALF_BITS;
  k += (ix >>> 23) - 0x7f;
  ix = (ix & 0x007fffff) + SQRT_HALF_BITS;
  const f: f32 = reinterpret<f32>(ix) - 1.0;
  const s: f32 = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LOG_LG2 + w * LOG_LG4);
  const t2 = z * (LOG_LG1 + w * LOG_LG3);
  const R = t2 + t1;
  const hfsq: f32 = <f32>0.5 * f * f;
  const dk = <f32>k;
  return s * (hfsq + R) + dk * LN2_LO_F - hfsq + f + dk * LN2_HI_F;
}

/** Four lanes of `log_f32`, bit-identical to it (special cases by select). SIMD builds only. */
// @ts-ignore: decorator
@inline
export function log_v128(x: v128): v128 {
  const sub = i32x4.lt_u(x, i32x4.splat(0x00800000));
  let ix = v128.bitselect(f32x4.mul(x, f32x4.splat(TWO25_F)), x, sub);
  let k = v128.and(sub, i32x4.splat(-25));
  ix = i32x4.add(ix, i32x4.splat(0x3f800000 - SQRT_HALF_BITS));
  k = i32x4.add(k, i32x4.sub(i32x4.shr_u(ix, 23), i32x4.splat(0x7f)));
  ix = i32x4.add(v128.and(ix, i32x4.splat(0x007fffff)), i32x4.splat(SQRT_HALF_BITS));
  const f = f32x4.sub(ix, f32x4.splat(1.0));
  const s = f32x4.div(f, f32x4.add(f32x4.splat(2.0), f));
  const z = f32x4.mul(s, s);
  const w = f32x4.mul(z, z);
  const t1 = f32x4.mul(w, f32x4.add(f32x4.splat(LOG_LG2), f32x4.mul(w, f32x4.splat(LOG_LG4))));
  const t2 = f32x4.mul(z, f32x4.add(f32x4.splat(LOG_LG1), f32x4.mul(w, f32x4.splat(LOG_LG3))));
  const R = f32x4.add(t2, t1);
  const hfsq = f32x4.mul(f32x4.mul(f32x4.splat(0.5), f), f);
  const dk = f32x4.convert_i32x4_s(k);
  let y = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, R)), f32x4.mul(dk, f32x4.splat(LN2_LO_F)));
  y = f32x4.add(f32x4.add(f32x4.sub(y, hfsq), f), f32x4.mul(dk, f32x4.splat(LN2_HI_F)));
  // Same precedence as the scalar early returns, applied in reverse so the first one wins.
  y = v128.bitselect(x, y, f32x4.eq(x, f32x4.splat(Infinity)));
  y = v128.bitselect(f32x4.splat(-Infinity), y, f32x4.eq(x, f32x4.splat(0)));
  y = v128.bitselect(f32x4.splat(NaN), y, f32x4.lt(x, f32x4.splat(0)));
  return v128.bitselect(x, y, f32x4.ne(x, x));
}

// ---------------------------------------------------------------------------------------------
// f32 tanh — Cephes tanhf: odd polynomial below |x| = 0.625, above it
// (1 − e)/(1 + e) with e = exp(−2|x|) ≤ 0.29, which cannot overflow and gives exactly ±1 once
// e underflows past half an ulp of 1.

const TANH_SMALL: f32 = 0.625;
const TANH_P0: f32 = -5.70498872745e-3;
const TANH_P1: f32 = 2.06390887954e-2;
const TANH_P2: f32 = -5.37397155531e-2;
const TANH_P3: f32 = 1.33314422036e-1;
const TANH_P4: f32 = -3.33332819422e-1;

/** tanh in f32 (≤ 2 ulp); odd to the bit (tanh(−0) = −0), exactly ±1 when saturated, NaN → NaN. */
export function tanh_f32(x: f32): f32 {
  // Computed on |x| and given x's sign at the end, so both halves round identically.
  const a = abs<f32>(x);
  let y: f32;
  if (a < TANH_SMALL) {
    const z = a * a;
    let p = TANH_P0;
    p = p * z + TANH_P1;
    p = p * z + TANH_P2;
    p = p * z + TANH_P3;
    p = p * z + TANH_P4;
    y = p * z * a + a;
  } else {
    const e = exp_f32(<f32>-2.0 * a);
    y = (<f32>1.0 - e) / (<f32>1.0 + e);
  }
  return copysign<f32>(y, x);
}

/** Four lanes of `tanh_f32`, bit-identical to it (both branches computed). SIMD builds only. */
// @ts-ignore: decorator
@inline
export function tanh_v128(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(a, a);
  let p = f32x4.splat(TANH_P0);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(TANH_P1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(TANH_P2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(TANH_P3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(TANH_P4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), a), a);
  const e = exp_v128(f32x4.mul(f32x4.splat(-2.0), a));
  const one = f32x4.splat(1.0);
  const big = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  const y = v128.bitselect(small, big, f32x4.lt(a, f32x4.splat(TANH_SMALL)));
  const sign = i32x4.splat(0x80000000);
  return v128.or(v128.andnot(y, sign), v128.and(x, sign));
}

// ---------------------------------------------------------------------------------------------
// f32 sigmoid — with e = exp(−|x|) ≤ 1: 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0. Neither
// form overflows, and the negative side keeps full relative accuracy down to where e becomes
// subnormal (1/(1+exp(−x)) would return 0 from x = −88.7 on).

/** Logistic sigmoid 1/(1+e^−x) in f32 (≤ 3 ulp); never NaN for non-NaN input. */
export function sigmoid_f32(x: f32): f32 {
  const e = exp_f32(-abs<f32>(x));
  const num: f32 = x >= 0 ? 1.0 : e;
  return num / (<f32>1.0 + e);
}

/** Four lanes of `sigmoid_f32`, bit-identical to it. SIMD builds only. */
// @ts-ignore: decorator
@inline
export function sigmoid_v128(x: v128): v128 {
  const e = exp_v128(f32x4.neg(f32x4.abs(x)));
  const one = f32x4.splat(1.0);
  const num = v128.bitselect(one, e, f32x4.ge(x, f32x4.splat(0)));
  return f32x4.div(num, f32x4.add(one, e));
}

// ---------------------------------------------------------------------------------------------
// Array wrappers: the vector path over whole groups of four, the scalar function on the tail.

/**
 * out[N] = exp(inp[N]) through `exp_v128` (scalar tail; scalar build: `exp_f32` throughout).
 * Exists so tests can check the vector path lane by lane. out may alias inp.
 */
export function exp_array(out: usize, inp: usize, N: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, exp_v128(v128.load(inp + o)));
    }
  }
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, exp_f32(load<f32>(inp + o)));
  }
}

/** out[N] = log(inp[N]) through `log_v128`; see `exp_array`. */
export function log_array(out: usize, inp: usize, N: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, log_v128(v128.load(inp + o)));
    }
  }
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, log_f32(load<f32>(inp + o)));
  }
}

/** out[N] = tanh(inp[N]) through `tanh_v128`; see `exp_array`. */
export function tanh_array(out: usize, inp: usize, N: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, tanh_v128(v128.load(inp + o)));
    }
  }
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, tanh_f32(load<f32>(inp + o)));
  }
}

// ---------------------------------------------------------------------------------------------
// f64 — fdlibm (as in musl) exp, log, and sin/cos with the Cody–Waite three-part π/2
// reduction. Used for data generation and Box–Muller, so accuracy (≤ 1 ulp) matters more than
// speed. No SIMD twins.

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e0;
const EXP_P1_D: f64 = 1.66666666666666019037e-1;
const EXP_P2_D: f64 = -2.77777777770155933842e-3;
const EXP_P3_D: f64 = 6.61375632143793436117e-5;
const EXP_P4_D: f64 = -1.65339022054652515390e-6;
const EXP_P5_D: f64 = 4.13813679705723846039e-8;

/** y·2^k for k in [−1100, 1100], rounding once (musl scalbn). */
function scalbn_f64(y: f64, k: i32): f64 {
  if (k > 1023) {
    y *= reinterpret<f64>(0x7fe0000000000000); // 2^1023
    k -= 1023;
    if (k > 1023) {
      y *= reinterpret<f64>(0x7fe0000000000000);
      k -= 1023;
      if (k > 1023) k = 1023;
    }
  } else if (k < -1022) {
    // 2^-969 = 2^-1022 · 2^53 keeps the intermediate normal so only the last step rounds.
    y *= reinterpret<f64>(0x0360000000000000);
    k += 969;
    if (k < -1022) {
      y *= reinterpret<f64>(0x0360000000000000);
      k += 969;
      if (k < -1022) k = -1022;
    }
  }
  return y * reinterpret<f64>(<i64>(0x3ff + k) << 52);
}

/** e^x in f64 (< 1 ulp); +Inf above 709.78, 0 below −745.13, NaN stays NaN. */
export function exp_f64(x: f64): f64 {
  if (x != x) return x;
  if (x > 709.782712893383973096) return Infinity;
  if (x < -745.13321910194110842) return 0;
  const hx = <u32>(reinterpret<u64>(x) >> 32) & 0x7fffffff;
  const neg = x < 0;
  let hi: f64, lo: f64;
  let k: i32;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2
    if (hx >= 0x3ff0a2b2) {
      // |x| ≥ 1.5 ln2
      k = <i32>(INV_LN2 * x + (neg ? -0.5 : 0.5));
    } else {
      k = neg ? -1 : 1;
    }
    hi = x - <f64>k * LN2_HI; // exact: k has ≤ 11 bits, LN2_HI 32
    lo = <f64>k * LN2_LO;
    x = hi - lo;
  } else if (hx > 0x3e300000) {
    // |x| > 2^-28
    k = 0;
    hi = x;
    lo = 0;
  } else {
    return 1.0 + x;
  }
  const xx = x * x;
  const c =
    x - xx * (EXP_P1_D + xx * (EXP_P2_D + xx * (EXP_P3_D + xx * (EXP_P4_D + xx * EXP_P5_D))));
  const y = 1.0 + ((x * c) / (2.0 - c) - lo + hi);
  if (k == 0) return y;
  return scalbn_f64(y, k);
}

const LG1: f64 = 6.666666666666735130e-1;
const LG2: f64 = 3.999999999940941908e-1;
const LG3: f64 = 2.857142874366239149e-1;
const LG4: f64 = 2.222219843214978396e-1;
const LG5: f64 = 1.818357216161805012e-1;
const LG6: f64 = 1.531383769920937332e-1;
const LG7: f64 = 1.479819860511658591e-1;

/** Natural log in f64 (< 1 ulp). log(0) = −Inf, log(x < 0) = NaN, log(+Inf) = +Inf. */
export function log_f64(x: f64): f64 {
  if (x != x) return x;
  if (x < 0) return NaN;
  if (x == 0) return -Infinity;
  if (x == Infinity) return x;
  let u = reinterpret<u64>(x);
  let k: i32 = 0;
  if (u < 0x0010000000000000) {
    // subnormal: scale up by 2^54
    x *= reinterpret<f64>(0x4350000000000000);
    u = reinterpret<u64>(x);
    k = -54;
  }
  if (u == 0x3ff0000000000000) return 0;
  let hx = <u32>(u >> 32);
  hx += 0x3ff00000 - 0x3fe6a09e;
  k += <i32>(hx >> 20) - 0x3ff;
  hx = (hx & 0x000fffff) + 0x3fe6a09e;
  x = reinterpret<f64>((<u64>hx << 32) | (u & 0xffffffff));
  const f = x - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const dk = <f64>k;
  return s * (hfsq + R) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

// sin/cos kernels on [−π/4, π/4]; y is the tail of the reduced argument x + y.
const S1: f64 = -1.66666666666666324348e-1;
const S2: f64 = 8.33333333332248946124e-3;
const S3: f64 = -1.98412698298579493134e-4;
const S4: f64 = 2.75573137070700676789e-6;
const S5: f64 = -2.50507602534068634195e-8;
const S6: f64 = 1.58969099521155010221e-10;
const C1: f64 = 4.16666666666666019037e-2;
const C2: f64 = -1.38888888888741095749e-3;
const C3: f64 = 2.48015872894767294178e-5;
const C4: f64 = -2.75573143513906633035e-7;
const C5: f64 = 2.08757232129817482790e-9;
const C6: f64 = -1.13596475577881948265e-11;

/** Kernel sin for a reduced argument with no tail (|x| ≤ π/4 on entry). */
function ksin0(x: f64): f64 {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  return x + v * (S1 + z * r);
}

function ksin(x: f64, y: f64): f64 {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

function kcos(x: f64, y: f64): f64 {
  const z = x * x;
  const w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const ww = 1.0 - hz;
  return ww + (1.0 - ww - hz + (z * r - x * y));
}

// π/2 in three pieces of 33 bits plus tails (fdlibm __rem_pio2, "medium" case): fn·PIO2_1
// is exact while |fn| < 2^20, so the reduction is accurate to the last bit for
// |x| < 2^20·π/2 ≈ 1.6e6. Beyond that the reduced argument loses bits: sin/cos drift from the
// true value, and from about 7e15, where x − fn·π/2 is no longer small, they even leave [−1, 1].
// The data generators stay far below; sin_f32 (below) reduces large f32 arguments exactly.
const INV_PIO2: f64 = 6.36619772367581382433e-1;
const PIO4: f64 = 7.85398163397448278999e-1;
const PIO2_1: f64 = 1.57079632673412561417e0;
const PIO2_1T: f64 = 6.07710050650619224932e-11;
const PIO2_2: f64 = 6.07710050630396597660e-11;
const PIO2_2T: f64 = 2.02226624879595063154e-21;
const PIO2_3: f64 = 2.02226624871116645580e-21;
const PIO2_3T: f64 = 8.47842766036889956997e-32;
const TOINT: f64 = 6755399441055744.0; // 1.5·2^52

let rem_y0: f64 = 0;
let rem_y1: f64 = 0;

/** Reduces x to rem_y0 + rem_y1 in [−π/4, π/4] and returns the quadrant count n. */
function rem_pio2(x: f64): i32 {
  const ex = <i32>(reinterpret<u64>(x) >> 52) & 0x7ff;
  let fn = x * INV_PIO2 + TOINT - TOINT;
  let n = <i32>fn;
  let r = x - fn * PIO2_1;
  let w = fn * PIO2_1T;
  if (r - w < -PIO4) {
    n--;
    fn -= 1.0;
    r = x - fn * PIO2_1;
    w = fn * PIO2_1T;
  } else if (r - w > PIO4) {
    n++;
    fn += 1.0;
    r = x - fn * PIO2_1;
    w = fn * PIO2_1T;
  }
  let y0 = r - w;
  let ey = <i32>(reinterpret<u64>(y0) >> 52) & 0x7ff;
  if (ex - ey > 16) {
    // cancellation: second round, good to 118 bits
    let t = r;
    w = fn * PIO2_2;
    r = t - w;
    w = fn * PIO2_2T - (t - r - w);
    y0 = r - w;
    ey = <i32>(reinterpret<u64>(y0) >> 52) & 0x7ff;
    if (ex - ey > 49) {
      // third round, good to 151 bits
      t = r;
      w = fn * PIO2_3;
      r = t - w;
      w = fn * PIO2_3T - (t - r - w);
      y0 = r - w;
    }
  }
  rem_y0 = y0;
  rem_y1 = r - y0 - w;
  return n;
}

/** sin in f64 (≤ 1 ulp for |x| < 1.6e6); NaN for ±Inf and NaN. */
export function sin_f64(x: f64): f64 {
  const ix = <u32>(reinterpret<u64>(x) >> 32) & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    if (ix < 0x3e500000) return x; // |x| < 2^-26
    return ksin0(x);
  }
  if (ix >= 0x7ff00000) return x - x;
  const n = rem_pio2(x);
  switch (n & 3) {
    case 0:
      return ksin(rem_y0, rem_y1);
    case 1:
      return kcos(rem_y0, rem_y1);
    case 2:
      return -ksin(rem_y0, rem_y1);
    default:
      return -kcos(rem_y0, rem_y1);
  }
}

/** cos in f64 (≤ 1 ulp for |x| < 1.6e6); NaN for ±Inf and NaN. */
export function cos_f64(x: f64): f64 {
  const ix = <u32>(reinterpret<u64>(x) >> 32) & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    if (ix < 0x3e46a09e) return 1.0; // |x| < 2^-27·√2
    return kcos(x, 0);
  }
  if (ix >= 0x7ff00000) return x - x;
  const n = rem_pio2(x);
  switch (n & 3) {
    case 0:
      return kcos(rem_y0, rem_y1);
    case 1:
      return -ksin(rem_y0, rem_y1);
    case 2:
      return -kcos(rem_y0, rem_y1);
    default:
      return ksin(rem_y0, rem_y1);
  }
}
