// matmul.ts — M, K, N: out[M,N] (+)= A[M,K]·B[K,N] (nn), A·B[N,K]ᵀ (nt), A[K,M]ᵀ·B (tn).

// One micro-kernel serves all three layouts. It computes a tile of R ≤ 4 rows × W = 8 (or 4)
// columns of out in R·W/4 ≤ 8 f32x4 accumulators: per k it loads W/4 vectors of a packed B strip
// and broadcasts R elements of A straight from memory (v128.load32_splat is one vbroadcastss), so
// the loop body is 6 loads, 8 mul and 8 add. V8 on x64 allocates 15 xmm registers (xmm15 is its
// scratch): 8 accumulators + 2 B vectors + 1 broadcast fit with room to spare, whereas a 6×8 tile
// (12 + 3 = 15) spilled and measured ~40% slower, and 4×12 needs 16. Four rows also divide the
// usual batch of 32.
//
// B is packed per k-block into a contiguous strip [kc][W] (transposed on the fly for nt), so the
// kernel's B loads are sequential and stay in L1 (KC·8·4 = 8 KB) while every row tile reuses the
// strip; unpacked, a column strip of B[256,256] maps onto 4 L1 sets (row stride 1 KB) and thrashes.
// A needs no packing: element (r, k) of a tile is at a + r·rs + k·ks with (rs, ks) = (K·4, 4) for
// nn/nt and (4, M·4) for tn, so the same kernel walks four A pointers in both cases.
//
// Every output element is summed in plain k order, starting from 0 (acc = 0) or from out
// (acc ≠ 0), one rounding per mul and per add: the very sequence of the scalar twins, so fast and
// twin give the same bits for every shape (the tests require it). Hence no split partial sums
// along k, and later k-blocks (K > KC) start their tiles from out again.
//
// Tails: column tails pad the strip with zeros to W = 4 or 8 and go through a small scratch tile;
// row tails use the same kernel with R = 1, 2 or 3. A single output column (N = 1, like a
// one-unit output layer) is computed as the transposed problem, one row of 8-wide strips.

/** Deepest k-block: the packed strip of KC × 8 floats is 8 KB, in L1 next to A's four rows. */
const KC: i32 = 256;
/** Packed B strip [kc][W] of the current k-block and column strip. */
const PACK: usize = memory.data(KC * 8 * 4, 64);
/** Rows of A per packed block: 64 × KC floats = 64 KB, so B strips are re-packed every 64 rows. */
const MC: i32 = 64;
/** Packed A block [MC/4][kc][4] for nn and nt. */
const APACK: usize = memory.data(MC * KC * 4, 64);
/** One R × W tile for column tails, rows 8 floats (32 bytes) apart. */
const TILE: usize = memory.data(4 * 8 * 4, 16);

// ---------------------------------------------------------------------------------------------
// Scalar reference code (also the whole scalar build).

/**
 * Scalar twin of `matmul_nn`: out[M,N] (+)= A[M,K]·B[K,N], row-major f32. Plain i-k-j loops
 * (the innermost loop runs along rows of B and out, not along a latency-bound dot product).
 * acc ≠ 0 adds to out, acc = 0 overwrites it (out is not read). Any sizes ≥ 0, any alignment.
 */
export function matmul_nn_scalar(
  out: usize,
  a: usize,
  b: usize,
  M: i32,
  K: i32,
  N: i32,
  acc: i32,
): void {
  for (let i = 0; i < M; i++) {
    const o = out + ((<usize>i * <usize>N) << 2);
    if (!acc) for (let j = 0; j < N; j++) store<f32>(o + (<usize>j << 2), 0);
    for (let k = 0; k < K; k++) {
      const x = load<f32>(a + ((<usize>i * <usize>K + <usize>k) << 2));
      const brow = b + ((<usize>k * <usize>N) << 2);
      for (let j = 0; j < N; j++) {
        const p = <usize>j << 2;
        store<f32>(o + p, load<f32>(o + p) + x * load<f32>(brow + p));
      }
    }
  }
}

