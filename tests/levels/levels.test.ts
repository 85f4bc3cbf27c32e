import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpecError } from '../../src/engine/spec.js';
import {
  CHAPTERS,
  CHECK_EVERY,
  LEVELS,
  checkGoal,
  checkSpec,
  dataRequest,
  goalMet,
  isUnlocked,
  journeyProgress,
  levelById,
  rulesOf,
  runLevel,
  starsFor,
} from '../../src/levels/index.js';
import { parseLevel } from '../../src/levels/schema.js';
import type { Level } from '../../src/levels/types.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { loadLevelAssets } from '../../src/node/image-data.js';
import type { ImageAssets } from '../../src/levels/judge.js';

const DIR = join(import.meta.dirname, '../../levels');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const read = (file: string): unknown => JSON.parse(readFileSync(join(DIR, file), 'utf8'));

let module: WebAssembly.Module;
let images: ImageAssets;
beforeAll(async () => {
  module = await loadKernelModule('simd');
  images = await loadLevelAssets(LEVELS);
});

/** The message a broken level produces, or '' when it is accepted. */
function errorOf(raw: unknown, file?: string): string {
  try {
    parseLevel(raw, file);
    return '';
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.message;
  }
}

const xor = (): Record<string, unknown> =>
  structuredClone(read('c2-xor.json')) as Record<string, unknown>;

describe('level files', () => {
  it('every file validates and the loader holds them all, sorted', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(10);
    for (const file of FILES) expect(errorOf(read(file), `levels/${file}`)).toBe('');
    expect(LEVELS.length).toBe(FILES.length);
    for (let i = 1; i < LEVELS.length; i++) {
      const a = LEVELS[i - 1]!;
      const b = LEVELS[i]!;
      expect(a.chapter < b.chapter || (a.chapter === b.chapter && a.order < b.order)).toBe(true);
    }
  });

  it('ids are unique and levelById finds each one', () => {
    const ids = LEVELS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const l of LEVELS) expect(levelById(l.id)).toBe(l);
    expect(levelById('c9-nope')).toBeUndefined();
  });

  it('covers chapters 0–7 with the planned number of levels', () => {
    expect(CHAPTERS.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const count = (c: number): number => LEVELS.filter((l) => l.chapter === c).length;
    expect(count(0)).toBeGreaterThanOrEqual(2);
    expect(count(1)).toBeGreaterThanOrEqual(2);
    expect(count(2)).toBeGreaterThanOrEqual(4);
    expect(count(3)).toBeGreaterThanOrEqual(2);
    expect(count(4)).toBeGreaterThanOrEqual(3);
    expect(count(5)).toBeGreaterThanOrEqual(3);
    expect(count(6)).toBeGreaterThanOrEqual(3);
    expect(count(7)).toBeGreaterThanOrEqual(3);
  });
});

describe('the timeline', () => {
  // Chapters follow the ideas, which mostly follow history: convolutional networks (1989 on)
  // come after overfitting (2012–2014) because a CNN is built from what the chapters before teach,
  // and recurrent networks (1990 on) come after the images, as sequences come after pictures.
  it("each chapter spans its levels' years, and chapters start in time order but one", () => {
    let before = -Infinity;
    let backwards = 0;
    for (const c of CHAPTERS) {
      const years = LEVELS.filter((l) => l.chapter === c.index).map((l) => l.year);
      const [lo, hi] = [Math.min(...years), Math.max(...years)];
      expect(c.years, c.title).toBe(lo === hi ? String(lo) : `${lo}–${hi}`);
      if (lo <= before) backwards++;
      // Chapters 5 and 6 each go back once more: recurrent networks (1990) and the LSTM (1997).
      expect(backwards, c.title).toBeLessThanOrEqual(Math.max(0, c.index - 3));
      before = hi;
      // Within a chapter the levels go forward in time too.
      const ordered = LEVELS.filter((l) => l.chapter === c.index).map((l) => l.year);
      expect(ordered, c.title).toEqual([...ordered].sort((a, b) => a - b));
    }
  });
});

