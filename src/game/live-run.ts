/**
 * One run of the Training view, as numbers: the judge that decides when it stops — the very
 * `RunJudge` that `runLevel` and the classroom replay stop by, so the game cannot judge a run
 * differently from them — the latest losses and accuracies the metrics show, and the curves kept
 * for the Result's advice. The scene asks it to train on (`advance`, one `runBatch` of worker
 * calls), draws what changed, and asks it for the Result once a level run is over. No Phaser:
 * it only counts.
 */
import type { Divergence, Evaluation } from '../engine/learner.js';
import type { TargetScale } from '../engine/trainer.js';
import { CHECK_EVERY, RunJudge, starsFor, type Verdict } from '../levels/judge.js';
import type { Level, RunOutcome } from '../levels/types.js';
import type { TrainerClient } from '../web/trainer-client.js';
import { runBatch, type ChunkResult } from './run-batch.js';
import type { RunPace } from './run-pace.js';
import type { Draft, ResultData } from './scenes/keys.js';
import type { RunNumbers } from './scenes/training-text.js';

/** A loss and, for classes, an accuracy: what the metrics show of one evaluation. */
export type Score = Pick<Evaluation, 'loss' | 'accuracy' | 'perplexity'>;

/** What one chunk changed, for the scene to draw. */
export interface ChunkNews {
  /** The step the chunk ended on. */
  step: number;
  /** The chunk's training loss, when it trained and the loss is a number. */
  train: number | null;
  /** The validation loss, when the chunk ended on a goal check (and did not diverge). */
  validation: number | null;
  /** The judge's word after the chunk. */
  verdict: Verdict;
  /** Why the chunk's numbers blew up, when they did (the run then stopped). */
  divergence: Divergence | null;
  /** The first weight and bias after the chunk, when they were asked for. */
  point: [number, number] | null;
}

/** How `advance` fits the scene: the weights' path or not, the pace, and whether it still cares. */
export interface AdvanceOptions {
  readPoint: boolean;
  /** Told how long the batch took, so the next one is sized to the frame. */
  pace: RunPace;
  /** Asked once the worker answers: false when the scene has moved on (left, restarted). */
  wanted: () => boolean;
}

export class LiveRun {
  readonly judge: RunJudge;
  lastLoss: number | null = null;
  trainAccuracy: number | null = null;
  /** The validation split at the last check (the goal split when the goal is judged on it). */
  validation: Score | null = null;
  /** The goal split at the last check. */
  goalCheck: Score | null = null;
  /** The run so far, for the Result's advice: train loss per chunk, validation loss per check. */
  private readonly outcome: Pick<RunOutcome, 'train' | 'validation'> = {
    train: [],
    validation: [],
  };

  constructor(
    private readonly level: Level | null,
    /** The most steps the run may train: the level's budget, or the sandbox's. */
    readonly budget: number,
  ) {
    this.judge = new RunJudge(level?.goal ?? null, budget);
  }

  /** Steps trained so far. */
  get step(): number {
    return this.judge.steps;
  }

  /**
   * Trains up to `n` more steps as one batch of worker calls (`runBatch`: chunks never cross a
   * goal check or the budget) and takes in its chunks until the judge stops the run, putting the
   * learner back on the step where it stopped. Returns what each chunk taken in changed: none
   * when the budget was already reached or the scene no longer wants them.
   */
  async advance(trainer: TrainerClient, n: number, o: AdvanceOptions): Promise<ChunkNews[]> {
    const t0 = performance.now();
    const batch = await runBatch(trainer, {
      from: this.step,
      steps: n,
      checkEvery: CHECK_EVERY,
      budget: this.budget,
      split: this.level?.goal.split ?? 'validation',
      readPoint: o.readPoint,
    });
    if (!batch.steps) return [];
    o.pace.measured(performance.now() - t0, batch.steps);
    if (!o.wanted()) return [];
    const news: ChunkNews[] = [];
    for (const [k, chunk] of batch.results.entries()) {
      const taken = this.record(chunk);
      news.push(taken);
      if (taken.verdict === 'continue') continue;
      if (!this.judge.diverged) await batch.rewindTo(k);
      break;
    }
    return news;
  }

  /** Takes in one chunk's numbers and judges it. */
  private record(chunk: ChunkResult): ChunkNews {
    const { step: r, goal, validation, point } = chunk;
    let train: number | null = null;
    if (r.ran > 0 && Number.isFinite(r.trainLoss)) {
      train = this.lastLoss = r.trainLoss;
      this.trainAccuracy = r.trainAccuracy;
      this.outcome.train.push({ step: r.step, loss: r.trainLoss });
    }
    const verdict = this.judge.afterChunk(r.step, goal, r.diverged !== null);
    const news = { step: r.step, train, verdict, divergence: r.diverged, point };
    if (this.judge.diverged || !goal) return { ...news, validation: null };
    this.goalCheck = { loss: goal.loss, accuracy: goal.accuracy };
    const val = validation ?? goal;
    this.validation = {
      loss: val.loss,
      accuracy: val.accuracy,
      perplexity: val.perplexity ?? null,
    };
    this.outcome.validation.push({ step: r.step, loss: val.loss });
    return { ...news, validation: val.loss };
  }

  /** The numbers beside the chart; `scale` how the targets were standardised, if they were. */
  numbers(scale: TargetScale | null, over: boolean): RunNumbers {
    return {
      step: this.step,
      budget: this.budget,
      trainLoss: this.lastLoss,
      trainAccuracy: this.trainAccuracy,
      validation: this.validation,
      goal: this.goalCheck,
      scale,
      over,
    };
  }

  /**
   * The finished level run as an Attempt with its outcome, for the saves and the Result; null
   * in the sandbox or before any goal check.
   */
  result(draft: Draft, params: number): ResultData | null {
    const level = this.level;
    if (!level || !this.goalCheck) return null;
    const { passed, achieved, steps } = this.judge;
    return {
      attempt: {
        levelId: level.id,
        spec: draft.spec,
        options: draft.options,
        seed: draft.seed,
        ...(draft.data ? { data: draft.data } : {}),
        steps,
        params,
        achieved,
        passed,
        stars: starsFor(level, passed, params, steps),
      },
      outcome: {
        passed,
        diverged: false,
        steps,
        budget: this.budget,
        goalValue: achieved,
        train: [...this.outcome.train],
        validation: [...this.outcome.validation],
      },
    };
  }
}
