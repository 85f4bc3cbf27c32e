/**
 * How the dashboard writes levels, scores, stars and times: a score in its level's own metric
 * (accuracy as a percentage, loss as a short number), stars as symbols with words for screen
 * readers, times in the teacher's local clock.
 */
import { formatPercent, formatShort } from '../engine/format.js';
import type { Control } from '../levels/controls.js';
import { levelById } from '../levels/index.js';

/** The controls in a teacher's words. */
export const CONTROL_NAMES: Record<Control, string> = {
  optimizer: 'Optimizer',
  lr: 'Learning rate',
  batch: 'Batch size',
  l2: 'L2 penalty',
  seed: 'Random seed',
  layers: 'Layers',
  dropout: 'Dropout',
  loss: 'Loss function',
  speed: 'Training speed',
  l1: 'L1 penalty',
  clip: 'gradient clip',
  features: 'Feature inputs',
  noise: 'Noise',
  train: 'Training share',
  points: 'Number of points',
};

/** Control names in a teacher's words, for a list of ids from the server. */
export function controlNames(ids: readonly string[]): string {
  return ids.map((id) => CONTROL_NAMES[id as Control] ?? id).join(', ');
}

/** The level's title, or its id when this version has no such level. */
export function levelTitle(id: string): string {
  return levelById(id)?.title ?? id;
}

/** Whether a lower score is better on this level (a loss goal) rather than a higher one. */
export function lowerIsBetter(id: string): boolean {
  return levelById(id)?.goal.metric === 'loss';
}

/** A score in the level's goal metric: "95.1%" for accuracy, "0.0123" for a loss. */
export function formatScore(levelId: string, score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—';
  return lowerIsBetter(levelId) ? formatShort(score) : formatPercent(score);
}

/** Stars as ★★☆ (three places). */
export function starSymbols(stars: number, of = 3): string {
  const n = Math.max(0, Math.min(of, Math.round(stars)));
  return '★'.repeat(n) + '☆'.repeat(of - n);
}

/** Stars in words, for `aria-label`. */
export function starWords(stars: number, of?: number): string {
  const s = stars === 1 ? 'star' : 'stars';
  return of === undefined ? `${stars} ${s}` : `${stars} of ${of} ${s}`;
}

/** A time in the local clock: "14:05" today, "3 Dec, 14:05" another day (with the year if not this one). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '—';
  const now = new Date();
  if (now.toDateString() === t.toDateString()) {
    return t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  }
  return t.toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    year: now.getFullYear() === t.getFullYear() ? undefined : 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The full date and time to the second, for a tooltip. */
export function fullTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? undefined : t.toLocaleString();
}

/** An ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