describe('every level can be won, and its naive network loses', () => {
  for (const file of FILES) {
    const id = file.replace(/\.json$/, '');
    it(id, () => {
      const level = levelById(id)!;
      const t0 = performance.now();
      const ref = runLevel(module, level, level.reference, images);
      const ms = performance.now() - t0;
      const naive = runLevel(module, level, level.naive, images);
      const { metric, split, threshold } = level.goal;
      const op = metric === 'loss' ? '≤' : '≥';
      const row =
        `${id}: goal ${split} ${metric} ${op} ${threshold} | reference ${ref.achieved.toPrecision(4)} ` +
        `at step ${ref.steps} (${ref.params} params, ${ms.toFixed(0)} ms) | naive ` +
        `${naive.achieved.toPrecision(4)} after ${naive.steps} steps` +
        `${naive.diverged ? ' (diverged)' : ''}`;
      console.log(row);
      expect(ref.passed, `reference of ${id}`).toBe(true);
      expect(ref.diverged).toBe(false);
      expect(ref.steps % CHECK_EVERY === 0 || ref.steps === level.stepBudget).toBe(true);
      expect(naive.passed, `naive of ${id}`).toBe(false);
      // A goal judged at the end always trains the whole budget.
      if (level.goal.atEnd)
        expect(ref.steps).toBe(Math.min(level.reference.steps, level.stepBudget));
    });
  }
});

