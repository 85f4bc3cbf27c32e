/**
 * The workbench's lines of words: the goal with its star budgets, what the data is, and what
 * the output layer must be. Pure: they read the level and the data's shape.
 */
import type { TaskShape } from '../../engine/spec.js';
import type { Level } from '../../levels/types.js';
import { goalTarget, goalWhen } from './level-text.js';

/** The goal under the title, with the star budgets (free play in the sandbox). */
export function workbenchGoal(l: Level | null): string {
  if (!l) return 'Free play: any network, any settings. Train to see what happens.';
  return `Goal: ${goalTarget(l)} ${goalWhen(l)} · ★★ ≤ ${l.stars.params} parameters · ★★★ also ≤ ${l.stars.steps} steps`;
}

/** The data in two lines: its name, and its inputs and what is predicted. */
export function dataLine(s: TaskShape | null): string {
  if (!s) return 'Data: unknown';
  const out =
    s.task === 'regression'
      ? `${s.outputs} number${s.outputs > 1 ? 's' : ''} to predict`
      : s.task === 'binary'
        ? 'a yes/no answer'
        : `one of ${s.outputs} classes`;
  const shape = s.inputShape;
  const inputs =
    shape?.length === 3
      ? `${shape[1]}×${shape[2]} image${shape[0]! > 1 ? `s of ${shape[0]} channels` : 's'}`
      : `${s.inputs} input${s.inputs > 1 ? 's' : ''}`;
  return `Data: ${s.dataName ?? 'your file'}\n${inputs} → ${out}`;
}

/** Under the stack: what the last dense layer needs to be. */
export function outputLine(s: TaskShape | null): string {
  if (!s) return '';
  const want =
    s.task === 'multiclass'
      ? `${s.outputs} units (one score per class)`
      : s.task === 'binary'
        ? '1 unit (a yes/no score)'
        : `${s.outputs} unit${s.outputs > 1 ? 's' : ''}`;
  return `↓ output: the last dense layer needs ${want}`;
}
