/**
 * The worker-thread pool (compiled, so under `npm run test:server`): replays in threads give
 * exactly the in-process verdicts and weights, several at once, and a job that throws inside a
 * worker is refused without taking the pool down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLevel } from '../../src/levels/schema.js';
import type { Level } from '../../src/levels/types.js';
import { InlineReplayer, WorkerPool } from '../../src/server/pool.js';
import { HEAVY } from './child.js';
import { ROOT } from './helpers.js';

function level(id: string): Level {
  return parseLevel(JSON.parse(readFileSync(join(ROOT, 'levels', `${id}.json`), 'utf8')));
}

const pools: WorkerPool[] = [];
afterAll(async () => {
  for (const p of pools) await p.close();
});

describe.skipIf(!HEAVY)('WorkerPool', () => {
  it('replays in threads exactly as in-process, and survives a job that throws', async () => {
    const file = pathToFileURL(join(ROOT, 'dist', 'src', 'server', 'replay-thread.js'));
    const pool = new WorkerPool(2, file, 20_000);
    pools.push(pool);
    const inline = new InlineReplayer(20_000);
    const jobs = ['c2-xor', 'c2-circles', 'c1-blobs', 'c2-iris'].flatMap((id, i) => {
      const l = level(id);
      return [l.reference, l.naive].map((run, k) => ({
        id: 10 * i + k,
        level: l,
        body: { spec: run.spec, options: run.options, seed: run.seed },
      }));
    });
    const threaded = await Promise.all(jobs.map((job) => pool.run(job)));
    for (const [i, job] of jobs.entries()) {
      expect(threaded[i], job.level.id).toEqual(await inline.run(job));
    }
    expect(threaded.filter((o) => o.status === 'done').length).toBe(jobs.length);

    const broken = { ...level('c2-xor'), blocks: undefined } as unknown as Level;
    const bad = await pool.run({ id: 99, level: broken, body: jobs[0]!.body });
    expect(bad.status).toBe('refused');
    expect(await pool.run(jobs[0]!)).toEqual(threaded[0]);
    await inline.close();
  }, 120_000);
});
