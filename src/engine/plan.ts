/**
 * The planner: lays one arena out in kernel memory for a network, its optimizer and its data.
 * Regions, in order: parameters | gradients | activation gradients | optimizer state | state
 * (program, PRNGs, shuffle order, histories) | activations (input, target, the input features
 * when the spec has them, each op's output) | data. Every tensor is 16-byte aligned and named,
 * so the UI can ask for "0.weight" and a snapshot is two contiguous byte ranges. Gradients and
 * activation gradients are adjacent, so one fill clears them each step.
 */
import { LIMITS } from './limits.js';
import { OPTIMIZER_STATE, type TrainOptions } from './options.js';
import { SpecError, type Network } from './spec.js';

export const REGIONS = [
  'params',
  'grads',
  'actGrads',
  'optimizer',
  'state',
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

/** Row counts of the three data splits. */
export interface DataSizes {
  inputs: number;
  /** Floats per target row: outputs for MSE/BCE, 1 (a class label) for CCE. */
  targetWidth: number;
  train: number;
  validation: number;
  test: number;
}

/** Words of the program header and of one op record (see `assembly/program.ts`). */
export const HEADER_WORDS = 64;
export const OP_WORDS = 12;
/** Steps one `program_train` call may run; the learner splits longer requests. */
export const HISTORY_CAPACITY = 1024;
/** Rows evaluated per forward pass when scoring a whole split. */
export const EVAL_ROWS = 256;

export interface Plan {
  tensors: Tensor[];
  byName: Map<string, Tensor>;
  /** Byte range [start, end) of each region. */
  regions: Record<Region, { start: number; end: number }>;
  totalBytes: number;
  /** Rows every activation buffer holds: the larger of the batch and the evaluation chunk. */
  rows: number;
  /** Number of f32 slots in the parameter block, padding included. */
  paramSlots: number;
  /** Parameter tensors in state-dict order (weights and biases of each dense module). */
  params: Tensor[];
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * Computes the layout. Throws a SpecError, before anything is allocated, if the arena would
 * exceed `LIMITS.maxArenaBytes`.
 */
export function planArena(network: Network, options: TrainOptions, data: DataSizes): Plan {
  const tensors: Tensor[] = [];
  const regions = {} as Plan['regions'];
  let cursor = 0;
  let region: Region = 'params';
  const open = (r: Region): void => {
    region = r;
    regions[r] = { start: cursor, end: cursor };
  };
  const add = (name: string, shape: number[], dtype: Tensor['dtype'] = 'f32'): Tensor => {
    const length = shape.reduce((a, b) => a * b, 1);
    const bytes = dtype === 'u8' ? length : length * 4;
    const t: Tensor = { name, region, offset: cursor, length, shape, dtype };
    cursor = align16(cursor + bytes);
    regions[region].end = cursor;
    tensors.push(t);
    return t;
  };

  open('params');
  const params: Tensor[] = [];
  for (const op of network.ops) {
    if (op.kind !== 'dense') continue;
    params.push(add(`${op.module}.weight`, [op.units, op.inputs]));
    params.push(add(`${op.module}.bias`, [op.units]));
  }
  const paramBytes = cursor;
  open('grads');
  for (const p of params) add(`${p.name}.grad`, p.shape);

  const rows = Math.max(
    options.batch,
    Math.min(EVAL_ROWS, Math.max(data.validation, data.test, data.train)),
  );
  open('actGrads');
  for (const op of network.ops) add(`${op.module}.out.grad`, [rows, outWidth(op)]);

  open('optimizer');
  for (const name of OPTIMIZER_STATE[options.optimizer]) add(`optimizer.${name}`, [paramBytes / 4]);

  open('state');
  const dense = network.ops.filter((op) => op.kind === 'dense').length;
  add('program', [HEADER_WORDS + OP_WORDS * programOps(network) + 2 * dense], 'i32');
  add('rng.init', [4], 'i32');
  add('rng.train', [4], 'i32');
  add('order', [Math.max(1, data.train)], 'i32');
  add('history.loss', [HISTORY_CAPACITY]);
  add('history.gradNorm', [HISTORY_CAPACITY]);
  add('history.correct', [HISTORY_CAPACITY], 'i32');

  open('acts');
  add('input', [rows, data.inputs]);
  add('target', [rows, data.targetWidth]);
  if (network.features) add('features', [rows, network.features.length]);
  for (const op of network.ops) {
    add(`${op.module}.out`, [rows, outWidth(op)]);
    if (op.kind === 'dropout') add(`${op.module}.mask`, [rows, op.width]);
  }
  if (network.spec.loss !== 'mse') add('head', [rows, network.outputs]);

  open('data');
  for (const split of ['train', 'validation', 'test'] as const) {
    add(`${split}.x`, [data[split], data.inputs]);
    add(`${split}.y`, [data[split], data.targetWidth]);
  }

  if (cursor > LIMITS.maxArenaBytes) {
    const mib = (n: number): string => (n / 1048576).toFixed(1);
    throw new SpecError([
      `the network and its data need ${mib(cursor)} MiB of memory; the limit is ${mib(LIMITS.maxArenaBytes)} MiB (fewer units, a smaller batch or less data)`,
    ]);
  }
  return {
    tensors,
    byName: new Map(tensors.map((t) => [t.name, t])),
    regions,
    totalBytes: cursor,
    rows,
    paramSlots: paramBytes / 4,
    params,
  };
}

/** Op records in the program: the features op (when the network has features), then every op. */
export function programOps(network: Network): number {
  return network.ops.length + (network.features ? 1 : 0);
}

function outWidth(op: Network['ops'][number]): number {
  return op.kind === 'dense' ? op.units : op.width;
}
