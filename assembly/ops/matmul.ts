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
// strip; unpacked, a column strip of B[256,256] maps onto 4 L1 sets (row stride 1 KB), thrashing.
// Full 8-wide strips go in pairs (16 KB of PACK): each 4-row tile runs on both strips back to
// back, so its 16 out columns fill whole 64-byte lines while they are in L1 and the second pass
// reads A's four rows from L1, where one strip at a time re-streamed A from L2 and loaded every
// out line twice. That measured 4–12% faster at 512×64×N and 256³, at the peak loop; three
// strips at a time (24 KB of PACK) measured 1–5% slower than pairs.
// A is read in place: element (r, k) of a tile is at a + r·rs + k·ks with (rs, ks) = (K·4, 4) for
// nn/nt and (4, M·4) for tn, so the same kernel walks four A pointers in both cases. (Packing A
// into 4-row panels, read through one pointer at immediate offsets, measured ~10% slower: V8 adds
// a broadcast's offset with a lea per load anyway, and the packing pass costs extra.)
//
// Every output element is summed in plain k order, starting from 0 (acc = 0) or from out
// (acc ≠ 0), one rounding per mul and per add: the very sequence of the scalar twins, so fast and
// twin give the same bits for every shape (the tests require it). Hence no split partial sums
// along k, and later k-blocks (K > KC) start their tiles from out again.
//
// Tails: column tails pad the strip with zeros to W = 4 or 8 and go through a small scratch tile;
// 9–15 last columns run as a pair too (a full strip and the padded one: N = 28 and 10 measured
// 5–10% faster than two strips alone); row tails use the same kernel with R = 1, 2 or 3. A single output column (N = 1, like a
// one-unit output layer) is computed as the transposed problem, one row of 8-wide strips.

/** Deepest k-block: a packed strip of KC × 8 floats is 8 KB, in L1 next to A's four rows. */
const KC: i32 = 256;
/** Packed B strip [kc][W] of the current k-block and column strip (or the first of a pair). */
const PACK: usize = memory.data(2 * KC * 8 * 4, 64);
/** The second strip of a pair, 8 columns to the right of PACK's. */
const PACK2: usize = PACK + KC * 8 * 4;
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
 * The blocked driver. A's element (i, k) is at a + i·rs + k·ks (bytes); B is [K,N] or, with
 * bt, [N,K]. Loops: k-blocks ▸ pairs of 8-wide column strips (B packed once each; the last
 * pair may end in a 4-wide or padded strip), or a last 8- or 4-wide strip alone ▸ 4-row tiles.
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
  const blocks = (K + KC - 1) / KC;
  const kcb = (K + blocks - 1) / blocks;
  for (let k0 = 0; k0 < K; k0 += kcb) {
    const kc = min(kcb, K - k0);
    const accb = acc || k0 > 0;
    const ak = a + <usize>k0 * ks;
    let j0 = 0;
    for (; j0 + 16 <= N; j0 += 16) {
      const o = out + (<usize>j0 << 2);
      if (bt) {
        pack_t(8, b, K, k0, kc, j0, 8, PACK);
        pack_t(8, b, K, k0, kc, j0 + 8, 8, PACK2);
      } else {
        pack_n(8, b, N, k0, kc, j0, 8, PACK);
        pack_n(8, b, N, k0, kc, j0 + 8, 8, PACK2);
      }
      strip16(o, ldo, ak, rs, ks, M, kc, accb);
    }
    if (N - j0 > 8) {
      // 9–15 columns left: a full strip and the last one, as a pair.
      const w = N - j0 - 8;
      const o = out + (<usize>j0 << 2);
      if (bt) pack_t(8, b, K, k0, kc, j0, 8, PACK);
      else pack_n(8, b, N, k0, kc, j0, 8, PACK);
      if (w > 4) {
        if (bt) pack_t(8, b, K, k0, kc, j0 + 8, w, PACK2);
        else pack_n(8, b, N, k0, kc, j0 + 8, w, PACK2);
        strip16p(o, ldo, ak, rs, ks, M, kc, accb, w);
      } else {
        if (bt) pack_t(4, b, K, k0, kc, j0 + 8, w, PACK2);
        else pack_n(4, b, N, k0, kc, j0 + 8, w, PACK2);
        strip12(o, ldo, ak, rs, ks, M, kc, accb, w);
      }
    } else if (j0 < N) {
      const w = N - j0;
      const o = out + (<usize>j0 << 2);
      if (w > 4) {
        if (bt) pack_t(8, b, K, k0, kc, j0, w, PACK);
        else pack_n(8, b, N, k0, kc, j0, w, PACK);
        strip8(o, ldo, ak, rs, ks, M, kc, accb, w);
      } else {
        if (bt) pack_t(4, b, K, k0, kc, j0, w, PACK);
        else pack_n(4, b, N, k0, kc, j0, w, PACK);
        strip4(o, ldo, ak, rs, ks, M, kc, accb, w);
      }
    }
  }
}

