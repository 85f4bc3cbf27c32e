// attention.ts — B batch rows, T positions, D model width, H heads of hd = D/H columns each.
//
// Causal multi-head self-attention, the core of nanoGPT's CausalSelfAttention between its
// c_attn and c_proj linear layers (those are dense ops of their own):
//   qkv     [B, T, 3D]    c_attn's output per position: q = columns 0..D−1, k = D..2D−1,
//                         v = 2D..3D−1; head h uses columns h·hd..(h+1)·hd−1 of each
//   out     [B, T, D]     head h's result in columns h·hd..(h+1)·hd−1 (nanoGPT's
//                         y.transpose(1, 2).contiguous().view(B, T, C))
//   probs   [B, H, T, T]  the attention weights P, exactly 0 above the diagonal (s > t)
//   dout    [B, T, D]     gradient of out;  dqkv [B, T, 3D] gradient of qkv (accumulated)
//   mask    [B, H, T, T]  attention dropout, or 0 (none): each weight's keep factor, 0 or
//                         1/(1 − p), drawn by the program; the weights used are P ⊙ mask
//   scratch [2, T, T]     the forward's dropped row; the backward's dS and P ⊙ mask of one
//                         (b, h) (attention_scratch_floats)
// S[t, s] = (q_t · k_s)·scale with scale = 1/√hd for s ≤ t, P = softmax over s ≤ t (row max
// subtracted, exp from math.ts), out_t = Σ_s P[t, s]·v_s (with dropout Σ_s P[t, s]·m[t, s]·v_s;
// probs keeps P itself, which the softmax's gradient needs).
//
// Same bits in the fast ops, their scalar twins and both builds:
// - Dot products along the head dimension (q_t·k_s, dout_t·v_s) keep four partial sums, column c
//   going to partial c % 4 over the whole groups of four, combined as (p0 + p1) + (p2 + p3), then
//   the 1–3 tail columns added in order. The vector path holds the partials in the lanes of one
//   accumulator per key (four keys at a time, reduced together by a 4×4 transpose), the scalar
//   path in four locals.
// - Weighted sums of rows (out_t = Σ_s P v_s, dq, dk, dv) are vectorised along the head
//   dimension with every lane a plain sum over s (or t) in order from 0; the scalar twin runs the
//   same sum column by column, tail columns alike.
// - Row reductions over s (the softmax denominator, Σ_s P·dP) use four partials like softmax.ts.
// Loads are aligned when D, hd and T are multiples of 4 (the usual case); otherwise unaligned,
// which wasm allows.

import { exp_f32, exp_v128 } from '../math';

/** Byte address `floats` floats past `ptr`. */
// @ts-ignore: decorator
@inline
function fp(ptr: usize, floats: i32): usize {
  return ptr + (<usize>floats << 2);
}

/** Floats of scratch: dS and P ⊙ mask [T, T] of one (batch row, head), rounded up to 4. */
export function attention_scratch_floats(T: i32, D: i32, H: i32): i32 {
  if (T <= 0 || D <= 0 || H <= 0) return 0;
  return (2 * T * T + 3) & ~3;
}

/** w[n] = p[n]·m[n]: a row of weights after dropout (exact products, so one path serves all). */
// @ts-ignore: decorator
@inline
function dropped_row(w: usize, p: usize, m: usize, n: i32): void {
  for (let s = 0; s < n; s++) store<f32>(fp(w, s), load<f32>(fp(p, s)) * load<f32>(fp(m, s)));
}

// ---------------------------------------------------------------------------------------------
// Scalar pieces (the twins and the scalar build).

/** x[hd] · k[hd] with the four partials of the file comment. */
// @ts-ignore: decorator
@inline
function dot_f32(x: usize, k: usize, hd: i32): f32 {
  let s0: f32 = 0,
    s1: f32 = 0,
    s2: f32 = 0,
    s3: f32 = 0;
  let c = 0;
  for (; c + 4 <= hd; c += 4) {
    const xo = fp(x, c);
    const ko = fp(k, c);
    s0 += load<f32>(xo, 0) * load<f32>(ko, 0);
    s1 += load<f32>(xo, 4) * load<f32>(ko, 4);
    s2 += load<f32>(xo, 8) * load<f32>(ko, 8);
    s3 += load<f32>(xo, 12) * load<f32>(ko, 12);
  }
  let s: f32 = s0 + s1 + (s2 + s3);
  for (; c < hd; c++) s += load<f32>(fp(x, c)) * load<f32>(fp(k, c));
  return s;
}

