/**
 * Model specs: the friendly JSON a player, a level file or the command line writes
 * (`{"layers": [{"type": "dense", "units": 4, "activation": "tanh"}, …]}`), its strict
 * validation with messages that name the path and the allowed range, and its building into the
 * op graph the planner lays out. What each layer type means is in the op registry (`ops/`);
 * this file only walks the layers. Imports nothing from the browser or Node.
 */
import { gptPaths, isGptShaped } from './gpt-layout.js';
import { Builder, type Graph, type GraphNode, type LayerSummary } from './graph.js';
import { LIMITS } from './limits.js';
import {
  LAYERS,
  LAYER_TYPES,
  opDef,
  showShape,
  type ActivationLayer,
  type AddLayer,
  type BatchnormLayer,
  type Conv2dLayer,
  type DenseLayer,
  type DropoutLayer,
  type EmbeddingLayer,
  type FieldDef,
  type FlattenLayer,
  type OnehotLayer,
  type PoolLayer,
  type RecurrentLayer,
  type LayernormLayer,
  type PosencLayer,
  type TransformerLayer,
} from './ops/index.js';
import {
  FEATURES,
  Issues,
  LOSSES,
  checkChoice,
  checkInt,
  checkKeys,
  checkNumber,
  isObject,
  show,
  type FeatureName,
  type Loss,
} from './spec-base.js';

export * from './spec-base.js';
export { LAYER_TYPES, LAYERS } from './ops/index.js';
export type { LayerSummary } from './graph.js';
export type {
  ActivationLayer,
  AddLayer,
  BatchnormLayer,
  Conv2dLayer,
  DenseLayer,
  DropoutLayer,
  EmbeddingLayer,
  FlattenLayer,
  OnehotLayer,
  PoolLayer,
  RecurrentLayer,
  LayernormLayer,
  PosencLayer,
  TransformerLayer,
};

export type LayerSpec =
  | DenseLayer
  | DropoutLayer
  | ActivationLayer
  | Conv2dLayer
  | PoolLayer
  | BatchnormLayer
  | FlattenLayer
  | AddLayer
  | EmbeddingLayer
  | OnehotLayer
  | RecurrentLayer
  | LayernormLayer
  | PosencLayer
  | TransformerLayer;

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
  /** Values per example (C·H·W for images). */
  inputs: number;
  /** The per-example shape when it is not a flat vector, e.g. [1, 28, 28] for an image. */
  inputShape?: readonly number[];
  outputs: number;
  task: 'regression' | 'binary' | 'multiclass';
  /** Used in messages, e.g. "the 3 classes of iris". */
  dataName?: string;
  /** Sequence data: its steps, and how it is read and scored (`src/data/dataset.ts`). */
  sequence?: SequenceShape;
}

/**
 * The engine's view of a sequence data set: `steps` time steps of `features` values, or of token
 * ids when `vocab` (the number of symbols) is given; with `perPosition` the network answers at
 * every step ([steps, outputs]) and the loss and accuracy average over every step, as
 * PyTorch's CrossEntropyLoss over logits reshaped to [B·T, outputs] does.
 */
export interface SequenceShape {
  steps: number;
  features: number;
  vocab?: number;
  perPosition: boolean;
}

/** The per-example input shape of a task: [D], [T] token ids, [T, D], or an image's. */
export function inputShapeOf(shape: TaskShape): number[] {
  const seq = shape.sequence;
  if (seq) return seq.vocab !== undefined ? [seq.steps] : [seq.steps, seq.features];
  return [...(shape.inputShape ?? [shape.inputs])];
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
  const def = LAYERS[layer['type']];
  const fields = Object.entries(def.fields);
  checkKeys(issues, path, layer, ['type', ...fields.map(([name]) => name)]);
  const before = issues.list.length;
  for (const [name, field] of fields) {
    const value = layer[name];
    if (value === undefined && !field.required) continue;
    checkField(issues, `${path}.${name}`, value, field);
  }
  if (issues.list.length === before) def.check?.(layer, path, (p, m) => issues.add(p, m));
}

/** Checks one value against its field's declaration in the registry. */
function checkField(issues: Issues, path: string, value: unknown, field: FieldDef): void {
  switch (field.kind) {
    case 'int':
      checkInt(issues, path, value, field.min, field.max);
      break;
    case 'number':
      checkNumber(issues, path, value, field.min, field.max, field.maxOpen);
      break;
    case 'choice':
      checkChoice(issues, path, value, field.of);
      break;
    case 'bool':
      if (typeof value !== 'boolean') issues.add(path, `must be true or false, got ${show(value)}`);
      break;
  }
}

/** The loss a task calls for when the spec names none. */
export function defaultLoss(task: TaskShape['task']): Loss {
  return task === 'regression' ? 'mse' : task === 'binary' ? 'bce' : 'cce';
}

