/**
 * Model specs: the friendly JSON a player, a level file or the command line writes
 * (`{"layers": [{"type": "dense", "units": 4, "activation": "tanh"}, …]}`), its strict
 * validation with messages that name the path and the allowed range, and its desugaring into
 * the primitive ops the planner lays out. Imports nothing from the browser or Node.
 */
import { LIMITS } from './limits.js';

/** Activation functions a dense layer or an activation block may apply. */
export const ACTIVATIONS = [
  'identity',
  'relu',
  'leaky_relu',
  'sigmoid',
  'tanh',
  'softmax',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Weight initialisation schemes, in the kernel's `init_dense` numbering. */
export const INITS = [
  'xavier_uniform',
  'xavier_normal',
  'he_uniform',
  'he_normal',
  'zeros',
] as const;
export type Init = (typeof INITS)[number];

/** Losses: mean squared error, binary and categorical cross-entropy (both on logits). */
export const LOSSES = ['mse', 'bce', 'cce'] as const;
export type Loss = (typeof LOSSES)[number];

export const LAYER_TYPES = ['dense', 'dropout', 'activation'] as const;

/**
 * Input features (TensorFlow Playground's X1, X2, X1², X2², X1X2, sin X1, sin X2): a fixed
 * expansion of a row's two coordinates (x1, x2) before the first layer, with no parameters. The
 * position in this list is the kernel's code for the feature (`assembly/ops/features.ts`).
 */
export const FEATURES = ['x1', 'x2', 'x1x1', 'x2x2', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureName = (typeof FEATURES)[number];

/** How a feature is written for people: x₁, x₁², sin x₁ … */
export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: 'x₁',
  x2: 'x₂',
  x1x1: 'x₁²',
  x2x2: 'x₂²',
  x1x2: 'x₁x₂',
  sinx1: 'sin x₁',
  sinx2: 'sin x₂',
};

export interface DenseLayer {
  type: 'dense';
  units: number;
  activation?: Activation;
  init?: Init;
}
export interface DropoutLayer {
  type: 'dropout';
  rate: number;
}
export interface ActivationLayer {
  type: 'activation';
  activation: Activation;
}
export type LayerSpec = DenseLayer | DropoutLayer | ActivationLayer;

/**
 * A network as written by its author. `inputs` may be left out and is then taken from the data;
 * `loss` defaults to the task's natural loss (MSE for regression, BCE for yes/no, CCE for
 * classes). `features`, for data with two inputs (x1, x2) only, expands each row into the
 * listed features, in that order, before the first layer (which then takes `features.length`
 * inputs); without it the layers see the data's inputs as they are.
 */
export interface ModelSpec {
  inputs?: number;
  features?: FeatureName[];
  layers: LayerSpec[];
  loss?: Loss;
}

/** What the data tells the spec: how many inputs and outputs, and the kind of task. */
export interface TaskShape {
  inputs: number;
  outputs: number;
  task: 'regression' | 'binary' | 'multiclass';
  /** Used in messages, e.g. "the 3 classes of iris". */
  dataName?: string;
}

/** A problem with a spec, an option or a file, with every finding as `path: message`. */
export class SpecError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'SpecError';
  }
}

/** Collects validation findings so a player sees every problem at once, not one per try. */
export class Issues {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(path ? `${path} ${message}` : message);
  }
  throwIfAny(): void {
    if (this.list.length) throw new SpecError(this.list);
  }
}

/** Describes a value in an error message the way the author typed it. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Checks that `value` is an integer in [min, max]; reports under `path` otherwise. */
export function checkInt(
  issues: Issues,
  path: string,
  value: unknown,
  min: number,
  max: number,
): value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    issues.add(path, `must be an integer from ${min} to ${max}, got ${show(value)}`);
    return false;
  }
  return true;
}

