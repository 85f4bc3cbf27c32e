// Shapes: B batch rows, R rows of an evaluation chunk, C/OC widths recorded in each op record.
//
// The interpreter: runs whole training steps (batch gather, forward, loss, backward, L2 and L1,
// clipping, optimizer) from a program the engine wrote into memory, so one JS→WASM call covers
// any number of steps and JS never touches the hot loop. Layout of the program (i32 words):
// a header of HEADER_WORDS fields, one record per op ([kind, words, …fields], the H_* and
// record field numbers generated into records.ts from src/engine/records.json), the list of
// the records' addresses (H_OPLIST), and (param pointer, length) pairs of the weights the L2
// and L1 penalties apply to (H_L2LIST: weights, not biases).

import { dense_forward, dense_backward } from './ops/dense';
import { relu_forward, relu_backward } from './ops/relu';
import { leaky_relu_forward, leaky_relu_backward } from './ops/leaky_relu';
import { sigmoid_forward, sigmoid_backward } from './ops/sigmoid';
import { tanh_forward, tanh_backward } from './ops/tanh';
import { softmax_forward, softmax_backward } from './ops/softmax';
import { dropout_forward, dropout_backward, dropout_apply } from './ops/dropout';
import { mse_forward, mse_backward, accuracy_threshold } from './ops/mse';
import { bce_logits_forward, bce_logits_backward, accuracy_binary } from './ops/bce_logits';
import { softmax_ce_forward, softmax_ce_backward, accuracy_multiclass } from './ops/softmax_ce';
import { features_forward } from './ops/features';
import { pixels_to_f32 } from './ops/pixels';
import { maxpool2d_forward, maxpool2d_backward } from './ops/maxpool2d';
import { avgpool2d_forward, avgpool2d_backward } from './ops/avgpool2d';
import {
  batchnorm_forward_train, batchnorm_forward_eval, batchnorm_backward,
} from './ops/batchnorm';
import { add_forward, add_backward } from './ops/add';
import { embedding_forward, embedding_backward } from './ops/embedding';
import { onehot_forward } from './ops/onehot';
import { rnn_forward, rnn_backward } from './ops/rnn';
import { lstm_forward, lstm_backward } from './ops/lstm';
import { gru_forward, gru_backward } from './ops/gru';
import { conv2d_forward, conv2d_backward } from './ops/conv2d';
import { gelu_forward, gelu_backward } from './ops/gelu';
import {
  layernormForward, layernormBackward, posencForward, posencBackward, attentionForward,
  attentionBackward, laststepForward, laststepBackward,
} from './program_blocks';
import { l2_backward } from './ops/l2';
import { l1_backward } from './ops/l1';
import { clip_grad_norm, sum_squares } from './ops/clip';
import { sgd_update } from './ops/sgd';
import { momentum_update } from './ops/momentum';
import { rmsprop_update } from './ops/rmsprop';
import { adam_update } from './ops/adam';
import { rng_shuffle_i32 } from './rng';
import {
  HEADER_WORDS, H_NOPS, H_BATCH, H_INPUTS, H_TARGET_W, H_LOSS, H_LOGITS, H_DLOGITS, H_HEAD,
  H_OUT_W, H_XBUF, H_YBUF, H_PARAMS, H_GRADS, H_NPARAM, H_ZERO_START, H_ZERO_BYTES, H_OPT,
  H_OPT_S1, H_OPT_S2, H_LR, H_BETA1, H_BETA2, H_EPS, H_WD, H_NESTEROV, H_L2, H_CLIP, H_RNG,
  H_ORDER, H_CURSOR, H_NTRAIN, H_SPLITS, H_STEP, H_T, H_BC1, H_BC2, H_HIST_LOSS, H_HIST_NORM,
  H_HIST_CORRECT, H_NL2, H_STATUS, H_EVAL_CORRECT, H_EVAL_LOSS, H_ROWS, H_SCORE, H_L1,
  H_L2LIST, H_XU8, H_XSCALE, H_OPLIST, H_POSITIONS, H_SLOT, REC_KIND,
  OP_DENSE, DENSE_OUT, DENSE_INP, DENSE_W, DENSE_B, DENSE_DOUT, DENSE_DINP, DENSE_DW, DENSE_DB,
  DENSE_C, DENSE_OC, DENSE_T,
  OP_ACT, ACT_FN, ACT_OUT, ACT_INP, ACT_DOUT, ACT_DINP, ACT_WIDTH, ACT_ALPHA,
  OP_DROPOUT, DROPOUT_OUT, DROPOUT_MASK, DROPOUT_INP, DROPOUT_DOUT, DROPOUT_DINP, DROPOUT_WIDTH,
  DROPOUT_RATE,
  OP_FEATURES, FEATURES_OUT, FEATURES_INP, FEATURES_K, FEATURES_TAIL,
  OP_MAXPOOL2D, MAXPOOL2D_OUT, MAXPOOL2D_ARG, MAXPOOL2D_INP, MAXPOOL2D_DOUT, MAXPOOL2D_DINP,
  MAXPOOL2D_C, MAXPOOL2D_H, MAXPOOL2D_W, MAXPOOL2D_K, MAXPOOL2D_S, MAXPOOL2D_P,
  OP_AVGPOOL2D, AVGPOOL2D_OUT, AVGPOOL2D_INP, AVGPOOL2D_DOUT, AVGPOOL2D_DINP, AVGPOOL2D_C,
  AVGPOOL2D_H, AVGPOOL2D_W, AVGPOOL2D_K, AVGPOOL2D_S, AVGPOOL2D_P,
  OP_BATCHNORM, BATCHNORM_OUT, BATCHNORM_XHAT, BATCHNORM_ISTD, BATCHNORM_INP, BATCHNORM_DOUT,
  BATCHNORM_DINP, BATCHNORM_GAMMA, BATCHNORM_BETA, BATCHNORM_DGAMMA, BATCHNORM_DBETA,
  BATCHNORM_RMEAN, BATCHNORM_RVAR, BATCHNORM_TRACKED, BATCHNORM_C, BATCHNORM_S,
  BATCHNORM_MOMENTUM, BATCHNORM_EPS,
  OP_ADD, ADD_OUT, ADD_A, ADD_B, ADD_DOUT, ADD_DA, ADD_DB, ADD_WIDTH,
  OP_CONV2D, CONV2D_OUT, CONV2D_INP, CONV2D_WEIGHT, CONV2D_BIAS, CONV2D_DOUT, CONV2D_DINP,
  CONV2D_DW, CONV2D_DB, CONV2D_COL, CONV2D_C, CONV2D_H, CONV2D_W, CONV2D_OC, CONV2D_K,
  CONV2D_S, CONV2D_P,
  OP_EMBEDDING, EMBEDDING_OUT, EMBEDDING_IDS, EMBEDDING_WEIGHT, EMBEDDING_DWEIGHT, EMBEDDING_DOUT,
  EMBEDDING_T, EMBEDDING_V, EMBEDDING_D,
  OP_ONEHOT, ONEHOT_OUT, ONEHOT_IDS, ONEHOT_T, ONEHOT_V,
  OP_RECURRENT, RECURRENT_CELL, RECURRENT_OUT, RECURRENT_WORK, RECURRENT_INP, RECURRENT_WIH,
  RECURRENT_WHH, RECURRENT_BIH, RECURRENT_BHH, RECURRENT_DOUT, RECURRENT_DINP, RECURRENT_DWIH,
  RECURRENT_DWHH, RECURRENT_DBIH, RECURRENT_DBHH, RECURRENT_HEALTH, RECURRENT_T, RECURRENT_D,
  RECURRENT_H, RECURRENT_SEQ, OP_LAYERNORM, OP_POSENC, OP_ATTENTION,
  OP_LASTSTEP,
} from './records';

