/**
 * The epilogue's words: what grows as language models get bigger, what stays the same, and what
 * nobody knows yet, plus the sentences that read the player's own fitted line. Kept apart from
 * the scene so the numbers in them can be checked in Node.
 */
import { formatLoss } from '../ui/format.js';

export const SCALING_TITLE = 'Epilogue · Scaling up (2020)';

export const SCALING_INTRO =
  'Same job, same text, same parts: only the size changes. Train the ladder and see how the ' +
  'loss falls as the model grows.';

export const SCALING_COLUMNS: readonly { heading: string; body: string }[] = Object.freeze([
  {
    heading: 'What grows',
    body:
      'Parameters: the numbers training tunes. Data: the text the model reads. Compute: the ' +
      'sums done while training, about 6 for every parameter and every piece of text. GPT-3 ' +
      'has 175 billion parameters, some 500,000 times the Huge rung, and read about 300 billion ' +
      'word pieces.',
  },
  {
    heading: 'What stays the same',
    body:
      'The job: guess what comes next, and learn from how surprised you were. The parts: ' +
      'embeddings, attention, layer norm, the residual adds and Adam, as you built them in ' +
      'chapter 7, just wider, deeper and more of them.',
  },
  {
    heading: 'What nobody knows',
    body:
      'Whether growing these models leads to a general intelligence, one that learns anything ' +
      'a person can, is an open question. Lines like yours bend in the end: text holds some ' +
      'surprise no model removes, and good text runs out. Researchers disagree; the honest ' +
      'answer today is that we do not know.',
  },
]);

/** One line on the fit: the slope in plain words, against parameters (N) or compute (C). */
export function fitWords(axis: 'params' | 'compute', alpha: number, r2: number): string {
  // 10^(−α): the factor each tenfold step multiplies the loss by; display only.
  const factor = 10 ** -alpha;
  const [symbol, what] = axis === 'params' ? ['N', 'parameters'] : ['C', 'compute'];
  return (
    `Your line: loss ≈ a × ${symbol}^(−${alpha.toFixed(3)}). Every 10 times more ${what}, the loss ` +
    `is multiplied by ${factor.toFixed(2)}` +
    (r2 < 0.9 ? ' (the dots are far from a straight line: train the full ladder).' : '.')
  );
}

/** Why the extrapolation is only a direction, with the line's reading at the largest model. */
export function extrapolationWords(name: string, predicted: number): string {
  return (
    `Read at ${name}, your line says ${formatLoss(predicted)} nats per character. It only says ` +
    'where your trend points: those models read far more text, in word pieces, not letters; a ' +
    'model this big would learn our 480,000 characters by heart.'
  );
}

/** What to say when the dots do not fall: the big rungs had too few steps to learn. */
export const QUICK_WORDS =
  'Quick runs give each rung 300 steps: the big ones have little time to use their size. ' +
  'Scaling laws hold when every size trains long enough.';

/** Why the line against compute has the same slope: every rung trained the same steps. */
export const SAME_STEPS_WORDS =
  'Every rung trained for the same steps, so its compute grows with its size: the same slope.';
