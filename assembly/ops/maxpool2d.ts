// maxpool2d.ts — B batch, C channels, H×W input planes, OH×OW output planes (NCHW); square
// window K, stride S, padding P: OH = (H + 2P − K)/S + 1, OW = (W + 2P − K)/S + 1.
//
// nn.MaxPool2d(K, S, P) as PyTorch computes it on the CPU (dilation 1, ceil_mode=False): the
// padding is implicit −∞, so it never wins, and with P ≤ K/2 (the callers' contract, torch's
// too) every window holds at least one input element. arg[B,C,OH,OW] is i32: the index
// h·W + w within its input plane of the element the output took (torch's `indices`).
//
// Both directions vectorise across four neighbouring outputs (forward) or inputs (backward) of
// one row, never by splitting a reduction, and run the scalar code at the plane edges, where
// the lanes' windows would be clipped differently. A max selects one input exactly, so the
// forward's bits cannot depend on the path; the backward adds in the same order in every path.

/**
 * Max pooling forward: out[b,c,oh,ow] = the max of the input window at rows oh·S − P + [0, K)
 * and columns ow·S − P + [0, K) (out-of-range positions skipped), arg = its plane index. The
 * window is scanned in row-major order from m = −∞ with m's index at the first in-range
 * position, taking an element when it is > m or NaN (torch's rule): ties keep the first, a NaN
 * wins (the last NaN, as torch), an all-−∞ window gives −∞ at its first in-range position.
 * Overwrites out and arg, which must not overlap inp. Buffers 16-byte aligned, any sizes that
 * satisfy the contract above.
 */
export function maxpool2d_forward(
  out: usize,
  arg: usize,
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
    // Columns whose whole window lies inside the row: ow·S ≥ P and ow·S − P + K ≤ W.
    const lo = min<i32>((P + S - 1) / S, OW);
    const hi = W - K + P >= 0 ? min<i32>((W - K + P) / S + 1, OW) : 0;
    const planes = B * C;
    const inPlane = <usize>(H * W) << 2;
    const outPlane = <usize>(OH * OW) << 2;
    for (let pl = 0; pl < planes; pl++) {
      const ip = inp + <usize>pl * inPlane;
      const op = out + <usize>pl * outPlane;
      const ap = arg + <usize>pl * outPlane;
      for (let oh = 0; oh < OH; oh++) {
        const top = oh * S - P;
        const ih0 = max<i32>(top, 0);
        const ih1 = min<i32>(top + K, H);
        const row = <usize>(oh * OW);
        let ow = 0;
        for (; ow < lo; ow++) maxpool_one(op, ap, ip, row, ih0, ih1, ow, W, K, S, P);
        for (; ow + 4 <= hi; ow += 4) maxpool_four(op, ap, ip, row, ih0, ih1, ow, W, K, S, P);
        for (; ow < OW; ow++) maxpool_one(op, ap, ip, row, ih0, ih1, ow, W, K, S, P);
      }
    }
  } else {
    maxpool2d_forward_scalar(out, arg, inp, B, C, H, W, K, S, P);
  }
}

/** Scalar twin of `maxpool2d_forward` (same results bit for bit). */
export function maxpool2d_forward_scalar(
  out: usize,
  arg: usize,
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
  const planes = B * C;
  const inPlane = <usize>(H * W) << 2;
  const outPlane = <usize>(OH * OW) << 2;
  for (let pl = 0; pl < planes; pl++) {
    const ip = inp + <usize>pl * inPlane;
    const op = out + <usize>pl * outPlane;
    const ap = arg + <usize>pl * outPlane;
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * S - P;
      const ih0 = max<i32>(top, 0);
      const ih1 = min<i32>(top + K, H);
      const row = <usize>(oh * OW);
      for (let ow = 0; ow < OW; ow++) maxpool_one(op, ap, ip, row, ih0, ih1, ow, W, K, S, P);
    }
  }
}

/** One output (oh's rows [ih0, ih1) given, columns clipped here) of the plane at ip. */
// @ts-ignore: decorator
@inline
function maxpool_one(
  op: usize,
  ap: usize,
  ip: usize,
  row: usize,
  ih0: i32,
  ih1: i32,
  ow: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  const left = ow * S - P;
  const iw0 = max<i32>(left, 0);
  const iw1 = min<i32>(left + K, W);
  let m: f32 = -Infinity;
  let idx = ih0 * W + iw0;
  for (let ih = ih0; ih < ih1; ih++) {
    for (let iw = iw0; iw < iw1; iw++) {
      const i = ih * W + iw;
      const v = load<f32>(ip + (<usize>i << 2));
      if (v > m || v != v) {
        m = v;
        idx = i;
      }
    }
  }
  const o = (row + <usize>ow) << 2;
  store<f32>(op + o, m);
  store<i32>(ap + o, idx);
}

