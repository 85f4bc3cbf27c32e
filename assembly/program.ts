// Shapes: B batch rows, R rows of an evaluation chunk, C/OC widths recorded in each op record.
//
// The interpreter: runs whole training steps (batch gather, forward, loss, backward, L2 and L1,
// clipping, optimizer) from a program the engine wrote into memory, so one JS→WASM call covers
// any number of steps and JS never touches the hot loop. Layout of the program (i32 words):
// a header of HEADER_WORDS fields (the H_* constants, mirrored in src/engine/program.ts), then
// one OP_WORDS-word record per op, then (param pointer, length) pairs of the weights the L2 and
// L1 penalties apply to (every dense weight, no bias).

import { dense_forward, dense_backward } from './ops/dense';
import { relu_forward, relu_backward } from './ops/relu';
import { leaky_relu_forward, leaky_relu_backward } from './ops/leaky_relu';
import { sigmoid_forward, sigmoid_backward } from './ops/sigmoid';
import { tanh_forward, tanh_backward } from './ops/tanh';
import { softmax_forward, softmax_backward } from './ops/softmax';
import { dropout_forward, dropout_backward } from './ops/dropout';
import { mse_forward, mse_backward, accuracy_threshold } from './ops/mse';
import { bce_logits_forward, bce_logits_backward, accuracy_binary } from './ops/bce_logits';
import { softmax_ce_forward, softmax_ce_backward, accuracy_multiclass } from './ops/softmax_ce';
import { features_forward } from './ops/features';
import { l2_backward } from './ops/l2';
import { l1_backward } from './ops/l1';
import { clip_grad_norm, sum_squares } from './ops/clip';
import { sgd_update } from './ops/sgd';
import { momentum_update } from './ops/momentum';
import { rmsprop_update } from './ops/rmsprop';
import { adam_update } from './ops/adam';
import { rng_shuffle_i32 } from './rng';

const HEADER_WORDS: i32 = 64;
const OP_WORDS: i32 = 12;

// Header fields (word index).
const H_NOPS: i32 = 0;
const H_BATCH: i32 = 1;
const H_INPUTS: i32 = 2;
const H_TARGET_W: i32 = 3;
const H_LOSS: i32 = 4; // 0 mse, 1 bce on logits, 2 cce on logits
const H_LOGITS: i32 = 5;
const H_DLOGITS: i32 = 6;
const H_HEAD: i32 = 7; // probabilities (bce/cce) or the logits themselves (mse)
const H_OUT_W: i32 = 8;
const H_XBUF: i32 = 9;
const H_YBUF: i32 = 10;
const H_PARAMS: i32 = 11;
const H_GRADS: i32 = 12;
const H_NPARAM: i32 = 13;
const H_ZERO_START: i32 = 14;
const H_ZERO_BYTES: i32 = 15;
const H_OPT: i32 = 16; // 0 sgd, 1 momentum, 2 rmsprop, 3 adam, 4 adamw
const H_OPT_S1: i32 = 17;
const H_OPT_S2: i32 = 18;
const H_LR: i32 = 19; // f32
const H_BETA1: i32 = 20; // f32: beta1, momentum or alpha
const H_BETA2: i32 = 21; // f32
const H_EPS: i32 = 22; // f32
const H_WD: i32 = 23; // f32
const H_NESTEROV: i32 = 24;
const H_L2: i32 = 25; // f32
const H_CLIP: i32 = 26; // f32
const H_RNG: i32 = 27;
const H_ORDER: i32 = 28;
const H_CURSOR: i32 = 29;
const H_NTRAIN: i32 = 30;
const H_SPLITS: i32 = 31; // 3 × (x, y, n): train, validation, test
const H_STEP: i32 = 40;
const H_T: i32 = 41;
const H_BC1: i32 = 42; // f64 (words 42–43): β1^t
const H_BC2: i32 = 44; // f64 (words 44–45): β2^t
const H_HIST_LOSS: i32 = 46;
const H_HIST_NORM: i32 = 47;
const H_HIST_CORRECT: i32 = 48;
const H_NL2: i32 = 49;
const H_STATUS: i32 = 50; // 0 ok, 1 loss not finite, 2 gradient norm not finite
const H_EVAL_CORRECT: i32 = 51;
const H_EVAL_LOSS: i32 = 52; // f64 (words 52–53)
const H_ROWS: i32 = 54;
const H_SCORE: i32 = 55; // 1: an MSE output on 0/1 targets is scored as a yes/no answer at 0.5
const H_L1: i32 = 56; // f32

