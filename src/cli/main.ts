/**
 * The command line, `npx neural-journey train|eval …`: the engine without the game, for
 * scripting, checking a level's numbers and verifying a result by replaying it. Results go to
 * stdout (one JSON object with --json), progress and warnings to stderr. Exit codes: 0 done,
 * 1 unexpected failure, 2 bad arguments or files, 3 the run diverged.
 */
import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs as nodeParseArgs } from 'node:util';
import { makeCsvDataset, makeDataset, DATASET_NAMES } from '../data/index.js';
import { DataError, type Dataset } from '../data/dataset.js';
import { LIMITS, clip, clipPath, overLimit } from '../engine/limits.js';
import {
  ModelFileError,
  decodeModel,
  encodeModel,
  type ModelData,
  type ModelFile,
  type ModelScale,
} from '../engine/model-file.js';
import { OPTIMIZERS, parseOptions, type TrainOptions } from '../engine/options.js';
import { Learner, type Divergence, type SplitName } from '../engine/learner.js';
import { SpecError, parseSpec, type ModelSpec } from '../engine/spec.js';
import { loadKernelModule } from '../node/kernel-file.js';

/** A mistake in the arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A problem with a file or the data the arguments point at: printed as is, exit code 2. */
export class InputError extends Error {}

const USAGE = `Usage:
  neural-journey train --spec FILE --data NAME|FILE.csv [--target COLUMN]
                       [--optimizer ${OPTIMIZERS.join('|')}] [--lr X] [--batch N]
                       [--steps N] [--seed N] [--l2 X] [--clip X]
                       [--momentum X] [--nesterov] [--beta1 X] [--beta2 X] [--alpha X]
                       [--eps X] [--weight-decay X]
                       [--load MODEL [--fresh-state]] [--save MODEL] [--json]
  neural-journey eval  --load MODEL --data NAME|FILE.csv [--target COLUMN] [--seed N] [--json]

Data names: ${DATASET_NAMES.join(', ')}; or a CSV file with a header row.
Optimizer settings: --momentum and --nesterov (momentum), --beta1 and --beta2 (adam, adamw),
  --alpha (rmsprop), --eps (rmsprop, adam, adamw), --weight-decay (adamw).
--load continues a saved model, with its optimizer state when the file has one;
  --fresh-state starts the optimizer afresh from the saved weights.
Exit codes: 0 done, 1 an unexpected failure (a bug), 2 bad arguments or files,
  3 the training diverged (NaN or Inf).`;

