/**
 * The command line, `npx neural-journey train|eval …`: the engine without the game, for
 * scripting, checking a level's numbers and verifying a result by replaying it. Results go to
 * stdout (one JSON object with --json), progress to stderr. Exit codes: 0 done, 1 unexpected
 * failure, 2 bad arguments or files, 3 the run diverged.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeCsvDataset, makeDataset, DATASET_NAMES } from '../data/index.js';
import { DataError, type Dataset } from '../data/dataset.js';
import { LIMITS } from '../engine/limits.js';
import { ModelFileError, decodeModel, encodeModel } from '../engine/model-file.js';
import { OPTIMIZERS, parseOptions } from '../engine/options.js';
import { Learner, type Evaluation } from '../engine/learner.js';
import { SpecError, parseSpec, type ModelSpec } from '../engine/spec.js';
import { loadKernelModule } from '../node/kernel-file.js';

/** A problem with what the user typed or pointed at: printed as is, exit code 2. */
export class UsageError extends Error {}

const USAGE = `Usage:
  neural-journey train --spec FILE --data NAME|FILE.csv [--target COLUMN]
                       [--optimizer ${OPTIMIZERS.join('|')}] [--lr X] [--batch N]
                       [--steps N] [--seed N] [--l2 X] [--clip X]
                       [--load MODEL] [--save MODEL] [--json]
  neural-journey eval  --load MODEL --data NAME|FILE.csv [--target COLUMN] [--seed N] [--json]

Data names: ${DATASET_NAMES.join(', ')}; or a CSV file with a header row.
Exit codes: 0 done, 2 bad arguments or files, 3 the training diverged (NaN or Inf).`;

const FLAGS: Record<string, 'value' | 'switch'> = {
  spec: 'value',
  data: 'value',
  target: 'value',
  optimizer: 'value',
  lr: 'value',
  batch: 'value',
  steps: 'value',
  seed: 'value',
  l2: 'value',
  clip: 'value',
  load: 'value',
  save: 'value',
  json: 'switch',
  help: 'switch',
};

/** Parses `--name value` pairs; unknown flags and missing values are usage errors. */
export function parseArgs(argv: readonly string[]): {
  command: string;
  flags: Map<string, string>;
} {
  const [command = 'help', ...rest] = argv;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const match = /^--([a-z0-9]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}" (flags start with --)`);
    const name = match[1]!;
    const kind = FLAGS[name];
    if (!kind)
      throw new UsageError(
        `unknown option --${name} (known: ${Object.keys(FLAGS)
          .map((f) => `--${f}`)
          .join(', ')})`,
      );
    if (kind === 'switch') {
      flags.set(name, 'true');
    } else if (match[2] !== undefined) {
      flags.set(name, match[2]);
    } else {
      const value = rest[++i];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    }
  }
  return { command, flags };
}

/** Reads a numeric flag, checking it is a finite number (an integer when asked). */
function numberFlag(
  flags: Map<string, string>,
  name: string,
  integer: boolean,
): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'}, got "${text}"`);
  }
  return value;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${what} "${path}"${code === 'ENOENT' ? ': no such file' : `: ${code}`}`,
    );
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} "${path}" is not valid JSON: ${(error as Error).message}`);
  }
}

async function loadData(
  module: WebAssembly.Module,
  flags: Map<string, string>,
  seed: number,
  target?: string,
): Promise<Dataset> {
  const data = flags.get('data');
  if (!data) throw new UsageError('--data is required (a data set name or a CSV file)');
  if (data.toLowerCase().endsWith('.csv')) {
    const text = await readText(data, 'the CSV file');
    return makeCsvDataset(text, { module, seed, target, name: basename(data) });
  }
  if (flags.has('target')) throw new UsageError('--target applies to CSV files only');
  return makeDataset(data, { module, seed });
}

