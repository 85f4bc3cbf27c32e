/**
 * Character data sets for next-character models: the bundled list of English female first names
 * (`names`, the classic "invent new names" task of a character-level RNN) and a player's own
 * text (`textDataset`). Both become the same kind of example: a window of `steps` character ids
 * as input and, at every position, the id of the character that follows as target (multiclass,
 * outputs = vocabulary size, perPosition). A model trained on them can be sampled one character
 * at a time.
 *
 * The names come from `data/text/female-first-names-en.json`, written by
 * `scripts/convert-text.mjs` (provenance and licence: `data/text/README.md`).
 */
import namesAsset from '../../data/text/female-first-names-en.json' with { type: 'json' };
import { LIMITS } from '../engine/limits.js';
import { DataError, type Dataset, type Split } from './dataset.js';
import { kernelRandom, type DataRandom } from './random.js';
import {
  MAX_SEQUENCE_VALUES,
  SEQUENCE_DEFAULTS,
  SEQUENCE_OPTIONS,
  checkSequenceKeys,
  ownOptions,
  resolveSteps,
  sequenceDataset,
  stepFeatureNames,
  type SequenceGenerateOptions,
  type SequenceMeta,
  type SequenceOptions,
  type SequenceShape,
  type SequenceSpec,
} from './sequences.js';

/** Marks the start and end of every name in the character stream (id 0). */
export const NAME_SEPARATOR = '.';

/** The symbols of `names`: id 0 is the separator '.', ids 1..26 are 'a'..'z'. */
export const NAMES_VOCAB: readonly string[] = Object.freeze([
  NAME_SEPARATOR,
  ...'abcdefghijklmnopqrstuvwxyz',
]);

/** Default window length of the character sets. */
export const DEFAULT_TEXT_STEPS = SEQUENCE_DEFAULTS.names.steps;

/** Which split a name or a text chunk belongs to. */
export type SplitName = 'train' | 'validation' | 'test';

/**
 * A fixed 32-bit hash of a name: FNV-1a over its UTF-16 code units, then MurmurHash3's final
 * mix (so the last decimal digit is well spread). Pure integer arithmetic (`Math.imul`), the
 * same in every engine; exported so tests and tools can see where a name goes.
 */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The split of a (lower-case) name, fixed by its hash and independent of any seed: hash mod 10
 * of 0..7 is train (80%), 8 validation (10%), 9 test (10%). So a name is never in two splits,
 * and a validation score always measures names the network has not seen.
 */
export function nameSplit(name: string): SplitName {
  const bucket = nameHash(name) % 10;
  return bucket < 8 ? 'train' : bucket === 8 ? 'validation' : 'test';
}

/** The bundled names split by `nameSplit`, each list sorted, plus the attribution the UI shows. */
export interface NameLists {
  readonly all: readonly string[];
  readonly train: readonly string[];
  readonly validation: readonly string[];
  readonly test: readonly string[];
  readonly source: string;
  readonly licence: string;
}

let lists: NameLists | null = null;

/**
 * The bundled names (lower-case a..z only, sorted, no repeats) and their fixed split, for the
 * game to show real names next to invented ones and to check whether an invented name is real.
 * Validated on first use, so a corrupted asset fails with a message naming the field.
 */
export function nameLists(): NameLists {
  if (lists) return lists;
  const bad = (field: string, what: string): DataError =>
    new DataError(`bundled asset data/text/female-first-names-en.json: "${field}" ${what}`);
  const a = namesAsset as unknown as Record<string, unknown>;
  for (const field of ['source', 'licence']) {
    if (typeof a[field] !== 'string' || a[field] === '') throw bad(field, 'must be a non-empty string');
  }
  const names = a['names'];
  if (!Array.isArray(names) || names.length !== a['count'] || names.length < 100) {
    throw bad('names', `must be an array of "count" (${String(a['count'])}) names`);
  }
  const split: Record<SplitName, string[]> = { train: [], validation: [], test: [] };
  names.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !/^[a-z]+$/.test(name)) {
      throw bad(`names[${i}]`, 'must be a non-empty string of the letters a..z');
    }
    if (i > 0 && !(names[i - 1] < name)) throw bad(`names[${i}]`, 'must come after the name before it (sorted, no repeats)');
    split[nameSplit(name)].push(name);
  });
  lists = Object.freeze({
    all: Object.freeze([...(names as string[])]),
    train: Object.freeze(split.train),
    validation: Object.freeze(split.validation),
    test: Object.freeze(split.test),
    source: a['source'] as string,
    licence: a['licence'] as string,
  });
  return lists;
}

