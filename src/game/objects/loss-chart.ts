/**
 * The loss curves of a training run: train loss (the loss colour) and validation loss (dashed,
 * the data colour), the goal's target as a line with its value on the axis, on a linear or
 * logarithmic axis, and optionally a grey "ghost": the previous era's model's validation loss on
 * the same data, drawn up to the step the player's run has reached. The Training scene appends
 * points after each chunk of steps; the curve "draws itself" because each redraw only adds a
 * segment's worth of new data. Every curve stays inside the frame, and no label sits inside it.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import { formatLoss } from '../ui/format.js';

export interface LossChartOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Total steps of the run (the x axis spans 0..stepBudget). */
  stepBudget: number;
  /** The goal's loss threshold, drawn as a target line; null when the goal is accuracy. */
  target: number | null;
  logScale: boolean;
}

/** A (step, value) point of one curve. */
interface Point {
  step: number;
  value: number;
}

// Log10 is a display transform only (the axis), never part of training, so it does not touch
// the kernel's determinism; the lint's ban covers the natural log used in losses.
const log10 = (v: number): number => Math.log10(Math.max(v, 1e-8));

export class LossChart {
  private readonly g: Phaser.GameObjects.Graphics;
  /** Axis and target labels, made once and updated: creating Text each chunk costs a texture. */
  private readonly labels: Phaser.GameObjects.Text[];
  private readonly train: Point[] = [];
  private readonly validation: Point[] = [];
  private ghost: Point[] = [];
  private ghostUntil = 0;
  private logScale: boolean;

  constructor(
    scene: Phaser.Scene,
    private readonly o: LossChartOptions,
  ) {
    this.logScale = o.logScale;
    this.g = scene.add.graphics();
    const style = textStyle(TEXT.small, CSS.textDim);
    this.labels = [
      scene.add.text(0, 0, '', style).setOrigin(1, 0.5),
      scene.add.text(0, 0, '', style).setOrigin(1, 0.5),
      scene.add.text(0, 0, '', style).setOrigin(1, 0),
      scene.add.text(0, 0, '', style),
      scene.add.text(0, 0, '', style).setOrigin(1, 0.5).setColor(CSS.success),
    ];
    this.redraw();
  }

  /** Appends the mean train loss of the last chunk, ending at `step`. */
  addTrain(step: number, value: number): void {
    if (Number.isFinite(value)) this.train.push({ step, value });
  }

  /** Appends a validation loss measured at `step`. */
  addValidation(step: number, value: number): void {
    if (Number.isFinite(value)) this.validation.push({ step, value });
  }

  /** Forgets both curves (reset to the starting weights); the ghost waits at step 0 again. */
  clear(): void {
    this.train.length = 0;
    this.validation.length = 0;
    this.ghostUntil = 0;
    this.redraw();
  }

  /** The ghost curve (the whole run); it shows up to `showGhostUntil`'s step. */
  setGhost(points: readonly Point[]): void {
    this.ghost = points.filter((p) => Number.isFinite(p.value));
  }

  /** Reveals the ghost curve up to `step` (the player's run keeps pace with it). */
  showGhostUntil(step: number): void {
    this.ghostUntil = step;
  }

  setLogScale(on: boolean): void {
    this.logScale = on;
    this.redraw();
  }

  /** Redraws axes and curves; cheap (a few hundred segments), called once per chunk. */
  redraw(): void {
    const { x, y, width, height, stepBudget, target } = this.o;
    const g = this.g.clear();

    const ghost = this.ghost.filter((p) => p.step <= this.ghostUntil);
    const values = [...this.train, ...this.validation, ...ghost].map((p) => p.value);
    if (target !== null) values.push(target);
    // A log axis cannot show 0 (a perfect batch): its floor is the smallest positive value.
    const positive = values.filter((v) => v > 0);
    let hi = values.length ? Math.max(...values) : 1;
    // On a log axis a little room below the lowest point keeps the curve off the bottom edge.
    const lo = this.logScale ? (positive.length ? Math.min(...positive) / 1.25 : 1e-3) : 0;
    if (hi <= lo) hi = this.logScale ? lo * 10 : lo + 1;
    const fy = this.logScale
      ? (v: number): number =>
          y + height - ((log10(v) - log10(lo)) / Math.max(log10(hi) - log10(lo), 1e-6)) * height
      : (v: number): number => y + height - ((v - lo) / (hi - lo)) * height;
    const fx = (s: number): number => x + (s / Math.max(stepBudget, 1)) * width;

    g.lineStyle(1, COLORS.line, 1).strokeRect(x, y, width, height);
    this.label(0, x - 6, y, formatLoss(hi));
    this.label(1, x - 6, y + height, formatLoss(lo));
    this.label(2, x + width, y + height + 4, `${stepBudget} steps`);
    this.label(3, x, y + height + 4, this.logScale ? 'log scale' : 'linear scale');
    this.label(4, 0, 0, '');

    if (target !== null && target > 0) {
      const ty = Phaser.Math.Clamp(fy(target), y, y + height);
      g.lineStyle(1.5, COLORS.success, 1);
      dashed(g, x, ty, x + width, ty, 6, 4);
      // The goal's value sits on the axis, outside the plot, unless the top or bottom label is there.
      const clear = Math.abs(ty - y) > 14 && Math.abs(ty - (y + height)) > 14;
      this.label(4, x - 6, ty, clear ? formatLoss(target) : '');
    }
    if (ghost.length) this.curve(ghost, COLORS.textDim, 2, true, fx, fy, 2);
    this.curve(this.train, COLORS.loss, 2.5, false, fx, fy);
    this.curve(this.validation, COLORS.data, 2, true, fx, fy);
  }

  private curve(
    points: Point[],
    color: number,
    width: number,
    dash: boolean,
    fx: (s: number) => number,
    fy: (v: number) => number,
    dashOn = 5,
  ): void {
    if (!points.length) return;
    const g = this.g;
    const { y, height } = this.o;
    const py = (v: number): number => Phaser.Math.Clamp(fy(v), y, y + height);
    g.lineStyle(width, color, 1);
    if (dash) {
      for (let i = 1; i < points.length; i++) {
        dashed(
          g,
          fx(points[i - 1]!.step),
          py(points[i - 1]!.value),
          fx(points[i]!.step),
          py(points[i]!.value),
          dashOn,
          4,
        );
      }
    } else {
      g.beginPath();
      g.moveTo(fx(points[0]!.step), py(points[0]!.value));
      for (const p of points) g.lineTo(fx(p.step), py(p.value));
      g.strokePath();
    }
    const last = points[points.length - 1]!;
    g.fillStyle(color, 1).fillCircle(fx(last.step), py(last.value), 3.5);
  }

  private label(i: number, x: number, y: number, text: string): void {
    const t = this.labels[i]!;
    t.setPosition(x, y);
    if (t.text !== text) t.setText(text);
  }

  destroy(): void {
    this.g.destroy();
    for (const t of this.labels) t.destroy();
  }
}

function dashed(
  g: Phaser.GameObjects.Graphics,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  on: number,
  off: number,
): void {
  const len = Math.hypot(x2 - x1, y2 - y1);
  if (len === 0) return;
  const ux = (x2 - x1) / len;
  const uy = (y2 - y1) / len;
  g.beginPath();
  for (let d = 0; d < len; d += on + off) {
    const e = Math.min(d + on, len);
    g.moveTo(x1 + ux * d, y1 + uy * d);
    g.lineTo(x1 + ux * e, y1 + uy * e);
  }
  g.strokePath();
}