// Cells of a `recurrent` record.
const CELL_RNN: i32 = 0;
const CELL_LSTM: i32 = 1;

// Activation functions of an `act` record.
const ACT_RELU: i32 = 1;
const ACT_LEAKY: i32 = 2;
const ACT_SIGMOID: i32 = 3;
const ACT_TANH: i32 = 4;
const ACT_SOFTMAX: i32 = 5;
const ACT_GELU: i32 = 6;

/** Split selector of `program_eval` that means "rows already written to the input buffer". */
const SPLIT_INPUT: i32 = 3;

// Forward modes: evaluation (no dropout, running statistics), a training step (fresh dropout
// masks, batch statistics that update the running ones), and a probe for the gradient check
// (training semantics with the last masks kept and the running statistics left alone).
const MODE_EVAL: i32 = 0;
const MODE_TRAIN: i32 = 1;
const MODE_PROBE: i32 = 2;

// Word f of the header or of an op record at p: as an i32, a pointer, an f32; and a write.
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
// @ts-ignore: decorator
@inline function hset(p: usize, f: i32, v: i32): void {
  store<i32>(p + (<usize>f << 2), v);
}

/** Address of the i-th op record. */
// @ts-ignore: decorator
@inline function record(p: usize, i: i32): usize {
  return <usize>load<i32>(hp(p, H_OPLIST) + (<usize>i << 2));
}