/** Every flag, for `util.parseArgs`: values are strings (numbers are checked later). */
const FLAGS = {
  spec: { type: 'string' },
  data: { type: 'string' },
  target: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  batch: { type: 'string' },
  steps: { type: 'string' },
  seed: { type: 'string' },
  l2: { type: 'string' },
  clip: { type: 'string' },
  momentum: { type: 'string' },
  nesterov: { type: 'boolean' },
  beta1: { type: 'string' },
  beta2: { type: 'string' },
  alpha: { type: 'string' },
  eps: { type: 'string' },
  'weight-decay': { type: 'string' },
  load: { type: 'string' },
  'fresh-state': { type: 'boolean' },
  save: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const satisfies Record<string, { type: 'string' | 'boolean' }>;
type FlagName = keyof typeof FLAGS;

const FLAG_LIST = Object.keys(FLAGS)
  .map((f) => `--${f}`)
  .join(', ');

function isFlag(name: string): name is FlagName {
  return Object.hasOwn(FLAGS, name);
}

/** The numeric training options and their flags; `integer` ones must be whole numbers. */
const OPTION_FLAGS: ReadonlyArray<{ flag: FlagName; key: keyof TrainOptions; integer: boolean }> = [
  { flag: 'lr', key: 'lr', integer: false },
  { flag: 'batch', key: 'batch', integer: true },
  { flag: 'l2', key: 'l2', integer: false },
  { flag: 'clip', key: 'clip', integer: false },
  { flag: 'momentum', key: 'momentum', integer: false },
  { flag: 'beta1', key: 'beta1', integer: false },
  { flag: 'beta2', key: 'beta2', integer: false },
  { flag: 'alpha', key: 'alpha', integer: false },
  { flag: 'eps', key: 'eps', integer: false },
  { flag: 'weight-decay', key: 'weightDecay', integer: false },
];

/** Flags that shape training, so they do not apply to eval. */
const TRAIN_ONLY: readonly FlagName[] = [
  'spec',
  'steps',
  'save',
  'optimizer',
  'nesterov',
  'fresh-state',
  ...OPTION_FLAGS.map((o) => o.flag),
];

/** Rewrites `options.weightDecay` in an engine message as the flag the user types. */
function flagNames(message: string): string {
  return message.replace(/options\.(\w+)/g, (whole, key: string) => {
    if (key === 'nesterov') return '--nesterov';
    if (key === 'optimizer') return '--optimizer';
    const known = OPTION_FLAGS.find((o) => o.key === key);
    return known ? `--${known.flag}` : whole;
  });
}

/**
 * Parses the arguments with Node's `util.parseArgs` in strict mode: a command, then `--name
 * value`, `--name=value` or `--switch`. Unknown flags, a switch given a value (`--json=false`),
 * a missing or empty value and a flag given twice are usage errors naming the flag. A negative
 * number may follow its flag (`--seed -1` reads as `--seed=-1`), so range checks can say what
 * is allowed instead of "missing value".
 */
export function parseArgs(argv: readonly string[]): {
  command: string;
  flags: Map<string, string>;
} {
  const args = joinNegativeNumbers(argv);
  let tokens;
  try {
    tokens = nodeParseArgs({
      args,
      options: FLAGS,
      strict: true,
      allowPositionals: true,
      tokens: true,
    }).tokens;
  } catch (error) {
    throw new UsageError(explainParseError(args, error as Error));
  }
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
    } else if (token.kind === 'option') {
      const name = token.name;
      if (flags.has(name)) throw new UsageError(`--${name} is given twice; give each flag once`);
      if (FLAGS[name as FlagName].type === 'string') {
        const value = token.value ?? '';
        if (value.trim() === '') throw new UsageError(`--${name} needs a value, got an empty one`);
        flags.set(name, value);
      } else {
        flags.set(name, 'true');
      }
    }
  }
  const [command, ...extra] = positionals;
  if (extra.length) {
    throw new UsageError(
      `unexpected argument "${clip(extra[0]!)}" after the command "${clip(command!)}" (flags start with --)`,
    );
  }
  if (command === undefined) {
    if (flags.size === 0 || flags.has('help')) return { command: 'help', flags };
    throw new UsageError('the command comes first: train or eval');
  }
  return { command, flags };
}

/** `--flag -5` → `--flag=-5` for value flags, so a negative number is read as the value. */
function joinNegativeNumbers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    const next = argv[i + 1];
    if (isFlag(name) && FLAGS[name].type === 'string' && next && /^-\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Finds which argument `util.parseArgs` refused and says why, naming the flag. */
function explainParseError(args: readonly string[], error: Error): string {
  const { tokens } = nodeParseArgs({
    args: [...args],
    options: FLAGS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (!t.rawName.startsWith('--')) {
      return `unexpected argument "${clip(args[t.index]!)}" (flags start with --, as in --help)`;
    }
    if (!isFlag(t.name)) return `unknown option --${clip(t.name)} (known: ${FLAG_LIST})`;
    if (FLAGS[t.name].type === 'boolean' && t.value !== undefined) {
      return `--${t.name} is a switch and takes no value, got "${clip(`--${t.name}=${t.value}`)}" (leave the flag out to turn it off)`;
    }
    if (FLAGS[t.name].type === 'string' && (t.value === undefined || t.value.startsWith('-'))) {
      const dash =
        t.value !== undefined && !t.value.startsWith('--')
          ? ` (to give one that starts with a dash, write --${t.name}=${clip(t.value)})`
          : '';
      return `--${t.name} needs a value${dash}`;
    }
  }
  return clip(error.message.split('\n')[0]!, 200);
}

/** A plain decimal number, optionally with an exponent: what numeric flags accept. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads a numeric flag, checking it is a finite decimal number (an integer when asked). */
function numberFlag(
  flags: Map<string, string>,
  name: FlagName,
  integer: boolean,
): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    const hint = /^[+-]?0[xbo]/i.test(text) ? ' (write it in decimal)' : '';
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer' : 'a number'}, got "${clip(text)}"${hint}`,
    );
  }
  return value;
}

