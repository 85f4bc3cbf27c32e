// gru.ts — B batch rows, T time steps, D input features per step, H hidden size (G = 3 gates).
//
// GRU as PyTorch's nn.GRU (one layer, batch_first, zero initial state), gates r, z, n:
// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
// n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h_t = (1 − z)⊙n + z⊙h_{t−1}, with w_ih[3H,D],
// w_hh[3H,H], b_ih/b_hh[3H] (rows r, z, n). inp is [B,T,D]; out (and dout) is [B,T,H] when
// seq ≠ 0, else [B,H], the last step's h only.
//
// Work buffer of gru_work_floats(B, T, D, H) floats, sub-buffers padded to multiples of 4:
//   xs [T,B,D] | gates [T,B,3H] | hn [T,B,H] | hs [T,B,H] | dGi [T,B,3H] | dGh [T,B,3H] |
//   dxs [T,B,D] | dh [B,H]
// gates holds the activated r, z, n, hn = W_hn h_{t−1} + b_hn. The forward first writes the
// input projection of all T·B rows into gates, uses dGi's first B·3H floats for a step's
// recurrent product and dh as the zero h_{−1}. The backward writes dGi and dGh (gradients of
// the input-side and hidden-side pre-activations: equal for r and z, r⊙dn against dn for n),
// dxs, and the running ∂L/∂h_t in dh.

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

/** Floats of the GRU work buffer: xs | gates | hn | hs | dGi | dGh | dxs | dh, each r4-padded. */
export function gru_work_floats(B: i32, T: i32, D: i32, H: i32): i32 {
  const TB = T * B;
  return (
    r4(TB * D) +
    r4(TB * 3 * H) +
    r4(TB * H) +
    r4(TB * H) +
    r4(TB * 3 * H) +
    r4(TB * 3 * H) +
    r4(TB * D) +
    r4(B * H)
  );
}

// Unit j of one batch row: grow / rrow the row's gates and recurrent product [3H]; hp, hnr, h
// the row's h_{t−1}, W_hn h_{t−1} + b_hn and h_t [H]. The v128 twin does units j..j+3 with the
// same operations in the same order, so both give the same bits.
// @ts-ignore: decorator
@inline
function gru_cell_f32(
  grow: usize,
  rrow: usize,
  hp: usize,
  hnr: usize,
  h: usize,
  H: i32,
  j: i32,
): void {
  const pr = fptr(grow, j);
  const pz = fptr(grow, H + j);
  const pn = fptr(grow, 2 * H + j);
  const r = sigmoid_f32(load<f32>(pr) + load<f32>(fptr(rrow, j)));
  const z = sigmoid_f32(load<f32>(pz) + load<f32>(fptr(rrow, H + j)));
  const hnv = load<f32>(fptr(rrow, 2 * H + j));
  const n = tanh_f32(load<f32>(pn) + r * hnv);
  store<f32>(pr, r);
  store<f32>(pz, z);
  store<f32>(pn, n);
  store<f32>(fptr(hnr, j), hnv);
  store<f32>(fptr(h, j), (<f32>1 - z) * n + z * load<f32>(fptr(hp, j)));
}

// @ts-ignore: decorator
@inline
function gru_cell_v128(
  grow: usize,
  rrow: usize,
  hp: usize,
  hnr: usize,
  h: usize,
  H: i32,
  j: i32,
): void {
  const pr = fptr(grow, j);
  const pz = fptr(grow, H + j);
  const pn = fptr(grow, 2 * H + j);
  const r = sigmoid_v128(f32x4.add(v128.load(pr), v128.load(fptr(rrow, j))));
  const z = sigmoid_v128(f32x4.add(v128.load(pz), v128.load(fptr(rrow, H + j))));
  const hnv = v128.load(fptr(rrow, 2 * H + j));
  const n = tanh_v128(f32x4.add(v128.load(pn), f32x4.mul(r, hnv)));
  v128.store(pr, r);
  v128.store(pz, z);
  v128.store(pn, n);
  v128.store(fptr(hnr, j), hnv);
  const keep = f32x4.mul(z, v128.load(fptr(hp, j)));
  v128.store(fptr(h, j), f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1), z), n), keep));
}

