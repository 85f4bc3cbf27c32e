/**
 * Progress (stars, best and recent attempts per level) and settings, kept in one versioned
 * localStorage entry. Loading trusts nothing: every field is validated (networks and options by
 * the engine's own `parseSpec` / `parseOptions`), and damage is contained to the part it hits —
 * one garbled level record resets that level only, a bad setting falls back to its default
 * only — with a plain-words notice for each repair. Storage that is missing, blocked or full
 * never breaks the game: the store then works in memory and says so.
 *
 * Decisions:
 * - Absent fields take their defaults silently (a new setting needs no version bump); present
 *   but invalid ones are repaired with a notice.
 * - A save from a newer version is left untouched: this version plays in memory and never
 *   writes over it (a player briefly on an old cached copy must not lose newer progress),
 *   until the player explicitly calls `reset()`.
 * - A damaged save is copied to `BACKUP_KEY` before the repaired one replaces it, so progress
 *   lost to a bug can still be recovered by hand.
 * - Arguments are validated: `record` and `updateSettings` throw a `SpecError` for values the
 *   game could never produce (a bug), changing nothing. Storage failures never throw.
 *
 * Pure: the browser's `localStorage` is passed in (see `browserStorage`), so this runs in Node.
 */
import type { Attempt, DataSettings } from '../../levels/types.js';
import { checkSavedRung, readLadder, type SavedLadder, type SavedRung } from './ladder-save.js';
import { NOISE_RANGE, SANDBOX_POINTS, TRAIN_SHARE_RANGE } from '../../data/index.js';
import { LIMITS } from '../../engine/limits.js';
import { parseOptions } from '../../engine/options.js';
import {
  Issues,
  SpecError,
  checkInt,
  checkKeys,
  checkNumber,
  isObject,
  parseSpec,
  show,
} from '../../engine/spec.js';

export const SAVE_KEY = 'neural-journey/save';
/** Where the last damaged save is copied before it is repaired. */
export const BACKUP_KEY = 'neural-journey/save.damaged';
/** The format version this code writes. */
export const SAVE_VERSION = 1;

/** Player preferences that are not progress. */
export interface Settings {
  muted: boolean;
  /** Training speed multiplier, one of `SPEEDS`. */
  speed: number;
  /** Loss chart on a logarithmic axis. */
  logScale: boolean;
}

/** The training speed multipliers the game offers. */
export const SPEEDS: readonly number[] = [0.25, 1, 2, 4, 8];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  muted: false,
  speed: 1,
  logScale: false,
});

/** One level's record. */
export interface LevelProgress {
  /** Most stars ever earned on the level (0–3). */
  stars: number;
  /** The best passing attempt (see `record`), or null before the first pass. */
  best: Attempt | null;
  /** Latest attempts, passed or not, newest first, at most `RECENT_LIMIT`. */
  recent: Attempt[];
}

export const RECENT_LIMIT = 5;

export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Level ids as stored: the same shape share links accept. */
const LEVEL_ID = /^[a-z0-9-]{1,40}$/;
const SEED_MAX = 0xffffffff;

/**
 * The browser's localStorage, or null when there is none or touching it throws (some browsers
 * throw a SecurityError on mere access when site data is blocked). Call it at run time, never at
 * import, and pass the result to `SaveStore`.
 */
export function browserStorage(): StorageLike | null {
  try {
    const storage = (globalThis as { localStorage?: StorageLike }).localStorage;
    return storage ?? null;
  } catch {
    return null;
  }
}

function emptyProgress(): LevelProgress {
  return { stars: 0, best: null, recent: [] };
}

function quoteId(id: string): string {
  return JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);
}

/**
 * Checks an attempt field by field and returns a clean copy holding only the known fields, or
 * null with the findings in `issues`. JSON has no NaN, so a stored `achieved` of null (what
 * `JSON.stringify` writes for NaN or Infinity, e.g. a diverged run's loss) reads back as NaN.
 */