/** An operating-system error code in plain words, for messages about files. */
function reason(error: unknown, writing: boolean): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return writing ? 'its folder does not exist' : 'no such file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EIO':
      return 'an input/output error (this place does not hold ordinary files)';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open';
    default:
      return code ?? clip(String((error as Error).message ?? error), 200);
  }
}

/**
 * Reads a text file after checking with `stat` that it is a file no bigger than `limit` bytes,
 * so a mistaken path to a video or a disk image is refused at once instead of filling memory.
 */
async function readText(path: string, what: string, limit: number): Promise<string> {
  const shown = `${what} "${clipPath(path)}"`;
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError(`cannot read ${shown}: ${reason(error, false)}`);
  }
  if (info.isDirectory()) throw new InputError(`cannot read ${shown}: it is a folder, not a file`);
  if (!info.isFile()) throw new InputError(`cannot read ${shown}: it is not an ordinary file`);
  if (info.size > limit) {
    throw new InputError(`${shown} ${overLimit(info.size, limit)}`);
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${shown}: ${reason(error, false)}`);
  }
}

async function readJson(path: string, what: string, limit: number): Promise<unknown> {
  const text = await readText(path, what, limit);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${what} "${clipPath(path)}" is not valid JSON: ${clip((error as Error).message, 200)}`,
    );
  }
}

/** Reads and decodes a model file; its problems are reported under its name. */
async function readModel(path: string): Promise<ModelFile> {
  const text = await readText(path, 'the model file', LIMITS.maxModelFileBytes);
  try {
    return decodeModel(text);
  } catch (error) {
    if (error instanceof ModelFileError) {
      throw new InputError(error.issues.map((line) => `${clipPath(path)}: ${line}`).join('\n'));
    }
    throw error;
  }
}

/**
 * Checks before training that `--save` can be written: an existing file must not be a folder
 * and must be writable, a new one needs an existing, writable folder. The write itself can still
 * fail (a full disk); `saveModel` reports that too.
 */
async function checkSavePath(path: string): Promise<void> {
  const fail = (error: unknown): InputError =>
    new InputError(`cannot write the model file "${clipPath(path)}": ${reason(error, true)}`);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(error);
  }
  try {
    if (info) {
      if (info.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
      await access(path, constants.W_OK);
    } else {
      const folder = await stat(dirname(path));
      if (!folder.isDirectory())
        throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      await access(dirname(path), constants.W_OK);
    }
  } catch (error) {
    throw fail(error);
  }
}

async function saveModel(path: string, text: string): Promise<string | null> {
  try {
    await writeFile(path, text);
    return null;
  } catch (error) {
    return `cannot write the model file "${clipPath(path)}": ${reason(error, true)}`;
  }
}

function isCsv(data: string): boolean {
  return data.toLowerCase().endsWith('.csv');
}

/**
 * Builds the data `--data` names. For a CSV, `model` is the data record of a loaded model file:
 * its regression target is standardised exactly when the model's was (files written before
 * targets were standardised have no `targetStandardization`, and their networks predict raw
 * numbers), else by default.
 */
async function loadData(
  module: WebAssembly.Module,
  flags: Map<string, string>,
  seed: number,
  target: string | undefined,
  model: ModelData | undefined,
): Promise<Dataset> {
  const data = flags.get('data');
  if (!data) throw new UsageError('--data is required (a data set name or a CSV file)');
  if (isCsv(data)) {
    const text = await readText(data, 'the CSV file', LIMITS.maxCsvBytes);
    const standardizeTarget = model ? model.targetStandardization !== undefined : undefined;
    try {
      return makeCsvDataset(text, {
        module,
        seed,
        target,
        name: basename(data),
        standardizeTarget,
      });
    } catch (error) {
      if (error instanceof DataError) {
        throw new InputError(`${clipPath(data)}: ${error.message}`);
      }
      throw error;
    }
  }
  if (flags.has('target')) throw new UsageError('--target applies to CSV files only');
  return makeDataset(data, { module, seed });
}

