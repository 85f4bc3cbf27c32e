/**
 * The lab's lane list: one row per lane — its colour, its optimizer, its learning rate — plus
 * adding and removing lanes, and, for the chosen lane, its other settings (momentum or β₁, β₂,
 * weight decay, RMSProp's α). Edits change the lanes in place and call `onChange`; the lab then
 * starts its race over, so every lane still starts from the same weights.
 */
import type * as Phaser from 'phaser';
import { CSS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { Choice } from '../ui/choice.js';
import { Slider } from '../ui/slider.js';
import {
  LANE_KINDS,
  MAX_LANES,
  laneKind,
  makeLane,
  type Lane,
  type LaneKind,
} from '../state/lanes.js';
import { LANE_COLORS } from './lane-chart.js';

const KIND_LABELS: Record<LaneKind, string> = {
  sgd: 'SGD',
  momentum: 'Mom',
  nesterov: 'Nest',
  rmsprop: 'RMS',
  adam: 'Adam',
  adamw: 'AdamW',
};

export interface LaneEditorOptions {
  x: number;
  y: number;
  width: number;
  /** Edited in place. */
  lanes: Lane[];
  /** The learning-rate range the lab allows (the level's, or the sandbox's). */
  lr: { min: number; max: number };
  locked: boolean;
  selected: () => number;
  onSelect: (lane: number) => void;
  onChange: () => void;
}

const ROW = 92;

/** Builds the rows and the chosen lane's settings; returns the objects, for a rebuild. */
export function buildLaneEditor(
  scene: Phaser.Scene,
  o: LaneEditorOptions,
): Phaser.GameObjects.GameObject[] {
  const made: Phaser.GameObjects.GameObject[] = [];
  const g = scene.add.graphics();
  made.push(g);
  o.lanes.forEach((lane, i) => {
    const y = o.y + i * ROW;
    const chosen = o.selected() === i;
    g.fillStyle(LANE_COLORS[i % 4]!, 1).fillRoundedRect(o.x, y + 4, 10, ROW - 16, 5);
    if (chosen) g.lineStyle(2, 0xffffff, 1).strokeRoundedRect(o.x - 4, y, o.width + 8, ROW - 8, 8);
    made.push(
      new Button(scene, {
        x: o.x + 16,
        y,
        width: 36,
        height: 32,
        label: String(i + 1),
        fontSize: TEXT.small,
        variant: chosen ? 'primary' : 'secondary',
        name: `lane ${i + 1}`,
        tooltip: `Choose lane ${i + 1}: its update sizes, its settings, rewind and branch`,
        onClick: () => o.onSelect(i),
      }),
      new Choice<LaneKind>(scene, {
        x: o.x + 60,
        y,
        width: o.width - (o.locked ? 80 : 60),
        options: LANE_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })),
        value: laneKind(lane),
        tooltip: `Lane ${i + 1}'s optimizer`,
        name: `lane ${i + 1} optimizer`,
        locked: o.locked,
        onChange: (k) => {
          o.lanes[i] = { ...makeLane(k, lane.lr) };
          o.onSelect(i);
          o.onChange();
        },
      }),
      new Slider(scene, {
        x: o.x + 60,
        y: y + 36,
        width: o.width - 120,
        label: `Lane ${i + 1} learning rate`,
        min: o.lr.min,
        max: o.lr.max,
        value: lane.lr,
        scale: 'log',
        tooltip: 'How big each step of this lane is',
        locked: o.locked,
        onChange: (v) => {
          lane.lr = v;
          o.onChange();
        },
      }),
      new Button(scene, {
        x: o.x + o.width - 48,
        y: y + 44,
        width: 44,
        height: 36,
        label: '',
        icon: 'close',
        name: `remove lane ${i + 1}`,
        tooltip: `Remove lane ${i + 1}`,
        disabled: o.locked || o.lanes.length <= 1,
        onClick: () => {
          o.lanes.splice(i, 1);
          o.onSelect(Math.min(o.selected(), o.lanes.length - 1));
          o.onChange();
        },
      }),
    );
  });
  if (o.lanes.length < MAX_LANES) {
    made.push(
      new Button(scene, {
        x: o.x + 16,
        y: o.y + o.lanes.length * ROW,
        width: 160,
        label: 'Add a lane',
        icon: 'plus',
        tooltip: `Race another optimizer from the same start (up to ${MAX_LANES})`,
        disabled: o.locked || o.lanes.length >= MAX_LANES,
        onClick: () => {
          o.lanes.push(makeLane('adam', o.lanes.at(-1)?.lr ?? 0.01));
          o.onSelect(o.lanes.length - 1);
          o.onChange();
        },
      }),
    );
  }
  // The chosen lane's other settings, under the list.
  const lane = o.lanes[o.selected()];
  if (!lane) return made;
  const top = o.y + MAX_LANES * ROW + 40;
  made.push(
    scene.add.text(
      o.x,
      top - 24,
      `Lane ${o.selected() + 1}: more settings`,
      textStyle(TEXT.small, CSS.textDim),
    ),
  );
  const extra: {
    key: 'momentum' | 'beta1' | 'beta2' | 'weightDecay' | 'alpha';
    label: string;
    max: number;
  }[] =
    lane.optimizer === 'momentum'
      ? [{ key: 'momentum', label: 'Momentum μ', max: 0.99 }]
      : lane.optimizer === 'rmsprop'
        ? [{ key: 'alpha', label: 'RMSProp α', max: 0.999 }]
        : lane.optimizer === 'sgd'
          ? []
          : [
              { key: 'beta1', label: 'β₁', max: 0.99 },
              { key: 'beta2', label: 'β₂', max: 0.9999 },
              ...(lane.optimizer === 'adamw'
                ? [{ key: 'weightDecay' as const, label: 'Weight decay', max: 0.5 }]
                : []),
            ];
  const w = (o.width - 16 * (extra.length - 1)) / Math.max(extra.length, 1);
  extra.forEach((e, k) => {
    made.push(
      new Slider(scene, {
        x: o.x + k * (w + 16),
        y: top,
        width: w,
        label: e.label,
        min: 0,
        max: e.max,
        value: lane[e.key],
        step: e.key === 'weightDecay' ? 0.01 : 0.001,
        tooltip: `Lane ${o.selected() + 1}'s ${e.label}`,
        locked: o.locked,
        onChange: (v) => {
          lane[e.key] = v;
          o.onChange();
        },
      }),
    );
  });
  if (!extra.length) {
    made.push(
      scene.add.text(
        o.x,
        top + 8,
        'Plain SGD has only its learning rate.',
        textStyle(TEXT.small, CSS.textDim),
      ),
    );
  }
  return made;
}
