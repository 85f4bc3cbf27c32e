/**
 * A class at once: 30 students × 3 submissions of c2-xor within 10 s against the compiled
 * server (worker-thread replays, default rate limits), all verified. Prints p50/p95 of the time
 * from sending a submission to the live board (Server-Sent Events) showing its verdict, and the
 * server's peak resident memory.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Board, SubmissionStatus, VersionInfo } from '../../src/server/api.js';
import { HEAVY, startChild, type Child } from './child.js';
import { call, makeClass, referenceSubmission, tempDir } from './helpers.js';

let dir = '';
let child: Child | null = null;
afterAll(async () => {
  await child?.stop('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe.skipIf(!HEAVY)('load', () => {
  it('verifies 30 students × 3 submissions sent within 10 s', async () => {
    dir = tempDir();
    child = await startChild(join(dir, 'load.db'));
    const base = child.base;
    const version = (await call<VersionInfo>(base, 'GET', '/api/version')).body;
    const names = Array.from({ length: 30 }, (_, i) => `Student ${i + 1}`);
    const { code, tokens } = await makeClass(base, { students: names, submissionsPerLevel: 3 });

    // The live board, as the teacher's projector sees it: each event's arrival time.
    const boards: Array<{ at: number; board: Board }> = [];
    const controller = new AbortController();
    const stream = await fetch(`${base}/api/classes/${code}/events`, { signal: controller.signal });
    const reading = (async () => {
      const reader = stream.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let at;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const chunk = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            const data = /^event: board\ndata: (.*)$/m.exec(chunk);
            if (data) boards.push({ at: Date.now(), board: JSON.parse(data[1]!) as Board });
          }
        }
      } catch {
        // aborted
      }
    })();

    // Each student sends three runs (seeds differ) at random moments of an 8-second window.
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const sent: Array<{ id: number; token: string; at: number }> = [];
    const began = Date.now();
    await Promise.all(
      names.flatMap((name, i) =>
        [0, 1, 2].map(async (k) => {
          await new Promise((r) =>
            setTimeout(r, next() * Number(process.env['NJ_LOAD_SPREAD_MS'] ?? 8000)),
          );
          const at = Date.now();
          const r = await call<{ id: number }>(base, 'POST', `/api/classes/${code}/submissions`, {
            body: { ...referenceSubmission(version), seed: (i * 3 + k) % 1000 },
            token: tokens[name]!,
          });
          expect(r.status, r.text).toBe(202);
          sent.push({ id: r.body.id, token: tokens[name]!, at });
        }),
      ),
    );
    expect(Date.now() - began).toBeLessThan(10_000);

    // Wait for every verdict (a status request per submission, each asked until it settles).
    const deadline = Date.now() + 60_000;
    const verdicts = new Map<number, SubmissionStatus>();
    for (const s of sent) {
      while (Date.now() < deadline) {
        const r = await call<SubmissionStatus>(base, 'GET', `/api/submissions/${s.id}`, {
          token: s.token,
        });
        expect(r.status, r.text).toBe(200);
        if (r.body.status === 'done' || r.body.status === 'refused') {
          verdicts.set(s.id, r.body);
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(verdicts.size).toBe(sent.length);
    for (const v of verdicts.values()) expect(v.status, v.message ?? '').toBe('done');
    // Let the last board event arrive.
    await new Promise((r) => setTimeout(r, 200));

    // Submission → the first board event sent after its verdict was stored.
    const latency = sent
      .map((s) => {
        const verifiedAt = Date.parse(verdicts.get(s.id)!.verifiedAt!);
        const shown = boards.find((b) => Date.parse(b.board.updatedAt) >= verifiedAt);
        return (shown ? shown.at : NaN) - s.at;
      })
      .sort((a, b) => a - b);
    expect(latency.every(Number.isFinite)).toBe(true);
    const p50 = percentile(latency, 50);
    const p95 = percentile(latency, 95);
    const peak = child.peakRssMiB();
    const passed = [...verdicts.values()].filter((v) => v.result?.passed).length;
    console.log(
      `load: ${sent.length} submissions from ${names.length} students, ${passed} passed; submission → board p50 ${p50} ms, p95 ${p95} ms, max ${latency.at(-1)} ms; server peak RSS ${peak.toFixed(0)} MiB; ${boards.length} board events`,
    );
    expect(p95).toBeLessThan(5000);
    expect(peak).toBeLessThan(1024);
    const final = boards.at(-1)!.board;
    expect(final.rows).toHaveLength(30);
    expect(final.rows.every((r) => r.stars > 0)).toBe(true);
    controller.abort();
    await reading;
  }, 120_000);
});
