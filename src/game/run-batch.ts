/**
 * One frame's training as one batch of worker calls. The steps due are cut at every goal check
 * and at the budget, and every call goes out at once — the worker runs them in order — so a fast
 * speed costs one round trip per frame instead of two per check. When the goal turns out met at
 * an earlier check than the batch's last, `rewindTo` puts the learner back on that check's step
 * (snapshot, then replay: the learner is deterministic), so "stop as soon as the goal is met"
 * holds at any speed.
 */
import type { Evaluation, SplitName, StepResult } from '../engine/learner.js';
import type { TrainerClient } from '../web/trainer-client.js';

/** What came back for one chunk; the evaluations only where the chunk ends on a check. */
export interface ChunkResult {
  step: StepResult;
  /** The goal split, evaluated after the chunk at a check. */
  goal: Evaluation | null;
  /** The validation split when the goal is judged on another one. */
  validation: Evaluation | null;
  /** The first weight and bias after the chunk, for a one-weight line fit's landscape. */
  point: [number, number] | null;
}

export interface BatchOptions {
  /** The learner's step before the batch. */
  from: number;
  steps: number;
  checkEvery: number;
  budget: number;
  split: SplitName;
  /** Read the first weight and bias after every chunk (the landscape's path). */
  readPoint: boolean;
}

export interface Batch {
  results: ChunkResult[];
  /** Steps the batch ran in all (0 when the budget was already reached). */
  steps: number;
  /** Puts the learner back to the end of chunk `k` (the replay costs the steps once more). */
  rewindTo(k: number): Promise<void>;
}

/**
 * Cuts `n` steps from step `at` at every multiple of `checkEvery` and at `budget`, so a goal
 * check always falls on a chunk's end: [chunk, chunk, …]. At least one step is asked for; none
 * once the budget is reached.
 */
export function planChunks(at: number, n: number, checkEvery: number, budget: number): number[] {
  const chunks: number[] = [];
  for (let left = Math.max(1, n); left > 0 && at < budget;) {
    const nextCheck = (Math.floor(at / checkEvery) + 1) * checkEvery;
    const c = Math.min(left, nextCheck - at, budget - at);
    chunks.push(c);
    at += c;
    left -= c;
  }
  return chunks;
}

/** Sends the batch's calls at once and waits for all of them. */
export async function runBatch(trainer: TrainerClient, o: BatchOptions): Promise<Batch> {
  const chunks = planChunks(o.from, o.steps, o.checkEvery, o.budget);
  const snapshot = chunks.length > 1 ? trainer.snapshot() : null;
  let at = o.from;
  const calls = chunks.map((c) => {
    at += c;
    const checks = at % o.checkEvery === 0 || at >= o.budget;
    return {
      step: trainer.step(c),
      goal: checks ? trainer.evaluate(o.split) : null,
      validation: checks && o.split !== 'validation' ? trainer.evaluate('validation') : null,
      point: o.readPoint ? Promise.all([trainer.read('0.weight'), trainer.read('0.bias')]) : null,
    };
  });
  const results = await Promise.all(
    calls.map(async (c): Promise<ChunkResult> => {
      const point = await c.point;
      return {
        step: await c.step,
        goal: await c.goal,
        validation: await c.validation,
        point: point ? [point[0][0]!, point[1][0]!] : null,
      };
    }),
  );
  return {
    results,
    steps: chunks.reduce((a, b) => a + b, 0),
    async rewindTo(k) {
      if (!snapshot || k >= chunks.length - 1) return;
      await trainer.restore(await snapshot);
      await trainer.step(chunks.slice(0, k + 1).reduce((a, b) => a + b, 0));
    },
  };
}
