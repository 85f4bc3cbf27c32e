/**
 * Verifying a submission by replaying it: the server never takes a score from a student, only
 * what to train. The setup must be exactly what the level allows (`conformSetup` may change
 * nothing: the game only submits conformed setups), then it trains like the game and the judge
 * (`runLevel`): CHECK_EVERY steps at a time, stopping when the goal is met on the level's goal
 * split or at the step budget; a diverged run is refused. Scores come from the release kernel.
 */
import { DataError } from '../data/dataset.js';
import { Learner } from '../engine/learner.js';
import { parseOptions } from '../engine/options.js';
import { SpecError, parseSpec } from '../engine/spec.js';
import { CHECK_EVERY, RunJudge, goalValue, levelDataset, starsFor } from '../levels/judge.js';
import { loadLevelAssets } from '../node/image-data.js';
import { conformSetup, rulesOf } from '../levels/rules.js';
import type { Level } from '../levels/types.js';
import type { Submission, Verified } from './api.js';
import type { Outcome } from './store.js';

/** What of a submission is replayed. */
export type ReplayBody = Pick<Submission, 'spec' | 'options' | 'seed' | 'data'>;

export interface ReplayLimits {
  /** Wall-clock cap, checked between chunks. */
  timeLimitMs: number;
  /** Called between chunks (an in-process replay yields to the server there). */
  pause?: () => Promise<void>;
  clock?: () => number;
}

function refused(message: string): Outcome {
  return { status: 'refused', message };
}

/** Replays one submission of `level` and returns its verdict (never throws for bad input). */
export async function replay(
  module: WebAssembly.Module,
  level: Level,
  body: ReplayBody,
  limits: ReplayLimits,
): Promise<Outcome> {
  const clock = limits.clock ?? (() => performance.now());
  const began = clock();
  let spec;
  let options;
  try {
    spec = parseSpec(body.spec);
    options = parseOptions(body.options);
  } catch (error) {
    if (error instanceof SpecError) return refused(error.issues.join('\n'));
    throw error;
  }
  const { setup, changes } = conformSetup(rulesOf(level), {
    spec,
    options,
    seed: body.seed,
    ...(body.data ? { data: body.data } : {}),
  });
  if (changes.length) {
    return refused(
      `This run is not one level ${level.id} allows: ${changes.join('; ')}. Reload the level and train it again.`,
    );
  }

  let learner: Learner;
  try {
    const data = levelDataset(module, level, setup.data, await loadLevelAssets([level]));
    learner = new Learner(module, setup.spec, data, setup.options, setup.seed);
  } catch (error) {
    if (error instanceof SpecError || error instanceof DataError) {
      return refused(error instanceof SpecError ? error.issues.join('\n') : error.message);
    }
    throw error;
  }
  try {
    const judge = new RunJudge(level.goal, level.stepBudget);
    while (judge.steps < judge.limit) {
      const result = learner.step(Math.min(CHECK_EVERY, judge.limit - judge.steps));
      const diverged = result.diverged !== null;
      const verdict = judge.afterChunk(
        result.step,
        diverged ? null : learner.evaluate(level.goal.split),
        diverged,
      );
      if (judge.diverged) {
        return refused(
          `The run diverged at step ${judge.steps} (its numbers became NaN or infinite): it scores nothing. A smaller learning rate usually helps.`,
        );
      }
      if (verdict !== 'continue') break;
      if (clock() - began > limits.timeLimitMs) {
        return refused(
          `The replay took longer than ${Math.round(limits.timeLimitMs / 1000)} s, the server's limit per run.`,
        );
      }
      if (limits.pause) await limits.pause();
    }
    const { passed, steps } = judge;
    const params = learner.network.totalParams;
    const validation = learner.evaluate('validation');
    const test = learner.evaluate('test');
    const publicScore = goalValue(level.goal, validation);
    const privateScore = goalValue(level.goal, test);
    if (![publicScore, privateScore, validation.loss].every(Number.isFinite)) {
      return refused('The run ended without a finite score, so it cannot be ranked.');
    }
    const verified: Verified = {
      passed,
      stars: starsFor(level, passed, params, steps),
      steps,
      params,
      publicScore,
      privateScore,
      loss: validation.loss,
      weightsHash: await learner.weightsHash(),
    };
    return { status: 'done', result: verified };
  } finally {
    learner.dispose();
  }
}