/** Checks that `value` is a finite number in [min, max] (or [min, max) when `maxOpen`). */
export function checkNumber(
  issues: Issues,
  path: string,
  value: unknown,
  min: number,
  max: number,
  maxOpen = false,
): value is number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (maxOpen ? value < max : value <= max);
  if (!ok) {
    const range = maxOpen ? `from ${min} up to (not including) ${max}` : `from ${min} to ${max}`;
    issues.add(path, `must be a number ${range}, got ${show(value)}`);
  }
  return ok;
}

/** Checks that `value` is one of `allowed`. */
export function checkChoice<T extends string>(
  issues: Issues,
  path: string,
  value: unknown,
  allowed: readonly T[],
): value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    issues.add(path, `must be one of ${allowed.join(', ')}, got ${show(value)}`);
    return false;
  }
  return true;
}

/** Reports keys of `obj` that are not in `known` (a typo must not be silently ignored). */
export function checkKeys(
  issues: Issues,
  path: string,
  obj: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      issues.add(
        `${path}${path ? '.' : ''}${key}`,
        `is not a known field (known: ${known.join(', ')})`,
      );
    }
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates untrusted JSON as a ModelSpec. Throws a SpecError listing every finding, each
 * naming its path (`layers[2].units must be an integer from 1 to 4096, got 0`).
 */
export function parseSpec(raw: unknown): ModelSpec {
  const issues = new Issues();
  if (!isObject(raw)) {
    issues.add('spec', `must be an object with a "layers" list, got ${show(raw)}`);
    issues.throwIfAny();
  }
  const obj = raw as Record<string, unknown>;
  checkKeys(issues, '', obj, ['inputs', 'features', 'layers', 'loss']);
  if (obj['inputs'] !== undefined) checkInt(issues, 'inputs', obj['inputs'], 1, LIMITS.maxInputs);
  if (obj['features'] !== undefined) checkFeatures(issues, obj['features']);
  if (obj['loss'] !== undefined) checkChoice(issues, 'loss', obj['loss'], LOSSES);
  const layers = obj['layers'];
  if (!Array.isArray(layers) || layers.length === 0) {
    issues.add('layers', `must be a non-empty list of layers, got ${show(layers)}`);
  } else if (layers.length > LIMITS.maxLayers) {
    issues.add('layers', `may hold at most ${LIMITS.maxLayers} layers, got ${layers.length}`);
  } else {
    layers.forEach((layer, i) => checkLayer(issues, `layers[${i}]`, layer));
  }
  issues.throwIfAny();
  return structuredClone(obj) as unknown as ModelSpec;
}

/** A non-empty list of distinct names from FEATURES. */
function checkFeatures(issues: Issues, features: unknown): void {
  if (!Array.isArray(features) || features.length === 0) {
    issues.add(
      'features',
      `must be a non-empty list of feature names (${FEATURES.join(', ')}), got ${show(features)}`,
    );
    return;
  }
  if (features.length > FEATURES.length) {
    issues.add(
      'features',
      `may hold at most ${FEATURES.length} names (each of ${FEATURES.join(', ')} once), got ${features.length}`,
    );
    return;
  }
  features.forEach((name, i) => {
    if (!checkChoice(issues, `features[${i}]`, name, FEATURES)) return;
    const first = features.indexOf(name);
    if (first < i) {
      issues.add(
        `features[${i}]`,
        `repeats ${show(name)} (already features[${first}]): each feature may be listed once`,
      );
    }
  });
}

