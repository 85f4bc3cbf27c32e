// lstm.ts — B batch rows, T time steps, D input features per step, H hidden size (G = 4 gates).
//
// LSTM as PyTorch's nn.LSTM (one layer, batch_first, zero initial h and c), gates i, f, g, o:
// [i f g o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh with w_ih[4H,D], w_hh[4H,H], b_ih/b_hh[4H];
// i, f, o = σ, g = tanh; c_t = f⊙c_{t−1} + i⊙g; h_t = o⊙tanh(c_t). inp is [B,T,D]; out (and
// dout) is [B,T,H] when seq ≠ 0, else [B,H], the last step's h only.
//
// Work buffer of lstm_work_floats(B, T, D, H) floats, sub-buffers padded to multiples of 4:
//   xs [T,B,D] | gates [T,B,4H] | cs [T,B,H] | hs [T,B,H] | dG [T,B,4H] | dxs [T,B,D] |
//   dh [B,H] | dc [B,H]
// gates holds the activated i, f, g, o (each row i[H] f[H] g[H] o[H], PyTorch's order); the
// forward first writes the input projection of all T·B rows there, uses dG's first B·4H floats
// for the recurrent product of a step and dh / dc as the zero h_{−1} / c_{−1}. The backward
// writes dG (gradient of the pre-activations), dxs, and the running ∂L/∂h_t, ∂L/∂c_t in dh, dc.
// tanh(c_t) is recomputed by the backward (tanh_f32 and tanh_v128 give the same bits).

import { sigmoid_f32, sigmoid_v128, tanh_f32, tanh_v128 } from '../math';
import {
  add_time_major_to_seq,
  fptr,
  gather_hidden_grad,
  r4,
  rec_dense_backward,
  rec_dense_forward,
  seq_to_time_major,
  write_hidden_out,
  zero_floats,
} from './rnn';

/** Floats of the LSTM work buffer: xs | gates | cs | hs | dG | dxs | dh | dc, each r4-padded. */
export function lstm_work_floats(B: i32, T: i32, D: i32, H: i32): i32 {
  const TB = T * B;
  return (
    r4(TB * D) +
    r4(TB * 4 * H) +
    r4(TB * H) +
    r4(TB * H) +
    r4(TB * 4 * H) +
    r4(TB * D) +
    r4(B * H) +
    r4(B * H)
  );
}

// One hidden unit j of one batch row (grow, rrow: that row's gates and recurrent product [4H];
// cprev, c, h: the unit's c_{t−1}, c_t, h_t). The v128 twin does units j..j+3 with the same
// operations in the same order, so both give the same bits.
// @ts-ignore: decorator
@inline
function lstm_cell_f32(
  grow: usize,
  rrow: usize,
  cprev: usize,
  c: usize,
  h: usize,
  H: i32,
  j: i32,
): void {
  const pi = fptr(grow, j);
  const pf = fptr(grow, H + j);
  const pg = fptr(grow, 2 * H + j);
  const po = fptr(grow, 3 * H + j);
  const i = sigmoid_f32(load<f32>(pi) + load<f32>(fptr(rrow, j)));
  const f = sigmoid_f32(load<f32>(pf) + load<f32>(fptr(rrow, H + j)));
  const g = tanh_f32(load<f32>(pg) + load<f32>(fptr(rrow, 2 * H + j)));
  const o = sigmoid_f32(load<f32>(po) + load<f32>(fptr(rrow, 3 * H + j)));
  store<f32>(pi, i);
  store<f32>(pf, f);
  store<f32>(pg, g);
  store<f32>(po, o);
  const cv = f * load<f32>(cprev) + i * g;
  store<f32>(c, cv);
  store<f32>(h, o * tanh_f32(cv));
}

// @ts-ignore: decorator
@inline
function lstm_cell_v128(
  grow: usize,
  rrow: usize,
  cprev: usize,
  c: usize,
  h: usize,
  H: i32,
  j: i32,
): void {
  const pi = fptr(grow, j);
  const pf = fptr(grow, H + j);
  const pg = fptr(grow, 2 * H + j);
  const po = fptr(grow, 3 * H + j);
  const i = sigmoid_v128(f32x4.add(v128.load(pi), v128.load(fptr(rrow, j))));
  const f = sigmoid_v128(f32x4.add(v128.load(pf), v128.load(fptr(rrow, H + j))));
  const g = tanh_v128(f32x4.add(v128.load(pg), v128.load(fptr(rrow, 2 * H + j))));
  const o = sigmoid_v128(f32x4.add(v128.load(po), v128.load(fptr(rrow, 3 * H + j))));
  v128.store(pi, i);
  v128.store(pf, f);
  v128.store(pg, g);
  v128.store(po, o);
  const cv = f32x4.add(f32x4.mul(f, v128.load(cprev)), f32x4.mul(i, g));
  v128.store(c, cv);
  v128.store(h, f32x4.mul(o, tanh_v128(cv)));
}

