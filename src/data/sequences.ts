/**
 * Seeded sequence tasks for the recurrent-network levels: each one isolates one thing a network
 * with memory must do, so a level can show a plain MLP fail and an RNN/LSTM succeed.
 *
 * - `sine`: predict the next value of a noisy sine wave (short memory, smooth dynamics).
 * - `adding`: add the two marked values of a long sequence (Hochreiter & Schmidhuber's adding
 *   problem: remember two numbers across many steps and ignore the rest).
 * - `remember`: name the first symbol after a run of distractors (a pure memory lag).
 * - `parity`: the parity of the bits so far (a running state that every bit flips).
 *
 * Layout (see `SequenceInfo` in `dataset.ts`): x is [n, steps·features] row-major, step by step;
 * token sets store ids (exact integers as floats) with `sequence.vocab`. Every set is drawn from
 * the kernel PRNG (`DataRandom`), sines included, so a seed gives the same bits everywhere.
 *
 * Examples are independent draws, so the three splits are contiguous runs of the generated
 * examples (train first, then validation, then test; sizes from `splitSizes`). They never share
 * an example, but a short token sequence can occur in several splits by chance: `parity` with 8
 * steps has only 256 different sequences.
 */
import { DataError, type Dataset, type SequenceInfo, type Split, type Task } from './dataset.js';
import { MAX_POINTS, MIN_POINTS } from './generators.js';
import type { DataRandom } from './random.js';
import { DEFAULT_FRACTIONS, splitSizes, type SplitFractions } from './split.js';

/** Names of the generated sequence tasks, in the order levels introduce them. */
export type SequenceGeneratorName = 'sine' | 'adding' | 'remember' | 'parity' | 'echo';

/**
 * Every sequence set's name: these generators, the attention tasks of `attention-tasks.ts`
 * (`recall`, `order`) and the character sets `names` (`names.ts`) and `melville` (`melville.ts`).
 */
export type SequenceSetName = SequenceGeneratorName | 'recall' | 'order' | 'names' | 'melville';

/** Options the sequence sets read; each set accepts only its own (see `SEQUENCE_OPTIONS`). */
export interface SequenceOptions {
  /** Generated sets and `melville`: examples (windows) over all splits. */
  readonly n?: number;
  /** Time steps per example, 2 to 128. */
  readonly steps?: number;
  /** sine only: standard deviation of the Gaussian noise added to the inputs (0 to 1). */
  readonly noise?: number;
  /** remember, echo and order: number of symbols (2 to 26, letters). */
  readonly symbols?: number;
  /** remember and recall: number of distractor symbols (1 to 26, lower-case letters ending at 'z'). */
  readonly distractors?: number;
  /** parity only: a target at every step (true) or one for the whole sequence (false). */
  readonly perPosition?: boolean;
  /** Character sets (`names`, `textDataset`) only: characters between window starts. */
  readonly stride?: number;
  /** echo only: how many steps back the answer at each step lies (1 to steps − 1). */
  readonly delay?: number;
  /** recall only: key/value pairs shown before the query. */
  readonly pairs?: number;
  /** recall only: number of key symbols (2 to 26, the letters 'A'..). */
  readonly keys?: number;
  /** recall only: number of value symbols = classes (2 to 10, the digits '0'..). */
  readonly values?: number;
  /** order only: which symbol is asked for, counted from 1 (1 to steps − 1). */
  readonly position?: number;
}

/** A sequence set's resolved options, as documented per set. */
export interface SequenceDefaults {
  readonly n?: number;
  readonly steps: number;
  readonly noise?: number;
  readonly symbols?: number;
  readonly distractors?: number;
  readonly perPosition?: boolean;
  readonly stride?: number;
  readonly delay?: number;
  readonly pairs?: number;
  readonly keys?: number;
  readonly values?: number;
  readonly position?: number;
}

