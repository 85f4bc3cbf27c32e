/**
 * Two generated sequence tasks for the attention chapter, each built so that one idea of a
 * transformer is what solves it.
 *
 * - `recall` (associative recall): a few key/value pairs ("C 3 F 0 A 7 …"), then filler, then one
 *   of the keys again at the last step; the answer is the value that followed that key. A
 *   recurrent network reads the pairs once and must squeeze all of them into its state, because
 *   it does not know yet which key will be asked, and the filler wears that state down; attention
 *   just looks back: the query key finds its earlier copy and the token after it is the answer
 *   (in practice two attention layers, or one layer whose tokens already know their neighbour).
 *   The pairs come first, so the key asked for is at least steps − 2·pairs + 1 steps back.
 *
 * - `order` (the symbol at a fixed position): a shuffle of `steps` symbols in which every symbol
 *   occurs equally often, and the question "which symbol was at position p?". Every sequence holds
 *   the same symbols the same number of times, only in another order, so counting symbols says
 *   nothing about the answer. An attention layer without positional encodings that reads out at
 *   the last step sees the earlier tokens as a set: it averages them with weights that depend only
 *   on what each token is, not on where it is, so it cannot tell position p from any other and
 *   stays at chance (1 / symbols). Give it positions and it can attend to step p and copy: about
 *   100%. (A stack of several causal layers can recover some order from the causal mask itself,
 *   mostly near the start, which is why p is not the first step by default.)
 *
 * Layout as in `sequences.ts`: x holds token ids (exact integers as floats), one per step, with
 * `sequence.vocab`; one target per example (perPosition false, multiclass). Drawn from the
 * kernel PRNG (`DataRandom`); the splits are contiguous runs of the examples (70/15/15 unless
 * `fractions` says otherwise), as for the other generated tasks.
 */
import { DataError, type Dataset } from './dataset.js';
import type { DataRandom } from './random.js';
import {
  MAX_EXAMPLES,
  MAX_SEQUENCE_VALUES,
  MAX_SYMBOLS,
  MIN_EXAMPLES,
  SEQUENCE_DEFAULTS,
  SEQUENCE_OPTIONS,
  checkSequenceKeys,
  cutExamples,
  integerIn,
  ownOptions,
  resolveSteps,
  splitOptions,
  stepFeatureNames,
  type SequenceGenerateOptions,
  type SequenceMeta,
  type SequenceOptions,
  type SequenceShape,
  type SequenceSpec,
} from './sequences.js';

/** Names of the attention tasks. */
export type AttentionTaskName = 'recall' | 'order';

/** Most value symbols of `recall`: the digits. */
export const MAX_RECALL_VALUES = 10;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** `n`, capped so that n × steps stays within `MAX_SEQUENCE_VALUES`. */
function resolveCount(name: AttentionTaskName, n: unknown, steps: number): number {
  const most = Math.min(MAX_EXAMPLES, Math.floor(MAX_SEQUENCE_VALUES / steps));
  return integerIn(
    name,
    'n',
    n,
    MIN_EXAMPLES,
    most,
    most < MAX_EXAMPLES ? ` for ${steps} steps (at most ${MAX_SEQUENCE_VALUES} input values: n × steps)` : '',
  );
}

/** Resolved options of `recall`. */
export interface RecallOptions {
  readonly n: number;
  readonly steps: number;
  readonly pairs: number;
  readonly keys: number;
  readonly values: number;
  readonly distractors: number;
}

/**
 * Checks `recall`'s options and fills in the defaults: `steps` 2 to 128 (default 24), `keys` 2 to
 * 26 (8), `values` 2 to 10 (8), `distractors` 1 to 26 (4), and `pairs` from 1 to the smaller of
 * `keys` (the keys of one sequence are distinct) and ⌊(steps − 1) / 2⌋ (the pairs and the query
 * must fit), default 4.
 */