/** Forward pass over `rows` rows in MODE_EVAL, MODE_TRAIN or MODE_PROBE. */
function forward(p: usize, rows: i32, mode: i32): void {
  const n = hi(p, H_NOPS);
  for (let i = 0; i < n; i++) {
    const op = record(p, i);
    const kind = hi(op, REC_KIND);
    if (kind == OP_DENSE) {
      dense_forward(
        hp(op, DENSE_OUT), hp(op, DENSE_INP), hp(op, DENSE_W), hp(op, DENSE_B),
        rows * hi(op, DENSE_T), hi(op, DENSE_C), hi(op, DENSE_OC),
      );
    } else if (kind == OP_ACT) {
      const fn = hi(op, ACT_FN);
      const out = hp(op, ACT_OUT);
      const inp = hp(op, ACT_INP);
      const count = rows * hi(op, ACT_WIDTH);
      if (fn == ACT_RELU) relu_forward(out, inp, count);
      else if (fn == ACT_LEAKY) leaky_relu_forward(out, inp, count, hf(op, ACT_ALPHA));
      else if (fn == ACT_SIGMOID) sigmoid_forward(out, inp, count);
      else if (fn == ACT_TANH) tanh_forward(out, inp, count);
      else if (fn == ACT_SOFTMAX) softmax_forward(out, inp, rows, hi(op, ACT_WIDTH));
      else if (fn == ACT_GELU) gelu_forward(out, inp, count);
    } else if (kind == OP_DROPOUT) {
      const count = rows * hi(op, DROPOUT_WIDTH);
      const out = hp(op, DROPOUT_OUT);
      const mask = hp(op, DROPOUT_MASK);
      const inp = hp(op, DROPOUT_INP);
      if (mode == MODE_TRAIN) {
        dropout_forward(out, mask, inp, count, hf(op, DROPOUT_RATE), hp(p, H_RNG));
      } else if (mode == MODE_PROBE) {
        dropout_apply(out, mask, inp, count);
      } else {
        memory.copy(out, inp, <usize>count << 2);
      }
    } else if (kind == OP_CONV2D) {
      conv2d_forward(
        hp(op, CONV2D_OUT), hp(op, CONV2D_INP), hp(op, CONV2D_WEIGHT), hp(op, CONV2D_BIAS),
        hp(op, CONV2D_COL), rows, hi(op, CONV2D_C), hi(op, CONV2D_H), hi(op, CONV2D_W),
        hi(op, CONV2D_OC), hi(op, CONV2D_K), hi(op, CONV2D_S), hi(op, CONV2D_P),
      );
    } else if (kind == OP_MAXPOOL2D) {
      maxpool2d_forward(
        hp(op, MAXPOOL2D_OUT), hp(op, MAXPOOL2D_ARG), hp(op, MAXPOOL2D_INP), rows,
        hi(op, MAXPOOL2D_C), hi(op, MAXPOOL2D_H), hi(op, MAXPOOL2D_W),
        hi(op, MAXPOOL2D_K), hi(op, MAXPOOL2D_S), hi(op, MAXPOOL2D_P),
      );
    } else if (kind == OP_AVGPOOL2D) {
      avgpool2d_forward(
        hp(op, AVGPOOL2D_OUT), hp(op, AVGPOOL2D_INP), rows,
        hi(op, AVGPOOL2D_C), hi(op, AVGPOOL2D_H), hi(op, AVGPOOL2D_W),
        hi(op, AVGPOOL2D_K), hi(op, AVGPOOL2D_S), hi(op, AVGPOOL2D_P),
      );
    } else if (kind == OP_BATCHNORM) {
      batchnormForward(op, rows, mode);
    } else if (kind == OP_ADD) {
      add_forward(hp(op, ADD_OUT), hp(op, ADD_A), hp(op, ADD_B), rows * hi(op, ADD_WIDTH));
    } else if (kind == OP_EMBEDDING) {
      embedding_forward(
        hp(op, EMBEDDING_OUT), hp(op, EMBEDDING_IDS), hp(op, EMBEDDING_WEIGHT), rows,
        hi(op, EMBEDDING_T), hi(op, EMBEDDING_V), hi(op, EMBEDDING_D),
      );
    } else if (kind == OP_ONEHOT) {
      onehot_forward(
        hp(op, ONEHOT_OUT), hp(op, ONEHOT_IDS), rows * hi(op, ONEHOT_T), hi(op, ONEHOT_V),
      );
    } else if (kind == OP_RECURRENT) {
      recurrentForward(op, rows);
    } else if (kind == OP_LAYERNORM) {
      layernormForward(op, rows);
    } else if (kind == OP_POSENC) {
      posencForward(op, rows);
    } else if (kind == OP_ATTENTION) {
      attentionForward(op, rows, mode == MODE_TRAIN, mode == MODE_PROBE, hp(p, H_RNG));
    } else if (kind == OP_LASTSTEP) {
      laststepForward(op, rows);
    } else if (kind == OP_FEATURES) {
      features_forward(
        hp(op, FEATURES_OUT), hp(op, FEATURES_INP), rows,
        op + (<usize>FEATURES_TAIL << 2), hi(op, FEATURES_K),
      );
    }
  }
}

