/**
 * How a finished run went, read from its curves: won, or the first failure mode that fits —
 * diverged, overfitting, stuck, still falling at the budget, close to the goal, or missed. The
 * Result's advice picks its words from the mode (`advice.ts`). Pure: no Phaser, no DOM.
 */
import type { Attempt, Level, RunOutcome } from './types.js';

/** How a lost run went, in the order `adviceMode` tests for them. */
export const FAILURE_MODES = [
  'diverged',
  'overfitting',
  'stuck',
  'still-falling',
  'close',
  'missed',
] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

/** Share of the start the training loss must move for a run not to count as stuck. */
const STUCK_MOVE = 0.1;
/** Drop over the last third of the run that counts as "still clearly falling". */
const FALLING_DROP = 0.04;
/** How far above its best the validation loss must climb to count as overfitting. */
const OVERFIT_RISE = 1.2;
/** The training loss at the end must be at most this share of the validation loss. */
const OVERFIT_GAP = 0.7;
/** A miss this small is close: within 15% of a loss target, 3 points of an accuracy one. */
const CLOSE_LOSS = 1.15;
const CLOSE_ACCURACY = 0.03;

type Point = { step: number; loss: number };

function finitePoints(points: readonly Point[]): Point[] {
  return points.filter((p) => Number.isFinite(p.loss));
}

function mean(points: readonly Point[]): number {
  return points.reduce((sum, p) => sum + p.loss, 0) / points.length;
}

/** The points within the first (or last) `share` of the steps the curve spans, at least one. */
function window(points: readonly Point[], share: number, end: 'first' | 'last'): Point[] {
  const first = points[0]!.step;
  const last = points.at(-1)!.step;
  const cut = (last - first) * share;
  const picked =
    end === 'first'
      ? points.filter((p) => p.step <= first + cut)
      : points.filter((p) => p.step >= last - cut);
  return picked.length ? picked : [end === 'first' ? points[0]! : points.at(-1)!];
}

/**
 * How much a curve falls over its last third, as a share of where that third starts: the
 * least-squares line through its points (noise from small batches averages out), so 0.1 is a
 * 10% drop and a negative value a rise. NaN when the third has fewer than three points.
 */
function lateDrop(points: readonly Point[]): number {
  if (points.length < 3) return NaN;
  const tail = window(points, 1 / 3, 'last');
  if (tail.length < 3) return NaN;
  const n = tail.length;
  const mx = tail.reduce((s, p) => s + p.step, 0) / n;
  const my = mean(tail);
  let sxy = 0;
  let sxx = 0;
  for (const p of tail) {
    sxy += (p.step - mx) * (p.loss - my);
    sxx += (p.step - mx) ** 2;
  }
  if (sxx === 0) return NaN;
  const slope = sxy / sxx;
  const x0 = tail[0]!.step;
  const start = my + slope * (x0 - mx);
  if (!(start > 0)) return NaN;
  return (-slope * (tail.at(-1)!.step - x0)) / start;
}

function isOverfitting(train: Point[], validation: Point[]): boolean {
  if (validation.length < 4 || train.length < 2) return false;
  let best = 0;
  validation.forEach((p, i) => {
    if (p.loss < validation[best]!.loss) best = i;
  });
  const last = validation.at(-1)!.loss;
  const trainEnd = mean(window(train, 0.1, 'last'));
  return (
    best < validation.length - 1 &&
    last >= validation[best]!.loss * OVERFIT_RISE &&
    trainEnd <= last * OVERFIT_GAP
  );
}

function isStuck(train: Point[]): boolean {
  if (train.length < 2) return false;
  const start = mean(window(train, 0.1, 'first'));
  const end = mean(window(train, 0.1, 'last'));
  return start > 0 && Math.abs(start - end) / start < STUCK_MOVE;
}

function isStillFalling(train: Point[], validation: Point[]): boolean {
  if (!(lateDrop(train) > FALLING_DROP)) return false;
  // Training that goes on lowering the training loss while the validation loss climbs would
  // not reach a goal: only a run whose validation loss is not rising was "on its way".
  const val = lateDrop(validation);
  return Number.isNaN(val) || val > -0.02;
}

function isClose(level: Level, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const t = level.goal.threshold;
  return level.goal.metric === 'accuracy'
    ? value < t && t - value <= CLOSE_ACCURACY
    : value > t && value <= t * CLOSE_LOSS;
}

/**
 * How a run went, from its outcome alone: `won`, or the first failure mode that fits —
 * `diverged` (a number stopped being finite); `overfitting` (the validation loss climbed well
 * above its best while the training loss ended far below it); `stuck` (the training loss barely
 * moved from its start); `still-falling` (the budget ran out while the training loss was still
 * clearly falling and the validation loss was not rising); `close` (the goal metric missed by a
 * small margin); otherwise `missed`.
 */
export function adviceMode(level: Level, outcome: RunOutcome): FailureMode | 'won' {
  if (outcome.passed) return 'won';
  const train = finitePoints(outcome.train);
  const validation = finitePoints(outcome.validation);
  if (outcome.diverged || train.length < outcome.train.length) return 'diverged';
  if (isOverfitting(train, validation)) return 'overfitting';
  if (isStuck(train)) return 'stuck';
  if (outcome.steps >= outcome.budget && isStillFalling(train, validation)) {
    return 'still-falling';
  }
  if (isClose(level, outcome.goalValue)) return 'close';
  return 'missed';
}

/**
 * What can be told from an attempt alone, when the run's curves are not at hand (a result
 * opened without its run): the verdict, the steps and the goal value. A goal value that is not
 * a number means the run blew up. Advice from it can still say diverged, close or missed.
 */
export function attemptOutcome(level: Level, attempt: Attempt): RunOutcome {
  return {
    passed: attempt.passed,
    diverged: !attempt.passed && !Number.isFinite(attempt.achieved),
    steps: attempt.steps,
    budget: level.stepBudget,
    goalValue: attempt.achieved,
    train: [],
    validation: [],
  };
}
