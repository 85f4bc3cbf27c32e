// avgpool2d.ts — B batch, C channels, H×W input planes, OH×OW output planes (NCHW); square
// window K, stride S, padding P: OH = (H + 2P − K)/S + 1, OW = (W + 2P − K)/S + 1.
//
// nn.AvgPool2d(K, S, P) as PyTorch computes it on the CPU for float32 (count_include_pad=True,
// ceil_mode=False): the zero padding counts in the divisor, which is always K·K. Sums are f32
// in torch's order. Both directions vectorise across four neighbouring outputs (forward) or
// inputs (backward) of one row, never by splitting a sum, and run the scalar code at the plane
// edges, where the lanes' windows would be clipped differently; every lane performs the very
// additions of the scalar code, so every path gives the same bits.

/**
 * Average pooling forward: out[b,c,oh,ow] = (Σ of the in-range inputs of the window at rows
 * oh·S − P + [0, K), columns ow·S − P + [0, K)) / (K·K). The sum starts at 0 and adds the
 * window in row-major order in f32, then divides once (torch's order). Overwrites out, which
 * must not overlap inp. Buffers 16-byte aligned; P ≤ K/2.
 */
export function avgpool2d_forward(
  out: usize,
  inp: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    const OH = (H + 2 * P - K) / S + 1;
    const OW = (W + 2 * P - K) / S + 1;
    const kk = <f32>(K * K);
    // Columns whose whole window lies inside the row: ow·S ≥ P and ow·S − P + K ≤ W.
    const lo = min<i32>((P + S - 1) / S, OW);
    const hi = W - K + P >= 0 ? min<i32>((W - K + P) / S + 1, OW) : 0;
    const planes = B * C;
    const inPlane = <usize>(H * W) << 2;
    const outPlane = <usize>(OH * OW) << 2;
    for (let pl = 0; pl < planes; pl++) {
      const ip = inp + <usize>pl * inPlane;
      const op = out + <usize>pl * outPlane;
      for (let oh = 0; oh < OH; oh++) {
        const top = oh * S - P;
        const ih0 = max<i32>(top, 0);
        const ih1 = min<i32>(top + K, H);
        const row = <usize>(oh * OW);
        let ow = 0;
        for (; ow < lo; ow++) avgpool_one(op, ip, row, ih0, ih1, ow, W, K, S, P, kk);
        for (; ow + 4 <= hi; ow += 4) avgpool_four(op, ip, row, ih0, ih1, ow, W, K, S, P, kk);
        for (; ow < OW; ow++) avgpool_one(op, ip, row, ih0, ih1, ow, W, K, S, P, kk);
      }
    }
  } else {
    avgpool2d_forward_scalar(out, inp, B, C, H, W, K, S, P);
  }
}

/** Scalar twin of `avgpool2d_forward` (same results bit for bit). */
export function avgpool2d_forward_scalar(
  out: usize,
  inp: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  const OH = (H + 2 * P - K) / S + 1;
  const OW = (W + 2 * P - K) / S + 1;
  const kk = <f32>(K * K);
  const planes = B * C;
  const inPlane = <usize>(H * W) << 2;
  const outPlane = <usize>(OH * OW) << 2;
  for (let pl = 0; pl < planes; pl++) {
    const ip = inp + <usize>pl * inPlane;
    const op = out + <usize>pl * outPlane;
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * S - P;
      const ih0 = max<i32>(top, 0);
      const ih1 = min<i32>(top + K, H);
      const row = <usize>(oh * OW);
      for (let ow = 0; ow < OW; ow++) avgpool_one(op, ip, row, ih0, ih1, ow, W, K, S, P, kk);
    }
  }
}