/**
 * Backward pass over the batch, in reverse op order. Every backward kernel adds into its input
 * gradient, which was zeroed before the step, so a value read by several ops collects the sum.
 */
function backward(p: usize, rows: i32): void {
  const n = hi(p, H_NOPS);
  for (let i = n - 1; i >= 0; i--) {
    const op = record(p, i);
    const kind = hi(op, REC_KIND);
    if (kind == OP_DENSE) {
      dense_backward(
        hp(op, DENSE_DINP), hp(op, DENSE_DW), hp(op, DENSE_DB), hp(op, DENSE_DOUT),
        hp(op, DENSE_INP), hp(op, DENSE_W), rows * hi(op, DENSE_T), hi(op, DENSE_C),
        hi(op, DENSE_OC),
      );
    } else if (kind == OP_ACT) {
      const dinp = hp(op, ACT_DINP);
      if (dinp == 0) continue;
      const fn = hi(op, ACT_FN);
      const dout = hp(op, ACT_DOUT);
      const count = rows * hi(op, ACT_WIDTH);
      if (fn == ACT_RELU) relu_backward(dinp, dout, hp(op, ACT_INP), count);
      else if (fn == ACT_LEAKY) leaky_relu_backward(dinp, dout, hp(op, ACT_INP), count, hf(op, ACT_ALPHA));
      else if (fn == ACT_SIGMOID) sigmoid_backward(dinp, dout, hp(op, ACT_OUT), count);
      else if (fn == ACT_TANH) tanh_backward(dinp, dout, hp(op, ACT_OUT), count);
      else if (fn == ACT_SOFTMAX) softmax_backward(dinp, dout, hp(op, ACT_OUT), rows, hi(op, ACT_WIDTH));
      else if (fn == ACT_GELU) gelu_backward(dinp, dout, hp(op, ACT_INP), count);
    } else if (kind == OP_DROPOUT) {
      const dinp = hp(op, DROPOUT_DINP);
      if (dinp != 0) {
        dropout_backward(dinp, hp(op, DROPOUT_DOUT), hp(op, DROPOUT_MASK), rows * hi(op, DROPOUT_WIDTH));
      }
    } else if (kind == OP_CONV2D) {
      conv2d_backward(
        hp(op, CONV2D_DINP), hp(op, CONV2D_DW), hp(op, CONV2D_DB), hp(op, CONV2D_DOUT),
        hp(op, CONV2D_INP), hp(op, CONV2D_WEIGHT), hp(op, CONV2D_COL), rows,
        hi(op, CONV2D_C), hi(op, CONV2D_H), hi(op, CONV2D_W), hi(op, CONV2D_OC),
        hi(op, CONV2D_K), hi(op, CONV2D_S), hi(op, CONV2D_P),
      );
    } else if (kind == OP_MAXPOOL2D) {
      const dinp = hp(op, MAXPOOL2D_DINP);
      if (dinp != 0) {
        maxpool2d_backward(
          dinp, hp(op, MAXPOOL2D_DOUT), hp(op, MAXPOOL2D_ARG), rows,
          hi(op, MAXPOOL2D_C), hi(op, MAXPOOL2D_H), hi(op, MAXPOOL2D_W),
          hi(op, MAXPOOL2D_K), hi(op, MAXPOOL2D_S), hi(op, MAXPOOL2D_P),
        );
      }
    } else if (kind == OP_AVGPOOL2D) {
      const dinp = hp(op, AVGPOOL2D_DINP);
      if (dinp != 0) {
        avgpool2d_backward(
          dinp, hp(op, AVGPOOL2D_DOUT), rows,
          hi(op, AVGPOOL2D_C), hi(op, AVGPOOL2D_H), hi(op, AVGPOOL2D_W),
          hi(op, AVGPOOL2D_K), hi(op, AVGPOOL2D_S), hi(op, AVGPOOL2D_P),
        );
      }
    } else if (kind == OP_BATCHNORM) {
      batchnorm_backward(
        hp(op, BATCHNORM_DINP), hp(op, BATCHNORM_DGAMMA), hp(op, BATCHNORM_DBETA),
        hp(op, BATCHNORM_DOUT), hp(op, BATCHNORM_XHAT), hp(op, BATCHNORM_ISTD),
        hp(op, BATCHNORM_GAMMA), rows, hi(op, BATCHNORM_C), hi(op, BATCHNORM_S),
      );
    } else if (kind == OP_ADD) {
      add_backward(hp(op, ADD_DA), hp(op, ADD_DB), hp(op, ADD_DOUT), rows * hi(op, ADD_WIDTH));
    } else if (kind == OP_EMBEDDING) {
      embedding_backward(
        hp(op, EMBEDDING_DWEIGHT), hp(op, EMBEDDING_DOUT), hp(op, EMBEDDING_IDS), rows,
        hi(op, EMBEDDING_T), hi(op, EMBEDDING_V), hi(op, EMBEDDING_D),
      );
    } else if (kind == OP_RECURRENT) {
      recurrentBackward(p, op, rows);
    } else if (kind == OP_LAYERNORM) {
      layernormBackward(op, rows);
    } else if (kind == OP_POSENC) {
      posencBackward(op, rows);
    } else if (kind == OP_ATTENTION) {
      attentionBackward(op, rows);
    } else if (kind == OP_LASTSTEP) {
      laststepBackward(op, rows);
    }
    // OP_FEATURES and OP_ONEHOT have nothing to do: no gradient flows to the data.
  }
}

