/**
 * `attention`: causal multi-head self-attention, the middle of a transformer block (nanoGPT's
 * `CausalSelfAttention` between its `c_attn` and `c_proj` linear layers, which are dense nodes
 * of their own). It reads the queries, keys and values of every position side by side
 * ([T, 3D]); each of H heads scores its query against the keys of this and every earlier
 * position (q·k/√(D/H)), turns the scores into weights with a softmax, and takes that mix of
 * the values ([T, D], the heads side by side). The weights [H, T, T] are kept: backward needs
 * them, and the game draws them as heatmaps. With a dropout `rate`, training
 * drops each weight with that probability (nanoGPT's attn_dropout) and scales the rest by
 * 1/(1 − rate); the mask [H, T, T] is kept for backward, and evaluation uses every weight. Only
 * transformer blocks add it.
 */
import { type OpDef } from './types.js';

export interface AttentionAttrs {
  heads: number;
  /** Attention dropout, 0 ≤ rate < 1 (absent: none). */
  rate?: number;
}

export const attentionOp: OpDef<AttentionAttrs> = {
  name: 'attention',
  infer: ([input], { heads }) =>
    input!.length !== 2 || input![1]! % 3 !== 0
      ? 'needs the queries, keys and values of a sequence side by side, [steps, 3×width]'
      : (input![1]! / 3) % heads !== 0
        ? `has ${heads} heads, which must divide the width ${input![1]! / 3} evenly`
        : [input![0]!, input![1]! / 3],
  saved: ({ heads, rate }, [T]) => [
    { name: 'probs', shape: [heads, T!, T!], dtype: 'f32' },
    ...(rate ? [{ name: 'mask', shape: [heads, T!, T!], dtype: 'f32' as const }] : []),
  ],
  scratch: (_a, [T]) => attentionScratch(T!),
  // Scores q·k and the weighted sum of values, each T·T·(D/H) per head, as the peers compute.
  macs: (_a, [T, C]) => 2 * T! * T! * (C! / 3),
  torch: ({ heads }, [, C]) => `CausalSelfAttention(${C! / 3}, heads=${heads})`,
  recordKind: 'attention',
  record: ({ heads, rate }, [T, C], _out, at) => ({
    values: {
      out: at.out,
      probs: at.saved('probs'),
      qkv: at.inp(),
      dout: at.dout,
      dqkv: at.dinp(),
      scratch: at.scratch,
      T: T!,
      D: C! / 3,
      H: heads,
      mask: rate ? at.saved('mask') : 0,
      rate: rate ?? 0,
    },
  }),
};

/**
 * Floats of scratch the op works in: dS and the dropped weights [T, T] of one (row, head),
 * rounded up to a multiple of 4 (`attention_scratch_floats` in the kernel; a kernel test checks
 * they agree).
 */
export function attentionScratch(T: number): number {
  return (2 * T * T + 3) & ~3;
}
