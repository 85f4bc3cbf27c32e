// add.ts — N elements (any shape, treated as flat): out/a/b and da/db/dout are [N].

/**
 * Elementwise sum forward (residual connections): out[N] = a[N] + b[N]. Overwrites out; out may
 * alias a or b, and a may be b. Buffers 16-byte aligned, any N (scalar tail).
 */
export function add_forward(out: usize, a: usize, b: usize, N: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
    }
  }
  add_forward_tail(out, a, b, i, N);
}

/** Scalar twin of `add_forward` (same results bit for bit). */
export function add_forward_scalar(out: usize, a: usize, b: usize, N: i32): void {
  add_forward_tail(out, a, b, 0, N);
}

// @ts-ignore: decorator
@inline
function add_forward_tail(out: usize, a: usize, b: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/**
 * Elementwise sum backward: da[N] += dout[N], then db[N] += dout[N]; each is skipped when its
 * pointer is 0 (an input that needs no gradient). Accumulates. da may be db (x + x receives
 * 2·dout, added once per operand); neither may overlap dout. Buffers 16-byte aligned, any N.
 */
export function add_backward(da: usize, db: usize, dout: usize, N: i32): void {
  if (da) accumulate(da, dout, N);
  if (db) accumulate(db, dout, N);
}

/** Scalar twin of `add_backward` (same results bit for bit). */
export function add_backward_scalar(da: usize, db: usize, dout: usize, N: i32): void {
  if (da) accumulate_tail(da, dout, 0, N);
  if (db) accumulate_tail(db, dout, 0, N);
}

/** dst[N] += src[N], four at a time, then the tail. */
// @ts-ignore: decorator
@inline
function accumulate(dst: usize, src: usize, N: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= N; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
  }
  accumulate_tail(dst, src, i, N);
}

// @ts-ignore: decorator
@inline
function accumulate_tail(dst: usize, src: usize, i: i32, N: i32): void {
  for (; i < N; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}