/** Resolved window options of a character set. */
export interface WindowOptions {
  readonly steps: number;
  readonly stride: number;
}

/**
 * `steps` (2 to 128, default 16) and `stride` (1 to steps, default ⌈steps / 2⌉: every
 * character is seen in two windows, once early and once late, at twice the cost of
 * non-overlapping windows).
 */
export function resolveWindowOptions(where: string, options: SequenceOptions = {}): WindowOptions {
  const steps = resolveSteps(where, options.steps ?? DEFAULT_TEXT_STEPS);
  const stride = options.stride ?? Math.ceil(steps / 2);
  if (typeof stride !== 'number' || !Number.isInteger(stride) || stride < 1 || stride > steps) {
    throw new DataError(
      `${where}: option "stride" must be an integer from 1 to ${steps} (the steps), got ${String(stride)}`,
    );
  }
  return { steps, stride };
}

/** Window starts over a stream of `length` ids: 0, stride, 2·stride, …, plus one ending at the end. */
function windowStarts(length: number, steps: number, stride: number): number[] {
  const last = length - steps - 1;
  const starts: number[] = [];
  for (let s = 0; s <= last; s += stride) starts.push(s);
  if (starts.length > 0 && starts[starts.length - 1] < last) starts.push(last);
  return starts;
}

/**
 * Cuts a stream of ids into next-character windows: x = ids[s..s+steps), y = ids[s+1..s+steps+1)
 * for every start s of `windowStarts` (0, stride, 2·stride, …, and one more that ends at the
 * stream's end if the grid leaves a tail, so every character but the first is a target at least
 * once). `order` (optional) lists the window numbers in the order to store them.
 */
export function charWindows(ids: ArrayLike<number>, steps: number, stride: number, order?: Int32Array): Split {
  const starts = windowStarts(ids.length, steps, stride);
  const n = starts.length;
  const x = new Float32Array(n * steps);
  const y = new Float32Array(n * steps);
  for (let r = 0; r < n; r++) {
    const s = starts[order ? order[r] : r];
    for (let t = 0; t < steps; t++) {
      x[r * steps + t] = ids[s + t];
      y[r * steps + t] = ids[s + t + 1];
    }
  }
  return { x, y, n };
}

/** Number of windows `charWindows` cuts from a stream of `length` ids. */
export function windowCount(length: number, steps: number, stride: number): number {
  return windowStarts(length, steps, stride).length;
}

function checkValues(where: string, windows: number, o: WindowOptions, what: string): void {
  const values = windows * o.steps;
  if (values > MAX_SEQUENCE_VALUES) {
    throw new DataError(
      `${where}: ${windows} windows of ${o.steps} steps are ${values} input values; at most ${MAX_SEQUENCE_VALUES} are allowed: use a larger stride (now ${o.stride}), fewer steps${what}`,
    );
  }
}

/** The metadata of a next-character set: multiclass over `vocab`, a target at every step. */
export function charMeta(
  name: string,
  vocab: readonly string[],
  steps: number,
  separator?: string,
): SequenceMeta {
  return {
    name,
    task: 'multiclass',
    outputs: vocab.length,
    featureNames: stepFeatureNames(steps),
    targetName: 'next character',
    classNames: vocab,
    sequence: {
      steps,
      features: 1,
      vocab,
      ...(separator !== undefined ? { separator } : {}),
      perPosition: true,
    },
  };
}

/** '.' + names joined by '.' + '.', as ids of `NAMES_VOCAB`. */
function nameStream(names: readonly string[]): Int32Array {
  let length = 1;
  for (const name of names) length += name.length + 1;
  const ids = new Int32Array(length);
  let k = 1; // ids[0] = 0, the leading separator
  for (const name of names) {
    // 'a' is char code 97 and id 1; the asset holds only a..z (checked by `nameLists`).
    for (let i = 0; i < name.length; i++) ids[k++] = name.charCodeAt(i) - 96;
    ids[k++] = 0;
  }
  return ids;
}

