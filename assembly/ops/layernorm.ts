// layernorm.ts — N rows of D features, normalised over the last dimension (torch's
// nn.LayerNorm(D)): inp/out/dout/dinp are [N, D], row-major; mean and rstd are [N];
// gamma, beta, dgamma, dbeta are [D].
//
// Row sums (the mean, the centred squares, and the backward's Σg and Σg·xhat) are accumulated
// in f64 with four partial sums, element j going to partial j % 4 over the whole groups of
// four, combined as (p0 + p1) + (p2 + p3), then the tail added in order. The vector path keeps
// the partials in two f64x2 halves, the scalar path in four locals, so both paths (and both
// builds) give the same bits. The f32 inputs convert exactly and products of two f32 are exact
// in f64; the variance is the stable two-pass Σ(x − mean)², not Σx² − D·mean². The column sums
// of dgamma and dbeta are f32 running sums over the rows in order (as dense.ts sums db), added
// to the gradient once. Elementwise passes are f32, one rounding per operation and no fused
// multiply-add. Square roots are wasm's `f64.sqrt`, exact. Rows start anywhere (stride D), so
// vector loads are unaligned; wasm allows that.

/**
 * Layer normalisation forward: per row n of inp [N, D], mean[n] and the biased variance var in
 * f64, rstd[n] = 1/sqrt(var + eps) (both rounded once to f32), xhat = (x − mean)·rstd and
 * out = gamma·xhat + beta in f32 from the rounded mean and rstd. Overwrites out [N, D],
 * mean [N] and rstd [N]; out may alias inp. Contract: D ≥ 1, eps > 0.
 */
export function layernorm_forward(
  out: usize,
  mean: usize,
  rstd: usize,
  inp: usize,
  gamma: usize,
  beta: usize,
  N: i32,
  D: i32,
  eps: f32,
): void {
  if (ASC_FEATURE_SIMD) {
    for (let n = 0; n < N; n++) {
      const r = row(n, D);
      const x = inp + r;
      const m = row_sum_simd(x, D) / <f64>D;
      const mv64 = f64x2.splat(m);
      let q01 = f64x2.splat(0);
      let q23 = f64x2.splat(0);
      let j = 0;
      for (; j + 4 <= D; j += 4) {
        const v = v128.load(x + (<usize>j << 2));
        const d01 = f64x2.sub(f64x2.promote_low_f32x4(v), mv64);
        const d23 = f64x2.sub(f64x2.promote_low_f32x4(high(v)), mv64);
        q01 = f64x2.add(q01, f64x2.mul(d01, d01));
        q23 = f64x2.add(q23, f64x2.mul(d23, d23));
      }
      let sq = combine(q01, q23);
      for (; j < D; j++) {
        const d = <f64>load<f32>(x + (<usize>j << 2)) - m;
        sq += d * d;
      }
      const m32 = <f32>m;
      const rs = finish_stats(mean, rstd, n, m32, sq, D, eps);
      const mv = f32x4.splat(m32);
      const rv = f32x4.splat(rs);
      const y = out + r;
      for (j = 0; j + 4 <= D; j += 4) {
        const o = <usize>j << 2;
        const xh = f32x4.mul(f32x4.sub(v128.load(x + o), mv), rv);
        v128.store(y + o, f32x4.add(f32x4.mul(v128.load(gamma + o), xh), v128.load(beta + o)));
      }
      normalise_tail(y, x, gamma, beta, j, D, m32, rs);
    }
  } else {
    layernorm_forward_scalar(out, mean, rstd, inp, gamma, beta, N, D, eps);
  }
}

/** Scalar twin of `layernorm_forward` (same results bit for bit). */
export function layernorm_forward_scalar(
  out: usize,
  mean: usize,
  rstd: usize,
  inp: usize,
  gamma: usize,
  beta: usize,
  N: i32,
  D: i32,
  eps: f32,
): void {
  for (let n = 0; n < N; n++) {
    const r = row(n, D);
    const x = inp + r;
    const m = row_sum_scalar(x, D) / <f64>D;
    let q0: f64 = 0,
      q1: f64 = 0,
      q2: f64 = 0,
      q3: f64 = 0;
    let j = 0;
    for (; j + 4 <= D; j += 4) {
      const p = x + (<usize>j << 2);
      const d0 = <f64>load<f32>(p, 0) - m;
      const d1 = <f64>load<f32>(p, 4) - m;
      const d2 = <f64>load<f32>(p, 8) - m;
      const d3 = <f64>load<f32>(p, 12) - m;
      q0 += d0 * d0;
      q1 += d1 * d1;
      q2 += d2 * d2;
      q3 += d3 * d3;
    }
    let sq = q0 + q1 + (q2 + q3);
    for (; j < D; j++) {
      const d = <f64>load<f32>(x + (<usize>j << 2)) - m;
      sq += d * d;
    }
    const m32 = <f32>m;
    const rs = finish_stats(mean, rstd, n, m32, sq, D, eps);
    normalise_tail(out + r, x, gamma, beta, 0, D, m32, rs);
  }
}

