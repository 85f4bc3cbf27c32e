// conv2d.ts — B batch, C in channels, H×W input, OC filters, K×K kernel, stride S, zero padding P; OH = (H + 2P − K)/S + 1.

// Layouts are PyTorch's nn.Conv2d (dilation 1, groups 1): inp[B,C,H,W], w[OC,C,K,K] (read as the
// matrix [OC, CKK] with CKK = C·K·K, taps t = (c, kh, kw) in that order), b[OC], out[B,OC,OH,OW].
// OW = (W + 2P − K)/S + 1 like OH; OHW = OH·OW output pixels p = (oh, ow) per example.
//
// The scalar twins spell the method out, one example at a time: im2col builds
// col[CKK, OHW] (col[t, p] = the input under tap t at pixel p, 0 in the padding), then
//   forward  out_n[OC, OHW] = b + w·col            (bias rows, matmul_nn accumulating onto them)
//   backward dw[OC, CKK]   += dout_n·colᵀ          (matmul_nt, examples in order)
//            dcol[CKK, OHW] = wᵀ·dout_n, col2im adds it into dinp_n (taps in order, then pixels)
//            db[OC]         += lane sums of dout (see bias_sums_scalar).
// So every output element is one sum in a fixed order: out from b[o] (or 0) over the taps t;
// dw from its initial value over (n, p); dinp from its initial value over the taps (kh, kw) of
// each c, each term dcol = Σ_o in o order. The matmuls sum in plain k order whatever their layout
// (see matmul.ts), and an element's sum is all that decides its bits, so the fast functions may
// choose other formulations as long as each element sees the same additions in the same order:
// - forward, stride 1 and OW ≥ 8: a direct convolution with no im2col. Tiles of 4 filters × 8
//   output columns keep 8 f32x4 accumulators that start at the bias and add the taps in order,
//   each tap's 8 inputs loaded straight from the (zero-padded, if P > 0) image through a table of
//   tap offsets: the matmul micro-kernel with its B strip read in place (a short GEMM depth like
//   CKK = 9 otherwise pays for im2col, packing and a bias pass). It measured ~50% faster than
//   im2col + matmul_nn on the 28×28×1 → 16 layer and ~30% on 13×13×16 → 32.
// - the weight gradient as dwᵀ[CKK, OC] += col·dout_nᵀ when that pads fewer GEMM columns (the
//   first layer's CKK = 9 fills 8 + 4 columns for 9, OC = 16 fills 16): dw is transposed into
//   col's tail and back once per call. ~35% faster on the 28×28×1 layer.
// - the bias sums four lanes at a time, exactly the lanes the scalar twin keeps.

import {
  matmul_nn,
  matmul_nn_scalar,
  matmul_nt,
  matmul_nt_scalar,
  matmul_tn,
  matmul_tn_scalar,
} from './matmul';
import { col2im_scalar, col2im_simd, im2col_scalar, im2col_simd } from './im2col';
import { direct_forward, pad_simd, tap_offsets } from './conv2d_direct';

/**
 * Floats of scratch `col` that `conv2d_forward` and `conv2d_backward` need (B does not matter):
 * max(CKK·(OH·OW + OC), C·(H + 2P)·(W + 2P) + CKK) with CKK = C·K·K — one example's im2col
 * matrix plus dwᵀ for the backward, or one padded example plus the tap table for the direct
 * forward.
 */
export function conv2d_col_floats(
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  OC: i32,
  K: i32,
  S: i32,
  P: i32,
): i32 {
  const OH = (H + 2 * P - K) / S + 1;
  const OW = (W + 2 * P - K) / S + 1;
  const CKK = C * K * K;
  return max(CKK * (OH * OW + OC), C * (H + 2 * P) * (W + 2 * P) + CKK);
}

/**
 * Conv2d forward: out[B,OC,OH,OW] = conv(inp[B,C,H,W], w[OC,C,K,K]) + b[OC]; b = 0 (a null
 * pointer) means no bias. Overwrites out (not read), which must not overlap the inputs or col.
 * col: `conv2d_col_floats` floats of scratch, garbage before and after. Callers guarantee
 * (H + 2P − K) and (W + 2P − K) divisible by S, OH, OW ≥ 1 and P < K. Buffers 16-byte
 * aligned. Same bits as `conv2d_forward_scalar`.
 */