/** Packs B[k0:k0+kc, j0:j0+w] of a [K,N] matrix into PACK as [kc][W], zero-padding w < W. */
// @ts-ignore: decorator
@inline
function pack_n(W: i32, b: usize, N: i32, k0: i32, kc: i32, j0: i32, w: i32, pk: usize): void {
  const ldb = <usize>N << 2;
  let src = b + ((<usize>k0 * <usize>N + <usize>j0) << 2);
  let dst = pk;
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
function pack_t(W: i32, b: usize, K: i32, k0: i32, kc: i32, j0: i32, w: i32, pk: usize): void {
  const ldb = <usize>K << 2;
  const src = b + ((<usize>j0 * <usize>K + <usize>k0) << 2);
  let k = 0;
  if (w == W) {
    for (; k + 4 <= kc; k += 4) {
      const s = src + (<usize>k << 2);
      const d = pk + (<usize>(k * W) << 2);
      transpose4(d, W, s, ldb);
      if (W == 8) transpose4(d + 16, W, s + (ldb << 2), ldb);
    }
  }
  for (; k < kc; k++) {
    const d = pk + (<usize>(k * W) << 2);
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

// The strip runners: a pair of 8-wide strips, one with W = 8, one with W = 4. Each inlines its
// own copies of the micro-kernel for R = 4, 3, 2 and 1, so R and W are constants there and the unused accumulators, pointers and
// stores fold away. Inlined, the k-loop is nested in the row-tile loop, and V8 unrolls such small
// inner loops twice (halving the per-k loop overhead: counter, stack check, branch); that measured
// ~8% faster than a kernel function per tile, whose top-level k-loop V8 leaves as one step.
// Unrolling by hand instead was slower: V8 then schedules both steps' loads first and spills.
function strip8(
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
  rows(8, o, ldo, a, rs, ks, M, kc, acc, w);
}
/** Runs the strip pair in PACK and PACK2 (out columns 0–7 and 8–15 at o) down all M rows. */
function strip16(
  o: usize,
  ldo: usize,
  a: usize,
  rs: usize,
  ks: usize,
  M: i32,
  kc: i32,
  acc: bool,
): void {
  pair(8, o, ldo, a, rs, ks, M, kc, acc, 8);
}
/** A full strip in PACK and a last one, w < 8 columns of 8 in PACK2. */
function strip16p(
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
  pair(8, o, ldo, a, rs, ks, M, kc, acc, w);
}
/** A full strip in PACK and a last one, w ≤ 4 columns of 4 in PACK2. */
function strip12(
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
  pair(4, o, ldo, a, rs, ks, M, kc, acc, w);
}

/** Runs a full strip in PACK and a W2-wide one (w2 valid columns) in PACK2 down all M rows. */
// @ts-ignore: decorator
@inline
function pair(
  W2: i32,
  o: usize,
  ldo: usize,
  a: usize,
  rs: usize,
  ks: usize,
  M: i32,
  kc: i32,
  acc: bool,
  w2: i32,
): void {
  let i = 0;
  const o4 = ldo << 2;
  const a4 = rs << 2;
  for (; i + 4 <= M; i += 4) {
    tile(4, 8, o, ldo, a, rs, ks, kc, acc, 8, PACK);
    tile(4, W2, o + 32, ldo, a, rs, ks, kc, acc, w2, PACK2);
    o += o4;
    a += a4;
  }
  const r = M - i;
  if (r == 3) {
    tile(3, 8, o, ldo, a, rs, ks, kc, acc, 8, PACK);
    tile(3, W2, o + 32, ldo, a, rs, ks, kc, acc, w2, PACK2);
  } else if (r == 2) {
    tile(2, 8, o, ldo, a, rs, ks, kc, acc, 8, PACK);
    tile(2, W2, o + 32, ldo, a, rs, ks, kc, acc, w2, PACK2);
  } else if (r == 1) {
    tile(1, 8, o, ldo, a, rs, ks, kc, acc, 8, PACK);
    tile(1, W2, o + 32, ldo, a, rs, ks, kc, acc, w2, PACK2);
  }
}
function strip4(
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
  rows(4, o, ldo, a, rs, ks, M, kc, acc, w);
}

/** Runs the W-wide strip in PACK down all M rows: 4-row tiles, then one 1–3 row tail tile. */
// @ts-ignore: decorator
@inline
function rows(
  W: i32,
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
  let i = 0;
  const o4 = ldo << 2;
  const a4 = rs << 2;
  for (; i + 4 <= M; i += 4) {
    tile(4, W, o, ldo, a, rs, ks, kc, acc, w, PACK);
    o += o4;
    a += a4;
  }
  const r = M - i;
  if (r == 3) tile(3, W, o, ldo, a, rs, ks, kc, acc, w, PACK);
  else if (r == 2) tile(2, W, o, ldo, a, rs, ks, kc, acc, w, PACK);
  else if (r == 1) tile(1, W, o, ldo, a, rs, ks, kc, acc, w, PACK);
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
  o: usize,
  ldo: usize,
  a: usize,
  rs: usize,
  ks: usize,
  kc: i32,
  acc: bool,
  w: i32,
  pk: usize,
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
  let a0 = a;
  let a1 = a + rs;
  let a2 = a + 2 * rs;
  let a3 = a + 3 * rs;
  let p = pk;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(p);
    const b1 = W == 8 ? v128.load(p, 16) : b0;
    let x = v128.load32_splat(a0);
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
    a0 += ks;
    a1 += ks;
    a2 += ks;
    a3 += ks;
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
 * matmuls are measured against. Seven pairs of chains m ← m·r (r = −1: exact, |m| stays put) and
 * acc ← acc + m, i.e. acc += m·r with the product fed forward: 7 f32x4.mul + 7 f32x4.add per
 * iteration (no FMA), 7 accumulators + 7 products + r in the 15 xmm registers V8 allocates on x64.
 * Both chains are one op long, so 7 of each keep the 2 mul and 2 add pipes busy (6 only just
 * cover the latency and measured ~12% lower). Why not the textbook acc = acc·s + t: V8 computes
 * loop-invariant v128 values inside the loop (constant s, t were rematerialised every iteration,
 * with shuffles on the FP pipes), and its mul→add chain leaves no slack; that loop ran ~7% below
 * the 4×8 matmul kernel itself. r comes from the argument so no compiler can fold it. Returns the
 * sum of all lanes so nothing is optimised away. The scalar build runs the same chains on f32
 * scalars. Flops per iteration: `peak_flops_per_iteration`.
 */
export function peak_loop(iterations: i32): f32 {
  const sign: f32 = iterations < 0 ? 1 : -1;
  if (ASC_FEATURE_SIMD) {
    const r = f32x4.splat(sign);
    let m0 = f32x4.splat(0.5);
    let m1 = f32x4.splat(0.55);
    let m2 = f32x4.splat(0.6);
    let m3 = f32x4.splat(0.65);
    let m4 = f32x4.splat(0.7);
    let m5 = f32x4.splat(0.75);
    let m6 = f32x4.splat(0.8);
    let a0 = f32x4.splat(0.1);
    let a1 = f32x4.splat(0.2);
    let a2 = f32x4.splat(0.3);
    let a3 = f32x4.splat(0.4);
    let a4 = f32x4.splat(0.5);
    let a5 = f32x4.splat(0.6);
    let a6 = f32x4.splat(0.7);
    for (let i = 0; i < iterations; i++) {
      m0 = f32x4.mul(m0, r);
      a0 = f32x4.add(a0, m0);
      m1 = f32x4.mul(m1, r);
      a1 = f32x4.add(a1, m1);
      m2 = f32x4.mul(m2, r);
      a2 = f32x4.add(a2, m2);
      m3 = f32x4.mul(m3, r);
      a3 = f32x4.add(a3, m3);
      m4 = f32x4.mul(m4, r);
      a4 = f32x4.add(a4, m4);
      m5 = f32x4.mul(m5, r);
      a5 = f32x4.add(a5, m5);
      m6 = f32x4.mul(m6, r);
      a6 = f32x4.add(a6, m6);
    }
    const sa = f32x4.add(
      f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)),
      f32x4.add(f32x4.add(a4, a5), a6),
    );
    const sm = f32x4.add(
      f32x4.add(f32x4.add(m0, m1), f32x4.add(m2, m3)),
      f32x4.add(f32x4.add(m4, m5), m6),
    );
    const q = f32x4.add(sa, sm);
    return (
      f32x4.extract_lane(q, 0) +
      f32x4.extract_lane(q, 1) +
      f32x4.extract_lane(q, 2) +
      f32x4.extract_lane(q, 3)
    );
  } else {
    let m0: f32 = 0.5;
    let m1: f32 = 0.55;
    let m2: f32 = 0.6;
    let m3: f32 = 0.65;
    let m4: f32 = 0.7;
    let m5: f32 = 0.75;
    let m6: f32 = 0.8;
    let a0: f32 = 0.1;
    let a1: f32 = 0.2;
    let a2: f32 = 0.3;
    let a3: f32 = 0.4;
    let a4: f32 = 0.5;
    let a5: f32 = 0.6;
    let a6: f32 = 0.7;
    for (let i = 0; i < iterations; i++) {
      m0 *= sign;
      a0 += m0;
      m1 *= sign;
      a1 += m1;
      m2 *= sign;
      a2 += m2;
      m3 *= sign;
      a3 += m3;
      m4 *= sign;
      a4 += m4;
      m5 *= sign;
      a5 += m5;
      m6 *= sign;
      a6 += m6;
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + m0 + m1 + m2 + m3 + m4 + m5 + m6;
  }
}

/** Flops per `peak_loop` iteration: 7 × (mul + add) × 4 lanes = 56 (14 in the scalar build). */
export function peak_flops_per_iteration(): i32 {
  return ASC_FEATURE_SIMD ? 56 : 14;
}