/** Fewest and most time steps per example. */
export const MIN_STEPS = 2;
export const MAX_STEPS = 128;
/** Fewest and most examples a generated sequence set makes (the generators' limits). */
export const MIN_EXAMPLES = MIN_POINTS;
export const MAX_EXAMPLES = MAX_POINTS;
/**
 * Most input values (examples × steps × features, over all splits) a sequence set may hold: 2
 * million f32 values are 8 MB of x, which a browser tab copies into the arena without trouble.
 */
export const MAX_SEQUENCE_VALUES = 2_000_000;
/** Largest `noise` of `sine`: beyond the wave's own amplitude there is nothing left to predict. */
export const MAX_SINE_NOISE = 1;
/** Most signal and distractor symbols of `remember`: one letter each. */
export const MAX_SYMBOLS = 26;
/**
 * The frequencies of `sine`, in cycles per step: uniform from 1/32 to 1/8, a period of 8 to 32
 * steps, so the default 32 steps show at least one full wave and a fast one is still smooth.
 */
export const SINE_FREQUENCY: { readonly min: number; readonly max: number } = Object.freeze({
  min: 1 / 32,
  max: 1 / 8,
});

const TWO_PI = 6.283185307179586;
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** Which options each sequence set understands; anything else is an error. */
export const SEQUENCE_OPTIONS: Readonly<Record<SequenceSetName, readonly (keyof SequenceOptions)[]>> =
  Object.freeze({
    sine: ['n', 'steps', 'noise'],
    adding: ['n', 'steps'],
    remember: ['n', 'steps', 'symbols', 'distractors', 'perPosition'],
    parity: ['n', 'steps', 'perPosition'],
    echo: ['n', 'steps', 'symbols', 'delay'],
    recall: ['n', 'steps', 'pairs', 'keys', 'values', 'distractors'],
    order: ['n', 'steps', 'symbols', 'position'],
    names: ['steps', 'stride'],
    melville: ['n', 'steps'],
  });

/** Defaults per set; see each set's doc comment for what it teaches. */
export const SEQUENCE_DEFAULTS: Readonly<Record<SequenceSetName, SequenceDefaults>> =
  Object.freeze({
    sine: { n: 1000, steps: 32, noise: 0.05 },
    adding: { n: 2000, steps: 20 },
    remember: { n: 2000, steps: 10, symbols: 4, distractors: 4, perPosition: false },
    parity: { n: 2000, steps: 8, perPosition: true },
    echo: { n: 2000, steps: 12, symbols: 4, delay: 3 },
    recall: { n: 2000, steps: 24, pairs: 4, keys: 8, values: 8, distractors: 4 },
    order: { n: 2000, steps: 16, symbols: 4, position: 4 },
    names: { steps: 16, stride: 8 },
    melville: { n: 10000, steps: 32 },
  });

/** "an integer from a to b, got x", the shape of every option message here. */
export function integerIn(where: string, key: string, v: unknown, min: number, max: number, extra = ''): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new DataError(`${where}: option "${key}" must be an integer from ${min} to ${max}${extra}, got ${show(v)}`);
  }
  return v;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v);
}