/**
 * dst[c] (+)= Σ_{i<n} w_i·src_i[c] for c < width, with w_i at w + i·ws and src_i at src + i·ss
 * (bytes); each column summed in i order from 0, then added to dst (acc) or stored.
 */
// @ts-ignore: decorator
@inline
function wsum_f32(
  dst: usize,
  w: usize,
  ws: usize,
  src: usize,
  ss: usize,
  n: i32,
  width: i32,
  acc: bool,
): void {
  for (let c = 0; c < width; c++) {
    const sc = fp(src, c);
    let a: f32 = 0;
    for (let i = 0; i < n; i++) a += load<f32>(w + <usize>i * ws) * load<f32>(sc + <usize>i * ss);
    const d = fp(dst, c);
    store<f32>(d, acc ? load<f32>(d) + a : a);
  }
}

/** Σ_{s<n} a[s]·b[s] with the four partials of softmax.ts. */
// @ts-ignore: decorator
@inline
function rowdot_f32(a: usize, b: usize, n: i32): f32 {
  let s0: f32 = 0,
    s1: f32 = 0,
    s2: f32 = 0,
    s3: f32 = 0;
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    const ao = fp(a, s);
    const bo = fp(b, s);
    s0 += load<f32>(ao, 0) * load<f32>(bo, 0);
    s1 += load<f32>(ao, 4) * load<f32>(bo, 4);
    s2 += load<f32>(ao, 8) * load<f32>(bo, 8);
    s3 += load<f32>(ao, 12) * load<f32>(bo, 12);
  }
  let r: f32 = s0 + s1 + (s2 + s3);
  for (; s < n; s++) r += load<f32>(fp(a, s)) * load<f32>(fp(b, s));
  return r;
}

/** Probs row p[T] from the scaled scores already in p[0..n): softmax there, zeros after. */
// @ts-ignore: decorator
@inline
function softmax_row_f32(p: usize, n: i32, T: i32): void {
  let m = load<f32>(p);
  for (let s = 1; s < n; s++) m = max<f32>(m, load<f32>(fp(p, s)));
  let s0: f32 = 0,
    s1: f32 = 0,
    s2: f32 = 0,
    s3: f32 = 0;
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    const q = fp(p, s);
    const e0 = exp_f32(load<f32>(q, 0) - m);
    const e1 = exp_f32(load<f32>(q, 4) - m);
    const e2 = exp_f32(load<f32>(q, 8) - m);
    const e3 = exp_f32(load<f32>(q, 12) - m);
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
  for (; s < n; s++) {
    const q = fp(p, s);
    const e = exp_f32(load<f32>(q) - m);
    store<f32>(q, e);
    sum += e;
  }
  for (s = 0; s < n; s++) {
    const q = fp(p, s);
    store<f32>(q, load<f32>(q) / sum);
  }
  for (; s < T; s++) store<f32>(fp(p, s), 0);
}

// ---------------------------------------------------------------------------------------------
// SIMD pieces: the same operations per element as the scalar ones above.

/**
 * Four dot products x[hd]·k_j[hd] (j = 0..3, rows at k0..k3) in the lanes of the result, each
 * with the partials of `dot_f32`: lane j of accumulator a_j holds partial j % 4 of key j; the
 * transpose gives [(p0 + p1) of each key] + [(p2 + p3) of each key], then the tail columns.
 */