function checkAttempt(issues: Issues, path: string, raw: unknown, levelId: string): Attempt | null {
  const before = issues.list.length;
  if (!isObject(raw)) {
    issues.add(path, `must be an attempt object, got ${show(raw)}`);
    return null;
  }
  if (raw['levelId'] !== levelId) {
    issues.add(
      `${path}.levelId`,
      `must be ${JSON.stringify(levelId)}, got ${show(raw['levelId'])}`,
    );
  }
  let spec: Attempt['spec'] | null = null;
  let options: Attempt['options'] | null = null;
  try {
    spec = parseSpec(raw['spec']);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    error.issues.forEach((issue) => issues.add(`${path}.spec:`, issue));
  }
  if (!isObject(raw['options'])) {
    issues.add(`${path}.options`, `must be an object, got ${show(raw['options'])}`);
  } else {
    try {
      options = parseOptions(raw['options'], `${path}.options`);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      error.issues.forEach((issue) => issues.add('', issue));
    }
  }
  checkInt(issues, `${path}.seed`, raw['seed'], 0, SEED_MAX);
  checkInt(issues, `${path}.steps`, raw['steps'], 0, LIMITS.maxSteps);
  checkInt(issues, `${path}.params`, raw['params'], 0, LIMITS.maxParams);
  const achieved = raw['achieved'] === null ? NaN : raw['achieved'];
  if (typeof achieved !== 'number') {
    issues.add(`${path}.achieved`, `must be a number, got ${show(achieved)}`);
  }
  if (typeof raw['passed'] !== 'boolean') {
    issues.add(`${path}.passed`, `must be true or false, got ${show(raw['passed'])}`);
  }
  checkInt(issues, `${path}.stars`, raw['stars'], 0, 3);
  const data = checkDataSettings(issues, `${path}.data`, raw['data']);
  if (issues.list.length > before || !spec || !options) return null;
  return {
    levelId,
    spec,
    options,
    seed: raw['seed'] as number,
    steps: raw['steps'] as number,
    params: raw['params'] as number,
    achieved: achieved as number,
    passed: raw['passed'] as boolean,
    stars: raw['stars'] as number,
    ...(data ? { data } : {}),
  };
}

/**
 * An attempt's data settings (where its level opens data controls): each within what any data
 * control allows; whether the level opens it is for `conformSetup` when the run is reopened.
 */
function checkDataSettings(issues: Issues, path: string, raw: unknown): DataSettings | null {
  if (raw === undefined) return null;
  if (!isObject(raw)) {
    issues.add(path, `must be an object, got ${show(raw)}`);
    return null;
  }
  checkKeys(issues, path, raw, ['n', 'noise', 'train']);
  const out: DataSettings = {};
  if (
    raw['n'] !== undefined &&
    checkInt(issues, `${path}.n`, raw['n'], SANDBOX_POINTS.min, SANDBOX_POINTS.max)
  )
    out.n = raw['n'];
  if (
    raw['noise'] !== undefined &&
    checkNumber(issues, `${path}.noise`, raw['noise'], NOISE_RANGE.min, NOISE_RANGE.max)
  )
    out.noise = raw['noise'];
  if (
    raw['train'] !== undefined &&
    checkNumber(issues, `${path}.train`, raw['train'], TRAIN_SHARE_RANGE.min, TRAIN_SHARE_RANGE.max)
  )
    out.train = raw['train'];
  return out;
}

/** A stored level record, or null if any part of it is damaged (the level is the unit of repair). */
function readLevel(levelId: string, raw: unknown): LevelProgress | null {
  const issues = new Issues();
  if (!isObject(raw)) return null;
  checkInt(issues, 'stars', raw['stars'], 0, 3);
  let best: Attempt | null = null;
  if (raw['best'] !== null) {
    best = checkAttempt(issues, 'best', raw['best'], levelId);
    if (best && !best.passed) issues.add('best.passed', 'must be true');
  }
  const recent: Attempt[] = [];
  if (!Array.isArray(raw['recent']) || raw['recent'].length > RECENT_LIMIT) {
    issues.add('recent', `must be a list of at most ${RECENT_LIMIT} attempts`);
  } else {
    raw['recent'].forEach((item, i) => {
      const attempt = checkAttempt(issues, `recent[${i}]`, item, levelId);
      if (attempt) recent.push(attempt);
    });
  }
  if (issues.list.length) return null;
  // `stars` is the most ever earned, so no kept attempt can have more: if one does, the record
  // was tampered with or garbled and none of it can be trusted.
  const stars = raw['stars'] as number;
  if ([best, ...recent].some((a) => a && a.stars > stars)) return null;
  return { stars, best, recent };
}

/**
 * True when attempt `a` beats `b` as a level's best: more stars, then fewer parameters, then
 * fewer steps. A tie keeps the earlier one, so the best only changes for a real improvement.
 */
function beats(a: Attempt, b: Attempt | null): boolean {
  if (!a.passed) return false;
  if (!b) return true;
  if (a.stars !== b.stars) return a.stars > b.stars;
  if (a.params !== b.params) return a.params < b.params;
  return a.steps < b.steps;
}