/** Rejects options a set does not read, naming the ones it does. */
export function checkSequenceKeys(
  where: string,
  options: object,
  allowed: readonly string[],
): void {
  for (const [key, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (!allowed.includes(key)) {
      throw new DataError(
        `${where}: option "${key}" is not used by this data set; allowed options: ${allowed.join(', ')}`,
      );
    }
  }
}

/** `steps`, 2 to 128; exported for the character sets, which share the rule. */
export function resolveSteps(where: string, steps: unknown): number {
  return integerIn(where, 'steps', steps, MIN_STEPS, MAX_STEPS);
}

/**
 * Validates options against a set's allowed keys and ranges and fills in its defaults; the
 * number of examples is capped so x stays within `MAX_SEQUENCE_VALUES`. Exported for level
 * validation, which wants the same messages before any data is made.
 */
export function resolveSequenceOptions(
  name: SequenceGeneratorName,
  options: SequenceOptions = {},
): SequenceDefaults {
  checkSequenceKeys(name, options, SEQUENCE_OPTIONS[name]);
  const d = SEQUENCE_DEFAULTS[name];
  const steps = resolveSteps(name, options.steps ?? d.steps);
  const features = name === 'adding' ? 2 : 1;
  const most = Math.min(MAX_EXAMPLES, Math.floor(MAX_SEQUENCE_VALUES / (steps * features)));
  const n = integerIn(
    name,
    'n',
    options.n ?? d.n,
    MIN_EXAMPLES,
    most,
    most < MAX_EXAMPLES ? ` for ${steps} steps (at most ${MAX_SEQUENCE_VALUES} input values: n × steps × features)` : '',
  );
  if (name === 'sine') {
    const noise = options.noise ?? d.noise!;
    if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0 || noise > MAX_SINE_NOISE) {
      throw new DataError(`sine: option "noise" must be a number from 0 to ${MAX_SINE_NOISE}, got ${show(noise)}`);
    }
    return { n, steps, noise };
  }
  if (name === 'remember') {
    const symbols = integerIn(name, 'symbols', options.symbols ?? d.symbols, 2, MAX_SYMBOLS);
    const distractors = integerIn(name, 'distractors', options.distractors ?? d.distractors, 1, MAX_SYMBOLS);
    return { n, steps, symbols, distractors, perPosition: flag(name, options.perPosition ?? d.perPosition!) };
  }
  if (name === 'echo') {
    const symbols = integerIn(name, 'symbols', options.symbols ?? d.symbols, 2, MAX_SYMBOLS);
    const delay = integerIn(name, 'delay', options.delay ?? d.delay, 1, steps - 1, ` (below steps ${steps})`);
    return { n, steps, symbols, delay };
  }
  if (name === 'parity') return { n, steps, perPosition: flag(name, options.perPosition ?? d.perPosition!) };
  return { n, steps };
}

/** A true/false option (`perPosition`). */
function flag(where: string, v: unknown): boolean {
  if (typeof v !== 'boolean') {
    throw new DataError(`${where}: option "perPosition" must be true or false, got ${show(v)}`);
  }
  return v;
}

/** Everything of a sequence `Dataset` but its splits. */
export interface SequenceMeta {
  readonly name: string;
  readonly task: Task;
  readonly outputs: number;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  readonly classNames?: readonly string[];
  readonly sequence: SequenceInfo;
}

/** Per-step feature names: "step 1", … or "step 1 value", "step 1 marker", …. */
export function stepFeatureNames(steps: number, perStep: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let t = 1; t <= steps; t++) {
    if (perStep.length === 0) out.push(`step ${t}`);
    else for (const f of perStep) out.push(`step ${t} ${f}`);
  }
  return out;
}

/** Values per example of y: steps (× outputs for regression/binary) per position, else 1 or outputs. */
export function targetWidth(meta: Pick<SequenceMeta, 'task' | 'outputs' | 'sequence'>): number {
  const perStep = meta.task === 'multiclass' ? 1 : meta.outputs;
  return meta.sequence.perPosition ? meta.sequence.steps * perStep : perStep;
}

/**
 * Packages three splits as a sequence `Dataset` (no standardisation: token ids must stay ids,
 * and the real-valued sets are already within about ±2). Checks the lengths, so a bug in a set
 * fails here with the field named rather than in the engine.
 */
export function sequenceDataset(
  meta: SequenceMeta,
  splits: { readonly train: Split; readonly validation: Split; readonly test: Split },
): Dataset {
  const inputs = meta.sequence.steps * meta.sequence.features;
  const yWidth = targetWidth(meta);
  if (meta.featureNames.length !== inputs) {
    throw new DataError(`data set "${meta.name}": ${meta.featureNames.length} feature names for ${inputs} inputs`);
  }
  for (const key of ['train', 'validation', 'test'] as const) {
    const s = splits[key];
    if (s.n < 1 || s.x.length !== s.n * inputs || s.y.length !== s.n * yWidth) {
      throw new DataError(
        `data set "${meta.name}": the ${key} split has ${s.n} examples, ${s.x.length} inputs and ${s.y.length} targets; expected at least 1 example, ${inputs} inputs and ${yWidth} targets each`,
      );
    }
  }
  return {
    name: meta.name,
    task: meta.task,
    inputs,
    outputs: meta.outputs,
    featureNames: [...meta.featureNames],
    targetName: meta.targetName,
    ...(meta.classNames ? { classNames: [...meta.classNames] } : {}),
    train: splits.train,
    validation: splits.validation,
    test: splits.test,
    sequence: { ...meta.sequence, ...(meta.sequence.vocab ? { vocab: [...meta.sequence.vocab] } : {}) },
    standardization: null,
    targetStandardization: null,
  };
}