function checkLayer(issues: Issues, path: string, layer: unknown): void {
  if (!isObject(layer)) {
    issues.add(path, `must be an object like {"type": "dense", "units": 8}, got ${show(layer)}`);
    return;
  }
  if (!checkChoice(issues, `${path}.type`, layer['type'], LAYER_TYPES)) return;
  switch (layer['type']) {
    case 'dense':
      checkKeys(issues, path, layer, ['type', 'units', 'activation', 'init']);
      checkInt(issues, `${path}.units`, layer['units'], 1, LIMITS.maxUnits);
      if (layer['activation'] !== undefined) {
        checkChoice(issues, `${path}.activation`, layer['activation'], ACTIVATIONS);
      }
      if (layer['init'] !== undefined) checkChoice(issues, `${path}.init`, layer['init'], INITS);
      break;
    case 'dropout':
      checkKeys(issues, path, layer, ['type', 'rate']);
      checkNumber(issues, `${path}.rate`, layer['rate'], 0, 1, true);
      break;
    case 'activation':
      checkKeys(issues, path, layer, ['type', 'activation']);
      checkChoice(issues, `${path}.activation`, layer['activation'], ACTIVATIONS);
      break;
  }
}

/** The loss a task calls for when the spec names none. */
export function defaultLoss(task: TaskShape['task']): Loss {
  return task === 'regression' ? 'mse' : task === 'binary' ? 'bce' : 'cce';
}

/** Primitive ops after desugaring; `module` is the index in the equivalent `nn.Sequential`. */
export type PrimitiveOp =
  | { kind: 'dense'; module: number; inputs: number; units: number; init: Init; layer: number }
  | {
      kind: 'activation';
      module: number;
      fn: Exclude<Activation, 'identity'>;
      width: number;
      layer: number;
    }
  | { kind: 'dropout'; module: number; rate: number; width: number; layer: number };

/** One row of the per-layer summary a workbench or `--json` report shows. */
export interface LayerSummary {
  layer: number;
  module: number;
  kind: PrimitiveOp['kind'];
  /** Output shape per example, e.g. [16]; the batch dimension is left out. */
  outputShape: number[];
  params: number;
  /** How `params` is computed, e.g. `2×16 + 16 = 48`. */
  formula: string;
}

/** A validated spec bound to its data: primitive ops, shapes and parameter counts. */
export interface Network {
  spec: ModelSpec & { inputs: number; loss: Loss };
  /**
   * The input features the data's two coordinates are expanded into before the first op, in
   * order (the first op then takes `features.length` inputs), or null: the data as it is.
   */
  features: FeatureName[] | null;
  ops: PrimitiveOp[];
  /** Width of the last op's output (the logits for BCE/CCE). */
  outputs: number;
  summary: LayerSummary[];
  totalParams: number;
  /** The task of the data it was built for: it decides how answers are scored. */
  task: TaskShape['task'];
}

/**
 * Binds a spec to the shape of its data: checks inputs, features, outputs and loss against the
 * task, desugars layers into primitive ops (a dense layer with an activation becomes two
 * modules, as in PyTorch), fuses a final sigmoid/softmax into the BCE/CCE loss, and counts
 * parameters.
 */
