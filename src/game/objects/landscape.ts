/**
 * The loss landscape of a one-weight, one-bias line fit: mean squared error over a (w, b) grid,
 * drawn as banded contours on viridis, with gradient descent's path drawn live on top (the
 * gradients colour) and the current (w, b) as a dot (the weights colour). The surface is plain
 * arithmetic on the training data the trainer hands back (`read('train.x'/'train.y')`): for a
 * line, MSE is a quadratic in (w, b), so five sums describe it exactly.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle, viridis } from '../theme.js';
import { Heatmap } from './heatmap.js';

export interface LandscapeOptions {
  x: number;
  y: number;
  size: number;
  resolution?: number;
}

/** Sufficient statistics of a line fit: MSE(w, b) = (w²Sxx + 2wbSx + nb² − 2wSxy − 2bSy + Syy)/n. */
interface Sums {
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  sxy: number;
  syy: number;
}

const BANDS = 14;

export class Landscape {
  private readonly map: Heatmap;
  private readonly path: Phaser.GameObjects.Graphics;
  private readonly texts: Phaser.GameObjects.Text[] = [];
  private readonly trail: Array<{ w: number; b: number }> = [];
  private sums: Sums | null = null;
  private extent = { wMin: -2, wMax: 2, bMin: -2, bMax: 2 };

  constructor(
    scene: Phaser.Scene,
    private readonly o: LandscapeOptions,
  ) {
    this.map = new Heatmap(scene, {
      x: o.x,
      y: o.y,
      size: o.size,
      resolution: o.resolution ?? 160,
    });
    this.path = scene.add.graphics();
    const style = textStyle(TEXT.small, CSS.textDim);
    this.texts.push(
      scene.add.text(o.x + o.size / 2, o.y + o.size + 4, 'weight w →', style).setOrigin(0.5, 0),
      scene.add
        .text(o.x - 4, o.y + o.size / 2, 'bias b →', style)
        .setOrigin(0.5, 1)
        .setAngle(-90),
    );
  }

  /** MSE of the line y = w·x + b on the training data. */
  loss(w: number, b: number): number {
    const s = this.sums!;
    return (
      (w * w * s.sxx + 2 * w * b * s.sx + s.n * b * b - 2 * w * s.sxy - 2 * b * s.sy + s.syy) / s.n
    );
  }

  /** Takes the training data and the starting (w, b); frames the map around both and the best fit. */
  setData(x: ArrayLike<number>, y: ArrayLike<number>, w0: number, b0: number): void {
    const s: Sums = { n: Math.max(1, x.length), sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 };
    for (let i = 0; i < x.length; i++) {
      s.sx += x[i]!;
      s.sy += y[i]!;
      s.sxx += x[i]! * x[i]!;
      s.sxy += x[i]! * y[i]!;
      s.syy += y[i]! * y[i]!;
    }
    this.sums = s;
    // The least-squares optimum, by the normal equations (Legendre's 1805 method, fittingly).
    const det = s.n * s.sxx - s.sx * s.sx;
    const wBest = det !== 0 ? (s.n * s.sxy - s.sx * s.sy) / det : 0;
    const bBest = (s.sy - wBest * s.sx) / s.n;
    const half = Math.max(1.5, 1.35 * Math.max(Math.abs(w0 - wBest), Math.abs(b0 - bBest)));
    this.extent = {
      wMin: wBest - half,
      wMax: wBest + half,
      bMin: bBest - half,
      bMax: bBest + half,
    };
    this.paint();
    this.trail.length = 0;
    this.addPoint(w0, b0);
  }

  /** Appends the current (w, b) to the descent path and redraws it. */
  addPoint(w: number, b: number): void {
    this.trail.push({ w, b });
    this.drawPath();
  }

  /** Forgets the path (reset): keeps only the first point. */
  resetPath(): void {
    this.trail.splice(1);
    this.drawPath();
  }

  private paint(): void {
    const n = this.map.options.resolution;
    const { wMin, wMax, bMin, bMax } = this.extent;
    const vals = new Float32Array(n * n);
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const v = this.loss(
          wMin + ((wMax - wMin) * c) / (n - 1),
          bMax - ((bMax - bMin) * r) / (n - 1),
        );
        vals[r * n + c] = v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    // Square-root spacing puts more contour bands near the minimum, where the path ends.
    const band = (i: number): number =>
      Math.min(
        BANDS - 1,
        Math.floor(Math.sqrt((vals[i]! - lo) / Math.max(hi - lo, 1e-12)) * BANDS),
      );
    this.map.fill((r, c) => {
      const i = r * n + c;
      const k = band(i);
      const edge = (c + 1 < n && band(i + 1) !== k) || (r + 1 < n && band(i + n) !== k);
      const color = viridis(1 - k / (BANDS - 1));
      return edge ? mixDark(color) : color;
    });
  }

  private drawPath(): void {
    const { x, y, size } = this.o;
    const { wMin, wMax, bMin, bMax } = this.extent;
    const px = (w: number): number =>
      Phaser.Math.Clamp(x + ((w - wMin) / (wMax - wMin)) * size, x, x + size);
    const py = (b: number): number =>
      Phaser.Math.Clamp(y + ((bMax - b) / (bMax - bMin)) * size, y, y + size);
    const g = this.path.clear();
    if (!this.trail.length) return;
    g.lineStyle(2.5, COLORS.gradients, 1).beginPath();
    g.moveTo(px(this.trail[0]!.w), py(this.trail[0]!.b));
    for (const p of this.trail) g.lineTo(px(p.w), py(p.b));
    g.strokePath();
    const first = this.trail[0]!;
    g.lineStyle(2, COLORS.text, 1).strokeCircle(px(first.w), py(first.b), 5);
    const last = this.trail[this.trail.length - 1]!;
    g.fillStyle(COLORS.weights, 1).fillCircle(px(last.w), py(last.b), 6);
    g.lineStyle(2, COLORS.background, 1).strokeCircle(px(last.w), py(last.b), 6);
  }

  destroy(): void {
    this.map.destroy();
    this.path.destroy();
    for (const t of this.texts) t.destroy();
  }
}

function mixDark(c: number): number {
  const r = ((c >> 16) & 255) * 0.55;
  const g = ((c >> 8) & 255) * 0.55;
  const b = (c & 255) * 0.55;
  return (r << 16) | (g << 8) | b;
}
