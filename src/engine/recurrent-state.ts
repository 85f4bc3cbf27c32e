/**
 * What recurrent layers did: the gradient's health along the sequence at the latest training
 * step (`gradientHealth`), and, for one sequence (`recurrentState`), the hidden state at every
 * step and, for an LSTM, the cell state and the input, forget and output gates (for a GRU the
 * reset and update gates), each [T, H]: what the game's heatmaps draw. They are read from the layer's work buffer
 * after a forward pass of that one example, where the kernel keeps them time-major for
 * backpropagation (layouts in `assembly/ops/rnn.ts`, `lstm.ts`, `gru.ts`; with one row, time-major
 * is simply [T, …]).
 */
import type { Arena } from './arena.js';
import { inputShape } from './graph.js';
import { workLayout } from './ops/recurrent.js';
import type { Network } from './spec.js';

export interface RecurrentState {
  layer: string;
  cell: 'rnn' | 'lstm' | 'gru';
  steps: number;
  hidden: number;
  /** h(t), [T, H]. */
  h: Float32Array;
  /** An LSTM's memory cell c(t), [T, H]. */
  c?: Float32Array;
  /** Gate activations in 0..1, [T, H] each: LSTM input, forget, output; GRU reset, update. */
  gates?: Record<string, Float32Array>;
}

/** Runs one example `x` [inputs] forward and reads the recurrent layer `layer` (its module path). */
export function recurrentState(
  arena: Arena,
  network: Network,
  x: Float32Array,
  layer: string,
): RecurrentState {
  const { graph } = network;
  const node = graph.nodes.find((n) => n.path === layer);
  if (!node || (node.op !== 'rnn' && node.op !== 'lstm' && node.op !== 'gru')) {
    throw new Error(`"${layer}" is not a recurrent layer of this network`);
  }
  if (x.length !== network.spec.inputs) {
    throw new Error(
      `recurrentState needs one example of ${network.spec.inputs} values, got ${x.length}`,
    );
  }
  const k = arena.live();
  (arena.view('input') as Float32Array).set(x);
  k.program_eval(arena.program, 3, 1);
  const [T, D] = inputShape(graph, node) as [number, number];
  const H = (node.attrs as { hidden: number }).hidden;
  const work = arena.view(`${node.path}.scratch`) as Float32Array;
  const rows = (at: number, width: number, offset: number): Float32Array => {
    const out = new Float32Array(T * H);
    for (let t = 0; t < T; t++)
      out.set(work.subarray(at + t * width + offset, at + t * width + offset + H), t * H);
    return out;
  };
  const cell = node.op;
  const { at } = workLayout(cell, 1, T, D, H);
  const h = rows(at['hs']!, H, 0);
  if (cell === 'rnn') return { layer, cell, steps: T, hidden: H, h };
  const G = cell === 'lstm' ? 4 : 3;
  const gate = (i: number): Float32Array => rows(at['gates']!, G * H, i * H);
  if (cell === 'lstm') {
    return {
      layer,
      cell,
      steps: T,
      hidden: H,
      h,
      c: rows(at['cs']!, H, 0),
      gates: { input: gate(0), forget: gate(1), output: gate(3) },
    };
  }
  return {
    layer,
    cell,
    steps: T,
    hidden: H,
    h,
    gates: { reset: gate(0), update: gate(1) },
  };
}

/**
 * Each recurrent layer's ‖∂L/∂h(t)‖ at every step t of the training step in row `slot` of its
 * health history (the kernel writes one row per step of a `program_train` call); none for a
 * slot below 0 (no step yet).
 */
export function gradientHealth(
  arena: Arena,
  slot: number,
): { layer: string; norms: Float32Array }[] {
  if (slot < 0) return [];
  return arena.plan.tensors
    .filter((t) => t.name.endsWith('.health'))
    .map((t) => {
      const steps = t.shape[1]!;
      const all = arena.view(t.name) as Float32Array;
      return {
        layer: t.name.slice(0, -'.health'.length),
        norms: all.slice(slot * steps, (slot + 1) * steps),
      };
    });
}
