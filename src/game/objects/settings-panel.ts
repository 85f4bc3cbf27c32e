/**
 * The workbench's training settings: the optimizer, the loss where a level offers a choice, the
 * learning rate, batch size, L2 (and in the sandbox L1) penalty, the gradient clip where a level
 * opens it (0 written "off") and seed, each within what the rules allow and locked
 * (with the reason in its tooltip) where the level or a teacher's link fixes it, and the step
 * budget. Each change is written into the draft, then `onChange` tells the workbench.
 */
import type * as Phaser from 'phaser';
import type { OptimizerName } from '../../engine/options.js';
import type { Loss } from '../../engine/spec.js';
import {
  LOSS_WORDS,
  PENALTY_STOPS,
  clipStops,
  clipWords,
  SEED_RANGE,
  optimizerName,
  type WorkbenchRules,
} from '../../levels/index.js';
import type { Draft } from '../scenes/keys.js';
import { isEditable, type Control, type TeacherFlags } from '../state/teacher.js';
import { CSS, TEXT, textStyle } from '../theme.js';
import { Choice } from '../ui/choice.js';
import { Slider } from '../ui/slider.js';

export interface SettingsPanelOptions {
  /** Left edge and width of the column (the panel starts 128 px down). */
  x: number;
  width: number;
  rules: WorkbenchRules;
  /** Edited in place. */
  draft: Draft;
  teacher: TeacherFlags;
  /** The third star's step count, shown beside the budget (null in the sandbox). */
  starSteps: number | null;
  onChange: () => void;
}

const LOSS_TIPS: Record<Loss, string> = {
  mse: 'The straight line of chapter 0: punish the squared distance from 0 or 1',
  bce: 'Squash the answer into a probability; punish a confident wrong answer hard',
  cce: 'One probability per class; punish a small probability for the right class',
};

const OPTIMIZER_TIPS: Record<OptimizerName, string> = {
  sgd: 'Plain gradient descent: step against the gradient',
  momentum: 'Gradient descent that keeps rolling in the direction it was going',
  rmsprop: 'Scales each step by the recent size of that weight’s gradients',
  adam: 'Momentum plus per-weight step sizes (Kingma & Ba, 2014)',
  adamw: 'Adam with weight decay kept apart from the gradient',
};

/** The tooltip's reason for a locked control: the level's rule or the teacher's link. */
function lockReason(control: Control, levelLocked: boolean): string {
  return levelLocked ? 'fixed by this level' : `locked by the teacher's link (${control})`;
}

function capitalise(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}