// The backward of unit j of one batch row: irow / hrow the row's dGi / dGh [3H], grow its gates,
// hnr its W_hn h_{t−1} + b_hn, hp its h_{t−1} (0 at t = 0), dhrow its ∂L/∂h_t [H].
// @ts-ignore: decorator
@inline
function gru_cell_grad_f32(
  irow: usize,
  hrow: usize,
  grow: usize,
  hnr: usize,
  hp: usize,
  dhrow: usize,
  H: i32,
  j: i32,
): void {
  const r = load<f32>(fptr(grow, j));
  const z = load<f32>(fptr(grow, H + j));
  const n = load<f32>(fptr(grow, 2 * H + j));
  const hnv = load<f32>(fptr(hnr, j));
  const hpv: f32 = hp ? load<f32>(fptr(hp, j)) : 0;
  const gh = load<f32>(fptr(dhrow, j));
  const an = gh * (<f32>1 - z) * (<f32>1 - n * n);
  const az = gh * (hpv - n) * (z * (<f32>1 - z));
  const ar = an * hnv * (r * (<f32>1 - r));
  store<f32>(fptr(irow, j), ar);
  store<f32>(fptr(irow, H + j), az);
  store<f32>(fptr(irow, 2 * H + j), an);
  store<f32>(fptr(hrow, j), ar);
  store<f32>(fptr(hrow, H + j), az);
  store<f32>(fptr(hrow, 2 * H + j), an * r);
  // The direct path h_t = … + z⊙h_{t−1}; the product adds the path through the gates.
  store<f32>(fptr(dhrow, j), gh * z);
}