/**
 * `names`: next-character windows over the English female first names. The split is by name
 * (`nameSplit`: about 80/10/10, the same for every seed), so the validation loss measures how
 * well the model invents *unseen* names rather than how well it recalls training ones. The seed
 * shuffles the order of the names within each split (the list is alphabetical, and a stream of
 * "abbe.abbey.abbi." would teach copying the previous name); then each split becomes one stream
 * '.' + names joined by '.' + '.', cut by `charWindows` into windows of `steps` characters
 * (default 16) at `stride` (default ⌈steps / 2⌉). Vocabulary: `NAMES_VOCAB` ('.', 'a'..'z', 27
 * symbols); a model sampled from '.' until the next '.' spells a name. Draw order: a shuffle of
 * the training names, then of the validation names, then of the test names.
 */
export function namesDataset(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  checkSequenceKeys('names', options, SEQUENCE_OPTIONS.names);
  const o = resolveWindowOptions('names', options);
  const l = nameLists();
  const streams = (['train', 'validation', 'test'] as const).map((key) => {
    const order = Int32Array.from(l[key].keys());
    rand.shuffle(order);
    return nameStream(Array.from(order, (i) => l[key][i]));
  });
  checkValues('names', streams.reduce((sum, s) => sum + windowCount(s.length, o.steps, o.stride), 0), o, '');
  const [train, validation, test] = streams.map((s) => charWindows(s, o.steps, o.stride));
  return sequenceDataset(charMeta('names', NAMES_VOCAB, o.steps, NAME_SEPARATOR), {
    train,
    validation,
    test,
  });
}

/** Registry entry of `names` for `makeDataset` and `namedDataShape`. */
export const NAMES_SPEC: SequenceSpec = Object.freeze({
  name: 'names',
  task: 'multiclass',
  description: 'English female first names: predict the next character',
  defaults: SEQUENCE_DEFAULTS.names,
  make: namesDataset,
  shape: (options: SequenceOptions = {}): SequenceShape => {
    const o = resolveWindowOptions('names', ownOptions(options, SEQUENCE_OPTIONS.names));
    return {
      inputs: o.steps,
      outputs: NAMES_VOCAB.length,
      task: 'multiclass',
      sequence: {
        steps: o.steps,
        features: 1,
        vocab: NAMES_VOCAB,
        separator: NAME_SEPARATOR,
        perPosition: true,
      },
    };
  },
});

/** Most distinct characters a player's text may use: the printable ASCII set and a few more. */
export const MAX_TEXT_VOCAB = 96;
/** Longest text `textDataset` reads (characters); beyond it the windows would not fit anyway. */
export const MAX_TEXT_CHARS = LIMITS.maxTextChars;

/** Options of `textDataset`. */
export interface TextDatasetOptions {
  /** Integer 0..4294967295; shuffles the order of the windows within each split. */
  readonly seed: number;
  /** The compiled kernel, as for `makeDataset`. */
  readonly module: WebAssembly.Module;
  /** Window length, 2 to 128; default 16. */
  readonly steps?: number;
  /** Characters between window starts, 1 to steps; default ⌈steps / 2⌉. */
  readonly stride?: number;
  /** The data set's name in the UI; default "text". */
  readonly name?: string;
}

/** What a text becomes before any window is shuffled: `textShape` and `textDataset` share it. */
export interface TextLayout {
  readonly name: string;
  readonly options: WindowOptions;
  /** The distinct characters, sorted by code point: id i is vocab[i]. */
  readonly vocab: readonly string[];
  /** Characters (code points, line breaks normalised to '\n'). */
  readonly length: number;
  /** The ids of the training, validation and test chunks. */
  readonly chunks: readonly [Int32Array, Int32Array, Int32Array];
}

/**
 * Checks a player's text and lays it out as in `textDataset` (vocabulary, the 80/10/10
 * chunks), without the kernel: the main thread knows the data's shape from it before the
 * worker builds anything. Throws the DataErrors `textDataset` documents.
 */
