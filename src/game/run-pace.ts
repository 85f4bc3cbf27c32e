/**
 * How fast a live run trains: the speed setting is steps per second, so steps follow the clock,
 * not the frame count, and each call to the worker is sized from how long calls have taken so
 * frames stay smooth on a slow machine and a fast one alike. Free of Phaser and of the worker:
 * the Training scene asks how many steps are due and reports how long they took.
 */

/** Steps per second at 1×; the speed setting multiplies it (8× ≈ 800 steps a second). */
export const STEPS_PER_SECOND = 100;
/** A step call taking longer than this shrinks the next chunk (the worker's time, plus latency). */
const STEP_TIME_BUDGET_MS = 40;
/** Most steps one call may run: keeps each answer quick so pause and the pictures stay responsive. */
const MAX_CHUNK = 400;
/** A frame's time counted at most, so a tab coming back from the background does not leap. */
const MAX_FRAME_MS = 250;

export class RunPace {
  /** Upper bound on steps per call, learned from how long calls take. */
  private chunk = 8;
  private lastTick = 0;
  /** The fastest call seen, taken as the round trip's latency. */
  private latency = Infinity;
  /** Steps owed to the clock below one per frame (the slow speeds). */
  private carry = 0;

  /** The steps due at `time` (ms) at `speed`, at most one chunk; 0 until a whole step is owed. */
  due(time: number, speed: number): number {
    const elapsed = this.lastTick ? Math.min(time - this.lastTick, MAX_FRAME_MS) : 16;
    this.lastTick = time;
    this.carry += (STEPS_PER_SECOND * speed * elapsed) / 1000;
    const wanted = Math.floor(this.carry);
    if (wanted < 1) return 0;
    this.carry -= wanted;
    return Math.min(wanted, this.chunk);
  }

  /**
   * Learns from a batch of `steps` that took `ms`. A batch's time is latency (the message round
   * trip, at least a frame when the page is busy) plus the worker's compute; only compute should
   * limit the chunk, so latency is the fastest batch seen and the chunk is sized from the cost
   * per step above it.
   */
  measured(ms: number, steps: number): void {
    this.latency = Math.min(this.latency * 1.02 + 0.1, ms);
    const perStep = Math.max(ms - this.latency, 0) / steps;
    const fits = Math.floor(STEP_TIME_BUDGET_MS / Math.max(perStep, 0.02));
    this.chunk = Math.min(Math.max(fits, 1), MAX_CHUNK);
  }

  /** Forgets the steps owed, for a run that starts again. */
  clearOwed(): void {
    this.carry = 0;
  }
}
