// batchnorm.ts — B batch, C channels, S positions per channel and row (S = 1: BatchNorm1d on
// [B, C]; S = H·W: BatchNorm2d on [B, C, H, W]): inp/out/xhat/dout/dinp are [B, C, S];
// gamma, beta, rmean, rvar, istd, dgamma, dbeta are [C].
//
// Channel c's N = B·S values lie in B runs of S floats, run b at ((b·C + c)·S). Every per-channel
// sum (mean, squared deviations, Σ dout, Σ dout·xhat) is accumulated in f64 in plain (b, s)
// order: the f32 inputs convert exactly, products of two f32 are exact in f64, and the sums of a
// channel of a large batch (or a large image) keep their low bits, so the variance is a stable
// two-pass Σ(x − mean)² rather than Σx² − N·mean². The elementwise passes are f32, one
// rounding per operation and no fused multiply-add. Square roots are wasm's `f64.sqrt`, exact.
//
// The vector path works across independent outputs, never splitting a sum: with S = 1 it
// handles four adjacent channels at once (their values are adjacent in every row; f64 sums as
// two f64x2 halves); with S > 1 it runs the sums of a channel in scalar f64 and vectorises the
// elementwise passes along each run of S. Every lane does the scalar code's operations in the
// scalar code's order, so both paths (and both builds) give the same bits.

/**
 * Batch normalisation forward in training mode (torch's nn.BatchNorm1d/2d with
 * track_running_stats). Per channel c over its N = B·S values: mean, biased variance var,
 * istd[c] = 1/sqrt(var + eps), xhat = (x − mean)·istd (saved for the backward, [B,C,S]),
 * out = gamma·xhat + beta, and the running statistics as torch updates them:
 * rmean = (1 − momentum)·rmean + momentum·mean, rvar = (1 − momentum)·rvar +
 * momentum·var·N/(N − 1) (the unbiased variance). mean, var, istd and the running updates are
 * computed in f64 and rounded once; xhat and out are f32 from the rounded mean and istd.
 * Overwrites out, xhat and istd; out (or xhat) may alias inp. Contract: N ≥ 2, eps > 0.
 */
export function batchnorm_forward_train(
  out: usize,
  xhat: usize,
  istd: usize,
  inp: usize,
  gamma: usize,
  beta: usize,
  rmean: usize,
  rvar: usize,
  B: i32,
  C: i32,
  S: i32,
  momentum: f32,
  eps: f32,
): void {
  if (ASC_FEATURE_SIMD) {
    let c = 0;
    if (S == 1) {
      for (; c + 4 <= C; c += 4) {
        train_four(out, xhat, istd, inp, gamma, beta, rmean, rvar, B, C, c, momentum, eps);
      }
    }
    for (; c < C; c++) {
      const mean = train_stats(istd, inp, rmean, rvar, B, C, S, c, momentum, eps);
      const is = load<f32>(istd + (<usize>c << 2));
      const g = load<f32>(gamma + (<usize>c << 2));
      const bt = load<f32>(beta + (<usize>c << 2));
      const mv = f32x4.splat(mean);
      const iv = f32x4.splat(is);
      const gv = f32x4.splat(g);
      const bv = f32x4.splat(bt);
      for (let b = 0; b < B; b++) {
        const r = run(b, c, C, S);
        let j = 0;
        for (; j + 4 <= S; j += 4) {
          const o = r + (<usize>j << 2);
          const xh = f32x4.mul(f32x4.sub(v128.load(inp + o), mv), iv);
          v128.store(xhat + o, xh);
          v128.store(out + o, f32x4.add(f32x4.mul(gv, xh), bv));
        }
        normalise_tail(out + r, xhat + r, inp + r, j, S, mean, is, g, bt);
      }
    }
  } else {
    batchnorm_forward_train_scalar(
      out,
      xhat,
      istd,
      inp,
      gamma,
      beta,
      rmean,
      rvar,
      B,
      C,
      S,
      momentum,
      eps,
    );
  }
}

/** Scalar twin of `batchnorm_forward_train` (same results bit for bit). */
export function batchnorm_forward_train_scalar(
  out: usize,
  xhat: usize,
  istd: usize,
  inp: usize,
  gamma: usize,
  beta: usize,
  rmean: usize,
  rvar: usize,
  B: i32,
  C: i32,
  S: i32,
  momentum: f32,
  eps: f32,
): void {
  for (let c = 0; c < C; c++) {
    const mean = train_stats(istd, inp, rmean, rvar, B, C, S, c, momentum, eps);
    const is = load<f32>(istd + (<usize>c << 2));
    const g = load<f32>(gamma + (<usize>c << 2));
    const bt = load<f32>(beta + (<usize>c << 2));
    for (let b = 0; b < B; b++) {
      const r = run(b, c, C, S);
      normalise_tail(out + r, xhat + r, inp + r, 0, S, mean, is, g, bt);
    }
  }
}

