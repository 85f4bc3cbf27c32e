/**
 * The workbench's lines of words: the goal with its star budgets, what the data is, and what
 * the output layer must be. Pure: they read the level and the data's shape.
 */
import type { TaskShape } from '../../engine/spec.js';
import type { Level } from '../../levels/types.js';
import { goalTarget, goalWhen } from './level-text.js';
import { LAYERS } from '../../engine/ops/index.js';
import { EXTRA_BLOCKS } from '../../levels/blocks.js';
import { CONTROLS, type Control } from '../../levels/controls.js';
import type { Blocks } from '../../levels/rules.js';

/** The goal under the title, with the star budgets (free play in the sandbox). */
export function workbenchGoal(l: Level | null): string {
  if (!l) return 'Free play: any network, any settings. Train to see what happens.';
  return `Goal: ${goalTarget(l)} ${goalWhen(l)} · ★★ ≤ ${l.stars.params} parameters · ★★★ also ≤ ${l.stars.steps} steps`;
}

/** The data in two lines: its name, and its inputs and what is predicted. */
export function dataLine(s: TaskShape | null): string {
  if (!s) return 'Data: unknown';
  if (s.sequence?.vocab !== undefined) {
    const next = s.sequence.perPosition ? 'each next one' : 'the next one';
    return `Data: ${s.dataName ?? 'your text'}\nwindows of ${s.sequence.steps} of ${s.sequence.vocab} symbols → ${next}`;
  }
  const out =
    s.task === 'regression'
      ? `${s.outputs} number${s.outputs > 1 ? 's' : ''} to predict`
      : s.task === 'binary'
        ? 'a yes/no answer'
        : `one of ${s.outputs} classes`;
  const shape = s.inputShape;
  const seq = s.sequence;
  const inputs = seq
    ? seq.vocab !== undefined
      ? `${seq.steps} steps of ${seq.vocab} symbols`
      : `${seq.steps} steps of ${seq.features} value${seq.features > 1 ? 's' : ''}`
    : shape?.length === 3
      ? `${shape[1]}×${shape[2]} image${shape[0]! > 1 ? `s of ${shape[0]} channels` : 's'}`
      : `${s.inputs} input${s.inputs > 1 ? 's' : ''}`;
  const when = seq?.perPosition ? ' at every step' : '';
  return `Data: ${s.dataName ?? 'your file'}\n${inputs} → ${out}${when}`;
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
  // A sequence answered at every step: the recurrent layer must hand on every step's state.
  const steps = s.sequence?.perPosition ? ` at each of the ${s.sequence.steps} steps` : '';
  return `↓ output: the last dense layer needs ${want}${steps}`;
}

/** One add-button of the workbench palette. */
export interface PaletteEntry {
  type: 'dense' | (typeof EXTRA_BLOCKS)[number];
  /** The teacher control that hides or locks it: its own (dropout), or the network's. */
  control: Control;
  label: string;
  tooltip: string;
}

/**
 * The blocks a workbench offers, in the registry's order (dense layers, then every other type
 * the rules switch on), without those a teacher hides; short names when there are more than
 * three, which the workbench lays out in two columns.
 */
export function paletteEntries(blocks: Blocks, hidden: ReadonlySet<string>): PaletteEntry[] {
  const offered = (['dense', ...EXTRA_BLOCKS] as const)
    .filter((type) => (blocks as unknown as Record<string, unknown>)[type] === true)
    .map((type) => ({
      type,
      control: (CONTROLS as readonly string[]).includes(type) ? (type as Control) : 'layers',
    }))
    .filter((e) => !hidden.has(e.control));
  const many = offered.length > 3;
  return offered.map((e) => {
    const def = LAYERS[e.type];
    return {
      ...e,
      label: many ? (def.short ?? def.label) : def.label,
      tooltip: `Add ${def.blurb}`,
    };
  });
}
