/**
 * What a level teaches, as a rule a machine can check: `"teaches": {"idea": "dropout", "rule":
 * [{"kind": "dropout", "above": 0}]}`. A setup (network, options, seed) "has the idea" when it
 * meets every condition of the rule. The level audit (`audit.ts`) uses it to prove that setups
 * without the idea lose and setups with it can win; the game uses the words to say what a level
 * is about. Pure: no Phaser, no DOM.
 */
import { OPTIMIZERS, type OptimizerName, type TrainOptions } from '../engine/options.js';
import { checkText } from './schema-fields.js';
import {
  Issues,
  checkChoice,
  checkKeys,
  checkNumber,
  isObject,
  show,
  type Activation,
  type LayerSpec,
  type ModelSpec,
  type PoolLayer,
} from '../engine/spec.js';

/** One condition of an idea. Every kind is listed in `CONDITION_KINDS`. */
export type Condition =
  /** The learning rate lies in [min, max]: neither crawling nor overshooting. */
  | { kind: 'learning-rate'; min: number; max: number }
  /** The output is a probability: a sigmoid or softmax last, or a cross-entropy loss. */
  | { kind: 'probability' }
  /** At least one hidden dense layer bent by a non-linear activation before the output layer. */
  | { kind: 'hidden-layer' }
  /** The optimizer is one of these. */
  | { kind: 'optimizer'; in: OptimizerName[] }
  /** The L2 penalty is above this value. */
  | { kind: 'l2'; above: number }
  /** Some dropout block drops more than this share of its inputs. */
  | { kind: 'dropout'; above: number }
  /** At least one convolution layer: filters that slide over the image. */
  | { kind: 'convolution' }
  /** At least one pooling layer (max or average). */
  | { kind: 'pooling' }
  /** Something that shrinks the map: a pooling layer or a convolution with a stride above 1. */
  | { kind: 'downsampling' }
  /** At least one batch normalisation layer. */
  | { kind: 'batchnorm' }
  /** A recurrent layer of any kind (RNN, LSTM, GRU): a hidden state carried along the sequence. */
  | { kind: 'recurrent' }
  /** A gated recurrent layer, an LSTM or a GRU: a memory the gates keep for many steps. */
  | { kind: 'gated' }
  /** Gradient clipping on, with a largest gradient norm of at most `max`. */
  | { kind: 'clipping'; max: number }
  /** At least one transformer block: positions that look back at earlier ones by attention. */
  | { kind: 'attention' }
  /** Positional encodings (learned or sinusoidal): each position marked, so order can matter. */
  | { kind: 'positions' };

export const CONDITION_KINDS = [
  'learning-rate',
  'probability',
  'hidden-layer',
  'optimizer',
  'l2',
  'dropout',
  'convolution',
  'pooling',
  'downsampling',
  'batchnorm',
  'recurrent',
  'gated',
  'clipping',
  'attention',
  'positions',
] as const satisfies readonly Condition['kind'][];

/** A level's idea: a short name for it and the rule that recognises it in a setup. */
export interface Teaches {
  /** A few words, e.g. "dropout" or "a hidden layer". */
  idea: string;
  /** Every condition must hold. */
  rule: Condition[];
}

/** What the rule looks at: the network and the training options of one run. */
export interface SetupLike {
  spec: ModelSpec;
  options: Pick<TrainOptions, 'optimizer' | 'lr' | 'l2'> & { clip?: number };
}

const NONLINEAR: ReadonlySet<Activation> = new Set(['relu', 'leaky_relu', 'sigmoid', 'tanh']);

/** Whether one condition holds for a setup. */
export function meets(condition: Condition, setup: SetupLike): boolean {
  const { spec, options } = setup;
  switch (condition.kind) {
    case 'learning-rate':
      return options.lr >= condition.min && options.lr <= condition.max;
    case 'probability': {
      // No loss named means the task's own: cross-entropy on a yes/no or class task (the only
      // tasks the schema lets this condition be used on).
      if (spec.loss !== 'mse') return true;
      const last = lastActivation(spec);
      return last === 'sigmoid' || last === 'softmax';
    }
    case 'hidden-layer':
      return hasBentHiddenLayer(spec);
    case 'optimizer':
      return condition.in.includes(options.optimizer);
    case 'l2':
      return options.l2 > condition.above;
    case 'dropout':
      return spec.layers.some((l) => l.type === 'dropout' && l.rate > condition.above);
    case 'convolution':
      return spec.layers.some((l) => l.type === 'conv2d');
    case 'pooling':
      return spec.layers.some(isPooling);
    case 'downsampling':
      return spec.layers.some(
        (l) =>
          (isPooling(l) && (l.stride ?? l.size) > 1) ||
          (l.type === 'conv2d' && (l.stride ?? 1) > 1),
      );
    case 'batchnorm':
      return spec.layers.some((l) => l.type === 'batchnorm');
    case 'recurrent':
      return spec.layers.some((l) => l.type === 'rnn' || l.type === 'lstm' || l.type === 'gru');
    case 'gated':
      return spec.layers.some((l) => l.type === 'lstm' || l.type === 'gru');
    case 'clipping': {
      const clip = options.clip ?? 0;
      return clip > 0 && clip <= condition.max;
    }
    case 'attention':
      return spec.layers.some((l) => l.type === 'transformer');
    case 'positions':
      return spec.layers.some((l) => l.type === 'posenc');
  }
}

function isPooling(l: LayerSpec): l is PoolLayer {
  return l.type === 'maxpool2d' || l.type === 'avgpool2d';
}

/** Whether a setup has the level's idea: every condition of its rule holds. */
export function hasIdea(teaches: Teaches, setup: SetupLike): boolean {
  return teaches.rule.every((c) => meets(c, setup));
}