export function buildNetwork(spec: ModelSpec, shape: TaskShape): Network {
  const issues = new Issues();
  const inputs = spec.inputs ?? shape.inputs;
  const data = shape.dataName ? ` of ${shape.dataName}` : '';
  if (inputs !== shape.inputs) {
    issues.add(
      'inputs',
      `must be ${shape.inputs} to match the ${shape.inputs} features${data}, got ${inputs}`,
    );
  }
  const features = spec.features ? [...spec.features] : null;
  if (features && shape.inputs !== 2) {
    issues.add(
      'features',
      `needs data with 2 inputs (x1, x2); ${shape.dataName ?? 'the data'} has ${shape.inputs}`,
    );
  }
  const loss = spec.loss ?? defaultLoss(shape.task);
  if (shape.task === 'regression' && loss !== 'mse') {
    issues.add('loss', `must be mse for a regression task${data}, got ${show(loss)}`);
  }
  if (shape.task === 'multiclass' && loss !== 'cce') {
    issues.add(
      'loss',
      `must be cce for a task with ${shape.outputs} classes${data}, got ${show(loss)}`,
    );
  }
  if (shape.task === 'binary' && loss === 'cce') {
    issues.add('loss', `must be bce (or mse) for a yes/no task${data}, got "cce"`);
  }

  const ops: PrimitiveOp[] = [];
  const summary: LayerSummary[] = [];
  let width = features ? features.length : inputs;
  let module = 0;
  let total = 0;
  const activationOp = (fn: Activation, layer: number): void => {
    if (fn !== 'identity') ops.push({ kind: 'activation', module, fn, width, layer });
    summary.push({
      layer,
      module,
      kind: 'activation',
      outputShape: [width],
      params: 0,
      formula: '0',
    });
    module++;
  };
  spec.layers.forEach((layer, i) => {
    if (layer.type === 'dense') {
      const params = width * layer.units + layer.units;
      const init = layer.init ?? defaultInit(layer.activation);
      ops.push({ kind: 'dense', module, inputs: width, units: layer.units, init, layer: i });
      summary.push({
        layer: i,
        module,
        kind: 'dense',
        outputShape: [layer.units],
        params,
        formula: `${width}×${layer.units} + ${layer.units} = ${params}`,
      });
      total += params;
      width = layer.units;
      module++;
      if (layer.activation !== undefined) activationOp(layer.activation, i);
    } else if (layer.type === 'dropout') {
      ops.push({ kind: 'dropout', module, rate: layer.rate, width, layer: i });
      summary.push({
        layer: i,
        module,
        kind: 'dropout',
        outputShape: [width],
        params: 0,
        formula: '0',
      });
      module++;
    } else {
      activationOp(layer.activation, i);
    }
  });
  if (total > LIMITS.maxParams) {
    issues.add('layers', `hold ${total} parameters; the limit is ${LIMITS.maxParams}`);
  }

  const last = spec.layers.length - 1;
  const lastDense = spec.layers.map((l) => l.type).lastIndexOf('dense');
  if (lastDense < 0) {
    issues.add('layers', 'need at least one dense layer');
  } else if (width !== shape.outputs) {
    const what =
      shape.task === 'multiclass'
        ? `the ${shape.outputs} classes${data}`
        : shape.task === 'binary'
          ? `one yes/no output${data}`
          : `the ${shape.outputs} target${shape.outputs > 1 ? 's' : ''}${data}`;
    issues.add(
      `layers[${lastDense}].units`,
      `must be ${shape.outputs} to match ${what}, got ${width}`,
    );
  }
  if (spec.layers[last]?.type === 'dropout') {
    issues.add(
      `layers[${last}]`,
      'must not be dropout: the network has to end in a dense or activation layer',
    );
  }

  // The loss works on logits: a final sigmoid (BCE) or softmax (CCE) is folded into it, which is
  // both what PyTorch's BCEWithLogitsLoss / CrossEntropyLoss do and numerically stable.
  const tail = ops[ops.length - 1];
  if (
    tail?.kind === 'activation' &&
    ((loss === 'bce' && tail.fn === 'sigmoid') || (loss === 'cce' && tail.fn === 'softmax'))
  ) {
    ops.pop();
  } else if (tail?.kind === 'activation' && (loss === 'bce' || loss === 'cce')) {
    const want = loss === 'bce' ? 'sigmoid' : 'softmax';
    issues.add(
      `layers[${tail.layer}].activation`,
      `must be ${want} or none on the last layer with the ${loss} loss (it works on raw scores), got "${tail.fn}"`,
    );
  }
  for (const op of ops) {
    if (op.kind === 'activation' && op.fn === 'softmax' && op !== ops[ops.length - 1]) {
      issues.add(`layers[${op.layer}].activation`, 'may be softmax only on the last layer');
    }
  }
  issues.throwIfAny();
  return {
    spec: { ...spec, inputs, loss },
    features,
    ops,
    outputs: width,
    summary,
    totalParams: total,
    task: shape.task,
  };
}

/** He initialisation suits ReLU-like units; Xavier/Glorot suits the symmetric squashing ones. */
function defaultInit(activation: Activation | undefined): Init {
  return activation === 'relu' || activation === 'leaky_relu' ? 'he_uniform' : 'xavier_uniform';
}