/** A validated spec bound to its data: the op graph, its shapes and parameter counts. */
export interface Network {
  spec: ModelSpec & { inputs: number; loss: Loss };
  /**
   * The input features the data's two coordinates are expanded into before the first op, in
   * order (the first op then takes `features.length` inputs), or null: the data as it is.
   */
  features: FeatureName[] | null;
  /** The per-example shape of the data's input: [D], or [C, H, W] for images. */
  inputShape: number[];
  graph: Graph;
  /** The final sigmoid/softmax the BCE/CCE loss absorbed (still a module in PyTorch), or null. */
  folded: GraphNode | null;
  /** Values per answer of the network's output (the logits for BCE/CCE). */
  outputs: number;
  /** Answers per example: the steps of a sequence scored at every step, else 1. */
  positions: number;
  summary: LayerSummary[];
  totalParams: number;
  /** Multiply-adds per example of one forward pass. */
  totalMacs: number;
  /** The task of the data it was built for: it decides how answers are scored. */
  task: TaskShape['task'];
}

/**
 * Binds a spec to the shape of its data: checks inputs, features, outputs and loss against the
 * task, builds each layer's nodes from the registry (a dense layer with an activation becomes
 * two modules, as in PyTorch), infers every shape, folds a final sigmoid/softmax into the
 * BCE/CCE loss, and counts parameters and multiply-adds.
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

  const inputShape = inputShapeOf(shape);
  const b = new Builder(issues, inputShape, shape.sequence?.vocab ?? null);
  if (features && shape.inputs === 2) b.features({ features }, 'features');
  const gpt = isGptShaped(spec.layers) ? gptPaths(spec.layers, issues) : null;
  spec.layers.forEach((layer, i) => {
    b.prefix = gpt?.[i] ?? null;
    if (gpt && b.prefix === null) return;
    LAYERS[layer.type].build(layer as unknown as Record<string, unknown>, i, b);
    b.endLayer(i);
  });
  if (b.totalParams > LIMITS.maxParams) {
    issues.add('layers', `hold ${b.totalParams} parameters; the limit is ${LIMITS.maxParams}`);
  }
  if (b.totalMacs > LIMITS.maxMacs) {
    issues.add(
      'layers',
      `need ${b.totalMacs} multiply-adds per example; the limit is ${LIMITS.maxMacs} (fewer filters, a smaller kernel, a stride or pooling earlier)`,
    );
  }

  const last = spec.layers.length - 1;
  const lastType = spec.layers[last] ? LAYERS[spec.layers[last].type] : undefined;
  if (lastType?.notLast) {
    issues.add(`layers[${last}]`, `must not be ${lastType.type}: ${lastType.notLast}`);
  }
  // The loss works on logits: a final sigmoid (BCE) or softmax (CCE) is folded into it, which is
  // both what PyTorch's BCEWithLogitsLoss / CrossEntropyLoss do and numerically stable.
  const tail = b.nodes[b.nodes.length - 1];
  const folds = tail ? opDef(tail.op).foldsInto?.(tail.attrs, loss) : undefined;
  if (folds === true) b.popNode();
  else if (typeof folds === 'string') issues.add(`layers[${tail!.layer}].activation`, folds);
  b.nodes.forEach((node, i) => {
    const message = opDef(node.op).lastOnly?.(node.attrs);
    if (message && i !== b.nodes.length - 1)
      issues.add(`layers[${node.layer}].activation`, message);
  });

  const weighted = b.nodes.filter((n) => opDef(n.op).params);
  const lastWeighted = weighted[weighted.length - 1];
  const outShape = b.values[b.current]!.shape;
  const perPosition = shape.sequence?.perPosition === true;
  const positions = perPosition ? shape.sequence!.steps : 1;
  const width =
    outShape.length === 1 && !perPosition
      ? outShape[0]!
      : outShape.length === 2 && perPosition && outShape[0] === positions
        ? outShape[1]!
        : -1;
  if (!lastWeighted) {
    if (b.ok) issues.add('layers', 'need at least one dense layer');
  } else if (b.ok && width !== shape.outputs) {
    const what =
      shape.task === 'multiclass'
        ? `the ${shape.outputs} classes${data}`
        : shape.task === 'binary'
          ? `one yes/no output${data}`
          : `the ${shape.outputs} target${shape.outputs > 1 ? 's' : ''}${data}`;
    if (width < 0 && perPosition) {
      issues.add(
        `layers[${last}]`,
        `ends on ${showShape(outShape)}, but this data wants an answer at each of its ${positions} steps, [${positions}, ${shape.outputs}]: keep every step (a recurrent layer with "every step" on, no flatten) and end with a dense layer of ${shape.outputs} units`,
      );
    } else if (width < 0 && outShape.length === 2) {
      issues.add(
        `layers[${last}]`,
        `ends on a sequence ${showShape(outShape)}, but this data wants one answer per example: end the recurrent part on its last step ("every step" off), or flatten, then a dense layer of ${shape.outputs} units`,
      );
    } else if (width < 0) {
      issues.add(
        `layers[${last}]`,
        `ends on a [${outShape.join(', ')}] image; flatten it and end with a dense layer of ${shape.outputs} units to match ${what}`,
      );
    } else {
      const field = LAYERS[spec.layers[lastWeighted.layer]!.type].widthField;
      issues.add(
        `layers[${lastWeighted.layer}]${field ? `.${field}` : ''}`,
        `must be ${shape.outputs} to match ${what}, got ${width}`,
      );
    }
  }
  issues.throwIfAny();
  return {
    spec: { ...spec, inputs, loss },
    features,
    inputShape,
    graph: b.graph(),
    folded: b.folded,
    outputs: width,
    positions,
    summary: b.summary,
    totalParams: b.totalParams,
    totalMacs: b.totalMacs,
    task: shape.task,
  };
}