/** The activation applied last in the network (`identity` when none). */
function lastActivation(spec: ModelSpec): Activation {
  for (let i = spec.layers.length - 1; i >= 0; i--) {
    const l = spec.layers[i]!;
    if (l.type === 'activation') return l.activation;
    if (l.type === 'dense') return l.activation ?? 'identity';
  }
  return 'identity';
}

/**
 * True when some dense layer before the last one is followed, before the next dense layer, by a
 * non-linear activation (its own or an activation block). Without one, stacked dense layers
 * collapse into a single straight boundary.
 */
function hasBentHiddenLayer(spec: ModelSpec): boolean {
  const layers = spec.layers;
  const lastDense = layers.map((l) => l.type).lastIndexOf('dense');
  let afterDense = false;
  for (let i = 0; i < lastDense; i++) {
    const l = layers[i]!;
    if (l.type === 'dense') {
      afterDense = true;
      if (l.activation && NONLINEAR.has(l.activation)) return true;
    } else if (l.type === 'activation' && afterDense && NONLINEAR.has(l.activation)) {
      return true;
    }
  }
  return false;
}

/** The condition in plain words for a player: what a setup needs to have the idea. */
export function conditionWords(condition: Condition): string {
  switch (condition.kind) {
    case 'learning-rate':
      return `a learning rate from ${condition.min} to ${condition.max}`;
    case 'probability':
      return 'an output read as a probability (a sigmoid or softmax output, or a cross-entropy loss)';
    case 'hidden-layer':
      return 'a hidden layer with a non-linear activation';
    case 'optimizer':
      return `the ${condition.in.map(optimizerName).join(' or ')} optimizer`;
    case 'l2':
      return condition.above === 0 ? 'an L2 penalty' : `an L2 penalty above ${condition.above}`;
    case 'dropout':
      return condition.above === 0 ? 'a dropout block' : `dropout above ${condition.above}`;
    case 'convolution':
      return 'a convolution layer';
    case 'pooling':
      return 'a pooling layer';
    case 'downsampling':
      return 'a pooling layer or a convolution with stride 2 or more';
    case 'batchnorm':
      return 'a batch norm layer';
    case 'recurrent':
      return 'a recurrent layer (RNN, LSTM or GRU)';
    case 'gated':
      return 'an LSTM or GRU layer';
    case 'clipping':
      return `gradient clipping at ${condition.max} or less`;
    case 'attention':
      return 'a transformer block (attention)';
    case 'positions':
      return 'a positional encoding';
  }
}

/** Optimizer names as the workbench writes them. */
export function optimizerName(name: OptimizerName): string {
  return { sgd: 'SGD', momentum: 'Momentum', rmsprop: 'RMSProp', adam: 'Adam', adamw: 'AdamW' }[
    name
  ];
}

/**
 * Validates the `teaches` field of a level file, reporting under `teaches…` paths. Returns the
 * value when it is well formed, otherwise null (the findings are in `issues`).
 */
export function parseTeaches(issues: Issues, raw: unknown): Teaches | null {
  const before = issues.list.length;
  if (!isObject(raw)) {
    issues.add('teaches', `must be an object with idea and rule, got ${show(raw)}`);
    return null;
  }
  checkKeys(issues, 'teaches', raw, ['idea', 'rule']);
  checkText(issues, 'teaches.idea', raw['idea'], 60);
  const rule = raw['rule'];
  if (!Array.isArray(rule) || rule.length === 0) {
    issues.add('teaches.rule', `must be a non-empty list of conditions, got ${show(rule)}`);
    return null;
  }
  rule.forEach((c, i) => checkCondition(issues, `teaches.rule[${i}]`, c));
  return issues.list.length === before ? (structuredClone(raw) as unknown as Teaches) : null;
}

function checkCondition(issues: Issues, path: string, c: unknown): void {
  if (!isObject(c)) {
    issues.add(path, `must be an object like {"kind": "dropout", "above": 0}, got ${show(c)}`);
    return;
  }
  if (!checkChoice(issues, `${path}.kind`, c['kind'], CONDITION_KINDS)) return;
  switch (c['kind']) {
    case 'learning-rate':
      checkKeys(issues, path, c, ['kind', 'min', 'max']);
      if (
        checkNumber(issues, `${path}.min`, c['min'], 0, 10) &&
        checkNumber(issues, `${path}.max`, c['max'], 0, 10) &&
        (c['min'] as number) > (c['max'] as number)
      ) {
        issues.add(`${path}.min`, `must not exceed max ${String(c['max'])}, got ${show(c['min'])}`);
      }
      break;
    case 'probability':
    case 'hidden-layer':
    case 'convolution':
    case 'pooling':
    case 'downsampling':
    case 'batchnorm':
    case 'recurrent':
    case 'gated':
    case 'attention':
    case 'positions':
      checkKeys(issues, path, c, ['kind']);
      break;
    case 'clipping':
      checkKeys(issues, path, c, ['kind', 'max']);
      checkNumber(issues, `${path}.max`, c['max'], 0, 100, true);
      break;
    case 'optimizer': {
      checkKeys(issues, path, c, ['kind', 'in']);
      const list = c['in'];
      if (!Array.isArray(list) || list.length === 0) {
        issues.add(`${path}.in`, `must be a non-empty list of optimizers, got ${show(list)}`);
      } else {
        list.forEach((o, i) => checkChoice(issues, `${path}.in[${i}]`, o, OPTIMIZERS));
      }
      break;
    }
    case 'l2':
    case 'dropout':
      checkKeys(issues, path, c, ['kind', 'above']);
      checkNumber(issues, `${path}.above`, c['above'], 0, c['kind'] === 'l2' ? 10 : 1, true);
      break;
  }
}
