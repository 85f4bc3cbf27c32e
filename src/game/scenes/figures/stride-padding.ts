/**
 * Figure 'stride-padding': a row of N input cells with P zeros of padding on each side, and a
 * window of K cells that jumps S cells at a time. Every place the window lands is drawn under
 * the input and gives one output cell, and the formula out = ⌊(N + 2P − K) / S⌋ + 1 is filled in
 * with the sliders' numbers. When the stride does not divide the distance the window can travel,
 * the last cells it never reaches are marked and named; when the window is wider than the padded
 * input, the figure says it does not fit. One dimension keeps it readable; images do the same in
 * both directions.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { drawIcon } from '../../ui/icons.js';
import { Slider } from '../../ui/slider.js';
import { addText } from '../../ui/text.js';
import { slideFit } from './conv-maths.js';
import type { FigureBox, FigureBuilder } from './plot.js';

const MAX_N = 12;
const MAX_P = 2;
const CELL = 36;
const LANE = 12;

export const stridePadding: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const v = { n: 9, k: 3, s: 2, p: 1 };
  const formula = addText(scene, box.x, box.y, 'out = ⌊(N + 2P − K) / S⌋ + 1', {
    size: TEXT.label,
    weight: 600,
  });
  const filled = addText(scene, box.x, box.y + 28, '', { size: TEXT.body, color: CSS.weights });
  const inputLabel = addText(scene, box.x, box.y + 62, '', {
    size: TEXT.small,
    color: CSS.textDim,
  });
  const g = scene.add.graphics();
  const inputY = box.y + 86;
  const cellTexts = Array.from({ length: MAX_N + 2 * MAX_P }, () =>
    addText(scene, 0, inputY + CELL / 2, '', { size: TEXT.small, weight: 600 }).setOrigin(0.5),
  );
  const outTexts = Array.from({ length: MAX_N + 2 * MAX_P }, () =>
    addText(scene, 0, 0, '', { size: TEXT.small, weight: 600 }).setOrigin(0.5),
  );
  const message = addText(scene, box.x + 26, 0, '', {
    size: TEXT.small,
    wrap: box.width - 26,
    lineSpacing: 3,
  });

  const draw = (): void => {
    const { n, k, s, p } = v;
    const fit = slideFit(n, k, s, p);
    const total = n + 2 * p;
    const left = box.x + (box.width - total * CELL) / 2;
    const cx = (i: number): number => left + i * CELL;
    g.clear();
    const skippedFrom = total - fit.skipped;
    for (let i = 0; i < cellTexts.length; i++) {
      const t = cellTexts[i]!;
      if (i >= total) {
        t.setText('');
        continue;
      }
      const pad = i < p || i >= p + n;
      const skipped = fit.fits && i >= skippedFrom;
      g.fillStyle(pad ? COLORS.panelRaised : COLORS.data, pad ? 1 : 0.35);
      g.fillRect(cx(i) + 1, inputY + 1, CELL - 2, CELL - 2);
      g.lineStyle(skipped ? 3 : 1, skipped ? COLORS.warning : COLORS.line, 1);
      g.strokeRect(cx(i) + 1, inputY + 1, CELL - 2, CELL - 2);
      t.setPosition(cx(i) + CELL / 2, inputY + CELL / 2)
        .setText(pad ? '0' : String(i - p + 1))
        .setColor(pad ? CSS.textDim : CSS.text);
    }
    // The windows, in lanes so that overlapping ones stay apart; each feeds one output cell.
    const lanes = Math.max(1, Math.min(fit.out, Math.ceil(k / s)));
    const windowsY = inputY + CELL + 10;
    const outY = windowsY + lanes * LANE + 26;
    for (let o = 0; o < outTexts.length; o++) {
      const t = outTexts[o]!;
      if (o >= fit.out) {
        t.setText('');
        continue;
      }
      const x0 = cx(o * s);
      const y = windowsY + (o % lanes) * LANE;
      g.lineStyle(3, COLORS.weights, 1);
      g.lineBetween(x0 + 3, y, x0 + k * CELL - 3, y);
      g.lineBetween(x0 + 3, y - 5, x0 + 3, y + 1);
      g.lineBetween(x0 + k * CELL - 3, y - 5, x0 + k * CELL - 3, y + 1);
      const mid = x0 + (k * CELL) / 2;
      g.lineStyle(1, COLORS.weights, 0.6);
      g.lineBetween(mid, y, mid, outY);
      g.fillStyle(COLORS.weights, 0.3);
      g.fillRect(mid - 15, outY, 30, 30);
      g.lineStyle(2, COLORS.weights, 1);
      g.strokeRect(mid - 15, outY, 30, 30);
      t.setPosition(mid, outY + 15).setText(String(o + 1));
    }
    if (!fit.fits) {
      // The window that fits nowhere, drawn centred under the input so it visibly sticks out.
      const x0 = left + ((total - k) * CELL) / 2;
      g.lineStyle(3, COLORS.warning, 1);
      g.lineBetween(x0 + 3, windowsY, x0 + k * CELL - 3, windowsY);
      g.lineBetween(x0 + 3, windowsY - 5, x0 + 3, windowsY + 1);
      g.lineBetween(x0 + k * CELL - 3, windowsY - 5, x0 + k * CELL - 3, windowsY + 1);
    }
    inputLabel.setText(
      `Input: N = ${n} cells` +
        (p > 0 ? `, with P = ${p} zero${p > 1 ? 's' : ''} added on each side` : ''),
    );
    const floor = `⌊(${n} + 2×${p} − ${k}) / ${s}⌋ + 1`;
    filled.setText(
      fit.fits
        ? `= ${floor} = ⌊${fit.travel} / ${s}⌋ + 1 = ${fit.out} output cell${fit.out > 1 ? 's' : ''}`
        : `= ${floor}: ${n} + 2×${p} − ${k} = −${-fit.travel} is below zero`,
    );
    formula.setColor(CSS.text);
    const msgY = fit.fits ? outY + 44 : windowsY + 22;
    message.setY(msgY);
    const warn = !fit.fits || fit.skipped > 0;
    drawIcon(
      g,
      warn ? 'warning' : 'check',
      box.x + 9,
      msgY + 9,
      16,
      warn ? COLORS.warning : COLORS.success,
    );
    message.setText(
      !fit.fits
        ? `The window (${k} cells) is wider than the padded input (${total} cells): it fits nowhere, so there is no output at all. Add padding or use a smaller kernel.`
        : fit.skipped > 0
          ? `The window can travel ${fit.travel} cells, and ${fit.travel} is not a multiple of the stride ${s}. After its last full jump it would stick out, so the last ${fit.skipped} cell${fit.skipped > 1 ? 's are' : ' is'} never looked at (outlined).`
          : fit.out === n
            ? 'Every cell is covered, and the output is as long as the input: this padding keeps the size.'
            : 'Every cell is covered: the last window ends exactly at the edge.',
    );
  };
  const slider = (
    key: keyof typeof v,
    x: number,
    y: number,
    label: string,
    min: number,
    max: number,
    tooltip: string,
  ): void => {
    new Slider(scene, {
      x,
      y,
      width: 280,
      label,
      min,
      max,
      step: 1,
      value: v[key],
      format: (value) => String(value),
      tooltip,
      onChange: (value) => {
        v[key] = value;
        draw();
      },
    });
  };
  const row1 = box.y + box.height - 116;
  const row2 = box.y + box.height - 56;
  slider('n', box.x, row1, 'Input size N', 4, MAX_N, 'How many cells the input has');
  slider(
    'k',
    box.x + box.width - 280,
    row1,
    'Kernel size K',
    1,
    7,
    'How many cells the window covers',
  );
  slider('s', box.x, row2, 'Stride S', 1, 4, 'How many cells the window jumps each time');
  slider(
    'p',
    box.x + box.width - 280,
    row2,
    'Padding P',
    0,
    MAX_P,
    'How many zeros are added at each end',
  );
  draw();
  return {
    title: 'How big is the output?',
    caption:
      'Move the four sliders and watch the orange windows. A longer stride means fewer, further ' +
      'jumps; padding adds zeros at both ends so the window can reach the edge pixels. Try a ' +
      'stride that does not divide the distance, or a kernel wider than the input.',
  };
};