// @ts-ignore: decorator
@inline
function dot4_v128(x: usize, k0: usize, k1: usize, k2: usize, k3: usize, hd: i32): v128 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= hd; c += 4) {
    const o = <usize>c << 2;
    const xv = v128.load(x + o);
    a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(k0 + o)));
    a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(k1 + o)));
    a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(k2 + o)));
    a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(k3 + o)));
  }
  // u01 = [a0: p0 p2, a1: p0 p2] + [a0: p1 p3, a1: p1 p3] = [a0: p0+p1, p2+p3, a1: p0+p1, p2+p3]
  const u01 = f32x4.add(
    v128.shuffle<f32>(a0, a1, 0, 2, 4, 6),
    v128.shuffle<f32>(a0, a1, 1, 3, 5, 7),
  );
  const u23 = f32x4.add(
    v128.shuffle<f32>(a2, a3, 0, 2, 4, 6),
    v128.shuffle<f32>(a2, a3, 1, 3, 5, 7),
  );
  let r = f32x4.add(
    v128.shuffle<f32>(u01, u23, 0, 2, 4, 6),
    v128.shuffle<f32>(u01, u23, 1, 3, 5, 7),
  );
  for (; c < hd; c++) {
    const o = <usize>c << 2;
    let kv = v128.load32_splat(k0 + o);
    kv = f32x4.replace_lane(kv, 1, load<f32>(k1 + o));
    kv = f32x4.replace_lane(kv, 2, load<f32>(k2 + o));
    kv = f32x4.replace_lane(kv, 3, load<f32>(k3 + o));
    r = f32x4.add(r, f32x4.mul(v128.load32_splat(x + o), kv));
  }
  return r;
}

/**
 * dst[s] = (x · row_s)·scale for s < n, rows at k + s·rs (bytes): four keys per `dot4_v128`; the
 * last 1–3 keys repeat key s0 in the unused lanes and store only their own.
 */
// @ts-ignore: decorator
@inline
function dots_v128(dst: usize, x: usize, k: usize, rs: usize, n: i32, hd: i32, scale: f32): void {
  const sv = f32x4.splat(scale);
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    const k0 = k + <usize>s * rs;
    const r = f32x4.mul(dot4_v128(x, k0, k0 + rs, k0 + 2 * rs, k0 + 3 * rs, hd), sv);
    v128.store(fp(dst, s), r);
  }
  const left = n - s;
  if (left > 0) {
    const k0 = k + <usize>s * rs;
    const k1 = left > 1 ? k0 + rs : k0;
    const k2 = left > 2 ? k0 + 2 * rs : k0;
    const r = f32x4.mul(dot4_v128(x, k0, k1, k2, k0, hd), sv);
    const d = fp(dst, s);
    store<f32>(d, f32x4.extract_lane(r, 0));
    if (left > 1) store<f32>(d, f32x4.extract_lane(r, 1), 4);
    if (left > 2) store<f32>(d, f32x4.extract_lane(r, 2), 8);
  }
}

/**
 * V vectors (4V columns from byte offset co) of `wsum_f32`: V ∈ 1..4 must be a constant, so the
 * V chains are independent and the unused ones fold away.
 */
// @ts-ignore: decorator
@inline
function wsum_block(
  V: i32,
  dst: usize,
  w: usize,
  ws: usize,
  src: usize,
  ss: usize,
  n: i32,
  acc: bool,
): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let wp = w;
  let sp = src;
  for (let i = 0; i < n; i++) {
    const x = v128.load32_splat(wp);
    a0 = f32x4.add(a0, f32x4.mul(x, v128.load(sp)));
    if (V > 1) a1 = f32x4.add(a1, f32x4.mul(x, v128.load(sp, 16)));
    if (V > 2) a2 = f32x4.add(a2, f32x4.mul(x, v128.load(sp, 32)));
    if (V > 3) a3 = f32x4.add(a3, f32x4.mul(x, v128.load(sp, 48)));
    wp += ws;
    sp += ss;
  }
  if (acc) {
    a0 = f32x4.add(v128.load(dst), a0);
    if (V > 1) a1 = f32x4.add(v128.load(dst, 16), a1);
    if (V > 2) a2 = f32x4.add(v128.load(dst, 32), a2);
    if (V > 3) a3 = f32x4.add(v128.load(dst, 48), a3);
  }
  v128.store(dst, a0);
  if (V > 1) v128.store(dst, a1, 16);
  if (V > 2) v128.store(dst, a2, 32);
  if (V > 3) v128.store(dst, a3, 48);
}