/** Byte offset of row n (its D values). */
// @ts-ignore: decorator
@inline
function row(n: i32, D: i32): usize {
  return (<usize>n * <usize>D) << 2;
}

/** The upper two f32 lanes of v in the lower two (for f64x2.promote_low_f32x4). */
// @ts-ignore: decorator
@inline
function high(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 2, 3, 2, 3);
}

/** (p0 + p1) + (p2 + p3) of the partials held in two f64x2 halves. */
// @ts-ignore: decorator
@inline
function combine(p01: v128, p23: v128): f64 {
  return (
    f64x2.extract_lane(p01, 0) +
    f64x2.extract_lane(p01, 1) +
    (f64x2.extract_lane(p23, 0) + f64x2.extract_lane(p23, 1))
  );
}

/** Σ x[0..D) in f64, four partials in two f64x2 halves, then the tail in order. */
// @ts-ignore: decorator
@inline
function row_sum_simd(x: usize, D: i32): f64 {
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= D; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    s01 = f64x2.add(s01, f64x2.promote_low_f32x4(v));
    s23 = f64x2.add(s23, f64x2.promote_low_f32x4(high(v)));
  }
  let s = combine(s01, s23);
  for (; j < D; j++) s += <f64>load<f32>(x + (<usize>j << 2));
  return s;
}

/** Scalar twin of `row_sum_simd`: the same four partials in four locals. */
// @ts-ignore: decorator
@inline
function row_sum_scalar(x: usize, D: i32): f64 {
  let s0: f64 = 0,
    s1: f64 = 0,
    s2: f64 = 0,
    s3: f64 = 0;
  let j = 0;
  for (; j + 4 <= D; j += 4) {
    const p = x + (<usize>j << 2);
    s0 += <f64>load<f32>(p, 0);
    s1 += <f64>load<f32>(p, 4);
    s2 += <f64>load<f32>(p, 8);
    s3 += <f64>load<f32>(p, 12);
  }
  let s = s0 + s1 + (s2 + s3);
  for (; j < D; j++) s += <f64>load<f32>(x + (<usize>j << 2));
  return s;
}

/** Stores mean[n] = m32 and rstd[n] = 1/sqrt(sq/D + eps) (f64, rounded once); returns rstd. */
// @ts-ignore: decorator
@inline
function finish_stats(
  mean: usize,
  rstd: usize,
  n: i32,
  m32: f32,
  sq: f64,
  D: i32,
  eps: f32,
): f32 {
  const o = <usize>n << 2;
  const rs = <f32>(1.0 / sqrt<f64>(sq / <f64>D + <f64>eps));
  store<f32>(mean + o, m32);
  store<f32>(rstd + o, rs);
  return rs;
}

/** Elements j..D of one row: out = gamma·((x − m)·rs) + beta. */
// @ts-ignore: decorator
@inline
function normalise_tail(
  out: usize,
  inp: usize,
  gamma: usize,
  beta: usize,
  j: i32,
  D: i32,
  m: f32,
  rs: f32,
): void {
  for (; j < D; j++) {
    const o = <usize>j << 2;
    const xh = (load<f32>(inp + o) - m) * rs;
    store<f32>(out + o, load<f32>(gamma + o) * xh + load<f32>(beta + o));
  }
}

/**
 * Layer normalisation backward from inp [N, D] and the mean [N] and rstd [N] that
 * `layernorm_forward` saved (xhat is recomputed from them, the forward's very bits). With
 * g = dout·gamma: dbeta[D] += Σ_n dout, dgamma[D] += Σ_n dout·xhat (f32 column sums over the
 * rows in order, added once), and per row, with Σg and Σg·xhat in f64 (g exact in f64),
 * dinp += rstd·((g − mg) − xhat·mgx) where mg = Σg/D and mgx = Σ(g·xhat)/D are rounded once
 * and g, the differences and products are f32. Accumulates into all three; each is skipped
 * when its pointer is 0. Gradients must not overlap the inputs. Any N, D ≥ 1.
 */
