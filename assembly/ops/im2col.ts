// im2col.ts — one example [C, H, W] with K×K taps, stride S, padding P; col[C·K·K, OH·OW].
//
// The convolution's unrolling, used by conv2d.ts: im2col copies each tap's input pixels into a
// row of col (zeros where the window hangs over the padding), col2im adds a col's rows back into
// the input gradient. The SIMD versions give the scalar ones' bits (copies and single adds).

// im2col and col2im: col[t, p] for t = (c, kh, kw), p = (oh, ow), rows of OW floats.

/** First output column whose input column ow·S + kw − P is ≥ 0. */
// @ts-ignore: decorator
@inline
function first_col(kw: i32, S: i32, P: i32): i32 {
  const d = P - kw;
  return d <= 0 ? 0 : (d + S - 1) / S;
}

/** One past the last output column whose input column ow·S + kw − P is < W, at most OW. */
// @ts-ignore: decorator
@inline
function end_col(kw: i32, S: i32, P: i32, W: i32, OW: i32): i32 {
  const d = W - 1 + P - kw;
  return d < 0 ? 0 : min(OW, d / S + 1);
}

/** col[CKK, OH·OW] of one example x[C, H, W]: its inputs, 0 where a tap falls in the padding. */
export function im2col_scalar(
  col: usize,
  x: usize,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
  OH: i32,
  OW: i32,
): void {
  let dst = col;
  for (let c = 0; c < C; c++) {
    const plane = x + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let kh = 0; kh < K; kh++) {
      for (let kw = 0; kw < K; kw++) {
        const ow0 = min(first_col(kw, S, P), OW);
        const ow1 = max(ow0, end_col(kw, S, P, W, OW));
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * S + kh - P;
          if (ih < 0 || ih >= H) {
            for (let ow = 0; ow < OW; ow++) store<f32>(dst + (<usize>ow << 2), 0);
          } else {
            const src = plane + (<usize>(ih * W + kw - P) << 2);
            for (let ow = 0; ow < ow0; ow++) store<f32>(dst + (<usize>ow << 2), 0);
            for (let ow = ow0; ow < ow1; ow++) {
              store<f32>(dst + (<usize>ow << 2), load<f32>(src + (<usize>(ow * S) << 2)));
            }
            for (let ow = ow1; ow < OW; ow++) store<f32>(dst + (<usize>ow << 2), 0);
          }
          dst += <usize>OW << 2;
        }
      }
    }
  }
}

/** `im2col_scalar` with vector copies (stride 1) and vector zeros. */
export function im2col_simd(
  col: usize,
  x: usize,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
  OH: i32,
  OW: i32,
): void {
  let dst = col;
  const zero = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const plane = x + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let kh = 0; kh < K; kh++) {
      for (let kw = 0; kw < K; kw++) {
        const ow0 = min(first_col(kw, S, P), OW);
        const ow1 = max(ow0, end_col(kw, S, P, W, OW));
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * S + kh - P;
          if (ih < 0 || ih >= H) {
            let ow = 0;
            for (; ow + 4 <= OW; ow += 4) v128.store(dst + (<usize>ow << 2), zero);
            for (; ow < OW; ow++) store<f32>(dst + (<usize>ow << 2), 0);
          } else {
            const src = plane + (<usize>(ih * W + kw - P) << 2);
            for (let ow = 0; ow < ow0; ow++) store<f32>(dst + (<usize>ow << 2), 0);
            let ow = ow0;
            if (S == 1) {
              for (; ow + 4 <= ow1; ow += 4) {
                v128.store(dst + (<usize>ow << 2), v128.load(src + (<usize>ow << 2)));
              }
            }
            for (; ow < ow1; ow++) {
              store<f32>(dst + (<usize>ow << 2), load<f32>(src + (<usize>(ow * S) << 2)));
            }
            for (ow = ow1; ow < OW; ow++) store<f32>(dst + (<usize>ow << 2), 0);
          }
          dst += <usize>OW << 2;
        }
      }
    }
  }
}

/**
 * dx[C, H, W] += col[CKK, OH·OW] of one example: for each c the taps (kh, kw) in order, each
 * adding its row of pixels; entries that fall in the padding are dropped.
 */
export function col2im_scalar(
  dx: usize,
  col: usize,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
  OH: i32,
  OW: i32,
): void {
  let src = col;
  for (let c = 0; c < C; c++) {
    const plane = dx + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let kh = 0; kh < K; kh++) {
      for (let kw = 0; kw < K; kw++) {
        const ow0 = min(first_col(kw, S, P), OW);
        const ow1 = max(ow0, end_col(kw, S, P, W, OW));
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * S + kh - P;
          if (ih >= 0 && ih < H) {
            const dst = plane + (<usize>(ih * W + kw - P) << 2);
            for (let ow = ow0; ow < ow1; ow++) {
              const q = dst + (<usize>(ow * S) << 2);
              store<f32>(q, load<f32>(q) + load<f32>(src + (<usize>ow << 2)));
            }
          }
          src += <usize>OW << 2;
        }
      }
    }
  }
}

/**
 * `col2im_scalar` with vector adds (stride 1: one pixel row of a tap lands on distinct,
 * consecutive inputs, so each input still receives its terms in the same order).
 */
export function col2im_simd(
  dx: usize,
  col: usize,
  C: i32,
  H: i32,
  W: i32,
  K: i32,
  S: i32,
  P: i32,
  OH: i32,
  OW: i32,
): void {
  let src = col;
  for (let c = 0; c < C; c++) {
    const plane = dx + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let kh = 0; kh < K; kh++) {
      for (let kw = 0; kw < K; kw++) {
        const ow0 = min(first_col(kw, S, P), OW);
        const ow1 = max(ow0, end_col(kw, S, P, W, OW));
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * S + kh - P;
          if (ih >= 0 && ih < H) {
            const dst = plane + (<usize>(ih * W + kw - P) << 2);
            let ow = ow0;
            if (S == 1) {
              for (; ow + 4 <= ow1; ow += 4) {
                const q = dst + (<usize>ow << 2);
                v128.store(q, f32x4.add(v128.load(q), v128.load(src + (<usize>ow << 2))));
              }
            }
            for (; ow < ow1; ow++) {
              const q = dst + (<usize>(ow * S) << 2);
              store<f32>(q, load<f32>(q) + load<f32>(src + (<usize>ow << 2)));
            }
          }
          src += <usize>OW << 2;
        }
      }
    }
  }
}

