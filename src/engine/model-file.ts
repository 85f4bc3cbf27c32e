/**
 * Model files (`neural-journey/model@2`): the spec, the training options, the step count, and
 * the parameters and buffers (batch-norm running statistics) under PyTorch state-dict names and
 * shapes, so a network trained here loads into `nn.Sequential.load_state_dict` and one made in
 * PyTorch loads here; optionally the optimizer
 * state and the training counters, so training continues exactly where it stopped, and the
 * data's standardisation. Values are base64 little-endian float32 (compact) or plain number lists
 * (easy to write by hand). Documented in `docs/model-format.md`.
 */
import type { TrainingState } from './learner.js';
import { LIMITS, clip, overLimit } from './limits.js';
import { OPTIMIZERS, parseOptions, type TrainOptions } from './options.js';
import { Issues, checkInt, isObject, parseSpec, show, type ModelSpec } from './spec.js';

/** The format files are written in; format 1 (the same without `buffers`) still loads. */
export const MODEL_FORMAT = 'neural-journey/model@2';
const FORMATS = ['neural-journey/model@1', MODEL_FORMAT];

export interface ModelParam {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Per-column mean and standard deviation, as on `Dataset.standardization`. */
export interface ModelScale {
  mean: number[];
  std: number[];
}

/** Where the data came from, so `eval` can rebuild the same splits and standardisation. */
export interface ModelData {
  name: string;
  seed: number;
  target?: string;
  /** The features' standardisation the network was trained with (absent: not standardised). */
  standardization?: ModelScale;
  /** The regression targets' standardisation (absent: the data's own numbers). */
  targetStandardization?: ModelScale;
  /** Symbol data: its symbols in id order, so the model can write text without the data. */
  vocab?: string[];
  /** The symbol between items (the '.' between names), where a sample starts and ends. */
  separator?: string;
}

/** Most symbols a model file's vocabulary may hold. */
export const MAX_VOCAB = 256;

/** A non-trainable buffer (batch-norm running statistics, `num_batches_tracked` as int32). */
export interface ModelBuffer {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array;
}

export interface ModelFile {
  spec: ModelSpec;
  optimizer: TrainOptions;
  step: number;
  params: ModelParam[];
  /** Buffers by PyTorch state-dict name; absent for networks without any (and in format 1). */
  buffers?: ModelBuffer[];
  data?: ModelData;
  /** Optimizer state and training counters; absent in older files (the optimizer starts afresh). */
  state?: TrainingState;
}

/** Serialises a model; `encoding` picks base64 (default) or plain numbers. */
export function encodeModel(model: ModelFile, encoding: 'base64' | 'numbers' = 'base64'): string {
  const params: Record<string, unknown> = {};
  for (const p of model.params) params[p.name] = encodeTensor(p.shape, p.values, encoding);
  const file: Record<string, unknown> = {
    format: MODEL_FORMAT,
    spec: model.spec,
    optimizer: model.optimizer,
    step: model.step,
    params,
  };
  if (model.buffers?.length) {
    const buffers: Record<string, unknown> = {};
    for (const b of model.buffers) buffers[b.name] = encodeTensor(b.shape, b.values, encoding);
    file['buffers'] = buffers;
  }
  if (model.data) file['data'] = model.data;
  if (model.state) {
    const s = model.state;
    const buffers: Record<string, Record<string, unknown>> = {};
    for (const b of s.buffers) {
      (buffers[b.buffer] ??= {})[b.param] = encodeTensor(b.shape, b.values, encoding);
    }
    file['state'] = {
      optimizer: s.optimizer,
      t: s.t,
      beta1Power: s.beta1Power,
      beta2Power: s.beta2Power,
      cursor: s.cursor,
      rng: s.rng,
      order: encodeTensor([s.order.length], s.order, encoding),
      buffers,
    };
  }
  return JSON.stringify(file, null, 2) + '\n';
}

function encodeTensor(
  shape: readonly number[],
  values: Float32Array | Int32Array,
  encoding: 'base64' | 'numbers',
): Record<string, unknown> {
  const dtype = values instanceof Int32Array ? 'int32' : 'float32';
  return encoding === 'base64'
    ? { shape, dtype, base64: bytesToBase64(new Uint8Array(littleEndianBytes(values))) }
    : { shape, ...(dtype === 'int32' ? { dtype } : {}), values: Array.from(values) };
}

/**
 * Parses and validates a model file's text. Every problem is reported with its path, e.g.
 * `params["0.weight"].shape must be a list of positive integers, got "x"`; echoed names and
 * values are cut to `LIMITS.maxEcho` characters.
 */
export function decodeModel(text: string): ModelFile {
  if (text.length > LIMITS.maxModelFileBytes) {
    throw new ModelFileError([
      `the model file ${overLimit(text.length, LIMITS.maxModelFileBytes)}`,
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError([
      `the model file is not valid JSON: ${clip((error as Error).message, 200)}`,
    ]);
  }
  const issues = new Issues();
  if (!isObject(raw)) {
    issues.add('model', `must be a JSON object, got ${echo(raw)}`);
    throw new ModelFileError(issues.list);
  }
  const keys = ['format', 'spec', 'optimizer', 'step', 'params', 'buffers', 'data', 'state'];
  if (!FORMATS.includes(raw['format'] as string)) {
    issues.add(
      'format',
      `must be "${MODEL_FORMAT}" (or "${FORMATS[0]}"), got ${echo(raw['format'])}`,
    );
    throw new ModelFileError(issues.list);
  }
  knownKeys(
    issues,
    '',
    raw,
    raw['format'] === MODEL_FORMAT ? keys : keys.filter((k) => k !== 'buffers'),
  );
  let spec: ModelSpec | undefined;
  let optimizer: TrainOptions | undefined;
  try {
    spec = parseSpec(raw['spec']);
  } catch (error) {
    for (const line of (error as Error).message.split('\n')) issues.add('spec:', line);
  }
  try {
    optimizer = parseOptions(raw['optimizer'], 'optimizer');
  } catch (error) {
    for (const line of (error as Error).message.split('\n')) issues.list.push(line);
  }
  const step = raw['step'] ?? 0;
  checkInt(issues, 'step', step, 0, LIMITS.maxStepCount);
  const params: ModelParam[] = [];
  if (!isObject(raw['params'])) {
    issues.add('params', `must be an object of named tensors, got ${echo(raw['params'])}`);
  } else {
    for (const [name, entry] of Object.entries(raw['params'])) {
      const t = decodeTensor(issues, `params["${clip(name)}"]`, entry, 'float32');
      if (t) params.push({ name, shape: t.shape, values: t.values as Float32Array });
      if (issues.list.length > MAX_ISSUES) break;
    }
  }
  const buffers: ModelBuffer[] = [];
  if (raw['buffers'] !== undefined && raw['format'] === MODEL_FORMAT) {
    if (!isObject(raw['buffers'])) {
      issues.add('buffers', `must be an object of named tensors, got ${echo(raw['buffers'])}`);
    } else {
      for (const [name, entry] of Object.entries(raw['buffers'])) {
        // Batch counts are int32, statistics float32; the entry says which (float32 if not).
        const dtype = isObject(entry) && entry['dtype'] === 'int32' ? 'int32' : 'float32';
        const t = decodeTensor(issues, `buffers["${clip(name)}"]`, entry, dtype);
        if (t) buffers.push({ name, shape: t.shape, values: t.values });
        if (issues.list.length > MAX_ISSUES) break;
      }
    }
  }
  let data: ModelData | undefined;
  if (raw['data'] !== undefined) data = decodeData(issues, raw['data']);
  let state: TrainingState | undefined;
  if (raw['state'] !== undefined) state = decodeState(issues, raw['state']);
  if (issues.list.length) throw new ModelFileError(issues.list);
  const out: ModelFile = { spec: spec!, optimizer: optimizer!, step: step as number, params };
  if (buffers.length) out.buffers = buffers;
  if (data) out.data = data;
  if (state) out.state = state;
  return out;
}

/** A damaged or foreign model file. */
export class ModelFileError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'ModelFileError';
  }
}

/** Findings after which the decoder stops looking at more tensors: enough to see the pattern. */
const MAX_ISSUES = 20;

/** `show` with strings cut to a readable length. */
function echo(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(clip(value)) : show(value);
}

/** Reports unknown fields of `obj` (at most a few, their names cut) under `path`. */
function knownKeys(
  issues: Issues,
  path: string,
  obj: Record<string, unknown>,
  known: readonly string[],
): void {
  const unknown = Object.keys(obj).filter((key) => !known.includes(key));
  for (const key of unknown.slice(0, 5)) {
    issues.add(
      `${path}${path ? '.' : ''}${clip(key)}`,
      `is not a known field (known: ${known.join(', ')})`,
    );
  }
  if (unknown.length > 5)
    issues.add(path || 'model', `has ${unknown.length - 5} more unknown fields`);
}

function decodeData(issues: Issues, d: unknown): ModelData | undefined {
  if (!isObject(d) || typeof d['name'] !== 'string') {
    issues.add('data', `must be {"name": …, "seed": …}, got ${echo(d)}`);
    return undefined;
  }
  knownKeys(issues, 'data', d, [
    'name',
    'seed',
    'target',
    'standardization',
    'targetStandardization',
    'vocab',
    'separator',
  ]);
  checkInt(issues, 'data.seed', d['seed'], 0, 0xffffffff);
  const data: ModelData = { name: d['name'], seed: d['seed'] as number };
  if (d['target'] !== undefined) {
    if (typeof d['target'] === 'string') data.target = d['target'];
    else issues.add('data.target', `must be a column name, got ${echo(d['target'])}`);
  }
  for (const key of ['standardization', 'targetStandardization'] as const) {
    if (d[key] === undefined) continue;
    const scale = decodeScale(issues, `data.${key}`, d[key]);
    if (scale) data[key] = scale;
  }
  const vocab = d['vocab'];
  if (vocab !== undefined) {
    const symbols =
      Array.isArray(vocab) &&
      vocab.length >= 2 &&
      vocab.length <= MAX_VOCAB &&
      vocab.every((v) => typeof v === 'string' && [...v].length === 1) &&
      new Set(vocab).size === vocab.length;
    if (symbols) data.vocab = [...(vocab as string[])];
    else {
      issues.add(
        'data.vocab',
        `must be a list of 2 to ${MAX_VOCAB} different single characters, got ${echo(vocab)}`,
      );
    }
  }
  const separator = d['separator'];
  if (separator !== undefined) {
    if (typeof separator === 'string' && data.vocab?.includes(separator)) {
      data.separator = separator;
    } else {
      issues.add(
        'data.separator',
        `must be one of the symbols in data.vocab, got ${echo(separator)}`,
      );
    }
  }
  return data;
}

function decodeScale(issues: Issues, path: string, raw: unknown): ModelScale | undefined {
  const finite = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!isObject(raw) || !finite(raw['mean']) || !finite(raw['std'])) {
    issues.add(path, 'must be {"mean": [numbers], "std": [numbers]}');
    return undefined;
  }
  knownKeys(issues, path, raw, ['mean', 'std']);
  const mean = raw['mean'];
  const std = raw['std'];
  if (mean.length !== std.length) {
    issues.add(path, `holds ${mean.length} means but ${std.length} standard deviations`);
    return undefined;
  }
  if (std.some((s) => s <= 0)) {
    issues.add(`${path}.std`, 'must hold positive numbers only');
    return undefined;
  }
  return { mean, std };
}