/** Checks `--seed`; the default comes from the model file when there is one. */
function seedFlag(flags: Map<string, string>, fallback: number): number {
  const seed = numberFlag(flags, 'seed', true) ?? fallback;
  if (seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
  return seed;
}

/** What a model file records about its data, for the current run. */
function dataRecord(data: Dataset, seed: number, target: string | undefined): ModelData {
  const record: ModelData = { name: data.name, seed };
  if (target !== undefined) record.target = target;
  const scale = (s: Dataset['standardization'] | undefined): ModelScale | undefined =>
    s ? { mean: [...s.mean], std: [...s.std] } : undefined;
  const features = scale(data.standardization);
  const targets = scale(data.targetStandardization);
  if (features) record.standardization = features;
  if (targets) record.targetStandardization = targets;
  return record;
}

function describeData(d: ModelData): string {
  return `${clip(d.name)}${d.target !== undefined ? ` (target ${clip(d.target)})` : ''}, seed ${d.seed}`;
}

function sameScale(a: ModelScale | undefined, b: ModelScale | undefined): boolean {
  if (!a || !b) return !a && !b;
  const same = (x: number[], y: number[]): boolean =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.mean, b.mean) && same(a.std, b.std);
}

/**
 * Warnings when a loaded model meets other data than it was trained on: another set, seed or
 * target, or the same names with other standardisation (a CSV edited since). Empty when the
 * file does not say what it was trained on.
 */
function dataWarnings(
  path: string,
  saved: ModelData | undefined,
  now: ModelData,
  verb: string,
): string[] {
  if (!saved) return [];
  const file = clipPath(path);
  if (saved.name !== now.name || saved.seed !== now.seed || saved.target !== now.target) {
    return [
      `${file} was trained on ${describeData(saved)}; ${verb} ${describeData(now)}, which is other data (the splits and the scores differ)`,
    ];
  }
  // Files written before the scales were recorded have none: nothing to compare then.
  const warnings: string[] = [];
  if (saved.standardization && !sameScale(saved.standardization, now.standardization)) {
    warnings.push(
      `the features of ${describeData(now)} are standardised differently from when ${file} was trained: the data changed since`,
    );
  }
  if (
    saved.targetStandardization &&
    !sameScale(saved.targetStandardization, now.targetStandardization)
  ) {
    warnings.push(
      `the targets of ${describeData(now)} are standardised differently from when ${file} was trained: the data changed since`,
    );
  }
  return warnings;
}

/** One split's scores for the report; `lossInTargetUnits` undoes a target standardisation. */
interface SplitReport {
  loss: number;
  lossInTargetUnits: number | null;
  accuracy: number | null;
  rows: number;
}

/** Loss and accuracy of each split, shaped for the JSON report. */
function report(learner: Learner): Record<SplitName, SplitReport> {
  const out = {} as Record<SplitName, SplitReport>;
  for (const split of ['train', 'validation', 'test'] as const) {
    const e = learner.evaluate(split);
    out[split] = {
      loss: e.loss,
      lossInTargetUnits: learner.lossInTargetUnits(split),
      accuracy: e.accuracy,
      rows: e.rows,
    };
  }
  return out;
}

class Progress {
  private last = -1;
  constructor(
    private readonly total: number,
    private readonly quiet: boolean,
  ) {}
  update(done: number, loss: number): void {
    if (this.quiet || this.total === 0) return;
    const tenth = Math.floor((done / this.total) * 20);
    if (process.stderr.isTTY) {
      const bar = '#'.repeat(tenth) + '.'.repeat(20 - tenth);
      process.stderr.write(`\r[${bar}] ${done}/${this.total} steps, loss ${loss.toPrecision(4)} `);
      if (done === this.total) process.stderr.write('\n');
    } else if (tenth !== this.last && tenth % 5 === 0) {
      process.stderr.write(
        `${Math.round((done / this.total) * 100)}% (${done}/${this.total} steps), loss ${loss.toPrecision(4)}\n`,
      );
    }
    this.last = tenth;
  }
}

/** Outcome of a command: what to print and the exit code. */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Builds the learner; an engine refusal is reported with the flags' names. */
function makeLearner(
  module: WebAssembly.Module,
  spec: ModelSpec,
  data: Dataset,
  options: TrainOptions,
  seed: number,
): Learner {
  try {
    return new Learner(module, spec, data, options, seed);
  } catch (error) {
    if (error instanceof SpecError) throw new InputError(flagNames(error.message));
    throw error;
  }
}

