/**
 * `npx neural-journey race`: one network trained with several optimizers from the same weights
 * and batches — the engine's `Race`, as the game's Optimizer lab and the trainer API run it —
 * printing each lane's curve and its start and final weightsHash.
 */
import { performance } from 'node:perf_hooks';
import { LIMITS, clip, clipPath } from '../engine/limits.js';
import { OPTIMIZERS, parseOptions, type TrainOptions } from '../engine/options.js';
import { formatShort as fmt } from '../engine/format.js';
import { MAX_LANES, Race } from '../engine/race.js';
import { SpecError, parseSpec, type ModelSpec } from '../engine/spec.js';
import { loadKernelModule } from '../node/kernel-file.js';
import {
  NOT_RACE,
  OPTION_FLAGS,
  UsageError,
  flagNames,
  listFlag,
  numberFlag,
  seedFlag,
} from './args.js';
import { InputError, loadData, readJson } from './files.js';
import type { Outcome } from './main.js';

/** Most steps `race` trains (every lane steps one at a time to measure its updates). */
const MAX_RACE_STEPS = 100000;

/**
 * `race`: one network trained with each of `--optimizers` from the same weights on the same
 * batches (the engine's `Race`, as the game's Optimizer Lab and the trainer API run it), then
 * each lane's curve and its start and final weightsHash.
 */
export async function race(flags: Map<string, string>): Promise<Outcome> {
  for (const flag of NOT_RACE) {
    if (flags.has(flag)) {
      const hint = flag === 'optimizer' ? ' (use --optimizers sgd,adam,…)' : '';
      throw new UsageError(`--${flag} does not apply to race${hint}`);
    }
  }
  const json = flags.has('json');
  const steps = numberFlag(flags, 'steps', true) ?? 600;
  if (steps < 0 || steps > MAX_RACE_STEPS)
    throw new UsageError(`--steps must be an integer from 0 to ${MAX_RACE_STEPS}, got ${steps}`);
  const seed = seedFlag(flags, 1);
  const optimizers = listFlag(flags, 'optimizers');
  if (!optimizers)
    throw new UsageError(
      `race needs --optimizers, 1 to ${MAX_LANES} of ${OPTIMIZERS.join(', ')} (e.g. sgd,adam)`,
    );
  if (optimizers.length > MAX_LANES)
    throw new UsageError(
      `--optimizers takes 1 to ${MAX_LANES} optimizers, got ${optimizers.length}`,
    );
  for (const name of optimizers) {
    if (!(OPTIMIZERS as readonly string[]).includes(name))
      throw new UsageError(
        `--optimizers: "${clip(name)}" is not an optimizer (use ${OPTIMIZERS.join(', ')})`,
      );
  }
  const lrs = (listFlag(flags, 'lr') ?? []).map((text) => {
    const v = numberFlag(new Map([['lr', text]]), 'lr', false)!;
    return v;
  });
  if (lrs.length > 1 && lrs.length !== optimizers.length)
    throw new UsageError(
      `--lr gives ${lrs.length} learning rates for ${optimizers.length} optimizers: give one for all or one per optimizer`,
    );
  const specPath = flags.get('spec');
  if (!specPath) throw new UsageError('--spec is required (a JSON file like examples/xor.json)');
  const shown = clipPath(specPath);
  let spec: ModelSpec;
  try {
    spec = parseSpec(await readJson(specPath, 'the spec file', LIMITS.maxSpecFileBytes));
  } catch (error) {
    if (error instanceof SpecError)
      throw new InputError(error.issues.map((line) => `${shown}: ${line}`).join('\n'));
    throw error;
  }
  const base: Record<string, unknown> = {};
  if (flags.has('nesterov')) base['nesterov'] = true;
  for (const { flag, key, integer } of OPTION_FLAGS) {
    if (flag === 'lr') continue;
    const v = numberFlag(flags, flag, integer);
    if (v !== undefined) base[key] = v;
  }
  const lanes = optimizers.map((optimizer, i) => {
    const lane: Partial<TrainOptions> = { optimizer: optimizer as TrainOptions['optimizer'] };
    const lr = lrs.length === 1 ? lrs[0] : lrs[i];
    if (lr !== undefined) lane.lr = lr;
    return lane;
  });
  try {
    parseOptions(base, 'options');
    for (const lane of lanes) parseOptions({ ...base, ...lane }, 'options');
  } catch (error) {
    throw new UsageError(flagNames((error as Error).message));
  }
  const module = await loadKernelModule('simd');
  const target = flags.get('target');
  const data = await loadData(module, flags, seed, target, undefined);
  let contest: Race;
  try {
    contest = new Race(module, spec, data, base as Partial<TrainOptions>, lanes, seed);
  } catch (error) {
    if (error instanceof SpecError) throw new InputError(flagNames(error.message));
    throw error;
  }
  try {
    const t0 = performance.now();
    contest.step(steps);
    const seconds = (performance.now() - t0) / 1000;
    const report = await contest.report();
    const result = {
      command: 'race',
      data: data.name,
      task: data.task,
      seed,
      params: contest.learner(0).network.totalParams,
      steps,
      batch: contest.batch,
      seconds: Math.round(seconds * 1000) / 1000,
      ...report,
    };
    const warnings = report.lanes
      .filter((l) => l.diverged)
      .map(
        (l) =>
          `lane ${l.lane} (${l.options.optimizer}) diverged at step ${l.diverged!.step}: ${l.diverged!.message}`,
      );
    const stdout = json ? JSON.stringify(result, null, 2) + '\n' : raceHuman(result);
    return { code: 0, stdout, stderr: warnings.map((w) => `warning: ${w}\n`).join('') };
  } finally {
    contest.dispose();
  }
}

function raceHuman(r: {
  data: string;
  task: string;
  params: number;
  steps: number;
  seed: number;
  batch: number;
  lanes: Awaited<ReturnType<Race['report']>>['lanes'];
}): string {
  const lines = [
    `race on ${clip(r.data)} (${r.task}), ${r.params} parameters, ${r.steps} steps, seed ${r.seed}, batch ${r.batch}`,
  ];
  for (const l of r.lanes) {
    const last = l.curve[l.curve.length - 1];
    const scores = last
      ? `train loss ${last.trainLoss.toPrecision(5)}, validation loss ${last.validationLoss.toPrecision(5)} at step ${last.step}`
      : 'no curve point yet';
    const stop = l.diverged ? `, diverged at step ${l.diverged.step}` : '';
    lines.push(
      `  lane ${l.lane} ${l.options.optimizer.padEnd(8)} lr ${fmt(l.options.lr)}: ${scores}${stop}`,
    );
    lines.push(`    start ${l.startHash}`);
    lines.push(`    final ${l.finalHash}`);
  }
  return lines.join('\n') + '\n';
}