/** All generated examples, before they are cut into splits. */
export interface Examples {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
}

/** Cuts generated examples into contiguous train/validation/test runs of `splitSizes(n, fractions)`. */
export function cutExamples(meta: SequenceMeta, all: Examples, fractions: SplitFractions): Dataset {
  const sizes = splitSizes(all.n, fractions);
  const xw = all.x.length / all.n;
  const yw = all.y.length / all.n;
  let start = 0;
  const take = (count: number): Split => {
    const s: Split = {
      x: all.x.slice(start * xw, (start + count) * xw),
      y: all.y.slice(start * yw, (start + count) * yw),
      n: count,
    };
    start += count;
    return s;
  };
  const train = take(sizes.train);
  const validation = take(sizes.validation);
  const test = take(sizes.test);
  return sequenceDataset(meta, { train, validation, test });
}

/** Options of a generated sequence set: its own, plus the split fractions (default 70/15/15). */
export interface SequenceGenerateOptions extends SequenceOptions {
  readonly fractions?: SplitFractions;
}

export function splitOptions(options: SequenceGenerateOptions): {
  own: SequenceOptions;
  fractions: SplitFractions;
} {
  const { fractions, ...own } = options;
  return { own, fractions: fractions ?? DEFAULT_FRACTIONS };
}

/**
 * `sine`: next-value prediction on noisy sine waves. Example i is sin(2π·f·t + φ) for t = 0..T−1
 * with its own frequency f, uniform in `SINE_FREQUENCY` (a period of 8 to 32 steps), and phase φ
 * uniform in [0, 2π), plus `noise`·N(0, 1) on every input (default 0.05). The target at step t
 * is the *clean* next value sin(2π·f·(t+1) + φ), so the best possible error is 0 and noise only
 * makes the inputs harder to read. One value per step (features 1), a target at every step
 * (perPosition, regression, outputs 1): y is [n, T]. Teaches that a network needs a few past
 * steps to know where on the wave it is (one value cannot tell rising from falling), and that a
 * recurrent state carries them. Default 1000 examples of 32 steps. Draw order per example: f, φ,
 * then the T noise values (only when noise > 0).
 */
export function sine(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  const { own, fractions } = splitOptions(options);
  const o = resolveSequenceOptions('sine', own);
  const n = o.n!;
  const T = o.steps;
  const noise = o.noise!;
  const x = new Float32Array(n * T);
  const y = new Float32Array(n * T);
  for (let i = 0; i < n; i++) {
    const f = SINE_FREQUENCY.min + (SINE_FREQUENCY.max - SINE_FREQUENCY.min) * rand.uniform();
    const phase = TWO_PI * rand.uniform();
    const w = TWO_PI * f;
    let clean = rand.sin(phase);
    for (let t = 0; t < T; t++) {
      const next = rand.sin(w * (t + 1) + phase);
      x[i * T + t] = noise > 0 ? clean + noise * rand.normal() : clean;
      y[i * T + t] = next;
      clean = next;
    }
  }
  const meta: SequenceMeta = {
    name: 'sine',
    task: 'regression',
    outputs: 1,
    featureNames: stepFeatureNames(T),
    targetName: 'next value',
    sequence: { steps: T, features: 1, perPosition: true },
  };
  return cutExamples(meta, { x, y, n }, fractions);
}

