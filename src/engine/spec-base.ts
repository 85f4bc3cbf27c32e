/**
 * The words specs are written in (activations, initialisations, losses, input features) and the
 * checks every validator shares: findings collected as `path: message`, so a player sees every
 * problem at once, with the value shown the way it was typed. Imported by the spec, the op
 * registry and the options; imports nothing.
 */

/** Activation functions a dense layer or an activation block may apply. */
export const ACTIVATIONS = [
  'identity',
  'relu',
  'leaky_relu',
  'sigmoid',
  'tanh',
  'softmax',
  'gelu',
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
