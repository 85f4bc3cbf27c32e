/**
 * A class's hidden and locked controls, as one rule for the game and the classroom server: on a
 * class level, a control the class hides or locks keeps the level's starting value (a class has
 * no link of its own whose values a lock could keep). The game puts a setup back to those values
 * when it opens a class level, and the server refuses a submission that differs, so a student
 * cannot lift a class's lock by hand-editing a link or a request. Pure: no Phaser, no DOM.
 */
import type { Control } from './controls.js';
import { startSetup, type WorkbenchRules } from './rules.js';
import type { Setup } from './types.js';

/** How each fixed control is named in a notice or a refusal. */
const WORDS: Partial<Record<Control, string>> = {
  optimizer: 'optimizer',
  lr: 'learning rate',
  batch: 'batch size',
  l2: 'L2 penalty',
  l1: 'L1 penalty',
  clip: 'gradient clip',
  seed: 'seed',
  loss: 'loss',
  layers: 'network',
  dropout: 'dropout',
  features: 'feature inputs',
  noise: 'noise',
  train: 'training share',
  points: 'number of points',
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Puts every control in `fixed` back to the level's starting value; returns the setup and one
 * line per value it changed ("learning rate 0.9 → 0.3 (fixed by the class)").
 */
export function classLocks(
  rules: WorkbenchRules,
  fixed: ReadonlySet<Control>,
  setup: Setup,
): { setup: Setup; changes: string[] } {
  const start = startSetup(rules);
  const out: Setup = structuredClone(setup);
  const changes: string[] = [];
  const note = (control: Control, from: unknown, to: unknown): void => {
    changes.push(
      `${WORDS[control] ?? control} ${String(from)} → ${String(to)} (fixed by the class)`,
    );
  };
  for (const key of ['optimizer', 'lr', 'batch', 'l2', 'l1', 'clip'] as const) {
    if (fixed.has(key) && out.options[key] !== start.options[key]) {
      note(key, out.options[key], start.options[key]);
      (out.options as unknown as Record<string, unknown>)[key] = start.options[key];
    }
  }
  if (fixed.has('seed') && out.seed !== start.seed) {
    note('seed', out.seed, start.seed);
    out.seed = start.seed;
  }
  if (fixed.has('loss') && out.spec.loss !== start.spec.loss) {
    note('loss', out.spec.loss ?? 'the task’s own', start.spec.loss ?? 'the task’s own');
    if (start.spec.loss === undefined) delete out.spec.loss;
    else out.spec.loss = start.spec.loss;
  }
  if (fixed.has('features') && !same(out.spec.features, start.spec.features)) {
    note('features', out.spec.features ?? 'x1,x2', start.spec.features ?? 'x1,x2');
    if (start.spec.features === undefined) delete out.spec.features;
    else out.spec.features = start.spec.features;
  }
  const dense = (s: Setup): unknown => s.spec.layers.filter((l) => l.type !== 'dropout');
  const dropout = (s: Setup): unknown => s.spec.layers.filter((l) => l.type === 'dropout');
  const layersOff = fixed.has('layers') && !same(dense(out), dense(start));
  const dropoutOff = fixed.has('dropout') && !same(dropout(out), dropout(start));
  if (layersOff || dropoutOff) {
    changes.push(
      `${layersOff ? 'network' : 'dropout'} → the level's starting one (fixed by the class)`,
    );
    out.spec.layers = structuredClone(start.spec.layers);
  }
  for (const [control, key] of [
    ['noise', 'noise'],
    ['train', 'train'],
    ['points', 'n'],
  ] as const) {
    const v = out.data?.[key];
    if (fixed.has(control) && v !== undefined) {
      note(control, v, "the level's own");
      delete out.data![key];
      if (Object.keys(out.data!).length === 0) delete out.data;
    }
  }
  return { setup: out, changes };
}
