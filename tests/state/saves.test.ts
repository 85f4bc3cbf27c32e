import { describe, expect, it } from 'vitest';
import {
  BACKUP_KEY,
  DEFAULT_SETTINGS,
  SAVE_KEY,
  SAVE_VERSION,
  SaveStore,
  browserStorage,
} from '../../src/game/state/saves.js';
import { SpecError } from '../../src/engine/spec.js';
import { ladderDone } from '../../src/game/state/ladder-save.js';
import { MemoryStorage, attempt } from './helpers.js';

/** JSON being damaged on purpose: any shape goes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

function stored(storage: MemoryStorage): {
  version: number;
  settings: unknown;
  levels: Record<string, unknown>;
} {
  return JSON.parse(storage.map.get(SAVE_KEY) ?? 'null');
}

/** A storage holding a save written by the store itself, with two levels and custom settings. */
function goodSave(): MemoryStorage {
  const storage = new MemoryStorage();
  const store = new SaveStore(storage);
  store.record(attempt({ levelId: 'c1-line', stars: 3 }));
  store.record(attempt({ levelId: 'c2-xor', stars: 2 }));
  store.record(attempt({ levelId: 'c3-spiral', stars: 1 }));
  store.updateSettings({ muted: true, speed: 4, logScale: true });
  return storage;
}

describe('SaveStore: a clean start and a round trip', () => {
  it('starts empty, without notices, from an empty storage', () => {
    const store = new SaveStore(new MemoryStorage());
    expect(store.notices).toEqual([]);
    expect(store.settings()).toEqual(DEFAULT_SETTINGS);
    expect(store.starsByLevel()).toEqual({});
    expect(store.progress('c2-xor')).toEqual({ stars: 0, best: null, recent: [] });
  });

  it('persists progress and settings and reads them back without notices', () => {
    const storage = goodSave();
    expect(stored(storage).version).toBe(SAVE_VERSION);
    const again = new SaveStore(storage);
    expect(again.notices).toEqual([]);
    expect(again.starsByLevel()).toEqual({ 'c1-line': 3, 'c2-xor': 2, 'c3-spiral': 1 });
    expect(again.settings()).toEqual({ muted: true, speed: 4, logScale: true });
    expect(again.progress('c2-xor').best).toEqual(attempt({ levelId: 'c2-xor', stars: 2 }));
    expect(storage.map.has(BACKUP_KEY)).toBe(false);
  });

  it('keeps a diverged attempt (achieved NaN) across a reload', () => {
    const storage = new MemoryStorage();
    new SaveStore(storage).record(attempt({ achieved: NaN, passed: false, stars: 0 }));
    const again = new SaveStore(storage);
    expect(again.notices).toEqual([]);
    expect(again.progress('c2-xor').recent[0]?.achieved).toBeNaN();
  });

  it('keeps the data settings an attempt was trained with, and drops a damaged record', () => {
    const storage = new MemoryStorage();
    const noisy = attempt({ levelId: 'c2-circles', data: { noise: 0.12 } });
    new SaveStore(storage).record(noisy);
    expect(new SaveStore(storage).progress('c2-circles').best).toEqual(noisy);
    const raw = stored(storage) as Loose;
    raw['levels']['c2-circles'].best.data = { noise: 3 };
    storage.map.set(SAVE_KEY, JSON.stringify(raw));
    const again = new SaveStore(storage);
    expect(again.progress('c2-circles').best).toBeNull();
    expect(again.notices.join(' ')).toMatch(/record for level "c2-circles" was damaged/);
  });

  it('hands out copies that cannot change the store', () => {
    const store = new SaveStore(new MemoryStorage());
    store.record(attempt());
    const progress = store.progress('c2-xor');
    progress.stars = 3;
    progress.recent.length = 0;
    const settings = store.settings();
    settings.speed = 8;
    expect(store.progress('c2-xor').stars).toBe(1);
    expect(store.progress('c2-xor').recent).toHaveLength(1);
    expect(store.settings().speed).toBe(1);
  });
});