/** One output (oh's rows [ih0, ih1) given, columns clipped here) of the plane at ip. */
// @ts-ignore: decorator
@inline
function avgpool_one(
  op: usize,
  ip: usize,
  row: usize,
  ih0: i32,
  ih1: i32,
  ow: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
  kk: f32,
): void {
  const left = ow * S - P;
  const iw0 = max<i32>(left, 0);
  const iw1 = min<i32>(left + K, W);
  let sum: f32 = 0;
  for (let ih = ih0; ih < ih1; ih++) {
    for (let iw = iw0; iw < iw1; iw++) sum += load<f32>(ip + (<usize>(ih * W + iw) << 2));
  }
  store<f32>(op + ((row + <usize>ow) << 2), sum / kk);
}

/** Outputs ow..ow+3 of a row whose windows all lie inside the row; lane l as `avgpool_one`. */
// @ts-ignore: decorator
@inline
function avgpool_four(
  op: usize,
  ip: usize,
  row: usize,
  ih0: i32,
  ih1: i32,
  ow: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
  kk: f32,
): void {
  const left = ow * S - P;
  const stride = <usize>S << 2;
  let sum = f32x4.splat(0);
  for (let ih = ih0; ih < ih1; ih++) {
    const p = ip + (<usize>(ih * W + left) << 2);
    for (let kw = 0; kw < K; kw++) {
      sum = f32x4.add(sum, load_strided(p + (<usize>kw << 2), stride));
    }
  }
  v128.store(op + ((row + <usize>ow) << 2), f32x4.div(sum, f32x4.splat(kk)));
}

/** Four f32 at p, p + stride, p + 2·stride, p + 3·stride (one load when they are adjacent). */
// @ts-ignore: decorator
@inline
function load_strided(p: usize, stride: usize): v128 {
  if (stride == 4) return v128.load(p);
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + stride, v, 1);
  v = v128.load32_lane(p + 2 * stride, v, 2);
  return v128.load32_lane(p + 3 * stride, v, 3);
}

/**
 * Average pooling backward: every output's dout/(K·K) goes to each in-range input of its
 * window. Accumulates into dinp (skipped entirely when dinp is 0). Each input element gathers
 * from the outputs whose windows cover it, in row-major order, adding dout/(K·K) (divided per
 * term, as torch does) into a sum that starts at 0, then adds the sum to dinp: torch's order (a
 * fresh zero gradient scattered to in output order, then accumulated), independent of the
 * path. dinp must not overlap dout. Buffers 16-byte aligned.
 */
export function avgpool2d_backward(
  dinp: usize,
  dout: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  if (!dinp) return;
  if (ASC_FEATURE_SIMD) {
    const OH = (H + 2 * P - K) / S + 1;
    const OW = (W + 2 * P - K) / S + 1;
    const kk = <f32>(K * K);
    const planes = B * C;
    const inPlane = <usize>(H * W) << 2;
    const outPlane = <usize>(OH * OW) << 2;
    for (let pl = 0; pl < planes; pl++) {
      const dp = dinp + <usize>pl * inPlane;
      const gp = dout + <usize>pl * outPlane;
      for (let ih = 0; ih < H; ih++) {
        const oh0 = first_cover(ih, K, S, P);
        const oh1 = min<i32>((ih + P) / S, OH - 1);
        // Columns of one residue mod S, four at a time: columns iw + l·S are covered by the
        // output columns of iw shifted by l, which are adjacent in dout.
        for (let r = 0; r < S && r < W; r++) {
          let iw = r;
          while (iw < W) {
            const a = iw + P - K + 1;
            if (a + S > 0 && iw + 3 * S < W && (iw + P) / S + 3 < OW) {
              const ow0 = a > 0 ? (a + S - 1) / S : 0;
              const n = (iw + P) / S - ow0 + 1;
              avgpool_back_four(dp, gp, ih, iw, oh0, oh1, ow0, n, W, OW, S, kk);
              iw += 4 * S;
            } else {
              avgpool_back_one(dp, gp, ih, iw, oh0, oh1, W, OW, K, S, P, kk);
              iw += S;
            }
          }
        }
      }
    }
  } else {
    avgpool2d_backward_scalar(dinp, dout, B, C, H, W, K, S, P);
  }
}