/** Byte offset of run b of channel c (its S values). */
// @ts-ignore: decorator
@inline
function run(b: i32, c: i32, C: i32, S: i32): usize {
  return (<usize>(b * C + c) * <usize>S) << 2;
}

/**
 * Channel c's statistics in f64: writes istd[c], updates rmean[c] and rvar[c], and returns the
 * mean rounded to f32 (what xhat subtracts).
 */
// @ts-ignore: decorator
@inline
function train_stats(
  istd: usize,
  inp: usize,
  rmean: usize,
  rvar: usize,
  B: i32,
  C: i32,
  S: i32,
  c: i32,
  momentum: f32,
  eps: f32,
): f32 {
  let sum: f64 = 0;
  for (let b = 0; b < B; b++) {
    const p = inp + run(b, c, C, S);
    for (let j = 0; j < S; j++) sum += <f64>load<f32>(p + (<usize>j << 2));
  }
  const N = B * S;
  const mean = sum / <f64>N;
  let sq: f64 = 0;
  for (let b = 0; b < B; b++) {
    const p = inp + run(b, c, C, S);
    for (let j = 0; j < S; j++) {
      const d = <f64>load<f32>(p + (<usize>j << 2)) - mean;
      sq += d * d;
    }
  }
  finish_stats(istd, rmean, rvar, c, mean, sq, N, momentum, eps);
  return <f32>mean;
}

/**
 * From channel c's f64 mean and Σ(x − mean)² over N values: istd[c] = 1/sqrt(var + eps) with
 * var = sq/N, and torch's running updates with the unbiased variance sq/(N − 1).
 */
// @ts-ignore: decorator
@inline
function finish_stats(
  istd: usize,
  rmean: usize,
  rvar: usize,
  c: i32,
  mean: f64,
  sq: f64,
  N: i32,
  momentum: f32,
  eps: f32,
): void {
  const o = <usize>c << 2;
  store<f32>(istd + o, <f32>(1.0 / sqrt<f64>(sq / <f64>N + <f64>eps)));
  const m = <f64>momentum;
  store<f32>(rmean + o, <f32>((1.0 - m) * <f64>load<f32>(rmean + o) + m * mean));
  const unbiased = sq / <f64>(N - 1);
  store<f32>(rvar + o, <f32>((1.0 - m) * <f64>load<f32>(rvar + o) + m * unbiased));
}

/** Elements j..S of one run: xhat = (x − mean)·is, out = g·xhat + bt. */
// @ts-ignore: decorator
@inline
function normalise_tail(
  out: usize,
  xhat: usize,
  inp: usize,
  j: i32,
  S: i32,
  mean: f32,
  is: f32,
  g: f32,
  bt: f32,
): void {
  for (; j < S; j++) {
    const o = <usize>j << 2;
    const xh = (load<f32>(inp + o) - mean) * is;
    store<f32>(xhat + o, xh);
    store<f32>(out + o, g * xh + bt);
  }
}

/** The upper two f32 lanes of v in the lower two (for f64x2.promote_low_f32x4). */
// @ts-ignore: decorator
@inline
function high(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 2, 3, 2, 3);
}

