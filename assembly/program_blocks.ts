// Shapes: rows batch rows; T positions and D features per position, recorded in each record.
//
// The interpreter's steps for the records of transformer networks (layer norm, positional
// encodings, causal attention, the last position), kept beside `program.ts`, which calls them from its forward and
// backward dispatch. Each reads its record's fields as `program.ts` does.

import { layernorm_forward, layernorm_backward } from './ops/layernorm';
import { posenc_forward, posenc_backward, posenc_sinusoid } from './ops/posenc';
import { attention_forward, attention_backward } from './ops/attention';
import { laststep_forward, laststep_backward } from './ops/laststep';
import { rng_uniform_f32 } from './rng';
import {
  LAYERNORM_OUT, LAYERNORM_MEAN, LAYERNORM_RSTD, LAYERNORM_INP, LAYERNORM_GAMMA, LAYERNORM_BETA,
  LAYERNORM_DOUT, LAYERNORM_DINP, LAYERNORM_DGAMMA, LAYERNORM_DBETA, LAYERNORM_T, LAYERNORM_D,
  LAYERNORM_EPS,
  POSENC_OUT, POSENC_INP, POSENC_TABLE, POSENC_DOUT, POSENC_DINP, POSENC_DTABLE, POSENC_SINUSOID,
  POSENC_T, POSENC_D,
  ATTENTION_OUT, ATTENTION_PROBS, ATTENTION_QKV, ATTENTION_DOUT, ATTENTION_DQKV,
  ATTENTION_SCRATCH, ATTENTION_T, ATTENTION_D, ATTENTION_H, ATTENTION_MASK, ATTENTION_RATE,
  LASTSTEP_OUT, LASTSTEP_INP, LASTSTEP_DOUT, LASTSTEP_DINP, LASTSTEP_T, LASTSTEP_D,
} from './records';

// @ts-ignore: decorator
@inline function hi(p: usize, f: i32): i32 {
  return load<i32>(p + (<usize>f << 2));
}
// @ts-ignore: decorator
@inline function hp(p: usize, f: i32): usize {
  return <usize>load<i32>(p + (<usize>f << 2));
}
// @ts-ignore: decorator
@inline function hf(p: usize, f: i32): f32 {
  return load<f32>(p + (<usize>f << 2));
}

/** Layer norm over rows·T positions of D values; the same in training and evaluation. */
export function layernormForward(op: usize, rows: i32): void {
  layernorm_forward(
    hp(op, LAYERNORM_OUT), hp(op, LAYERNORM_MEAN), hp(op, LAYERNORM_RSTD), hp(op, LAYERNORM_INP),
    hp(op, LAYERNORM_GAMMA), hp(op, LAYERNORM_BETA), rows * hi(op, LAYERNORM_T),
    hi(op, LAYERNORM_D), hf(op, LAYERNORM_EPS),
  );
}

export function layernormBackward(op: usize, rows: i32): void {
  layernorm_backward(
    hp(op, LAYERNORM_DINP), hp(op, LAYERNORM_DGAMMA), hp(op, LAYERNORM_DBETA),
    hp(op, LAYERNORM_DOUT), hp(op, LAYERNORM_INP), hp(op, LAYERNORM_MEAN), hp(op, LAYERNORM_RSTD),
    hp(op, LAYERNORM_GAMMA), rows * hi(op, LAYERNORM_T), hi(op, LAYERNORM_D),
  );
}

/** Adds the positions' table; the sinusoidal one is written into the record's scratch first. */
export function posencForward(op: usize, rows: i32): void {
  const table = hp(op, POSENC_TABLE);
  const T = hi(op, POSENC_T);
  const D = hi(op, POSENC_D);
  if (hi(op, POSENC_SINUSOID) != 0) posenc_sinusoid(table, T, D);
  posenc_forward(hp(op, POSENC_OUT), hp(op, POSENC_INP), table, rows, T, D);
}

export function posencBackward(op: usize, rows: i32): void {
  posenc_backward(
    hp(op, POSENC_DINP), hp(op, POSENC_DTABLE), hp(op, POSENC_DOUT), rows,
    hi(op, POSENC_T), hi(op, POSENC_D),
  );
}

/**
 * Attention over rows batch rows. With dropout (a mask in the record), training draws a new
 * mask first — one uniform draw per weight of [rows, H, T, T] in order, kept with probability
 * 1 − rate and scaled by 1/(1 − rate), as `dropout_forward` — `probe` reuses the last one, and
 * evaluation runs without. `train`/`probe` are the program's modes; `rng` its PRNG state.
 */
export function attentionForward(op: usize, rows: i32, train: bool, probe: bool, rng: usize): void {
  const T = hi(op, ATTENTION_T);
  const H = hi(op, ATTENTION_H);
  let mask = hp(op, ATTENTION_MASK);
  if (mask != 0 && train) {
    const rate = hf(op, ATTENTION_RATE);
    const keep: f32 = <f32>1 / (<f32>1 - rate);
    const n = rows * H * T * T;
    for (let i = 0; i < n; i++) {
      store<f32>(mask + (<usize>i << 2), rng_uniform_f32(rng) >= rate ? keep : 0);
    }
  } else if (!probe) {
    mask = 0;
  }
  attention_forward(
    hp(op, ATTENTION_OUT), hp(op, ATTENTION_PROBS), hp(op, ATTENTION_QKV), mask,
    hp(op, ATTENTION_SCRATCH), rows, T, hi(op, ATTENTION_D), H,
  );
}

/** Backward of the last training (or probe) forward, with its mask if it had dropout. */
export function attentionBackward(op: usize, rows: i32): void {
  const dqkv = hp(op, ATTENTION_DQKV);
  if (dqkv == 0) return;
  attention_backward(
    dqkv, hp(op, ATTENTION_DOUT), hp(op, ATTENTION_QKV), hp(op, ATTENTION_PROBS),
    hp(op, ATTENTION_MASK), hp(op, ATTENTION_SCRATCH), rows, hi(op, ATTENTION_T),
    hi(op, ATTENTION_D), hi(op, ATTENTION_H),
  );
}

export function laststepForward(op: usize, rows: i32): void {
  laststep_forward(
    hp(op, LASTSTEP_OUT), hp(op, LASTSTEP_INP), rows, hi(op, LASTSTEP_T), hi(op, LASTSTEP_D),
  );
}

export function laststepBackward(op: usize, rows: i32): void {
  const dinp = hp(op, LASTSTEP_DINP);
  if (dinp == 0) return;
  laststep_backward(dinp, hp(op, LASTSTEP_DOUT), rows, hi(op, LASTSTEP_T), hi(op, LASTSTEP_D));
}