function recurrentForward(op: usize, rows: i32): void {
  const cell = hi(op, RECURRENT_CELL);
  const out = hp(op, RECURRENT_OUT);
  const work = hp(op, RECURRENT_WORK);
  const inp = hp(op, RECURRENT_INP);
  const wih = hp(op, RECURRENT_WIH);
  const whh = hp(op, RECURRENT_WHH);
  const bih = hp(op, RECURRENT_BIH);
  const bhh = hp(op, RECURRENT_BHH);
  const T = hi(op, RECURRENT_T);
  const D = hi(op, RECURRENT_D);
  const H = hi(op, RECURRENT_H);
  const seq = hi(op, RECURRENT_SEQ);
  if (cell == CELL_RNN) rnn_forward(out, work, inp, wih, whh, bih, bhh, rows, T, D, H, seq);
  else if (cell == CELL_LSTM) lstm_forward(out, work, inp, wih, whh, bih, bhh, rows, T, D, H, seq);
  else gru_forward(out, work, inp, wih, whh, bih, bhh, rows, T, D, H, seq);
}

/**
 * Backpropagation through time of a recurrent record. Its per-step gradient norms go to row
 * H_SLOT of its health history (one row of T values per training step of the call).
 */
function recurrentBackward(p: usize, op: usize, rows: i32): void {
  const cell = hi(op, RECURRENT_CELL);
  const T = hi(op, RECURRENT_T);
  const D = hi(op, RECURRENT_D);
  const H = hi(op, RECURRENT_H);
  const seq = hi(op, RECURRENT_SEQ);
  let health = hp(op, RECURRENT_HEALTH);
  if (health != 0) health += <usize>(hi(p, H_SLOT) * T) << 2;
  const dinp = hp(op, RECURRENT_DINP);
  const dwih = hp(op, RECURRENT_DWIH);
  const dwhh = hp(op, RECURRENT_DWHH);
  const dbih = hp(op, RECURRENT_DBIH);
  const dbhh = hp(op, RECURRENT_DBHH);
  const dout = hp(op, RECURRENT_DOUT);
  const work = hp(op, RECURRENT_WORK);
  const inp = hp(op, RECURRENT_INP);
  const wih = hp(op, RECURRENT_WIH);
  const whh = hp(op, RECURRENT_WHH);
  if (cell == CELL_RNN) {
    rnn_backward(dinp, dwih, dwhh, dbih, dbhh, health, dout, work, inp, wih, whh, rows, T, D, H, seq);
  } else if (cell == CELL_LSTM) {
    lstm_backward(dinp, dwih, dwhh, dbih, dbhh, health, dout, work, inp, wih, whh, rows, T, D, H, seq);
  } else {
    gru_backward(dinp, dwih, dwhh, dbih, dbhh, health, dout, work, inp, wih, whh, rows, T, D, H, seq);
  }
}

