// softmax.ts — B rows, C classes: inp/out/dout/dinp are [B, C], row-major.
//
// Row reductions (the sum of exponentials, the backward dot product) use four partial sums,
// element j going to partial j % 4 over the whole groups of four, combined as
// (p0 + p1) + (p2 + p3), then the tail added in order. The vector path keeps the partials in
// the four lanes, the scalar path in four locals, so both paths (and both builds) give the same
// bits. Rows start anywhere (stride C), so vector loads are unaligned; wasm allows that.

import { exp_f32, exp_v128 } from '../math';

/**
 * Softmax forward, row-wise: out[b, j] = e^(inp[b, j] − m_b) / Σ_k e^(inp[b, k] − m_b) with
 * m_b the row maximum (so no exponential overflows and the largest term is exactly 1).
 * Overwrites out; out may alias inp. Any B, C ≥ 1.
 */
export function softmax_forward(out: usize, inp: usize, B: i32, C: i32): void {
  if (ASC_FEATURE_SIMD) {
    for (let b = 0; b < B; b++) {
      const o = <usize>b * <usize>C * 4;
      softmax_row_simd(out + o, inp + o, C);
    }
  } else {
    softmax_forward_scalar(out, inp, B, C);
  }
}

/** Scalar twin of `softmax_forward` (same results bit for bit). */
export function softmax_forward_scalar(out: usize, inp: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const o = <usize>b * <usize>C * 4;
    softmax_row_scalar(out + o, inp + o, C);
  }
}

function softmax_row_simd(out: usize, inp: usize, C: i32): void {
  let j = 0;
  let m = load<f32>(inp);
  if (C >= 4) {
    let mv = v128.load(inp);
    for (j = 4; j + 4 <= C; j += 4) mv = f32x4.max(mv, v128.load(inp + (<usize>j << 2)));
    m = max<f32>(
      max<f32>(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
      max<f32>(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
    );
  }
  for (; j < C; j++) m = max<f32>(m, load<f32>(inp + (<usize>j << 2)));

  const mv = f32x4.splat(m);
  let acc = f32x4.splat(0);
  for (j = 0; j + 4 <= C; j += 4) {
    const o = <usize>j << 2;
    const e = exp_v128(f32x4.sub(v128.load(inp + o), mv));
    v128.store(out + o, e);
    acc = f32x4.add(acc, e);
  }
  let sum: f32 =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; j < C; j++) {
    const o = <usize>j << 2;
    const e = exp_f32(load<f32>(inp + o) - m);
    store<f32>(out + o, e);
    sum += e;
  }

  const sv = f32x4.splat(sum);
  for (j = 0; j + 4 <= C; j += 4) {
    const o = <usize>j << 2;
    v128.store(out + o, f32x4.div(v128.load(out + o), sv));
  }
  for (; j < C; j++) {
    const o = <usize>j << 2;
    store<f32>(out + o, load<f32>(out + o) / sum);
  }
}

function softmax_row_scalar(out: usize, inp: usize, C: i32): void {
  let m = load<f32>(inp);
  for (let j = 1; j < C; j++) m = max<f32>(m, load<f32>(inp + (<usize>j << 2)));

  let s0: f32 = 0,
    s1: f32 = 0,
    s2: f32 = 0,
    s3: f32 = 0;
  let j = 0;
  for (; j + 4 <= C; j += 4) {
    const p = inp + (<usize>j << 2);
    const q = out + (<usize>j << 2);
    const e0 = exp_f32(load<f32>(p, 0) - m);
    const e1 = exp_f32(load<f32>(p, 4) - m);
    const e2 = exp_f32(load<f32>(p, 8) - m);
    const e3 = exp_f32(load<f32>(p, 12) - m);
    store<f32>(q, e0, 0);
    store<f32>(q, e1, 4);
    store<f32>(q, e2, 8);
    store<f32>(q, e3, 12);
    s0 += e0;
    s1 += e1;
    s2 += e2;
    s3 += e3;
  }
  let sum: f32 = s0 + s1 + (s2 + s3);
  for (; j < C; j++) {
    const o = <usize>j << 2;
    const e = exp_f32(load<f32>(inp + o) - m);
    store<f32>(out + o, e);
    sum += e;
  }
  for (j = 0; j < C; j++) {
    const o = <usize>j << 2;
    store<f32>(out + o, load<f32>(out + o) / sum);
  }
}

/**
 * Softmax backward from the forward OUTPUT y = out[B, C]: per row,
 * dinp[b, j] += y[b, j]·(dout[b, j] − Σ_k dout[b, k]·y[b, k]). Accumulates into dinp.
 */
export function softmax_backward(dinp: usize, dout: usize, out: usize, B: i32, C: i32): void {
  if (ASC_FEATURE_SIMD) {
    for (let b = 0; b < B; b++) {
      const o = <usize>b * <usize>C * 4;
      softmax_backward_row_simd(dinp + o, dout + o, out + o, C);
    }
  } else {
    softmax_backward_scalar(dinp, dout, out, B, C);
  }
}

/** Scalar twin of `softmax_backward` (same results bit for bit). */
export function softmax_backward_scalar(
  dinp: usize,
  dout: usize,
  out: usize,
  B: i32,
  C: i32,
): void {
  for (let b = 0; b < B; b++) {
    const o = <usize>b * <usize>C * 4;
    softmax_backward_row_scalar(dinp + o, dout + o, out + o, C);
  }
}

function softmax_backward_row_simd(dinp: usize, dout: usize, out: usize, C: i32): void {
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= C; j += 4) {
    const o = <usize>j << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(dout + o), v128.load(out + o)));
  }
  let dot: f32 =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; j < C; j++) {
    const o = <usize>j << 2;
    dot += load<f32>(dout + o) * load<f32>(out + o);
  }
  const dv = f32x4.splat(dot);
  for (j = 0; j + 4 <= C; j += 4) {
    const o = <usize>j << 2;
    const g = f32x4.mul(v128.load(out + o), f32x4.sub(v128.load(dout + o), dv));
    v128.store(dinp + o, f32x4.add(v128.load(dinp + o), g));
  }
  for (; j < C; j++) {
    const o = <usize>j << 2;
    const g = load<f32>(out + o) * (load<f32>(dout + o) - dot);
    store<f32>(dinp + o, load<f32>(dinp + o) + g);
  }
}

function softmax_backward_row_scalar(dinp: usize, dout: usize, out: usize, C: i32): void {
  let s0: f32 = 0,
    s1: f32 = 0,
    s2: f32 = 0,
    s3: f32 = 0;
  let j = 0;
  for (; j + 4 <= C; j += 4) {
    const p = dout + (<usize>j << 2);
    const q = out + (<usize>j << 2);
    s0 += load<f32>(p, 0) * load<f32>(q, 0);
    s1 += load<f32>(p, 4) * load<f32>(q, 4);
    s2 += load<f32>(p, 8) * load<f32>(q, 8);
    s3 += load<f32>(p, 12) * load<f32>(q, 12);
  }
  let dot: f32 = s0 + s1 + (s2 + s3);
  for (; j < C; j++) {
    const o = <usize>j << 2;
    dot += load<f32>(dout + o) * load<f32>(out + o);
  }
  for (j = 0; j < C; j++) {
    const o = <usize>j << 2;
    const g = load<f32>(out + o) * (load<f32>(dout + o) - dot);
    store<f32>(dinp + o, load<f32>(dinp + o) + g);
  }
}
