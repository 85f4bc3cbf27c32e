/**
 * What the attention of a transformer looked at, for one sequence: every attention node's
 * weights [H, T, T] (row t is how much position t took from each position s ≤ t, summing to 1;
 * zero above the diagonal, the future it may not see). The kernel keeps them from the forward
 * pass for backward; after a forward pass of that one example the first row of the buffer is
 * its. This is what the game's heatmaps draw, per head and block.
 */
import type { Arena } from './arena.js';
import { inputShape } from './graph.js';
import type { Network } from './spec.js';

export interface AttentionMap {
  /** The attention module's path (`transformer.h.0.attn`). */
  layer: string;
  /** The spec layer (the transformer block) it belongs to. */
  block: number;
  heads: number;
  steps: number;
  /** [H, T, T]: weights[h·T·T + t·T + s]. */
  weights: Float32Array;
}

/** Runs one example `x` [inputs] forward and reads every attention node's weights. */
export function attentionMaps(arena: Arena, network: Network, x: Float32Array): AttentionMap[] {
  if (x.length !== network.spec.inputs) {
    throw new Error(
      `attention needs one example of ${network.spec.inputs} values, got ${x.length}`,
    );
  }
  const { graph } = network;
  const nodes = graph.nodes.filter((n) =>
    arena.plan.tensors.some((t) => t.name === `${n.path}.probs`),
  );
  if (nodes.length === 0) return [];
  const k = arena.live();
  (arena.view('input') as Float32Array).set(x);
  k.program_eval(arena.program, 3, 1);
  return nodes.map((node) => {
    const T = inputShape(graph, node)[0]!;
    const H = (node.attrs as { heads: number }).heads;
    const all = arena.view(`${node.path}.probs`) as Float32Array;
    return {
      layer: node.path,
      block: node.layer,
      heads: H,
      steps: T,
      weights: all.slice(0, H * T * T),
    };
  });
}
