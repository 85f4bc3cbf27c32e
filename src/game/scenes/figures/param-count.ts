/**
 * Figure 'param-count': how many numbers a network must learn to look at a colour image. A dense
 * network first flattens the image (side × side × 3 numbers) and connects every one of them to
 * each of 128 hidden units, then 128 → 128 → 10; a convolution layer has a few small filters of
 * 3×3×3 weights each. Two sliders (image side, number of filters) change the sums, written out
 * layer by layer and drawn as bars on a scale of powers of ten. The point: a dense layer's
 * weights grow with the image, a filter's do not.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { Slider } from '../../ui/slider.js';
import { addText } from '../../ui/text.js';
import { convCount, denseCounts } from './conv-maths.js';
import type { FigureBox, FigureBuilder } from './plot.js';

const WIDTHS = [128, 128, 128, 10];
const KERNEL = 3;
const COLOURS = 3;
/** The bars' scale: 1 to 10 million, one step per power of ten. */
const DECADES = 7;

const n = (v: number): string => v.toLocaleString('en-US');

export const paramCount: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  let side = 32;
  let filters = 16;
  const denseHead = addText(scene, box.x, box.y + 66, '', { size: TEXT.body, weight: 600 });
  const denseLines = addText(scene, box.x, box.y + 92, '', { size: TEXT.small, lineSpacing: 3 });
  const convHead = addText(scene, box.x, box.y + 200, '', { size: TEXT.body, weight: 600 });
  const convLine = addText(scene, box.x, box.y + 226, '', { size: TEXT.small, lineSpacing: 3 });

  const barTop = box.y + 264;
  const barX = box.x + 70;
  const barW = box.width - 70;
  const bars = scene.add.graphics();
  addText(scene, box.x, barTop + 2, 'Dense', { size: TEXT.small, weight: 600 });
  addText(scene, box.x, barTop + 38, 'Conv', { size: TEXT.small, weight: 600 });
  const denseValue = addText(scene, 0, barTop + 2, '', { size: TEXT.small, weight: 600 });
  const convValue = addText(scene, 0, barTop + 38, '', { size: TEXT.small, weight: 600 });
  const ticks = ['1', '10', '100', '1k', '10k', '100k', '1M', '10M'];
  ticks.forEach((label, i) => {
    addText(scene, barX + (i / DECADES) * barW, barTop + 70, label, {
      size: TEXT.small,
      color: CSS.textDim,
    }).setOrigin(i === 0 ? 0 : i === DECADES ? 1 : 0.5, 0);
  });
  const verdict = addText(scene, box.x, barTop + 96, '', {
    size: TEXT.small,
    color: CSS.textDim,
    wrap: box.width,
    lineSpacing: 3,
  });

  const at = (count: number): number => barX + (Math.log10(Math.max(1, count)) / DECADES) * barW;
  const draw = (): void => {
    const inputs = side * side * COLOURS;
    const layers = denseCounts(inputs, WIDTHS);
    const dense = layers.reduce((s, l) => s + l.total, 0);
    const conv = convCount(filters, KERNEL, COLOURS);
    denseHead.setText(
      `Dense: flatten ${side}×${side}×3 = ${n(inputs)} numbers, then 128, 128, 128, 10`,
    );
    denseLines.setText(
      [
        ...layers.map(
          (l) => `${n(l.inputs)} × ${l.units} weights + ${l.units} biases = ${n(l.total)}`,
        ),
        `All together: ${n(dense)}`,
      ].join('\n'),
    );
    convHead.setText(`Convolution: ${filters} filters, each 3×3 over 3 colours`);
    convLine.setText(
      `${filters} × 3×3×3 weights + ${filters} biases = ${n(conv.total)}, whatever the image size`,
    );
    bars.clear();
    bars.lineStyle(1, COLORS.line, 1);
    for (let i = 0; i <= DECADES; i++) {
      const x = barX + (i / DECADES) * barW;
      bars.lineBetween(x, barTop - 4, x, barTop + 66);
    }
    const row = (y: number, count: number, text: Phaser.GameObjects.Text): void => {
      const end = at(count);
      bars.fillStyle(COLORS.weights, 1);
      bars.fillRoundedRect(barX, y, Math.max(8, end - barX), 22, 4);
      // The number sits after the bar, or inside it when the bar nearly fills the row.
      const inside = end + 8 + text.width > barX + barW;
      text.setText(n(count));
      text.setX(inside ? end - 8 - text.width : end + 8);
      text.setColor(inside ? CSS.background : CSS.text);
    };
    row(barTop, dense, denseValue);
    row(barTop + 36, conv.total, convValue);
    verdict.setText(
      `The dense network has ${n(Math.round(dense / conv.total))} times as many numbers to learn. ` +
        'Each step on this scale is ten times more. Make the image wider: the dense bar grows ' +
        '(its first layer needs a weight for every pixel), the conv bar stays put.',
    );
  };
  new Slider(scene, {
    x: box.x,
    y: box.y,
    width: 280,
    label: 'Image side (pixels)',
    min: 8,
    max: 64,
    stops: [8, 16, 24, 32, 40, 48, 56, 64],
    value: side,
    format: (v) => `${v}×${v}`,
    tooltip: 'How many pixels wide and high the colour image is (arrows change it)',
    onChange: (v) => {
      side = v;
      draw();
    },
  });
  new Slider(scene, {
    x: box.x + box.width - 280,
    y: box.y,
    width: 280,
    label: 'Filters in the conv layer',
    min: 4,
    max: 64,
    step: 4,
    value: filters,
    format: (v) => String(v),
    tooltip: 'How many 3×3 filters the convolution layer has (arrows change it)',
    onChange: (v) => {
      filters = v;
      draw();
    },
  });
  draw();
  return {
    title: 'Counting what must be learned',
    caption:
      'Drag the image size and the number of filters. A dense layer needs one weight for every ' +
      'pixel and every unit, so a bigger picture costs far more. A filter is nine weights per ' +
      'colour, slid over the picture, so its count never depends on the picture at all.',
  };
};