// @ts-ignore: decorator
@inline
function gru_cell_grad_v128(
  irow: usize,
  hrow: usize,
  grow: usize,
  hnr: usize,
  hp: usize,
  dhrow: usize,
  H: i32,
  j: i32,
): void {
  const one = f32x4.splat(1);
  const r = v128.load(fptr(grow, j));
  const z = v128.load(fptr(grow, H + j));
  const n = v128.load(fptr(grow, 2 * H + j));
  const hnv = v128.load(fptr(hnr, j));
  const hpv = hp ? v128.load(fptr(hp, j)) : f32x4.splat(0);
  const gh = v128.load(fptr(dhrow, j));
  const an = f32x4.mul(f32x4.mul(gh, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
  const az = f32x4.mul(f32x4.mul(gh, f32x4.sub(hpv, n)), f32x4.mul(z, f32x4.sub(one, z)));
  const ar = f32x4.mul(f32x4.mul(an, hnv), f32x4.mul(r, f32x4.sub(one, r)));
  v128.store(fptr(irow, j), ar);
  v128.store(fptr(irow, H + j), az);
  v128.store(fptr(irow, 2 * H + j), an);
  v128.store(fptr(hrow, j), ar);
  v128.store(fptr(hrow, H + j), az);
  v128.store(fptr(hrow, 2 * H + j), f32x4.mul(an, r));
  v128.store(fptr(dhrow, j), f32x4.mul(gh, z));
}

// @ts-ignore: decorator
@inline
function gru_forward_impl(
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
  const G = 3 * H;
  const xs = work;
  const gates = fptr(xs, r4(TB * D));
  const hn = fptr(gates, r4(TB * G));
  const hs = fptr(hn, r4(TB * H));
  const rec = fptr(hs, r4(TB * H)); // dGi's region: W_hh h_{t−1} + b_hh of one step
  const dGh = fptr(rec, r4(TB * G));
  const dxs = fptr(dGh, r4(TB * G));
  const h0 = fptr(dxs, r4(TB * D)); // dh's region: the zero h_{−1}
  seq_to_time_major(xs, inp, B, T, D);
  rec_dense_forward(fast, gates, xs, w_ih, b_ih, TB, D, G);
  zero_floats(h0, BH);
  for (let t = 0; t < T; t++) {
    const hprev = t > 0 ? fptr(hs, (t - 1) * BH) : h0;
    rec_dense_forward(fast, rec, hprev, w_hh, b_hh, B, H, G);
    const gt = fptr(gates, t * B * G);
    const hnt = fptr(hn, t * BH);
    const ht = fptr(hs, t * BH);
    for (let b = 0; b < B; b++) {
      const grow = fptr(gt, b * G);
      const rrow = fptr(rec, b * G);
      const hp = fptr(hprev, b * H);
      const hnr = fptr(hnt, b * H);
      const h = fptr(ht, b * H);
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        if (fast) {
          for (; j + 4 <= H; j += 4) gru_cell_v128(grow, rrow, hp, hnr, h, H, j);
        }
      }
      for (; j < H; j++) gru_cell_f32(grow, rrow, hp, hnr, h, H, j);
    }
  }
  write_hidden_out(out, hs, B, T, H, seq);
}

// @ts-ignore: decorator
@inline
function gru_backward_impl(
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
  const G = 3 * H;
  const xs = work;
  const gates = fptr(xs, r4(TB * D));
  const hn = fptr(gates, r4(TB * G));
  const hs = fptr(hn, r4(TB * H));
  const dGi = fptr(hs, r4(TB * H));
  const dGh = fptr(dGi, r4(TB * G));
  const dxs = fptr(dGh, r4(TB * G));
  const dh = fptr(dxs, r4(TB * D));
  zero_floats(dh, BH);
  for (let t = T - 1; t >= 0; t--) {
    gather_hidden_grad(fast, dh, dout, health, t, B, T, H, seq);
    const gt = fptr(gates, t * B * G);
    const dit = fptr(dGi, t * B * G);
    const dht = fptr(dGh, t * B * G);
    const hnt = fptr(hn, t * BH);
    for (let b = 0; b < B; b++) {
      const grow = fptr(gt, b * G);
      const irow = fptr(dit, b * G);
      const hrow = fptr(dht, b * G);
      const hnr = fptr(hnt, b * H);
      // h_{−1} = 0: no buffer holds it during the backward, so t = 0 passes a null pointer.
      const hp: usize = t > 0 ? fptr(hs, (t - 1) * BH + b * H) : 0;
      const dhrow = fptr(dh, b * H);
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        if (fast) {
          for (; j + 4 <= H; j += 4) gru_cell_grad_v128(irow, hrow, grow, hnr, hp, dhrow, H, j);
        }
      }
      for (; j < H; j++) gru_cell_grad_f32(irow, hrow, grow, hnr, hp, dhrow, H, j);
    }
    if (t > 0) {
      rec_dense_backward(fast, dh, dw_hh, db_hh, dht, fptr(hs, (t - 1) * BH), w_hh, B, H, G);
    } else {
      // h_{−1} = 0: the zeroed dh stands in for it (no input gradient at the first step).
      zero_floats(dh, BH);
      rec_dense_backward(fast, 0, dw_hh, db_hh, dht, dh, w_hh, B, H, G);
    }
  }
  if (dinp) zero_floats(dxs, TB * D);
  rec_dense_backward(fast, dinp ? dxs : 0, dw_ih, db_ih, dGi, xs, w_ih, TB, D, G);
  if (dinp) add_time_major_to_seq(fast, dinp, dxs, B, T, D);
}

/**
 * GRU forward: out = every step's h as [B,T,H] (seq ≠ 0) or the last step's as [B,H] (seq = 0)
 * from inp[B,T,D], h_{−1} = 0. Overwrites out and work (gru_work_floats floats).
 */
export function gru_forward(
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
  gru_forward_impl(out, work, inp, w_ih, w_hh, b_ih, b_hh, B, T, D, H, seq, true);
}

/** Scalar twin of `gru_forward` (scalar dense kernels and gate maths; same bits). */
export function gru_forward_scalar(
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
  gru_forward_impl(out, work, inp, w_ih, w_hh, b_ih, b_hh, B, T, D, H, seq, false);
}

/**
 * GRU backward through time after `gru_forward` on the same work buffer: accumulates (+=) into
 * dinp[B,T,D] (skipped when dinp is 0), dw_ih, dw_hh, db_ih, db_hh from dout (shaped like out);
 * health (0 = skip) gets health[t] = ‖∂L/∂h_t‖₂ over the batch. inp is not read.
 */
export function gru_backward(
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
  gru_backward_impl(
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

/** Scalar twin of `gru_backward` (scalar dense kernels and gate maths; same bits). */
export function gru_backward_scalar(
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
  gru_backward_impl(
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
