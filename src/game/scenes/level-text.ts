/**
 * How a level's goal and star conditions read in words, shared by the Briefing and the Result
 * so the two screens always say the same thing. Presentation only: the rules that judge a run
 * live in src/levels.
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

/** The label of each star, in order (one per condition). */
export function starLabels(level: Level): [string, string, string] {
  return [
    'beat the target',
    `at most ${level.stars.params} parameters`,
    `within ${level.stars.steps} steps`,
  ];
}