export function resolveRecallOptions(options: SequenceOptions = {}): RecallOptions {
  checkSequenceKeys('recall', options, SEQUENCE_OPTIONS.recall);
  const d = SEQUENCE_DEFAULTS.recall;
  const steps = resolveSteps('recall', options.steps ?? d.steps);
  const n = resolveCount('recall', options.n ?? d.n, steps);
  const keys = integerIn('recall', 'keys', options.keys ?? d.keys, 2, MAX_SYMBOLS);
  const values = integerIn('recall', 'values', options.values ?? d.values, 2, MAX_RECALL_VALUES);
  const distractors = integerIn('recall', 'distractors', options.distractors ?? d.distractors, 1, MAX_SYMBOLS);
  const fit = Math.floor((steps - 1) / 2);
  const most = Math.min(keys, fit);
  const why =
    most === fit
      ? ` (2 × pairs + 1 query must fit in steps ${steps})`
      : ` (each pair has its own key, and keys is ${keys})`;
  if (fit < 1) {
    throw new DataError(`recall: option "steps" must be at least 3 (one pair and the query), got ${steps}`);
  }
  const pairs = integerIn('recall', 'pairs', options.pairs ?? d.pairs, 1, most, why);
  return { n, steps, pairs, keys, values, distractors };
}

/** The tokens of `recall`: the values '0'.. first (id = class), then the keys 'A'.., then the fillers ending at 'z'. */
export function recallVocab(keys: number, values: number, distractors: number): string[] {
  return [...DIGITS.slice(0, values), ...UPPER.slice(0, keys), ...LOWER.slice(LOWER.length - distractors)];
}

/**
 * `recall`: associative recall. Steps 0..2P−1 hold P key/value pairs (P = `pairs`, default 4): P
 * distinct keys drawn from `keys` letters ('A'.., default 8), each followed by a value drawn
 * uniformly from `values` digits ('0'.., default 8, the classes); steps 2P..T−2 hold fillers drawn
 * uniformly from `distractors` lower-case letters (default 4: 'w'..'z'); the last step T−1 (T =
 * `steps`, default 24) repeats one of the P keys, chosen uniformly. The target, one per example,
 * is the value that followed that key (multiclass with `values` outputs; chance 1 / values).
 * Default 2000 examples. Draw order per example: a shuffle of the key ids (the first P are used),
 * the P values, the T − 2P − 1 fillers, the pair asked for.
 */
export function recall(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  const { own, fractions } = splitOptions(options);
  const o = resolveRecallOptions(own);
  const { n, steps: T, pairs: P, keys: K, values: V, distractors: D } = o;
  const vocab = recallVocab(K, V, D);
  const x = new Float32Array(n * T);
  const y = new Float32Array(n);
  const order = new Int32Array(K);
  for (let i = 0; i < n; i++) {
    const row = i * T;
    for (let k = 0; k < K; k++) order[k] = k;
    rand.shuffle(order);
    for (let p = 0; p < P; p++) x[row + 2 * p] = V + order[p]!;
    for (let p = 0; p < P; p++) x[row + 2 * p + 1] = rand.below(V);
    for (let t = 2 * P; t < T - 1; t++) x[row + t] = V + K + rand.below(D);
    const asked = rand.below(P);
    x[row + T - 1] = x[row + 2 * asked]!;
    y[i] = x[row + 2 * asked + 1]!;
  }
  const meta: SequenceMeta = {
    name: 'recall',
    task: 'multiclass',
    outputs: V,
    featureNames: stepFeatureNames(T),
    targetName: 'the value of the last key',
    classNames: vocab.slice(0, V),
    sequence: { steps: T, features: 1, vocab, perPosition: false },
  };
  return cutExamples(meta, { x, y, n }, fractions);
}

/** Resolved options of `order`. */
export interface OrderOptions {
  readonly n: number;
  readonly steps: number;
  readonly symbols: number;
  readonly position: number;
}

/** The numbers from 2 to 26 that divide `steps`: the symbol counts `order` accepts. */
export function orderSymbolChoices(steps: number): number[] {
  const out: number[] = [];
  for (let k = 2; k <= Math.min(MAX_SYMBOLS, steps); k++) if (steps % k === 0) out.push(k);
  return out;
}

/**
 * Checks `order`'s options and fills in the defaults: `steps` 2 to 128 (default 16), `symbols`
 * 2 to 26 and a divisor of steps, so that every symbol occurs equally often (default 4), and
 * `position` from 1 to steps − 1 (default 4; the last step is excluded because the read-out
 * there sees its own token without needing any position).
 */
