/**
 * A confusion matrix for a classification task: rows are the true classes, columns the predicted
 * ones, each cell shaded on viridis by its share of the row AND labelled with its count, so the
 * picture never depends on colour alone. Row/column headers carry the class markers used in the
 * decision-boundary map.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle, viridis } from '../theme.js';
import { drawMarker } from './heatmap.js';

export interface ConfusionOptions {
  x: number;
  y: number;
  /** Side of the whole matrix. */
  size: number;
  classes: number;
}

/** Counts [true][predicted] from class labels and `predict`'s probabilities (one = yes/no). */
export function confusionCounts(
  labels: ArrayLike<number>,
  outputs: Float32Array,
  classes: number,
): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const width = classes === 2 && outputs.length === labels.length ? 1 : classes;
  for (let i = 0; i < labels.length; i++) {
    let guess = 0;
    if (width === 1) guess = outputs[i]! > 0.5 ? 1 : 0;
    else {
      for (let k = 1; k < classes; k++)
        if (outputs[i * classes + k]! > outputs[i * classes + guess]!) guess = k;
    }
    const truth = Math.round(labels[i]!);
    if (truth >= 0 && truth < classes) m[truth]![guess]!++;
  }
  return m;
}

export class Confusion {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly texts: Phaser.GameObjects.Text[] = [];

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: ConfusionOptions,
  ) {
    this.g = scene.add.graphics();
  }

  update(counts: number[][]): void {
    const { x, y, size, classes } = this.o;
    const g = this.g.clear();
    let used = 0;
    const head = 18;
    const cell = (size - head) / classes;
    const x0 = x + head;
    const y0 = y + head;
    const showNumbers = cell >= 22;
    for (let t = 0; t < classes; t++) {
      drawMarker(g, t, x + head / 2 - 2, y0 + (t + 0.5) * cell, 5);
      drawMarker(g, t, x0 + (t + 0.5) * cell, y + head / 2 - 2, 5);
      const total = counts[t]!.reduce((a, b) => a + b, 0) || 1;
      for (let p = 0; p < classes; p++) {
        const share = counts[t]![p]! / total;
        g.fillStyle(viridis(share), 1).fillRect(
          x0 + p * cell + 1,
          y0 + t * cell + 1,
          cell - 2,
          cell - 2,
        );
        if (t === p)
          g.lineStyle(2, COLORS.text, 0.9).strokeRect(
            x0 + p * cell + 1,
            y0 + t * cell + 1,
            cell - 2,
            cell - 2,
          );
        if (showNumbers) {
          // Cell labels are reused between updates: a new Text per cell per frame costs a texture.
          const label = (this.texts[used++] ??= this.scene.add
            .text(0, 0, '', textStyle(TEXT.small, CSS.text, 600))
            .setOrigin(0.5));
          label.setPosition(x0 + (p + 0.5) * cell, y0 + (t + 0.5) * cell);
          const text = String(counts[t]![p]);
          if (label.text !== text) label.setText(text);
          label.setColor(share > 0.55 ? '#14171f' : CSS.text);
        }
      }
    }
  }

  destroy(): void {
    this.g.destroy();
    for (const t of this.texts) t.destroy();
  }
}