// The backward of one unit j of one batch row: drow the row's dG [4H], grow its gates, crow /
// dhrow / dcrow its c_t, ∂L/∂h_t, ∂L/∂c_t rows [H]; cprev its c_{t−1} row, or 0 at t = 0.
// @ts-ignore: decorator
@inline
function lstm_cell_grad_f32(
  drow: usize,
  grow: usize,
  crow: usize,
  cprev: usize,
  dhrow: usize,
  dcrow: usize,
  H: i32,
  j: i32,
): void {
  const i = load<f32>(fptr(grow, j));
  const f = load<f32>(fptr(grow, H + j));
  const g = load<f32>(fptr(grow, 2 * H + j));
  const o = load<f32>(fptr(grow, 3 * H + j));
  const c = load<f32>(fptr(crow, j));
  const cp: f32 = cprev ? load<f32>(fptr(cprev, j)) : 0;
  const gh = load<f32>(fptr(dhrow, j));
  const tc = tanh_f32(c);
  // Total ∂L/∂c_t: through h_t, plus from step t+1 (kept in dc).
  const gc = load<f32>(fptr(dcrow, j)) + gh * o * (<f32>1 - tc * tc);
  store<f32>(fptr(drow, j), gc * g * (i * (<f32>1 - i)));
  store<f32>(fptr(drow, H + j), gc * cp * (f * (<f32>1 - f)));
  store<f32>(fptr(drow, 2 * H + j), gc * i * (<f32>1 - g * g));
  store<f32>(fptr(drow, 3 * H + j), gh * tc * (o * (<f32>1 - o)));
  store<f32>(fptr(dcrow, j), gc * f);
}

// @ts-ignore: decorator
@inline
function lstm_cell_grad_v128(
  drow: usize,
  grow: usize,
  crow: usize,
  cprev: usize,
  dhrow: usize,
  dcrow: usize,
  H: i32,
  j: i32,
): void {
  const one = f32x4.splat(1);
  const i = v128.load(fptr(grow, j));
  const f = v128.load(fptr(grow, H + j));
  const g = v128.load(fptr(grow, 2 * H + j));
  const o = v128.load(fptr(grow, 3 * H + j));
  const c = v128.load(fptr(crow, j));
  const cp = cprev ? v128.load(fptr(cprev, j)) : f32x4.splat(0);
  const gh = v128.load(fptr(dhrow, j));
  const tc = tanh_v128(c);
  const gc = f32x4.add(
    v128.load(fptr(dcrow, j)),
    f32x4.mul(f32x4.mul(gh, o), f32x4.sub(one, f32x4.mul(tc, tc))),
  );
  v128.store(fptr(drow, j), f32x4.mul(f32x4.mul(gc, g), f32x4.mul(i, f32x4.sub(one, i))));
  v128.store(fptr(drow, H + j), f32x4.mul(f32x4.mul(gc, cp), f32x4.mul(f, f32x4.sub(one, f))));
  v128.store(fptr(drow, 2 * H + j), f32x4.mul(f32x4.mul(gc, i), f32x4.sub(one, f32x4.mul(g, g))));
  v128.store(fptr(drow, 3 * H + j), f32x4.mul(f32x4.mul(gh, tc), f32x4.mul(o, f32x4.sub(one, o))));
  v128.store(fptr(dcrow, j), f32x4.mul(gc, f));
}

// @ts-ignore: decorator
@inline
function lstm_forward_impl(
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
  const G = 4 * H;
  const xs = work;
  const gates = fptr(xs, r4(TB * D));
  const cs = fptr(gates, r4(TB * G));
  const hs = fptr(cs, r4(TB * H));
  const rec = fptr(hs, r4(TB * H)); // dG's region: W_hh h_{t−1} + b_hh of one step
  const dxs = fptr(rec, r4(TB * G));
  const h0 = fptr(dxs, r4(TB * D)); // dh's region: the zero h_{−1}
  const c0 = fptr(h0, r4(BH)); // dc's region: the zero c_{−1}
  seq_to_time_major(xs, inp, B, T, D);
  rec_dense_forward(fast, gates, xs, w_ih, b_ih, TB, D, G);
  zero_floats(h0, BH);
  zero_floats(c0, BH);
  for (let t = 0; t < T; t++) {
    const hprev = t > 0 ? fptr(hs, (t - 1) * BH) : h0;
    const cprev = t > 0 ? fptr(cs, (t - 1) * BH) : c0;
    rec_dense_forward(fast, rec, hprev, w_hh, b_hh, B, H, G);
    const gt = fptr(gates, t * B * G);
    const ct = fptr(cs, t * BH);
    const ht = fptr(hs, t * BH);
    for (let b = 0; b < B; b++) {
      const grow = fptr(gt, b * G);
      const rrow = fptr(rec, b * G);
      const cp = fptr(cprev, b * H);
      const c = fptr(ct, b * H);
      const h = fptr(ht, b * H);
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        if (fast) {
          for (; j + 4 <= H; j += 4) {
            lstm_cell_v128(grow, rrow, fptr(cp, j), fptr(c, j), fptr(h, j), H, j);
          }
        }
      }
      for (; j < H; j++) lstm_cell_f32(grow, rrow, fptr(cp, j), fptr(c, j), fptr(h, j), H, j);
    }
  }
  write_hidden_out(out, hs, B, T, H, seq);
}

