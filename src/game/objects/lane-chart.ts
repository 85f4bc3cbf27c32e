/**
 * The optimizer lab's loss chart: one validation-loss curve per lane, each in its lane's
 * colour-blind-safe colour and with its own dash pattern (so lanes are told apart without
 * colour too), the goal's target line, a marker where a lane first met the goal, a grey ghost
 * of the player's best saved run, and a marker at the step the timeline points to. The y axis
 * is logarithmic: optimizers differ by orders of magnitude early on.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import { formatLoss } from '../ui/format.js';

/** Okabe–Ito colours for up to four lanes. */
export const LANE_COLORS = [0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7] as const;
export const LANE_CSS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7'] as const;
/** Each lane's dash: every n-th segment left out (0 = solid), so lanes differ without colour. */
const GAPS = [0, 2, 3, 4];

export interface LanePoint {
  step: number;
  value: number;
}

export interface LaneChartOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  steps: number;
  /** The goal's loss threshold, or null when the goal is accuracy. */
  target: number | null;
}

const log10 = (v: number): number => Math.log10(Math.max(v, 1e-8));

export class LaneChart {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly labels: Phaser.GameObjects.Text[];
  private curves: LanePoint[][] = [];
  private ghost: LanePoint[] = [];
  private goalAt: (number | null)[] = [];
  private cursor: number | null = null;

  constructor(
    scene: Phaser.Scene,
    private readonly o: LaneChartOptions,
  ) {
    this.g = scene.add.graphics();
    const style = textStyle(TEXT.small, CSS.textDim);
    this.labels = [
      scene.add.text(0, 0, '', style).setOrigin(1, 0.5),
      scene.add.text(0, 0, '', style).setOrigin(1, 0.5),
      scene.add.text(0, 0, '', style).setOrigin(1, 0),
    ];
    this.redraw();
  }

  /** Replaces every lane's curve; `goalAt[k]` is the step lane k first met the goal, or null. */
  set(curves: LanePoint[][], goalAt: (number | null)[]): void {
    this.curves = curves;
    this.goalAt = goalAt;
    this.redraw();
  }

  setGhost(points: LanePoint[]): void {
    this.ghost = points;
    this.redraw();
  }

  /** The step the timeline points to, drawn as a vertical line (null: none). */
  setCursor(step: number | null): void {
    this.cursor = step;
    this.redraw();
  }

  private redraw(): void {
    const { x, y, width: w, height: h, steps } = this.o;
    const g = this.g.clear();
    g.lineStyle(1, COLORS.line, 1).strokeRect(x, y, w, h);
    const all = [...this.curves.flat(), ...this.ghost].map((p) => p.value).filter(Number.isFinite);
    if (this.o.target !== null) all.push(this.o.target);
    let lo = all.length ? Math.min(...all.map(log10)) : -2;
    let hi = all.length ? Math.max(...all.map(log10)) : 0;
    if (hi - lo < 0.5) [lo, hi] = [lo - 0.25, hi + 0.25];
    const px = (step: number): number => x + (Math.min(step, steps) / steps) * w;
    const py = (v: number): number => y + h - ((log10(v) - lo) / (hi - lo)) * h;
    const line = (points: LanePoint[], color: number, gap: number, width: number): void => {
      const pts = points.filter((p) => Number.isFinite(p.value));
      g.lineStyle(width, color, 1);
      for (let i = 1; i < pts.length; i++) {
        if (gap && i % gap === 0) continue;
        const [a, b] = [pts[i - 1]!, pts[i]!];
        g.lineBetween(px(a.step), py(a.value), px(b.step), py(b.value));
      }
    };
    line(this.ghost, COLORS.textDim, 0, 1.5);
    this.curves.forEach((c, k) => line(c, LANE_COLORS[k % 4]!, GAPS[k % 4]!, 2.5));
    if (this.o.target !== null) {
      g.lineStyle(1.5, COLORS.success, 1).lineBetween(
        x,
        py(this.o.target),
        x + w,
        py(this.o.target),
      );
    }
    this.goalAt.forEach((step, k) => {
      if (step === null) return;
      g.fillStyle(LANE_COLORS[k % 4]!, 1).fillTriangle(
        px(step),
        y + h - 2,
        px(step) - 6,
        y + h + 10,
        px(step) + 6,
        y + h + 10,
      );
    });
    if (this.cursor !== null) {
      g.lineStyle(2, COLORS.focus, 0.8).lineBetween(px(this.cursor), y, px(this.cursor), y + h);
    }
    const [top, bottom, right] = this.labels;
    top!.setPosition(x - 6, y).setText(formatLoss(10 ** hi));
    bottom!.setPosition(x - 6, y + h).setText(formatLoss(10 ** lo));
    right!.setPosition(x + w, y + h + 14).setText(`${steps} steps · log scale`);
  }

  destroy(): void {
    this.g.destroy();
    for (const t of this.labels) t.destroy();
  }
}