/** Builds the settings column of a workbench; returns where its last line ends. */
export function buildSettings(scene: Phaser.Scene, p: SettingsPanelOptions): number {
  const s = p.rules.settings;
  const t = p.teacher;
  const draft = p.draft;
  const o = draft.options;
  const x = p.x;
  let y = 128;
  const changed = p.onChange;
  const editable = (control: Control, levelLocked = false): boolean =>
    isEditable(control, t, levelLocked);
  if (!t.hide.has('optimizer')) {
    const fixed = s.optimizer.locked || s.optimizer.choices.length === 1;
    new Choice<OptimizerName>(scene, {
      x,
      y,
      label: 'Optimizer',
      options: s.optimizer.choices.map((c) => ({
        value: c,
        label: optimizerName(c),
        tooltip: OPTIMIZER_TIPS[c],
      })),
      value: o.optimizer,
      tooltip: 'How each step uses the gradient',
      locked: !editable('optimizer', fixed),
      lockReason: lockReason('optimizer', fixed),
      onChange: (v) => {
        o.optimizer = v;
        changed();
      },
    });
    y += 72;
  }
  const losses = p.rules.blocks.losses;
  if (losses.length > 1 && !t.hide.has('loss')) {
    new Choice<Loss>(scene, {
      x,
      y,
      label: 'Loss',
      options: losses.map((l) => ({
        value: l,
        label: capitalise(LOSS_WORDS[l]),
        tooltip: LOSS_TIPS[l],
      })),
      value: draft.spec.loss ?? losses.find((l) => l !== 'mse') ?? losses[0]!,
      tooltip: 'What the network is punished for while it learns',
      locked: !editable('loss'),
      lockReason: lockReason('loss', false),
      onChange: (v) => {
        draft.spec.loss = v;
        changed();
      },
    });
    y += 72;
  }
  const slider = (
    control: Control,
    label: string,
    setting: { value: number; locked: boolean; min: number; max: number },
    value: number,
    scale: 'linear' | 'log',
    tooltip: string,
    apply: (v: number) => void,
    format?: (v: number) => string,
    step?: number,
    half?: 'left' | 'right',
    stops?: readonly number[],
  ): void => {
    if (t.hide.has(control)) return;
    const fixed = setting.locked || setting.min === setting.max;
    const w = half ? (p.width - 24) / 2 : p.width;
    new Slider(scene, {
      x: half === 'right' ? x + w + 24 : x,
      y,
      width: w,
      // The sandbox (the one workbench with L1) uses Playground's regularisation rates, and a
      // link's own rate among them, so the slider shows what trains.
      ...(s.l1 && (control === 'l1' || control === 'l2')
        ? { stops: [...new Set([...PENALTY_STOPS, value])].sort((a, b) => a - b) }
        : stops
          ? { stops }
          : {}),
      label,
      min: setting.min,
      max: setting.max,
      value,
      scale: scale === 'log' && setting.min > 0 ? 'log' : 'linear',
      step,
      format,
      locked: !editable(control, fixed),
      lockReason: lockReason(control, fixed),
      tooltip,
      onChange: (v) => {
        apply(v);
        changed();
      },
    });
    if (half !== 'left') y += 66;
  };
  slider(
    'lr',
    'Learning rate',
    s.lr,
    o.lr,
    'log',
    'How big each step is (log scale: each notch multiplies)',
    (v) => (o.lr = v),
  );
  slider(
    'batch',
    'Batch size',
    s.batch,
    o.batch,
    'log',
    'How many examples each step averages over',
    (v) => (o.batch = Math.max(1, Math.round(v))),
    (v) => String(Math.round(v)),
  );
  const l1 = s.l1;
  slider(
    'l2',
    'L2 penalty',
    s.l2,
    o.l2,
    'linear',
    'Pulls weights toward zero: a simpler, smoother fit',
    (v) => (o.l2 = v),
    undefined,
    undefined,
    l1 && !t.hide.has('l1') ? 'left' : undefined,
  );
  if (l1) {
    slider(
      'l1',
      'L1 penalty',
      l1,
      o.l1,
      'linear',
      'Pulls every weight toward zero by the same amount: unneeded ones end at exactly zero',
      (v) => (o.l1 = v),
      undefined,
      undefined,
      t.hide.has('l2') ? undefined : 'right',
    );
  }
  // Gradient clipping where the level opens it: off, or the longest gradient a step may take.
  const clip = s.clip;
  if (clip) {
    slider(
      'clip',
      'Gradient clip',
      clip,
      o.clip,
      'linear',
      'Before each step, a gradient longer than this (over all weights) is shortened to it; off: never',
      (v) => (o.clip = v),
      clipWords,
      undefined,
      undefined,
      clipStops(clip, o.clip),
    );
  }
  slider(
    'seed',
    'Seed',
    { value: draft.seed, locked: false, ...SEED_RANGE },
    draft.seed,
    'linear',
    'Picks the starting weights; the same seed repeats the same run',
    (v) => (draft.seed = Math.round(v)),
    (v) => String(Math.round(v)),
    1,
  );
  const budget = scene.add.text(
    x,
    y + 6,
    `Step budget: ${p.rules.stepBudget} steps` +
      (p.starSteps !== null ? ` · ★★★ within ${p.starSteps}` : ''),
    textStyle(TEXT.small, CSS.textDim),
  );
  return budget.y + budget.height;
}