/**
 * `adding`: the adding problem of Hochreiter & Schmidhuber (1997), in the form used by Le, Jaitly
 * & Hinton (2015). Each step has two features, a value uniform in [0, 1) and a marker 0/1;
 * exactly two steps are marked, one in the first half (steps 0..⌊T/2⌋−1) and one in the second
 * (⌊T/2⌋..T−1), and the target, read after the last step, is the sum of the two marked values
 * (0 to 2; perPosition false, regression, outputs 1). Always answering 1 scores a mean squared
 * error of about 1/6, so anything clearly below that has learned to remember. Teaches long-range
 * memory: the network must store a value when it sees a marker and carry it, untouched by the
 * unmarked steps, to the end. x is [n, T·2] (value, marker per step); default 2000 examples of
 * 20 steps. Draw order per example: the T values, the first marker's step, the second's.
 */
export function adding(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  const { own, fractions } = splitOptions(options);
  const o = resolveSequenceOptions('adding', own);
  const n = o.n!;
  const T = o.steps;
  const half = Math.floor(T / 2);
  const x = new Float32Array(n * T * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * T * 2;
    for (let t = 0; t < T; t++) x[row + 2 * t] = rand.uniform();
    const a = rand.below(half);
    const b = half + rand.below(T - half);
    x[row + 2 * a + 1] = 1;
    x[row + 2 * b + 1] = 1;
    // The sum of the stored (f32) values, so the target is exactly what the inputs say.
    y[i] = x[row + 2 * a] + x[row + 2 * b];
  }
  const meta: SequenceMeta = {
    name: 'adding',
    task: 'regression',
    outputs: 1,
    featureNames: stepFeatureNames(T, ['value', 'marker']),
    targetName: 'sum of the marked values',
    sequence: { steps: T, features: 2, perPosition: false },
  };
  return cutExamples(meta, { x, y, n }, fractions);
}

/** The tokens of `remember`: the signals 'A'.. first (id = class), then the distractors ending at 'z'. */
export function rememberVocab(symbols: number, distractors: number): string[] {
  return [...UPPER.slice(0, symbols), ...LOWER.slice(LOWER.length - distractors)];
}

/**
 * `remember`: name the first symbol. Each sequence starts with one of `symbols` signal tokens
 * (default 4: 'A', 'B', 'C', 'D', ids 0..K−1), followed by T−1 tokens drawn uniformly from
 * `distractors` other symbols (default 4: 'w', 'x', 'y', 'z', ids K..K+D−1); the target, read
 * after the last step, is the first token's class (its id; multiclass with K outputs,
 * perPosition false). Nothing after the first step carries information, so `steps` is the lag
 * the network must bridge: an RNN's memory fades over a long run of distractors while an LSTM's
 * gated cell keeps it. With `perPosition` the first symbol is asked at every step (y is
 * [n, T]): the early answers are easy, the late ones need the memory to last. Default 2000
 * examples of 10 steps. Draw order per example: the signal, then the T−1 distractors.
 */
export function remember(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  const { own, fractions } = splitOptions(options);
  const o = resolveSequenceOptions('remember', own);
  const n = o.n!;
  const T = o.steps;
  const K = o.symbols!;
  const D = o.distractors!;
  const vocab = rememberVocab(K, D);
  const perPosition = o.perPosition!;
  const x = new Float32Array(n * T);
  const y = new Float32Array(perPosition ? n * T : n);
  for (let i = 0; i < n; i++) {
    const signal = rand.below(K);
    x[i * T] = signal;
    for (let t = 1; t < T; t++) x[i * T + t] = K + rand.below(D);
    if (perPosition) y.fill(signal, i * T, (i + 1) * T);
    else y[i] = signal;
  }
  const meta: SequenceMeta = {
    name: 'remember',
    task: 'multiclass',
    outputs: K,
    featureNames: stepFeatureNames(T),
    targetName: 'first symbol',
    classNames: vocab.slice(0, K),
    sequence: { steps: T, features: 1, vocab, perPosition },
  };
  return cutExamples(meta, { x, y, n }, fractions);
}

