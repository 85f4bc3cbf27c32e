/**
 * The controls of a workbench a player can change, and which of them are open: what a teacher
 * link may hide or lock, and what advice may suggest. Pure: no Phaser, no DOM.
 */
import { EXTRA_BLOCKS } from './blocks.js';
import type { WorkbenchRules } from './rules.js';
import type { RangeSetting } from './types.js';

/** A range the player can move: present, not locked, wider than one value. */
function isOpen(range: RangeSetting | undefined): boolean {
  return range !== undefined && !range.locked && range.min < range.max;
}

/**
 * The controls of a workbench that a teacher link can hide or lock, in the order links list
 * them. They live with the level rules because advice must know which of them are open;
 * `src/game/state/teacher.ts` re-exports them for the game.
 */
export const CONTROLS = [
  'optimizer',
  'lr',
  'batch',
  'l2',
  'seed',
  'layers',
  'dropout',
  'loss',
  'speed',
  'l1',
  'clip',
  'features',
  'noise',
  'train',
  'points',
] as const;
export type Control = (typeof CONTROLS)[number];

/**
 * The controls the player can change on this workbench: those the rules let change and the
 * teacher neither hides nor locks. The optimizer needs more than one choice and no lock; the
 * learning rate, batch and L2 need no lock and a range (min < max); layers need `blocks.dense`;
 * dropout needs the dropout block; the loss needs more than one loss to choose from; L1 needs
 * an L1 control (the sandbox); feature inputs need `blocks.features`; noise, the training share
 * and the number of points need the level's data control for them; the seed
 * can always change. The speed changes no result, so advice never counts it.
 */
export function openControls(
  rules: WorkbenchRules,
  teacher: { hide: ReadonlySet<Control>; lock: ReadonlySet<Control> },
): Set<Control> {
  const s = rules.settings;
  const b = rules.blocks;
  const allowed: Record<Exclude<Control, 'speed'>, boolean> = {
    optimizer: s.optimizer.choices.length > 1 && !s.optimizer.locked,
    lr: !s.lr.locked && s.lr.min < s.lr.max,
    batch: !s.batch.locked && s.batch.min < s.batch.max,
    l2: !s.l2.locked && s.l2.min < s.l2.max,
    seed: true,
    // Dense layers, or any block of the registry besides dropout (convolution, pooling …).
    layers: b.dense || EXTRA_BLOCKS.some((t) => t !== 'dropout' && b[t] === true),
    dropout: b.dropout,
    loss: b.losses.length > 1,
    l1: s.l1 !== undefined && !s.l1.locked && s.l1.min < s.l1.max,
    clip: isOpen(s.clip),
    features: b.features,
    noise: isOpen(rules.data.noise),
    train: isOpen(rules.data.train),
    points: isOpen(rules.data.n),
  };
  const open = new Set<Control>();
  for (const control of CONTROLS) {
    if (control === 'speed' || !allowed[control]) continue;
    if (teacher.hide.has(control) || teacher.lock.has(control)) continue;
    open.add(control);
  }
  return open;
}