/**
 * Batch norm forward: batch statistics in training and in the probe (which leaves the running
 * statistics as they are: the gradient check must not move them), running ones in evaluation.
 * A training step counts the batch in num_batches_tracked, as torch does.
 */
function batchnormForward(op: usize, rows: i32, mode: i32): void {
  const out = hp(op, BATCHNORM_OUT);
  const inp = hp(op, BATCHNORM_INP);
  const C = hi(op, BATCHNORM_C);
  const S = hi(op, BATCHNORM_S);
  const eps = hf(op, BATCHNORM_EPS);
  if (mode == MODE_EVAL) {
    batchnorm_forward_eval(
      out, inp, hp(op, BATCHNORM_GAMMA), hp(op, BATCHNORM_BETA),
      hp(op, BATCHNORM_RMEAN), hp(op, BATCHNORM_RVAR), rows, C, S, eps,
    );
    return;
  }
  const momentum: f32 = mode == MODE_TRAIN ? hf(op, BATCHNORM_MOMENTUM) : 0;
  batchnorm_forward_train(
    out, hp(op, BATCHNORM_XHAT), hp(op, BATCHNORM_ISTD), inp,
    hp(op, BATCHNORM_GAMMA), hp(op, BATCHNORM_BETA),
    hp(op, BATCHNORM_RMEAN), hp(op, BATCHNORM_RVAR), rows, C, S, momentum, eps,
  );
  if (mode == MODE_TRAIN) {
    const tracked = hp(op, BATCHNORM_TRACKED);
    store<i32>(tracked, load<i32>(tracked) + 1);
  }
}

/** Mean loss of the rows in the batch buffers; also writes the head (probabilities for CCE). */
function lossForward(p: usize, examples: i32): f32 {
  const rows = examples * hi(p, H_POSITIONS);
  const kind = hi(p, H_LOSS);
  const width = hi(p, H_OUT_W);
  if (kind == 0) return mse_forward(hp(p, H_LOGITS), hp(p, H_YBUF), rows * width);
  if (kind == 1) return bce_logits_forward(hp(p, H_LOGITS), hp(p, H_YBUF), rows * width);
  return softmax_ce_forward(hp(p, H_HEAD), hp(p, H_LOGITS), hp(p, H_YBUF), rows, width);
}

function lossBackward(p: usize, examples: i32): void {
  const rows = examples * hi(p, H_POSITIONS);
  const kind = hi(p, H_LOSS);
  const width = hi(p, H_OUT_W);
  if (kind == 0) mse_backward(hp(p, H_DLOGITS), hp(p, H_LOGITS), hp(p, H_YBUF), rows * width);
  else if (kind == 1) bce_logits_backward(hp(p, H_DLOGITS), hp(p, H_LOGITS), hp(p, H_YBUF), rows * width);
  else softmax_ce_backward(hp(p, H_DLOGITS), hp(p, H_HEAD), hp(p, H_YBUF), rows, width);
}

/** Correct answers among the rows (classification, or MSE scored at 0.5), else 0. */
function correct(p: usize, examples: i32): i32 {
  const rows = examples * hi(p, H_POSITIONS);
  const kind = hi(p, H_LOSS);
  if (kind == 0 && hi(p, H_SCORE) == 1) {
    return accuracy_threshold(hp(p, H_LOGITS), hp(p, H_YBUF), rows * hi(p, H_OUT_W));
  }
  if (kind == 1) return accuracy_binary(hp(p, H_LOGITS), hp(p, H_YBUF), rows * hi(p, H_OUT_W));
  if (kind == 2) return accuracy_multiclass(hp(p, H_HEAD), hp(p, H_YBUF), rows, hi(p, H_OUT_W));
  return 0;
}

/**
 * Copies the next `batch` training rows into the input and target buffers, walking a shuffled
 * order of the training set and reshuffling it (with the training PRNG) when it runs out, so
 * every example is seen once per epoch.
 */
