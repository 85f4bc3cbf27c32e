/**
 * The epilogue's log–log plot: validation loss against parameters (or against training compute),
 * one dot per trained rung of the ladder, the fitted power law as a straight line (solid over
 * the sizes trained, dashed beyond them), and the real models the line is read at as dotted
 * verticals with the loss the line points to. Against compute, each rung's whole validation
 * curve is drawn, so the player sees the bigger models pass the smaller ones as compute grows.
 * Logarithms here only place pixels; the fit and its readings come from the kernel.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import { formatLoss } from '../ui/format.js';

/** One trained rung as the plot draws it. */
export interface PlotRung {
  readonly name: string;
  readonly params: number;
  readonly loss: number;
  /** Validation loss as training went: (compute so far in FLOPs, loss). */
  readonly curve: readonly { readonly flops: number; readonly loss: number }[];
}

/** A real model's mark: where it sits on the x axis, and the line's loss there (null: no fit). */
export interface PlotMark {
  readonly name: string;
  readonly x: number;
  readonly predicted: number | null;
}

export type PlotAxis = 'params' | 'compute';

/** The fitted line: loss = a · x^(−alpha), over x from `from` to `to`, solid up to `trained`. */
export interface PlotLine {
  readonly a: number;
  readonly alpha: number;
  /** Loss of the line at `from` and at `to` (from the kernel, like the fit). */
  readonly fromLoss: number;
  readonly toLoss: number;
  readonly from: number;
  readonly to: number;
  readonly trained: number;
}

const AXES: Record<PlotAxis, { min: number; max: number; title: string }> = {
  params: { min: 3, max: 12, title: 'parameters' },
  compute: { min: 9, max: 24, title: 'training compute (floating-point operations)' },
};
/** Loss axis: log10 of 0.5 to 3 nats per character. */
const LOSS_MIN = Math.log10(0.5);
const LOSS_MAX = Math.log10(3);
const TICKS = [0.5, 1, 2, 3];
/** One colour per rung, the same in the ladder's rows. */
export const RUNG_COLORS = [0x56b4e9, 0x009e73, 0xf0e442, 0xe69f00, 0xcc79a7];

const log10 = (v: number): number => Math.log10(Math.max(v, 1e-30));

export class ScalingPlot {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly texts: Phaser.GameObjects.Text[] = [];
  private drawn = 0;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly x: number,
    private readonly y: number,
    private readonly w: number,
    private readonly h: number,
  ) {
    this.g = scene.add.graphics();
  }

  /** Dots drawn at the last `draw` (one per trained rung): what the browser test reads. */
  get points(): number {
    return this.drawn;
  }

  draw(
    axis: PlotAxis,
    rungs: readonly PlotRung[],
    line: PlotLine | null,
    marks: readonly PlotMark[],
  ): void {
    const { g } = this;
    g.clear();
    for (const t of this.texts) t.destroy();
    this.texts.length = 0;
    const a = AXES[axis];
    const px = (v: number): number => this.x + ((log10(v) - a.min) / (a.max - a.min)) * this.w;
    const py = (loss: number): number =>
      this.y + this.h - ((log10(loss) - LOSS_MIN) / (LOSS_MAX - LOSS_MIN)) * this.h;
    const label = (
      x: number,
      y: number,
      s: string,
      ox: number,
      oy: number,
      color = CSS.textDim,
    ): void => {
      this.texts.push(this.scene.add.text(x, y, s, textStyle(TEXT.small, color)).setOrigin(ox, oy));
    };

    g.fillStyle(COLORS.panel, 1).fillRect(this.x, this.y, this.w, this.h);
    g.lineStyle(1, COLORS.line, 1);
    for (let e = a.min; e <= a.max; e++) {
      const x = this.x + ((e - a.min) / (a.max - a.min)) * this.w;
      g.lineBetween(x, this.y, x, this.y + this.h);
      if ((e - a.min) % (axis === 'params' ? 1 : 3) === 0)
        label(x, this.y + this.h + 4, powerOfTen(e), 0.5, 0);
    }
    for (const t of TICKS) {
      g.lineBetween(this.x, py(t), this.x + this.w, py(t));
      label(this.x - 6, py(t), String(t), 1, 0.5);
    }
    label(this.x + this.w / 2, this.y + this.h + 24, a.title, 0.5, 0);
    label(this.x - 44, this.y - 8, 'validation loss (nats per character)', 0, 1);

    if (line) {
      const steps = 40;
      const ratio = log10(line.to / line.from);
      for (let i = 0; i < steps; i++) {
        // The line is straight on these axes, so its ends (read by the kernel) fix every pixel.
        const u0 = i / steps;
        const u1 = (i + 1) / steps;
        const x0 = line.from * 10 ** (ratio * u0);
        const x1 = line.from * 10 ** (ratio * u1);
        const l0 = 10 ** (log10(line.fromLoss) + (log10(line.toLoss) - log10(line.fromLoss)) * u0);
        const l1 = 10 ** (log10(line.fromLoss) + (log10(line.toLoss) - log10(line.fromLoss)) * u1);
        const beyond = x0 > line.trained;
        if (beyond && i % 2 === 1) continue;
        g.lineStyle(beyond ? 2 : 3, COLORS.loss, beyond ? 0.7 : 1);
        g.lineBetween(px(x0), py(l0), px(x1), py(l1));
      }
    }
    marks.forEach((m, i) => {
      const x = px(m.x);
      g.lineStyle(1, COLORS.textDim, 0.8);
      for (let y = this.y; y < this.y + this.h; y += 8) g.lineBetween(x, y, x, y + 4);
      const words = m.predicted === null ? m.name : `${m.name}: ${formatLoss(m.predicted)}`;
      label(x - 4, this.y + 8 + i * 20, words, 1, 0, CSS.text);
      if (m.predicted !== null && m.predicted > 0.5) {
        g.fillStyle(COLORS.loss, 1).fillCircle(x, py(m.predicted), 4);
      }
    });

    rungs.forEach((r, i) => {
      const color = RUNG_COLORS[i % RUNG_COLORS.length]!;
      if (axis === 'compute') {
        g.lineStyle(2, color, 1);
        for (let k = 1; k < r.curve.length; k++) {
          const p = r.curve[k - 1]!;
          const q = r.curve[k]!;
          g.lineBetween(px(p.flops), py(p.loss), px(q.flops), py(q.loss));
        }
      }
      const end = axis === 'params' ? r.params : (r.curve.at(-1)?.flops ?? 1);
      g.fillStyle(color, 1).fillCircle(px(end), py(r.loss), 6);
      g.lineStyle(2, COLORS.background, 1).strokeCircle(px(end), py(r.loss), 6);
    });
    this.drawn = rungs.length;
  }

  destroy(): void {
    this.g.destroy();
    for (const t of this.texts) t.destroy();
  }
}

/** 10^e in words a reader knows: 1k, 1M, 1B, 1T, or 10^e beyond. */
function powerOfTen(e: number): string {
  const names: Record<number, string> = { 3: '1k', 6: '1M', 9: '1B', 12: '1T' };
  if (names[e]) return names[e];
  if (e === 4 || e === 7 || e === 10) return `10${names[e - 1]!.slice(1)}`;
  if (e === 5 || e === 8 || e === 11) return `100${names[e - 2]!.slice(1)}`;
  return `10^${e}`;
}
