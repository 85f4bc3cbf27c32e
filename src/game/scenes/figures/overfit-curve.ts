/**
 * Figure 'overfit-curve': noisy training dots (filled) and validation dots the curve never sees
 * (hollow), with a slider for the curve's flexibility (the degree of a least-squares polynomial,
 * 1 to 9). Low flexibility is smooth; at 9 the curve threads every training dot with wild wiggles.
 * Two bars show training and validation error live, in numbers and words: training error only
 * falls, validation error falls and then rises — the gap is overfitting.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { Slider } from '../../ui/slider.js';
import { addText } from '../../ui/text.js';
import { Plot, type FigureBox, type FigureBuilder } from './plot.js';

const truth = (x: number): number => 0.8 * x * x - 0.3 * x;
const TRAIN_X = [-0.95, -0.75, -0.55, -0.38, -0.15, 0.05, 0.28, 0.45, 0.68, 0.9];
const TRAIN_NOISE = [0.12, -0.15, 0.1, -0.08, 0.14, -0.12, 0.09, -0.14, 0.11, -0.1];
const VALID_X = [-0.85, -0.65, -0.45, -0.25, 0.15, 0.38, 0.58, 0.8];
const VALID_NOISE = [-0.05, 0.08, -0.1, 0.06, -0.07, 0.09, -0.06, 0.05];
const TRAIN = TRAIN_X.map((x, i) => ({ x, y: truth(x) + TRAIN_NOISE[i]! }));
const VALID = VALID_X.map((x, i) => ({ x, y: truth(x) + VALID_NOISE[i]! }));

function evalPoly(c: number[], x: number): number {
  let y = 0;
  for (let k = c.length - 1; k >= 0; k--) y = y * x + c[k]!;
  return y;
}

/** Least-squares polynomial of `degree` through `points` (normal equations, partial pivoting). */
function fit(points: { x: number; y: number }[], degree: number): number[] {
  const n = degree + 1;
  const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (const p of points) {
    const powers = Array.from({ length: 2 * n }, (_, k) => p.x ** k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i]![j]! += powers[i + j]!;
      a[i]![n]! += powers[i]! * p.y;
    }
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const d = a[col]![col]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / d;
      for (let k = col; k <= n; k++) a[r]![k]! -= f * a[col]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / (row[i] || 1e-12));
}

function meanSquare(c: number[], points: { x: number; y: number }[]): number {
  return points.reduce((s, p) => s + (evalPoly(c, p.x) - p.y) ** 2, 0) / points.length;
}

export const overfitCurve: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const plotBox = { x: box.x + 10, y: box.y + 6, width: box.width - 250, height: box.height - 110 };
  const plot = new Plot(plotBox, -1.1, 1.1, -0.6, 1.4);
  const axes = scene.add.graphics();
  plot.drawAxes(scene, axes, {}, 0.5);
  const curve = scene.add.graphics();
  const dots = scene.add.graphics();
  for (const p of TRAIN) {
    dots.fillStyle(COLORS.data, 1);
    dots.fillCircle(plot.sx(p.x), plot.sy(p.y), 7);
  }
  for (const p of VALID) {
    dots.lineStyle(3, COLORS.text, 1);
    dots.strokeCircle(plot.sx(p.x), plot.sy(p.y), 7);
  }
  const bx = plotBox.x + plotBox.width + 24;
  const legend = scene.add.graphics();
  legend.fillStyle(COLORS.data, 1);
  legend.fillCircle(bx + 8, plotBox.y + 12, 7);
  legend.lineStyle(3, COLORS.text, 1);
  legend.strokeCircle(bx + 8, plotBox.y + 42, 7);
  addText(scene, bx + 24, plotBox.y + 2, 'training dots (seen)', { size: TEXT.small });
  addText(scene, bx + 24, plotBox.y + 32, 'validation dots (unseen)', { size: TEXT.small });
  const bars = scene.add.graphics();
  const trainText = addText(scene, bx, plotBox.y + 80, '', { size: TEXT.small, weight: 600 });
  const validText = addText(scene, bx, plotBox.y + 140, '', { size: TEXT.small, weight: 600 });
  const verdict = addText(scene, bx, plotBox.y + 200, '', {
    size: TEXT.small,
    color: CSS.textDim,
    wrap: 210,
  });

  const draw = (degree: number): void => {
    const c = fit(TRAIN, degree);
    curve.clear();
    curve.lineStyle(4, COLORS.weights, 1);
    let drawing = false;
    for (let k = 0; k <= 200; k++) {
      const x = -1.05 + (2.1 * k) / 200;
      const y = evalPoly(c, x);
      const inside = y >= plot.yMin && y <= plot.yMax;
      const px = plot.sx(x);
      const py = plot.sy(Math.min(plot.yMax, Math.max(plot.yMin, y)));
      if (inside && !drawing) {
        curve.beginPath();
        curve.moveTo(px, py);
        drawing = true;
      } else if (inside) {
        curve.lineTo(px, py);
      } else if (drawing) {
        curve.lineTo(px, py);
        curve.strokePath();
        drawing = false;
      }
    }
    if (drawing) curve.strokePath();
    const train = meanSquare(c, TRAIN);
    const valid = meanSquare(c, VALID);
    const scale = (v: number): number => Math.min(200, (v / 0.06) * 200);
    bars.clear();
    bars.fillStyle(COLORS.line, 1);
    bars.fillRoundedRect(bx, plotBox.y + 104, 200, 12, 6);
    bars.fillRoundedRect(bx, plotBox.y + 164, 200, 12, 6);
    bars.fillStyle(COLORS.data, 1);
    bars.fillRoundedRect(bx, plotBox.y + 104, Math.max(12, scale(train)), 12, 6);
    bars.fillStyle(COLORS.loss, 1);
    bars.fillRoundedRect(bx, plotBox.y + 164, Math.max(12, scale(valid)), 12, 6);
    trainText.setText(`Training error ${train.toFixed(4)}`);
    validText.setText(`Validation error ${valid.toFixed(4)}`);
    verdict.setText(
      degree >= 6
        ? 'Memorised: near-perfect on the dots it saw, worse on the ones it did not.'
        : degree <= 1
          ? 'Too stiff: a straight line misses the bend everywhere.'
          : 'Smooth: it follows the trend, not the noise. Validation error is lowest here.',
    );
  };
  new Slider(scene, {
    x: box.x + 10,
    y: box.y + box.height - 64,
    width: plotBox.width,
    label: 'Flexibility of the curve (polynomial degree)',
    min: 1,
    max: 9,
    step: 1,
    value: 9,
    format: (v) => String(v),
    tooltip: 'Higher lets the curve bend more (left/right arrows change it)',
    onChange: draw,
  });
  draw(9);
  return {
    title: 'Memorised or learned?',
    caption:
      'The orange curve is fitted to the filled dots only. Make it flexible and it passes ' +
      'through every one of them, noise included, and misses the hollow dots it never saw. ' +
      'Holding the network back (smaller weights, dropout) keeps it closer to the smooth curve.',
  };
};
