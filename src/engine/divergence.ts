/**
 * Telling why a run stopped producing numbers. The learner feeds the watch every step's batch
 * loss and gradient norm; when a loss, a gradient or the weights stop being finite numbers, the
 * watch names the likely cause from what it saw: a run that never learned was overshooting (the
 * learning rate is too high), a run that had been learning and then saw its gradient jump had an
 * exploding gradient. The message is for a player: what happened, where, and the fix to try.
 */
import { formatShort as fmt } from './format.js';

/** Why a run stopped producing numbers, phrased for a player, with the fix to try. */
export interface Divergence {
  /**
   * The step (1-based) whose loss or gradient was not a finite number; for `weights`, and for a
   * split's loss found by `checkFinite`, the last step whose update ran before the check.
   */
  step: number;
  /**
   * What was not a finite number: a batch's loss or the gradient (caught by the kernel before
   * the update), the weights after an update, or (from `checkFinite`) a whole split's loss.
   */
  quantity: 'loss' | 'gradient' | 'weights';
  cause: 'learning-rate' | 'exploding-gradient';
  message: string;
}

/** The yardsticks of a run since it started (or was restored), and its divergence once found. */
export class DivergenceWatch {
  private firstLoss = NaN;
  private minLoss = Infinity;
  private firstNorm = 0;
  /** The run's divergence; it stops later steps until `clear`. */
  found: Divergence | null = null;

  /** The loss of the first batch seen (NaN before any). */
  get firstBatchLoss(): number {
    return this.firstLoss;
  }

  /** Takes in the first `done` batch losses and gradient norms of a kernel call. */
  observe(losses: Float32Array, norms: Float32Array, done: number): void {
    if (done === 0) return;
    for (let i = 0; i < done; i++) {
      if (losses[i]! < this.minLoss) this.minLoss = losses[i]!;
    }
    if (this.firstNorm === 0) {
      this.firstNorm = norms[0]!;
      this.firstLoss = losses[0]!;
    }
  }

  /**
   * Records the run's divergence: `quantity` stopped being a number at `step`, the last gradient
   * norm was `lastNorm`, and `lead` says what happened where; the cause and fix follow it.
   */
  record(
    quantity: Divergence['quantity'],
    step: number,
    lastNorm: number,
    lr: number,
    lead = quantity === 'weights'
      ? `The weights stopped being numbers after step ${step}`
      : `The ${quantity} stopped being a number at step ${step}`,
  ): Divergence {
    const wasLearning = this.minLoss < 0.5 * this.firstLoss;
    const exploded =
      wasLearning &&
      this.firstNorm > 0 &&
      Number.isFinite(lastNorm) &&
      lastNorm > 100 * this.firstNorm;
    this.found = exploded
      ? {
          step,
          quantity,
          cause: 'exploding-gradient',
          message:
            `${lead}: the gradient grew from ` +
            `${fmt(this.firstNorm)} to ${fmt(lastNorm)} and exploded. Clip the gradient ` +
            `(for example to 1) or lower the learning rate (${fmt(lr)}).`,
        }
      : {
          step,
          quantity,
          cause: 'learning-rate',
          message:
            `${lead}: the learning rate ${fmt(lr)} is ` +
            `probably too high, so each update overshoots and the ` +
            `${quantity === 'weights' ? 'weights blow' : 'loss blows'} up. Try ${fmt(lr / 10)}.`,
        };
    return this.found;
  }

  /** Forgets the run so far: after a restore or a load, the run starts over. */
  clear(): void {
    this.found = null;
    this.firstNorm = 0;
    this.firstLoss = NaN;
    this.minLoss = Infinity;
  }
}