describe('parseLevel error messages name the field', () => {
  it('accepts the untouched file', () => {
    expect(errorOf(xor(), 'levels/c2-xor.json')).toBe('');
  });

  it('reports an unknown key', () => {
    const raw = { ...xor(), colour: 'red' };
    expect(errorOf(raw, 'levels/c2-xor.json')).toContain(
      'levels/c2-xor.json: colour is not a known field',
    );
    const goal = xor();
    (goal['goal'] as Record<string, unknown>)['tresh'] = 1;
    expect(errorOf(goal)).toContain('goal.tresh is not a known field');
  });

  it('reports wrong types', () => {
    const raw = xor();
    raw['stepBudget'] = '800';
    raw['title'] = 7;
    (raw['blocks'] as Record<string, unknown>)['dropout'] = 'no';
    const msg = errorOf(raw);
    expect(msg).toContain('stepBudget must be an integer from 1 to');
    expect(msg).toContain('title must be a non-empty text');
    expect(msg).toContain('blocks.dropout must be true or false, got "no"');
  });

  it('reports a bad threshold', () => {
    const raw = xor();
    (raw['goal'] as Record<string, unknown>)['threshold'] = 'x';
    expect(errorOf(raw, 'levels/c2-xor.json')).toContain(
      'levels/c2-xor.json: goal.threshold must be a number from 0 to 1, got "x"',
    );
    (raw['goal'] as Record<string, unknown>)['threshold'] = 1.5;
    expect(errorOf(raw)).toContain('goal.threshold must be a number from 0 to 1, got 1.5');
  });

  it('reports an over-long briefing', () => {
    const raw = xor();
    raw['briefing'] = 'word '.repeat(121);
    expect(errorOf(raw)).toContain('briefing must be at most 120 words, got 121');
  });

  it('reports a reference that uses a block the level does not offer', () => {
    const raw = xor();
    const ref = raw['reference'] as Record<string, unknown>;
    ref['spec'] = {
      layers: [
        { type: 'dense', units: 8, activation: 'leaky_relu' },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: 1, activation: 'sigmoid' },
      ],
    };
    const msg = errorOf(raw);
    expect(msg).toContain(
      "reference.spec breaks the level's blocks: This level has no dropout block.",
    );
    expect(msg).toContain('does not offer the leaky_relu activation');
  });

  it('reports specs and options with their paths', () => {
    const raw = xor();
    (raw['start'] as { layers: Array<Record<string, unknown>> }).layers[0]!['units'] = 0;
    (raw['reference'] as Record<string, unknown>)['options'] = { lr: 'fast' };
    (raw['naive'] as Record<string, unknown>)['spec'] = { layers: [{ type: 'dense', units: 2 }] };
    const msg = errorOf(raw);
    expect(msg).toContain('start.layers[0].units must be an integer from 1 to 4096, got 0');
    expect(msg).toContain('reference.options.lr must be a number');
    expect(msg).toContain('naive.spec.layers[0].units must be 1 to match one yes/no output of xor');
  });

  it('checks consistency: id and file, settings ranges, reference within settings', () => {
    const raw = xor();
    const settings = raw['settings'] as Record<string, Record<string, unknown>>;
    settings['lr']!['value'] = 5;
    settings['batch']!['min'] = 64;
    const msg = errorOf(raw, 'levels/c2-xor-copy.json');
    expect(msg).toContain('id must match the file name "c2-xor-copy"');
    expect(msg).toContain('settings.lr.value must be a number from 0.01 to 3, got 5');
    expect(msg).toContain('settings.batch.min must not exceed max 32, got 64');
    // The reference must be reachable with the level's own settings.
    const off = xor();
    (off['reference'] as Record<string, unknown>)['options'] = {
      optimizer: 'adam',
      lr: 5,
      batch: 32,
    };
    const msg2 = errorOf(off);
    expect(msg2).toContain("reference.options.optimizer must be one of the level's choices (sgd)");
    expect(msg2).toContain(
      "reference.options.lr must be within the level's range 0.01 to 3, got 5",
    );
    const locked = xor();
    (locked['reference'] as Record<string, unknown>)['options'] = {
      optimizer: 'sgd',
      lr: 0.3,
      batch: 16,
    };
    expect(errorOf(locked)).toContain(
      'reference.options.batch must be the locked value 32, got 16',
    );
  });

  it('checks the data options', () => {
    const raw = xor();
    raw['data'] = { name: 'iris', seed: 1, noise: 0.1 };
    expect(errorOf(raw)).toContain('data.noise applies only to generated data sets');
    raw['data'] = { name: 'xor', seed: -1, arms: 3 };
    const msg = errorOf(raw);
    expect(msg).toContain('data.seed must be an integer from 0 to 4294967295, got -1');
    raw['data'] = { name: 'xor', seed: 1, arms: 3 };
    expect(errorOf(raw)).toContain('option "arms" is not used by this data set');
    raw['data'] = { name: 'mnist', seed: 1 };
    expect(errorOf(raw)).toContain('data.name must be one of line, blobs');
  });

  it('checks goal.atEnd and its stars', () => {
    const raw = xor();
    (raw['goal'] as Record<string, unknown>)['atEnd'] = 'yes';
    expect(errorOf(raw)).toContain('goal.atEnd must be true or false, got "yes"');
    (raw['goal'] as Record<string, unknown>)['atEnd'] = true;
    expect(errorOf(raw)).toContain(
      'stars.steps must equal the stepBudget 800 when goal.atEnd is true, got 200',
    );
    (raw['stars'] as Record<string, unknown>)['steps'] = 800;
    expect(errorOf(raw)).toBe('');
  });

  it("refuses a loss goal scored with another loss than the task's", () => {
    const raw = xor();
    raw['goal'] = { metric: 'loss', split: 'validation', threshold: 0.3 };
    const naive = raw['naive'] as Record<string, Record<string, unknown>>;
    naive['spec'] = { ...naive['spec'], loss: 'mse' };
    expect(errorOf(raw)).toContain(
      'naive.spec.loss must be bce when the goal is a loss (losses of different kinds cannot be compared), got "mse"',
    );
  });

  it('refuses something that is not an object', () => {
    expect(errorOf(null, 'levels/x.json')).toBe('levels/x.json: level must be an object, got null');
  });
});

