/**
 * `melville`: next-character windows over the first part of Herman Melville's Moby-Dick (1851),
 * a real book to train a small character-level language model on, and the text an attention
 * chapter samples from. Like `names`, an example is a window of `steps` character ids as input
 * and, at every position, the id of the character that follows as target (multiclass, outputs =
 * vocabulary size, perPosition); a model trained on it can be sampled one character at a time.
 *
 * The text comes from `data/text/moby-dick.json`, written by `scripts/convert-text.mjs` from the
 * Project Gutenberg text (public domain): the first 600,000 characters of the book after a fixed
 * normalisation (lower case, ASCII punctuation, single spaces; the asset's `rule` and
 * `data/text/moby-dick.README.md` say exactly how), over the 35 symbols of `MELVILLE_VOCAB`.
 *
 * Splits, the same for every seed: the text is cut into `MELVILLE_BLOCKS` (100) contiguous blocks
 * of equal length (± 1 character); blocks whose number ends in 8 are validation, in 9 test, the
 * rest training (80/10/10, spread over the whole text, so no split is all one chapter). A window
 * lies inside one block, so no window reads text of two splits. The seed picks which windows:
 * `n` windows in all (default 10,000: 8,000 training, 1,000 validation and 1,000 test), each
 * start drawn uniformly from the starts of its split (with replacement; the training split has
 * about 480,000 starts), rather than all 600,000 overlapping windows, which would not fit.
 *
 * The text (600 kB) is loaded on demand, by `loadMelvilleText` (through `prepareDataset` in
 * `src/data/index.ts`), not with the module: the game's first screen must not wait for a book it
 * may never open. In a browser it arrives as a chunk of its own; in Node it is read from the file.
 */
import { DataError, type Dataset, type Split } from './dataset.js';
import type { DataRandom } from './random.js';
import { charMeta, type SplitName } from './names.js';
import {
  MAX_EXAMPLES,
  MAX_SEQUENCE_VALUES,
  MIN_EXAMPLES,
  SEQUENCE_DEFAULTS,
  SEQUENCE_OPTIONS,
  checkSequenceKeys,
  integerIn,
  ownOptions,
  resolveSteps,
  sequenceDataset,
  type SequenceGenerateOptions,
  type SequenceOptions,
  type SequenceShape,
  type SequenceSpec,
} from './sequences.js';

/** The symbols of `melville`, sorted by character code: id 0 is the space, then ! ' , - . : ; ? a..z. */
export const MELVILLE_VOCAB: readonly string[] = Object.freeze([
  ...` !',-.:;?abcdefghijklmnopqrstuvwxyz`,
]);

/** Contiguous blocks the text is cut into for the split. */
export const MELVILLE_BLOCKS = 100;

/** The split of block b (0..99): b mod 10 = 8 validation, 9 test, else train. */
export function melvilleBlockSplit(block: number): SplitName {
  const r = block % 10;
  return r === 8 ? 'validation' : r === 9 ? 'test' : 'train';
}

/** The bundled text, its ids and its blocks, checked once. */
export interface MelvilleText {
  readonly text: string;
  /** ids[i] is the id of text[i] in `MELVILLE_VOCAB`. */
  readonly ids: Uint8Array;
  /** Block b is text[bounds[b], bounds[b + 1]); bounds has MELVILLE_BLOCKS + 1 entries. */
  readonly bounds: readonly number[];
  readonly source: string;
  readonly licence: string;
  readonly rule: string;
}

let cached: MelvilleText | null = null;
let loading: Promise<MelvilleText> | null = null;

/**
 * Loads and checks the bundled text once (later calls share the first); `melvilleText` may be
 * called after it has resolved.
 */
