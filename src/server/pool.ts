/**
 * Where replays run: a pool of worker threads (one replay each at a time, as many as the machine
 * has cores, within a cap), so training never blocks the server's answers; or, where no compiled
 * worker file exists (the tests run the TypeScript sources), in-process, yielding between chunks.
 * A worker that crashes or overruns its job's time by far is replaced and the job refused.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Level } from '../levels/types.js';
import { loadKernelModule } from '../node/kernel-file.js';
import { replay, type ReplayBody } from './replay.js';
import type { Outcome } from './store.js';

export interface Job {
  id: number;
  level: Level;
  body: ReplayBody;
}

export interface Replayer {
  /** How many replays run at once. */
  readonly size: number;
  run(job: Job): Promise<Outcome>;
  close(): Promise<void>;
}

/** Workers for this machine: its cores, at least 1, at most `cap`. */
export function defaultPoolSize(cap = 4): number {
  return Math.max(1, Math.min(cap, availableParallelism()));
}

/** The compiled worker file beside this one, or null when running from the sources. */
export function workerFile(): URL | null {
  const url = new URL('./replay-thread.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** Messages between the pool and a worker. */
export interface ThreadJob {
  id: number;
  level: Level;
  body: ReplayBody;
  timeLimitMs: number;
}
export interface ThreadReply {
  id: number;
  outcome: Outcome;
}

function crashed(what: string): Outcome {
  return {
    status: 'refused',
    message: `The replay stopped unexpectedly (${what}); it scores nothing.`,
  };
}

interface Slot {
  worker: Worker;
  job: { id: number; resolve: (o: Outcome) => void; timer: NodeJS.Timeout } | null;
}

export class WorkerPool implements Replayer {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<{ job: Job; resolve: (o: Outcome) => void }> = [];
  private closed = false;

  constructor(
    readonly size: number,
    private readonly file: URL,
    private readonly timeLimitMs: number,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(this.file, { resourceLimits: { maxOldGenerationSizeMb: 512 } });
    const slot: Slot = { worker, job: null };
    worker.on('message', (reply: ThreadReply) => {
      if (slot.job && slot.job.id === reply.id) this.settle(slot, reply.outcome);
    });
    const replace = (what: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      if (slot.job) this.settle(slot, crashed(what), false);
      if (this.closed) return;
      this.slots[i] = this.spawn();
      this.next();
    };
    worker.on('error', (error) => replace(error.message));
    worker.on('exit', (code) => replace(`exit code ${code}`));
    return slot;
  }

  private settle(slot: Slot, outcome: Outcome, next = true): void {
    const job = slot.job!;
    clearTimeout(job.timer);
    slot.job = null;
    job.resolve(outcome);
    if (next) this.next();
  }

  run(job: Job): Promise<Outcome> {
    return new Promise((resolve) => {
      this.waiting.push({ job, resolve });
      this.next();
    });
  }

  private next(): void {
    for (const slot of this.slots) {
      if (this.closed || slot.job || !this.waiting.length) continue;
      const { job, resolve } = this.waiting.shift()!;
      // The worker checks the time between chunks; one stuck beyond that is ended.
      const timer = setTimeout(
        () => {
          if (slot.job?.id !== job.id) return;
          this.settle(
            slot,
            {
              status: 'refused',
              message: `The replay took longer than ${Math.round(this.timeLimitMs / 1000)} s, the server's limit per run.`,
            },
            false,
          );
          void slot.worker.terminate();
        },
        this.timeLimitMs * 2 + 5000,
      );
      slot.job = { id: job.id, resolve, timer };
      const message: ThreadJob = { ...job, timeLimitMs: this.timeLimitMs };
      slot.worker.postMessage(message);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** Replays in this thread, one at a time, yielding to the server between chunks. */
export class InlineReplayer implements Replayer {
  readonly size = 1;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly timeLimitMs: number) {}

  run(job: Job): Promise<Outcome> {
    const result = this.chain.then(async () => {
      try {
        const module = await loadKernelModule('simd');
        return await replay(module, job.level, job.body, {
          timeLimitMs: this.timeLimitMs,
          pause: () => new Promise((r) => setImmediate(r)),
        });
      } catch (error) {
        return crashed((error as Error).message);
      }
    });
    this.chain = result;
    return result;
  }

  async close(): Promise<void> {
    await this.chain;
  }
}
