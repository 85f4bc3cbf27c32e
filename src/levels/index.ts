/**
 * The levels of the journey: the chapters, every level file (bundled by Vite's
 * `import.meta.glob`, which Vitest resolves the same way), and which level is open. The rules
 * that judge a run (`judge.ts`), what a workbench allows (`rules.ts`) and what a level teaches
 * (`teaches.ts`) are re-exported here. No Phaser and no DOM.
 */
import { SpecError } from '../engine/spec.js';
import { parseLevel } from './schema.js';
import type { Level } from './types.js';

export * from './judge.js';
export * from './rules.js';
export * from './teaches.js';

/** A stop on the timeline: a group of levels that teaches one idea. */
export interface Chapter {
  index: number;
  title: string;
  /** The milestone years the map shows for this stop, e.g. "1805–1809". */
  years: string;
  /** One or two sentences for the map, in our own words. */
  blurb: string;
}

/** The chapters, indexed by `Level.chapter`. Years come from the timeline in LOOK.md. */
export const CHAPTERS: readonly Chapter[] = Object.freeze([
  {
    index: 0,
    title: 'A straight line',
    years: '1805–1809',
    blurb:
      'Fit a line to points by making the squared misses small, one downhill step at a time. How big a step you take decides everything.',
  },
  {
    index: 1,
    title: 'Yes or no',
    years: '1958',
    blurb:
      'Squash a score into a probability and punish confident mistakes: the first machines that learned to decide.',
  },
  {
    index: 2,
    title: 'Going deeper',
    years: '1969–2011',
    blurb:
      'One line cannot split every puzzle. Hidden layers bend the boundary, and a smarter optimizer gets there in time.',
  },
  {
    index: 3,
    title: 'Too good to be true',
    years: '2012–2014',
    blurb:
      'A big network can memorise its training points and fail on new ones. Learn to hold it back.',
  },
  {
    index: 4,
    title: 'Seeing in space',
    years: '1989–2017',
    blurb:
      'Small filters slide over a picture and find strokes, edges and parts wherever they are. Pooling shrinks the map, and batch norm keeps a deep stack steady.',
  },
  {
    index: 5,
    title: 'Memory',
    years: '1990–2013',
    blurb:
      'Text and sounds come in order. A recurrent network reads one step at a time and carries a memory along, but its gradients can blow up or fade away on the way back.',
  },
  {
    index: 6,
    title: 'Long short-term memory',
    years: '1997–2015',
    blurb:
      'Gates decide what to keep, what to forget and what to show, so a memory cell holds on for many steps. Enough to dream up new names, one letter at a time.',
  },
  {
    index: 7,
    title: 'Paying attention',
    years: '2014–2019',
    blurb:
      'Attention lets every position look straight back at every earlier one and take what it needs. Stack it in transformer blocks and you have a tiny GPT.',
  },
]);

// Every level file, bundled at build time by Vite (and resolved the same way by Vitest).
const FILES = import.meta.glob('../../levels/*.json', { eager: true, import: 'default' });

function loadLevels(): Level[] {
  const problems: string[] = [];
  const levels: Level[] = [];
  for (const [path, raw] of Object.entries(FILES)) {
    const file = `levels/${path.split('/').pop()!}`;
    try {
      const level = parseLevel(raw, file);
      if (!CHAPTERS.some((c) => c.index === level.chapter)) {
        problems.push(
          `${file}: chapter must be one of 0 to ${CHAPTERS.length - 1}, got ${level.chapter}`,
        );
      }
      levels.push(level);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      problems.push(...e.issues);
    }
  }
  // Ids are unique because each must equal its file name; positions must be unique too.
  const byPlace = new Map<string, string>();
  for (const l of levels) {
    const other = byPlace.get(`${l.chapter}.${l.order}`);
    if (other) {
      problems.push(
        `levels/${l.id}.json: order ${l.order} is taken by ${other} in chapter ${l.chapter}`,
      );
    }
    byPlace.set(`${l.chapter}.${l.order}`, l.id);
  }
  // A broken level file is a build error, not something to skip quietly: fail at import.
  if (problems.length) throw new SpecError(problems);
  return levels.sort((a, b) => a.chapter - b.chapter || a.order - b.order);
}

/** Every level, validated, sorted by chapter and then order: the order of the journey. */
export const LEVELS: readonly Level[] = Object.freeze(loadLevels());

const BY_ID = new Map(LEVELS.map((l) => [l.id, l]));

/** The level with this id (from a save or a share URL), or undefined. */
export function levelById(id: string): Level | undefined {
  return BY_ID.get(id);
}

/** How far the journey has come: stars earned of those possible, and levels without a star. */
export interface JourneyProgress {
  earned: number;
  possible: number;
  waiting: number;
}

/** The journey's progress from the stars per level (ids of levels that no longer exist ignored). */
export function journeyProgress(starsByLevel: Readonly<Record<string, number>>): JourneyProgress {
  const stars = (l: Level): number => starsByLevel[l.id] ?? 0;
  return {
    earned: LEVELS.reduce((sum, l) => sum + stars(l), 0),
    possible: LEVELS.length * 3,
    waiting: LEVELS.filter((l) => stars(l) < 1).length,
  };
}

/**
 * Whether a level can be played: the first level is always open; each next one opens once the
 * level before it (in journey order, across chapters) has at least one star; and a level with a
 * star of its own is open whatever came before it — it was won, perhaps through a share link,
 * so the map must never show its stars on a padlock. Unknown ids are locked.
 */
export function isUnlocked(
  levelId: string,
  starsByLevel: Readonly<Record<string, number>>,
): boolean {
  const i = LEVELS.findIndex((l) => l.id === levelId);
  if (i < 0) return false;
  if (i === 0 || (starsByLevel[levelId] ?? 0) >= 1) return true;
  return (starsByLevel[LEVELS[i - 1]!.id] ?? 0) >= 1;
}
