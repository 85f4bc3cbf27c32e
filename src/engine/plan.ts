/**
 * The planner: lays one arena out in kernel memory for a network, its optimizer and its data.
 * Regions, in order: parameters | gradients | activation gradients | optimizer state | state
 * (program, PRNGs, shuffle order, histories) | buffers (batch-norm running statistics) |
 * activations (input, target, the input features when the spec has them, every value of the
 * graph, what ops keep for backward, scratch) | data. Every buffer is sized from rows × its
 * per-example shape, 16-byte aligned and named, so the UI can ask for "0.weight" and a snapshot
 * is two contiguous byte ranges (parameters; optimizer state to buffers). A flatten's output is
 * its input's buffer under another name. Gradients and activation gradients are adjacent, so
 * one fill clears them each step.
 */
import type { Graph, GraphNode } from './graph.js';
import { inputShape } from './graph.js';
import { HISTORY_CAPACITY, LIMITS } from './limits.js';
import { opDef, size, type ParamDecl } from './ops/index.js';
import { OPTIMIZER_STATE, type TrainOptions } from './options.js';
import { HEADER_WORDS, RECORDS } from './records.js';
import { SpecError, type Network } from './spec.js';

export const REGIONS = [
  'params',
  'grads',
  'actGrads',
  'optimizer',
  'state',
  'buffers',
  'acts',
  'data',
] as const;
export type Region = (typeof REGIONS)[number];

/** A named buffer: byte offset from the arena start, length in elements, logical shape. */
export interface Tensor {
  name: string;
  region: Region;
  offset: number;
  length: number;
  shape: number[];
  dtype: 'f32' | 'i32' | 'u8';
}

/** A parameter tensor with what its op declared about it (initialisation, L2). */
export interface ParamTensor extends Tensor {
  decl: ParamDecl;
}

/** A non-trainable buffer with the value it starts at. */
export interface BufferTensor extends Tensor {
  fill: number;
}

/** Row counts of the three data splits. */
export interface DataSizes {
  inputs: number;
  /** Floats per target row: outputs for MSE/BCE, 1 (a class label) for CCE; times the steps of a sequence scored at every step. */
  targetWidth: number;
  train: number;
  validation: number;
  test: number;
  /** The splits' inputs are u8 pixels (image data), scaled as they are gathered. */
  pixels?: boolean;
}

export { HISTORY_CAPACITY } from './limits.js';
/** Most rows evaluated per forward pass when scoring a whole split. */
export const EVAL_ROWS = 256;