describe('SaveStore: damaged and foreign saves', () => {
  it('starts fresh from unparseable JSON, says so, and backs the text up', () => {
    const storage = new MemoryStorage();
    storage.map.set(SAVE_KEY, '{"version":1,"levels":{');
    const store = new SaveStore(storage);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatch(/damaged.*starts fresh/);
    expect(store.starsByLevel()).toEqual({});
    expect(storage.map.get(BACKUP_KEY)).toBe('{"version":1,"levels":{');
    store.record(attempt());
    expect(stored(storage).levels).toHaveProperty('c2-xor');
  });

  it.each([
    ['null', 'null'],
    ['a list', '[1,2]'],
    ['no version', '{"levels":{}}'],
    ['version 0', '{"version":0,"levels":{}}'],
    ['version as text', '{"version":"1","levels":{}}'],
    ['fractional version', '{"version":1.5}'],
  ])('treats %s as a damaged save', (_name, text) => {
    const storage = new MemoryStorage();
    storage.map.set(SAVE_KEY, text);
    const store = new SaveStore(storage);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatch(/damaged/);
  });

  it('leaves a newer version untouched, plays in memory, and only reset() overwrites it', () => {
    const storage = new MemoryStorage();
    const future = JSON.stringify({ version: SAVE_VERSION + 1, whatever: { new: 'shape' } });
    storage.map.set(SAVE_KEY, future);
    const store = new SaveStore(storage);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatch(/newer version/);
    store.record(attempt({ stars: 2 }));
    store.updateSettings({ muted: true });
    expect(store.progress('c2-xor').stars).toBe(2);
    expect(store.settings().muted).toBe(true);
    expect(storage.map.get(SAVE_KEY)).toBe(future);
    expect(storage.writes).toBe(0);
    store.reset();
    expect(stored(storage).version).toBe(SAVE_VERSION);
  });

  it('resets only the one damaged level record and names it', () => {
    const storage = goodSave();
    const save = stored(storage);
    (save.levels['c2-xor'] as { stars: unknown }).stars = 'lots';
    storage.map.set(SAVE_KEY, JSON.stringify(save));
    const store = new SaveStore(storage);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toContain('"c2-xor"');
    expect(store.notices[0]).not.toContain('c1-line');
    expect(store.starsByLevel()).toEqual({ 'c1-line': 3, 'c3-spiral': 1 });
    expect(store.progress('c2-xor')).toEqual({ stars: 0, best: null, recent: [] });
    expect(store.settings()).toEqual({ muted: true, speed: 4, logScale: true });
    expect(storage.map.has(BACKUP_KEY)).toBe(true);
  });

  const damages: [string, (level: Loose) => void][] = [
    ['no star count', (l) => delete l['stars']],
    ['stars out of range', (l) => (l['stars'] = 4)],
    ['a NaN-ish star count', (l) => (l['stars'] = null)],
    ['an attempt with a bad spec', (l) => (l['best'].spec.layers[0].units = 0)],
    ['an attempt with an unknown layer type', (l) => (l['recent'][0].spec.layers[0].type = 'conv')],
    ['an attempt with lr null (NaN)', (l) => (l['recent'][0].options.lr = null)],
    ['an attempt with options missing', (l) => delete l['best'].options],
    ['an attempt with an unknown optimizer', (l) => (l['best'].options.optimizer = 'lion')],
    ['an attempt for another level', (l) => (l['best'].levelId = 'c1-line')],
    ['an attempt with a negative seed', (l) => (l['best'].seed = -1)],
    ['an attempt with fractional steps', (l) => (l['best'].steps = 1.5)],
    ['an attempt with passed as text', (l) => (l['best'].passed = 'yes')],
    ['an attempt with achieved as text', (l) => (l['best'].achieved = '0.1')],
    ['a failed best', (l) => (l['best'].passed = false)],
    ['recent not a list', (l) => (l['recent'] = {})],
    ['six recent attempts', (l) => (l['recent'] = Array(6).fill(l['best']))],
    ['an attempt with more stars than the level', (l) => (l['best'].stars = 3)],
  ];
  it.each(damages)('resets a level with %s', (_name, damage) => {
    const storage = goodSave();
    const save = stored(storage);
    damage(save.levels['c2-xor'] as Loose);
    storage.map.set(SAVE_KEY, JSON.stringify(save));
    const store = new SaveStore(storage);
    expect(store.notices).toEqual([expect.stringContaining('"c2-xor"')]);
    expect(store.starsByLevel()).toEqual({ 'c1-line': 3, 'c3-spiral': 1 });
  });

  it('drops a record stored under an id that is not a level id', () => {
    const storage = goodSave();
    const save = stored(storage);
    save.levels['NOT A LEVEL'] = save.levels['c2-xor'];
    storage.map.set(SAVE_KEY, JSON.stringify(save));
    const store = new SaveStore(storage);
    expect(store.notices).toEqual([expect.stringContaining('"NOT A LEVEL"')]);
    expect(Object.keys(store.starsByLevel()).sort()).toEqual(['c1-line', 'c2-xor', 'c3-spiral']);
  });

  it('names several damaged levels in one notice', () => {
    const storage = goodSave();
    const save = stored(storage);
    save.levels['c1-line'] = 'garbage';
    save.levels['c3-spiral'] = null;
    storage.map.set(SAVE_KEY, JSON.stringify(save));
    const store = new SaveStore(storage);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatch(/"c1-line", "c3-spiral".*those levels/);
    expect(store.starsByLevel()).toEqual({ 'c2-xor': 2 });
  });

  it('resets every level, keeping settings, when the level table itself is damaged', () => {
    const storage = goodSave();
    const save = stored(storage);
    (save as { levels: unknown }).levels = [1, 2, 3];
    storage.map.set(SAVE_KEY, JSON.stringify(save));
    const store = new SaveStore(storage);
    expect(store.notices).toEqual([expect.stringMatching(/every level starts fresh/)]);
    expect(store.starsByLevel()).toEqual({});
    expect(store.settings()).toEqual({ muted: true, speed: 4, logScale: true });
  });

  it('resets only the damaged settings and keeps progress', () => {
    const storage = goodSave();
    const save = stored(storage);
    save.settings = { muted: 'loud', speed: 3, logScale: true, futureThing: 1 };
    storage.map.set(SAVE_KEY, JSON.stringify(save));
    const store = new SaveStore(storage);
    expect(store.notices).toEqual([expect.stringContaining('(muted, speed)')]);
    expect(store.settings()).toEqual({ muted: false, speed: 1, logScale: true });
    expect(store.starsByLevel()).toEqual({ 'c1-line': 3, 'c2-xor': 2, 'c3-spiral': 1 });
  });

  it('falls back to default settings when the settings are not an object', () => {
    const storage = goodSave();
    const save = stored(storage);
    save.settings = 'loud';
    storage.map.set(SAVE_KEY, JSON.stringify(save));
    const store = new SaveStore(storage);
    expect(store.notices).toEqual([expect.stringMatching(/settings were damaged/)]);
    expect(store.settings()).toEqual(DEFAULT_SETTINGS);
    expect(store.starsByLevel()).toEqual({ 'c1-line': 3, 'c2-xor': 2, 'c3-spiral': 1 });
  });

  it('fills absent fields with defaults silently', () => {
    const storage = new MemoryStorage();
    storage.map.set(SAVE_KEY, JSON.stringify({ version: 1, settings: { speed: 2 } }));
    const store = new SaveStore(storage);
    expect(store.notices).toEqual([]);
    expect(store.settings()).toEqual({ ...DEFAULT_SETTINGS, speed: 2 });
  });
});