function decodeState(issues: Issues, raw: unknown): TrainingState | undefined {
  const start = issues.list.length;
  if (!isObject(raw)) {
    issues.add('state', `must be an object (optimizer state and counters), got ${echo(raw)}`);
    return undefined;
  }
  const keys = ['optimizer', 't', 'beta1Power', 'beta2Power', 'cursor', 'rng', 'order', 'buffers'];
  knownKeys(issues, 'state', raw, keys);
  for (const key of keys) {
    if (raw[key] === undefined) issues.add(`state.${key}`, 'is missing');
  }
  if (issues.list.length > start) return undefined;
  if (
    typeof raw['optimizer'] !== 'string' ||
    !(OPTIMIZERS as readonly string[]).includes(raw['optimizer'])
  ) {
    issues.add(
      'state.optimizer',
      `must be one of ${OPTIMIZERS.join(', ')}, got ${echo(raw['optimizer'])}`,
    );
  }
  checkInt(issues, 'state.t', raw['t'], 0, LIMITS.maxStepCount);
  for (const key of ['beta1Power', 'beta2Power']) {
    const v = raw[key];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      issues.add(`state.${key}`, `must be a number from 0 to 1, got ${echo(v)}`);
    }
  }
  checkInt(issues, 'state.cursor', raw['cursor'], 0, LIMITS.maxRows);
  const rng = raw['rng'];
  if (
    !Array.isArray(rng) ||
    rng.length !== 4 ||
    rng.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)
  ) {
    issues.add(
      'state.rng',
      `must be a list of four integers from 0 to 4294967295, got ${echo(rng)}`,
    );
  }
  const order = decodeTensor(issues, 'state.order', raw['order'], 'int32');
  if (order && (order.shape.length !== 1 || order.shape[0]! > LIMITS.maxRows)) {
    issues.add('state.order.shape', `must be [rows] with at most ${LIMITS.maxRows} rows`);
  }
  const buffers: TrainingState['buffers'] = [];
  const rawBuffers = raw['buffers'];
  if (!isObject(rawBuffers)) {
    issues.add('state.buffers', `must be an object of buffers by name, got ${echo(rawBuffers)}`);
  } else {
    for (const [buffer, tensors] of Object.entries(rawBuffers)) {
      const path = `state.buffers.${clip(buffer)}`;
      if (!isObject(tensors)) {
        issues.add(path, `must be an object of tensors by parameter name, got ${echo(tensors)}`);
        continue;
      }
      for (const [param, entry] of Object.entries(tensors)) {
        const t = decodeTensor(issues, `${path}["${clip(param)}"]`, entry, 'float32');
        if (t) buffers.push({ buffer, param, shape: t.shape, values: t.values as Float32Array });
        if (issues.list.length > MAX_ISSUES) break;
      }
    }
  }
  if (issues.list.length > start) return undefined;
  return {
    optimizer: raw['optimizer'] as TrainingState['optimizer'],
    t: raw['t'] as number,
    beta1Power: raw['beta1Power'] as number,
    beta2Power: raw['beta2Power'] as number,
    cursor: raw['cursor'] as number,
    rng: [...(rng as number[])],
    order: order!.values as Int32Array,
    buffers,
  };
}