export function resolveOrderOptions(options: SequenceOptions = {}): OrderOptions {
  checkSequenceKeys('order', options, SEQUENCE_OPTIONS.order);
  const d = SEQUENCE_DEFAULTS.order;
  const steps = resolveSteps('order', options.steps ?? d.steps);
  const n = resolveCount('order', options.n ?? d.n, steps);
  const symbols = integerIn('order', 'symbols', options.symbols ?? d.symbols, 2, MAX_SYMBOLS);
  if (steps % symbols !== 0) {
    const choices = orderSymbolChoices(steps);
    throw new DataError(
      `order: option "symbols" must divide steps (${steps}) evenly, so that every symbol occurs equally often; ${choices.length > 0 ? `allowed: ${choices.join(', ')}` : 'no number from 2 to 26 does: choose other steps'}, got ${symbols}`,
    );
  }
  const position = integerIn('order', 'position', options.position ?? d.position, 1, steps - 1, ` (before the last of steps ${steps})`);
  return { n, steps, symbols, position };
}

/** The tokens of `order`: the letters 'A'.. (id = class). */
export function orderVocab(symbols: number): string[] {
  return [...UPPER.slice(0, symbols)];
}

/**
 * `order`: the symbol at a fixed position. Each example is a uniformly random arrangement of
 * `steps` tokens (default 16) in which each of the `symbols` letters (default 4, 'A'..'D') occurs
 * exactly steps / symbols times; the target, one per example, is the token at position
 * `position` (counted from 1, default 4): multiclass with `symbols` outputs, uniform, chance
 * 1 / symbols. Since every example holds the same multiset, anything computed from the symbol
 * counts alone is the same for every example and scores chance. Default 2000 examples. Draw
 * order per example: one Fisher–Yates shuffle of the balanced sequence.
 */
export function order(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  const { own, fractions } = splitOptions(options);
  const o = resolveOrderOptions(own);
  const { n, steps: T, symbols: K, position } = o;
  const x = new Float32Array(n * T);
  const y = new Float32Array(n);
  const row = new Int32Array(T);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) row[t] = t % K;
    rand.shuffle(row);
    x.set(row, i * T);
    y[i] = row[position - 1]!;
  }
  const vocab = orderVocab(K);
  const meta: SequenceMeta = {
    name: 'order',
    task: 'multiclass',
    outputs: K,
    featureNames: stepFeatureNames(T),
    targetName: `the symbol at position ${position}`,
    classNames: vocab,
    sequence: { steps: T, features: 1, vocab, perPosition: false },
  };
  return cutExamples(meta, { x, y, n }, fractions);
}

/** Registry entries of the attention tasks, for `SEQUENCE_SETS` in `src/data/index.ts`. */
export const ATTENTION_TASKS: Readonly<Record<AttentionTaskName, SequenceSpec>> = Object.freeze({
  recall: {
    name: 'recall',
    task: 'multiclass',
    description: 'associative recall: the value that followed the key asked at the end',
    defaults: SEQUENCE_DEFAULTS.recall,
    make: recall,
    shape: (options: SequenceOptions = {}): SequenceShape => {
      const o = resolveRecallOptions(ownOptions(options, SEQUENCE_OPTIONS.recall));
      return {
        inputs: o.steps,
        outputs: o.values,
        task: 'multiclass',
        sequence: { steps: o.steps, features: 1, vocab: recallVocab(o.keys, o.values, o.distractors), perPosition: false },
      };
    },
  },
  order: {
    name: 'order',
    task: 'multiclass',
    description: 'which symbol was at a given position: needs positions, not just counts',
    defaults: SEQUENCE_DEFAULTS.order,
    make: order,
    shape: (options: SequenceOptions = {}): SequenceShape => {
      const o = resolveOrderOptions(ownOptions(options, SEQUENCE_OPTIONS.order));
      return {
        inputs: o.steps,
        outputs: o.symbols,
        task: 'multiclass',
        sequence: { steps: o.steps, features: 1, vocab: orderVocab(o.symbols), perPosition: false },
      };
    },
  },
});