describe('SaveStore: storage that fails', () => {
  it('works in memory with a notice when there is no storage', () => {
    const store = new SaveStore(null);
    expect(store.notices).toEqual([expect.stringMatching(/only until the page is closed/)]);
    store.record(attempt());
    store.updateSettings({ speed: 8 });
    expect(store.progress('c2-xor').stars).toBe(1);
    expect(store.settings().speed).toBe(8);
  });

  it('works in memory, and never writes, when reading throws', () => {
    const storage = goodSave();
    const before = storage.map.get(SAVE_KEY);
    storage.failGet = true;
    const store = new SaveStore(storage);
    expect(store.notices).toEqual([expect.stringMatching(/could not be opened/)]);
    storage.failGet = false;
    store.record(attempt({ levelId: 'c9-new' }));
    store.reset();
    expect(storage.map.get(SAVE_KEY)).toBe(before);
  });

  it('turns a quota error into one notice, keeps playing, and saves once space frees up', () => {
    const storage = new MemoryStorage();
    const store = new SaveStore(storage);
    storage.failSet = true;
    expect(() => store.record(attempt())).not.toThrow();
    expect(() => store.record(attempt({ stars: 2 }))).not.toThrow();
    expect(() => store.updateSettings({ muted: true })).not.toThrow();
    expect(() => store.reset()).not.toThrow();
    expect(store.notices).toEqual([expect.stringMatching(/could not be saved/)]);
    store.record(attempt({ stars: 2 }));
    storage.failSet = false;
    store.record(attempt({ stars: 3 }));
    expect(new SaveStore(storage).progress('c2-xor').stars).toBe(3);
  });

  it('browserStorage() gives null in Node, where there is no localStorage', () => {
    expect(browserStorage()).toBeNull();
  });
});

