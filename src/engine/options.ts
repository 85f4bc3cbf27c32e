/**
 * Training options (the optimizer and its settings, batch size, regularisation): defaults,
 * strict validation of untrusted values, and the kernel's numbering. Shared by the command line,
 * level files and the worker, so "a learning rate of NaN" gets the same clear message everywhere.
 */
import { LIMITS } from './limits.js';
import { Issues, checkChoice, checkInt, checkKeys, checkNumber, isObject, show } from './spec.js';

export const OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Everything that shapes a training run besides the network and the data. */
export interface TrainOptions {
  optimizer: OptimizerName;
  /** Learning rate. */
  lr: number;
  /** Rows per training batch. */
  batch: number;
  /**
   * L2 penalty λ on weights (not biases): the loss gains λ/2·‖w‖², the gradient λ·w. Like L1,
   * it shapes the weights but is not part of any reported loss (see docs/model-format.md).
   */
  l2: number;
  /**
   * L1 penalty λ on weights (not biases): the loss gains λ·Σ|w|, the gradient λ·sign(w) with
   * sign(0) = 0 (as PyTorch's gradient of `abs`). Applied after L2 (both may be on) and before
   * clipping; not part of any reported loss.
   */
  l1: number;
  /** Largest global gradient norm; 0 turns clipping off. */
  clip: number;
  /** Momentum μ (momentum optimizer). */
  momentum: number;
  nesterov: boolean;
  /** Adam/AdamW first and second moment decay rates. */
  beta1: number;
  beta2: number;
  /** RMSProp's decay rate of the squared-gradient average. */
  alpha: number;
  eps: number;
  /** AdamW's decoupled weight decay. */
  weightDecay: number;
}

/** PyTorch's defaults, except a learning rate that suits the small networks of the game. */
export const DEFAULT_OPTIONS: TrainOptions = {
  optimizer: 'adam',
  lr: 0.01,
  batch: 32,
  l2: 0,
  l1: 0,
  clip: 0,
  momentum: 0.9,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0.01,
};

const KEYS = Object.keys(DEFAULT_OPTIONS);

/**
 * Validates a partial set of options from JSON, a URL or the command line and fills in the
 * defaults. Every finding names its field and the allowed range; all are reported together.
 */
export function parseOptions(raw: unknown, path = 'options'): TrainOptions {
  const issues = new Issues();
  if (raw === undefined) return { ...DEFAULT_OPTIONS };
  if (!isObject(raw)) {
    issues.add(path, `must be an object, got ${show(raw)}`);
    issues.throwIfAny();
  }
  const obj = raw as Record<string, unknown>;
  checkKeys(issues, path, obj, KEYS);
  const p = (key: string): string => `${path}.${key}`;
  const out = { ...DEFAULT_OPTIONS, ...obj } as TrainOptions;
  checkChoice(issues, p('optimizer'), out.optimizer, OPTIMIZERS);
  checkNumber(issues, p('lr'), out.lr, 1e-7, 10);
  checkInt(issues, p('batch'), out.batch, 1, LIMITS.maxBatch);
  checkNumber(issues, p('l2'), out.l2, 0, 10);
  checkNumber(issues, p('l1'), out.l1, 0, 10);
  checkNumber(issues, p('clip'), out.clip, 0, 1e6);
  checkNumber(issues, p('momentum'), out.momentum, 0, 1, true);
  if (typeof out.nesterov !== 'boolean')
    issues.add(p('nesterov'), `must be true or false, got ${show(out.nesterov)}`);
  checkNumber(issues, p('beta1'), out.beta1, 0, 1, true);
  checkNumber(issues, p('beta2'), out.beta2, 0, 1, true);
  checkNumber(issues, p('alpha'), out.alpha, 0, 1, true);
  checkNumber(issues, p('eps'), out.eps, 1e-12, 1);
  checkNumber(issues, p('weightDecay'), out.weightDecay, 0, 1);
  issues.throwIfAny();
  return out;
}

/** The kernel's optimizer numbering (see `assembly/program.ts`). */
export const OPTIMIZER_CODE: Record<OptimizerName, number> = {
  sgd: 0,
  momentum: 1,
  rmsprop: 2,
  adam: 3,
  adamw: 4,
};

/**
 * The parameter-sized state buffers each optimizer keeps, under PyTorch's names for them (the
 * kernel's program points at the first and second in this order).
 */
export const OPTIMIZER_STATE: Record<OptimizerName, readonly string[]> = {
  sgd: [],
  momentum: ['velocity'],
  rmsprop: ['square_avg'],
  adam: ['exp_avg', 'exp_avg_sq'],
  adamw: ['exp_avg', 'exp_avg_sq'],
};
