// dense.ts — B batch rows, C input features, OC output features; w[OC,C], b[OC].

import {
  matmul_nn,
  matmul_nn_scalar,
  matmul_nt,
  matmul_nt_scalar,
  matmul_tn,
  matmul_tn_scalar,
} from './matmul';

/**
 * Dense forward: out[B,OC] = inp[B,C]·w[OC,C]ᵀ + b[OC] (matmul_nt). Overwrites out, which must
 * not overlap inp or w. The bias rows are written first and the product accumulated onto them:
 * it costs the same as a bias pass afterwards and keeps each element one sum in c order from
 * b[o], bit for bit the scalar twin's. Any sizes; buffers 16-byte aligned.
 */
export function dense_forward(
  out: usize,
  inp: usize,
  w: usize,
  b: usize,
  B: i32,
  C: i32,
  OC: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    fill_rows_simd(out, b, B, OC);
    matmul_nt(out, inp, w, B, C, OC, 1);
  } else {
    dense_forward_scalar(out, inp, w, b, B, C, OC);
  }
}

/** Scalar twin of `dense_forward`: bias rows, then `matmul_nt_scalar` accumulating onto them. */
export function dense_forward_scalar(
  out: usize,
  inp: usize,
  w: usize,
  b: usize,
  B: i32,
  C: i32,
  OC: i32,
): void {
  fill_rows_scalar(out, b, 0, B, OC);
  matmul_nt_scalar(out, inp, w, B, C, OC, 1);
}

/**
 * Dense backward, accumulating (+=) into all three gradients: dw[OC,C] += dout[B,OC]ᵀ·inp[B,C]
 * (matmul_tn), db[OC] += column sums of dout, and dinp[B,C] += dout·w[OC,C] (matmul_nn) unless
 * dinp is 0 (a null pointer: the first layer has no input gradient to compute). Gradients must
 * not overlap the inputs. Any sizes; buffers 16-byte aligned; same bits as the scalar twin.
 */
export function dense_backward(
  dinp: usize,
  dw: usize,
  db: usize,
  dout: usize,
  inp: usize,
  w: usize,
  B: i32,
  C: i32,
  OC: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    matmul_tn(dw, dout, inp, OC, B, C, 1);
    column_sums_simd(db, dout, B, OC);
    if (dinp) matmul_nn(dinp, dout, w, B, OC, C, 1);
  } else {
    dense_backward_scalar(dinp, dw, db, dout, inp, w, B, C, OC);
  }
}

/** Scalar twin of `dense_backward` (the scalar matmul twins and plain column sums). */
export function dense_backward_scalar(
  dinp: usize,
  dw: usize,
  db: usize,
  dout: usize,
  inp: usize,
  w: usize,
  B: i32,
  C: i32,
  OC: i32,
): void {
  matmul_tn_scalar(dw, dout, inp, OC, B, C, 1);
  column_sums_scalar(db, dout, 0, B, OC);
  if (dinp) matmul_nn_scalar(dinp, dout, w, B, OC, C, 1);
}

/** out[B,OC] = b[OC] broadcast over the rows, four columns at a time. */
// @ts-ignore: decorator
@inline
function fill_rows_simd(out: usize, b: usize, B: i32, OC: i32): void {
  let j = 0;
  const ld = <usize>OC << 2;
  for (; j + 4 <= OC; j += 4) {
    const o = <usize>j << 2;
    const v = v128.load(b + o);
    let p = out + o;
    for (let r = 0; r < B; r++) {
      v128.store(p, v);
      p += ld;
    }
  }
  fill_rows_scalar(out, b, j, B, OC);
}

/** out[r, j..OC) = b[j..OC) for every row r. */
// @ts-ignore: decorator
@inline
function fill_rows_scalar(out: usize, b: usize, j0: i32, B: i32, OC: i32): void {
  for (let r = 0; r < B; r++) {
    const row = out + ((<usize>r * <usize>OC) << 2);
    for (let j = j0; j < OC; j++) {
      store<f32>(row + (<usize>j << 2), load<f32>(b + (<usize>j << 2)));
    }
  }
}

/**
 * db[OC] += Σ_r dout[r, :]. Each column keeps one running sum over the rows in order, so the bits
 * match the scalar twin; 16 columns at a time give 4 independent add chains to hide the latency.
 */
// @ts-ignore: decorator
@inline
function column_sums_simd(db: usize, dout: usize, B: i32, OC: i32): void {
  const ld = <usize>OC << 2;
  let j = 0;
  for (; j + 16 <= OC; j += 16) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    let p = dout + (<usize>j << 2);
    for (let r = 0; r < B; r++) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
      p += ld;
    }
    const q = db + (<usize>j << 2);
    v128.store(q, f32x4.add(v128.load(q), s0));
    v128.store(q, f32x4.add(v128.load(q, 16), s1), 16);
    v128.store(q, f32x4.add(v128.load(q, 32), s2), 32);
    v128.store(q, f32x4.add(v128.load(q, 48), s3), 48);
  }
  for (; j + 4 <= OC; j += 4) {
    let s = f32x4.splat(0);
    let p = dout + (<usize>j << 2);
    for (let r = 0; r < B; r++) {
      s = f32x4.add(s, v128.load(p));
      p += ld;
    }
    const q = db + (<usize>j << 2);
    v128.store(q, f32x4.add(v128.load(q), s));
  }
  column_sums_scalar(db, dout, j, B, OC);
}

/** db[j..OC) += Σ_r dout[r, j..OC). */
// @ts-ignore: decorator
@inline
function column_sums_scalar(db: usize, dout: usize, j0: i32, B: i32, OC: i32): void {
  for (let j = j0; j < OC; j++) {
    let s: f32 = 0;
    for (let r = 0; r < B; r++) s += load<f32>(dout + ((<usize>r * <usize>OC + <usize>j) << 2));
    const q = db + (<usize>j << 2);
    store<f32>(q, load<f32>(q) + s);
  }
}