// Op kinds and activation functions.
const OP_DENSE: i32 = 1;
const OP_ACT: i32 = 2;
const OP_DROPOUT: i32 = 3;
const OP_FEATURES: i32 = 4; // first when present: the input features, from the data's x1, x2
const ACT_RELU: i32 = 1;
const ACT_LEAKY: i32 = 2;
const ACT_SIGMOID: i32 = 3;
const ACT_TANH: i32 = 4;
const ACT_SOFTMAX: i32 = 5;

/** Split selector of `program_eval` that means "rows already written to the input buffer". */
const SPLIT_INPUT: i32 = 3;

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
// @ts-ignore: decorator
@inline function opw(op: usize, i: i32): i32 {
  return load<i32>(op + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function opp(op: usize, i: i32): usize {
  return <usize>load<i32>(op + (<usize>i << 2));
}

/** Forward pass over `rows` rows. Dropout masks are drawn only when `training`. */
function forward(p: usize, rows: i32, training: bool): void {
  const n = hi(p, H_NOPS);
  const ops = p + (<usize>HEADER_WORDS << 2);
  for (let i = 0; i < n; i++) {
    const op = ops + (<usize>(i * OP_WORDS) << 2);
    const kind = opw(op, 0);
    if (kind == OP_DENSE) {
      // [kind, out, inp, w, b, dout, dinp, dw, db, C, OC]
      dense_forward(opp(op, 1), opp(op, 2), opp(op, 3), opp(op, 4), rows, opw(op, 9), opw(op, 10));
    } else if (kind == OP_ACT) {
      // [kind, fn, out, inp, dout, dinp, width, alpha]
      const fn = opw(op, 1);
      const count = rows * opw(op, 6);
      if (fn == ACT_RELU) relu_forward(opp(op, 2), opp(op, 3), count);
      else if (fn == ACT_LEAKY) leaky_relu_forward(opp(op, 2), opp(op, 3), count, load<f32>(op + 28));
      else if (fn == ACT_SIGMOID) sigmoid_forward(opp(op, 2), opp(op, 3), count);
      else if (fn == ACT_TANH) tanh_forward(opp(op, 2), opp(op, 3), count);
      else if (fn == ACT_SOFTMAX) softmax_forward(opp(op, 2), opp(op, 3), rows, opw(op, 6));
    } else if (kind == OP_DROPOUT) {
      // [kind, out, mask, inp, dout, dinp, width, p]
      const count = rows * opw(op, 6);
      if (training) {
        dropout_forward(opp(op, 1), opp(op, 2), opp(op, 3), count, load<f32>(op + 28), hp(p, H_RNG));
      } else {
        memory.copy(opp(op, 1), opp(op, 3), <usize>count << 2);
      }
    } else if (kind == OP_FEATURES) {
      // [kind, out, inp, K, code 0, …, code K−1]
      features_forward(opp(op, 1), opp(op, 2), rows, op + 16, opw(op, 3));
    }
  }
}

/** Backward pass over the batch, in reverse op order; gradients accumulate into zeroed buffers. */
function backward(p: usize, rows: i32): void {
  const n = hi(p, H_NOPS);
  const ops = p + (<usize>HEADER_WORDS << 2);
  for (let i = n - 1; i >= 0; i--) {
    const op = ops + (<usize>(i * OP_WORDS) << 2);
    const kind = opw(op, 0);
    if (kind == OP_DENSE) {
      dense_backward(
        opp(op, 6), opp(op, 7), opp(op, 8), opp(op, 5), opp(op, 2), opp(op, 3),
        rows, opw(op, 9), opw(op, 10),
      );
    } else if (kind == OP_ACT) {
      const dinp = opp(op, 5);
      if (dinp == 0) continue;
      const fn = opw(op, 1);
      const count = rows * opw(op, 6);
      if (fn == ACT_RELU) relu_backward(dinp, opp(op, 4), opp(op, 3), count);
      else if (fn == ACT_LEAKY) leaky_relu_backward(dinp, opp(op, 4), opp(op, 3), count, load<f32>(op + 28));
      else if (fn == ACT_SIGMOID) sigmoid_backward(dinp, opp(op, 4), opp(op, 2), count);
      else if (fn == ACT_TANH) tanh_backward(dinp, opp(op, 4), opp(op, 2), count);
      else if (fn == ACT_SOFTMAX) softmax_backward(dinp, opp(op, 4), opp(op, 2), rows, opw(op, 6));
    } else if (kind == OP_DROPOUT) {
      const dinp = opp(op, 5);
      if (dinp != 0) dropout_backward(dinp, opp(op, 4), opp(op, 2), rows * opw(op, 6));
    }
    // OP_FEATURES has nothing to do: no gradient flows to the data.
  }
}

/** Mean loss of the rows in the batch buffers; also writes the head (probabilities for CCE). */
function lossForward(p: usize, rows: i32): f32 {
  const kind = hi(p, H_LOSS);
  const width = hi(p, H_OUT_W);
  if (kind == 0) return mse_forward(hp(p, H_LOGITS), hp(p, H_YBUF), rows * width);
  if (kind == 1) return bce_logits_forward(hp(p, H_LOGITS), hp(p, H_YBUF), rows * width);
  return softmax_ce_forward(hp(p, H_HEAD), hp(p, H_LOGITS), hp(p, H_YBUF), rows, width);
}

function lossBackward(p: usize, rows: i32): void {
  const kind = hi(p, H_LOSS);
  const width = hi(p, H_OUT_W);
  if (kind == 0) mse_backward(hp(p, H_DLOGITS), hp(p, H_LOGITS), hp(p, H_YBUF), rows * width);
  else if (kind == 1) bce_logits_backward(hp(p, H_DLOGITS), hp(p, H_LOGITS), hp(p, H_YBUF), rows * width);
  else softmax_ce_backward(hp(p, H_DLOGITS), hp(p, H_HEAD), hp(p, H_YBUF), rows, width);
}

/** Correct answers among the rows (classification, or MSE scored at 0.5), else 0. */
function correct(p: usize, rows: i32): i32 {
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
    memory.copy(xb + <usize>r * inputs, x + row * inputs, inputs);
    memory.copy(yb + <usize>r * targets, y + row * targets, targets);
  }
  hset(p, H_CURSOR, cursor);
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
  const l2list = p + (<usize>(HEADER_WORDS + hi(p, H_NOPS) * OP_WORDS) << 2);
  hset(p, H_STATUS, 0);
  for (let s = 0; s < steps; s++) {
    gatherBatch(p, batch);
    memory.fill(hp(p, H_ZERO_START), 0, <usize>hi(p, H_ZERO_BYTES));
    forward(p, batch, true);
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
    forward(p, rows, false);
    const kind = hi(p, H_LOSS);
    const width = hi(p, H_OUT_W);
    if (kind == 1) sigmoid_forward(hp(p, H_HEAD), hp(p, H_LOGITS), rows * width);
    else if (kind == 2) softmax_forward(hp(p, H_HEAD), hp(p, H_LOGITS), rows, width);
    return 0;
  }
  const x = hp(p, H_SPLITS + 3 * split);
  const y = hp(p, H_SPLITS + 3 * split + 1);
  const n = hi(p, H_SPLITS + 3 * split + 2);
  const chunk = hi(p, H_ROWS);
  const inputs = <usize>hi(p, H_INPUTS) << 2;
  const targets = <usize>hi(p, H_TARGET_W) << 2;
  let sum: f64 = 0;
  let right: i32 = 0;
  for (let start = 0; start < n; start += chunk) {
    const r = min(chunk, n - start);
    memory.copy(hp(p, H_XBUF), x + <usize>start * inputs, <usize>r * inputs);
    memory.copy(hp(p, H_YBUF), y + <usize>start * targets, <usize>r * targets);
    forward(p, r, false);
    sum += <f64>lossForward(p, r) * <f64>r;
    right += correct(p, r);
  }
  hset(p, H_EVAL_CORRECT, right);
  const mean = n > 0 ? sum / <f64>n : 0;
  store<f64>(p + (<usize>H_EVAL_LOSS << 2), mean);
  return mean;
}