export function conv2d_forward(
  out: usize,
  inp: usize,
  w: usize,
  b: usize,
  col: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  OC: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    const OH = (H + 2 * P - K) / S + 1;
    const OW = (W + 2 * P - K) / S + 1;
    const OHW = OH * OW;
    const CKK = C * K * K;
    const ostep = (<usize>OC * <usize>OHW) << 2;
    const istep = (<usize>C * <usize>H * <usize>W) << 2;
    if (S == 1 && OW >= 8) {
      const Hp = H + 2 * P;
      const Wp = W + 2 * P;
      const tab = col + ((<usize>C * <usize>Hp * <usize>Wp) << 2);
      tap_offsets(tab, C, K, Hp, Wp);
      for (let n = 0; n < B; n++) {
        let x = inp + <usize>n * istep;
        if (P > 0) {
          pad_simd(col, x, C, H, W, P);
          x = col;
        }
        direct_forward(out + <usize>n * ostep, x, w, b, tab, OC, CKK, Wp, OH, OW);
      }
    } else {
      for (let n = 0; n < B; n++) {
        const o = out + <usize>n * ostep;
        im2col_simd(col, inp + <usize>n * istep, C, H, W, K, S, P, OH, OW);
        if (b) fill_rows_simd(o, b, OC, OHW);
        matmul_nn(o, w, col, OC, CKK, OHW, b ? 1 : 0);
      }
    }
  } else {
    conv2d_forward_scalar(out, inp, w, b, col, B, C, H, W, OC, K, S, P);
  }
}

/** Scalar twin of `conv2d_forward`: per example im2col, bias rows, `matmul_nn_scalar`. */
export function conv2d_forward_scalar(
  out: usize,
  inp: usize,
  w: usize,
  b: usize,
  col: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  OC: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  const OH = (H + 2 * P - K) / S + 1;
  const OW = (W + 2 * P - K) / S + 1;
  const OHW = OH * OW;
  const CKK = C * K * K;
  for (let n = 0; n < B; n++) {
    const o = out + ((<usize>n * <usize>OC * <usize>OHW) << 2);
    const x = inp + ((<usize>n * <usize>C * <usize>H * <usize>W) << 2);
    im2col_scalar(col, x, C, H, W, K, S, P, OH, OW);
    if (b) fill_rows_scalar(o, b, OC, OHW);
    matmul_nn_scalar(o, w, col, OC, CKK, OHW, b ? 1 : 0);
  }
}

/**
 * Conv2d backward, accumulating (+=) into the gradients: dw[OC,C,K,K] += Σ_n dout_n·colᵀ,
 * db[OC] += the sums of dout over the batch and the pixels (skipped if db = 0), and
 * dinp[B,C,H,W] += the input gradient (skipped entirely if dinp = 0: the first layer needs
 * none). dout[B,OC,OH,OW]; inp and w as in the forward. col: `conv2d_col_floats` floats of
 * scratch (nothing is assumed of its contents). Gradients must not overlap the inputs or col.
 * Same preconditions as the forward; same bits as `conv2d_backward_scalar`.
 */
