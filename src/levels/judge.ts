/**
 * How a level judges a run: whether a goal is met, when a run stops, how many stars it earns,
 * and `runLevel`, which trains exactly like the game does so tests, the level audit and the
 * command line can replay a level. Pure: no Phaser, no DOM, no level files (the caller hands in
 * the level), so it runs in Node as it is.
 */
import {
  imageDataset,
  isImageSetName,
  makeDataset,
  trainFractions,
  type ImageAsset,
  type ImageSetName,
} from '../data/index.js';
import type { Dataset, ImageDataset } from '../data/dataset.js';
import { Learner } from '../engine/learner.js';
import type { DataRequest } from '../engine/trainer.js';
import type { DataSettings, Level, LevelGoal, LevelRun } from './types.js';

/**
 * Whether an evaluation meets the goal: a loss at or below the threshold, or an accuracy at or
 * above it. A run without an accuracy (a regression has no answers to count) cannot meet an
 * accuracy goal, and a NaN loss never meets a loss goal.
 */
export function goalMet(
  goal: LevelGoal,
  evaluation: { loss: number; accuracy: number | null },
): boolean {
  return meetsGoal(goal, goalValue(goal, evaluation));
}

/** Whether a value of the goal's metric meets it (NaN, a missing accuracy, never does). */
export function meetsGoal(goal: LevelGoal, value: number): boolean {
  return goal.metric === 'loss'
    ? Number.isFinite(value) && value <= goal.threshold
    : value >= goal.threshold;
}

/** The goal's metric of an evaluation: its loss, or its accuracy (NaN when it has none). */
export function goalValue(
  goal: LevelGoal,
  evaluation: { loss: number; accuracy: number | null },
): number {
  return goal.metric === 'loss' ? evaluation.loss : (evaluation.accuracy ?? NaN);
}

/**
 * What a goal check after `steps` of at most `limit` steps decides: stop as a win when the goal
 * is met (a goal with `atEnd` only counts once the limit is reached), stop as a loss at the
 * limit, otherwise train on. The game and `runLevel` both judge with this one rule.
 */
export function checkGoal(
  goal: LevelGoal,
  evaluation: { loss: number; accuracy: number | null },
  steps: number,
  limit: number,
): 'continue' | 'passed' | 'failed' {
  const atLimit = steps >= limit;
  if ((!goal.atEnd || atLimit) && goalMet(goal, evaluation)) return 'passed';
  return atLimit ? 'failed' : 'continue';
}

/**
 * Stars for a run: 0 when the goal was missed; 1 for passing; 2 when the network also stays
 * within `stars.params` parameters; 3 when it also met the goal within `stars.steps` steps.
 * The third star builds on the second, so a huge network that trains fast still earns two at
 * most: the stars reward small and quick together.
 */
export function starsFor(level: Level, passed: boolean, params: number, steps: number): number {
  if (!passed) return 0;
  if (params > level.stars.params) return 1;
  return steps <= level.stars.steps ? 3 : 2;
}

/**
 * What the trainer (worker or Node) needs to build this level's data, with the data settings
 * the player chose where the level opens them (`conformSetup` has kept them in range).
 */
export function dataRequest(
  level: Level,
  chosen: DataSettings = {},
): Extract<DataRequest, { name: string }> {
  const { name, seed, arms, far, features, shift, ...sequence } = level.data;
  const n = chosen.n ?? level.data.n;
  const noise = chosen.noise ?? level.data.noise;
  const train = chosen.train ?? level.data.train;
  const request: Extract<DataRequest, { name: string }> = { name, seed };
  if (n !== undefined) request.n = n;
  if (noise !== undefined) request.noise = noise;
  if (train !== undefined) request.train = train;
  if (arms !== undefined) request.arms = arms;
  if (far !== undefined) request.far = far;
  if (features !== undefined) request.features = [...features];
  if (shift !== undefined) request.shift = shift;
  for (const key of [
    'steps',
    'symbols',
    'distractors',
    'perPosition',
    'stride',
    'delay',
    'pairs',
    'keys',
    'values',
    'position',
  ] as const) {
    if (sequence[key] !== undefined) (request as Record<string, unknown>)[key] = sequence[key];
  }
  return request;
}

/**
 * How often the game evaluates the goal while training, in steps. 25 keeps the check cheap
 * (a full pass over a small split) while stopping within a blink of the goal at live speed;
 * it is also the granularity of "steps" for the third star.
 */
export const CHECK_EVERY = 25;

/** Decoded image sets by name, for levels on images (Node reads them with `loadImageAsset`). */
export type ImageAssets = ReadonlyMap<ImageSetName, ImageAsset>;

