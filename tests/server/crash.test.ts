/**
 * kill -9 in the middle of a burst of submissions: every submission the server answered 202 is
 * on disk (synchronous = FULL commits before the reply), and a restart on the same database
 * replays whatever was still queued or running, so every one of them ends verified.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VersionInfo } from '../../src/server/api.js';
import { HEAVY, startChild, type Child } from './child.js';
import { call, levelFile, makeClass, referenceSubmission, settled, tempDir } from './helpers.js';

let dir = '';
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HEAVY)('kill -9', () => {
  it('keeps every accepted submission and finishes the queue after a restart', async () => {
    dir = tempDir();
    const dbFile = join(dir, 'crash.db');
    const first = await startChild(dbFile);
    children.push(first);
    const version = (await call<VersionInfo>(first.base, 'GET', '/api/version')).body;
    const names = Array.from({ length: 20 }, (_, i) => `Student ${i + 1}`);
    const { code, tokens } = await makeClass(first.base, {
      students: names,
      submissionsPerLevel: 10,
    });
    // The one-neuron network trains the whole budget: replays slow enough to queue up.
    const naive = levelFile('c2-xor').naive;
    const bodies = names.flatMap((name, i) =>
      [0, 1, 2].map((k) => ({
        name,
        body: {
          ...referenceSubmission(version),
          spec: naive.spec,
          options: naive.options,
          seed: 3 * i + k,
        },
      })),
    );
    const accepted: Array<{ id: number; token: string }> = [];
    let failed = 0;
    let killed = false;
    await Promise.all(
      bodies.map(async ({ name, body }, i) => {
        // Spread over a few tens of milliseconds, so the kill lands mid-burst.
        await new Promise((r) => setTimeout(r, i));
        try {
          const r = await call<{ id: number }>(
            first.base,
            'POST',
            `/api/classes/${code}/submissions`,
            {
              body,
              token: tokens[name]!,
            },
          );
          if (r.status === 202) accepted.push({ id: r.body.id, token: tokens[name]! });
          else failed++;
        } catch {
          failed++; // the connection died with the server
        }
        if (!killed && accepted.length >= 20) {
          killed = true;
          process.kill(first.pid, 'SIGKILL');
        }
      }),
    );
    await first.stop('SIGKILL');
    expect(killed).toBe(true);
    expect(accepted.length).toBeGreaterThanOrEqual(20);

    const db = new Database(dbFile, { readonly: true });
    const rows = db.prepare('SELECT id, status FROM submissions').all() as Array<{
      id: number;
      status: string;
    }>;
    db.close();
    const stored = new Map(rows.map((r) => [r.id, r.status]));
    for (const a of accepted) expect(stored.has(a.id), `submission ${a.id}`).toBe(true);
    const unfinished = rows.filter((r) => r.status === 'queued' || r.status === 'running').length;
    console.log(
      `kill -9 after ${accepted.length} accepted (${failed} cut off): ${rows.length} stored, ${unfinished} still queued or running`,
    );
    expect(unfinished).toBeGreaterThan(0);

    const second = await startChild(dbFile);
    children.push(second);
    for (const a of accepted) {
      const s = await settled(second.base, a.id, a.token, 60_000);
      expect(s['status'], JSON.stringify(s)).toBe('done');
      expect((s['result'] as { passed: boolean }).passed).toBe(false);
    }
    // Stored but unanswered ones finish too (the queue may still be on them when the accepted
    // ones are done: wait for it, up to 30 s).
    const unfinishedNow = (): number => {
      const after = new Database(dbFile, { readonly: true });
      const left = after
        .prepare("SELECT COUNT(*) AS n FROM submissions WHERE status IN ('queued', 'running')")
        .get() as { n: number };
      after.close();
      return left.n;
    };
    const deadline = Date.now() + 30_000;
    while (unfinishedNow() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(unfinishedNow()).toBe(0);
    await second.stop();
  }, 120_000);
});
