/**
 * A replay worker thread of `WorkerPool`: replays one job at a time with the release kernel and
 * answers with its verdict. Anything unexpected becomes a refusal, never a dead worker.
 */
import { parentPort } from 'node:worker_threads';
import { loadKernelModule } from '../node/kernel-file.js';
import type { ThreadJob, ThreadReply } from './pool.js';
import { replay } from './replay.js';

parentPort?.on('message', (job: ThreadJob) => {
  void (async () => {
    let reply: ThreadReply;
    try {
      const module = await loadKernelModule('simd');
      const outcome = await replay(module, job.level, job.body, { timeLimitMs: job.timeLimitMs });
      reply = { id: job.id, outcome };
    } catch (error) {
      reply = {
        id: job.id,
        outcome: {
          status: 'refused',
          message: `The replay stopped unexpectedly (${(error as Error).message}); it scores nothing.`,
        },
      };
    }
    parentPort!.postMessage(reply);
  })();
});