/** Puts a model file's parameters, step and (unless `fresh`) training state into `learner`. */
function loadInto(learner: Learner, model: ModelFile, path: string, fresh: boolean): void {
  const file = clipPath(path);
  try {
    learner.loadStateDict(model.params, model.step);
  } catch (error) {
    if (error instanceof SpecError) {
      throw new InputError(error.issues.map((line) => `${file}: ${line}`).join('\n'));
    }
    throw error;
  }
  if (!model.state || fresh) return;
  const optimizer = learner.options.optimizer;
  if (model.state.optimizer !== optimizer) {
    throw new UsageError(
      `--optimizer ${optimizer}: ${file} holds the state of ${model.state.optimizer}, which ${optimizer} cannot continue; leave out --optimizer to continue with ${model.state.optimizer}, or add --fresh-state to start ${optimizer} afresh from the saved weights`,
    );
  }
  try {
    learner.loadTrainingState(model.state);
  } catch (error) {
    if (error instanceof SpecError) {
      const lines = error.issues.map((line) => `${file}: ${line}`);
      lines.push('add --fresh-state to continue from the saved weights with a fresh optimizer');
      throw new InputError(lines.join('\n'));
    }
    throw error;
  }
}

/** The training loss grew this much over the first batch's: a run going wrong while finite. */
const GROWTH_WARNING = 100;

