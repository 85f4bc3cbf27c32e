/** The journey map's drawing of each chapter's idea. */
import type * as Phaser from 'phaser';
import { COLORS } from '../theme.js';
import { sigmoidApprox } from '../scenes/figures/sigmoid-squash.js';

/**
 * A small drawing of each chapter's idea in the lower left of its region (96×56): a fitted line,
 * a sigmoid, a tiny network, a curve that overfits, a filter on a grid of pixels and the
 * smaller map it makes. Decoration that also tells the story.
 */
export function drawDoodle(
  g: Phaser.GameObjects.Graphics,
  chapter: number,
  x: number,
  y: number,
  open: boolean,
): void {
  const alpha = open ? 0.55 : 0.25;
  const color = COLORS.textDim;
  g.lineStyle(2, color, alpha);
  g.fillStyle(color, alpha);
  const dots = (points: [number, number][]): void =>
    points.forEach(([px, py]) => g.fillCircle(x + px, y + py, 3));
  switch (chapter) {
    case 0:
      dots([
        [8, 46],
        [22, 36],
        [36, 40],
        [52, 26],
        [66, 24],
        [82, 12],
      ]);
      g.lineBetween(x, y + 50, x + 96, y + 6);
      break;
    case 1: {
      g.beginPath();
      for (let i = 0; i <= 24; i++) {
        const px = x + i * 4;
        const py = y + 52 - 48 * sigmoidApprox((i - 12) / 2);
        if (i === 0) g.moveTo(px, py);
        else g.lineTo(px, py);
      }
      g.strokePath();
      break;
    }
    case 2: {
      const layers = [[14, 42], [6, 28, 50], [28]];
      layers.forEach((ys, l) => {
        if (l + 1 < layers.length) {
          for (const a of ys)
            for (const b of layers[l + 1]!)
              g.lineBetween(x + 12 + l * 36, y + a, x + 48 + l * 36, y + b);
        }
        for (const a of ys) g.fillCircle(x + 12 + l * 36, y + a, 5);
      });
      break;
    }
    case 4: {
      // A 5×5 grid of pixels, a 3×3 filter outlined on it, and the 3×3 map it makes.
      const cell = 9;
      for (let r = 0; r <= 5; r++)
        g.lineBetween(x, y + 6 + r * cell, x + 5 * cell, y + 6 + r * cell);
      for (let c = 0; c <= 5; c++)
        g.lineBetween(x + c * cell, y + 6, x + c * cell, y + 6 + 5 * cell);
      g.lineStyle(3, color, alpha * 1.4);
      g.strokeRect(x + cell, y + 6 + cell, 3 * cell, 3 * cell);
      g.lineStyle(2, color, alpha);
      g.lineBetween(x + 4 * cell, y + 6 + 2.5 * cell, x + 66, y + 6 + 2.5 * cell);
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) g.fillRect(x + 68 + c * 9, y + 15 + r * 9, 7, 7);
      }
      break;
    }
    case 5: {
      // Three steps of one recurrent cell: a box per step, the hidden state handed on.
      for (let i = 0; i < 3; i++) {
        g.strokeRoundedRect(x + 4 + i * 32, y + 18, 22, 22, 4);
        g.lineBetween(x + 15 + i * 32, y + 52, x + 15 + i * 32, y + 40);
        if (i < 2) g.lineBetween(x + 26 + i * 32, y + 29, x + 36 + i * 32, y + 29);
        g.fillCircle(x + 15 + i * 32, y + 8, 3);
        g.lineBetween(x + 15 + i * 32, y + 18, x + 15 + i * 32, y + 11);
      }
      break;
    }
    case 6: {
      // An LSTM's memory line running through the cell, with its × (forget) and + (input).
      g.lineBetween(x, y + 14, x + 96, y + 14);
      g.strokeCircle(x + 30, y + 14, 7);
      g.lineBetween(x + 26, y + 10, x + 34, y + 18);
      g.lineBetween(x + 34, y + 10, x + 26, y + 18);
      g.strokeCircle(x + 62, y + 14, 7);
      g.lineBetween(x + 57, y + 14, x + 67, y + 14);
      g.lineBetween(x + 62, y + 9, x + 62, y + 19);
      g.strokeRoundedRect(x + 16, y + 30, 64, 20, 4);
      g.lineBetween(x + 30, y + 30, x + 30, y + 21);
      g.lineBetween(x + 62, y + 30, x + 62, y + 21);
      break;
    }
    case 7: {
      // A query (the last dot) looking back at five keys, the weights drawn as lines.
      const keys = [6, 24, 42, 60, 78];
      const widths = [1, 4, 1, 2, 1];
      keys.forEach((kx, i) => {
        g.fillCircle(x + kx, y + 44, 4);
        g.lineStyle(widths[i]!, color, alpha * (0.5 + widths[i]! / 8));
        g.lineBetween(x + kx, y + 40, x + 92, y + 12);
      });
      g.fillCircle(x + 92, y + 10, 5);
      break;
    }
    default: {
      const pts: [number, number][] = [
        [4, 44],
        [18, 20],
        [30, 40],
        [44, 14],
        [58, 38],
        [72, 10],
        [88, 30],
      ];
      dots(pts);
      g.strokePoints(
        pts.map(([px, py]) => ({ x: x + px, y: y + py })) as Phaser.Math.Vector2[],
        false,
      );
      g.lineStyle(2, color, alpha * 0.6);
      g.lineBetween(x, y + 36, x + 96, y + 22);
    }
  }
}