export function layoutText(
  text: string,
  options: { steps?: number; stride?: number; name?: string } = {},
): TextLayout {
  const { name = 'text', ...rest } = options;
  checkSequenceKeys(name, rest, ['steps', 'stride']);
  const o = resolveWindowOptions(name, rest);
  if (typeof text !== 'string' || text.length === 0) {
    throw new DataError(`${name}: the text is empty; paste or type some text to learn from`);
  }
  if (text.length > MAX_TEXT_CHARS) {
    throw new DataError(
      `${name}: the text has ${text.length} characters; at most ${MAX_TEXT_CHARS} are allowed`,
    );
  }
  const chars = Array.from(text.replace(/\r\n?/g, '\n'));
  const vocab = [...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  if (vocab.length < 2) {
    throw new DataError(`${name}: the text uses only the character ${JSON.stringify(vocab[0])}; it needs at least 2 different characters`);
  }
  if (vocab.length > MAX_TEXT_VOCAB) {
    throw new DataError(
      `${name}: the text uses ${vocab.length} different characters; at most ${MAX_TEXT_VOCAB} are allowed (one output per character): lower-case it or remove rare symbols`,
    );
  }
  const L = chars.length;
  const need = o.steps + 1;
  // Integer arithmetic: len × 0.9 in floating point can land just below a whole number.
  const bounds = (len: number): [number, number] => [
    Math.floor((len * 8) / 10),
    Math.floor((len * 9) / 10),
  ];
  const [a, b] = bounds(L);
  if (a < need || b - a < need || L - b < need) {
    let least = 10 * need - 10;
    for (;;) {
      const [p, q] = bounds(least);
      if (p >= need && q - p >= need && least - q >= need) break;
      least++;
    }
    throw new DataError(
      `${name}: the text is too short for windows of ${o.steps} steps: its ${L} characters give chunks of ${a}, ${b - a} and ${L - b} characters (80/10/10) and each needs at least ${need}; use at least ${least} characters or fewer steps`,
    );
  }
  const index = new Map(vocab.map((c, i) => [c, i]));
  const ids = Int32Array.from(chars, (c) => index.get(c)!);
  const chunks = [ids.subarray(0, a), ids.subarray(a, b), ids.subarray(b)] as const;
  checkValues(name, chunks.reduce((sum, c) => sum + windowCount(c.length, o.steps, o.stride), 0), o, ' or a shorter text');
  return { name, options: o, vocab, length: L, chunks };
}

/** The shape of a player's text as a data set (`textDataset`'s), known without the kernel. */
export function textShape(
  text: string,
  options: { steps?: number; stride?: number; name?: string } = {},
): SequenceShape & { readonly vocab: readonly string[]; readonly length: number } {
  const t = layoutText(text, options);
  const meta = charMeta(t.name, t.vocab, t.options.steps);
  return {
    inputs: t.options.steps,
    outputs: t.vocab.length,
    task: 'multiclass',
    sequence: meta.sequence,
    vocab: t.vocab,
    length: t.length,
  };
}

/**
 * A player's own text as a next-character data set. Line breaks are normalised to '\n'; the
 * vocabulary is the distinct characters (Unicode code points, so an emoji is one symbol),
 * sorted by code point, at most `MAX_TEXT_VOCAB`. The text is cut into three contiguous chunks,
 * the first 80% of its characters for training, the next 10% for validation and the last 10% for
 * test, so validation and test are text the model has not read (a random split of overlapping
 * windows would leak it); each chunk is cut into windows as in `charWindows` and the seed
 * shuffles the windows' order within each split. Throws a DataError for an empty text, one
 * character repeated, too many distinct characters, a text longer than `MAX_TEXT_CHARS`, or a
 * text too short for three chunks of at least steps + 1 characters (`layoutText`).
 */
export function textDataset(text: string, options: TextDatasetOptions): Dataset {
  const { seed, module, ...rest } = options;
  const t = layoutText(text, rest);
  const o = t.options;
  const rand = kernelRandom(module, seed);
  const [train, validation, test] = t.chunks.map((c) => {
    const order = Int32Array.from({ length: windowCount(c.length, o.steps, o.stride) }, (_, i) => i);
    rand.shuffle(order);
    return charWindows(c, o.steps, o.stride, order);
  });
  return sequenceDataset(charMeta(t.name, t.vocab, o.steps), { train, validation, test });
}
