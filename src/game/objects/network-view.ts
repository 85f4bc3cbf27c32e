/**
 * A small diagram of the network that "breathes" while it trains: one column of nodes per layer
 * (data colour for inputs, weights colour for units), every edge drawn with a thickness that
 * follows the weight's size and a colour that follows its sign (diverging blue–orange), so
 * the player watches the connections grow, fade and flip as gradient descent works.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, diverging, textStyle } from '../theme.js';

export interface NetworkViewOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Widths of each column: inputs, then every dense layer's units. */
  widths: number[];
}

/** Columns taller than this show their first units and a "+n" note. */
const MAX_NODES = 10;

export class NetworkView {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly notes: Phaser.GameObjects.Text[] = [];

  constructor(
    scene: Phaser.Scene,
    private readonly o: NetworkViewOptions,
  ) {
    this.g = scene.add.graphics();
    o.widths.forEach((w, i) => {
      if (w > MAX_NODES) {
        const p = this.node(i, MAX_NODES - 1);
        this.notes.push(
          scene.add
            .text(p.x, o.y + o.height + 2, `${w} units`, textStyle(TEXT.small, CSS.textDim))
            .setOrigin(0.5, 0),
        );
      }
    });
    this.update(null);
  }

  /** Redraws with `weights[k]` = the k-th dense layer's [units, inputs] matrix (or null: grey). */
  update(weights: Float32Array[] | null): void {
    const g = this.g.clear();
    const widths = this.o.widths;
    let peak = 1e-6;
    if (weights)
      for (const w of weights)
        for (let i = 0; i < w.length; i++) peak = Math.max(peak, Math.abs(w[i]!));
    for (let k = 0; k + 1 < widths.length; k++) {
      const inW = widths[k]!;
      const outW = widths[k + 1]!;
      const w = weights?.[k];
      for (let o = 0; o < Math.min(outW, MAX_NODES); o++) {
        for (let i = 0; i < Math.min(inW, MAX_NODES); i++) {
          const v = w ? w[o * inW + i]! / peak : 0;
          const a = this.node(k, i);
          const b = this.node(k + 1, o);
          g.lineStyle(
            0.5 + 3.5 * Math.abs(v),
            w ? diverging(v) : COLORS.line,
            w ? 0.35 + 0.65 * Math.abs(v) : 0.6,
          );
          g.lineBetween(a.x, a.y, b.x, b.y);
        }
      }
    }
    widths.forEach((w, k) => {
      for (let i = 0; i < Math.min(w, MAX_NODES); i++) {
        const p = this.node(k, i);
        g.fillStyle(k === 0 ? COLORS.data : COLORS.weights, 1).fillCircle(p.x, p.y, 5);
        g.lineStyle(1.5, COLORS.background, 1).strokeCircle(p.x, p.y, 5);
      }
    });
  }

  private node(column: number, index: number): { x: number; y: number } {
    const { x, y, width, height, widths } = this.o;
    const cols = widths.length;
    const n = Math.min(widths[column]!, MAX_NODES);
    const cx = cols > 1 ? x + 8 + ((width - 16) * column) / (cols - 1) : x + width / 2;
    const gap = Math.min(22, (height - 10) / Math.max(n, 1));
    const cy = y + height / 2 + (index - (n - 1) / 2) * gap;
    return { x: cx, y: cy };
  }

  destroy(): void {
    this.g.destroy();
    for (const t of this.notes) t.destroy();
  }
}