/**
 * Scalar twin of `matmul_nt`: out[M,N] (+)= A[M,K]·B[N,K]ᵀ, one dot product per output element
 * started from out (acc ≠ 0) or 0. Any sizes ≥ 0, any alignment.
 */
export function matmul_nt_scalar(
  out: usize,
  a: usize,
  b: usize,
  M: i32,
  K: i32,
  N: i32,
  acc: i32,
): void {
  for (let i = 0; i < M; i++) {
    const arow = a + ((<usize>i * <usize>K) << 2);
    for (let j = 0; j < N; j++) {
      const brow = b + ((<usize>j * <usize>K) << 2);
      const o = out + ((<usize>i * <usize>N + <usize>j) << 2);
      let s: f32 = acc ? load<f32>(o) : 0;
      for (let k = 0; k < K; k++) {
        const p = <usize>k << 2;
        s += load<f32>(arow + p) * load<f32>(brow + p);
      }
      store<f32>(o, s);
    }
  }
}

/**
 * Scalar twin of `matmul_tn`: out[M,N] (+)= A[K,M]ᵀ·B[K,N], i-k-j loops like `matmul_nn_scalar`.
 * acc ≠ 0 adds to out, acc = 0 overwrites it. Any sizes ≥ 0, any alignment.
 */