export function loadMelvilleText(): Promise<MelvilleText> {
  if (cached) return Promise.resolve(cached);
  loading ??= import('../../data/text/moby-dick.json', { with: { type: 'json' } }).then(
    (m: { default: unknown }) => (cached = checkMelvilleAsset(m.default)),
    (e: unknown) => {
      loading = null;
      throw new DataError(
        `could not load the Moby-Dick text (data/text/moby-dick.json): ${e instanceof Error ? e.message : String(e)}`,
      );
    },
  );
  return loading;
}

/**
 * The bundled text, once `loadMelvilleText` has resolved; before that a DataError that says so.
 */
export function melvilleText(): MelvilleText {
  if (cached) return cached;
  throw new DataError('melville: the Moby-Dick text is not loaded yet (await prepareDataset("melville") first)');
}

/**
 * Checks the asset so a corrupted one fails with a message naming the field: its vocabulary must
 * be `MELVILLE_VOCAB`, its `length` the text's, and every character a symbol of the vocabulary.
 */
export function checkMelvilleAsset(asset: unknown): MelvilleText {
  const bad = (field: string, what: string): DataError =>
    new DataError(`bundled asset data/text/moby-dick.json: "${field}" ${what}`);
  if (typeof asset !== 'object' || asset === null) throw bad('(top level)', 'must be an object');
  const a = asset as Record<string, unknown>;
  for (const field of ['source', 'licence', 'rule', 'text']) {
    if (typeof a[field] !== 'string' || a[field] === '') throw bad(field, 'must be a non-empty string');
  }
  const vocab = a['vocab'];
  if (!Array.isArray(vocab) || vocab.join('\u0000') !== MELVILLE_VOCAB.join('\u0000')) {
    throw bad('vocab', `must be the ${MELVILLE_VOCAB.length} symbols ${JSON.stringify(MELVILLE_VOCAB.join(''))}`);
  }
  const text = a['text'] as string;
  if (text.length !== a['length'] || text.length < MELVILLE_BLOCKS * 200) {
    throw bad('text', `must have "length" (${String(a['length'])}) characters, at least ${MELVILLE_BLOCKS * 200}`);
  }
  const index = new Map(MELVILLE_VOCAB.map((c, i) => [c, i]));
  const ids = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const id = index.get(text[i]!);
    if (id === undefined) throw bad('text', `holds ${JSON.stringify(text[i])} at ${i}, not a symbol of "vocab"`);
    ids[i] = id;
  }
  const L = text.length;
  // Integer arithmetic, as in `layoutText`: b·L/100 in floating point can land below a whole number.
  const bounds = Array.from({ length: MELVILLE_BLOCKS + 1 }, (_, b) => Math.floor((b * L) / MELVILLE_BLOCKS));
  return Object.freeze({
    text,
    ids,
    bounds: Object.freeze(bounds),
    source: a['source'] as string,
    licence: a['licence'] as string,
    rule: a['rule'] as string,
  });
}

/** Resolved options of `melville`. */
export interface MelvilleOptions {
  readonly n: number;
  readonly steps: number;
}

/**
 * `steps` (2 to 128, default 32) and `n`, the windows over all splits (10 up to 100,000 and
 * n × steps ≤ `MAX_SEQUENCE_VALUES`; default 10,000).
 */
export function resolveMelvilleOptions(options: SequenceOptions = {}): MelvilleOptions {
  checkSequenceKeys('melville', options, SEQUENCE_OPTIONS.melville);
  const d = SEQUENCE_DEFAULTS.melville;
  const steps = resolveSteps('melville', options.steps ?? d.steps);
  const most = Math.min(MAX_EXAMPLES, Math.floor(MAX_SEQUENCE_VALUES / steps));
  const n = integerIn(
    'melville',
    'n',
    options.n ?? d.n,
    MIN_EXAMPLES,
    most,
    most < MAX_EXAMPLES ? ` for ${steps} steps (at most ${MAX_SEQUENCE_VALUES} input values: n × steps)` : '',
  );
  return { n, steps };
}

