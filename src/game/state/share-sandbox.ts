/**
 * The sandbox's part of a share link: TensorFlow Playground's data controls (`points`, `noise`,
 * `train`, `dataseed`, each within the range its slider allows) and its two view check boxes
 * (`testdata`, `discretize`). Read strictly, like the rest of the link: a value out of range is
 * named with what is allowed, and refuses the link.
 */
import { NOISE_RANGE, SANDBOX_POINTS, TRAIN_SHARE_RANGE } from '../../data/index.js';
import { SEED_MAX, formatNumber, quote, readNumber } from './link-values.js';

/** The sandbox's data controls: points, noise, the share used for training, the data seed. */
export interface DataOptions {
  n?: number;
  noise?: number;
  train?: number;
  seed?: number;
}

/** Playground's two view check boxes. */
export interface ViewFlags {
  /** Draw the test points too (hollow), not only the training points. */
  showTest: boolean;
  /** Paint the answer in solid bands instead of a smooth scale. */
  discretize: boolean;
}

/** Both view check boxes off, as Playground starts. */
export const DEFAULT_VIEW: ViewFlags = Object.freeze({ showTest: false, discretize: false });

/** The sandbox's data keys, each with the range its control allows. */
const DATA_KEYS = {
  points: { field: 'n', words: 'a number of points', ...SANDBOX_POINTS, integer: true },
  noise: { field: 'noise', words: 'a noise level', ...NOISE_RANGE, integer: false },
  train: { field: 'train', words: 'a training share', ...TRAIN_SHARE_RANGE, integer: false },
  dataseed: { field: 'seed', words: 'a data seed', min: 0, max: SEED_MAX, integer: true },
} as const;
const VIEW_KEYS = { testdata: 'showTest', discretize: 'discretize' } as const;

/** The sandbox's keys, for the list of keys a link may have. */
export const SANDBOX_KEYS: readonly string[] = [
  ...Object.keys(DATA_KEYS),
  ...Object.keys(VIEW_KEYS),
];

/** The link parts of data settings (set ones only) and check boxes (on ones only), in order. */
export function encodeSandbox(
  data: DataOptions | undefined,
  view: ViewFlags | undefined,
): string[] {
  const parts: string[] = [];
  for (const [key, range] of Object.entries(DATA_KEYS)) {
    const v = data?.[range.field];
    if (v !== undefined) parts.push(`${key}=${formatNumber(v)}`);
  }
  for (const [key, field] of Object.entries(VIEW_KEYS)) if (view?.[field]) parts.push(`${key}=1`);
  return parts;
}

/**
 * Reads the sandbox keys of a link's `values`; problems go to `problems`. `named` is what the
 * link names: data settings belong to a sandbox data set, or to a level (which then keeps only
 * those it opens, see `conformSetup`) except the data seed, for a level's points are the same
 * for every player.
 */
export function readSandbox(
  values: ReadonlyMap<string, string>,
  named: 'data' | 'level' | null,
  problems: string[],
): { dataOptions: DataOptions; view: ViewFlags } {
  const dataOptions: DataOptions = {};
  for (const [key, range] of Object.entries(DATA_KEYS)) {
    const text = values.get(key);
    if (text === undefined) continue;
    if (named === null || (named === 'level' && key === 'dataseed')) {
      problems.push(
        named === null
          ? `The shared link sets "${key}", which only a data set (data=…) or a level has.`
          : `The shared link sets "${key}", which only the sandbox has: a level's points are the same for every player.`,
      );
      continue;
    }
    const v = readNumber(text);
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      v >= range.min &&
      v <= range.max &&
      (!range.integer || Number.isInteger(v));
    if (!ok) {
      const kind = range.integer ? 'an integer' : 'a number';
      problems.push(
        `The shared link has ${range.words} of ${quote(text)}; it must be ${kind} from ${range.min} to ${range.max}.`,
      );
    } else dataOptions[range.field] = v;
  }
  const view: ViewFlags = { ...DEFAULT_VIEW };
  for (const [key, field] of Object.entries(VIEW_KEYS)) {
    const text = values.get(key);
    if (text === undefined) continue;
    if (text === '1' || text === '0') view[field] = text === '1';
    else problems.push(`The shared link has ${key}=${quote(text)}; it must be 1 (on) or 0 (off).`);
  }
  return { dataOptions, view };
}