export function conv2d_backward(
  dinp: usize,
  dw: usize,
  db: usize,
  dout: usize,
  inp: usize,
  w: usize,
  col: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  OC: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    const OH = (H + 2 * P - K) / S + 1;
    const OW = (W + 2 * P - K) / S + 1;
    const OHW = OH * OW;
    const CKK = C * K * K;
    const ostep = (<usize>OC * <usize>OHW) << 2;
    const istep = (<usize>C * <usize>H * <usize>W) << 2;
    if (db) bias_sums_simd(db, dout, B, OC, OHW);
    // dwᵀ when its GEMM columns (OC) pad less than dw's (CKK); strip_cols(n)/n is the padding.
    const t = strip_cols(OC) * CKK <= strip_cols(CKK) * OC;
    const dwt = col + ((<usize>CKK * <usize>OHW) << 2);
    if (t) transpose(dwt, dw, OC, CKK);
    for (let n = 0; n < B; n++) {
      const g = dout + <usize>n * ostep;
      im2col_simd(col, inp + <usize>n * istep, C, H, W, K, S, P, OH, OW);
      if (t) matmul_nt(dwt, col, g, CKK, OHW, OC, 1);
      else matmul_nt(dw, g, col, OC, OHW, CKK, 1);
      if (dinp) {
        matmul_tn(col, w, g, CKK, OC, OHW, 0);
        col2im_simd(dinp + <usize>n * istep, col, C, H, W, K, S, P, OH, OW);
      }
    }
    if (t) transpose(dw, dwt, CKK, OC);
  } else {
    conv2d_backward_scalar(dinp, dw, db, dout, inp, w, col, B, C, H, W, OC, K, S, P);
  }
}

/**
 * Scalar twin of `conv2d_backward`: the lane sums for db, then per example im2col,
 * `matmul_nt_scalar` into dw and (dinp ≠ 0) `matmul_tn_scalar` into col, added back by col2im.
 */