export function matmul_tn_scalar(
  out: usize,
  a: usize,
  b: usize,
  M: i32,
  K: i32,
  N: i32,
  acc: i32,
): void {
  for (let i = 0; i < M; i++) {
    const o = out + ((<usize>i * <usize>N) << 2);
    if (!acc) for (let j = 0; j < N; j++) store<f32>(o + (<usize>j << 2), 0);
    for (let k = 0; k < K; k++) {
      const x = load<f32>(a + ((<usize>k * <usize>M + <usize>i) << 2));
      const brow = b + ((<usize>k * <usize>N) << 2);
      for (let j = 0; j < N; j++) {
        const p = <usize>j << 2;
        store<f32>(o + p, load<f32>(o + p) + x * load<f32>(brow + p));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Fast entry points.

/**
 * out[M,N] (+)= A[M,K]·B[K,N], all row-major f32. acc ≠ 0 accumulates into out, acc = 0
 * overwrites it (out is not read, so it may hold garbage). Any sizes ≥ 0, no multiple-of-4
 * requirement; buffers 16-byte aligned like the arena's (only speed depends on it); out must not
 * overlap A or B. Same bits as `matmul_nn_scalar`, which the scalar build runs instead.
 */
export function matmul_nn(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  if (ASC_FEATURE_SIMD) {
    // One output column is one output row of the transposed problem (the same memory):
    // outᵀ[1,M] = B[K,1]ᵀ·A[M,K]ᵀ is an nt product that fills all lanes of 8-wide strips
    // instead of one lane of a zero-padded 4-wide strip per row tile.
    if (N == 1) gemm(out, b, <usize>K << 2, 4, a, true, 1, K, M, acc != 0);
    else gemm(out, a, <usize>K << 2, 4, b, false, M, K, N, acc != 0);
  } else {
    matmul_nn_scalar(out, a, b, M, K, N, acc);
  }
}

/**
 * out[M,N] (+)= A[M,K]·B[N,K]ᵀ (B's rows are the output columns, like dense weights [OC, C]).
 * Same contract as `matmul_nn`, same bits as `matmul_nt_scalar`. B is transposed strip by strip
 * while packing, so the cost over nn is one pass of 4×4 register transposes over B.
 */
export function matmul_nt(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  if (ASC_FEATURE_SIMD) {
    // N = 1 (a one-unit output layer): outᵀ[1,M] = B[1,K]·A[M,K]ᵀ, as in matmul_nn.
    if (N == 1) gemm(out, b, <usize>K << 2, 4, a, true, 1, K, M, acc != 0);
    else gemm(out, a, <usize>K << 2, 4, b, true, M, K, N, acc != 0);
  } else {
    matmul_nt_scalar(out, a, b, M, K, N, acc);
  }
}

/**
 * out[M,N] (+)= A[K,M]ᵀ·B[K,N] (a sum of outer products over k, like dw = doutᵀ·inp).
 * Same contract as `matmul_nn`, same bits as `matmul_tn_scalar`.
 */
export function matmul_tn(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  if (ASC_FEATURE_SIMD) {
    // N = 1: outᵀ[1,M] = B[K,1]ᵀ·A[K,M], an nn product (see matmul_nn).
    if (N == 1) gemm(out, b, <usize>K << 2, 4, a, false, 1, K, M, acc != 0);
    else gemm(out, a, 4, <usize>M << 2, b, false, M, K, N, acc != 0);
  } else {
    matmul_tn_scalar(out, a, b, M, K, N, acc);
  }
}

// ---------------------------------------------------------------------------------------------
// SIMD implementation.

/**
 * The blocked driver. A's element (i, k) is at a + i·rs + k·ks (bytes); B is [K,N] or, with bt,
 * [N,K]. Loops: k-blocks ▸ row blocks (A packed, when it pays) ▸ 8-wide column strips (B packed)
 * ▸ 4-row tiles.
 */
function gemm(
  out: usize,
  a: usize,
  rs: usize,
  ks: usize,
  b: usize,
  bt: bool,
  M: i32,
  K: i32,
  N: i32,
  acc: bool,
): void {
  if (M <= 0 || N <= 0) return;
  const ldo = <usize>N << 2;
  if (K <= 0) {
    // An empty sum: overwrite with zeros, or leave out as it is.
    if (!acc) memory.fill(out, 0, <usize>M * ldo);
    return;
  }
  // Rows of A 4 bytes apart (tn) already suit the contiguous kernel. Strided rows (nn, nt) are
  // packed when at least three strips reuse them; for one or two strips the transposing pass
  // costs about what it saves.
  const packA = rs != 4 && N > 16;
  const blocks = (K + KC - 1) / KC;
  const kcb = (K + blocks - 1) / blocks;
  for (let k0 = 0; k0 < K; k0 += kcb) {
    const kc = min(kcb, K - k0);
    const accb = acc || k0 > 0;
    const mcb = packA ? MC : M;
    for (let i0 = 0; i0 < M; i0 += mcb) {
      const mc = min(mcb, M - i0);
      let ap = a + <usize>i0 * rs + <usize>k0 * ks;
      let aks = ks;
      // Bytes from one 4-row tile of A to the next.
      let at = rs << 2;
      if (packA) {
        pack_a(ap, rs, mc, kc);
        ap = APACK;
        aks = 16;
        at = <usize>kc << 4;
      }
      const contiguous = packA || rs == 4;
      const ob = out + <usize>i0 * ldo;
      for (let j0 = 0; j0 < N; j0 += 8) {
        const w = min(8, N - j0);
        const o = ob + (<usize>j0 << 2);
        if (w > 4) {
          if (bt) pack_t(8, b, K, k0, kc, j0, w);
          else pack_n(8, b, N, k0, kc, j0, w);
          if (contiguous) strip8c(o, ldo, ap, at, aks, mc, kc, accb, w);
          else strip8s(o, ldo, ap, rs, aks, mc, kc, accb, w);
        } else {
          if (bt) pack_t(4, b, K, k0, kc, j0, w);
          else pack_n(4, b, N, k0, kc, j0, w);
          if (contiguous) strip4c(o, ldo, ap, at, aks, mc, kc, accb, w);
          else strip4s(o, ldo, ap, rs, aks, mc, kc, accb, w);
        }
      }
    }
  }
}

/**
 * Packs mc rows × kc columns of A (element (i, k) at a + i·rs + 4k) into APACK as 4-row tiles
 * [⌈mc/4⌉][kc][4], so the kernel reads one tile through one pointer with immediate offsets.
 * Rows past mc in the last tile are left as they are: the tail kernel never reads them.
 */
function pack_a(a: usize, rs: usize, mc: i32, kc: i32): void {
  let dst = APACK;
  const tile = <usize>kc << 4;
  let i = 0;
  for (; i + 4 <= mc; i += 4) {
    const src = a + <usize>i * rs;
    let k = 0;
    for (; k + 4 <= kc; k += 4) transpose4(dst + (<usize>k << 4), 4, src + (<usize>k << 2), rs);
    for (; k < kc; k++) {
      const d = dst + (<usize>k << 4);
      const s = src + (<usize>k << 2);
      store<f32>(d, load<f32>(s));
      store<f32>(d, load<f32>(s + rs), 4);
      store<f32>(d, load<f32>(s + 2 * rs), 8);
      store<f32>(d, load<f32>(s + 3 * rs), 12);
    }
    dst += tile;
  }
  for (let r = 0; i + r < mc; r++) {
    const src = a + <usize>(i + r) * rs;
    for (let k = 0; k < kc; k++) {
      store<f32>(dst + (<usize>k << 4) + (<usize>r << 2), load<f32>(src + (<usize>k << 2)));
    }
  }
}

/** Packs B[k0:k0+kc, j0:j0+w] of a [K,N] matrix into PACK as [kc][W], zero-padding w < W. */
// @ts-ignore: decorator
@inline
function pack_n(W: i32, b: usize, N: i32, k0: i32, kc: i32, j0: i32, w: i32): void {
  const ldb = <usize>N << 2;
  let src = b + ((<usize>k0 * <usize>N + <usize>j0) << 2);
  let dst = PACK;
  if (w == W) {
    for (let k = 0; k < kc; k++) {
      v128.store(dst, v128.load(src));
      if (W == 8) v128.store(dst, v128.load(src, 16), 16);
      src += ldb;
      dst += <usize>W << 2;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      for (let c = 0; c < W; c++) {
        store<f32>(dst + (<usize>c << 2), c < w ? load<f32>(src + (<usize>c << 2)) : 0);
      }
      src += ldb;
      dst += <usize>W << 2;
    }
  }
}

/**
 * Packs B[j0:j0+w, k0:k0+kc]ᵀ of an [N,K] matrix into PACK as [kc][W] (zero-padding w < W),
 * four k at a time with 4×4 register transposes of W/4 row groups.
 */
// @ts-ignore: decorator
@inline
function pack_t(W: i32, b: usize, K: i32, k0: i32, kc: i32, j0: i32, w: i32): void {
  const ldb = <usize>K << 2;
  const src = b + ((<usize>j0 * <usize>K + <usize>k0) << 2);
  let k = 0;
  if (w == W) {
    for (; k + 4 <= kc; k += 4) {
      const s = src + (<usize>k << 2);
      const d = PACK + (<usize>(k * W) << 2);
      transpose4(d, W, s, ldb);
      if (W == 8) transpose4(d + 16, W, s + (ldb << 2), ldb);
    }
  }
  for (; k < kc; k++) {
    const d = PACK + (<usize>(k * W) << 2);
    const s = src + (<usize>k << 2);
    for (let c = 0; c < W; c++) {
      store<f32>(d + (<usize>c << 2), c < w ? load<f32>(s + <usize>c * ldb) : 0);
    }
  }
}

/** Rows s, s+ld, s+2ld, s+3ld (4 floats each) → 4 columns of 4 stored W floats apart at d. */
// @ts-ignore: decorator
@inline
function transpose4(d: usize, W: i32, s: usize, ld: usize): void {
  const r0 = v128.load(s);
  const r1 = v128.load(s + ld);
  const r2 = v128.load(s + 2 * ld);
  const r3 = v128.load(s + 3 * ld);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  const step = <usize>W << 2;
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + step, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * step, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * step, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

// The four strip runners: W = 8 or 4 columns, A rows contiguous (c: element (r, k) at
// a + 4r + k·ks) or strided (s: at a + r·rs + k·ks). Each inlines its own copies of the
// micro-kernel for R = 4, 3, 2 and 1, so R, W and the A addressing are constants there and the
// unused accumulators, pointers and stores fold away. (Inlining the tiles here measured ~5% faster
// than one call per tile.)
function strip8c(
  o: usize,
  ldo: usize,
  a: usize,
  at: usize,
  ks: usize,
  M: i32,
  kc: i32,
  acc: bool,
  w: i32,
): void {
  rows(8, true, o, ldo, a, 4, at, ks, M, kc, acc, w);
}
function strip4c(
  o: usize,
  ldo: usize,
  a: usize,
  at: usize,
  ks: usize,
  M: i32,
  kc: i32,
  acc: bool,
  w: i32,
): void {
  rows(4, true, o, ldo, a, 4, at, ks, M, kc, acc, w);
}
function strip8s(
  o: usize,
  ldo: usize,
  a: usize,
  rs: usize,
  ks: usize,
  M: i32,
  kc: i32,
  acc: bool,
  w: i32,
): void {
  rows(8, false, o, ldo, a, rs, rs << 2, ks, M, kc, acc, w);
}
function strip4s(
  o: usize,
  ldo: usize,
  a: usize,
  rs: usize,
  ks: usize,
  M: i32,
  kc: i32,
  acc: bool,
  w: i32,
): void {
  rows(4, false, o, ldo, a, rs, rs << 2, ks, M, kc, acc, w);
}

/**
 * Runs the W-wide strip in PACK down M rows: 4-row tiles (A tiles at bytes at apart), then one
 * tile for the 1–3 row tail.
 */
// @ts-ignore: decorator
@inline
function rows(
  W: i32,
  T: bool,
  o: usize,
  ldo: usize,
  a: usize,
  rs: usize,
  at: usize,
  ks: usize,
  M: i32,
  kc: i32,
  acc: bool,
  w: i32,
): void {
  let i = 0;
  const o4 = ldo << 2;
  for (; i + 4 <= M; i += 4) {
    tile(4, W, T, o, ldo, a, rs, ks, kc, acc, w);
    o += o4;
    a += at;
  }
  const r = M - i;
  if (r == 3) tile(3, W, T, o, ldo, a, rs, ks, kc, acc, w);
  else if (r == 2) tile(2, W, T, o, ldo, a, rs, ks, kc, acc, w);
  else if (r == 1) tile(1, W, T, o, ldo, a, rs, ks, kc, acc, w);
}

/**
 * The micro-kernel: the out tile [R, w] at o (rows ldo bytes apart) (+)= Σ_k A(r, k)·PACK[k, :]
 * over k < kc, with A(r, k) at a + r·rs + k·ks. R ∈ 1..4 and W ∈ {4, 8} must be constants;
 * w ≤ W columns are valid (w < W only for the last strip, whose padding PACK holds as zeros).
 */
// @ts-ignore: decorator
@inline
function tile(
  R: i32,
  W: i32,
  T: bool,
  o: usize,
  ldo: usize,
  a: usize,
  rs: usize,
  ks: usize,
  kc: i32,
  acc: bool,
  w: i32,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  if (acc) {
    // Start from out so every element sums in plain k order, like the scalar twin.
    let src = o;
    let ld = ldo;
    if (w < W) {
      for (let r = 0; r < R; r++) {
        const from = o + <usize>r * ldo;
        const to = TILE + (<usize>r << 5);
        for (let c = 0; c < W; c++) {
          const q = <usize>c << 2;
          store<f32>(to + q, c < w ? load<f32>(from + q) : 0);
        }
      }
      src = TILE;
      ld = 32;
    }
    c00 = v128.load(src);
    if (W == 8) c01 = v128.load(src, 16);
    if (R > 1) {
      c10 = v128.load(src + ld);
      if (W == 8) c11 = v128.load(src + ld, 16);
    }
    if (R > 2) {
      c20 = v128.load(src + 2 * ld);
      if (W == 8) c21 = v128.load(src + 2 * ld, 16);
    }
    if (R > 3) {
      c30 = v128.load(src + 3 * ld);
      if (W == 8) c31 = v128.load(src + 3 * ld, 16);
    }
  }
  // One k per iteration: unrolling measured slower, as V8 then schedules both steps' loads first
  // and spills accumulators.
  let p = PACK;
  if (T) {
    // One pointer, the rows at immediate offsets: 4 fewer integer adds per k than strided rows,
    // which measured ~10% faster (the loop is near the 8-wide dispatch limit).
    for (let k = 0; k < kc; k++) {
      const b0 = v128.load(p);
      const b1 = W == 8 ? v128.load(p, 16) : b0;
      let x = v128.load32_splat(a);
      c00 = f32x4.add(c00, f32x4.mul(x, b0));
      if (W == 8) c01 = f32x4.add(c01, f32x4.mul(x, b1));
      if (R > 1) {
        x = v128.load32_splat(a, 4);
        c10 = f32x4.add(c10, f32x4.mul(x, b0));
        if (W == 8) c11 = f32x4.add(c11, f32x4.mul(x, b1));
      }
      if (R > 2) {
        x = v128.load32_splat(a, 8);
        c20 = f32x4.add(c20, f32x4.mul(x, b0));
        if (W == 8) c21 = f32x4.add(c21, f32x4.mul(x, b1));
      }
      if (R > 3) {
        x = v128.load32_splat(a, 12);
        c30 = f32x4.add(c30, f32x4.mul(x, b0));
        if (W == 8) c31 = f32x4.add(c31, f32x4.mul(x, b1));
      }
      p += <usize>W << 2;
      a += ks;
    }
  } else {
    let a1 = a + rs;
    let a2 = a + 2 * rs;
    let a3 = a + 3 * rs;
    for (let k = 0; k < kc; k++) {
      const b0 = v128.load(p);
      const b1 = W == 8 ? v128.load(p, 16) : b0;
      let x = v128.load32_splat(a);
      c00 = f32x4.add(c00, f32x4.mul(x, b0));
      if (W == 8) c01 = f32x4.add(c01, f32x4.mul(x, b1));
      if (R > 1) {
        x = v128.load32_splat(a1);
        c10 = f32x4.add(c10, f32x4.mul(x, b0));
        if (W == 8) c11 = f32x4.add(c11, f32x4.mul(x, b1));
      }
      if (R > 2) {
        x = v128.load32_splat(a2);
        c20 = f32x4.add(c20, f32x4.mul(x, b0));
        if (W == 8) c21 = f32x4.add(c21, f32x4.mul(x, b1));
      }
      if (R > 3) {
        x = v128.load32_splat(a3);
        c30 = f32x4.add(c30, f32x4.mul(x, b0));
        if (W == 8) c31 = f32x4.add(c31, f32x4.mul(x, b1));
      }
      p += <usize>W << 2;
      a += ks;
      a1 += ks;
      a2 += ks;
      a3 += ks;
    }
  }
  if (w == W) {
    store_row(W, o, c00, c01);
    if (R > 1) store_row(W, o + ldo, c10, c11);
    if (R > 2) store_row(W, o + 2 * ldo, c20, c21);
    if (R > 3) store_row(W, o + 3 * ldo, c30, c31);
  } else {
    // Column tail: spill the tile, copy the w valid columns.
    v128.store(TILE, c00);
    if (W == 8) v128.store(TILE, c01, 16);
    if (R > 1) {
      v128.store(TILE, c10, 32);
      if (W == 8) v128.store(TILE, c11, 48);
    }
    if (R > 2) {
      v128.store(TILE, c20, 64);
      if (W == 8) v128.store(TILE, c21, 80);
    }
    if (R > 3) {
      v128.store(TILE, c30, 96);
      if (W == 8) v128.store(TILE, c31, 112);
    }
    for (let r = 0; r < R; r++) {
      const src = TILE + (<usize>r << 5);
      const dst = o + <usize>r * ldo;
      for (let c = 0; c < w; c++) {
        const q = <usize>c << 2;
        store<f32>(dst + q, load<f32>(src + q));
      }
    }
  }
}

/** Stores one tile row of W floats. */
// @ts-ignore: decorator
@inline
function store_row(W: i32, o: usize, c0: v128, c1: v128): void {
  v128.store(o, c0);
  if (W == 8) v128.store(o, c1, 16);
}

// ---------------------------------------------------------------------------------------------
// The reference peak.

/**
 * The reference peak: a register-only loop of independent f32x4 multiply-adds, the ceiling the
 * matmuls are measured against. 12 chains acc = acc·s + t (f32x4.mul then f32x4.add, no FMA):
 * 12 accumulators + 2 constants fit the 15 xmm registers V8 allocates on x64. Each product feeds
 * the add of its own chain, so the loop needs that many chains to cover the mul + add latency;
 * products of loop-invariant operands instead (acc += x·y) get constant-folded by Binaryen.
 * Returns the sum of all lanes so nothing is optimised away; s < 1 keeps the values bounded (they
 * tend to t / (1 - s) = 1, no denormals). The scalar build runs the same 12 chains on f32
 * scalars. Flops per iteration: `peak_flops_per_iteration`.
 */
export function peak_loop(iterations: i32): f32 {
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(0.999);
    const t = f32x4.splat(0.001);
    let a0 = f32x4.splat(0.1);
    let a1 = f32x4.splat(0.2);
    let a2 = f32x4.splat(0.3);
    let a3 = f32x4.splat(0.4);
    let a4 = f32x4.splat(0.5);
    let a5 = f32x4.splat(0.6);
    let a6 = f32x4.splat(0.7);
    let a7 = f32x4.splat(0.8);
    let a8 = f32x4.splat(0.9);
    let a9 = f32x4.splat(1.0);
    let a10 = f32x4.splat(1.1);
    let a11 = f32x4.splat(1.2);
    for (let i = 0; i < iterations; i++) {
      a0 = f32x4.add(f32x4.mul(a0, s), t);
      a1 = f32x4.add(f32x4.mul(a1, s), t);
      a2 = f32x4.add(f32x4.mul(a2, s), t);
      a3 = f32x4.add(f32x4.mul(a3, s), t);
      a4 = f32x4.add(f32x4.mul(a4, s), t);
      a5 = f32x4.add(f32x4.mul(a5, s), t);
      a6 = f32x4.add(f32x4.mul(a6, s), t);
      a7 = f32x4.add(f32x4.mul(a7, s), t);
      a8 = f32x4.add(f32x4.mul(a8, s), t);
      a9 = f32x4.add(f32x4.mul(a9, s), t);
      a10 = f32x4.add(f32x4.mul(a10, s), t);
      a11 = f32x4.add(f32x4.mul(a11, s), t);
    }
    const q = f32x4.add(
      f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(a4, a5)),
      f32x4.add(f32x4.add(f32x4.add(a6, a7), f32x4.add(a8, a9)), f32x4.add(a10, a11)),
    );
    return (
      f32x4.extract_lane(q, 0) +
      f32x4.extract_lane(q, 1) +
      f32x4.extract_lane(q, 2) +
      f32x4.extract_lane(q, 3)
    );
  } else {
    const s: f32 = 0.999;
    const t: f32 = 0.001;
    let a0: f32 = 0.1;
    let a1: f32 = 0.2;
    let a2: f32 = 0.3;
    let a3: f32 = 0.4;
    let a4: f32 = 0.5;
    let a5: f32 = 0.6;
    let a6: f32 = 0.7;
    let a7: f32 = 0.8;
    let a8: f32 = 0.9;
    let a9: f32 = 1.0;
    let a10: f32 = 1.1;
    let a11: f32 = 1.2;
    for (let i = 0; i < iterations; i++) {
      a0 = a0 * s + t;
      a1 = a1 * s + t;
      a2 = a2 * s + t;
      a3 = a3 * s + t;
      a4 = a4 * s + t;
      a5 = a5 * s + t;
      a6 = a6 * s + t;
      a7 = a7 * s + t;
      a8 = a8 * s + t;
      a9 = a9 * s + t;
      a10 = a10 * s + t;
      a11 = a11 * s + t;
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
  }
}

/** Flops per `peak_loop` iteration: 12 chains × (mul + add) × 4 lanes = 96 (24 when scalar). */
export function peak_flops_per_iteration(): i32 {
  return ASC_FEATURE_SIMD ? 96 : 24;
}