/**
 * Outputs ow..ow+3 of a row whose windows all lie inside the row: lane l scans the columns
 * (ow + l)·S − P + [0, K) exactly like `maxpool_one`, with a compare-and-select per element.
 */
// @ts-ignore: decorator
@inline
function maxpool_four(
  op: usize,
  ap: usize,
  ip: usize,
  row: usize,
  ih0: i32,
  ih1: i32,
  ow: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  const left = ow * S - P;
  const lanes = i32x4(0, S, 2 * S, 3 * S);
  const stride = <usize>S << 2;
  let m = f32x4.splat(-Infinity);
  let idx = i32x4.add(i32x4.splat(ih0 * W + left), lanes);
  for (let ih = ih0; ih < ih1; ih++) {
    for (let kw = 0; kw < K; kw++) {
      const i = ih * W + left + kw;
      const v = load_strided(ip + (<usize>i << 2), stride);
      const take = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
      m = v128.bitselect(v, m, take);
      idx = v128.bitselect(i32x4.add(i32x4.splat(i), lanes), idx, take);
    }
  }
  const o = (row + <usize>ow) << 2;
  v128.store(op + o, m);
  v128.store(ap + o, idx);
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
 * Max pooling backward: dinp[b,c][arg[b,c,oh,ow]] += dout[b,c,oh,ow] for every output, with the
 * arg `maxpool2d_forward` wrote. Accumulates into dinp (skipped entirely when dinp is 0).
 * Overlapping windows (S < K) can send several outputs to one input, so each input element
 * gathers its share instead of being scattered to: the outputs whose windows cover it are
 * visited in row-major order, those that chose it added into a sum that starts at 0, and the
 * sum is then added to dinp. That is torch's order (a fresh zero gradient scattered to in
 * output order, then accumulated) and leaves the element's addition order independent of the
 * path. dinp must not overlap dout or arg. Buffers 16-byte aligned.
 */
export function maxpool2d_backward(
  dinp: usize,
  dout: usize,
  arg: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  if (!dinp) return;
  if (K <= S) {
    maxpool_back_scatter(dinp, dout, arg, B * C, H * W, ((H + 2 * P - K) / S + 1) * ((W + 2 * P - K) / S + 1));
    return;
  }
  if (ASC_FEATURE_SIMD) {
    const OH = (H + 2 * P - K) / S + 1;
    const OW = (W + 2 * P - K) / S + 1;
    const planes = B * C;
    const inPlane = <usize>(H * W) << 2;
    const outPlane = <usize>(OH * OW) << 2;
    for (let pl = 0; pl < planes; pl++) {
      const dp = dinp + <usize>pl * inPlane;
      const gp = dout + <usize>pl * outPlane;
      const ap = arg + <usize>pl * outPlane;
      for (let ih = 0; ih < H; ih++) {
        const oh0 = first_cover(ih, K, S, P);
        const oh1 = min<i32>((ih + P) / S, OH - 1);
        // Columns of one residue mod S, four at a time: columns iw + l·S are covered by the
        // output columns of iw shifted by l, which are adjacent in dout and arg.
        for (let r = 0; r < S && r < W; r++) {
          let iw = r;
          while (iw < W) {
            const a = iw + P - K + 1;
            if (a + S > 0 && iw + 3 * S < W && (iw + P) / S + 3 < OW) {
              const ow0 = a > 0 ? (a + S - 1) / S : 0;
              const n = (iw + P) / S - ow0 + 1;
              maxpool_back_four(dp, gp, ap, ih, iw, oh0, oh1, ow0, n, W, OW, S);
              iw += 4 * S;
            } else {
              maxpool_back_one(dp, gp, ap, ih, iw, oh0, oh1, W, OW, K, S, P);
              iw += S;
            }
          }
        }
      }
    }
  } else {
    maxpool2d_backward_scalar(dinp, dout, arg, B, C, H, W, K, S, P);
  }
}

