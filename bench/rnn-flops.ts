/**
 * The recurrent networks of the benchmark, as plain data that every library's rows build from,
 * the synthetic token minibatches they train on, and the FLOP count of one training step, the
 * counterpart of `cnn-flops.ts` for sequences.
 *
 * The network: one-hot tokens over a vocabulary of 28 → one recurrent layer (RNN with tanh,
 * LSTM or GRU, PyTorch's equations and gate order, zero initial state) returning its hidden
 * state at every step → a dense layer applied at every step to the 28 logits of the next token,
 * softmax cross-entropy averaged over every position of every sequence. Batch 32, 16 steps,
 * Adam with lr 1e-3 (β1 0.9, β2 0.999, each library's ε).
 */

export type Cell = 'rnn' | 'lstm' | 'gru';

/** Gate blocks of each cell's weight matrices ([G·H, D] and [G·H, H], as in PyTorch). */
export const GATES: Record<Cell, number> = { rnn: 1, lstm: 4, gru: 3 };

export interface RnnNet {
  cell: Cell;
  /** Time steps of each sequence. */
  steps: number;
  /** Symbols; the input is their one-hot code, the output their logits. */
  vocab: number;
  hidden: number;
}

/** Minibatch size of every recurrent row. */
export const RNN_BATCH = 32;
/** Adam's step size for every recurrent row. */
export const RNN_LEARNING_RATE = 1e-3;

/** The shared shape: T = 16, vocabulary 28, hidden 64. */
export function rnnNet(cell: Cell): RnnNet {
  return { cell, steps: 16, vocab: 28, hidden: 64 };
}

/**
 * FLOPs of one training step over a minibatch, by the rule of `cnnStepFlops`: 2 per
 * multiply-add of each weighted layer's forward pass, again for its weight gradient and again for
 * its input gradient, except the first weighted layer's input gradient, which nothing needs.
 * The recurrent layer's input projection W_ih (one-hot input, D = vocab) is that first layer:
 * forward and weight gradient only; its recurrent product W_hh needs all three (∂L/∂h(t−1) flows
 * back through it); so does the head. The one-hot input is counted as dense data, as conv
 * padding is; gate arithmetic, biases, the loss and the optimizer count nothing.
 *
 * Per example and step (multiply-adds), LSTM(64), D = V = 28:
 *   W_ih 28 → 4·64:   28·256 =  7,168 × 2 (fwd, dW)      =  14,336
 *   W_hh 64 → 4·64:   64·256 = 16,384 × 3 (fwd, dW, dX)  =  49,152
 *   head 64 → 28:     64·28  =  1,792 × 3                 =   5,376
 *   sum 68,864 MACs × 2 FLOPs × 32 × 16 = 70,516,736 FLOPs a step (≈ 0.0705 GFLOP).
 * GRU (3 gates): 10,752 + 36,864 + 5,376 = 52,992 → 54,263,808; RNN (1 gate): 3,584 + 12,288 +
 * 5,376 = 21,248 → 21,757,952.
 */
export function rnnStepFlops(net: RnnNet, batch = RNN_BATCH): number {
  const gh = GATES[net.cell] * net.hidden;
  const macs = net.vocab * gh * 2 + net.hidden * gh * 3 + net.hidden * net.vocab * 3;
  return 2 * batch * net.steps * macs;
}

/** Numerical Recipes LCG in [0, 1), the generator of cnn-flops.ts and tfjs.ts. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** `n` token sequences and the next token at every step. */
export interface TokenRows {
  /** [n, steps] token ids. */
  ids: Int32Array;
  /** [n, steps] the id that follows each one. */
  next: Int32Array;
  n: number;
}

/**
 * Text-like streams with something to learn: each symbol follows the one before it by +1
 * (mod vocab) three times in four and by +2 otherwise, so the next-token loss can fall from
 * ln 28 ≈ 3.33 towards the chain's entropy, ≈ 0.56 nats; a peer whose loss does not fall is not
 * training. Rows of `steps + 1` symbols, cut into input ids and next ids.
 */
export function tokenRows(
  net: Pick<RnnNet, 'steps' | 'vocab'>,
  n: number,
  seed: number,
): TokenRows {
  const rng = lcg(seed);
  const { steps: T, vocab: V } = net;
  const ids = new Int32Array(n * T);
  const next = new Int32Array(n * T);
  for (let i = 0; i < n; i++) {
    let s = Math.min(V - 1, Math.floor(rng() * V));
    for (let t = 0; t < T; t++) {
      const following = (s + (rng() < 0.75 ? 1 : 2)) % V;
      ids[i * T + t] = s;
      next[i * T + t] = following;
      s = following;
    }
  }
  return { ids, next, n };
}

/** One minibatch for the peers: one-hot inputs and targets, time-major for per-step loops. */
export interface RnnBatch {
  /** [steps, batch, vocab]: step t's one-hot inputs at t·batch·vocab. */
  x: Float32Array;
  /** [steps, batch, vocab]: one-hot next tokens. */
  y: Float32Array;
}

/** `count` fixed minibatches of `tokenRows`, built once, outside any timed region. */
export function rnnBatches(
  net: RnnNet,
  count: number,
  seed: number,
  batch = RNN_BATCH,
): RnnBatch[] {
  const rows = tokenRows(net, count * batch, seed);
  const { steps: T, vocab: V } = net;
  return Array.from({ length: count }, (_, c) => {
    const x = new Float32Array(T * batch * V);
    const y = new Float32Array(T * batch * V);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < T; t++) {
        const k = (c * batch + b) * T + t;
        x[(t * batch + b) * V + rows.ids[k]!] = 1;
        y[(t * batch + b) * V + rows.next[k]!] = 1;
      }
    }
    return { x, y };
  });
}