function checkSettingsPatch(issues: Issues, raw: Record<string, unknown>): Partial<Settings> {
  const out: Partial<Settings> = {};
  for (const [key, value] of Object.entries(raw)) {
    const path = `settings.${key}`;
    if (key === 'muted' || key === 'logScale') {
      if (typeof value === 'boolean') out[key] = value;
      else issues.add(path, `must be true or false, got ${show(value)}`);
    } else if (key === 'speed') {
      if (typeof value === 'number' && SPEEDS.includes(value)) out.speed = value;
      else issues.add(path, `must be one of ${SPEEDS.join(', ')}, got ${show(value)}`);
    } else {
      issues.add(
        path,
        `is not a known setting (known: ${Object.keys(DEFAULT_SETTINGS).join(', ')})`,
      );
    }
  }
  return out;
}

/** A deep copy, so callers can never change the store's records behind its back. */
function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * The save. Construct it once at boot with `browserStorage()`, show `notices` to the player
 * (the UI may empty the array once shown), and call `record` after every attempt.
 */
export class SaveStore {
  /** What loading (or a later failed write) found, in plain words for the player. */
  readonly notices: string[] = [];
  private storage: StorageLike | null;
  /** False while a newer version's save must be left alone (until `reset`). */
  private writable = true;
  /** A failed write is reported once, not on every later attempt, until a write succeeds. */
  private writeFailed = false;
  private levels = new Map<string, LevelProgress>();
  private current: Settings = { ...DEFAULT_SETTINGS };
  /** The epilogue's trained rungs (`ladder-save.ts`). */
  private rungs: SavedLadder = {};

  /**
   * Loads the save from `storage`. `null`, or a storage that throws when read (private mode,
   * blocked site data), makes a store that works in memory only, with a notice.
   */
  constructor(storage: StorageLike | null) {
    this.storage = storage;
    if (!storage) {
      this.notices.push(
        'This browser is not letting the game store anything (private browsing or blocked site ' +
          'data), so your progress lasts only until the page is closed.',
      );
      return;
    }
    let text: string | null;
    try {
      text = storage.getItem(SAVE_KEY);
    } catch {
      // Never write to a save we could not read: it might hold progress we would destroy.
      this.storage = null;
      this.notices.push(
        'Your saved progress could not be opened (the browser blocked it), so this visit ' +
          'starts fresh and lasts only until the page is closed.',
      );
      return;
    }
    if (text !== null) this.load(text);
  }

  private load(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const version = isObject(raw) ? raw['version'] : undefined;
    if (
      !isObject(raw) ||
      typeof version !== 'number' ||
      !Number.isInteger(version) ||
      version < 1
    ) {
      this.backup(text);
      this.notices.push(
        'Your saved progress was damaged and could not be read, so the game starts fresh.',
      );
      return;
    }
    if (version > SAVE_VERSION) {
      this.writable = false;
      this.notices.push(
        'Your progress was saved by a newer version of Neural Journey. This version leaves it ' +
          'untouched and keeps what you do now only until the page is closed; open the newer ' +
          'version to carry on where you left off.',
      );
      return;
    }
    // Older versions would be upgraded here, one step at a time; version 1 is the first.

    let repaired = false;
    const settings = raw['settings'];
    if (settings !== undefined) {
      const bad: string[] = [];
      if (isObject(settings)) {
        // Each setting is repaired on its own; unknown names are ignored (a later version's).
        for (const key of Object.keys(DEFAULT_SETTINGS)) {
          if (!(key in settings)) continue;
          const issues = new Issues();
          const patch = checkSettingsPatch(issues, { [key]: settings[key] });
          if (issues.list.length) bad.push(key);
          else this.current = { ...this.current, ...patch };
        }
      }
      if (!isObject(settings) || bad.length) {
        repaired = true;
        this.notices.push(
          (bad.length
            ? `Some of your settings (${bad.join(', ')}) were damaged`
            : 'Your settings were damaged') +
            ' and are back to their defaults; your progress is kept.',
        );
      }
    }

    const levels = raw['levels'];
    if (levels !== undefined && !isObject(levels)) {
      repaired = true;
      this.notices.push(
        'Your level records were damaged and could not be read, so every level starts fresh; ' +
          'your settings are kept.',
      );
    } else if (levels) {
      const damaged: string[] = [];
      for (const [id, record] of Object.entries(levels)) {
        const progress = LEVEL_ID.test(id) ? readLevel(id, record) : null;
        if (progress) this.levels.set(id, progress);
        else damaged.push(quoteId(id));
      }
      if (damaged.length) {
        repaired = true;
        const one = damaged.length === 1;
        this.notices.push(
          `Your record for ${one ? 'level' : 'levels'} ${damaged.join(', ')} was damaged, so ` +
            `${one ? 'that level starts' : 'those levels start'} fresh; the rest of your progress is kept.`,
        );
      }
    }
    if (raw['ladder'] !== undefined) {
      const { ladder, damaged } = readLadder(raw['ladder']);
      this.rungs = ladder;
      if (damaged.length) {
        repaired = true;
        this.notices.push(
          'Some of the scaling ladder you trained was damaged in the save, so those rungs train ' +
            'again; the rest of your progress is kept.',
        );
      }
    }
    if (repaired) this.backup(text);
  }