function gatherBatch(p: usize, batch: i32): void {
  const n = hi(p, H_NTRAIN);
  const order = hp(p, H_ORDER);
  const inputs = <usize>hi(p, H_INPUTS) << 2;
  const targets = <usize>hi(p, H_TARGET_W) << 2;
  const x = hp(p, H_SPLITS);
  const y = hp(p, H_SPLITS + 1);
  const xb = hp(p, H_XBUF);
  const yb = hp(p, H_YBUF);
  let cursor = hi(p, H_CURSOR);
  for (let r = 0; r < batch; r++) {
    if (cursor >= n) {
      rng_shuffle_i32(hp(p, H_RNG), order, n);
      cursor = 0;
    }
    const row = <usize>load<i32>(order + (<usize>cursor << 2));
    cursor++;
    copyInputs(p, xb + <usize>r * inputs, x, row, 1);
    memory.copy(yb + <usize>r * targets, y + row * targets, targets);
  }
  hset(p, H_CURSOR, cursor);
}

/**
 * Copies `rows` input rows from row `row` of a split's inputs `x` to `dst` (f32): as they are,
 * or from u8 pixels scaled to f32 (H_XU8).
 */
function copyInputs(p: usize, dst: usize, x: usize, row: usize, rows: i32): void {
  const width = hi(p, H_INPUTS);
  if (hi(p, H_XU8)) {
    pixels_to_f32(dst, x + row * <usize>width, rows * width, hf(p, H_XSCALE));
  } else {
    memory.copy(dst, x + ((row * <usize>width) << 2), (<usize>rows * <usize>width) << 2);
  }
}

function update(p: usize): void {
  const params = hp(p, H_PARAMS);
  const grads = hp(p, H_GRADS);
  const n = hi(p, H_NPARAM);
  const lr = hf(p, H_LR);
  const opt = hi(p, H_OPT);
  if (opt == 0) {
    sgd_update(params, grads, n, lr);
  } else if (opt == 1) {
    momentum_update(params, grads, hp(p, H_OPT_S1), n, lr, hf(p, H_BETA1), hi(p, H_NESTEROV));
  } else if (opt == 2) {
    rmsprop_update(params, grads, hp(p, H_OPT_S1), n, lr, hf(p, H_BETA1), hf(p, H_EPS));
  } else {
    // Bias corrections as running products in f64: the same bits everywhere, no pow().
    const b1t = load<f64>(p + (<usize>H_BC1 << 2)) * <f64>hf(p, H_BETA1);
    const b2t = load<f64>(p + (<usize>H_BC2 << 2)) * <f64>hf(p, H_BETA2);
    store<f64>(p + (<usize>H_BC1 << 2), b1t);
    store<f64>(p + (<usize>H_BC2 << 2), b2t);
    hset(p, H_T, hi(p, H_T) + 1);
    const wd: f32 = opt == 4 ? hf(p, H_WD) : 0;
    adam_update(
      params, grads, hp(p, H_OPT_S1), hp(p, H_OPT_S2), n, lr,
      hf(p, H_BETA1), hf(p, H_BETA2), hf(p, H_EPS), wd, <f32>(1.0 - b1t), <f32>(1.0 - b2t),
    );
  }
}

/**
 * Runs up to `steps` training steps (at most the history capacity the engine planned) and
 * returns how many completed. Step i writes its batch loss, gradient norm and correct count to
 * the histories. A step whose loss or gradient norm is not finite stops the run before touching
 * the parameters and sets the status field, so the engine can explain the divergence.
 * The L2 gradient (λ·w) and then the L1 gradient (λ·sign w) are added to the weights' gradients
 * after the backward pass and before clipping; neither penalty is part of the recorded loss.
 */