export function conv2d_backward_scalar(
  dinp: usize,
  dw: usize,
  db: usize,
  dout: usize,
  inp: usize,
  w: usize,
  col: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  OC: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  const OH = (H + 2 * P - K) / S + 1;
  const OW = (W + 2 * P - K) / S + 1;
  const OHW = OH * OW;
  const CKK = C * K * K;
  if (db) bias_sums_scalar(db, dout, B, OC, OHW);
  for (let n = 0; n < B; n++) {
    const g = dout + ((<usize>n * <usize>OC * <usize>OHW) << 2);
    const x = (<usize>n * <usize>C * <usize>H * <usize>W) << 2;
    im2col_scalar(col, inp + x, C, H, W, K, S, P, OH, OW);
    matmul_nt_scalar(dw, g, col, OC, OHW, CKK, 1);
    if (dinp) {
      matmul_tn_scalar(col, w, g, CKK, OC, OHW, 0);
      col2im_scalar(dinp + x, col, C, H, W, K, S, P, OH, OW);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers: the GEMM column padding, transposes, bias rows and bias sums.

/** Columns the matmul computes for n output columns: 8-wide strips, the last one 4 or 8 wide. */
function strip_cols(n: i32): i32 {
  const r = n & 7;
  return (n & ~7) + (r > 4 ? 8 : r > 0 ? 4 : 0);
}

/** out[N, M] = inp[M, N]ᵀ (a copy: the bits are unchanged). */
function transpose(out: usize, inp: usize, M: i32, N: i32): void {
  for (let i = 0; i < M; i++) {
    const row = inp + ((<usize>i * <usize>N) << 2);
    for (let j = 0; j < N; j++) {
      store<f32>(out + ((<usize>j * <usize>M + <usize>i) << 2), load<f32>(row + (<usize>j << 2)));
    }
  }
}

/** out[OC, N] = b[OC] broadcast along each row. */
function fill_rows_scalar(out: usize, b: usize, OC: i32, N: i32): void {
  let o = out;
  for (let r = 0; r < OC; r++) {
    const v = load<f32>(b + (<usize>r << 2));
    for (let j = 0; j < N; j++) store<f32>(o + (<usize>j << 2), v);
    o += <usize>N << 2;
  }
}

/** `fill_rows_scalar` four floats at a time. */
function fill_rows_simd(out: usize, b: usize, OC: i32, N: i32): void {
  let o = out;
  for (let r = 0; r < OC; r++) {
    const v = load<f32>(b + (<usize>r << 2));
    const vv = f32x4.splat(v);
    let j = 0;
    for (; j + 4 <= N; j += 4) v128.store(o + (<usize>j << 2), vv);
    for (; j < N; j++) store<f32>(o + (<usize>j << 2), v);
    o += <usize>N << 2;
  }
}

/**
 * db[o] += Σ_n Σ_p dout[n, o, p] as four lane sums s0..s3 from 0: pixel p of each example's row
 * goes to lane p mod 4 (the last N mod 4 pixels, a partial group, to lanes 0, 1, 2), examples in
 * order; then db[o] += (s0 + s1) + (s2 + s3). One running sum per filter would be a chain of
 * B·N dependent adds, latency-bound; the lanes are what f32x4 adds keep in the fast version.
 */
function bias_sums_scalar(db: usize, dout: usize, B: i32, OC: i32, N: i32): void {
  const n4 = N & ~3;
  const t = N - n4;
  for (let r = 0; r < OC; r++) {
    let s0: f32 = 0;
    let s1: f32 = 0;
    let s2: f32 = 0;
    let s3: f32 = 0;
    for (let n = 0; n < B; n++) {
      const row = dout + ((<usize>(n * OC + r) * <usize>N) << 2);
      for (let j = 0; j < n4; j += 4) {
        const p = row + (<usize>j << 2);
        s0 += load<f32>(p);
        s1 += load<f32>(p, 4);
        s2 += load<f32>(p, 8);
        s3 += load<f32>(p, 12);
      }
      const p = row + (<usize>n4 << 2);
      if (t > 0) s0 += load<f32>(p);
      if (t > 1) s1 += load<f32>(p, 4);
      if (t > 2) s2 += load<f32>(p, 8);
    }
    const q = db + (<usize>r << 2);
    store<f32>(q, load<f32>(q) + (s0 + s1 + (s2 + s3)));
  }
}

/** `bias_sums_scalar` with the four lanes in one f32x4, four filters at a time. */
function bias_sums_simd(db: usize, dout: usize, B: i32, OC: i32, N: i32): void {
  let r = 0;
  for (; r + 4 <= OC; r += 4) bias_rows(4, db, dout, r, B, OC, N);
  for (; r < OC; r++) bias_rows(1, db, dout, r, B, OC, N);
}

/** The lane sums of filters r..r+R−1 (R = 1 or 4: four independent add chains). */
// @ts-ignore: decorator
@inline
function bias_rows(R: i32, db: usize, dout: usize, r: i32, B: i32, OC: i32, N: i32): void {
  const n4 = N & ~3;
  const t = N - n4;
  const rs = <usize>N << 2;
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  for (let n = 0; n < B; n++) {
    let p = dout + ((<usize>(n * OC + r) * <usize>N) << 2);
    const end = p + (<usize>n4 << 2);
    for (; p < end; p += 16) {
      s0 = f32x4.add(s0, v128.load(p));
      if (R > 1) {
        s1 = f32x4.add(s1, v128.load(p + rs));
        s2 = f32x4.add(s2, v128.load(p + 2 * rs));
        s3 = f32x4.add(s3, v128.load(p + 3 * rs));
      }
    }
    if (t > 0) {
      s0 = tail_add(s0, p, t);
      if (R > 1) {
        s1 = tail_add(s1, p + rs, t);
        s2 = tail_add(s2, p + 2 * rs, t);
        s3 = tail_add(s3, p + 3 * rs, t);
      }
    }
  }
  const q = db + (<usize>r << 2);
  store<f32>(q, load<f32>(q) + hsum(s0));
  if (R > 1) {
    store<f32>(q, load<f32>(q, 4) + hsum(s1), 4);
    store<f32>(q, load<f32>(q, 8) + hsum(s2), 8);
    store<f32>(q, load<f32>(q, 12) + hsum(s3), 12);
  }
}

/** s with the t ∈ 1..3 floats at p added to its lanes 0..t−1. */
// @ts-ignore: decorator
@inline
function tail_add(s: v128, p: usize, t: i32): v128 {
  s = f32x4.replace_lane(s, 0, f32x4.extract_lane(s, 0) + load<f32>(p));
  if (t > 1) s = f32x4.replace_lane(s, 1, f32x4.extract_lane(s, 1) + load<f32>(p, 4));
  if (t > 2) s = f32x4.replace_lane(s, 2, f32x4.extract_lane(s, 2) + load<f32>(p, 8));
  return s;
}

/** (s0 + s1) + (s2 + s3) of the lanes, the scalar twin's order. */
// @ts-ignore: decorator
@inline
function hsum(s: v128): f32 {
  const a = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
  return a + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
}

