// rnn.ts — B batch rows, T time steps, D input features per step, H hidden size (G = 1 gate).
//
// Elman RNN as PyTorch's nn.RNN (tanh, one layer, batch_first, zero initial state):
// h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh) with w_ih[H,D], w_hh[H,H], b_ih[H], b_hh[H].
// inp is [B,T,D]; out (and dout) is [B,T,H] when seq ≠ 0, else [B,H], the last step's h only.
//
// The ops work time-major inside a work buffer of rnn_work_floats(B, T, D, H) floats, each
// sub-buffer padded to a multiple of 4 floats (16 bytes):
//   xs [T,B,D] | hs [T,B,H] | dA [T,B,H] | dxs [T,B,D] | dh [B,H]
// xs is the input transposed, hs every step's h. The forward uses dA for the input projection
// W_ih x_t + b_ih of all T·B rows and dh as the zero h_{−1}; the backward overwrites dA with the
// gradient of the pre-activations, dxs with the input gradient (time-major) and dh with the
// running ∂L/∂h_t. Every matrix product goes through dense_forward / dense_backward (or their
// scalar twins in the `_scalar` ops). The elementwise gate maths runs four units at a time
// with `math.ts`'s v128 functions in the fast ops of the SIMD build (a scalar tail when the
// length is not a multiple of 4) and as scalar code in the twins and the scalar build; both do
// the same operations in the same order per element, so every op gives the same bits in all.
//
// This file also holds the helpers lstm.ts and gru.ts share (the barrel exports the ops by name).

import { tanh_f32, tanh_v128 } from '../math';
import {
  dense_backward,
  dense_backward_scalar,
  dense_forward,
  dense_forward_scalar,
} from './dense';

/** n rounded up to a multiple of 4 (a sub-buffer's length in the work buffer). */
// @ts-ignore: decorator
@inline
export function r4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Byte address `floats` floats past `ptr`. */
// @ts-ignore: decorator
@inline
export function fptr(ptr: usize, floats: i32): usize {
  return ptr + (<usize>floats << 2);
}

/** dense_forward, or its scalar twin when fast is false. */
// @ts-ignore: decorator
@inline
export function rec_dense_forward(
  fast: bool,
  out: usize,
  inp: usize,
  w: usize,
  b: usize,
  B: i32,
  C: i32,
  OC: i32,
): void {
  if (fast) dense_forward(out, inp, w, b, B, C, OC);
  else dense_forward_scalar(out, inp, w, b, B, C, OC);
}

/** dense_backward, or its scalar twin when fast is false. */
// @ts-ignore: decorator
@inline
export function rec_dense_backward(
  fast: bool,
  dinp: usize,
  dw: usize,
  db: usize,
  dout: usize,
  inp: usize,
  w: usize,
  B: i32,
  C: i32,
  OC: i32,
): void {
  if (fast) dense_backward(dinp, dw, db, dout, inp, w, B, C, OC);
  else dense_backward_scalar(dinp, dw, db, dout, inp, w, B, C, OC);
}

/** Sets n floats at ptr to +0. */
// @ts-ignore: decorator
@inline
export function zero_floats(ptr: usize, n: i32): void {
  memory.fill(ptr, 0, <usize>n << 2);
}

/** xs[T,B,D] = inp[B,T,D] (batch-first to time-major), one memory.copy per row. */
export function seq_to_time_major(xs: usize, inp: usize, B: i32, T: i32, D: i32): void {
  const bytes = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      memory.copy(fptr(xs, (t * B + b) * D), fptr(inp, (b * T + t) * D), bytes);
    }
  }
}

/** dst[n] += src[n], f32x4 when fast (and SIMD is compiled in), scalar otherwise: same bits. */
// @ts-ignore: decorator
@inline
function add_floats(fast: bool, dst: usize, src: usize, n: i32): void {
  let e = 0;
  if (ASC_FEATURE_SIMD) {
    if (fast) {
      for (; e + 4 <= n; e += 4) {
        const p = fptr(dst, e);
        v128.store(p, f32x4.add(v128.load(p), v128.load(fptr(src, e))));
      }
    }
  }
  for (; e < n; e++) {
    const p = fptr(dst, e);
    store<f32>(p, load<f32>(p) + load<f32>(fptr(src, e)));
  }
}

/** dinp[B,T,D] += dxs[T,B,D] (time-major back to batch-first, accumulating). */
export function add_time_major_to_seq(
  fast: bool,
  dinp: usize,
  dxs: usize,
  B: i32,
  T: i32,
  D: i32,
): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      add_floats(fast, fptr(dinp, (b * T + t) * D), fptr(dxs, (t * B + b) * D), D);
    }
  }
}

