/**
 * One sequence and what the network answers to it. Token data: the symbols in a row, one cell per
 * time step, and for a task scored at every step the true answer and the network's under each
 * (green and ✓-free when right, vermillion on a tinted cell when wrong, so it reads without
 * colour); for one answer per sequence a line after it. Real-valued data: a small chart over t
 * of the inputs, or of the target (blue) against the network's prediction (orange). The cells
 * line up with the hidden-state heatmap drawn under it (`cells`).
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../theme.js';
import { addText } from '../ui/text.js';
import { fitLabel, stepCells, symbolText, type StepAnswers } from './sequence-figures.js';

export interface SequenceStripOptions {
  x: number;
  y: number;
  width: number;
  steps: number;
  /** Values per step (real-valued data). */
  features: number;
  vocab?: readonly string[];
  task: 'regression' | 'binary' | 'multiclass';
  perPosition: boolean;
  /** Names of the answers (classes); absent: numbers. */
  classNames?: readonly string[];
  /** Turns a standardised target back into the data's units. */
  unscale: (v: number) => number;
}

/** Width of the row labels left of the cells, and the height of a row of symbols. */
export const STRIP_LABELS = 64;
const ROW = 24;
const CHART_H = 96;

export class SequenceStrip {
  /** The cells of the time steps (for the heatmaps under the strip). */
  readonly cells: { x: number; w: number }[];
  readonly bottom: number;
  private readonly rows: Phaser.GameObjects.Text[][] = [];
  private readonly marks: Phaser.GameObjects.Graphics;
  private readonly answer: Phaser.GameObjects.Text | null = null;
  private readonly score: Phaser.GameObjects.Text | null = null;
  private readonly chart: { x: number; y: number; w: number; h: number } | null = null;
  private x: Float32Array = new Float32Array(0);
  private truth: number[] = [];
  private readonly font: number;

  constructor(
    scene: Phaser.Scene,
    private readonly o: SequenceStripOptions,
  ) {
    const left = o.x + STRIP_LABELS;
    const width = o.width - STRIP_LABELS;
    this.cells = stepCells(left, width, o.steps);
    this.marks = scene.add.graphics();
    const cellW = this.cells[0]?.w ?? width;
    this.font = Math.max(9, Math.min(TEXT.small, Math.floor(cellW * 0.9)));
    const label = (y: number, text: string): void => {
      addText(scene, o.x, y, text, { size: TEXT.small, color: CSS.textDim });
    };
    let y = o.y;
    if (o.vocab) {
      const names = o.perPosition ? ['input', 'truth', 'network'] : ['input'];
      names.forEach((name, r) => {
        label(y + r * ROW + 2, name);
        this.rows.push(
          this.cells.map((c) =>
            addText(scene, c.x + c.w / 2, y + r * ROW + 12, '', {
              size: this.font,
              color: r === 0 ? CSS.data : CSS.text,
              weight: r === 0 ? 600 : 400,
            }).setOrigin(0.5, 0.5),
          ),
        );
      });
      y += names.length * ROW;
    } else {
      label(y + 2, o.perPosition && o.task === 'regression' ? 'value' : 'input');
      this.chart = { x: left, y, w: width, h: CHART_H };
      y += CHART_H + 4;
    }
    if (!o.perPosition) {
      this.answer = addText(scene, left, y + 4, '', { size: TEXT.small, color: CSS.text });
      y += 28;
    } else if (o.vocab) {
      this.score = addText(scene, left, y + 4, '', { size: TEXT.small, color: CSS.textDim });
      y += 26;
    } else {
      addText(scene, left, y, 'blue: the target · orange: the network', {
        size: TEXT.small,
        color: CSS.textDim,
      });
      y += 22;
    }
    this.bottom = y;
  }

  /** Shows example `x` (one row of the split) with its targets `truth` (one per scored position). */
  setExample(x: Float32Array, truth: number[]): void {
    this.x = x;
    this.truth = truth;
    const { vocab } = this.o;
    if (vocab) {
      this.rows[0]!.forEach((t, i) =>
        t.setText(fitLabel(symbolText(vocab, x[i] ?? 0), this.cells[i]!.w, this.font)),
      );
      if (this.o.perPosition) {
        this.rows[1]!.forEach((t, i) =>
          t.setText(fitLabel(this.answerText(truth[i] ?? 0), this.cells[i]!.w, this.font)),
        );
        this.rows[2]!.forEach((t) => t.setText(''));
      }
    }
    this.marks.clear();
    this.answer?.setText('');
    this.score?.setText('');
    if (this.chart) this.drawChart(null);
  }

