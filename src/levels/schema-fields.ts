/**
 * Checks of the plain fields of a level file — its data, blocks, settings and goal, and texts,
 * switches and objects in general — each reporting every finding under the field's path
 * (`settings.lr.min must not exceed max 3, got 5`). `schema.ts` puts them together and checks
 * that the level is consistent as a whole. Imports nothing from the browser or Node.
 */
import {
  DATASET_NAMES,
  IMAGE_SET_NAMES,
  SEQUENCE_NAMES,
  SEQUENCE_OPTIONS,
  isSequenceName,
  namedDataShape,
  type SequenceName,
  MAX_SHIFT,
  isImageSetName,
  MAX_ARMS,
  MAX_FAR,
  MAX_NOISE,
  MAX_POINTS,
  MIN_POINTS,
  NOISE_RANGE,
  SANDBOX_POINTS,
  TRAIN_SHARE_RANGE,
  isBundledName,
  isGeneratorName,
  resolveGeneratorOptions,
} from '../data/index.js';
import { LIMITS } from '../engine/limits.js';
import { EXTRA_BLOCKS } from './blocks.js';
import { OPTIMIZERS } from '../engine/options.js';
import {
  ACTIVATIONS,
  LOSSES,
  Issues,
  checkChoice,
  checkInt,
  checkKeys,
  checkNumber,
  isObject,
  show,
} from '../engine/spec.js';

/** The goal splits a level may name. */
const SPLITS = ['train', 'validation', 'test'] as const;
/** The largest loss threshold: diabetes' MSE is in the thousands (its targets are raw). */
const MAX_LOSS_THRESHOLD = 1e6;

export function checkText(issues: Issues, path: string, value: unknown, maxChars: number): boolean {
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxChars) {
    issues.add(
      path,
      `must be a non-empty text of at most ${maxChars} characters, got ${show(value)}`,
    );
    return false;
  }
  return true;
}

function checkBool(issues: Issues, path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    issues.add(path, `must be true or false, got ${show(value)}`);
    return false;
  }
  return true;
}

/**
 * Checks that `value` is an object holding no keys beyond `known` and `optional`. Missing required
 * keys are reported by the type check of each field ("got nothing").
 */
export function checkObject(
  issues: Issues,
  path: string,
  value: unknown,
  known: readonly string[],
  optional: readonly string[] = [],
): value is Record<string, unknown> {
  if (!isObject(value)) {
    issues.add(path, `must be an object with ${known.join(', ')}, got ${show(value)}`);
    return false;
  }
  checkKeys(issues, path, value, [...known, ...optional]);
  return true;
}

export function checkData(issues: Issues, value: unknown): boolean {
  if (isObject(value) && typeof value['name'] === 'string' && isSequenceName(value['name'])) {
    return checkSequenceData(issues, value);
  }
  const extra = ['n', 'noise', 'arms', 'far'] as const;
  if (
    !checkObject(issues, 'data', value, ['name', 'seed'], [...extra, 'features', 'train', 'shift'])
  )
    return false;
  if (value['train'] !== undefined) {
    const t = TRAIN_SHARE_RANGE;
    checkNumber(issues, 'data.train', value['train'], t.min, t.max);
  }
  const before = issues.list.length;
  const name = value['name'];
  checkChoice(issues, 'data.name', name, [...DATASET_NAMES, ...IMAGE_SET_NAMES, ...SEQUENCE_NAMES]);
  checkInt(issues, 'data.seed', value['seed'], 0, 0xffffffff);
  if (value['n'] !== undefined) checkInt(issues, 'data.n', value['n'], MIN_POINTS, MAX_POINTS);
  if (value['noise'] !== undefined) checkNumber(issues, 'data.noise', value['noise'], 0, MAX_NOISE);
  if (value['arms'] !== undefined) checkInt(issues, 'data.arms', value['arms'], 2, MAX_ARMS);
  if (value['far'] !== undefined) checkNumber(issues, 'data.far', value['far'], 0, MAX_FAR);
  if (issues.list.length > before) return false;
  const given = extra.filter((k) => value[k] !== undefined);
  if (!isGeneratorName(name as string) && given.length) {
    issues.add(`data.${given[0]}`, `applies only to generated data sets, not to ${show(name)}`);
    return false;
  }
  if (value['shift'] !== undefined) {
    if (!isImageSetName(name as string)) {
      issues.add('data.shift', `applies only to the image sets, not to ${show(name)}`);
      return false;
    }
    if (!checkInt(issues, 'data.shift', value['shift'], 0, MAX_SHIFT)) return false;
  }
  if (isImageSetName(name as string) && value['train'] !== undefined) {
    issues.add('data.train', `does not apply to the image sets: their splits are fixed`);
    return false;
  }
  const features = value['features'];
  if (features !== undefined) {
    if (!isBundledName(name as string)) {
      issues.add(
        'data.features',
        `applies only to the bundled real data sets, not to ${show(name)}`,
      );
      return false;
    }
    // The names themselves are checked where the data is built (`selectFeatures`, which lists
    // the set's names), so the game does not load a whole data set just to read a level file;
    // tests/levels builds every level's data.
    if (
      !Array.isArray(features) ||
      features.length === 0 ||
      features.some((f, i) => typeof f !== 'string' || f === '' || features.indexOf(f) !== i)
    ) {
      issues.add(
        'data.features',
        `must be a list of distinct feature names of ${String(name)}, got ${show(features)}`,
      );
      return false;
    }
  }
  if (isGeneratorName(name as string)) {
    try {
      resolveGeneratorOptions(name as never, {
        n: value['n'] as number | undefined,
        noise: value['noise'] as number | undefined,
        arms: value['arms'] as number | undefined,
        far: value['far'] as number | undefined,
      });
    } catch (e) {
      issues.add('data', (e as Error).message);
      return false;
    }
  }
  return true;
}

