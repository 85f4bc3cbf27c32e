// posenc.ts — rows sequences of T positions with D features: inp/out/dout/dinp are
// [rows, T, D], row-major; table/dtable are [T_max, D] with T_max ≥ T (the first T rows used).
//
// Forward and backward are f32 additions, one rounding each. dtable's column sums over the
// rows are f32 running sums in increasing r order, added to dtable once (as dense.ts sums db);
// the vector path runs four adjacent columns in the lanes, so both paths give the same bits.
// Rows of D start anywhere, so vector loads are unaligned; wasm allows that.

import { cos_f64, exp_f64, sin_f64 } from '../math';

/** ln 10000. */
const LN_10000: f64 = 9.210340371976184;

/**
 * Positional encoding forward: out[r, t, :] = inp[r, t, :] + table[t, :] for t < T.
 * Overwrites out; out may alias inp (not table). Any rows, T, D.
 */
export function posenc_forward(
  out: usize,
  inp: usize,
  table: usize,
  rows: i32,
  T: i32,
  D: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < T; t++) {
        const s = seq(r, t, T, D);
        const p = table + seq(0, t, T, D);
        let j = 0;
        for (; j + 4 <= D; j += 4) {
          const o = <usize>j << 2;
          v128.store(out + s + o, f32x4.add(v128.load(inp + s + o), v128.load(p + o)));
        }
        add_tail(out + s, inp + s, p, j, D);
      }
    }
  } else {
    posenc_forward_scalar(out, inp, table, rows, T, D);
  }
}

/** Scalar twin of `posenc_forward` (same results bit for bit). */
export function posenc_forward_scalar(
  out: usize,
  inp: usize,
  table: usize,
  rows: i32,
  T: i32,
  D: i32,
): void {
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < T; t++) {
      const s = seq(r, t, T, D);
      add_tail(out + s, inp + s, table + seq(0, t, T, D), 0, D);
    }
  }
}

/** Byte offset of position t of sequence r (its D values). */
// @ts-ignore: decorator
@inline
function seq(r: i32, t: i32, T: i32, D: i32): usize {
  return ((<usize>r * <usize>T + <usize>t) * <usize>D) << 2;
}

/** Elements j..D: out = a + b. */
// @ts-ignore: decorator
@inline
function add_tail(out: usize, a: usize, b: usize, j: i32, D: i32): void {
  for (; j < D; j++) {
    const o = <usize>j << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/**
 * Positional encoding backward: dinp[rows, T, D] += dout (skipped when dinp is 0) and
 * dtable[t, :] += Σ_r dout[r, t, :] for t < T (skipped when dtable is 0, as for a fixed
 * sinusoidal table), the sum an f32 running sum in increasing r order added once. Accumulates;
 * gradients must not overlap dout. Any rows, T, D.
 */
export function posenc_backward(
  dinp: usize,
  dtable: usize,
  dout: usize,
  rows: i32,
  T: i32,
  D: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    if (dinp) {
      const n = rows * T * D;
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(dinp + o, f32x4.add(v128.load(dinp + o), v128.load(dout + o)));
      }
      accumulate_tail(dinp, dout, i, n);
    }
    if (!dtable) return;
    const ld = (<usize>T * <usize>D) << 2;
    for (let t = 0; t < T; t++) {
      const p = seq(0, t, T, D);
      let j = 0;
      for (; j + 4 <= D; j += 4) {
        const o = p + (<usize>j << 2);
        let s = f32x4.splat(0);
        let q = dout + o;
        for (let r = 0; r < rows; r++) {
          s = f32x4.add(s, v128.load(q));
          q += ld;
        }
        v128.store(dtable + o, f32x4.add(v128.load(dtable + o), s));
      }
      column_sums_tail(dtable + p, dout + p, ld, j, rows, D);
    }
  } else {
    posenc_backward_scalar(dinp, dtable, dout, rows, T, D);
  }
}

/** Scalar twin of `posenc_backward` (same results bit for bit). */
export function posenc_backward_scalar(
  dinp: usize,
  dtable: usize,
  dout: usize,
  rows: i32,
  T: i32,
  D: i32,
): void {
  if (dinp) accumulate_tail(dinp, dout, 0, rows * T * D);
  if (!dtable) return;
  const ld = (<usize>T * <usize>D) << 2;
  for (let t = 0; t < T; t++) {
    const p = seq(0, t, T, D);
    column_sums_tail(dtable + p, dout + p, ld, 0, rows, D);
  }
}

/** dst[i..n) += src[i..n). */
// @ts-ignore: decorator
@inline
function accumulate_tail(dst: usize, src: usize, i: i32, n: i32): void {
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** Columns j..D of one table row: dst[j] += Σ_r src[r·ld + j], a running sum in r order. */
// @ts-ignore: decorator
@inline
function column_sums_tail(dst: usize, src: usize, ld: usize, j: i32, rows: i32, D: i32): void {
  for (; j < D; j++) {
    const o = <usize>j << 2;
    let s: f32 = 0;
    let q = src + o;
    for (let r = 0; r < rows; r++) {
      s += load<f32>(q);
      q += ld;
    }
    store<f32>(dst + o, load<f32>(dst + o) + s);
  }
}

/**
 * Fills table [T, D] with the sinusoidal encoding of "Attention is all you need":
 * PE[t, 2i] = sin(t·w_i), PE[t, 2i + 1] = cos(t·w_i) with w_i = 10000^(−2i/D) =
 * exp(−(2i/D)·ln 10000), all in f64 through `math.ts` and rounded to f32 once (an odd D ends
 * with a sin column). Overwrites table; the same bits in every build. Accurate for
 * T < 1.6e6 (sin_f64's exact range reduction).
 */
export function posenc_sinusoid(table: usize, T: i32, D: i32): void {
  for (let c = 0; c < D; c += 2) {
    const w = exp_f64(-(<f64>c / <f64>D) * LN_10000);
    for (let t = 0; t < T; t++) {
      const a = <f64>t * w;
      const p = table + seq(0, t, T, D) + (<usize>c << 2);
      store<f32>(p, <f32>sin_f64(a));
      if (c + 1 < D) store<f32>(p, <f32>cos_f64(a), 4);
    }
  }
}