  /** Shows the network's answers to the example. */
  setAnswers(a: StepAnswers): void {
    if (this.o.vocab && this.o.perPosition) {
      const g = this.marks.clear();
      const y = this.rows[2]![0]!.y - ROW / 2 + 1;
      this.rows[2]!.forEach((t, i) => {
        const right = a.right[i] ?? false;
        const cell = this.cells[i]!;
        t.setText(fitLabel(this.answerText(a.guess[i] ?? 0), cell.w, this.font));
        t.setColor(right ? CSS.success : CSS.warning);
        g.fillStyle(right ? COLORS.success : COLORS.warning, right ? 0.14 : 0.32);
        g.fillRect(cell.x + 1, y, cell.w - 2, ROW - 2);
      });
      const right = a.right.filter(Boolean).length;
      this.score?.setText(`${right} of ${a.right.length} steps right on this sequence`);
    }
    if (this.chart) this.drawChart(this.o.perPosition ? a.guess : null);
    if (this.answer) {
      const g = a.guess[0] ?? 0;
      const t = a.truth[0] ?? 0;
      if (this.o.task === 'regression') {
        this.answer
          .setText(`After the last step: ${this.number(g)} (true: ${this.number(t)})`)
          .setColor(CSS.text);
      } else {
        const right = a.right[0] ?? false;
        this.answer
          .setText(
            `After the last step: ${this.answerText(g)} (true: ${this.answerText(t)}) ${right ? '✓' : '✗ wrong'}`,
          )
          .setColor(right ? CSS.success : CSS.warning);
      }
    }
  }

  private answerText(k: number): string {
    const { task, classNames, vocab } = this.o;
    if (task === 'regression') return this.number(k);
    const i = Math.round(k);
    if (classNames?.[i] !== undefined) return classNames[i];
    if (task === 'multiclass' && vocab) return symbolText(vocab, i);
    return task === 'binary' ? (i ? 'yes' : 'no') : String(i);
  }

  private number(v: number): string {
    return this.o.unscale(v).toFixed(2);
  }

  /** The inputs, or the target and the prediction over t, scaled to the chart together. */
  private drawChart(prediction: number[] | null): void {
    const c = this.chart!;
    const g = this.marks.clear();
    g.lineStyle(1, COLORS.line, 1).strokeRect(c.x - 0.5, c.y - 0.5, c.w + 1, c.h + 1);
    const { steps, features, perPosition, task } = this.o;
    const series: { values: number[]; color: number }[] = [];
    if (perPosition && task === 'regression') {
      series.push({ values: this.truth, color: COLORS.data });
      if (prediction) series.push({ values: prediction, color: COLORS.weights });
    } else {
      const colors = [COLORS.data, COLORS.gradients, COLORS.loss];
      for (let f = 0; f < features; f++) {
        const values = Array.from({ length: steps }, (_, t) => this.x[t * features + f] ?? 0);
        series.push({ values, color: colors[f % colors.length]! });
      }
    }
    let lo = Infinity;
    let hi = -Infinity;
    // The scale is the data's: a prediction far off (a run blowing up) runs into the frame.
    for (const s of series.slice(0, perPosition && task === 'regression' ? 1 : series.length))
      for (const v of s.values) {
        if (!Number.isFinite(v)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    if (!(hi > lo)) {
      lo -= 1;
      hi += 1;
    }
    const pad = (hi - lo) * 0.08;
    const yOf = (v: number): number =>
      c.y +
      c.h -
      ((Phaser.Math.Clamp(v, lo - pad, hi + pad) - lo + pad) / (hi - lo + 2 * pad)) * c.h;
    for (const s of series) {
      g.lineStyle(2, s.color, 1).beginPath();
      s.values.forEach((v, t) => {
        const cell = this.cells[t]!;
        const px = cell.x + cell.w / 2;
        if (t === 0) g.moveTo(px, yOf(v));
        else g.lineTo(px, yOf(v));
      });
      g.strokePath();
    }
  }
}
