/**
 * The level audit: proof that a level teaches its idea. It trains the level's start setup (seeds
 * 1 to 5) and a balanced sample of random setups from everything the level allows (`sample.ts`),
 * half with the idea (`teaches.ts`) and half without, each judged exactly as the game judges it
 * (`runLevel`). A level passes when
 *
 * - the start setup fails with every seed,
 * - setups without the idea win at most `WITHOUT_MAX` of the time (the aim is never),
 * - the strongest setups without the idea (those that came closest to the goal) still lose with
 *   every seed of a search, as a player who keeps rerolling the seed would try, and
 * - setups with the idea win at least `WITH_MIN` of the time (a player can find a win, not only
 *   the reference).
 *
 * A run stops as soon as its verdict is certain: when the goal is met (unless it is judged at
 * the end), when it diverges, or at the budget. Deterministic: the same level, count and seed give
 * the same sample and the same table everywhere.
 */
import { formatPercent as pct } from '../engine/format.js';
import { namedDataShape } from '../data/index.js';
import { kernelRandom } from '../data/random.js';
import { runLevel, type ImageAssets, type LevelRunResult } from './judge.js';
import { rulesOf, startSetup } from './rules.js';
import { sampleSetup } from './sample.js';
import { hasIdea } from './teaches.js';
import type { Level, Setup } from './types.js';

/** Most wins allowed to setups without the idea. */
export const WITHOUT_MAX = 0.02;
/** Fewest wins setups with the idea must reach. */
export const WITH_MIN = 0.1;
/** Draws allowed per wanted setup before a level is declared unable to fill a half. */
const DRAWS_PER_SETUP = 400;

/** How hard to search for a lucky seed: the strongest setups without the idea, and the seeds. */
export interface SeedSearch {
  /** How many of the setups without the idea that came closest to the goal are searched. */
  setups: number;
  /** Each is trained with seeds 0 to seeds − 1 (the slider's first values). */
  seeds: number;
}

/** Wins among the setups of one half, with a few winning (or losing) examples to show. */
export interface AuditHalf {
  runs: number;
  wins: number;
  /** Up to three setups of this half that won (without the idea: how the level was fooled). */
  winners: Setup[];
}

export interface AuditResult {
  levelId: string;
  /** Seeds of the start setup that won (should be none). */
  startWins: number[];
  withIdea: AuditHalf;
  withoutIdea: AuditHalf;
  /** The strongest setups without the idea, each with every seed of the search. */
  seedSearch: AuditHalf;
  /** The broken rules, in words; empty when the level passes. */
  failures: string[];
  milliseconds: number;
}