export interface Plan {
  tensors: Tensor[];
  /** Every tensor by name, flatten outputs (and their gradients) under their own names too. */
  byName: Map<string, Tensor>;
  /** Byte range [start, end) of each region. */
  regions: Record<Region, { start: number; end: number }>;
  totalBytes: number;
  /** Rows every activation buffer holds: the batch, or the evaluation chunk if larger. */
  rows: number;
  /** Number of f32 slots in the parameter block, padding included. */
  paramSlots: number;
  /** Parameter tensors in state-dict order. */
  params: ParamTensor[];
  /** Non-trainable buffers in state-dict order (running statistics). */
  buffers: BufferTensor[];
  /** Words of the program: header, records, the record list and the penalised weights. */
  programWords: number;
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Which values of the graph need a gradient: those with a parameter upstream. */
function gradValues(graph: Graph): boolean[] {
  const needs = graph.values.map(() => false);
  for (const node of graph.nodes) {
    const def = opDef(node.op);
    const fromParams = (def.params?.(node.attrs, inputShape(graph, node)).length ?? 0) > 0;
    needs[node.output] = fromParams || node.inputs.some((v) => needs[v]);
  }
  return needs;
}

/** Words of every op record of the network (its fields and tail). */
export function recordWords(graph: Graph): number {
  let words = 0;
  for (const node of graph.nodes) {
    const def = opDef(node.op);
    if (def.recordKind) words += RECORDS[def.recordKind].words + (def.tailWords?.(node.attrs) ?? 0);
  }
  return words;
}

/**
 * Floats one example needs while it trains, as the arena lays them out: every value the graph
 * computes (the aliases share theirs), and what each op keeps for the backward pass (attention's
 * weights, a dropout mask). Gradients of values take as much again.
 */
export function activationFloats(network: Network): number {
  const { graph } = network;
  let floats = 0;
  for (const v of graph.values)
    if (v.id !== graph.input && v.aliasOf === null) floats += size(v.shape);
  for (const node of graph.nodes) {
    const output = graph.values[node.output]!.shape;
    for (const s of opDef(node.op).saved?.(node.attrs, inputShape(graph, node), output) ?? []) {
      if (s.perRow !== false) floats += size(s.shape);
    }
  }
  return floats;
}

/** Records in the program: every op but the aliases. */
export function recordNodes(graph: Graph): GraphNode[] {
  return graph.nodes.filter((n) => opDef(n.op).recordKind);
}

/**
 * Computes the layout. Throws a SpecError, before anything is allocated, if the arena would
 * exceed `LIMITS.maxArenaBytes` even with the smallest evaluation chunk, or if the batch is too
 * small for an op (batch norm over features needs two rows).
 */
export function planArena(network: Network, options: TrainOptions, data: DataSizes): Plan {
  for (const node of network.graph.nodes) {
    const least = opDef(node.op).minBatch?.(node.attrs, inputShape(network.graph, node)) ?? 1;
    if (options.batch < least) {
      throw new SpecError([
        `options.batch must be at least ${least} for the ${node.op} of layers[${node.layer}] (it averages over the batch), got ${options.batch}`,
      ]);
    }
  }
  const largest = Math.max(data.validation, data.test, data.train);
  let rows = Math.max(options.batch, Math.min(EVAL_ROWS, largest));
  let plan = layout(network, options, data, rows);
  if (plan.totalBytes > LIMITS.maxArenaBytes && rows > options.batch) {
    // The evaluation chunk is the one size we may shrink: evaluate in smaller pieces.
    const least = layout(network, options, data, options.batch);
    const perRow = (plan.totalBytes - least.totalBytes) / (rows - options.batch);
    rows =
      options.batch + Math.max(0, Math.floor((LIMITS.maxArenaBytes - least.totalBytes) / perRow));
    plan = layout(network, options, data, rows);
    while (plan.totalBytes > LIMITS.maxArenaBytes && rows > options.batch) {
      rows = Math.max(options.batch, rows - 16);
      plan = layout(network, options, data, rows);
    }
  }
  if (plan.totalBytes > LIMITS.maxArenaBytes) {
    const mib = (n: number): string => (n / 1048576).toFixed(1);
    throw new SpecError([
      `the network and its data need ${mib(plan.totalBytes)} MiB of memory; the limit is ${mib(LIMITS.maxArenaBytes)} MiB (fewer units, a smaller batch or less data)`,
    ]);
  }
  return plan;
}

function layout(network: Network, options: TrainOptions, data: DataSizes, rows: number): Plan {
  const { graph } = network;
  const tensors: Tensor[] = [];
  const byName = new Map<string, Tensor>();
  const regions = {} as Plan['regions'];
  let cursor = 0;
  let region: Region = 'params';
  const open = (r: Region): void => {
    region = r;
    regions[r] = { start: cursor, end: cursor };
  };
  const add = (name: string, shape: number[], dtype: Tensor['dtype'] = 'f32'): Tensor => {
    const length = size(shape);
    const bytes = dtype === 'u8' ? length : length * 4;
    const t: Tensor = { name, region, offset: cursor, length, shape, dtype };
    cursor = align16(cursor + bytes);
    regions[region].end = cursor;
    tensors.push(t);
    byName.set(name, t);
    return t;
  };
  /** A flatten's output: the source's buffer under the alias's name and shape. */
  const alias = (name: string, of: string, shape: number[]): void => {
    const t = byName.get(of)!;
    byName.set(name, { ...t, name, shape });
  };

  open('params');
  const params: ParamTensor[] = [];
  for (const node of graph.nodes) {
    const def = opDef(node.op);
    for (const decl of def.params?.(node.attrs, inputShape(graph, node)) ?? []) {
      params.push({ ...add(`${node.path}.${decl.name}`, decl.shape), decl });
    }
  }
  const paramBytes = cursor;
  open('grads');
  for (const p of params) add(`${p.name}.grad`, p.shape);

  const needsGrad = gradValues(graph);
  open('actGrads');
  for (const v of graph.values) {
    if (!needsGrad[v.id]) continue;
    if (v.aliasOf === null) add(`${v.name}.grad`, [rows, ...v.shape]);
    else alias(`${v.name}.grad`, `${graph.values[v.aliasOf]!.name}.grad`, [rows, ...v.shape]);
  }

  open('optimizer');
  for (const name of OPTIMIZER_STATE[options.optimizer]) add(`optimizer.${name}`, [paramBytes / 4]);

  open('state');
  const records = recordNodes(graph);
  const nl2 = params.filter((p) => p.decl.decay).length;
  const programWords = HEADER_WORDS + recordWords(graph) + records.length + 2 * nl2;
  add('program', [programWords], 'i32');
  add('rng.init', [4], 'i32');
  add('rng.train', [4], 'i32');
  add('rng.sample', [4], 'i32');
  add('sample.work', [Math.max(4, network.outputs)]);
  add('order', [Math.max(1, data.train)], 'i32');
  add('history.loss', [HISTORY_CAPACITY]);
  add('history.gradNorm', [HISTORY_CAPACITY]);
  add('history.correct', [HISTORY_CAPACITY], 'i32');

  open('buffers');
  const buffers: BufferTensor[] = [];
  for (const node of graph.nodes) {
    for (const b of opDef(node.op).buffers?.(node.attrs, inputShape(graph, node)) ?? []) {
      buffers.push({ ...add(`${node.path}.${b.name}`, b.shape, b.dtype), fill: b.fill });
    }
  }

  open('acts');
  add('input', [rows, ...network.inputShape]);
  add('target', [rows, data.targetWidth]);
  for (const v of graph.values) {
    if (v.id === graph.input) continue;
    if (v.aliasOf === null) add(v.name, [rows, ...v.shape]);
    else alias(v.name, graph.values[v.aliasOf]!.name, [rows, ...v.shape]);
  }
  for (const node of graph.nodes) {
    const def = opDef(node.op);
    const input = inputShape(graph, node);
    const output = graph.values[node.output]!.shape;
    for (const s of def.saved?.(node.attrs, input, output) ?? []) {
      add(`${node.path}.${s.name}`, s.perRow === false ? s.shape : [rows, ...s.shape], s.dtype);
    }
    const scratch = def.scratch?.(node.attrs, input, output, rows) ?? 0;
    if (scratch > 0) add(`${node.path}.scratch`, [scratch]);
  }
  if (network.spec.loss !== 'mse') add('head', [rows, network.positions * network.outputs]);

  open('data');
  for (const split of ['train', 'validation', 'test'] as const) {
    add(`${split}.x`, [data[split], data.inputs], data.pixels ? 'u8' : 'f32');
    add(`${split}.y`, [data[split], data.targetWidth]);
  }
  return {
    tensors,
    byName,
    regions,
    totalBytes: cursor,
    rows,
    paramSlots: paramBytes / 4,
    params,
    buffers,
    programWords,
  };
}