/** Windows per split for n in all: a tenth each (rounded down) for validation and test, the rest train. */
export function melvilleSizes(n: number): Record<SplitName, number> {
  const tenth = Math.floor(n / 10);
  return { train: n - 2 * tenth, validation: tenth, test: tenth };
}

/**
 * The window starts of each split, as `melvilleDataset` draws them: for each split in turn
 * (train, validation, test), its `melvilleSizes(n)` starts, each uniform over the positions s of
 * that split's blocks with s + steps + 1 ≤ the block's end (a window and its last target inside
 * the block). One `below` draw per window.
 */
export function melvilleStarts(rand: DataRandom, options: SequenceOptions = {}): Record<SplitName, Int32Array> {
  const o = resolveMelvilleOptions(options);
  const { bounds } = melvilleText();
  const sizes = melvilleSizes(o.n);
  const out = {} as Record<SplitName, Int32Array>;
  for (const split of ['train', 'validation', 'test'] as const) {
    const blocks: number[] = [];
    const counts: number[] = [];
    let total = 0;
    for (let b = 0; b < MELVILLE_BLOCKS; b++) {
      if (melvilleBlockSplit(b) !== split) continue;
      const count = bounds[b + 1]! - bounds[b]! - o.steps;
      blocks.push(b);
      counts.push(count);
      total += count;
    }
    const starts = new Int32Array(sizes[split]);
    for (let i = 0; i < starts.length; i++) {
      let r = rand.below(total);
      let k = 0;
      while (r >= counts[k]!) r -= counts[k++]!;
      starts[i] = bounds[blocks[k]!]! + r;
    }
    out[split] = starts;
  }
  return out;
}

function windowsAt(ids: Uint8Array, starts: Int32Array, steps: number): Split {
  const n = starts.length;
  const x = new Float32Array(n * steps);
  const y = new Float32Array(n * steps);
  for (let r = 0; r < n; r++) {
    const s = starts[r]!;
    for (let t = 0; t < steps; t++) {
      x[r * steps + t] = ids[s + t]!;
      y[r * steps + t] = ids[s + t + 1]!;
    }
  }
  return { x, y, n };
}

/**
 * `melville`: windows of `steps` characters of Moby-Dick (default 32) with the next character as
 * the target at every position, `n` windows in all (default 10,000), split by fixed blocks of the
 * text as described at the top of this file. Options `n` and `steps`; `fractions` does not apply
 * (the split is fixed). Draw order: the training starts, then the validation and test starts.
 */
export function melvilleDataset(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  const { fractions, ...own } = options;
  if (fractions !== undefined) {
    throw new DataError(
      'melville: option "fractions" does not apply: the text\'s split is fixed by blocks (80/10/10)',
    );
  }
  const o = resolveMelvilleOptions(own);
  const { ids } = melvilleText();
  const starts = melvilleStarts(rand, o);
  return sequenceDataset(charMeta('melville', MELVILLE_VOCAB, o.steps), {
    train: windowsAt(ids, starts.train, o.steps),
    validation: windowsAt(ids, starts.validation, o.steps),
    test: windowsAt(ids, starts.test, o.steps),
  });
}

/** Registry entry of `melville` for `makeDataset` and `namedDataShape`. */
export const MELVILLE_SPEC: SequenceSpec = Object.freeze({
  name: 'melville',
  task: 'multiclass',
  description: 'Moby-Dick, the first half: predict the next character',
  defaults: SEQUENCE_DEFAULTS.melville,
  make: melvilleDataset,
  prepare: async () => {
    await loadMelvilleText();
  },
  shape: (options: SequenceOptions = {}): SequenceShape => {
    const o = resolveMelvilleOptions(ownOptions(options, SEQUENCE_OPTIONS.melville));
    return {
      inputs: o.steps,
      outputs: MELVILLE_VOCAB.length,
      task: 'multiclass',
      sequence: { steps: o.steps, features: 1, vocab: MELVILLE_VOCAB, perPosition: true },
    };
  },
});