/** A stable 32-bit seed per level id, so each level draws its own sample. */
function idSeed(id: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/**
 * Audits one level with `setups` random setups (half with the idea, half without; an odd count
 * gives the extra one to "with"), then the seed search. `seed` varies the sample. A level on
 * images needs its decoded image set in `images`.
 */
export function auditLevel(
  module: WebAssembly.Module,
  level: Level,
  setups: number,
  seed = 1,
  now: () => number = () => 0,
  search: SeedSearch = { setups: 3, seeds: 100 },
  images?: ImageAssets,
): AuditResult {
  const t0 = now();
  const rules = rulesOf(level);
  const shape = namedDataShape(level.data.name, level.data);
  if (!shape) throw new Error(`${level.id}: unknown data set ${level.data.name}`);
  const failures: string[] = [];
  const run = (s: Setup): LevelRunResult =>
    runLevel(module, level, { ...s, steps: level.stepBudget }, images);
  const play = (s: Setup): boolean => run(s).passed;
  // How close a losing run came: the goal metric, the higher the better.
  const closeness = (r: LevelRunResult): number => {
    const v = level.goal.metric === 'loss' ? -r.achieved : r.achieved;
    return Number.isNaN(v) ? -Infinity : v;
  };
  const strongest: { setup: Setup; closeness: number }[] = [];

  const startWins: number[] = [];
  const start = startSetup(rules);
  for (let s = 1; s <= 5; s++) if (play({ ...start, seed: s })) startWins.push(s);
  if (startWins.length) failures.push(`the start setup wins with seed ${startWins.join(', ')}`);

  const want = { with: Math.ceil(setups / 2), without: Math.floor(setups / 2) };
  const halves = {
    with: { runs: 0, wins: 0, winners: [] as Setup[] },
    without: { runs: 0, wins: 0, winners: [] as Setup[] },
  };
  const rand = kernelRandom(module, idSeed(level.id, seed));
  let draws = 0;
  while (
    (halves.with.runs < want.with || halves.without.runs < want.without) &&
    draws < DRAWS_PER_SETUP * setups
  ) {
    draws++;
    const setup = sampleSetup(rules, shape, rand);
    const half = hasIdea(level.teaches, setup) ? halves.with : halves.without;
    if (half.runs >= (half === halves.with ? want.with : want.without)) continue;
    half.runs++;
    const result = run(setup);
    if (result.passed) {
      half.wins++;
      if (half.winners.length < 3) half.winners.push(setup);
    } else if (half === halves.without) {
      strongest.push({ setup, closeness: closeness(result) });
    }
  }
  // The seed search: the losing setups without the idea that came closest, rerolled.
  strongest.sort((a, b) => b.closeness - a.closeness);
  const seedSearch: AuditHalf = { runs: 0, wins: 0, winners: [] };
  for (const { setup } of strongest.slice(0, search.setups)) {
    for (let s = 0; s < search.seeds; s++) {
      if (s === setup.seed) continue;
      seedSearch.runs++;
      if (play({ ...setup, seed: s })) {
        seedSearch.wins++;
        if (seedSearch.winners.length < 3) seedSearch.winners.push({ ...setup, seed: s });
      }
    }
  }
  if (seedSearch.wins) {
    failures.push(
      `the strongest setups without the idea win with ${seedSearch.wins} of ${seedSearch.runs} other seeds`,
    );
  }
  for (const [name, half, need] of [
    ['with', halves.with, want.with],
    ['without', halves.without, want.without],
  ] as const) {
    if (half.runs < need) {
      failures.push(
        `only ${half.runs} of ${need} setups ${name} the idea could be drawn: the level barely allows them`,
      );
    }
  }
  const rate = (h: AuditHalf): number => (h.runs ? h.wins / h.runs : 0);
  if (rate(halves.without) > WITHOUT_MAX) {
    failures.push(
      `setups without the idea win ${pct(rate(halves.without))} (at most ${pct(WITHOUT_MAX)} allowed)`,
    );
  }
  if (halves.with.runs && rate(halves.with) < WITH_MIN) {
    failures.push(
      `setups with the idea win only ${pct(rate(halves.with))} (at least ${pct(WITH_MIN)} needed)`,
    );
  }
  return {
    levelId: level.id,
    startWins,
    withIdea: halves.with,
    withoutIdea: halves.without,
    seedSearch,
    failures,
    milliseconds: now() - t0,
  };
}

/** The audit as a Markdown table, one row per level, for docs/levels.md and the terminal. */
export function auditTable(levels: readonly Level[], results: readonly AuditResult[]): string {
  const rows = [
    '| level | idea | start | with the idea | without the idea | its strongest, reseeded | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const level = levels.find((l) => l.id === r.levelId)!;
    const half = (h: AuditHalf): string =>
      `${h.wins} of ${h.runs} win (${pct(h.runs ? h.wins / h.runs : 0)})`;
    rows.push(
      `| \`${r.levelId}\` | ${level.teaches.idea} | ${r.startWins.length ? `wins (seed ${r.startWins.join(', ')})` : 'fails'} | ${half(r.withIdea)} | ${half(r.withoutIdea)} | ${half(r.seedSearch)} | ${r.failures.length ? `✗ ${r.failures.join('; ')}` : '✓'} |`,
    );
  }
  return rows.join('\n');
}
