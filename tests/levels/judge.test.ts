/**
 * The run loop's rule (`RunJudge`), on made-up evaluations: the game, `runLevel` and the
 * classroom replay all stop where it says, so its cases are pinned here without training.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_EVERY, RunJudge, type Verdict } from '../../src/levels/judge.js';
import type { LevelGoal } from '../../src/levels/types.js';

const goal: LevelGoal = { metric: 'loss', split: 'validation', threshold: 0.5 };
const loss = (v: number) => ({ loss: v, accuracy: null });

/** Feeds one evaluation per check until the judge stops; returns the verdicts it gave. */
function judgeChecks(judge: RunJudge, losses: number[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const [k, v] of losses.entries()) {
    verdicts.push(judge.afterChunk((k + 1) * CHECK_EVERY, loss(v), false));
    if (judge.verdict !== 'continue') break;
  }
  return verdicts;
}

describe('RunJudge', () => {
  it('stops at the first check where the goal is met', () => {
    const judge = new RunJudge(goal, 1000);
    expect(judgeChecks(judge, [0.9, 0.7, 0.45, 0.3])).toEqual(['continue', 'continue', 'passed']);
    expect(judge).toMatchObject({ steps: 75, achieved: 0.45, passed: true, diverged: false });
  });

  it('trains on between checks: a chunk without an evaluation never stops the run', () => {
    const judge = new RunJudge(goal, 1000);
    expect(judge.afterChunk(10, null, false)).toBe('continue');
    expect(judge.steps).toBe(10);
    expect(judge.achieved).toBeNaN();
    expect(judge.afterChunk(25, loss(0.2), false)).toBe('passed');
  });

  it('judges an atEnd goal only at the limit', () => {
    const atEnd = new RunJudge({ ...goal, atEnd: true }, 100);
    expect(judgeChecks(atEnd, [0.4, 0.3, 0.2, 0.1])).toEqual([
      'continue',
      'continue',
      'continue',
      'passed',
    ]);
    expect(atEnd).toMatchObject({ steps: 100, achieved: 0.1, passed: true });
    const missed = new RunJudge({ ...goal, atEnd: true }, 100);
    expect(judgeChecks(missed, [0.4, 0.3, 0.2, 0.6]).at(-1)).toBe('failed');
    expect(missed.achieved).toBe(0.6);
  });

  it('fails on divergence, whatever the numbers say, and keeps them', () => {
    const judge = new RunJudge(goal, 1000);
    expect(judge.afterChunk(25, loss(0.9), false)).toBe('continue');
    expect(judge.afterChunk(50, loss(0.1), true)).toBe('failed');
    expect(judge).toMatchObject({ steps: 50, achieved: 0.1, passed: false, diverged: true });
  });

  it('stops at the limit as a loss, also when the last chunk is short', () => {
    const judge = new RunJudge(goal, 60);
    expect(judge.afterChunk(25, loss(0.9), false)).toBe('continue');
    expect(judge.afterChunk(50, loss(0.8), false)).toBe('continue');
    expect(judge.afterChunk(60, loss(0.7), false)).toBe('failed');
    expect(judge).toMatchObject({ steps: 60, achieved: 0.7, passed: false, diverged: false });
  });

  it('keeps its verdict once the run has stopped', () => {
    const judge = new RunJudge(goal, 1000);
    judge.afterChunk(25, loss(0.1), false);
    expect(judge.afterChunk(50, loss(0.9), true)).toBe('passed');
    expect(judge).toMatchObject({ steps: 25, diverged: false });
  });

  it('without a goal (free play) runs to the limit, and still stops on divergence', () => {
    const free = new RunJudge(null, 50);
    expect(free.afterChunk(25, loss(0), false)).toBe('continue');
    expect(free.afterChunk(50, loss(0), false)).toBe('failed');
    expect(free.achieved).toBeNaN();
    const hot = new RunJudge(null, 50);
    expect(hot.afterChunk(3, null, true)).toBe('failed');
    expect(hot.diverged).toBe(true);
  });

  it('judges accuracy goals by the accuracy, and a missing one never passes', () => {
    const acc: LevelGoal = { metric: 'accuracy', split: 'test', threshold: 0.9 };
    const judge = new RunJudge(acc, 50);
    expect(judge.afterChunk(25, { loss: 0, accuracy: null }, false)).toBe('continue');
    expect(judge.achieved).toBeNaN();
    expect(judge.afterChunk(50, { loss: 9, accuracy: 0.95 }, false)).toBe('passed');
    expect(judge.achieved).toBe(0.95);
  });
});
