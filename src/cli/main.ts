/**
 * The command line, `npx neural-journey train|eval …`: the engine without the game, for
 * scripting, checking a level's numbers and verifying a result by replaying it. Results go to
 * stdout (one JSON object with --json), progress and warnings to stderr. Exit codes: 0 done,
 * 1 unexpected failure, 2 bad arguments or files, 3 the run diverged.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataError } from '../data/dataset.js';
import { LIMITS, clip, clipPath } from '../engine/limits.js';
import {
  ModelFileError,
  encodeModel,
  type ModelFile,
  type ModelScale,
} from '../engine/model-file.js';
import { parseOptions, type TrainOptions } from '../engine/options.js';
import { formatShort as fmt } from '../engine/format.js';
import { Learner, type Divergence, type LearnerData, type SplitName } from '../engine/learner.js';
import { SpecError, parseSpec, type ModelSpec } from '../engine/spec.js';
import { loadKernelModule } from '../node/kernel-file.js';
import {
  UsageError,
  USAGE,
  OPTION_FLAGS,
  TRAIN_ONLY,
  SERVE_FLAGS,
  flagNames,
  parseArgs,
  numberFlag,
  seedFlag,
  RACE_ONLY,
  SAMPLE_FLAGS,
} from './args.js';
import { race } from './race.js';
import { sample } from './sample.js';
import {
  InputError,
  readJson,
  readModel,
  checkSavePath,
  saveModel,
  isCsv,
  loadData,
  dataRecord,
  dataWarnings,
} from './files.js';

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
export function makeLearner(
  module: WebAssembly.Module,
  spec: ModelSpec,
  data: LearnerData,
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
export function loadInto(learner: Learner, model: ModelFile, path: string, fresh: boolean): void {
  const file = clipPath(path);
  try {
    learner.loadStateDict(model.params, model.step, model.buffers ?? []);
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
      buffers: learner.bufferDict(),
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

/** The report of a command as a person reads it: a headline, the splits' numbers, the file saved. */
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

/**
 * `serve`: starts the classroom server and leaves it running (the outcome only says where);
 * SIGINT and SIGTERM close it, finishing the reply in flight. The server's modules load only
 * here, so train and eval never load the database.
 */
async function serve(flags: Map<string, string>): Promise<Outcome> {
  for (const name of flags.keys()) {
    if (!(SERVE_FLAGS as readonly string[]).includes(name))
      throw new UsageError(`--${name} does not apply to serve`);
  }
  const port = numberFlag(flags, 'port', true) ?? 8080;
  if (port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${port}`);
  const host = flags.get('host') ?? '127.0.0.1';
  const dbFile = flags.get('db') ?? 'classroom.db';
  const { buildServer, defaultWebRoot } = await import('../server/app.js');
  const webRoot = defaultWebRoot();
  const app = await buildServer({ dbFile, webRoot, logger: { level: 'warn' } });
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new InputError(
        `cannot listen on ${host}:${port} (${code}): pick another --port or --host`,
      );
    }
    throw error;
  }
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const shown = address.replace('://0.0.0.0', '://localhost');
  return {
    code: 0,
    stdout:
      `Classroom server at ${shown} (database ${dbFile})\n` +
      `Teacher's dashboard: ${shown}/teacher.html\n`,
    stderr: existsSync(join(webRoot, 'index.html'))
      ? ''
      : `neural-journey: the game is not built (${webRoot} is missing): run \`npm run build\` for the pages\n`,
  };
}

/** Runs one command line and returns its outcome; never exits the process itself. */
export async function run(argv: readonly string[]): Promise<Outcome> {
  try {
    const { command, flags } = parseArgs(argv);
    if (command === 'help' || flags.has('help'))
      return { code: 0, stdout: USAGE + '\n', stderr: '' };
    if (command === 'serve') return await serve(flags);
    for (const flag of SERVE_FLAGS) {
      if (flags.has(flag) && (command === 'train' || command === 'eval' || command === 'race'))
        throw new UsageError(`--${flag} applies to serve only`);
    }
    if (command === 'sample') return await sample(flags);
    for (const flag of SAMPLE_FLAGS) {
      if (flags.has(flag)) throw new UsageError(`--${flag} applies to sample only`);
    }
    if (command === 'race') return await race(flags);
    for (const flag of RACE_ONLY) {
      if (flags.has(flag) && (command === 'train' || command === 'eval'))
        throw new UsageError(`--${flag} applies to race only`);
    }
    if (command === 'train') return await train(flags);
    if (command === 'eval') return await evaluate(flags);
    throw new UsageError(
      `unknown command "${clip(command)}" (use train, eval, race, sample or serve)`,
    );
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
