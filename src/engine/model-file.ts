/**
 * Model files (`neural-journey/model@1`): the spec, the training options, the step count and
 * the parameters under PyTorch state-dict names and shapes, so a network trained here loads into
 * `nn.Sequential.load_state_dict` and one made in PyTorch loads here. Values are base64
 * little-endian float32 (compact) or plain number lists (easy to write by hand). Documented in
 * `docs/model-format.md`.
 */
import { parseOptions, type TrainOptions } from './options.js';
import { Issues, checkInt, checkKeys, isObject, parseSpec, show, type ModelSpec } from './spec.js';

export const MODEL_FORMAT = 'neural-journey/model@1';

export interface ModelParam {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Where the data came from, so `eval` can rebuild the same splits and standardisation. */
export interface ModelData {
  name: string;
  seed: number;
  target?: string;
}

export interface ModelFile {
  spec: ModelSpec;
  optimizer: TrainOptions;
  step: number;
  params: ModelParam[];
  data?: ModelData;
}

/** Serialises a model; `encoding` picks base64 (default) or plain numbers. */
export function encodeModel(model: ModelFile, encoding: 'base64' | 'numbers' = 'base64'): string {
  const params: Record<string, unknown> = {};
  for (const p of model.params) {
    params[p.name] =
      encoding === 'base64'
        ? { shape: p.shape, dtype: 'float32', base64: float32ToBase64(p.values) }
        : { shape: p.shape, values: Array.from(p.values) };
  }
  const file: Record<string, unknown> = {
    format: MODEL_FORMAT,
    spec: model.spec,
    optimizer: model.optimizer,
    step: model.step,
    params,
  };
  if (model.data) file['data'] = model.data;
  return JSON.stringify(file, null, 2) + '\n';
}

/**
 * Parses and validates a model file's text. Every problem is reported with its path, e.g.
 * `params["0.weight"].shape must be a list of positive integers, got "x"`.
 */
export function decodeModel(text: string): ModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError([`the model file is not valid JSON: ${(error as Error).message}`]);
  }
  const issues = new Issues();
  if (!isObject(raw)) {
    issues.add('model', `must be a JSON object, got ${show(raw)}`);
    throw new ModelFileError(issues.list);
  }
  checkKeys(issues, '', raw, ['format', 'spec', 'optimizer', 'step', 'params', 'data']);
  if (raw['format'] !== MODEL_FORMAT) {
    issues.add('format', `must be "${MODEL_FORMAT}", got ${show(raw['format'])}`);
    throw new ModelFileError(issues.list);
  }
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
  checkInt(issues, 'step', step, 0, Number.MAX_SAFE_INTEGER);
  const params: ModelParam[] = [];
  if (!isObject(raw['params'])) {
    issues.add('params', `must be an object of named tensors, got ${show(raw['params'])}`);
  } else {
    for (const [name, entry] of Object.entries(raw['params'])) {
      const p = decodeParam(issues, `params["${name}"]`, name, entry);
      if (p) params.push(p);
    }
  }
  let data: ModelData | undefined;
  if (raw['data'] !== undefined) {
    const d = raw['data'];
    if (!isObject(d) || typeof d['name'] !== 'string') {
      issues.add('data', `must be {"name": …, "seed": …}, got ${show(d)}`);
    } else {
      checkKeys(issues, 'data', d, ['name', 'seed', 'target']);
      checkInt(issues, 'data.seed', d['seed'], 0, 0xffffffff);
      data = { name: d['name'], seed: d['seed'] as number };
      if (typeof d['target'] === 'string') data.target = d['target'];
    }
  }
  if (issues.list.length) throw new ModelFileError(issues.list);
  const out: ModelFile = { spec: spec!, optimizer: optimizer!, step: step as number, params };
  if (data) out.data = data;
  return out;
}

/** A damaged or foreign model file. */
export class ModelFileError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'ModelFileError';
  }
}

function decodeParam(
  issues: Issues,
  path: string,
  name: string,
  entry: unknown,
): ModelParam | null {
  if (!isObject(entry)) {
    issues.add(
      path,
      `must be {"shape": [...], "base64": "..."} or {"shape": [...], "values": [...]}, got ${show(entry)}`,
    );
    return null;
  }
  checkKeys(issues, path, entry, ['shape', 'dtype', 'base64', 'values']);
  const shape = entry['shape'];
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    issues.add(`${path}.shape`, `must be a list of positive integers, got ${show(shape)}`);
    return null;
  }
  if (entry['dtype'] !== undefined && entry['dtype'] !== 'float32') {
    issues.add(`${path}.dtype`, `must be "float32", got ${show(entry['dtype'])}`);
    return null;
  }
  const length = (shape as number[]).reduce((a, b) => a * b, 1);
  let values: Float32Array;
  if (typeof entry['base64'] === 'string') {
    const decoded = base64ToFloat32(entry['base64']);
    if (!decoded) {
      issues.add(`${path}.base64`, 'must be base64 text of little-endian float32 bytes');
      return null;
    }
    values = decoded;
  } else if (Array.isArray(entry['values'])) {
    if (entry['values'].some((v) => typeof v !== 'number')) {
      issues.add(`${path}.values`, 'must be a list of numbers');
      return null;
    }
    values = Float32Array.from(entry['values'] as number[]);
  } else {
    issues.add(path, 'needs "base64" (float32 bytes) or "values" (a list of numbers)');
    return null;
  }
  if (values.length !== length) {
    issues.add(
      path,
      `holds ${values.length} values but its shape [${shape.join(', ')}] needs ${length}`,
    );
    return null;
  }
  return { name, shape: shape as number[], values };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Little-endian float32 bytes as base64 (no Buffer/btoa, so it runs in every environment). */
export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
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

/** Inverse of float32ToBase64; null if the text is not base64 of a whole number of floats. */
export function base64ToFloat32(text: string): Float32Array | null {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return null;
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const byteLength = (clean.length / 4) * 3 - pad;
  if (byteLength % 4 !== 0) return null;
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
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
