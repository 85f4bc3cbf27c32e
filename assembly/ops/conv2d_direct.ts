// conv2d_direct.ts — stride 1, OW ≥ 8: out[OC, OH·OW] of one example straight from its padded image.
//
// conv2d.ts's fast forward: the image is zero-padded once, a table holds each tap's byte offset,
// and 4×8 output tiles are summed over the taps in the order the im2col path uses, so the bits
// are the scalar twin's.

// The direct forward (SIMD builds, stride 1, OW ≥ 8).

/** tab[t] = byte offset of tap t = (c, kh, kw) in an image [C, Hp, Wp], as i32. */
export function tap_offsets(tab: usize, C: i32, K: i32, Hp: i32, Wp: i32): void {
  let t = tab;
  for (let c = 0; c < C; c++) {
    for (let kh = 0; kh < K; kh++) {
      for (let kw = 0; kw < K; kw++) {
        store<i32>(t, ((c * Hp + kh) * Wp + kw) << 2);
        t += 4;
      }
    }
  }
}

/** xp[C, H + 2P, W + 2P] = x[C, H, W] inside P rows and columns of zeros. */
export function pad_simd(xp: usize, x: usize, C: i32, H: i32, W: i32, P: i32): void {
  const Wp = W + 2 * P;
  const Hp = H + 2 * P;
  memory.fill(xp, 0, (<usize>C * <usize>Hp * <usize>Wp) << 2);
  let src = x;
  for (let c = 0; c < C; c++) {
    let dst = xp + (<usize>((c * Hp + P) * Wp + P) << 2);
    for (let h = 0; h < H; h++) {
      let j = 0;
      for (; j + 4 <= W; j += 4) {
        v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
      }
      for (; j < W; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
      src += <usize>W << 2;
      dst += <usize>Wp << 2;
    }
  }
}

/**
 * One example, stride 1: out[OC, OH, OW] = b + Σ_t w[o, t]·x[tap t at (oh, ow)] over the image x
 * (padded already; rows Wp floats, taps at the byte offsets tab[CKK]), OW ≥ 8. Filters in groups
 * of 4 (then a 1–3 tail), each output row in 8-wide tiles ended by one 4-wide tile or an 8-wide
 * one overlapping its predecessor (recomputing a few columns gives the same bits).
 */
export function direct_forward(
  out: usize,
  x: usize,
  w: usize,
  b: usize,
  tab: usize,
  OC: i32,
  CKK: i32,
  Wp: i32,
  OH: i32,
  OW: i32,
): void {
  let o0 = 0;
  for (; o0 + 4 <= OC; o0 += 4) filters(4, out, x, w, b, tab, o0, CKK, Wp, OH, OW);
  const r = OC - o0;
  if (r == 3) filters(3, out, x, w, b, tab, o0, CKK, Wp, OH, OW);
  else if (r == 2) filters(2, out, x, w, b, tab, o0, CKK, Wp, OH, OW);
  else if (r == 1) filters(1, out, x, w, b, tab, o0, CKK, Wp, OH, OW);
}

/** Output planes o0..o0+R−1 of `direct_forward`, row by row. R ∈ 1..4 must be a constant. */
// @ts-ignore: decorator
@inline
function filters(
  R: i32,
  out: usize,
  x: usize,
  w: usize,
  b: usize,
  tab: usize,
  o0: i32,
  CKK: i32,
  Wp: i32,
  OH: i32,
  OW: i32,
): void {
  const OHW = OH * OW;
  const ors = <usize>OHW << 2;
  const wrs = <usize>CKK << 2;
  const wr = w + <usize>o0 * wrs;
  let b0: f32 = 0;
  let b1: f32 = 0;
  let b2: f32 = 0;
  let b3: f32 = 0;
  if (b) {
    const bp = b + (<usize>o0 << 2);
    b0 = load<f32>(bp);
    if (R > 1) b1 = load<f32>(bp, 4);
    if (R > 2) b2 = load<f32>(bp, 8);
    if (R > 3) b3 = load<f32>(bp, 12);
  }
  const t = OW & 7;
  // Start of the last tile: 8-wide for more than 4 leftover columns, else 4-wide.
  const last = t > 4 ? OW - 8 : OW - 4;
  for (let oh = 0; oh < OH; oh++) {
    const orow = out + <usize>o0 * ors + ((<usize>oh * <usize>OW) << 2);
    const xrow = x + ((<usize>oh * <usize>Wp) << 2);
    let ow = 0;
    for (; ow + 8 <= OW; ow += 8) {
      const q = <usize>ow << 2;
      tile(R, 8, orow + q, ors, xrow + q, wr, wrs, tab, CKK, b0, b1, b2, b3);
    }
    const q = <usize>last << 2;
    if (t > 4) tile(R, 8, orow + q, ors, xrow + q, wr, wrs, tab, CKK, b0, b1, b2, b3);
    else if (t > 0) tile(R, 4, orow + q, ors, xrow + q, wr, wrs, tab, CKK, b0, b1, b2, b3);
  }
}

/**
 * R ≤ 4 filters × W ∈ {4, 8} output columns at o (filter rows ors bytes apart), inputs at xs +
 * tab[t], weights of filter r at w + r·wrs: the accumulators start at the bias and add every tap
 * t in order, one f32x4 mul and one add each. R and W must be constants (see matmul.ts `tile`).
 */
// @ts-ignore: decorator
@inline
function tile(
  R: i32,
  W: i32,
  o: usize,
  ors: usize,
  xs: usize,
  w: usize,
  wrs: usize,
  tab: usize,
  CKK: i32,
  b0: f32,
  b1: f32,
  b2: f32,
  b3: f32,
): void {
  let c00 = f32x4.splat(b0);
  let c01 = c00;
  let c10 = f32x4.splat(b1);
  let c11 = c10;
  let c20 = f32x4.splat(b2);
  let c21 = c20;
  let c30 = f32x4.splat(b3);
  let c31 = c30;
  let w0 = w;
  let w1 = w + wrs;
  let w2 = w + 2 * wrs;
  let w3 = w + 3 * wrs;
  const end = tab + (<usize>CKK << 2);
  for (let t = tab; t < end; t += 4) {
    const p = xs + <usize>load<i32>(t);
    const x0 = v128.load(p);
    const x1 = W == 8 ? v128.load(p, 16) : x0;
    let v = v128.load32_splat(w0);
    c00 = f32x4.add(c00, f32x4.mul(v, x0));
    if (W == 8) c01 = f32x4.add(c01, f32x4.mul(v, x1));
    if (R > 1) {
      v = v128.load32_splat(w1);
      c10 = f32x4.add(c10, f32x4.mul(v, x0));
      if (W == 8) c11 = f32x4.add(c11, f32x4.mul(v, x1));
    }
    if (R > 2) {
      v = v128.load32_splat(w2);
      c20 = f32x4.add(c20, f32x4.mul(v, x0));
      if (W == 8) c21 = f32x4.add(c21, f32x4.mul(v, x1));
    }
    if (R > 3) {
      v = v128.load32_splat(w3);
      c30 = f32x4.add(c30, f32x4.mul(v, x0));
      if (W == 8) c31 = f32x4.add(c31, f32x4.mul(v, x1));
    }
    w0 += 4;
    w1 += 4;
    w2 += 4;
    w3 += 4;
  }
  v128.store(o, c00);
  if (W == 8) v128.store(o, c01, 16);
  if (R > 1) {
    v128.store(o + ors, c10);
    if (W == 8) v128.store(o + ors, c11, 16);
  }
  if (R > 2) {
    v128.store(o + 2 * ors, c20);
    if (W == 8) v128.store(o + 2 * ors, c21, 16);
  }
  if (R > 3) {
    v128.store(o + 3 * ors, c30);
    if (W == 8) v128.store(o + 3 * ors, c31, 16);
  }
}