/** out = hs[T,B,H] as [B,T,H] (seq ≠ 0) or its last step hs[T−1] as [B,H] (seq = 0). */
export function write_hidden_out(out: usize, hs: usize, B: i32, T: i32, H: i32, seq: i32): void {
  if (seq) {
    const bytes = <usize>H << 2;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        memory.copy(fptr(out, (b * T + t) * H), fptr(hs, (t * B + b) * H), bytes);
      }
    }
  } else {
    memory.copy(out, fptr(hs, (T - 1) * B * H), <usize>(B * H) << 2);
  }
}

/**
 * dh[B,H] += step t's slice of dout (all of [B,H] at t = T−1 when seq = 0, nothing before), so
 * dh becomes the total ∂L/∂h_t; then health[t] = ‖dh‖₂ (squares summed in f64) unless health
 * is 0.
 */
export function gather_hidden_grad(
  fast: bool,
  dh: usize,
  dout: usize,
  health: usize,
  t: i32,
  B: i32,
  T: i32,
  H: i32,
  seq: i32,
): void {
  if (seq) {
    for (let b = 0; b < B; b++) add_floats(fast, fptr(dh, b * H), fptr(dout, (b * T + t) * H), H);
  } else if (t == T - 1) {
    add_floats(fast, dh, dout, B * H);
  }
  if (health) {
    let s: f64 = 0;
    for (let e = 0; e < B * H; e++) {
      const g = <f64>load<f32>(fptr(dh, e));
      s += g * g;
    }
    store<f32>(fptr(health, t), <f32>Math.sqrt(s));
  }
}

/** Floats of the RNN work buffer: xs | hs | dA | dxs | dh, each padded to a multiple of 4. */
export function rnn_work_floats(B: i32, T: i32, D: i32, H: i32): i32 {
  const TB = T * B;
  return r4(TB * D) + r4(TB * H) + r4(TB * H) + r4(TB * D) + r4(B * H);
}

// @ts-ignore: decorator
@inline
function rnn_forward_impl(
  out: usize,
  work: usize,
  inp: usize,
  w_ih: usize,
  w_hh: usize,
  b_ih: usize,
  b_hh: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
  seq: i32,
  fast: bool,
): void {
  if (B <= 0 || T <= 0 || H <= 0) return;
  const TB = T * B;
  const BH = B * H;
  const xs = work;
  const hs = fptr(xs, r4(TB * D));
  const pre = fptr(hs, r4(TB * H)); // dA's region: W_ih x + b_ih for all rows
  const dxs = fptr(pre, r4(TB * H));
  const h0 = fptr(dxs, r4(TB * D)); // dh's region: the zero h_{−1}
  seq_to_time_major(xs, inp, B, T, D);
  rec_dense_forward(fast, pre, xs, w_ih, b_ih, TB, D, H);
  zero_floats(h0, BH);
  for (let t = 0; t < T; t++) {
    const h = fptr(hs, t * BH);
    const hprev = t > 0 ? fptr(hs, (t - 1) * BH) : h0;
    rec_dense_forward(fast, h, hprev, w_hh, b_hh, B, H, H);
    const p = fptr(pre, t * BH);
    let e = 0;
    if (ASC_FEATURE_SIMD) {
      if (fast) {
        for (; e + 4 <= BH; e += 4) {
          const q = fptr(h, e);
          v128.store(q, tanh_v128(f32x4.add(v128.load(fptr(p, e)), v128.load(q))));
        }
      }
    }
    for (; e < BH; e++) {
      const q = fptr(h, e);
      store<f32>(q, tanh_f32(load<f32>(fptr(p, e)) + load<f32>(q)));
    }
  }
  write_hidden_out(out, hs, B, T, H, seq);
}