  /** Best effort: a backup that cannot be written is no reason to bother the player twice. */
  private backup(text: string): void {
    try {
      this.storage?.setItem(BACKUP_KEY, text);
    } catch {
      // ignored on purpose
    }
  }

  private persist(): void {
    if (!this.storage || !this.writable) return;
    const levels: Record<string, LevelProgress> = {};
    for (const [id, progress] of this.levels) levels[id] = progress;
    const text = JSON.stringify({
      version: SAVE_VERSION,
      settings: this.current,
      levels,
      ...(Object.keys(this.rungs).length ? { ladder: this.rungs } : {}),
    });
    try {
      this.storage.setItem(SAVE_KEY, text);
      this.writeFailed = false;
    } catch {
      if (!this.writeFailed) {
        this.notices.push(
          'Your progress could not be saved (the browser storage is full or blocked). It is ' +
            'kept until the page is closed; the game will keep trying to save it.',
        );
      }
      this.writeFailed = true;
    }
  }

  /** One level's record (a fresh empty one for a level never played); a copy. */
  progress(levelId: string): LevelProgress {
    const found = this.levels.get(levelId);
    return found ? copy(found) : emptyProgress();
  }

  /** Stars of every level with a record, for the journey map. */
  starsByLevel(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, progress] of this.levels) out[id] = progress.stars;
    return out;
  }

  /**
   * Adds an attempt to its level: stars become the most ever earned; the best is the passed
   * attempt with the most stars, then the fewest parameters, then the fewest steps (ties keep
   * the earlier one); recent keeps the latest five, newest first. Saves at once and returns the
   * level's new record. Throws a SpecError, recording nothing, if the attempt is invalid.
   */
  record(attempt: Attempt): LevelProgress {
    const issues = new Issues();
    const levelId: unknown = attempt.levelId;
    if (typeof levelId !== 'string' || !LEVEL_ID.test(levelId)) {
      issues.add('attempt.levelId', `must be a level id like "c2-xor", got ${show(levelId)}`);
      issues.throwIfAny();
    }
    const clean = checkAttempt(issues, 'attempt', copy(attempt), attempt.levelId);
    issues.throwIfAny();
    const entry = clean as Attempt;
    const old = this.levels.get(entry.levelId) ?? emptyProgress();
    const next: LevelProgress = {
      stars: Math.max(old.stars, entry.stars),
      best: beats(entry, old.best) ? entry : old.best,
      recent: [entry, ...old.recent].slice(0, RECENT_LIMIT),
    };
    this.levels.set(entry.levelId, next);
    this.persist();
    return copy(next);
  }

  /** The epilogue's trained rungs of the full ladder, by rung id; a copy. */
  ladder(): SavedLadder {
    return copy(this.rungs);
  }

  /** Keeps a rung of the full ladder and saves. Throws a SpecError, keeping nothing, if invalid. */
  recordRung(id: string, rung: SavedRung): void {
    this.rungs = { ...this.rungs, [id]: checkSavedRung(id, copy(rung)) };
    this.persist();
  }

  /** The current settings; a copy. */
  settings(): Settings {
    return { ...this.current };
  }

  /**
   * Changes some settings and saves. Throws a SpecError, changing nothing, for an unknown name
   * or a value the game does not offer (e.g. a speed of 3).
   */
  updateSettings(patch: Partial<Settings>): void {
    const issues = new Issues();
    const clean = checkSettingsPatch(issues, { ...patch });
    issues.throwIfAny();
    this.current = { ...this.current, ...clean };
    this.persist();
  }

  /**
   * Erases all progress and saves at once. Settings are kept: starting the journey over is not
   * a reason to unmute the game. This is the one write allowed over a newer version's save,
   * because the player asked for it.
   */
  reset(): void {
    this.levels.clear();
    this.rungs = {};
    this.writable = true;
    this.persist();
  }
}