// @ts-ignore: decorator
@inline
function lstm_backward_impl(
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
  const G = 4 * H;
  const xs = work;
  const gates = fptr(xs, r4(TB * D));
  const cs = fptr(gates, r4(TB * G));
  const hs = fptr(cs, r4(TB * H));
  const dG = fptr(hs, r4(TB * H));
  const dxs = fptr(dG, r4(TB * G));
  const dh = fptr(dxs, r4(TB * D));
  const dc = fptr(dh, r4(BH));
  zero_floats(dh, BH);
  zero_floats(dc, BH);
  for (let t = T - 1; t >= 0; t--) {
    gather_hidden_grad(fast, dh, dout, health, t, B, T, H, seq);
    const gt = fptr(gates, t * B * G);
    const dgt = fptr(dG, t * B * G);
    const ct = fptr(cs, t * BH);
    for (let b = 0; b < B; b++) {
      const grow = fptr(gt, b * G);
      const drow = fptr(dgt, b * G);
      const k0 = b * H;
      // c_{−1} = 0: no buffer holds it during the backward, so t = 0 passes a null pointer.
      const cprev: usize = t > 0 ? fptr(cs, (t - 1) * BH + k0) : 0;
      const crow = fptr(ct, k0);
      const dhrow = fptr(dh, k0);
      const dcrow = fptr(dc, k0);
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        if (fast) {
          for (; j + 4 <= H; j += 4) {
            lstm_cell_grad_v128(drow, grow, crow, cprev, dhrow, dcrow, H, j);
          }
        }
      }
      for (; j < H; j++) lstm_cell_grad_f32(drow, grow, crow, cprev, dhrow, dcrow, H, j);
    }
    zero_floats(dh, BH);
    if (t > 0) {
      rec_dense_backward(fast, dh, dw_hh, db_hh, dgt, fptr(hs, (t - 1) * BH), w_hh, B, H, G);
    } else {
      // h_{−1} = 0: the zeroed dh stands in for it (no input gradient at the first step).
      rec_dense_backward(fast, 0, dw_hh, db_hh, dgt, dh, w_hh, B, H, G);
    }
  }
  if (dinp) zero_floats(dxs, TB * D);
  rec_dense_backward(fast, dinp ? dxs : 0, dw_ih, db_ih, dG, xs, w_ih, TB, D, G);
  if (dinp) add_time_major_to_seq(fast, dinp, dxs, B, T, D);
}

/**
 * LSTM forward: out = every step's h as [B,T,H] (seq ≠ 0) or the last step's as [B,H] (seq = 0)
 * from inp[B,T,D], h_{−1} = c_{−1} = 0. Overwrites out and work (lstm_work_floats floats).
 */
export function lstm_forward(
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
  lstm_forward_impl(out, work, inp, w_ih, w_hh, b_ih, b_hh, B, T, D, H, seq, true);
}

/** Scalar twin of `lstm_forward` (scalar dense kernels and gate maths; same bits). */
export function lstm_forward_scalar(
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
  lstm_forward_impl(out, work, inp, w_ih, w_hh, b_ih, b_hh, B, T, D, H, seq, false);
}

/**
 * LSTM backward through time after `lstm_forward` on the same work buffer: accumulates (+=)
 * into dinp[B,T,D] (skipped when dinp is 0), dw_ih, dw_hh, db_ih, db_hh from dout (shaped like
 * out); health (0 = skip) gets health[t] = ‖∂L/∂h_t‖₂ over the batch. inp is not read.
 */
export function lstm_backward(
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
  lstm_backward_impl(
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

/** Scalar twin of `lstm_backward` (scalar dense kernels and gate maths; same bits). */
export function lstm_backward_scalar(
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
  lstm_backward_impl(
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