async function train(flags: Map<string, string>): Promise<Outcome> {
  const json = flags.has('json');
  const steps = numberFlag(flags, 'steps', true) ?? 1000;
  if (steps < 0 || steps > LIMITS.maxSteps)
    throw new UsageError(`--steps must be an integer from 0 to ${LIMITS.maxSteps}, got ${steps}`);
  const loadPath = flags.get('load');
  const fresh = flags.has('fresh-state');
  if (fresh && !loadPath) throw new UsageError('--fresh-state applies only with --load MODEL');
  const loaded = loadPath ? await readModel(loadPath) : undefined;
  if (loaded && steps > LIMITS.maxStepCount - loaded.step) {
    throw new UsageError(
      `--steps ${steps} would take the step count of ${clipPath(loadPath!)} (${loaded.step}) past ${LIMITS.maxStepCount}, the most a model can count; it can train at most ${LIMITS.maxStepCount - loaded.step} more steps`,
    );
  }
  const seed = seedFlag(flags, loaded?.data?.seed ?? 1);
  const specPath = flags.get('spec');
  if (!specPath && !loaded)
    throw new UsageError(
      '--spec is required (a JSON file like examples/xor.json), or --load a model',
    );
  let spec: ModelSpec;
  if (specPath) {
    const shown = clipPath(specPath);
    try {
      spec = parseSpec(await readJson(specPath, 'the spec file', LIMITS.maxSpecFileBytes));
    } catch (error) {
      if (error instanceof SpecError)
        throw new InputError(error.issues.map((line) => `${shown}: ${line}`).join('\n'));
      throw error;
    }
  } else {
    spec = loaded!.spec;
  }
  const optionFlags: Record<string, unknown> = { ...(loaded?.optimizer ?? {}) };
  if (flags.has('optimizer')) optionFlags['optimizer'] = flags.get('optimizer');
  if (flags.has('nesterov')) optionFlags['nesterov'] = true;
  for (const { flag, key, integer } of OPTION_FLAGS) {
    const v = numberFlag(flags, flag, integer);
    if (v !== undefined) optionFlags[key] = v;
  }
  let options: TrainOptions;
  try {
    options = parseOptions(optionFlags, 'options');
  } catch (error) {
    throw new UsageError(flagNames((error as Error).message));
  }
  const savePath = flags.get('save');
  if (savePath) await checkSavePath(savePath);

  const module = await loadKernelModule('simd');
  const dataFlag = flags.get('data');
  const target =
    flags.get('target') ?? (dataFlag && isCsv(dataFlag) ? loaded?.data?.target : undefined);
  const data = await loadData(module, flags, seed, target, loaded?.data);
  const record = dataRecord(data, seed, target);
  const warnings = loaded ? dataWarnings(loadPath!, loaded.data, record, 'this run trains on') : [];
  const learner = makeLearner(module, spec, data, options, seed);
  if (loaded) loadInto(learner, loaded, loadPath!, fresh);

  const progress = new Progress(steps, json && !process.stderr.isTTY);
  const chunk = Math.max(1, Math.min(1000, Math.ceil(steps / 100)));
  let done = 0;
  let seconds = 0;
  let diverged: Divergence | null = null;
  while (done < steps) {
    const t0 = performance.now();
    const r = learner.step(Math.min(chunk, steps - done));
    seconds += (performance.now() - t0) / 1000;
    done += r.ran;
    progress.update(done, r.lastLoss);
    if (r.diverged) {
      diverged = { ...r.diverged };
      break;
    }
  }
  // The kernel checks each batch before its update; the weights after the last update and the
  // loss of every split are checked here.
  if (!diverged) {
    const found = learner.checkFinite();
    if (found) diverged = { ...found };
  }
  const splits = report(learner);
  const first = learner.firstBatchLoss;
  if (!diverged && first > 0 && splits.train.loss >= GROWTH_WARNING * first) {
    warnings.push(
      `the training loss grew from ${fmt(first)} (the first batch) to ${fmt(splits.train.loss)}: the run is probably diverging; try a lower learning rate (such as ${fmt(options.lr / 10)})`,
    );
  }
  const result = {
    command: 'train',
    data: data.name,
    task: data.task,
    seed,
    optimizer: options,
    params: learner.network.totalParams,
    steps: learner.stepCount,
    stepsPerSecond: seconds > 0 ? Math.round(done / seconds) : null,
    targetStandardization: record.targetStandardization ?? null,
    ...splits,
    weightsHash: await learner.weightsHash(),
    diverged,
    warnings,
  };
  let saveError: string | null = null;
  if (savePath && !diverged) {
    const text = encodeModel({
      spec: learner.network.spec,
      optimizer: options,
      step: learner.stepCount,
      params: learner.stateDict(),
      data: record,
      state: learner.trainingState(),
    });
    saveError = await saveModel(savePath, text);
  }
  const saved = savePath && !diverged && !saveError ? savePath : undefined;
  const stdout = json
    ? JSON.stringify(result, null, 2) + '\n'
    : humanReport(result, data.targetName, saved);
  let stderr = warnings.map((w) => `warning: ${w}\n`).join('');
  if (diverged) {
    stderr += `diverged at step ${diverged.step}: ${diverged.message}\n`;
    if (savePath) stderr += `nothing was saved to ${clipPath(savePath)}\n`;
    return { code: 3, stdout, stderr };
  }
  if (saveError) return { code: 2, stdout, stderr: stderr + `neural-journey: ${saveError}\n` };
  return { code: 0, stdout, stderr };
}

async function evaluate(flags: Map<string, string>): Promise<Outcome> {
  const loadPath = flags.get('load');
  if (!loadPath) throw new UsageError('eval needs --load MODEL (a file written by train --save)');
  for (const flag of TRAIN_ONLY) {
    if (flags.has(flag)) throw new UsageError(`--${flag} does not apply to eval`);
  }
  const model = await readModel(loadPath);
  const seed = seedFlag(flags, model.data?.seed ?? 1);
  const target = flags.get('target') ?? model.data?.target;
  const module = await loadKernelModule('simd');
  const data = await loadData(module, flags, seed, target, model.data);
  const record = dataRecord(data, seed, target);
  const warnings = dataWarnings(loadPath, model.data, record, 'this evaluates it on');
  // The batch size only matters for training: evaluating on a set smaller than the training
  // batch is fine, so the batch is capped at the training rows here.
  const options = { ...model.optimizer, batch: Math.min(model.optimizer.batch, data.train.n) };
  const learner = makeLearner(module, model.spec, data, options, seed);
  loadInto(learner, model, loadPath, true);
  const result = {
    command: 'eval',
    data: data.name,
    task: data.task,
    seed,
    optimizer: model.optimizer,
    params: learner.network.totalParams,
    steps: model.step,
    stepsPerSecond: null,
    targetStandardization: record.targetStandardization ?? null,
    ...report(learner),
    weightsHash: await learner.weightsHash(),
    diverged: null,
    warnings,
  };
  return {
    code: 0,
    stdout: flags.has('json')
      ? JSON.stringify(result, null, 2) + '\n'
      : humanReport(result, data.targetName),
    stderr: warnings.map((w) => `warning: ${w}\n`).join(''),
  };
}

