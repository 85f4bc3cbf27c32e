/**
 * Predicted against true values for a regression task, on the validation split: a perfect model
 * puts every point on the diagonal. Points are in the data colour; the diagonal is dashed.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import { formatLoss } from '../ui/format.js';

export interface ScatterOptions {
  x: number;
  y: number;
  size: number;
}

export class Scatter {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly texts: Phaser.GameObjects.Text[] = [];

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: ScatterOptions,
  ) {
    this.g = scene.add.graphics();
  }

  /** Plots (truth[i], predicted[i]); both arrays hold the first output column. */
  update(truth: ArrayLike<number>, predicted: ArrayLike<number>): void {
    const { x, y, size } = this.o;
    const g = this.g.clear();
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < truth.length; i++) {
      lo = Math.min(lo, truth[i]!);
      hi = Math.max(hi, truth[i]!);
    }
    if (!(hi > lo)) {
      lo -= 1;
      hi += 1;
    }
    const pad = (hi - lo) * 0.1;
    lo -= pad;
    hi += pad;
    const px = (v: number): number => x + ((v - lo) / (hi - lo)) * size;
    const py = (v: number): number => y + size - ((v - lo) / (hi - lo)) * size;
    g.lineStyle(1, COLORS.line, 1).strokeRect(x, y, size, size);
    g.lineStyle(1.5, COLORS.textDim, 1);
    for (let d = 0; d < size; d += 10) {
      g.lineBetween(
        x + d,
        y + size - d,
        x + Math.min(d + 5, size),
        y + size - Math.min(d + 5, size),
      );
    }
    g.fillStyle(COLORS.data, 0.85);
    for (let i = 0; i < truth.length; i++) {
      const vx = px(truth[i]!);
      const vy = Phaser.Math.Clamp(py(predicted[i]!), y, y + size);
      g.fillCircle(vx, vy, 2.5);
    }
    // Labels are made once (the true values' range does not change while training).
    if (!this.texts.length) {
      const style = textStyle(TEXT.small, CSS.textDim);
      this.texts.push(
        this.scene.add.text(x + size / 2, y + size + 4, 'true value →', style).setOrigin(0.5, 0),
        this.scene.add
          .text(x - 4, y + size / 2, 'predicted →', style)
          .setOrigin(0.5, 1)
          .setAngle(-90),
        this.scene.add.text(x, y + size + 4, formatLoss(lo), style),
        this.scene.add.text(x + size, y + size + 4, formatLoss(hi), style).setOrigin(1, 0),
      );
    }
  }

  destroy(): void {
    this.g.destroy();
    for (const t of this.texts) t.destroy();
  }
}
