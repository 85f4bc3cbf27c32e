/**
 * Figure 'drag-line' (least squares): points and a line whose two ends can be dragged. Each
 * point's miss is drawn as a square (side = the miss), so "the sum of squared misses" is
 * literally the total area; the live total is shown next to the best any line can do, which
 * we compute with the closed-form least-squares line.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { drawIcon } from '../../ui/icons.js';
import { addText } from '../../ui/text.js';
import { Handle, Plot, clamp, type FigureBox, type FigureBuilder } from './plot.js';

const XS = [1, 2, 3, 4.5, 5.5, 7, 8, 9];
const NOISE = [0.6, -0.5, 0.3, -0.7, 0.8, -0.4, 0.5, -0.3];
const POINTS = XS.map((x, i) => ({ x, y: 0.55 * x + 1.2 + NOISE[i]! }));

function sumSquares(a: number, b: number): number {
  return POINTS.reduce((s, p) => s + (p.y - (a + b * p.x)) ** 2, 0);
}

/** The least-squares line: slope = cov(x, y) / var(x), through the means. */
function bestLine(): { a: number; b: number } {
  const n = POINTS.length;
  const mx = POINTS.reduce((s, p) => s + p.x, 0) / n;
  const my = POINTS.reduce((s, p) => s + p.y, 0) / n;
  const cov = POINTS.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const vx = POINTS.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const b = cov / vx;
  return { a: my - b * mx, b };
}

export const dragLine: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const plotBox = { x: box.x + 40, y: box.y + 10, width: box.width - 80, height: box.height - 90 };
  const plot = new Plot(plotBox, 0, 10, 0, 8);
  const axes = scene.add.graphics();
  plot.drawAxes(scene, axes, { x: 'input', y: 'output' });
  const layer = scene.add.graphics();
  const best = sumSquares(bestLine().a, bestLine().b);
  const line = { left: 3, right: 3.2 };

  const readout = addText(scene, box.x + 40, box.y + box.height - 64, '', {
    size: TEXT.label,
    weight: 600,
  });
  const verdict = addText(scene, box.x + 66, box.y + box.height - 32, '', {
    size: TEXT.small,
    color: CSS.textDim,
  });
  const verdictIcon = scene.add.graphics();

  const draw = (): void => {
    const a = line.left;
    const b = (line.right - line.left) / 10;
    layer.clear();
    // Squares first, so the line and the points sit on top.
    for (const p of POINTS) {
      const fit = a + b * p.x;
      const miss = p.y - fit;
      const side = Math.abs(miss) * plot.pxPerY;
      const px = plot.sx(p.x);
      const top = Math.min(plot.sy(p.y), plot.sy(fit));
      const left = px + side > plotBox.x + plotBox.width ? px - side : px;
      // Keep each square inside the plot frame; a huge miss is still visibly huge.
      const x0 = Math.max(left, plotBox.x);
      const y0 = Math.max(top, plotBox.y);
      const w = Math.min(left + side, plotBox.x + plotBox.width) - x0;
      const h = Math.min(top + side, plotBox.y + plotBox.height) - y0;
      if (w <= 0 || h <= 0) continue;
      layer.fillStyle(COLORS.loss, 0.18);
      layer.fillRect(x0, y0, w, h);
      layer.lineStyle(1.5, COLORS.loss, 0.8);
      layer.strokeRect(x0, y0, w, h);
    }
    layer.lineStyle(4, COLORS.weights, 1);
    layer.lineBetween(plot.sx(0), plot.sy(line.left), plot.sx(10), plot.sy(line.right));
    for (const p of POINTS) {
      layer.fillStyle(COLORS.data, 1);
      layer.fillCircle(plot.sx(p.x), plot.sy(p.y), 7);
      layer.lineStyle(2, COLORS.background, 1);
      layer.strokeCircle(plot.sx(p.x), plot.sy(p.y), 7);
    }
    const total = sumSquares(a, b);
    readout.setText(
      `Sum of squared misses: ${total.toFixed(2)}    best possible: ${best.toFixed(2)}`,
    );
    verdictIcon.clear();
    const close = total <= best * 1.05;
    drawIcon(
      verdictIcon,
      close ? 'check' : 'info',
      box.x + 50,
      verdict.y + 10,
      16,
      close ? COLORS.success : COLORS.textDim,
    );
    verdict.setText(
      close
        ? 'About as good as any line can get: this is the least-squares line.'
        : 'Make the yellow squares smaller: drag either end of the orange line.',
    );
  };

  const clampY = (py: number): number => clamp(py, plotBox.y, plotBox.y + plotBox.height);
  new Handle(scene, {
    x: plot.sx(0),
    y: plot.sy(line.left),
    color: COLORS.weights,
    axes: 'y',
    tooltip: 'Drag to move the left end of the line (sets where it starts)',
    onDrag: (_x, y) => {
      const py = clampY(y);
      line.left = plot.dy(py);
      draw();
      return { x: plot.sx(0), y: py };
    },
  });
  new Handle(scene, {
    x: plot.sx(10),
    y: plot.sy(line.right),
    color: COLORS.weights,
    axes: 'y',
    tooltip: 'Drag to move the right end of the line (sets its slope)',
    onDrag: (_x, y) => {
      const py = clampY(y);
      line.right = plot.dy(py);
      draw();
      return { x: plot.sx(10), y: py };
    },
  });
  draw();
  return {
    title: 'Squared misses',
    caption:
      'Blue dots are measurements; the orange line is a guess. Each yellow square is one miss ' +
      'multiplied by itself, so big misses count much more than small ones. Training does what ' +
      'you do here: nudge the line, step by step, until the total area is as small as it gets.',
  };
};