/**
 * A sequence set's data: its name and seed, and the options that set reads (`SEQUENCE_OPTIONS`:
 * steps, symbols, …), checked by the data's own rules so a level says what `makeDataset` would.
 */
function checkSequenceData(issues: Issues, value: Record<string, unknown>): boolean {
  const name = value['name'] as SequenceName;
  const own = SEQUENCE_OPTIONS[name];
  if (!checkObject(issues, 'data', value, ['name', 'seed'], own)) return false;
  if (!checkInt(issues, 'data.seed', value['seed'], 0, 0xffffffff)) return false;
  const options = Object.fromEntries(own.map((key) => [key, value[key]]));
  try {
    namedDataShape(name, options);
  } catch (e) {
    issues.add('data', (e as Error).message);
    return false;
  }
  return true;
}

export function checkBlocks(issues: Issues, value: unknown): boolean {
  const keys = ['dense', 'dropout', 'activations', 'maxLayers', 'maxUnits'];
  // Every other layer type of the op registry may be offered too (off when left out).
  const more = EXTRA_BLOCKS.filter((t) => t !== 'dropout');
  if (
    !checkObject(issues, 'blocks', value, keys, ['losses', 'keep', 'maxParams', 'maxMacs', ...more])
  )
    return false;
  const before = issues.list.length;
  checkBool(issues, 'blocks.dense', value['dense']);
  checkBool(issues, 'blocks.dropout', value['dropout']);
  for (const t of more) if (value[t] !== undefined) checkBool(issues, `blocks.${t}`, value[t]);
  const acts = value['activations'];
  if (!Array.isArray(acts)) {
    issues.add('blocks.activations', `must be a list of activations, got ${show(acts)}`);
  } else {
    acts.forEach((a, i) => checkChoice(issues, `blocks.activations[${i}]`, a, ACTIVATIONS));
    if (new Set(acts).size !== acts.length) {
      issues.add('blocks.activations', 'must not list an activation twice');
    }
  }
  checkInt(issues, 'blocks.maxLayers', value['maxLayers'], 1, LIMITS.maxLayers);
  checkInt(issues, 'blocks.maxUnits', value['maxUnits'], 1, LIMITS.maxUnits);
  const keep = value['keep'];
  if (keep !== undefined) {
    if (!Array.isArray(keep) || keep.length === 0) {
      issues.add('blocks.keep', `must be a non-empty list of layer types, got ${show(keep)}`);
    } else {
      keep.forEach((t, i) => {
        if (checkChoice(issues, `blocks.keep[${i}]`, t, more) && value[t as string] !== true) {
          issues.add(`blocks.keep[${i}]`, `must be a block the level offers (blocks.${String(t)})`);
        }
      });
    }
  }
  if (value['maxParams'] !== undefined) {
    checkInt(issues, 'blocks.maxParams', value['maxParams'], 1, LIMITS.maxParams);
  }
  if (value['maxMacs'] !== undefined) {
    checkInt(issues, 'blocks.maxMacs', value['maxMacs'], 1, LIMITS.maxMacs);
  }
  const losses = value['losses'];
  if (losses !== undefined) {
    if (!Array.isArray(losses) || losses.length === 0) {
      issues.add('blocks.losses', `must be a non-empty list of losses, got ${show(losses)}`);
    } else {
      losses.forEach((l, i) => checkChoice(issues, `blocks.losses[${i}]`, l, LOSSES));
      if (new Set(losses).size !== losses.length) {
        issues.add('blocks.losses', 'must not list a loss twice');
      }
    }
  }
  return issues.list.length === before;
}

/** Allowed bounds of each numeric setting: the same as `parseOptions` accepts. */
export const SETTING_BOUNDS = {
  lr: { min: 1e-7, max: 10, integer: false },
  batch: { min: 1, max: LIMITS.maxBatch, integer: true },
  l2: { min: 0, max: 10, integer: false },
  clip: { min: 0, max: 100, integer: false },
} as const;