/** Scalar twin of `avgpool2d_backward` (same results bit for bit). */
export function avgpool2d_backward_scalar(
  dinp: usize,
  dout: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  if (!dinp) return;
  const OH = (H + 2 * P - K) / S + 1;
  const OW = (W + 2 * P - K) / S + 1;
  const kk = <f32>(K * K);
  const planes = B * C;
  const inPlane = <usize>(H * W) << 2;
  const outPlane = <usize>(OH * OW) << 2;
  for (let pl = 0; pl < planes; pl++) {
    const dp = dinp + <usize>pl * inPlane;
    const gp = dout + <usize>pl * outPlane;
    for (let ih = 0; ih < H; ih++) {
      const oh0 = first_cover(ih, K, S, P);
      const oh1 = min<i32>((ih + P) / S, OH - 1);
      for (let iw = 0; iw < W; iw++) {
        avgpool_back_one(dp, gp, ih, iw, oh0, oh1, W, OW, K, S, P, kk);
      }
    }
  }
}

/** The first output row (or column) whose window covers input row i: ⌈(i + P − K + 1)/S⌉ ≥ 0. */
// @ts-ignore: decorator
@inline
function first_cover(i: i32, K: i32, S: i32, P: i32): i32 {
  const a = i + P - K + 1;
  return a > 0 ? (a + S - 1) / S : 0;
}

/** Input (ih, iw): Σ dout/(K·K) over the outputs covering it, added to dinp. */
// @ts-ignore: decorator
@inline
function avgpool_back_one(
  dp: usize,
  gp: usize,
  ih: i32,
  iw: i32,
  oh0: i32,
  oh1: i32,
  W: i32,
  OW: i32,
  K: i32,
  S: i32,
  P: i32,
  kk: f32,
): void {
  const ow0 = first_cover(iw, K, S, P);
  const ow1 = min<i32>((iw + P) / S, OW - 1);
  let acc: f32 = 0;
  for (let oh = oh0; oh <= oh1; oh++) {
    for (let ow = ow0; ow <= ow1; ow++) acc += load<f32>(gp + (<usize>(oh * OW + ow) << 2)) / kk;
  }
  const d = dp + (<usize>(ih * W + iw) << 2);
  store<f32>(d, load<f32>(d) + acc);
}

/**
 * Inputs (ih, iw + l·S), l = 0..3, each covered by the n output columns ow0 + l + [0, n): lane l
 * adds the same terms in the same order as `avgpool_back_one`.
 */
// @ts-ignore: decorator
@inline
function avgpool_back_four(
  dp: usize,
  gp: usize,
  ih: i32,
  iw: i32,
  oh0: i32,
  oh1: i32,
  ow0: i32,
  n: i32,
  W: i32,
  OW: i32,
  S: i32,
  kk: f32,
): void {
  const kv = f32x4.splat(kk);
  let acc = f32x4.splat(0);
  for (let oh = oh0; oh <= oh1; oh++) {
    const g = gp + (<usize>(oh * OW + ow0) << 2);
    for (let j = 0; j < n; j++) {
      acc = f32x4.add(acc, f32x4.div(v128.load(g + (<usize>j << 2)), kv));
    }
  }
  add_strided(dp + (<usize>(ih * W + iw) << 2), <usize>S << 2, acc);
}

/** Adds the four lanes of v to the f32 at p, p + stride, p + 2·stride, p + 3·stride. */
// @ts-ignore: decorator
@inline
function add_strided(p: usize, stride: usize, v: v128): void {
  if (stride == 4) {
    v128.store(p, f32x4.add(v128.load(p), v));
  } else {
    let cur = v128.load32_zero(p);
    cur = v128.load32_lane(p + stride, cur, 1);
    cur = v128.load32_lane(p + 2 * stride, cur, 2);
    cur = v128.load32_lane(p + 3 * stride, cur, 3);
    cur = f32x4.add(cur, v);
    v128.store32_lane(p, cur, 0);
    v128.store32_lane(p + stride, cur, 1);
    v128.store32_lane(p + 2 * stride, cur, 2);
    v128.store32_lane(p + 3 * stride, cur, 3);
  }
}