export function layernorm_backward(
  dinp: usize,
  dgamma: usize,
  dbeta: usize,
  dout: usize,
  inp: usize,
  mean: usize,
  rstd: usize,
  gamma: usize,
  N: i32,
  D: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    if (dgamma || dbeta) {
      const ld = <usize>D << 2;
      let j = 0;
      for (; j + 4 <= D; j += 4) {
        let sg = f32x4.splat(0);
        let sb = f32x4.splat(0);
        let o = <usize>j << 2;
        for (let n = 0; n < N; n++) {
          const no = <usize>n << 2;
          const d = v128.load(dout + o);
          const xh = f32x4.mul(
            f32x4.sub(v128.load(inp + o), f32x4.splat(load<f32>(mean + no))),
            f32x4.splat(load<f32>(rstd + no)),
          );
          sg = f32x4.add(sg, f32x4.mul(d, xh));
          sb = f32x4.add(sb, d);
          o += ld;
        }
        const q = <usize>j << 2;
        if (dgamma) v128.store(dgamma + q, f32x4.add(v128.load(dgamma + q), sg));
        if (dbeta) v128.store(dbeta + q, f32x4.add(v128.load(dbeta + q), sb));
      }
      column_sums_tail(dgamma, dbeta, dout, inp, mean, rstd, j, N, D);
    }
    if (!dinp) return;
    for (let n = 0; n < N; n++) {
      const r = row(n, D);
      const no = <usize>n << 2;
      const m = load<f32>(mean + no);
      const rs = load<f32>(rstd + no);
      const x = inp + r;
      const dy = dout + r;
      const mv = f32x4.splat(m);
      const rv = f32x4.splat(rs);
      let g01 = f64x2.splat(0);
      let g23 = f64x2.splat(0);
      let x01 = f64x2.splat(0);
      let x23 = f64x2.splat(0);
      let j = 0;
      for (; j + 4 <= D; j += 4) {
        const o = <usize>j << 2;
        const d = v128.load(dy + o);
        const gm = v128.load(gamma + o);
        const xh = f32x4.mul(f32x4.sub(v128.load(x + o), mv), rv);
        const lo = f64x2.mul(f64x2.promote_low_f32x4(d), f64x2.promote_low_f32x4(gm));
        const hi = f64x2.mul(f64x2.promote_low_f32x4(high(d)), f64x2.promote_low_f32x4(high(gm)));
        g01 = f64x2.add(g01, lo);
        g23 = f64x2.add(g23, hi);
        x01 = f64x2.add(x01, f64x2.mul(lo, f64x2.promote_low_f32x4(xh)));
        x23 = f64x2.add(x23, f64x2.mul(hi, f64x2.promote_low_f32x4(high(xh))));
      }
      let sg = combine(g01, g23);
      let sgx = combine(x01, x23);
      for (; j < D; j++) {
        const o = <usize>j << 2;
        const g = <f64>load<f32>(dy + o) * <f64>load<f32>(gamma + o);
        sg += g;
        sgx += g * <f64>((load<f32>(x + o) - m) * rs);
      }
      const mg = <f32>(sg / <f64>D);
      const mgx = <f32>(sgx / <f64>D);
      const mgv = f32x4.splat(mg);
      const mgxv = f32x4.splat(mgx);
      const dx = dinp + r;
      for (j = 0; j + 4 <= D; j += 4) {
        const o = <usize>j << 2;
        const xh = f32x4.mul(f32x4.sub(v128.load(x + o), mv), rv);
        const t = f32x4.sub(
          f32x4.sub(f32x4.mul(v128.load(dy + o), v128.load(gamma + o)), mgv),
          f32x4.mul(xh, mgxv),
        );
        v128.store(dx + o, f32x4.add(v128.load(dx + o), f32x4.mul(t, rv)));
      }
      dinp_tail(dx, dy, x, gamma, j, D, m, rs, mg, mgx);
    }
  } else {
    layernorm_backward_scalar(dinp, dgamma, dbeta, dout, inp, mean, rstd, gamma, N, D);
  }
}

