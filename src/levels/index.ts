/**
 * The levels of the journey and the rules that judge them: which level is open, whether a
 * network obeys a level's workbench, whether a goal is met, how many stars a run earns, and
 * `runLevel`, which trains exactly like the game does so tests and tools can replay a level.
 * No Phaser and no DOM: this module imports in Node (Vitest, tools) and in the browser (Vite).
 */
import { makeDataset } from '../data/index.js';
import { Learner } from '../engine/learner.js';
import { SpecError, type ModelSpec } from '../engine/spec.js';
import type { DataRequest } from '../engine/trainer.js';
import { blockViolations, parseLevel } from './schema.js';
import type { Level, LevelGoal, LevelRun } from './types.js';

/** A stop on the timeline: a group of levels that teaches one idea. */
export interface Chapter {
  index: number;
  title: string;
  /** The milestone years the map shows for this stop, e.g. "1805–1809". */
  years: string;
  /** One or two sentences for the map, in our own words. */
  blurb: string;
}

/** The chapters, indexed by `Level.chapter`. Years come from the timeline in LOOK.md. */
export const CHAPTERS: readonly Chapter[] = Object.freeze([
  {
    index: 0,
    title: 'A straight line',
    years: '1805–1809',
    blurb:
      'Fit a line to points by making the squared misses small, one downhill step at a time. How big a step you take decides everything.',
  },
  {
    index: 1,
    title: 'Yes or no',
    years: '1958',
    blurb:
      'Squash a score into a probability and punish confident mistakes: the first machines that learned to decide.',
  },
  {
    index: 2,
    title: 'Going deeper',
    years: '1969–2014',
    blurb:
      'One line cannot split every puzzle. Hidden layers bend the boundary, and a smarter optimizer gets there in time.',
  },
  {
    index: 3,
    title: 'Too good to be true',
    years: '2012–2014',
    blurb:
      'A big network can memorise its training points and fail on new ones. Learn to hold it back.',
  },
]);

// Every level file, bundled at build time by Vite (and resolved the same way by Vitest).
const FILES = import.meta.glob('../../levels/*.json', { eager: true, import: 'default' });

function loadLevels(): Level[] {
  const problems: string[] = [];
  const levels: Level[] = [];
  for (const [path, raw] of Object.entries(FILES)) {
    const file = `levels/${path.split('/').pop()!}`;
    try {
      const level = parseLevel(raw, file);
      if (!CHAPTERS.some((c) => c.index === level.chapter)) {
        problems.push(
          `${file}: chapter must be one of 0 to ${CHAPTERS.length - 1}, got ${level.chapter}`,
        );
      }
      levels.push(level);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      problems.push(...e.issues);
    }
  }
  // Ids are unique because each must equal its file name; positions must be unique too.
  const byPlace = new Map<string, string>();
  for (const l of levels) {
    const other = byPlace.get(`${l.chapter}.${l.order}`);
    if (other) {
      problems.push(
        `levels/${l.id}.json: order ${l.order} is taken by ${other} in chapter ${l.chapter}`,
      );
    }
    byPlace.set(`${l.chapter}.${l.order}`, l.id);
  }
  // A broken level file is a build error, not something to skip quietly: fail at import.
  if (problems.length) throw new SpecError(problems);
  return levels.sort((a, b) => a.chapter - b.chapter || a.order - b.order);
}

/** Every level, validated, sorted by chapter and then order: the order of the journey. */
export const LEVELS: readonly Level[] = Object.freeze(loadLevels());

const BY_ID = new Map(LEVELS.map((l) => [l.id, l]));

/** The level with this id (from a save or a share URL), or undefined. */
export function levelById(id: string): Level | undefined {
  return BY_ID.get(id);
}

/**
 * Whether a level can be played: the first level is always open; each next one opens once the
 * level before it (in journey order, across chapters) has at least one star. Unknown ids are
 * locked.
 */
export function isUnlocked(
  levelId: string,
  starsByLevel: Readonly<Record<string, number>>,
): boolean {
  const i = LEVELS.findIndex((l) => l.id === levelId);
  if (i < 0) return false;
  if (i === 0) return true;
  return (starsByLevel[LEVELS[i - 1]!.id] ?? 0) >= 1;
}

/**
 * The workbench rules `spec` breaks on this level, in plain words for the player ("This level
 * allows at most 3 layers; this network has 4."). Empty when the network is allowed. Shape
 * errors (wrong output width, …) are the engine's job: `buildNetwork` reports those.
 */
export function checkSpec(level: Level, spec: ModelSpec): string[] {
  return blockViolations(level.blocks, level.start, spec);
}

/**
 * Whether an evaluation meets the goal: a loss at or below the threshold, or an accuracy at or
 * above it. A run without an accuracy (a network trained with MSE gives numbers, not yes/no
 * answers) cannot meet an accuracy goal, and a NaN loss never meets a loss goal.
 */
export function goalMet(
  goal: LevelGoal,
  evaluation: { loss: number; accuracy: number | null },
): boolean {
  if (goal.metric === 'loss') {
    return Number.isFinite(evaluation.loss) && evaluation.loss <= goal.threshold;
  }
  return evaluation.accuracy !== null && evaluation.accuracy >= goal.threshold;
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

/** What the trainer (worker or Node) needs to build this level's data. */
export function dataRequest(level: Level): Extract<DataRequest, { name: string }> {
  const { name, seed, n, noise, arms } = level.data;
  const request: Extract<DataRequest, { name: string }> = { name, seed };
  if (n !== undefined) request.n = n;
  if (noise !== undefined) request.noise = noise;
  if (arms !== undefined) request.arms = arms;
  return request;
}

/**
 * How often the game evaluates the goal while training, in steps. 25 keeps the check cheap
 * (a full pass over a small split) while stopping within a blink of the goal at live speed;
 * it is also the granularity of "steps" for the third star.
 */
export const CHECK_EVERY = 25;

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

/**
 * Trains `run` on the level exactly like the game: CHECK_EVERY steps at a time, evaluating the
 * goal split after each chunk and stopping as soon as the goal is met, or at
 * min(run.steps, stepBudget), or when the run diverges (which fails). A goal with `atEnd` is
 * judged only once training has reached that limit. Deterministic: the same level and run give
 * the same result everywhere the kernel runs.
 */
export function runLevel(module: WebAssembly.Module, level: Level, run: LevelRun): LevelRunResult {
  const { name, ...options } = dataRequest(level);
  const data = makeDataset(name, { module, ...options });
  const learner = new Learner(module, run.spec, data, run.options, run.seed);
  try {
    const limit = Math.min(run.steps, level.stepBudget);
    let steps = 0;
    let achieved = NaN;
    let passed = false;
    let diverged = false;
    while (steps < limit) {
      const result = learner.step(Math.min(CHECK_EVERY, limit - steps));
      steps = result.step;
      const evaluation = learner.evaluate(level.goal.split);
      achieved = level.goal.metric === 'loss' ? evaluation.loss : (evaluation.accuracy ?? NaN);
      // A diverged run fails even if its last numbers happen to look fine: the game stops it.
      if (result.diverged) {
        diverged = true;
        break;
      }
      const verdict = checkGoal(level.goal, evaluation, steps, limit);
      if (verdict !== 'continue') {
        passed = verdict === 'passed';
        break;
      }
    }
    return { passed, steps, achieved, params: learner.network.totalParams, diverged };
  } finally {
    learner.dispose();
  }
}