/** The tokens of `echo`: `symbols` letters 'a', 'b', …; its answers add '·' for "nothing yet". */
export function echoVocab(symbols: number): string[] {
  return [...LOWER.slice(0, symbols)];
}

/**
 * `echo`: at every step, say the symbol from `delay` steps back ('·', class K, while there is
 * none yet). Symbols are drawn uniformly from K letters (default 4, 12 steps, a delay of 3).
 * A layer that sees one step at a time is at chance; a recurrent layer must keep the last
 * `delay` symbols in its hidden state, a little queue, and the answer's gradient has to travel
 * `delay` steps back to the symbol it is about: the further, the fainter. Per position,
 * multiclass with K + 1 outputs. Draw order: the T symbols of each example.
 */
export function echo(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  const { own, fractions } = splitOptions(options);
  const o = resolveSequenceOptions('echo', own);
  const n = o.n!;
  const T = o.steps;
  const K = o.symbols!;
  const k = o.delay!;
  const x = new Float32Array(n * T);
  const y = new Float32Array(n * T);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) x[i * T + t] = rand.below(K);
    for (let t = 0; t < T; t++) y[i * T + t] = t >= k ? x[i * T + t - k]! : K;
  }
  const meta: SequenceMeta = {
    name: 'echo',
    task: 'multiclass',
    outputs: K + 1,
    featureNames: stepFeatureNames(T),
    targetName: `the symbol ${k} steps back`,
    classNames: [...echoVocab(K), '·'],
    sequence: { steps: T, features: 1, vocab: echoVocab(K), perPosition: true },
  };
  return cutExamples(meta, { x, y, n }, fractions);
}

/** The tokens of `parity`: id 0 is '0', id 1 is '1'. */
export const PARITY_VOCAB: readonly string[] = Object.freeze(['0', '1']);

/**
 * `parity`: bit sequences (tokens '0'/'1', each bit uniform), task binary with class names
 * 'even' (0) and 'odd' (1). With `perPosition` (default) the target at step t is the parity of
 * bits 0..t (y is [n, T]): a one-bit running state that each '1' flips, easy for a recurrent
 * network and the textbook case of a state machine. With perPosition false the single target is
 * the parity of the whole sequence, which no single bit or short window predicts better than
 * chance: the gradient has to find the running XOR through all T steps, which gets hard fast as T
 * grows. Default 2000 examples of 8 steps. Draw order per example: the T bits.
 */
export function parity(rand: DataRandom, options: SequenceGenerateOptions = {}): Dataset {
  const { own, fractions } = splitOptions(options);
  const o = resolveSequenceOptions('parity', own);
  const n = o.n!;
  const T = o.steps;
  const perPosition = o.perPosition!;
  const x = new Float32Array(n * T);
  const y = new Float32Array(perPosition ? n * T : n);
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let t = 0; t < T; t++) {
      const bit = rand.below(2);
      x[i * T + t] = bit;
      p ^= bit;
      if (perPosition) y[i * T + t] = p;
    }
    if (!perPosition) y[i] = p;
  }
  const meta: SequenceMeta = {
    name: 'parity',
    task: 'binary',
    outputs: 1,
    featureNames: stepFeatureNames(T),
    targetName: perPosition ? 'parity so far' : 'parity',
    classNames: ['even', 'odd'],
    sequence: { steps: T, features: 1, vocab: PARITY_VOCAB, perPosition },
  };
  return cutExamples(meta, { x, y, n }, fractions);
}

/** What a sequence set looks like to a network, known without making it (`namedDataShape`). */
export interface SequenceShape {
  /** Values per example: steps × features. */
  readonly inputs: number;
  /** Per step for a per-position set (a classifier's classes, a regression's targets). */
  readonly outputs: number;
  readonly task: Task;
  readonly sequence: SequenceInfo;
}