describe('rules', () => {
  const level = (): Level => structuredClone(levelById('c2-xor')!);

  it('journeyProgress: stars of the levels that exist, of three each, and the levels still without one', () => {
    const [a, b] = LEVELS;
    expect(journeyProgress({})).toEqual({
      earned: 0,
      possible: 3 * LEVELS.length,
      waiting: LEVELS.length,
    });
    expect(journeyProgress({ [a!.id]: 3, [b!.id]: 1, 'c9-gone': 3 })).toEqual({
      earned: 4,
      possible: 3 * LEVELS.length,
      waiting: LEVELS.length - 2,
    });
  });

  it('isUnlocked: the first level is open, each next one after a star on the previous, and any with a star', () => {
    const [a, b, c] = LEVELS;
    expect(isUnlocked(a!.id, {})).toBe(true);
    expect(isUnlocked(b!.id, {})).toBe(false);
    expect(isUnlocked(b!.id, { [a!.id]: 0 })).toBe(false);
    expect(isUnlocked(b!.id, { [a!.id]: 1 })).toBe(true);
    expect(isUnlocked(c!.id, { [a!.id]: 3 })).toBe(false);
    expect(isUnlocked(c!.id, { [b!.id]: 2 })).toBe(true);
    expect(isUnlocked('c9-missing', {})).toBe(false);
    // Across a chapter boundary: the first level of chapter 1 needs the last of chapter 0.
    const firstOf1 = LEVELS.findIndex((l) => l.chapter === 1);
    expect(isUnlocked(LEVELS[firstOf1]!.id, { [LEVELS[firstOf1 - 1]!.id]: 1 })).toBe(true);
    // A level won out of order (through a share link) is open, and opens the one after it.
    const last = LEVELS.at(-1)!;
    expect(isUnlocked(last.id, { [last.id]: 1 })).toBe(true);
    expect(isUnlocked(c!.id, { [c!.id]: 2 })).toBe(true);
    expect(isUnlocked(LEVELS[3]!.id, { [c!.id]: 2 })).toBe(true);
    expect(isUnlocked(last.id, { [last.id]: 0 })).toBe(false);
    expect(isUnlocked('c9-missing', { 'c9-missing': 3 })).toBe(false);
  });

  it('starsFor: 0 failed, 1 passed, 2 small enough, 3 small and quick', () => {
    const l = level();
    const { params, steps } = l.stars;
    expect(starsFor(l, false, 1, 1)).toBe(0);
    expect(starsFor(l, true, params + 1, 1)).toBe(1);
    expect(starsFor(l, true, params, steps + 1)).toBe(2);
    expect(starsFor(l, true, params, steps)).toBe(3);
    expect(starsFor(l, true, 1, 1)).toBe(3);
  });

  it('checkSpec: allowed networks pass; each rule speaks in plain words', () => {
    const l = level();
    expect(checkSpec(rulesOf(l), l.start)).toEqual([]);
    expect(checkSpec(rulesOf(l), l.reference.spec)).toEqual([]);
    const tooDeep = {
      layers: [
        { type: 'dense' as const, units: 4, activation: 'relu' as const },
        { type: 'dense' as const, units: 4, activation: 'relu' as const },
        { type: 'dense' as const, units: 4, activation: 'relu' as const },
        { type: 'dense' as const, units: 1, activation: 'sigmoid' as const },
      ],
    };
    expect(checkSpec(rulesOf(l), tooDeep)).toEqual([
      'This level allows at most 3 layers; this network has 4.',
    ]);
    expect(
      checkSpec(rulesOf(l), {
        layers: [
          { type: 'dense', units: 64, activation: 'leaky_relu' },
          { type: 'dropout', rate: 0.5 },
          { type: 'dense', units: 1, activation: 'sigmoid' },
        ],
      }),
    ).toEqual([
      'Layer 1 has 64 units; this level allows at most 8.',
      'This level does not offer the leaky_relu activation (it offers: relu, tanh, sigmoid).',
      'This level has no dropout block.',
    ]);
    // Layer types of the registry a level does not offer are refused, each once, by name.
    expect(
      checkSpec(rulesOf(l), {
        layers: [
          { type: 'dense', units: 4, activation: 'relu' },
          { type: 'batchnorm' },
          { type: 'dense', units: 4, activation: 'relu' },
          { type: 'add', from: 0 },
          { type: 'batchnorm' },
          { type: 'dense', units: 1 },
        ],
      }),
    ).toEqual([
      'This level allows at most 3 layers; this network has 6.',
      'This level has no batch norm block.',
      'This level has no add (residual) block.',
    ]);
    // A level with fixed dense layers refuses a different shape.
    const line = levelById('c0-line')!;
    expect(checkSpec(rulesOf(line), line.start)).toEqual([]);
    expect(
      checkSpec(rulesOf(line), {
        layers: [
          { type: 'dense', units: 1 },
          { type: 'dense', units: 1 },
        ],
      }),
    ).toEqual([
      'This level allows at most 1 layer; this network has 2.',
      'This level keeps the dense layers as they start (one layer of 1 unit, starting from zero weights).',
    ]);
    // … and a different start for its weights: no seed may hand the line a lucky start.
    expect(
      checkSpec(rulesOf(line), { layers: [{ type: 'dense', units: 1, init: 'he_normal' }] }),
    ).toEqual([
      'This level keeps the dense layers as they start (one layer of 1 unit, starting from zero weights).',
    ]);
    expect(checkSpec(rulesOf(line), { layers: [{ type: 'dense', units: 1 }] })).toHaveLength(1);
  });

  it('goalMet: loss at or below, accuracy at or above; null accuracy and NaN loss never meet', () => {
    const loss = { metric: 'loss' as const, split: 'validation' as const, threshold: 0.5 };
    const acc = { metric: 'accuracy' as const, split: 'test' as const, threshold: 0.9 };
    expect(goalMet(loss, { loss: 0.5, accuracy: null })).toBe(true);
    expect(goalMet(loss, { loss: 0.51, accuracy: 1 })).toBe(false);
    expect(goalMet(loss, { loss: NaN, accuracy: null })).toBe(false);
    expect(goalMet(acc, { loss: 9, accuracy: 0.9 })).toBe(true);
    expect(goalMet(acc, { loss: 0, accuracy: 0.89 })).toBe(false);
    expect(goalMet(acc, { loss: 0, accuracy: null })).toBe(false);
  });

  it('checkGoal: a met goal wins early unless it is judged at the end; the limit decides', () => {
    const goal = { metric: 'loss' as const, split: 'validation' as const, threshold: 0.5 };
    const good = { loss: 0.4, accuracy: null };
    const bad = { loss: 0.6, accuracy: null };
    expect(checkGoal(goal, good, 100, 1000)).toBe('passed');
    expect(checkGoal(goal, bad, 100, 1000)).toBe('continue');
    expect(checkGoal(goal, bad, 1000, 1000)).toBe('failed');
    const atEnd = { ...goal, atEnd: true };
    expect(checkGoal(atEnd, good, 100, 1000)).toBe('continue');
    expect(checkGoal(atEnd, good, 1000, 1000)).toBe('passed');
    expect(checkGoal(atEnd, bad, 1000, 1000)).toBe('failed');
  });

  it('dataRequest passes only the fields the level sets', () => {
    expect(dataRequest(levelById('c2-spiral')!)).toEqual({ name: 'spiral', seed: 1, arms: 3 });
    expect(dataRequest(levelById('c0-diabetes')!)).toEqual({ name: 'diabetes', seed: 1 });
    expect(dataRequest(levelById('c3-l2')!)).toEqual({
      name: 'moons',
      seed: 2,
      n: 100,
      noise: 0.4,
    });
  });

  it('runLevel stops at the run steps when they are below the budget, and reports divergence', () => {
    const l = levelById('c0-line')!;
    const short = runLevel(module, l, { ...l.naive, steps: 60 });
    expect(short).toMatchObject({ passed: false, steps: 60, params: 2, diverged: false });
    const hot = runLevel(module, l, { ...l.reference, options: { optimizer: 'sgd', lr: 5 } });
    expect(hot.passed).toBe(false);
    expect(hot.diverged).toBe(true);
  });
});