describe('SaveStore: records', () => {
  it('keeps the most stars ever earned', () => {
    const store = new SaveStore(new MemoryStorage());
    store.record(attempt({ stars: 2 }));
    expect(store.record(attempt({ stars: 0, passed: false })).stars).toBe(2);
    expect(store.record(attempt({ stars: 3 })).stars).toBe(3);
  });

  it('picks as best the passed attempt with most stars, then fewest params, then fewest steps', () => {
    const store = new SaveStore(new MemoryStorage());
    const failed = attempt({ passed: false, stars: 0, params: 1, steps: 1 });
    expect(store.record(failed).best).toBeNull();
    const a = attempt({ stars: 1, params: 50, steps: 900, seed: 1 });
    expect(store.record(a).best).toEqual(a);
    const moreStars = attempt({ stars: 2, params: 99, steps: 999, seed: 2 });
    expect(store.record(moreStars).best).toEqual(moreStars);
    expect(store.record(attempt({ stars: 1, params: 5, steps: 5, seed: 3 })).best).toEqual(
      moreStars,
    );
    const fewerParams = attempt({ stars: 2, params: 40, steps: 5000, seed: 4 });
    expect(store.record(fewerParams).best).toEqual(fewerParams);
    expect(store.record(attempt({ stars: 2, params: 41, steps: 1, seed: 5 })).best).toEqual(
      fewerParams,
    );
    const fewerSteps = attempt({ stars: 2, params: 40, steps: 4000, seed: 6 });
    expect(store.record(fewerSteps).best).toEqual(fewerSteps);
    // A full tie keeps the earlier best.
    expect(store.record(attempt({ stars: 2, params: 40, steps: 4000, seed: 7 })).best).toEqual(
      fewerSteps,
    );
    expect(store.record(attempt({ passed: false, stars: 0, params: 1, steps: 1 })).best).toEqual(
      fewerSteps,
    );
  });

  it('keeps the five latest attempts, newest first, passed or not', () => {
    const store = new SaveStore(new MemoryStorage());
    for (let seed = 1; seed <= 8; seed++)
      store.record(attempt({ seed, passed: seed % 2 === 0, stars: seed % 2 }));
    const recent = store.progress('c2-xor').recent;
    expect(recent.map((a) => a.seed)).toEqual([8, 7, 6, 5, 4]);
  });

  it('keeps levels apart', () => {
    const store = new SaveStore(new MemoryStorage());
    store.record(attempt({ levelId: 'c1-line', stars: 3 }));
    store.record(attempt({ levelId: 'c2-xor', stars: 1 }));
    expect(store.progress('c1-line').recent).toHaveLength(1);
    expect(store.starsByLevel()).toEqual({ 'c1-line': 3, 'c2-xor': 1 });
  });

  it('refuses an invalid attempt with a SpecError and records nothing', () => {
    const storage = new MemoryStorage();
    const store = new SaveStore(storage);
    expect(() => store.record(attempt({ levelId: 'Bad Id' }))).toThrow(SpecError);
    expect(() => store.record(attempt({ stars: 4 }))).toThrow(/stars/);
    expect(() => store.record(attempt({ options: { ...attempt().options, lr: NaN } }))).toThrow(
      /lr/,
    );
    expect(store.starsByLevel()).toEqual({});
    expect(storage.writes).toBe(0);
  });

  it('reset() erases progress, keeps settings, and saves', () => {
    const storage = goodSave();
    const store = new SaveStore(storage);
    store.reset();
    expect(store.starsByLevel()).toEqual({});
    expect(store.settings()).toEqual({ muted: true, speed: 4, logScale: true });
    const again = new SaveStore(storage);
    expect(again.starsByLevel()).toEqual({});
    expect(again.settings().speed).toBe(4);
  });
});