/** One registry entry: what `makeDataset` resolves a sequence name to. */
export interface SequenceSpec {
  readonly name: string;
  readonly task: Task;
  /** One line for menus and docs. */
  readonly description: string;
  readonly defaults: SequenceDefaults;
  readonly make: (rand: DataRandom, options?: SequenceGenerateOptions) => Dataset;
  /** Loads what `make` reads, for a set whose data is fetched on demand (`prepareDataset`). */
  readonly prepare?: () => Promise<void>;
  /**
   * The shape for these options, reading only this set's own keys (others, such as a level's
   * `name` or `seed`, are ignored here); bad values throw the same DataError as `make`.
   */
  readonly shape: (options?: SequenceOptions) => SequenceShape;
}

/** Picks a set's own keys from a bag of options (a level's data block holds more). */
export function ownOptions(options: object, allowed: readonly string[]): SequenceOptions {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(options)) if (allowed.includes(key)) out[key] = v;
  return out as SequenceOptions;
}

function generatedShape(name: SequenceGeneratorName, options: SequenceOptions = {}): SequenceShape {
  const o = resolveSequenceOptions(name, ownOptions(options, SEQUENCE_OPTIONS[name]));
  const T = o.steps;
  switch (name) {
    case 'sine':
      return { inputs: T, outputs: 1, task: 'regression', sequence: { steps: T, features: 1, perPosition: true } };
    case 'adding':
      return { inputs: 2 * T, outputs: 1, task: 'regression', sequence: { steps: T, features: 2, perPosition: false } };
    case 'remember':
      return {
        inputs: T,
        outputs: o.symbols!,
        task: 'multiclass',
        sequence: { steps: T, features: 1, vocab: rememberVocab(o.symbols!, o.distractors!), perPosition: o.perPosition! },
      };
    case 'echo':
      return {
        inputs: T,
        outputs: o.symbols! + 1,
        task: 'multiclass',
        sequence: { steps: T, features: 1, vocab: echoVocab(o.symbols!), perPosition: true },
      };
    case 'parity':
      return {
        inputs: T,
        outputs: 1,
        task: 'binary',
        sequence: { steps: T, features: 1, vocab: PARITY_VOCAB, perPosition: o.perPosition! },
      };
  }
}

/**
 * The generated sequence tasks of this file; `src/data/index.ts` adds the attention tasks and
 * the character sets (their modules import this one, so they cannot be listed here).
 */
export const SEQUENCE_GENERATORS: Readonly<Record<SequenceGeneratorName, SequenceSpec>> = Object.freeze({
  sine: {
    name: 'sine',
    task: 'regression',
    description: 'noisy sine waves: predict the next clean value at every step',
    defaults: SEQUENCE_DEFAULTS.sine,
    make: sine,
    shape: (o) => generatedShape('sine', o),
  },
  adding: {
    name: 'adding',
    task: 'regression',
    description: 'the adding problem: the sum of the two marked values of a long sequence',
    defaults: SEQUENCE_DEFAULTS.adding,
    make: adding,
    shape: (o) => generatedShape('adding', o),
  },
  remember: {
    name: 'remember',
    task: 'multiclass',
    description: 'name the first symbol after a run of distractors',
    defaults: SEQUENCE_DEFAULTS.remember,
    make: remember,
    shape: (o) => generatedShape('remember', o),
  },
  echo: {
    name: 'echo',
    task: 'multiclass',
    description: 'say again the symbol from a few steps back, at every step',
    defaults: SEQUENCE_DEFAULTS.echo,
    make: echo,
    shape: (o) => generatedShape('echo', o),
  },
  parity: {
    name: 'parity',
    task: 'binary',
    description: 'bit sequences: is the number of ones so far odd?',
    defaults: SEQUENCE_DEFAULTS.parity,
    make: parity,
    shape: (o) => generatedShape('parity', o),
  },
});

/** Generated sequence task names in registry order. */
export const SEQUENCE_GENERATOR_NAMES: readonly SequenceGeneratorName[] = Object.freeze(
  Object.keys(SEQUENCE_GENERATORS) as SequenceGeneratorName[],
);