/** `wsum_f32` in blocks of 16, 8 and 4 columns, then the scalar tail columns. */
// @ts-ignore: decorator
@inline
function wsum_v128(
  dst: usize,
  w: usize,
  ws: usize,
  src: usize,
  ss: usize,
  n: i32,
  width: i32,
  acc: bool,
): void {
  let c = 0;
  for (; c + 16 <= width; c += 16) wsum_block(4, fp(dst, c), w, ws, fp(src, c), ss, n, acc);
  if (c + 8 <= width) {
    wsum_block(2, fp(dst, c), w, ws, fp(src, c), ss, n, acc);
    c += 8;
  }
  if (c + 4 <= width) {
    wsum_block(1, fp(dst, c), w, ws, fp(src, c), ss, n, acc);
    c += 4;
  }
  if (c < width) wsum_f32(fp(dst, c), w, ws, fp(src, c), ss, n, width - c, acc);
}

/** `softmax_row_f32` with four lanes over the whole groups of four. */
// @ts-ignore: decorator
@inline
function softmax_row_v128(p: usize, n: i32, T: i32): void {
  let m = load<f32>(p);
  let s = 0;
  if (n >= 4) {
    let mv = v128.load(p);
    for (s = 4; s + 4 <= n; s += 4) mv = f32x4.max(mv, v128.load(fp(p, s)));
    m = max<f32>(
      max<f32>(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
      max<f32>(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
    );
  }
  for (; s < n; s++) m = max<f32>(m, load<f32>(fp(p, s)));
  const mv = f32x4.splat(m);
  let av = f32x4.splat(0);
  for (s = 0; s + 4 <= n; s += 4) {
    const q = fp(p, s);
    const e = exp_v128(f32x4.sub(v128.load(q), mv));
    v128.store(q, e);
    av = f32x4.add(av, e);
  }
  let sum: f32 =
    f32x4.extract_lane(av, 0) +
    f32x4.extract_lane(av, 1) +
    (f32x4.extract_lane(av, 2) + f32x4.extract_lane(av, 3));
  for (; s < n; s++) {
    const q = fp(p, s);
    const e = exp_f32(load<f32>(q) - m);
    store<f32>(q, e);
    sum += e;
  }
  const sv = f32x4.splat(sum);
  for (s = 0; s + 4 <= n; s += 4) {
    const q = fp(p, s);
    v128.store(q, f32x4.div(v128.load(q), sv));
  }
  for (; s < n; s++) {
    const q = fp(p, s);
    store<f32>(q, load<f32>(q) / sum);
  }
  for (; s < T; s++) store<f32>(fp(p, s), 0);
}

/** `rowdot_f32` with the partials in four lanes. */
// @ts-ignore: decorator
@inline
function rowdot_v128(a: usize, b: usize, n: i32): f32 {
  let av = f32x4.splat(0);
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    av = f32x4.add(av, f32x4.mul(v128.load(fp(a, s)), v128.load(fp(b, s))));
  }
  let r: f32 =
    f32x4.extract_lane(av, 0) +
    f32x4.extract_lane(av, 1) +
    (f32x4.extract_lane(av, 2) + f32x4.extract_lane(av, 3));
  for (; s < n; s++) r += load<f32>(fp(a, s)) * load<f32>(fp(b, s));
  return r;
}

// ---------------------------------------------------------------------------------------------
// The ops. One (batch row, head) at a time; fast selects the SIMD pieces (SIMD builds only).

// @ts-ignore: decorator
@inline
function forward_impl(
  out: usize,
  probs: usize,
  qkv: usize,
  mask: usize,
  scratch: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
  fast: bool,
): void {
  if (B <= 0 || T <= 0 || D <= 0 || H <= 0) return;
  const hd = D / H;
  const scale: f32 = <f32>1 / sqrt<f32>(<f32>hd);
  const rs = (<usize>(3 * D)) << 2; // bytes from one qkv row to the next
  const os = (<usize>D) << 2;
  for (let b = 0; b < B; b++) {
    const rows = fp(qkv, b * T * 3 * D);
    for (let h = 0; h < H; h++) {
      const q = fp(rows, h * hd);
      const k = fp(rows, D + h * hd);
      const v = fp(rows, 2 * D + h * hd);
      const pbh = fp(probs, (b * H + h) * T * T);
      const mbh = mask ? fp(mask, (b * H + h) * T * T) : 0;
      const obh = fp(out, b * T * D + h * hd);
      for (let t = 0; t < T; t++) {
        const n = t + 1;
        const p = fp(pbh, t * T);
        const qt = q + <usize>t * rs;
        const ot = obh + <usize>t * os;
        // The weights the values are mixed with: P's row, or its dropped copy in scratch.
        const w = mask ? scratch : p;
        if (ASC_FEATURE_SIMD) {
          if (fast) {
            dots_v128(p, qt, k, rs, n, hd, scale);
            softmax_row_v128(p, n, T);
            if (mask) dropped_row(w, p, fp(mbh, t * T), n);
            wsum_v128(ot, w, 4, v, rs, n, hd, false);
            continue;
          }
        }
        for (let s = 0; s < n; s++) {
          store<f32>(fp(p, s), dot_f32(qt, k + <usize>s * rs, hd) * scale);
        }
        softmax_row_f32(p, n, T);
        if (mask) dropped_row(w, p, fp(mbh, t * T), n);
        wsum_f32(ot, w, 4, v, rs, n, hd, false);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function backward_impl(
  dqkv: usize,
  dout: usize,
  qkv: usize,
  probs: usize,
  mask: usize,
  scratch: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
  fast: bool,
): void {
  if (B <= 0 || T <= 0 || D <= 0 || H <= 0) return;
  const hd = D / H;
  const scale: f32 = <f32>1 / sqrt<f32>(<f32>hd);
  const rs = (<usize>(3 * D)) << 2;
  const os = (<usize>D) << 2;
  const ps = (<usize>T) << 2; // bytes from one probs (or dS) row to the next
  const dS = scratch;
  // P ⊙ mask of one (b, h), the weights the values were mixed with (for dv).
  const W = fp(scratch, T * T);
  for (let b = 0; b < B; b++) {
    const rows = fp(qkv, b * T * 3 * D);
    const drows = fp(dqkv, b * T * 3 * D);
    for (let h = 0; h < H; h++) {
      const q = fp(rows, h * hd);
      const k = fp(rows, D + h * hd);
      const v = fp(rows, 2 * D + h * hd);
      const dq = fp(drows, h * hd);
      const dk = fp(drows, D + h * hd);
      const dv = fp(drows, 2 * D + h * hd);
      const pbh = fp(probs, (b * H + h) * T * T);
      const mbh = mask ? fp(mask, (b * H + h) * T * T) : 0;
      const gbh = fp(dout, b * T * D + h * hd);
      // Row by row: dP[t, s] = dout_t·v_s (times the mask with dropout), then
      // dS = P ⊙ (dP − Σ_s P·dP)·scale (kept for the column sums below) and dq_t += Σ_s dS[t, s] k_s.
      for (let t = 0; t < T; t++) {
        const n = t + 1;
        const p = pbh + <usize>t * ps;
        const g = dS + <usize>t * ps;
        const gt = gbh + <usize>t * os;
        if (mask) dropped_row(W + <usize>t * ps, p, mbh + <usize>t * ps, n);
        if (ASC_FEATURE_SIMD) {
          if (fast) {
            dots_v128(g, gt, v, rs, n, hd, 1);
            if (mask) dropped_row(g, g, mbh + <usize>t * ps, n);
            const rd = f32x4.splat(rowdot_v128(p, g, n));
            const sv = f32x4.splat(scale);
            let s = 0;
            for (; s + 4 <= n; s += 4) {
              const go = fp(g, s);
              const pv = v128.load(fp(p, s));
              v128.store(go, f32x4.mul(f32x4.mul(pv, f32x4.sub(v128.load(go), rd)), sv));
            }
            const rdf = f32x4.extract_lane(rd, 0);
            for (; s < n; s++) {
              const go = fp(g, s);
              store<f32>(go, load<f32>(fp(p, s)) * (load<f32>(go) - rdf) * scale);
            }
            wsum_v128(dq + <usize>t * rs, g, 4, k, rs, n, hd, true);
            continue;
          }
        }
        for (let s = 0; s < n; s++) store<f32>(fp(g, s), dot_f32(gt, v + <usize>s * rs, hd));
        if (mask) dropped_row(g, g, mbh + <usize>t * ps, n);
        const rdf = rowdot_f32(p, g, n);
        for (let s = 0; s < n; s++) {
          const go = fp(g, s);
          store<f32>(go, load<f32>(fp(p, s)) * (load<f32>(go) - rdf) * scale);
        }
        wsum_f32(dq + <usize>t * rs, g, 4, k, rs, n, hd, true);
      }
      // Column by column: dk_s += Σ_{t≥s} dS[t, s] q_t and dv_s += Σ_{t≥s} P[t, s] dout_t (the
      // dropped weights W with dropout).
      const wbh = mask ? W : pbh;
      for (let s = 0; s < T; s++) {
        const m = T - s;
        const diag = <usize>s * ps + (<usize>s << 2);
        const qs = q + <usize>s * rs;
        const gs = gbh + <usize>s * os;
        const dks = dk + <usize>s * rs;
        const dvs = dv + <usize>s * rs;
        if (ASC_FEATURE_SIMD) {
          if (fast) {
            wsum_v128(dks, dS + diag, ps, qs, rs, m, hd, true);
            wsum_v128(dvs, wbh + diag, ps, gs, os, m, hd, true);
            continue;
          }
        }
        wsum_f32(dks, dS + diag, ps, qs, rs, m, hd, true);
        wsum_f32(dvs, wbh + diag, ps, gs, os, m, hd, true);
      }
    }
  }
}

/**
 * Causal multi-head self-attention forward: probs[B, H, T, T] = softmax over s ≤ t of
 * (q_t·k_s)/√hd (zeros where s > t), out[B, T, D] = Σ_s P[t, s]·mask[t, s]·v_s per head (no
 * mask factor when mask is 0), from qkv[B, T, 3D] (layouts in the file comment). scratch holds
 * attention_scratch_floats(T, D, H) floats. Overwrites out and probs, neither of which may
 * overlap qkv. D % H must be 0. Any B, T, D, H ≥ 1.
 */
export function attention_forward(
  out: usize,
  probs: usize,
  qkv: usize,
  mask: usize,
  scratch: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
): void {
  if (ASC_FEATURE_SIMD) forward_impl(out, probs, qkv, mask, scratch, B, T, D, H, true);
  else forward_impl(out, probs, qkv, mask, scratch, B, T, D, H, false);
}

/** Scalar twin of `attention_forward` (same results bit for bit). */
export function attention_forward_scalar(
  out: usize,
  probs: usize,
  qkv: usize,
  mask: usize,
  scratch: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
): void {
  forward_impl(out, probs, qkv, mask, scratch, B, T, D, H, false);
}

/**
 * Backward of `attention_forward` from its probs and mask: with dP[t, s] = mask[t, s]·dout_t·v_s
 * and dS = P ⊙ (dP − Σ_s P·dP), dq_t += scale·Σ_s dS[t, s] k_s, dk_s += scale·Σ_t dS[t, s] q_t,
 * dv_s += Σ_t P[t, s]·mask[t, s] dout_t, into dqkv[B, T, 3D] (accumulated; the scale is applied
 * to dS; no mask factor when mask is 0). scratch holds attention_scratch_floats(T, D, H) floats,
 * overwritten. dqkv must not overlap the other buffers.
 */
export function attention_backward(
  dqkv: usize,
  dout: usize,
  qkv: usize,
  probs: usize,
  mask: usize,
  scratch: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
): void {
  if (ASC_FEATURE_SIMD) backward_impl(dqkv, dout, qkv, probs, mask, scratch, B, T, D, H, true);
  else backward_impl(dqkv, dout, qkv, probs, mask, scratch, B, T, D, H, false);
}

/** Scalar twin of `attention_backward` (same results bit for bit). */
export function attention_backward_scalar(
  dqkv: usize,
  dout: usize,
  qkv: usize,
  probs: usize,
  mask: usize,
  scratch: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
): void {
  backward_impl(dqkv, dout, qkv, probs, mask, scratch, B, T, D, H, false);
}