// @ts-ignore: decorator
@inline
function rnn_backward_impl(
  dinp: usize,
  dw_ih: usize,
  dw_hh: usize,
  db_ih: usize,
  db_hh: usize,
  health: usize,
  dout: usize,
  work: usize,
  w_ih: usize,
  w_hh: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
  seq: i32,
  fast: bool,
): void {
  if (B <= 0 || T <= 0 || H <= 0) return;
  const TB = T * B;
  const BH = B * H;
  const xs = work;
  const hs = fptr(xs, r4(TB * D));
  const dA = fptr(hs, r4(TB * H));
  const dxs = fptr(dA, r4(TB * H));
  const dh = fptr(dxs, r4(TB * D));
  zero_floats(dh, BH);
  for (let t = T - 1; t >= 0; t--) {
    gather_hidden_grad(fast, dh, dout, health, t, B, T, H, seq);
    const h = fptr(hs, t * BH);
    const a = fptr(dA, t * BH);
    let e = 0;
    if (ASC_FEATURE_SIMD) {
      if (fast) {
        const one = f32x4.splat(1);
        for (; e + 4 <= BH; e += 4) {
          const y = v128.load(fptr(h, e));
          const d = f32x4.mul(v128.load(fptr(dh, e)), f32x4.sub(one, f32x4.mul(y, y)));
          v128.store(fptr(a, e), d);
        }
      }
    }
    for (; e < BH; e++) {
      const y = load<f32>(fptr(h, e));
      store<f32>(fptr(a, e), load<f32>(fptr(dh, e)) * (<f32>1 - y * y));
    }
    // dh becomes ∂L/∂h_{t−1} from this step (at t = 0 it is the zero h_{−1} instead).
    zero_floats(dh, BH);
    if (t > 0) {
      rec_dense_backward(fast, dh, dw_hh, db_hh, a, fptr(hs, (t - 1) * BH), w_hh, B, H, H);
    } else {
      rec_dense_backward(fast, 0, dw_hh, db_hh, a, dh, w_hh, B, H, H);
    }
  }
  if (dinp) zero_floats(dxs, TB * D);
  rec_dense_backward(fast, dinp ? dxs : 0, dw_ih, db_ih, dA, xs, w_ih, TB, D, H);
  if (dinp) add_time_major_to_seq(fast, dinp, dxs, B, T, D);
}

/**
 * RNN forward: out = every step's h as [B,T,H] (seq ≠ 0) or the last step's as [B,H] (seq = 0)
 * from inp[B,T,D], h_{−1} = 0. Overwrites out and work (rnn_work_floats(B, T, D, H) floats).
 */
export function rnn_forward(
  out: usize,
  work: usize,
  inp: usize,
  w_ih: usize,
  w_hh: usize,
  b_ih: usize,
  b_hh: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
  seq: i32,
): void {
  rnn_forward_impl(out, work, inp, w_ih, w_hh, b_ih, b_hh, B, T, D, H, seq, true);
}

/** Scalar twin of `rnn_forward` (scalar dense kernels and gate maths; same bits). */
export function rnn_forward_scalar(
  out: usize,
  work: usize,
  inp: usize,
  w_ih: usize,
  w_hh: usize,
  b_ih: usize,
  b_hh: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
  seq: i32,
): void {
  rnn_forward_impl(out, work, inp, w_ih, w_hh, b_ih, b_hh, B, T, D, H, seq, false);
}

/**
 * RNN backward through time after `rnn_forward` on the same work buffer: accumulates (+=) into
 * dinp[B,T,D] (skipped when dinp is 0), dw_ih, dw_hh, db_ih, db_hh from dout (shaped like out).
 * health (0 = skip) gets T floats: health[t] = ‖∂L/∂h_t‖₂ over the batch. inp is not read (the
 * forward's time-major copy in work is used); it is in the list to match the engine's calls.
 */
export function rnn_backward(
  dinp: usize,
  dw_ih: usize,
  dw_hh: usize,
  db_ih: usize,
  db_hh: usize,
  health: usize,
  dout: usize,
  work: usize,
  inp: usize,
  w_ih: usize,
  w_hh: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
  seq: i32,
): void {
  rnn_backward_impl(
    dinp,
    dw_ih,
    dw_hh,
    db_ih,
    db_hh,
    health,
    dout,
    work,
    w_ih,
    w_hh,
    B,
    T,
    D,
    H,
    seq,
    true,
  );
}

/** Scalar twin of `rnn_backward` (scalar dense kernels and gate maths; same bits). */
export function rnn_backward_scalar(
  dinp: usize,
  dw_ih: usize,
  dw_hh: usize,
  db_ih: usize,
  db_hh: usize,
  health: usize,
  dout: usize,
  work: usize,
  inp: usize,
  w_ih: usize,
  w_hh: usize,
  B: i32,
  T: i32,
  D: i32,
  H: i32,
  seq: i32,
): void {
  rnn_backward_impl(
    dinp,
    dw_ih,
    dw_hh,
    db_ih,
    db_hh,
    health,
    dout,
    work,
    w_ih,
    w_hh,
    B,
    T,
    D,
    H,
    seq,
    false,
  );
}