describe('SaveStore: settings', () => {
  it('accepts every offered speed', () => {
    const store = new SaveStore(new MemoryStorage());
    for (const speed of [1, 2, 4, 8]) {
      store.updateSettings({ speed });
      expect(store.settings().speed).toBe(speed);
    }
  });

  it.each([
    [{ speed: 3 }, /speed/],
    [{ speed: NaN }, /speed/],
    [{ muted: 'yes' as unknown as boolean }, /muted/],
    [{ logScale: 1 as unknown as boolean }, /logScale/],
    [{ volume: 5 } as unknown as { speed: number }, /not a known setting/],
  ])('refuses %j and changes nothing', (patch, message) => {
    const store = new SaveStore(new MemoryStorage());
    expect(() => store.updateSettings({ muted: true, ...patch })).toThrow(message);
    expect(store.settings()).toEqual(DEFAULT_SETTINGS);
  });
});

describe('SaveStore: the epilogue’s ladder', () => {
  const rung = (loss: number) => ({
    params: 9755,
    loss,
    curve: [
      { flops: 9e9, loss: 2.4 },
      { flops: 9e10, loss },
    ],
  });

  it('keeps trained rungs across a reload, and is done when every rung is there', () => {
    const storage = new MemoryStorage();
    const store = new SaveStore(storage);
    store.recordRung('tiny', rung(1.99));
    const again = new SaveStore(storage);
    expect(again.notices).toEqual([]);
    expect(again.ladder()).toEqual({ tiny: rung(1.99) });
    expect(ladderDone(again.ladder())).toBe(false);
    for (const id of ['small', 'medium', 'large', 'huge']) again.recordRung(id, rung(1.8));
    expect(ladderDone(new SaveStore(storage).ladder())).toBe(true);
    again.reset();
    expect(new SaveStore(storage).ladder()).toEqual({});
  });

  it('drops a damaged or unknown rung with a notice and keeps the rest', () => {
    const storage = new MemoryStorage();
    storage.map.set(
      SAVE_KEY,
      JSON.stringify({
        version: SAVE_VERSION,
        ladder: {
          tiny: rung(1.99),
          small: { ...rung(1.8), loss: 'low' },
          giant: rung(1.5),
          medium: { ...rung(1.8), curve: [{ flops: -1, loss: 2 }] },
        },
      }),
    );
    const store = new SaveStore(storage);
    expect(store.ladder()).toEqual({ tiny: rung(1.99) });
    expect(store.notices).toEqual([
      'Some of the scaling ladder you trained was damaged in the save, so those rungs train again; the rest of your progress is kept.',
    ]);
    expect(storage.map.get(BACKUP_KEY)).toBeDefined();
  });

  it('refuses a rung the game could not have trained, naming the field', () => {
    const store = new SaveStore(new MemoryStorage());
    expect(() => store.recordRung('tiny', { ...rung(1.9), loss: Number.NaN })).toThrow(
      /ladder\.tiny\.loss must be a number from 0 to 100, got NaN/,
    );
    expect(() => store.recordRung('giant', rung(1.9))).toThrow(/rung must be one of tiny, small/);
    expect(store.ladder()).toEqual({});
  });
});