/** Scalar twin of `layernorm_backward` (same results bit for bit). */
export function layernorm_backward_scalar(
  dinp: usize,
  dgamma: usize,
  dbeta: usize,
  dout: usize,
  inp: usize,
  mean: usize,
  rstd: usize,
  gamma: usize,
  N: i32,
  D: i32,
): void {
  if (dgamma || dbeta) column_sums_tail(dgamma, dbeta, dout, inp, mean, rstd, 0, N, D);
  if (!dinp) return;
  for (let n = 0; n < N; n++) {
    const r = row(n, D);
    const no = <usize>n << 2;
    const m = load<f32>(mean + no);
    const rs = load<f32>(rstd + no);
    const x = inp + r;
    const dy = dout + r;
    let g0: f64 = 0,
      g1: f64 = 0,
      g2: f64 = 0,
      g3: f64 = 0;
    let x0: f64 = 0,
      x1: f64 = 0,
      x2: f64 = 0,
      x3: f64 = 0;
    let j = 0;
    for (; j + 4 <= D; j += 4) {
      const o = <usize>j << 2;
      const p = dy + o;
      const q = gamma + o;
      const s = x + o;
      const e0 = <f64>load<f32>(p, 0) * <f64>load<f32>(q, 0);
      const e1 = <f64>load<f32>(p, 4) * <f64>load<f32>(q, 4);
      const e2 = <f64>load<f32>(p, 8) * <f64>load<f32>(q, 8);
      const e3 = <f64>load<f32>(p, 12) * <f64>load<f32>(q, 12);
      g0 += e0;
      g1 += e1;
      g2 += e2;
      g3 += e3;
      x0 += e0 * <f64>((load<f32>(s, 0) - m) * rs);
      x1 += e1 * <f64>((load<f32>(s, 4) - m) * rs);
      x2 += e2 * <f64>((load<f32>(s, 8) - m) * rs);
      x3 += e3 * <f64>((load<f32>(s, 12) - m) * rs);
    }
    let sg = g0 + g1 + (g2 + g3);
    let sgx = x0 + x1 + (x2 + x3);
    for (; j < D; j++) {
      const o = <usize>j << 2;
      const g = <f64>load<f32>(dy + o) * <f64>load<f32>(gamma + o);
      sg += g;
      sgx += g * <f64>((load<f32>(x + o) - m) * rs);
    }
    const mg = <f32>(sg / <f64>D);
    const mgx = <f32>(sgx / <f64>D);
    dinp_tail(dinp + r, dy, x, gamma, 0, D, m, rs, mg, mgx);
  }
}

/**
 * Columns j0..D: dgamma[j] += Σ_n dout·xhat and dbeta[j] += Σ_n dout, each an f32 running sum
 * over the rows in order (each skipped when its pointer is 0).
 */
// @ts-ignore: decorator
@inline
function column_sums_tail(
  dgamma: usize,
  dbeta: usize,
  dout: usize,
  inp: usize,
  mean: usize,
  rstd: usize,
  j0: i32,
  N: i32,
  D: i32,
): void {
  for (let j = j0; j < D; j++) {
    let sg: f32 = 0;
    let sb: f32 = 0;
    for (let n = 0; n < N; n++) {
      const o = (<usize>n * <usize>D + <usize>j) << 2;
      const no = <usize>n << 2;
      const d = load<f32>(dout + o);
      const xh = (load<f32>(inp + o) - load<f32>(mean + no)) * load<f32>(rstd + no);
      sg += d * xh;
      sb += d;
    }
    const q = <usize>j << 2;
    if (dgamma) store<f32>(dgamma + q, load<f32>(dgamma + q) + sg);
    if (dbeta) store<f32>(dbeta + q, load<f32>(dbeta + q) + sb);
  }
}

/** Elements j..D of one row: dinp += ((dout·gamma − mg) − xhat·mgx)·rs. */
// @ts-ignore: decorator
@inline
function dinp_tail(
  dinp: usize,
  dout: usize,
  inp: usize,
  gamma: usize,
  j: i32,
  D: i32,
  m: f32,
  rs: f32,
  mg: f32,
  mgx: f32,
): void {
  for (; j < D; j++) {
    const o = <usize>j << 2;
    const xh = (load<f32>(inp + o) - m) * rs;
    const t = load<f32>(dout + o) * load<f32>(gamma + o) - mg - xh * mgx;
    store<f32>(dinp + o, load<f32>(dinp + o) + t * rs);
  }
}
