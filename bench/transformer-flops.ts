/**
 * The character transformer of the benchmark, as plain data that every library's rows build
 * from (the tfjs-wasm and jax-js peers now, our engine's row later), its parameter count, the
 * token minibatches it trains on, and the FLOP count of one training step, the counterpart of
 * `rnn-flops.ts` for attention.
 *
 * The model is nanoGPT's, pre-LN: token ids → a learned token embedding wte [V, D] plus a learned
 * positional embedding wpe [T, D] → `blocks` blocks of x += attn(ln1(x)); x += mlp(ln2(x)) →
 * a final layer norm → an untied linear head with bias to the V logits at every position.
 * Attention: one linear qkv D → 3D, `heads` heads of D/heads, scores QKᵀ/√(D/heads) with a causal
 * mask, softmax, P·V, a linear proj D → D. MLP: D → mlpRatio·D, GELU (tanh approximation),
 * → D. Every linear and layer norm has a bias (layer norm ε 1e-5). Softmax cross-entropy at
 * every position, averaged over batch·steps. Adam, lr 1e-3 (β1 0.9, β2 0.999, ε 1e-8); no
 * dropout. Initialisation as nanoGPT's: weights and embeddings normal(0, 0.02), the two
 * projections back into the residual stream (attention proj, MLP fc-proj) 0.02/√(2·blocks),
 * biases zero, layer norm gains one.
 */
import { tokenRows } from './rnn-flops.js';

export interface TransformerNet {
  /** Symbols; token ids in, their next-token logits out. */
  vocab: number;
  /** Context length T: positions of every sequence (and rows of wpe). */
  steps: number;
  /** Model width D. */
  width: number;
  heads: number;
  blocks: number;
  /** Hidden width of the MLP over D. */
  mlpRatio: number;
  /** Minibatch size B. */
  batch: number;
}

/** The benchmark's model: V 28, T 32, D 64, 4 heads, 2 blocks, MLP 4·D, batch 16. */
export const TRANSFORMER_BENCH = {
  vocab: 28,
  steps: 32,
  width: 64,
  heads: 4,
  blocks: 2,
  mlpRatio: 4,
  batch: 16,
} as const satisfies TransformerNet;

/** Adam's step size for every transformer row. */
export const TRANSFORMER_LEARNING_RATE = 1e-3;
/** Adam's ε for every transformer row (PyTorch's and optax's default). */
export const TRANSFORMER_ADAM_EPS = 1e-8;
/** Layer norm's ε. */
export const LAYER_NORM_EPS = 1e-5;

/**
 * Trainable parameters: wte V·D + wpe T·D + per block (ln1 2D, qkv D·3D + 3D, proj D·D + D, ln2
 * 2D, fc D·rD + rD, fc-proj rD·D + D) + ln_f 2D + head D·V + V. For the bench model: 1,792 +
 * 2,048 + 2 · 49,984 + 128 + 1,820 = 105,756 (per block 12·64² + 13·64 with r = 4).
 */
export function transformerParams(net: TransformerNet): number {
  const { vocab: V, steps: T, width: D, blocks, mlpRatio: r } = net;
  const block =
    2 * D + (D * 3 * D + 3 * D) + (D * D + D) + 2 * D + (D * r * D + r * D) + (r * D * D + D);
  return V * D + T * D + blocks * block + 2 * D + (D * V + V);
}

if (transformerParams(TRANSFORMER_BENCH) !== 105_756) {
  throw new Error(`transformer: ${transformerParams(TRANSFORMER_BENCH)} parameters, not 105,756`);
}

/**
 * Multiply-adds of one forward pass per training example (one sequence of T positions), the
 * matmuls only: per block qkv T·D·3D, scores QKᵀ T·T·D (all heads: T·T·(D/heads)·heads), P·V
 * T·T·D, proj T·D·D, fc T·D·rD, fc-proj T·rD·D; then the head T·D·V. The scores and P·V are
 * counted over the FULL T×T, masked half included: that is what the peers compute (a mask added
 * to, or selected into, full scores) and what our engine's dense attention will do. The
 * embedding is a lookup (a gather, or in tfjs-wasm a one-hot product, counted as the lookup it
 * stands for: nothing); layer norms, GELU, softmax, biases, the loss and Adam count nothing.
 *
 * For the bench model, per example:
 *   qkv      32·64·192 = 393,216      proj    32·64·64  = 131,072
 *   QKᵀ      32·32·64  =  65,536      fc      32·64·256 = 524,288
 *   P·V      32·32·64  =  65,536      fc-proj 32·256·64 = 524,288
 *   block 1,703,936 × 2 blocks = 3,407,872; head 32·64·28 = 57,344; sum 3,465,216 MACs,
 *   6,930,432 FLOPs.
 */
export function transformerForwardMacs(net: TransformerNet): number {
  const { vocab: V, steps: T, width: D, blocks, mlpRatio: r } = net;
  const block = T * D * 3 * D + 2 * T * T * D + T * D * D + 2 * T * D * r * D;
  return blocks * block + T * D * V;
}

/**
 * FLOPs of one training step over a minibatch (forward, backward; the update is not counted),
 * by the rule of `cnnStepFlops` and `rnnStepFlops`: 2 per multiply-add of the forward pass, again
 * for the gradient of one operand and again for the other's. The exception there, the first
 * weighted layer's unneeded input gradient, does not arise: the first matmul (block 1's qkv)
 * sits above the embeddings, whose gradient flows through it, and QKᵀ and P·V need both operand
 * gradients. So every matmul counts three times: 3 × 6,930,432 × 16 = 332,660,736 FLOPs a step
 * (≈ 0.333 GFLOP) for the bench model.
 */
export function transformerStepFlops(net: TransformerNet): number {
  return 3 * 2 * net.batch * transformerForwardMacs(net);
}

/** One minibatch: token ids and one-hot next tokens, batch-major (row b·T + t). */
export interface TransformerBatch {
  /** [B·T] input token ids. */
  ids: Int32Array;
  /** [B·T, V] one-hot inputs (for a peer that embeds by a matmul). */
  x: Float32Array;
  /** [B·T, V] one-hot next tokens. */
  y: Float32Array;
}

/**
 * `count` fixed minibatches of the token chain of `tokenRows` (each symbol +1 of the one before
 * three times in four, else +2), so the loss can fall from ln V ≈ 3.33 towards ≈ 0.56 nats; built
 * once, outside any timed region.
 */
export function transformerBatches(
  net: TransformerNet,
  count: number,
  seed: number,
): TransformerBatch[] {
  const { steps: T, vocab: V, batch: B } = net;
  const rows = tokenRows(net, count * B, seed);
  return Array.from({ length: count }, (_, c) => {
    const ids = rows.ids.slice(c * B * T, (c + 1) * B * T);
    const next = rows.next.subarray(c * B * T, (c + 1) * B * T);
    const x = new Float32Array(B * T * V);
    const y = new Float32Array(B * T * V);
    for (let i = 0; i < B * T; i++) {
      x[i * V + ids[i]!] = 1;
      y[i * V + next[i]!] = 1;
    }
    return { ids, x, y };
  });
}
