/**
 * How a level's goal and star conditions read in words, shared by the Briefing and the Result
 * so the two screens always say the same thing, and the stops of the journey still to come,
 * shared by the Title, the map and the Result so every screen promises the same future.
 * Presentation only: the rules that judge a run live in src/levels.
 */
import type { Level } from '../../levels/types.js';

const SPLITS: Record<string, string> = {
  train: 'the training data',
  validation: 'the validation data',
  test: 'the test data',
};

/** The goal metric's name for a player: "accuracy" or "loss". */
export function metricName(level: Level): string {
  return level.goal.metric === 'accuracy' ? 'accuracy' : 'loss';
}

/** A metric value as players read it: accuracy in percent, loss with four significant digits. */
export function formatMetric(level: Level, value: number): string {
  if (!Number.isFinite(value)) return level.goal.metric === 'accuracy' ? 'none' : 'exploded';
  if (level.goal.metric === 'accuracy') return `${(value * 100).toFixed(1)}%`;
  return value >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(4)));
}

/** "accuracy of at least 93.0% on the validation data". */
export function goalWords(level: Level): string {
  const { metric, split, threshold } = level.goal;
  const where = SPLITS[split] ?? `the ${split} data`;
  return metric === 'accuracy'
    ? `accuracy of at least ${formatMetric(level, threshold)} on ${where}`
    : `loss of at most ${formatMetric(level, threshold)} on ${where}`;
}

/** The goal in few words, for a screen's heading: "validation accuracy ≥ 97.0%". */
export function goalTarget(level: Level): string {
  const { metric, split, threshold } = level.goal;
  return `${split} ${metricName(level)} ${metric === 'accuracy' ? '≥' : '≤'} ${formatMetric(level, threshold)}`;
}

/**
 * When the goal is judged, in words: "within 800 steps" (met at any check), or "after 1000
 * steps" for a goal that only counts at the end of the budget (overfitting levels, where an
 * early good moment must not win).
 */
export function goalWhen(level: Level): string {
  return `${level.goal.atEnd ? 'after' : 'within'} ${level.stepBudget} steps`;
}

/** The label of each star, in order (one per condition). */
export function starLabels(level: Level): [string, string, string] {
  return [
    'beat the target',
    `at most ${level.stars.params} parameters`,
    `within ${level.stars.steps} steps`,
  ];
}

/**
 * A stop still to come on the journey: named on the Title, drawn on the map as "coming" and
 * announced when the last level is won, but never played (it has no levels yet).
 */
export interface ComingStop {
  title: string;
  /** What it brings, in a few words for a list ("convolutional networks"). */
  what: string;
  /** The milestone year the timelines place it at, and the span the map shows. */
  year: number;
  years: string;
  /** What the chapter will be about, in our own plain words. */
  blurb: string;
}

/**
 * "Coming next: attention and a tiny transformer (2017)"; once nothing is left to come, the
 * epilogue that waits on the map.
 */
export function comingNextWords(): string {
  const next = COMING[0];
  return next
    ? `Coming next: ${next.what} (${next.years})`
    : `Next: the epilogue on the map, ${EPILOGUE.what} (${EPILOGUE.years})`;
}

/** The chapters after the last one that exists, in journey order (years from LOOK.md). */
export const COMING: readonly ComingStop[] = Object.freeze([]);

/**
 * The journey's last stop, after the last chapter: no levels, but a scene of its own (Scaling)
 * where the player trains one model in five sizes and fits the scaling law.
 */
export const EPILOGUE: ComingStop = Object.freeze({
  title: 'Scaling up',
  what: 'why bigger models do better',
  year: 2020,
  years: '2020',
  blurb:
    'Bigger networks trained on more text get better in a smooth, predictable way: a straight line on log–log axes (Kaplan and others).',
});

/**
 * The coming chapters as one list for a sentence: "a, b, and c" (the last comma keeps an item
 * that has an "and" of its own apart from the next one).
 */
export function comingList(): string {
  const items = COMING.map((c) => c.what);
  return items.length < 3
    ? items.join(' and ')
    : `${items.slice(0, -1).join(', ')}, and ${items.at(-1)!}`;
}