/**
 * The data a level trains on, built as the trainer builds it: a generated or bundled table, or
 * an image set from `images` (which must hold it: decoding is the caller's, since a browser
 * downloads and Node reads a file).
 */
export function levelDataset(
  module: WebAssembly.Module,
  level: Level,
  chosen: DataSettings = {},
  images?: ImageAssets,
): Dataset | ImageDataset {
  const { name, train, shift, ...options } = dataRequest(level, chosen);
  if (isImageSetName(name)) {
    const asset = images?.get(name);
    if (!asset) throw new Error(`${level.id}: the ${name} images are needed and were not given`);
    return imageDataset(asset, { module, seed: options.seed, shift });
  }
  return makeDataset(name, {
    module,
    ...options,
    ...(train !== undefined ? { fractions: trainFractions(train) } : {}),
  });
}

/** What `runLevel` reports. */
export interface LevelRunResult {
  passed: boolean;
  /** Steps trained: when the goal was first seen met, or where training stopped. */
  steps: number;
  /** The goal metric on the goal split at the end (NaN if it has no value, e.g. no accuracy). */
  achieved: number;
  params: number;
  diverged: boolean;
}

/** What a check decides: train on, or stop as a win or a loss. */
export type Verdict = 'continue' | 'passed' | 'failed';

/**
 * The run loop's rule, one object per run: after every chunk of training it says whether to go
 * on, and keeps what the run has reached so far. The game's live run, `runLevel` and the
 * classroom replay all judge through it, so "stop as soon as the goal is met, at the limit, or
 * when the numbers blow up" is written once. A chunk that ends on a goal check brings the goal
 * split's evaluation (`checkGoal` decides); one that ends between checks has none and trains on;
 * a diverged chunk fails whatever its numbers say. Without a goal (the sandbox) a run only stops
 * at the limit. Once it has stopped, the verdict stays.
 */
export class RunJudge {
  /** Steps trained: where the last chunk ended. */
  steps = 0;
  /** The goal metric of the last evaluation seen (NaN before any, or without an accuracy). */
  achieved = NaN;
  /** Whether a chunk's numbers became NaN or infinite (the run then failed). */
  diverged = false;
  /** The decision so far: 'continue' until the run stops. */
  verdict: Verdict = 'continue';

  constructor(
    /** The level's goal, or null for free play (judged by the limit only). */
    readonly goal: LevelGoal | null,
    /** The last step the run may train to: the step budget, or less. */
    readonly limit: number,
  ) {}

  get passed(): boolean {
    return this.verdict === 'passed';
  }

  /**
   * Judges the chunk that ended at `step`: `evaluation` is the goal split's, or null when the
   * chunk did not end on a check; `diverged` whether the learner stopped on NaN or infinity.
   */
  afterChunk(
    step: number,
    evaluation: { loss: number; accuracy: number | null } | null,
    diverged: boolean,
  ): Verdict {
    if (this.verdict !== 'continue') return this.verdict;
    this.steps = step;
    if (evaluation && this.goal) this.achieved = goalValue(this.goal, evaluation);
    if (diverged) {
      this.diverged = true;
      return (this.verdict = 'failed');
    }
    if (!evaluation) return 'continue';
    if (this.goal) this.verdict = checkGoal(this.goal, evaluation, step, this.limit);
    else if (step >= this.limit) this.verdict = 'failed';
    return this.verdict;
  }
}

/**
 * Trains `run` on the level exactly like the game: CHECK_EVERY steps at a time, evaluating the
 * goal split after each chunk and stopping as soon as the goal is met, or at
 * min(run.steps, stepBudget), or when the run diverges (which fails). A goal with `atEnd` is
 * judged only once training has reached that limit. Deterministic: the same level and run give
 * the same result everywhere the kernel runs.
 */
export function runLevel(
  module: WebAssembly.Module,
  level: Level,
  run: LevelRun,
  images?: ImageAssets,
): LevelRunResult {
  const data = levelDataset(module, level, run.data, images);
  const learner = new Learner(module, run.spec, data, run.options, run.seed);
  try {
    const judge = new RunJudge(level.goal, Math.min(run.steps, level.stepBudget));
    while (judge.steps < judge.limit) {
      const result = learner.step(Math.min(CHECK_EVERY, judge.limit - judge.steps));
      // Evaluated even when diverged: `achieved` reports the numbers the run ended with.
      const evaluation = learner.evaluate(level.goal.split);
      if (judge.afterChunk(result.step, evaluation, result.diverged !== null) !== 'continue') break;
    }
    const { passed, steps, achieved, diverged } = judge;
    return { passed, steps, achieved, params: learner.network.totalParams, diverged };
  } finally {
    learner.dispose();
  }
}