/** One tensor entry: `{shape, dtype?, base64}` or `{shape, dtype?, values}`, checked. */
function decodeTensor(
  issues: Issues,
  path: string,
  entry: unknown,
  dtype: 'float32' | 'int32',
): { shape: number[]; values: Float32Array | Int32Array } | null {
  if (!isObject(entry)) {
    issues.add(
      path,
      `must be {"shape": [...], "base64": "..."} or {"shape": [...], "values": [...]}, got ${echo(entry)}`,
    );
    return null;
  }
  knownKeys(issues, path, entry, ['shape', 'dtype', 'base64', 'values']);
  const shape = entry['shape'];
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    issues.add(`${path}.shape`, `must be a list of positive integers, got ${echo(shape)}`);
    return null;
  }
  if (entry['dtype'] !== undefined && entry['dtype'] !== dtype) {
    issues.add(`${path}.dtype`, `must be "${dtype}", got ${echo(entry['dtype'])}`);
    return null;
  }
  const length = (shape as number[]).reduce((a, b) => a * b, 1);
  if (length > LIMITS.maxParams) {
    issues.add(`${path}.shape`, `holds ${length} values; the limit is ${LIMITS.maxParams}`);
    return null;
  }
  let values: Float32Array | Int32Array;
  if (typeof entry['base64'] === 'string') {
    const bytes = base64ToBytes(entry['base64']);
    if (!bytes || bytes.length % 4 !== 0) {
      issues.add(`${path}.base64`, `must be base64 text of little-endian ${dtype} bytes`);
      return null;
    }
    values = dtype === 'int32' ? bytesToInt32(bytes) : bytesToFloat32(bytes);
  } else if (Array.isArray(entry['values'])) {
    const list = entry['values'] as unknown[];
    const ok =
      dtype === 'int32'
        ? list.every(
            (v) =>
              Number.isInteger(v) && (v as number) >= -0x80000000 && (v as number) <= 0x7fffffff,
          )
        : list.every((v) => typeof v === 'number');
    if (!ok) {
      issues.add(
        `${path}.values`,
        `must be a list of ${dtype === 'int32' ? '32-bit integers' : 'numbers'}`,
      );
      return null;
    }
    values =
      dtype === 'int32' ? Int32Array.from(list as number[]) : Float32Array.from(list as number[]);
  } else {
    issues.add(
      path,
      `needs "base64" (${dtype} bytes) or "values" (a list of ${dtype === 'int32' ? 'integers' : 'numbers'})`,
    );
    return null;
  }
  if (values.length !== length) {
    issues.add(
      path,
      `holds ${values.length} values but its shape [${shape.join(', ')}] needs ${length}`,
    );
    return null;
  }
  return { shape: shape as number[], values };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The values' bytes in little-endian order, whatever the machine's order. */