/** Three significant digits, with an exponent for large numbers. */
function fmt(x: number): string {
  const rounded = Number(x.toPrecision(3));
  return Math.abs(rounded) >= 1e6 ? rounded.toExponential() : rounded.toString();
}

function humanReport(r: Record<string, unknown>, targetName: string, saved?: string): string {
  const lines = [
    `${r['command']} on ${clip(String(r['data']))} (${r['task']}), ${r['params']} parameters, ${r['steps']} steps, seed ${r['seed']}`,
  ];
  const scale = r['targetStandardization'] as ModelScale | null;
  const name = clip(targetName);
  if (scale) {
    lines.push(
      `  target     ${name}, standardised for training (mean ${scale.mean.map((m) => m.toPrecision(5)).join(', ')}, std ${scale.std.map((s) => s.toPrecision(5)).join(', ')}); losses also in ${name}² (loss × std²)`,
    );
  }
  for (const split of ['train', 'validation', 'test']) {
    const e = r[split] as SplitReport;
    const acc = e.accuracy === null ? '' : `, accuracy ${(e.accuracy * 100).toFixed(1)}%`;
    const units =
      e.lossInTargetUnits === null ? '' : ` (${e.lossInTargetUnits.toPrecision(5)} in ${name}²)`;
    lines.push(
      `  ${split.padEnd(10)} loss ${e.loss.toPrecision(5)}${units}${acc} (${e.rows} rows)`,
    );
  }
  if (r['stepsPerSecond']) lines.push(`  speed      ${r['stepsPerSecond']} steps/s`);
  lines.push(`  weightsHash ${r['weightsHash']}`);
  if (saved) lines.push(`  saved to ${saved}`);
  return lines.join('\n') + '\n';
}

/** Lines of one error message printed at most, and characters per line. */
const MAX_LINES = 20;
const MAX_LINE = 400;

/**
 * An error message ready for the terminal: every line prefixed with the program's name, echoed
 * quoted strings cut to `LIMITS.maxEcho` characters (the engine's own messages quote the values
 * they echo; one already cut, with its "…", is left alone), so are unquoted runs without spaces
 * (a spec's unknown field name is echoed bare), over-long lines cut, and at most `MAX_LINES`
 * lines.
 */
function tidy(message: string): string {
  const lines = message.split('\n').map((line) =>
    clip(
      line
        .replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) =>
          inner.length > LIMITS.maxEcho + 1 ? `"${clip(inner)}"` : whole,
        )
        .replace(/\S+/g, (run) =>
          run.length > LIMITS.maxEcho + 1 && !run.includes('…') ? clip(run) : run,
        ),
      MAX_LINE,
    ),
  );
  if (lines.length > MAX_LINES) {
    const more = lines.length - MAX_LINES;
    lines.splice(MAX_LINES, more, `… and ${more} more problems`);
  }
  return lines.map((line) => `neural-journey: ${line}`).join('\n');
}

/** Runs one command line and returns its outcome; never exits the process itself. */
export async function run(argv: readonly string[]): Promise<Outcome> {
  try {
    const { command, flags } = parseArgs(argv);
    if (command === 'help' || flags.has('help'))
      return { code: 0, stdout: USAGE + '\n', stderr: '' };
    if (command === 'train') return await train(flags);
    if (command === 'eval') return await evaluate(flags);
    throw new UsageError(`unknown command "${clip(command)}" (use train or eval)`);
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof InputError ||
      error instanceof SpecError ||
      error instanceof DataError ||
      error instanceof ModelFileError
    ) {
      return {
        code: 2,
        stdout: '',
        stderr: `${tidy(error.message)}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`,
      };
    }
    return {
      code: 1,
      stdout: '',
      stderr: `neural-journey: unexpected failure: ${(error as Error).stack ?? String(error)}\n`,
    };
  }
}