export function checkSettings(issues: Issues, value: unknown): boolean {
  if (!checkObject(issues, 'settings', value, ['optimizer', 'lr', 'batch', 'l2'], ['clip'])) {
    return false;
  }
  const before = issues.list.length;
  const opt = value['optimizer'];
  if (checkObject(issues, 'settings.optimizer', opt, ['value', 'locked', 'choices'])) {
    checkBool(issues, 'settings.optimizer.locked', opt['locked']);
    const choices = opt['choices'];
    if (!Array.isArray(choices) || choices.length === 0) {
      issues.add(
        'settings.optimizer.choices',
        `must be a non-empty list of optimizers, got ${show(choices)}`,
      );
    } else {
      const ok = choices.every((c, i) =>
        checkChoice(issues, `settings.optimizer.choices[${i}]`, c, OPTIMIZERS),
      );
      if (checkChoice(issues, 'settings.optimizer.value', opt['value'], OPTIMIZERS) && ok) {
        if (!choices.includes(opt['value'])) {
          issues.add(
            'settings.optimizer.value',
            `must be one of its choices (${choices.join(', ')}), got ${show(opt['value'])}`,
          );
        }
      }
    }
  }
  for (const key of ['lr', 'batch', 'l2'] as const) {
    checkRange(issues, `settings.${key}`, value[key], SETTING_BOUNDS[key]);
  }
  if (value['clip'] !== undefined) {
    checkRange(issues, 'settings.clip', value['clip'], SETTING_BOUNDS.clip);
  }
  return issues.list.length === before;
}

/**
 * Checks a range setting `{value, locked, min, max}`: min and max within `b`, min ≤ max, the
 * value between them.
 */
function checkRange(
  issues: Issues,
  path: string,
  s: unknown,
  b: { min: number; max: number; integer: boolean },
): boolean {
  const before = issues.list.length;
  if (!checkObject(issues, path, s, ['value', 'locked', 'min', 'max'])) return false;
  checkBool(issues, `${path}.locked`, s['locked']);
  const check = b.integer ? checkInt : checkNumber;
  const okMin = check(issues, `${path}.min`, s['min'], b.min, b.max);
  const okMax = check(issues, `${path}.max`, s['max'], b.min, b.max);
  if (!okMin || !okMax) {
    check(issues, `${path}.value`, s['value'], b.min, b.max);
  } else {
    const min = s['min'] as number;
    const max = s['max'] as number;
    if (min > max) issues.add(`${path}.min`, `must not exceed max ${max}, got ${min}`);
    else check(issues, `${path}.value`, s['value'], min, max);
  }
  return issues.list.length === before;
}

/** What each data control may range over: the sandbox's own sliders. */
const DATA_BOUNDS = {
  n: { ...SANDBOX_POINTS, integer: true },
  noise: { ...NOISE_RANGE, integer: false },
  train: { ...TRAIN_SHARE_RANGE, integer: false },
} as const;

/**
 * Checks `dataControls`: each of n, noise and train a range within the sandbox's slider, n and
 * noise only for generated data, and each starting value the level's own data value (`own`),
 * so the level's start trains on the data its file names.
 */
export function checkDataControls(
  issues: Issues,
  value: unknown,
  generated: boolean,
  own: (key: keyof typeof DATA_BOUNDS) => number,
): void {
  if (!checkObject(issues, 'dataControls', value, [], ['n', 'noise', 'train'])) return;
  for (const key of ['n', 'noise', 'train'] as const) {
    const range = value[key];
    if (range === undefined) continue;
    const path = `dataControls.${key}`;
    if (key !== 'train' && !generated) {
      issues.add(
        path,
        'applies only to generated data sets (the bundled ones have their own rows)',
      );
      continue;
    }
    if (!checkRange(issues, path, range, DATA_BOUNDS[key])) continue;
    const v = (range as Record<string, unknown>)['value'];
    if (v !== own(key)) {
      issues.add(`${path}.value`, `must be the level's own data value ${own(key)}, got ${show(v)}`);
    }
  }
}

export function checkGoal(issues: Issues, value: unknown): void {
  if (!checkObject(issues, 'goal', value, ['metric', 'split', 'threshold'], ['atEnd'])) return;
  if (value['atEnd'] !== undefined) checkBool(issues, 'goal.atEnd', value['atEnd']);
  checkChoice(issues, 'goal.split', value['split'], SPLITS);
  if (checkChoice(issues, 'goal.metric', value['metric'], ['loss', 'accuracy'] as const)) {
    if (value['metric'] === 'accuracy')
      checkNumber(issues, 'goal.threshold', value['threshold'], 0, 1);
    else checkNumber(issues, 'goal.threshold', value['threshold'], 0, MAX_LOSS_THRESHOLD);
  }
}