/** Four f32 lanes from two f64x2 halves, each rounded once. */
// @ts-ignore: decorator
@inline
function demote2(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** Channels c..c+3 of a [B, C] input (S = 1), lane l doing `train_stats` and the pass of c + l. */
// @ts-ignore: decorator
@inline
function train_four(
  out: usize,
  xhat: usize,
  istd: usize,
  inp: usize,
  gamma: usize,
  beta: usize,
  rmean: usize,
  rvar: usize,
  B: i32,
  C: i32,
  c: i32,
  momentum: f32,
  eps: f32,
): void {
  const ld = <usize>C << 2;
  const col = <usize>c << 2;
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  let p = inp + col;
  for (let b = 0; b < B; b++) {
    const v = v128.load(p);
    s01 = f64x2.add(s01, f64x2.promote_low_f32x4(v));
    s23 = f64x2.add(s23, f64x2.promote_low_f32x4(high(v)));
    p += ld;
  }
  const nv = f64x2.splat(<f64>B);
  const m01 = f64x2.div(s01, nv);
  const m23 = f64x2.div(s23, nv);
  let q01 = f64x2.splat(0);
  let q23 = f64x2.splat(0);
  p = inp + col;
  for (let b = 0; b < B; b++) {
    const v = v128.load(p);
    const d01 = f64x2.sub(f64x2.promote_low_f32x4(v), m01);
    const d23 = f64x2.sub(f64x2.promote_low_f32x4(high(v)), m23);
    q01 = f64x2.add(q01, f64x2.mul(d01, d01));
    q23 = f64x2.add(q23, f64x2.mul(d23, d23));
    p += ld;
  }
  const mean0 = f64x2.extract_lane(m01, 0);
  const mean1 = f64x2.extract_lane(m01, 1);
  const mean2 = f64x2.extract_lane(m23, 0);
  const mean3 = f64x2.extract_lane(m23, 1);
  finish_stats(istd, rmean, rvar, c, mean0, f64x2.extract_lane(q01, 0), B, momentum, eps);
  finish_stats(istd, rmean, rvar, c + 1, mean1, f64x2.extract_lane(q01, 1), B, momentum, eps);
  finish_stats(istd, rmean, rvar, c + 2, mean2, f64x2.extract_lane(q23, 0), B, momentum, eps);
  finish_stats(istd, rmean, rvar, c + 3, mean3, f64x2.extract_lane(q23, 1), B, momentum, eps);
  const mv = demote2(m01, m23);
  const iv = v128.load(istd + col);
  const gv = v128.load(gamma + col);
  const bv = v128.load(beta + col);
  let o = col;
  for (let b = 0; b < B; b++) {
    const xh = f32x4.mul(f32x4.sub(v128.load(inp + o), mv), iv);
    v128.store(xhat + o, xh);
    v128.store(out + o, f32x4.add(f32x4.mul(gv, xh), bv));
    o += ld;
  }
}

/**
 * Batch normalisation forward in evaluation mode, from the running statistics:
 * out = gamma·((x − rmean)·r) + beta with r = 1/sqrt(rvar + eps) computed in f64 and rounded
 * once (the same expression and order as training mode's xhat and out). Overwrites out; out
 * may alias inp. Buffers 16-byte aligned, any sizes.
 */
export function batchnorm_forward_eval(
  out: usize,
  inp: usize,
  gamma: usize,
  beta: usize,
  rmean: usize,
  rvar: usize,
  B: i32,
  C: i32,
  S: i32,
  eps: f32,
): void {
  if (ASC_FEATURE_SIMD) {
    let c = 0;
    if (S == 1) {
      const ld = <usize>C << 2;
      const ev = f64x2.splat(<f64>eps);
      const one = f64x2.splat(1.0);
      for (; c + 4 <= C; c += 4) {
        const col = <usize>c << 2;
        const rv = v128.load(rvar + col);
        const r01 = f64x2.div(one, f64x2.sqrt(f64x2.add(f64x2.promote_low_f32x4(rv), ev)));
        const r23 = f64x2.div(one, f64x2.sqrt(f64x2.add(f64x2.promote_low_f32x4(high(rv)), ev)));
        const iv = demote2(r01, r23);
        const mv = v128.load(rmean + col);
        const gv = v128.load(gamma + col);
        const bv = v128.load(beta + col);
        let o = col;
        for (let b = 0; b < B; b++) {
          const xh = f32x4.mul(f32x4.sub(v128.load(inp + o), mv), iv);
          v128.store(out + o, f32x4.add(f32x4.mul(gv, xh), bv));
          o += ld;
        }
      }
    }
    for (; c < C; c++) {
      const co = <usize>c << 2;
      const mean = load<f32>(rmean + co);
      const is = eval_scale(load<f32>(rvar + co), eps);
      const g = load<f32>(gamma + co);
      const bt = load<f32>(beta + co);
      const mv = f32x4.splat(mean);
      const iv = f32x4.splat(is);
      const gv = f32x4.splat(g);
      const bv = f32x4.splat(bt);
      for (let b = 0; b < B; b++) {
        const r = run(b, c, C, S);
        let j = 0;
        for (; j + 4 <= S; j += 4) {
          const o = r + (<usize>j << 2);
          const xh = f32x4.mul(f32x4.sub(v128.load(inp + o), mv), iv);
          v128.store(out + o, f32x4.add(f32x4.mul(gv, xh), bv));
        }
        affine_tail(out + r, inp + r, j, S, mean, is, g, bt);
      }
    }
  } else {
    batchnorm_forward_eval_scalar(out, inp, gamma, beta, rmean, rvar, B, C, S, eps);
  }
}

/** Scalar twin of `batchnorm_forward_eval` (same results bit for bit). */
export function batchnorm_forward_eval_scalar(
  out: usize,
  inp: usize,
  gamma: usize,
  beta: usize,
  rmean: usize,
  rvar: usize,
  B: i32,
  C: i32,
  S: i32,
  eps: f32,
): void {
  for (let c = 0; c < C; c++) {
    const co = <usize>c << 2;
    const mean = load<f32>(rmean + co);
    const is = eval_scale(load<f32>(rvar + co), eps);
    const g = load<f32>(gamma + co);
    const bt = load<f32>(beta + co);
    for (let b = 0; b < B; b++) {
      const r = run(b, c, C, S);
      affine_tail(out + r, inp + r, 0, S, mean, is, g, bt);
    }
  }
}

/** 1/sqrt(v + eps) in f64, rounded once to f32. */
// @ts-ignore: decorator
@inline
function eval_scale(v: f32, eps: f32): f32 {
  return <f32>(1.0 / sqrt<f64>(<f64>v + <f64>eps));
}

/** Elements j..S of one run: out = g·((x − mean)·is) + bt. */
// @ts-ignore: decorator
@inline
function affine_tail(
  out: usize,
  inp: usize,
  j: i32,
  S: i32,
  mean: f32,
  is: f32,
  g: f32,
  bt: f32,
): void {
  for (; j < S; j++) {
    const o = <usize>j << 2;
    store<f32>(out + o, g * ((load<f32>(inp + o) - mean) * is) + bt);
  }
}

// The backward's two channel sums, returned through globals (as math.ts does for rem_pio2).
let sum_g: f64 = 0;
let sum_gx: f64 = 0;

/**
 * Batch normalisation backward in training mode, from the xhat and istd that
 * `batchnorm_forward_train` saved. Per channel, with sums in f64 over its N = B·S values:
 * dbeta[c] += Σ dout, dgamma[c] += Σ dout·xhat, and with g = dout·gamma
 * dinp += (istd/N)·(N·g − Σg − xhat·Σ(g·xhat)), evaluated as
 * istd·((g − Σg/N) − xhat·(Σ(g·xhat)/N)) with the two means (gamma·Σ/N, f64) rounded once.
 * Accumulates into all three; each is skipped when its pointer is 0. Gradients must not
 * overlap the inputs. Buffers 16-byte aligned, any sizes.
 */
export function batchnorm_backward(
  dinp: usize,
  dgamma: usize,
  dbeta: usize,
  dout: usize,
  xhat: usize,
  istd: usize,
  gamma: usize,
  B: i32,
  C: i32,
  S: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    let c = 0;
    if (S == 1) {
      for (; c + 4 <= C; c += 4) {
        backward_four(dinp, dgamma, dbeta, dout, xhat, istd, gamma, B, C, c);
      }
    }
    for (; c < C; c++) {
      backward_sums(dgamma, dbeta, dout, xhat, B, C, S, c);
      if (!dinp) continue;
      const co = <usize>c << 2;
      const g = load<f32>(gamma + co);
      const is = load<f32>(istd + co);
      const N = <f64>(B * S);
      const mg = <f32>((<f64>g * sum_g) / N);
      const mgx = <f32>((<f64>g * sum_gx) / N);
      const gv = f32x4.splat(g);
      const iv = f32x4.splat(is);
      const mgv = f32x4.splat(mg);
      const mgxv = f32x4.splat(mgx);
      for (let b = 0; b < B; b++) {
        const r = run(b, c, C, S);
        let j = 0;
        for (; j + 4 <= S; j += 4) {
          const o = r + (<usize>j << 2);
          const t = f32x4.sub(
            f32x4.sub(f32x4.mul(v128.load(dout + o), gv), mgv),
            f32x4.mul(v128.load(xhat + o), mgxv),
          );
          v128.store(dinp + o, f32x4.add(v128.load(dinp + o), f32x4.mul(t, iv)));
        }
        dinp_tail(dinp + r, dout + r, xhat + r, j, S, g, is, mg, mgx);
      }
    }
  } else {
    batchnorm_backward_scalar(dinp, dgamma, dbeta, dout, xhat, istd, gamma, B, C, S);
  }
}

