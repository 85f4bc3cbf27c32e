/**
 * Figure 'batch-norm': the same batch of 48 examples passed through six layers, with one
 * histogram of the activations per layer and a bar for their spread (mean ± one standard
 * deviation). With weights a bit too large the spread grows layer after layer until everything
 * piles up off the scale; a bit too small and it shrinks to a thin spike at zero. Batch norm on:
 * every layer's output is rescaled over the batch to mean 0 and spread 1, and all six stay alike.
 * Computed here with fixed pseudo-random numbers (see `layerStack`), the same every time.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { Choice } from '../../ui/choice.js';
import { Toggle } from '../../ui/toggle.js';
import { addText } from '../../ui/text.js';
import { layerStack } from './conv-maths.js';
import { clamp, type FigureBox, type FigureBuilder } from './plot.js';

const LAYERS = 6;
const BINS = 25;
const RANGE = 4;

const fmt = (v: number): string => {
  const a = Math.abs(v);
  const s = a >= 100 ? a.toFixed(0) : a >= 10 ? a.toFixed(1) : a.toFixed(2);
  return (v < 0 && Number(s) !== 0 ? '−' : '') + s;
};

export const batchNorm: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const top = box.y + 56;
  const rowH = 52;
  const histX = box.x + 74;
  const histW = 330;
  const histH = 34;
  const g = scene.add.graphics();
  const stats = Array.from({ length: LAYERS }, (_, l) => {
    addText(scene, box.x, top + l * rowH + 8, `Layer ${l + 1}`, { size: TEXT.small, weight: 600 });
    return addText(scene, histX + histW + 18, top + l * rowH + 2, '', {
      size: TEXT.small,
      lineSpacing: 2,
    });
  });
  const axis = top + LAYERS * rowH;
  for (const v of [-RANGE, -2, 0, 2, RANGE]) {
    addText(scene, histX + ((v + RANGE) / (2 * RANGE)) * histW, axis, v < 0 ? `−${-v}` : `${v}`, {
      size: TEXT.small,
      color: CSS.textDim,
    }).setOrigin(0.5, 0);
  }
  const verdict = addText(scene, box.x, axis + 24, '', {
    size: TEXT.small,
    color: CSS.textDim,
    wrap: box.width,
    lineSpacing: 3,
  });

  let gain = 2;
  let norm = false;
  const draw = (): void => {
    const stack = layerStack(gain, norm, LAYERS);
    g.clear();
    const px = (v: number): number =>
      histX + ((clamp(v, -RANGE, RANGE) + RANGE) / (2 * RANGE)) * histW;
    stack.forEach((layer, l) => {
      const y = top + l * rowH;
      const counts = new Array<number>(BINS).fill(0);
      let outside = 0;
      for (const v of layer.values) {
        if (Math.abs(v) > RANGE) outside++;
        const b = Math.floor(((clamp(v, -RANGE, RANGE) + RANGE) / (2 * RANGE)) * BINS);
        counts[Math.min(BINS - 1, b)]!++;
      }
      const most = Math.max(...counts);
      g.fillStyle(COLORS.panelRaised, 1);
      g.fillRect(histX, y, histW, histH);
      g.lineStyle(1, COLORS.line, 1);
      g.lineBetween(px(0), y, px(0), y + histH);
      const bw = histW / BINS;
      counts.forEach((c, b) => {
        const h = (c / most) * (histH - 2);
        const edge = (b === 0 || b === BINS - 1) && outside > 0;
        g.fillStyle(edge ? COLORS.warning : COLORS.data, 1);
        g.fillRect(histX + b * bw + 1, y + histH - h, bw - 2, h);
      });
      // The spread bar: mean ± one spread, cut at the ends of the scale.
      const a = px(layer.mean - layer.spread);
      const b = px(layer.mean + layer.spread);
      g.fillStyle(COLORS.weights, 1);
      g.fillRect(a, y + histH + 4, Math.max(2, b - a), 5);
      g.fillRect(px(layer.mean) - 1, y + histH + 1, 3, 11);
      const off = outside / layer.values.length;
      stats[l]!.setText(
        `mean ${fmt(layer.mean)} · spread ${fmt(layer.spread)}` +
          (off > 0.05 ? `\n${Math.round(off * 100)}% off the scale` : ''),
      ).setColor(off > 0.05 || layer.spread < 0.1 ? CSS.warning : CSS.text);
    });
    const last = stack[LAYERS - 1]!.spread;
    verdict.setText(
      norm
        ? 'Batch norm on: after every layer the numbers are shifted and scaled back to mean 0, ' +
            'spread 1, so the next layer always gets the same kind of input.'
        : last > 3
          ? `Each layer stretches the numbers a little more: by layer 6 the spread is ${fmt(last)}. ` +
            'Numbers that large make training unstable.'
          : last < 0.3
            ? `Each layer squeezes the numbers a little more: by layer 6 the spread is ${fmt(last)}. ` +
              'Signals that small carry almost nothing to learn from.'
            : 'Weights of just the right size keep the spread near 1, but only as long as they ' +
              'stay that size while training changes them.',
    );
  };
  new Toggle(scene, {
    x: box.x,
    y: box.y + 2,
    label: 'Batch norm after every layer',
    value: norm,
    tooltip: 'Rescale each layer’s output over the batch to mean 0 and spread 1',
    onChange: (on) => {
      norm = on;
      draw();
    },
  });
  const sizes = new Choice<number>(scene, {
    x: box.x,
    y: box.y,
    value: gain,
    name: 'Weight size',
    tooltip: 'How large the random starting weights are',
    options: [
      { value: 0.5, label: 'Small', tooltip: 'Weights half the neutral size' },
      { value: 1, label: 'Even', tooltip: 'Weights of the neutral size' },
      { value: 2, label: 'Large', tooltip: 'Weights twice the neutral size' },
    ],
    onChange: (v) => {
      gain = v;
      draw();
    },
  });
  sizes.setX(box.x + box.width - sizes.width);
  draw();
  return {
    title: 'Keeping every layer in range',
    caption:
      'Each row shows the numbers coming out of one layer for a batch of examples; the orange ' +
      'bar is their spread. Try small and large weights with batch norm off, then turn it on.',
  };
};
