/**
 * The Training view's frame around the pictures, the same for every kind of data: the way back
 * to the workbench, the level's title and goal, the three panels, and the middle panel's top —
 * the loss chart with its key (train, validation dashed, the old way in grey), the run's
 * numbers, and the status line that says what is happening and what to do next. The run views
 * draw into the rest of the panels (see ./views/); the run bar completes the header.
 */
import type * as Phaser from 'phaser';
import type { Level } from '../../levels/types.js';
import { goalTarget, goalWhen } from '../scenes/level-text.js';
import { COLORS, CSS, RADIUS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { LossChart } from './loss-chart.js';

export interface HeaderOptions {
  /** The level, or null for free play. */
  level: Level | null;
  stepBudget: number;
  /** The Workbench button: stop and go back to change the network. */
  onBack: () => void;
}

/** The header's left: the way back to the workbench, the title and the goal in words. */
export function drawHeader(scene: Phaser.Scene, o: HeaderOptions): void {
  new Button(scene, {
    x: 16,
    y: 14,
    label: 'Workbench',
    icon: 'build',
    variant: 'ghost',
    tooltip: 'Stop and go back to change the network',
    onClick: o.onBack,
  });
  const level = o.level;
  scene.add.text(170, 10, level?.title ?? 'Sandbox', textStyle(TEXT.title, CSS.text, 600));
  const goal = level
    ? `Goal: ${goalTarget(level)} ${goalWhen(level)}`
    : `Free play · ${o.stepBudget} steps at most`;
  scene.add.text(170, 48, goal, textStyle(TEXT.small, CSS.textDim));
}

export interface LossPanelOptions {
  stepBudget: number;
  /** The goal's loss, drawn as the target line; null for an accuracy goal or free play. */
  target: number | null;
  logScale: boolean;
}

/** The three panels, and the middle one's top: the chart, its key, the numbers, the status. */
export class LossPanel {
  readonly chart: LossChart;
  /** The run's numbers: step, losses, accuracies, the goal's metric. */
  readonly metrics: Phaser.GameObjects.Text;
  /** What is happening and what to do next. */
  readonly status: Phaser.GameObjects.Text;
  /** Under the key: the old way's grey curve, or how the losses were scaled. */
  private readonly note: Phaser.GameObjects.Text;

  constructor(scene: Phaser.Scene, o: LossPanelOptions) {
    const panel = (x: number, y: number, w: number, h: number): void => {
      scene.add.graphics().fillStyle(COLORS.panel, 1).fillRoundedRect(x, y, w, h, RADIUS);
    };
    panel(16, 76, 440, 632);
    panel(472, 76, 396, 632);
    panel(884, 76, 380, 632);
    scene.add.text(488, 88, 'Loss', textStyle(TEXT.label, CSS.text, 600));
    this.chart = new LossChart(scene, {
      x: 540,
      y: 122,
      width: 310,
      height: 200,
      stepBudget: o.stepBudget,
      target: o.target,
      logScale: o.logScale,
    });
    const legend = scene.add.graphics();
    legend.lineStyle(2.5, COLORS.loss, 1).lineBetween(488, 362, 512, 362);
    legend
      .lineStyle(2, COLORS.data, 1)
      .lineBetween(612, 362, 620, 362)
      .lineBetween(626, 362, 634, 362);
    scene.add.text(518, 352, 'train', textStyle(TEXT.small, CSS.loss));
    scene.add.text(640, 352, 'validation (dashed)', textStyle(TEXT.small, CSS.data));
    this.note = scene.add
      .text(488, 372, '┄ grey: the old way, validation', textStyle(TEXT.small, CSS.textDim))
      .setVisible(false);
    this.metrics = scene.add.text(488, 396, '', textStyle(TEXT.body, CSS.text)).setLineSpacing(4);
    this.status = scene.add
      .text(488, 500, 'Preparing the network…', textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(364);
  }

  /** Says what is happening, in the status line's colour for it. */
  say(text: string, color: string = CSS.textDim): void {
    this.status.setText(text).setColor(color);
  }

  /** The old way's validation loss in grey on the chart, with its line in the key. */
  showGhostLoss(points: { step: number; value: number }[]): void {
    this.chart.setGhost(points);
    this.note.setVisible(true);
  }

  /** Says that the losses are of targets divided by `std` (standardised for training). */
  showScale(std: string): void {
    this.note.setText(`Scaled losses: the targets were divided by ${std}`).setVisible(true);
  }
}