/** Loss and accuracy of each split, shaped for the JSON report. */
function report(
  learner: Learner,
): Record<string, { loss: number; accuracy: number | null; rows: number }> {
  const out: Record<string, { loss: number; accuracy: number | null; rows: number }> = {};
  for (const split of ['train', 'validation', 'test'] as const) {
    const e: Evaluation = learner.evaluate(split);
    out[split] = { loss: e.loss, accuracy: e.accuracy, rows: e.rows };
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

async function train(flags: Map<string, string>): Promise<Outcome> {
  const module = await loadKernelModule('simd');
  const json = flags.has('json');
  const seed = numberFlag(flags, 'seed', true) ?? 1;
  const steps = numberFlag(flags, 'steps', true) ?? 1000;
  if (steps < 0 || steps > LIMITS.maxSteps)
    throw new UsageError(`--steps must be an integer from 0 to ${LIMITS.maxSteps}, got ${steps}`);
  const loadPath = flags.get('load');
  const loaded = loadPath ? decodeModel(await readText(loadPath, 'the model file')) : undefined;
  const specPath = flags.get('spec');
  if (!specPath && !loaded)
    throw new UsageError(
      '--spec is required (a JSON file like examples/xor.json), or --load a model',
    );
  let spec: ModelSpec;
  if (specPath) {
    try {
      spec = parseSpec(await readJson(specPath, 'the spec file'));
    } catch (error) {
      if (error instanceof SpecError)
        throw new UsageError(`${specPath}: ${error.message.replace(/\n/g, `\n${specPath}: `)}`);
      throw error;
    }
  } else {
    spec = loaded!.spec;
  }
  const optionFlags: Record<string, unknown> = { ...(loaded?.optimizer ?? {}) };
  if (flags.has('optimizer')) optionFlags['optimizer'] = flags.get('optimizer');
  for (const [flag, key, integer] of [
    ['lr', 'lr', false],
    ['batch', 'batch', true],
    ['l2', 'l2', false],
    ['clip', 'clip', false],
  ] as const) {
    const v = numberFlag(flags, flag, integer);
    if (v !== undefined) optionFlags[key] = v;
  }
  let options;
  try {
    options = parseOptions(optionFlags, 'options');
  } catch (error) {
    throw new UsageError(
      (error as Error).message.replace(
        /options\.(\w+)/g,
        (_m, key: string) => `--${key === 'weightDecay' ? 'weight-decay' : key}`,
      ),
    );
  }
  const target = flags.get('target');
  const data = await loadData(module, flags, seed, target);
  const learner = new Learner(module, spec, data, options, seed);
  if (loaded) learner.loadStateDict(loaded.params, loaded.step);

  const progress = new Progress(steps, json && !process.stderr.isTTY);
  const chunk = Math.max(1, Math.min(1000, Math.ceil(steps / 100)));
  let done = 0;
  let seconds = 0;
  let diverged = null;
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
  const result = {
    command: 'train',
    data: data.name,
    task: data.task,
    seed,
    optimizer: options,
    params: learner.network.totalParams,
    steps: learner.stepCount,
    stepsPerSecond: seconds > 0 ? Math.round(done / seconds) : null,
    ...report(learner),
    weightsHash: await learner.weightsHash(),
    diverged,
  };
  const savePath = flags.get('save');
  if (savePath && !diverged) {
    const text = encodeModel({
      spec: learner.network.spec,
      optimizer: options,
      step: learner.stepCount,
      params: learner.stateDict(),
      data: target ? { name: data.name, seed, target } : { name: data.name, seed },
    });
    await writeFile(savePath, text);
  }
  const stdout = json
    ? JSON.stringify(result, null, 2) + '\n'
    : humanReport(result, savePath && !diverged ? savePath : undefined);
  if (diverged) {
    return { code: 3, stdout, stderr: `diverged at step ${diverged.step}: ${diverged.message}\n` };
  }
  return { code: 0, stdout, stderr: '' };
}

async function evaluate(flags: Map<string, string>): Promise<Outcome> {
  const loadPath = flags.get('load');
  if (!loadPath) throw new UsageError('eval needs --load MODEL (a file written by train --save)');
  for (const flag of ['spec', 'steps', 'save', 'optimizer', 'lr', 'batch', 'l2', 'clip']) {
    if (flags.has(flag)) throw new UsageError(`--${flag} does not apply to eval`);
  }
  const module = await loadKernelModule('simd');
  const model = decodeModel(await readText(loadPath, 'the model file'));
  const seed = numberFlag(flags, 'seed', true) ?? model.data?.seed ?? 1;
  const target = flags.get('target') ?? model.data?.target;
  const data = await loadData(module, flags, seed, target);
  const learner = new Learner(module, model.spec, data, model.optimizer, seed);
  learner.loadStateDict(model.params, model.step);
  const result = {
    command: 'eval',
    data: data.name,
    task: data.task,
    seed,
    optimizer: model.optimizer,
    params: learner.network.totalParams,
    steps: model.step,
    stepsPerSecond: null,
    ...report(learner),
    weightsHash: await learner.weightsHash(),
    diverged: null,
  };
  return {
    code: 0,
    stdout: flags.has('json') ? JSON.stringify(result, null, 2) + '\n' : humanReport(result),
    stderr: '',
  };
}

function humanReport(r: Record<string, unknown>, saved?: string): string {
  const lines = [
    `${r['command']} on ${r['data']} (${r['task']}), ${r['params']} parameters, ${r['steps']} steps, seed ${r['seed']}`,
  ];
  for (const split of ['train', 'validation', 'test']) {
    const e = r[split] as { loss: number; accuracy: number | null; rows: number };
    const acc = e.accuracy === null ? '' : `, accuracy ${(e.accuracy * 100).toFixed(1)}%`;
    lines.push(`  ${split.padEnd(10)} loss ${e.loss.toPrecision(5)}${acc} (${e.rows} rows)`);
  }
  if (r['stepsPerSecond']) lines.push(`  speed      ${r['stepsPerSecond']} steps/s`);
  lines.push(`  weightsHash ${r['weightsHash']}`);
  if (saved) lines.push(`  saved to ${saved}`);
  return lines.join('\n') + '\n';
}

/** Runs one command line and returns its outcome; never exits the process itself. */
export async function run(argv: readonly string[]): Promise<Outcome> {
  try {
    const { command, flags } = parseArgs(argv);
    if (command === 'help' || command === '--help' || flags.has('help'))
      return { code: 0, stdout: USAGE + '\n', stderr: '' };
    if (command === 'train') return await train(flags);
    if (command === 'eval') return await evaluate(flags);
    throw new UsageError(`unknown command "${command}" (use train or eval)`);
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof SpecError ||
      error instanceof DataError ||
      error instanceof ModelFileError
    ) {
      return {
        code: 2,
        stdout: '',
        stderr: `neural-journey: ${error.message.replace(/\n/g, '\nneural-journey: ')}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`,
      };
    }
    return {
      code: 1,
      stdout: '',
      stderr: `neural-journey: unexpected failure: ${(error as Error).stack ?? String(error)}\n`,
    };
  }
}