function littleEndianBytes(values: Float32Array | Int32Array): ArrayBuffer {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  if (values instanceof Int32Array) values.forEach((v, i) => view.setInt32(i * 4, v, true));
  else values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes.buffer;
}

/** Bytes as base64 (no Buffer/btoa, so it runs in every environment). */
function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    out += ALPHABET[a >> 2]! + ALPHABET[((a & 3) << 4) | (b >> 4)]!;
    out += i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[c & 63]! : '=';
  }
  return out;
}

/** Inverse of bytesToBase64; null if the text is not base64. */
function base64ToBytes(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return null;
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const byteLength = (clean.length / 4) * 3 - pad;
  const bytes = new Uint8Array(byteLength);
  let j = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n =
      (ALPHABET.indexOf(clean[i]!) << 18) |
      (ALPHABET.indexOf(clean[i + 1]!) << 12) |
      ((ALPHABET.indexOf(clean[i + 2]!) & 63) << 6) |
      (ALPHABET.indexOf(clean[i + 3]!) & 63);
    if (j < byteLength) bytes[j++] = (n >> 16) & 255;
    if (j < byteLength) bytes[j++] = (n >> 8) & 255;
    if (j < byteLength) bytes[j++] = n & 255;
  }
  return bytes;
}

function bytesToFloat32(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function bytesToInt32(bytes: Uint8Array): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

/** Little-endian float32 bytes as base64. */
export function float32ToBase64(values: Float32Array): string {
  return bytesToBase64(new Uint8Array(littleEndianBytes(values)));
}

/** Inverse of float32ToBase64; null if the text is not base64 of a whole number of floats. */
export function base64ToFloat32(text: string): Float32Array | null {
  const bytes = base64ToBytes(text);
  return bytes && bytes.length % 4 === 0 ? bytesToFloat32(bytes) : null;
}