/** Scalar twin of `batchnorm_backward` (same results bit for bit). */
export function batchnorm_backward_scalar(
  dinp: usize,
  dgamma: usize,
  dbeta: usize,
  dout: usize,
  xhat: usize,
  istd: usize,
  gamma: usize,
  B: i32,
  C: i32,
  S: i32,
): void {
  for (let c = 0; c < C; c++) {
    backward_sums(dgamma, dbeta, dout, xhat, B, C, S, c);
    if (!dinp) continue;
    const co = <usize>c << 2;
    const g = load<f32>(gamma + co);
    const is = load<f32>(istd + co);
    const N = <f64>(B * S);
    const mg = <f32>((<f64>g * sum_g) / N);
    const mgx = <f32>((<f64>g * sum_gx) / N);
    for (let b = 0; b < B; b++) {
      const r = run(b, c, C, S);
      dinp_tail(dinp + r, dout + r, xhat + r, 0, S, g, is, mg, mgx);
    }
  }
}

/**
 * Channel c's Σ dout and Σ dout·xhat in f64 into sum_g and sum_gx, and their f32 roundings
 * added to dbeta[c] and dgamma[c] (each when non-null).
 */
// @ts-ignore: decorator
@inline
function backward_sums(
  dgamma: usize,
  dbeta: usize,
  dout: usize,
  xhat: usize,
  B: i32,
  C: i32,
  S: i32,
  c: i32,
): void {
  let sg: f64 = 0;
  let sgx: f64 = 0;
  for (let b = 0; b < B; b++) {
    const r = run(b, c, C, S);
    for (let j = 0; j < S; j++) {
      const o = r + (<usize>j << 2);
      const d = <f64>load<f32>(dout + o);
      sg += d;
      sgx += d * <f64>load<f32>(xhat + o);
    }
  }
  sum_g = sg;
  sum_gx = sgx;
  const co = <usize>c << 2;
  if (dbeta) store<f32>(dbeta + co, load<f32>(dbeta + co) + <f32>sg);
  if (dgamma) store<f32>(dgamma + co, load<f32>(dgamma + co) + <f32>sgx);
}

