/**
 * Figure 'sigmoid-squash': drag a score along the bottom axis and watch the sigmoid squash it
 * into a probability between 0 and 1, read off on the curve. The curve comes from a table of
 * sigmoid values (every quarter unit from −8 to 8) with linear interpolation between them:
 * exp is reserved for the kernel, and at this size nobody can tell the difference.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { addText } from '../../ui/text.js';
import { Handle, Plot, clamp, type FigureBox, type FigureBuilder } from './plot.js';

/** sigmoid(z) for z = −8, −7.75, …, 8 (65 values), rounded to 5 digits. */
const SIGMOID = [
  0.00034, 0.00043, 0.00055, 0.00071, 0.00091, 0.00117, 0.0015, 0.00193, 0.00247, 0.00317, 0.00407,
  0.00522, 0.00669, 0.00858, 0.01099, 0.01406, 0.01799, 0.02298, 0.02931, 0.03733, 0.04743, 0.06009,
  0.07586, 0.09535, 0.1192, 0.14805, 0.18243, 0.2227, 0.26894, 0.32082, 0.37754, 0.43782, 0.5,
  0.56218, 0.62246, 0.67918, 0.73106, 0.7773, 0.81757, 0.85195, 0.8808, 0.90465, 0.92414, 0.93991,
  0.95257, 0.96267, 0.97069, 0.97702, 0.98201, 0.98594, 0.98901, 0.99142, 0.99331, 0.99478, 0.99593,
  0.99683, 0.99753, 0.99807, 0.9985, 0.99883, 0.99909, 0.99929, 0.99945, 0.99957, 0.99966,
];

/** The sigmoid from the table, for z in [−8, 8]. */
export function sigmoidApprox(z: number): number {
  const t = (clamp(z, -8, 8) + 8) * 4;
  const i = Math.min(SIGMOID.length - 2, Math.floor(t));
  return SIGMOID[i]! + (SIGMOID[i + 1]! - SIGMOID[i]!) * (t - i);
}

export const sigmoidSquash: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const plotBox = {
    x: box.x + 70,
    y: box.y + 10,
    width: box.width - 110,
    height: box.height - 100,
  };
  const plot = new Plot(plotBox, -7, 7, 0, 1);
  const axes = scene.add.graphics();
  plot.drawAxes(scene, axes, { x: 'score (any number)' }, 1);
  for (const p of [0, 0.5, 1]) {
    addText(scene, plotBox.x - 10, plot.sy(p), p.toFixed(1), {
      size: TEXT.small,
      color: CSS.textDim,
    }).setOrigin(1, 0.5);
  }
  addText(scene, plotBox.x - 10, plotBox.y - 4, 'probability', {
    size: TEXT.small,
    color: CSS.textDim,
  }).setOrigin(1, 1);
  const curve = scene.add.graphics();
  curve.lineStyle(4, COLORS.weights, 1);
  curve.beginPath();
  for (let i = 0; i <= 140; i++) {
    const z = -7 + (14 * i) / 140;
    const x = plot.sx(z);
    const y = plot.sy(sigmoidApprox(z));
    if (i === 0) curve.moveTo(x, y);
    else curve.lineTo(x, y);
  }
  curve.strokePath();

  const guide = scene.add.graphics();
  const readout = addText(scene, box.x + 70, box.y + box.height - 62, '', {
    size: TEXT.label,
    weight: 600,
  });
  const words = addText(scene, box.x + 70, box.y + box.height - 32, '', {
    size: TEXT.small,
    color: CSS.textDim,
  });
  let score = 1.5;
  const draw = (): void => {
    const p = sigmoidApprox(score);
    const x = plot.sx(score);
    const y = plot.sy(p);
    guide.clear();
    guide.lineStyle(2, COLORS.data, 0.9);
    guide.lineBetween(x, plotBox.y + plotBox.height, x, y);
    guide.lineStyle(2, COLORS.loss, 0.9);
    guide.lineBetween(plotBox.x, y, x, y);
    guide.fillStyle(COLORS.loss, 1);
    guide.fillCircle(x, y, 7);
    guide.fillCircle(plotBox.x, y, 5);
    readout.setText(`score ${score.toFixed(1)}  →  probability ${p.toFixed(2)}`);
    const sure = Math.round(Math.max(p, 1 - p) * 100);
    words.setText(
      Math.abs(score) < 0.25
        ? 'A coin toss: the neuron cannot decide.'
        : `The neuron says ${p > 0.5 ? 'yes' : 'no'}, ${sure}% sure.` +
            (Math.abs(score) > 4 ? ' Far from zero, more score barely changes the answer.' : ''),
    );
  };
  new Handle(scene, {
    x: plot.sx(score),
    y: plotBox.y + plotBox.height,
    color: COLORS.data,
    axes: 'x',
    nudge: plot.box.width / 56,
    tooltip: 'Drag the score left or right to see its probability',
    onDrag: (x) => {
      const px = clamp(x, plotBox.x, plotBox.x + plotBox.width);
      score = Math.round(plot.dx(px) * 10) / 10;
      draw();
      return { x: plot.sx(score), y: plotBox.y + plotBox.height };
    },
  });
  draw();
  return {
    title: 'From score to probability',
    caption:
      'A neuron adds up its evidence into a score that can be any number. The sigmoid squashes ' +
      'that score between 0 and 1 so it reads as a probability: far right means almost surely ' +
      'yes, far left almost surely no, and zero is a coin toss.',
  };
};
