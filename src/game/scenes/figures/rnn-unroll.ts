/**
 * Figure 'rnn-unroll': a recurrent layer unrolled over "Wonderful restaurant! Nice food, nice
 * ___": one box per word, every box the same weights W, the hidden state passed along from box
 * to box as an arrow. Training sends the gradient back the other way, and every step back
 * multiplies it by about the same factor (set with the slider, 0.5 … 2.5). The bars above the
 * boxes show how big it still is at each earlier word, filled in one word at a time going back;
 * the powers are written under the words (0.8⁵ ≈ 0.33 shrinking, 2⁵ = 32 growing).
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, reducedMotion } from '../../theme.js';
import { Button } from '../../ui/button.js';
import { Slider } from '../../ui/slider.js';
import { addText } from '../../ui/text.js';
import type { FigureBox, FigureBuilder } from './plot.js';
import {
  SENTENCE,
  factorWords,
  gradientBack,
  gradientTrend,
  powerWords,
  sizeWords,
} from './rnn-maths.js';

/** The bar of a gradient of 1 (what the loss sends), and the tallest bar drawn. */
const UNIT = 36;
const TALLEST = 92;

export const rnnUnroll: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const n = SENTENCE.length;
  const gap = 22;
  const cellW = (box.width - gap * (n - 1)) / n;
  const colX = (i: number): number => box.x + i * (cellW + gap);
  const barBase = box.y + 196;
  const cellTop = box.y + 206;
  const cellH = 40;
  const wordY = cellTop + cellH + 22;

  addText(scene, box.x, box.y + 66, 'Gradient arriving at each word, going back  ←', {
    size: TEXT.small,
    color: CSS.gradients,
    weight: 600,
  });
  // The unrolled layer: the same W in every box, the state handed on as an arrow.
  const g = scene.add.graphics();
  for (let i = 0; i < n; i++) {
    const x = colX(i);
    g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(x, cellTop, cellW, cellH, 6);
    g.lineStyle(1.5, COLORS.weights, 1).strokeRoundedRect(x, cellTop, cellW, cellH, 6);
    addText(scene, x + cellW / 2, cellTop + cellH / 2, 'W', {
      size: TEXT.label,
      color: CSS.weights,
      weight: 600,
    }).setOrigin(0.5);
    // The word goes in from below.
    g.lineStyle(1.5, COLORS.textDim, 1).lineBetween(
      x + cellW / 2,
      wordY - 4,
      x + cellW / 2,
      cellTop + cellH + 3,
    );
    g.fillStyle(COLORS.textDim, 1).fillTriangle(
      x + cellW / 2,
      cellTop + cellH + 1,
      x + cellW / 2 - 4,
      cellTop + cellH + 8,
      x + cellW / 2 + 4,
      cellTop + cellH + 8,
    );
    if (i < n - 1) {
      const y = cellTop + cellH / 2;
      g.lineStyle(2, COLORS.data, 1).lineBetween(x + cellW, y, x + cellW + gap - 4, y);
      g.fillStyle(COLORS.data, 1).fillTriangle(
        x + cellW + gap,
        y,
        x + cellW + gap - 7,
        y - 4,
        x + cellW + gap - 7,
        y + 4,
      );
    }
    addText(scene, x + cellW / 2, wordY, SENTENCE[i]!, {
      size: TEXT.small + 1,
      weight: 600,
      color: i === n - 1 ? CSS.loss : CSS.text,
    }).setOrigin(0.5, 0);
  }
  addText(scene, box.x + box.width, box.y + 66, 'hidden state, going on  →', {
    size: TEXT.small,
    color: CSS.data,
    weight: 600,
  }).setOrigin(1, 0);
  const powers = Array.from({ length: n }, (_, i) =>
    addText(scene, colX(i) + cellW / 2, wordY + 26, '', {
      size: TEXT.small,
      align: 'center',
      lineSpacing: 2,
    }).setOrigin(0.5, 0),
  );
  const verdict = addText(scene, box.x, wordY + 78, '', {
    size: TEXT.small,
    color: CSS.textDim,
    wrap: box.width,
    lineSpacing: 3,
  });

  const bars = scene.add.graphics();
  let factor = 0.8;
  /** How many words, counted from the last, the gradient has reached so far. */
  let reached: number = n;
  let timer: Phaser.Time.TimerEvent | null = null;

  const draw = (): void => {
    const sizes = gradientBack(factor, n);
    bars.clear();
    bars.lineStyle(1, COLORS.line, 1).lineBetween(box.x, barBase, box.x + box.width, barBase);
    // The height of a gradient of 1, for comparison.
    bars.lineStyle(1, COLORS.textDim, 0.5);
    for (let x = box.x; x < box.x + box.width; x += 8) {
      bars.lineBetween(x, barBase - UNIT, x + 4, barBase - UNIT);
    }
    sizes.forEach((v, i) => {
      const back = n - 1 - i;
      const text = powers[i]!;
      if (back >= reached) {
        text.setText('');
        return;
      }
      const x = colX(i) + cellW / 2 - 14;
      const over = v * UNIT > TALLEST;
      const h = Math.max(1, Math.min(TALLEST, v * UNIT));
      bars.fillStyle(over ? COLORS.warning : COLORS.gradients, 0.25 + 0.75 * Math.min(1, v));
      bars.fillRect(x, barBase - h, 28, h);
      if (over) {
        // Off the top: the bar ends in an arrow.
        bars.fillStyle(COLORS.warning, 1);
        bars.fillTriangle(x + 14, barBase - h - 10, x + 2, barBase - h, x + 26, barBase - h);
      }
      const words = powerWords(factor, back).split(' ');
      text
        .setText(back === 0 ? '1\n(the loss)' : `${words[0]}\n${words.slice(1).join(' ')}`)
        .setColor(v > 4 ? CSS.warning : v < 0.2 ? CSS.textDim : CSS.text);
    });
    const first = sizes[0]!;
    const trend = gradientTrend(factor);
    const f = factorWords(factor);
    verdict.setText(
      reached < n
        ? 'The gradient travels back one word at a time …'
        : trend === 'vanishes'
          ? `Every step back multiplies the gradient by ${f}: “Wonderful”, ${n - 1} steps back, ` +
            `gets only ${sizeWords(first)} of it. The first words hardly teach the weights ` +
            'anything: the gradient vanishes.'
          : trend === 'explodes'
            ? `Every step back multiplies the gradient by ${f}: “Wonderful” gets ${sizeWords(first)} ` +
              'times what the loss sent. Steps that large throw the weights far off: the ' +
              'gradient explodes (clipping shortens it).'
            : 'A factor of exactly 1 keeps the gradient whole back to the first word; a real ' +
              'network does not stay there by itself.',
    );
  };

  const replay = (): void => {
    timer?.remove(false);
    timer = null;
    if (reducedMotion()) {
      reached = n;
      draw();
      return;
    }
    reached = 1;
    draw();
    timer = scene.time.addEvent({
      delay: 220,
      repeat: n - 2,
      callback: () => {
        reached++;
        draw();
      },
    });
  };

  new Slider(scene, {
    x: box.x,
    y: box.y,
    width: 360,
    label: 'Gradient × per step back',
    min: 0.5,
    max: 2.5,
    step: 0.1,
    value: factor,
    format: (v) => `× ${factorWords(v)}`,
    tooltip: 'How much each step back multiplies the gradient (←/→ change it)',
    onChange: (v) => {
      if (Math.abs(v - factor) < 1e-9) return;
      factor = v;
      replay();
    },
  });
  new Button(scene, {
    x: box.x + box.width - 150,
    y: box.y + 4,
    width: 150,
    label: 'Send back',
    icon: 'play',
    tooltip: 'Send the gradient back through the sentence again, one word at a time',
    onClick: replay,
  });
  replay();
  return {
    title: 'One layer, unrolled over a sentence',
    caption:
      'The same weights W read every word and hand the hidden state on. Going back, the ' +
      'gradient is multiplied at every step: below 1 it shrinks towards nothing (it vanishes), ' +
      'above 1 it grows without end (it explodes). Move the slider and watch the first word.',
  };
};
