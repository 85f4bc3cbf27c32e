/**
 * `npm run levels:audit [-- --setups N] [--search-seeds N] [--level ID …] [--check] [--docs]`:
 * audits every level file (see src/levels/audit.ts) and prints the table. `--search-seeds` sets
 * how many seeds the seed search reruns the strongest setups without the idea with (100). `--check` exits 1 when a level breaks a
 * rule (CI runs it so); `--docs` writes the table into docs/levels.md between its markers. The
 * levels are shared between two worker threads, one per core of a small machine.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { auditLevel, auditTable, type AuditResult } from '../src/levels/audit.js';
import { parseLevel } from '../src/levels/schema.js';
import type { Level } from '../src/levels/types.js';
import { loadLevelAssets } from '../src/node/image-data.js';
import { loadKernelModule } from '../src/node/kernel-file.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BEGIN = '<!-- audit:begin -->';
const END = '<!-- audit:end -->';

function readLevels(): Level[] {
  const dir = join(ROOT, 'levels');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parseLevel(JSON.parse(readFileSync(join(dir, f), 'utf8')), `levels/${f}`))
    .sort((a, b) => a.chapter - b.chapter || a.order - b.order);
}

interface Job {
  ids: string[];
  setups: number;
  seed: number;
  searchSeeds: number;
}

async function work(job: Job): Promise<AuditResult[]> {
  const module = await loadKernelModule('simd');
  const levels = readLevels();
  const images = await loadLevelAssets(levels.filter((l) => job.ids.includes(l.id)));
  return job.ids.map((id) => {
    const result = auditLevel(
      module,
      levels.find((l) => l.id === id)!,
      job.setups,
      job.seed,
      () => performance.now(),
      { setups: 3, seeds: job.searchSeeds },
      images,
    );
    const mark = result.failures.length ? '✗' : '✓';
    process.stderr.write(`${mark} ${id} (${(result.milliseconds / 1000).toFixed(1)} s)\n`);
    return result;
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      setups: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      'search-seeds': { type: 'string', default: '100' },
      level: { type: 'string', multiple: true },
      check: { type: 'boolean', default: false },
      docs: { type: 'boolean', default: false },
      threads: { type: 'string', default: '2' },
    },
    strict: true,
  });
  const setups = Number(values.setups);
  const seed = Number(values.seed);
  const threads = Number(values.threads);
  const searchSeeds = Number(values['search-seeds']);
  for (const [name, v, min] of [
    ['--setups', setups, 2],
    ['--seed', seed, 0],
    ['--search-seeds', searchSeeds, 0],
    ['--threads', threads, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      process.stderr.write(`levels-audit: ${name} must be an integer of at least ${min}\n`);
      return 2;
    }
  }
  const levels = readLevels();
  const ids = values.level?.length ? values.level : levels.map((l) => l.id);
  const unknown = ids.filter((id) => !levels.some((l) => l.id === id));
  if (unknown.length) {
    process.stderr.write(`levels-audit: no level ${unknown.join(', ')}\n`);
    return 2;
  }
  // Deal the levels out round-robin, slowest chapters spread over both threads.
  const shares: string[][] = Array.from({ length: Math.min(threads, ids.length) }, () => []);
  [...ids].reverse().forEach((id, i) => shares[i % shares.length]!.push(id));
  const t0 = performance.now();
  const parts = await Promise.all(
    shares.map(
      (share) =>
        new Promise<AuditResult[]>((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), {
            workerData: { ids: share, setups, seed, searchSeeds } satisfies Job,
          });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  const order = new Map(levels.map((l, i) => [l.id, i]));
  const results = parts.flat().sort((a, b) => order.get(a.levelId)! - order.get(b.levelId)!);
  const table = auditTable(levels, results);
  process.stdout.write(`${table}\n`);
  process.stderr.write(
    `${setups} setups per level, sample seed ${seed}, seed search 0–${searchSeeds - 1}, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  for (const r of results) {
    for (const s of [...r.withoutIdea.winners, ...r.seedSearch.winners]) {
      process.stderr.write(`  ${r.levelId} won without its idea: ${JSON.stringify(s)}\n`);
    }
  }
  if (values.docs) {
    const path = join(ROOT, 'docs', 'levels.md');
    const text = readFileSync(path, 'utf8');
    const a = text.indexOf(BEGIN);
    const b = text.indexOf(END);
    if (a < 0 || b < a) {
      process.stderr.write(`levels-audit: ${path} lacks the ${BEGIN} … ${END} markers\n`);
      return 2;
    }
    const note = `\n${setups} random setups per level (sample seed ${seed}); the 3 strongest without the idea rerun with seeds 0 to ${searchSeeds - 1}. Written by \`npm run levels:audit -- --docs\`.\n\n`;
    writeFileSync(path, `${text.slice(0, a + BEGIN.length)}${note}${table}\n${text.slice(b)}`);
  }
  const failed = results.filter((r) => r.failures.length > 0);
  return values.check && failed.length ? 1 : 0;
}

if (isMainThread) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`levels-audit: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
} else {
  void work(workerData as Job).then((r) => parentPort!.postMessage(r));
}