export function program_train(p: usize, steps: i32): i32 {
  const batch = hi(p, H_BATCH);
  const histLoss = hp(p, H_HIST_LOSS);
  const histNorm = hp(p, H_HIST_NORM);
  const histCorrect = hp(p, H_HIST_CORRECT);
  const clip = hf(p, H_CLIP);
  const l2 = hf(p, H_L2);
  const l1 = hf(p, H_L1);
  const nl2 = hi(p, H_NL2);
  const l2list = hp(p, H_L2LIST);
  hset(p, H_STATUS, 0);
  for (let s = 0; s < steps; s++) {
    gatherBatch(p, batch);
    hset(p, H_SLOT, s);
    memory.fill(hp(p, H_ZERO_START), 0, <usize>hi(p, H_ZERO_BYTES));
    forward(p, batch, MODE_TRAIN);
    const loss = lossForward(p, batch);
    store<f32>(histLoss + (<usize>s << 2), loss);
    store<i32>(histCorrect + (<usize>s << 2), correct(p, batch));
    if (!isFinite(loss)) {
      store<f32>(histNorm + (<usize>s << 2), NaN);
      hset(p, H_STATUS, 1);
      return s;
    }
    lossBackward(p, batch);
    backward(p, batch);
    if (l2 > 0 || l1 > 0) {
      for (let i = 0; i < nl2; i++) {
        const w = <usize>load<i32>(l2list + (<usize>(2 * i) << 2));
        const len = load<i32>(l2list + (<usize>(2 * i + 1) << 2));
        const g = w + (hp(p, H_GRADS) - hp(p, H_PARAMS));
        if (l2 > 0) l2_backward(g, w, len, l2);
        if (l1 > 0) l1_backward(g, w, len, l1);
      }
    }
    const norm: f32 =
      clip > 0
        ? clip_grad_norm(hp(p, H_GRADS), hi(p, H_NPARAM), clip)
        : <f32>Math.sqrt(sum_squares(hp(p, H_GRADS), hi(p, H_NPARAM)));
    store<f32>(histNorm + (<usize>s << 2), norm);
    if (!isFinite(norm)) {
      hset(p, H_STATUS, 2);
      return s;
    }
    update(p);
    hset(p, H_STEP, hi(p, H_STEP) + 1);
  }
  return steps;
}

/**
 * Forward pass without dropout over a whole split (0 train, 1 validation, 2 test) in chunks of
 * the planned rows, returning the mean loss and leaving the correct count in the header; or,
 * with split 3, over `rows` rows the engine already wrote to the input buffer, writing the
 * head (probabilities or predictions) and returning 0.
 */
export function program_eval(p: usize, split: i32, rows: i32): f64 {
  if (split == SPLIT_INPUT) {
    forward(p, rows, MODE_EVAL);
    const kind = hi(p, H_LOSS);
    const width = hi(p, H_OUT_W);
    const answers = rows * hi(p, H_POSITIONS);
    if (kind == 1) sigmoid_forward(hp(p, H_HEAD), hp(p, H_LOGITS), answers * width);
    else if (kind == 2) softmax_forward(hp(p, H_HEAD), hp(p, H_LOGITS), answers, width);
    return 0;
  }
  const x = hp(p, H_SPLITS + 3 * split);
  const y = hp(p, H_SPLITS + 3 * split + 1);
  const n = hi(p, H_SPLITS + 3 * split + 2);
  const chunk = hi(p, H_ROWS);
  const targets = <usize>hi(p, H_TARGET_W) << 2;
  let sum: f64 = 0;
  let right: i32 = 0;
  for (let start = 0; start < n; start += chunk) {
    const r = min(chunk, n - start);
    copyInputs(p, hp(p, H_XBUF), x, <usize>start, r);
    memory.copy(hp(p, H_YBUF), y + <usize>start * targets, <usize>r * targets);
    forward(p, r, MODE_EVAL);
    sum += <f64>lossForward(p, r) * <f64>r;
    right += correct(p, r);
  }
  hset(p, H_EVAL_CORRECT, right);
  const mean = n > 0 ? sum / <f64>n : 0;
  store<f64>(p + (<usize>H_EVAL_LOSS << 2), mean);
  return mean;
}

/**
 * The loss of the rows already in the input and target buffers and its full gradient: the
 * gradient block holds ∂loss/∂parameter afterwards (no L2/L1, no clipping, no update). With
 * `draw` ≠ 0 a training forward pass (fresh dropout masks, running statistics updated); with
 * `draw` = 0 the probe mode of `program_loss`, so a finite-difference check can compare the two.
 */
export function program_gradient(p: usize, rows: i32, draw: i32): f32 {
  hset(p, H_SLOT, 0);
  memory.fill(hp(p, H_ZERO_START), 0, <usize>hi(p, H_ZERO_BYTES));
  forward(p, rows, draw ? MODE_TRAIN : MODE_PROBE);
  const loss = lossForward(p, rows);
  lossBackward(p, rows);
  backward(p, rows);
  return loss;
}

/**
 * The training-mode loss of the rows in the input and target buffers at the current
 * parameters, keeping the last dropout masks and leaving running statistics alone: the
 * function a gradient check differentiates numerically.
 */
export function program_loss(p: usize, rows: i32): f32 {
  forward(p, rows, MODE_PROBE);
  return lossForward(p, rows);
}