/** Scalar twin of `maxpool2d_backward` (same results bit for bit). */
export function maxpool2d_backward_scalar(
  dinp: usize,
  dout: usize,
  arg: usize,
  B: i32,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  if (!dinp) return;
  if (K <= S) {
    maxpool_back_scatter(dinp, dout, arg, B * C, H * W, ((H + 2 * P - K) / S + 1) * ((W + 2 * P - K) / S + 1));
    return;
  }
  const OH = (H + 2 * P - K) / S + 1;
  const OW = (W + 2 * P - K) / S + 1;
  const planes = B * C;
  const inPlane = <usize>(H * W) << 2;
  const outPlane = <usize>(OH * OW) << 2;
  for (let pl = 0; pl < planes; pl++) {
    const dp = dinp + <usize>pl * inPlane;
    const gp = dout + <usize>pl * outPlane;
    const ap = arg + <usize>pl * outPlane;
    for (let ih = 0; ih < H; ih++) {
      const oh0 = first_cover(ih, K, S, P);
      const oh1 = min<i32>((ih + P) / S, OH - 1);
      for (let iw = 0; iw < W; iw++) {
        maxpool_back_one(dp, gp, ap, ih, iw, oh0, oh1, W, OW, K, S, P);
      }
    }
  }
}

/**
 * Windows that do not overlap (K ≤ S, the usual 2×2 stride 2): every input is the winner of at
 * most one output, so each output's gradient goes straight to its winner. `0 + g` is the sum
 * the gather path forms (it turns −0 into +0 and nothing else), so the bits are the same; it
 * reads each output once instead of scanning the windows of every input.
 */
function maxpool_back_scatter(
  dinp: usize,
  dout: usize,
  arg: usize,
  planes: i32,
  inPlane: i32,
  outPlane: i32,
): void {
  for (let pl = 0; pl < planes; pl++) {
    const dp = dinp + ((<usize>pl * <usize>inPlane) << 2);
    const base = <usize>pl * <usize>outPlane;
    for (let o = 0; o < outPlane; o++) {
      const at = (base + <usize>o) << 2;
      const d = dp + (<usize>load<i32>(arg + at) << 2);
      store<f32>(d, load<f32>(d) + (<f32>0 + load<f32>(dout + at)));
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

/** Input (ih, iw): the sum of dout over covering outputs whose arg is this element, into dinp. */
// @ts-ignore: decorator
@inline
function maxpool_back_one(
  dp: usize,
  gp: usize,
  ap: usize,
  ih: i32,
  iw: i32,
  oh0: i32,
  oh1: i32,
  W: i32,
  OW: i32,
  K: i32,
  S: i32,
  P: i32,
): void {
  const ow0 = first_cover(iw, K, S, P);
  const ow1 = min<i32>((iw + P) / S, OW - 1);
  const idx = ih * W + iw;
  let acc: f32 = 0;
  for (let oh = oh0; oh <= oh1; oh++) {
    for (let ow = ow0; ow <= ow1; ow++) {
      const o = <usize>(oh * OW + ow) << 2;
      acc += load<i32>(ap + o) == idx ? load<f32>(gp + o) : 0;
    }
  }
  const d = dp + (<usize>idx << 2);
  store<f32>(d, load<f32>(d) + acc);
}

/**
 * Inputs (ih, iw + l·S), l = 0..3, each covered by the n output columns ow0 + l + [0, n): lane l
 * adds the same terms in the same order as `maxpool_back_one` (a non-chosen output adds +0,
 * which leaves a sum that started at +0 unchanged).
 */
// @ts-ignore: decorator
@inline
function maxpool_back_four(
  dp: usize,
  gp: usize,
  ap: usize,
  ih: i32,
  iw: i32,
  oh0: i32,
  oh1: i32,
  ow0: i32,
  n: i32,
  W: i32,
  OW: i32,
  S: i32,
): void {
  const idx = i32x4.add(i32x4.splat(ih * W + iw), i32x4(0, S, 2 * S, 3 * S));
  let acc = f32x4.splat(0);
  for (let oh = oh0; oh <= oh1; oh++) {
    for (let j = 0; j < n; j++) {
      const o = <usize>(oh * OW + ow0 + j) << 2;
      const hit = i32x4.eq(v128.load(ap + o), idx);
      acc = f32x4.add(acc, v128.and(v128.load(gp + o), hit));
    }
  }
  const d = dp + (<usize>(ih * W + iw) << 2);
  const stride = <usize>S << 2;
  add_strided(d, stride, acc);
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