/** Elements j..S of one run: dinp += ((dout·g − mg) − xhat·mgx)·is. */
// @ts-ignore: decorator
@inline
function dinp_tail(
  dinp: usize,
  dout: usize,
  xhat: usize,
  j: i32,
  S: i32,
  g: f32,
  is: f32,
  mg: f32,
  mgx: f32,
): void {
  for (; j < S; j++) {
    const o = <usize>j << 2;
    const t = load<f32>(dout + o) * g - mg - load<f32>(xhat + o) * mgx;
    store<f32>(dinp + o, load<f32>(dinp + o) + t * is);
  }
}

/** Channels c..c+3 of a [B, C] gradient (S = 1), lane l doing the scalar code of c + l. */
// @ts-ignore: decorator
@inline
function backward_four(
  dinp: usize,
  dgamma: usize,
  dbeta: usize,
  dout: usize,
  xhat: usize,
  istd: usize,
  gamma: usize,
  B: i32,
  C: i32,
  c: i32,
): void {
  const ld = <usize>C << 2;
  const col = <usize>c << 2;
  let g01 = f64x2.splat(0);
  let g23 = f64x2.splat(0);
  let x01 = f64x2.splat(0);
  let x23 = f64x2.splat(0);
  let o = col;
  for (let b = 0; b < B; b++) {
    const d = v128.load(dout + o);
    const x = v128.load(xhat + o);
    const d01 = f64x2.promote_low_f32x4(d);
    const d23 = f64x2.promote_low_f32x4(high(d));
    g01 = f64x2.add(g01, d01);
    g23 = f64x2.add(g23, d23);
    x01 = f64x2.add(x01, f64x2.mul(d01, f64x2.promote_low_f32x4(x)));
    x23 = f64x2.add(x23, f64x2.mul(d23, f64x2.promote_low_f32x4(high(x))));
    o += ld;
  }
  if (dbeta) v128.store(dbeta + col, f32x4.add(v128.load(dbeta + col), demote2(g01, g23)));
  if (dgamma) v128.store(dgamma + col, f32x4.add(v128.load(dgamma + col), demote2(x01, x23)));
  if (!dinp) return;
  const gv = v128.load(gamma + col);
  const iv = v128.load(istd + col);
  const nv = f64x2.splat(<f64>B);
  const gm01 = f64x2.promote_low_f32x4(gv);
  const gm23 = f64x2.promote_low_f32x4(high(gv));
  const mgv = demote2(f64x2.div(f64x2.mul(gm01, g01), nv), f64x2.div(f64x2.mul(gm23, g23), nv));
  const mgxv = demote2(f64x2.div(f64x2.mul(gm01, x01), nv), f64x2.div(f64x2.mul(gm23, x23), nv));
  o = col;
  for (let b = 0; b < B; b++) {
    const t = f32x4.sub(
      f32x4.sub(f32x4.mul(v128.load(dout + o), gv), mgv),
      f32x4.mul(v128.load(xhat + o), mgxv),
    );
    v128.store(dinp + o, f32x4.add(v128.load(dinp + o), f32x4.mul(t, iv)));
    o += ld;
  }
}
