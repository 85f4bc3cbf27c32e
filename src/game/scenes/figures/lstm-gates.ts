/**
 * Figure 'lstm-gates': one LSTM step. The memory cell runs straight through it like a conveyor
 * line; the forget gate (×) decides how much of it stays, the input gate (+) lets a new value
 * on, the output gate shows part of it (through tanh) as the hidden state. Three sliders open
 * and close the gates; under the cell, an old value followed for ten steps: the LSTM keeps
 * forget¹⁰ of it (0.9¹⁰ ≈ 0.35, and all of it with the forget gate at 1), a plain RNN's state
 * fades to almost nothing (0.6¹⁰ ≈ 0.006).
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { Slider } from '../../ui/slider.js';
import { addText } from '../../ui/text.js';
import type { FigureBox, FigureBuilder } from './plot.js';
import { MEMORY_STEPS, RNN_KEEP, memoryAfter, powerWords, sizeWords } from './rnn-maths.js';

export const lstmGates: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const gates = { forget: 0.9, input: 0.5, output: 0.5 };
  const sliderW = (box.width - 40) / 3;
  const cell = { x: box.x + 40, y: box.y + 78, w: box.width - 80, h: 122 };
  const lineY = box.y + 108;
  const timesX = box.x + 190;
  const plusX = box.x + 320;
  const outX = box.x + 430;
  const gateY = box.y + 146;
  const busY = cell.y + cell.h - 10;
  const hX = box.x + 545;
  const hY = gateY + 8;
  const chartTop = box.y + 250;
  const chartH = 78;
  const chartBase = chartTop + chartH;

  // The fixed drawing: the cell, its labels and the lines that feed the gates.
  const frame = scene.add.graphics();
  frame.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(cell.x, cell.y, cell.w, cell.h, 10);
  frame.lineStyle(1, COLORS.line, 1).strokeRoundedRect(cell.x, cell.y, cell.w, cell.h, 10);
  frame.lineStyle(1.5, COLORS.textDim, 1).lineBetween(box.x, busY, outX, busY);
  for (const x of [timesX, plusX, outX]) frame.lineBetween(x, gateY + 16, x, busY);
  const small = (x: number, y: number, text: string, color: string): Phaser.GameObjects.Text =>
    addText(scene, x, y, text, { size: TEXT.small, color });
  small(box.x, lineY - 24, 'memory in', CSS.data);
  small(box.x + box.width, lineY - 24, 'memory out', CSS.data).setOrigin(1, 0);
  small(box.x, busY + 4, 'this step’s input and the last hidden state', CSS.textDim);
  small(box.x + box.width, hY + 14, 'hidden state out', CSS.data).setOrigin(1, 0);
  const gateText = (x: number): Phaser.GameObjects.Text =>
    addText(scene, x + 6, gateY - 20, '', { size: TEXT.small });
  const labels = { forget: gateText(timesX), input: gateText(plusX), output: gateText(outX) };
  addText(scene, box.x, chartTop - 24, `An old value, followed for ${MEMORY_STEPS} steps`, {
    size: TEXT.small,
    weight: 600,
  });
  const legend = addText(scene, box.x + box.width, chartTop - 24, 'plain RNN', {
    size: TEXT.small,
    color: CSS.textDim,
  }).setOrigin(1, 0);
  const lstmWord = addText(scene, legend.x - legend.width - 34, chartTop - 24, 'LSTM cell', {
    size: TEXT.small,
    color: CSS.data,
  }).setOrigin(1, 0);
  frame
    .fillStyle(COLORS.textDim, 0.8)
    .fillRect(legend.x - legend.width - 16, chartTop - 20, 10, 10);
  frame.fillStyle(COLORS.data, 1).fillRect(lstmWord.x - lstmWord.width - 16, chartTop - 20, 10, 10);
  const colW = box.width / (MEMORY_STEPS + 1);
  for (let t = 0; t <= MEMORY_STEPS; t++) {
    addText(scene, box.x + (t + 0.5) * colW, chartBase + 4, `${t}`, {
      size: TEXT.small,
      color: CSS.textDim,
    }).setOrigin(0.5, 0);
  }
  const readout = addText(scene, box.x, chartBase + 28, '', {
    size: TEXT.small,
    wrap: box.width,
    lineSpacing: 3,
  });

  const g = scene.add.graphics();
  /** A gate's σ box under the line, filled as far as it is open. */
  const gateBox = (x: number, open: number): void => {
    g.fillStyle(COLORS.panel, 1).fillRect(x - 16, gateY, 32, 16);
    g.fillStyle(COLORS.weights, 0.9).fillRect(x - 16, gateY, 32 * open, 16);
    g.lineStyle(1, COLORS.weights, 1).strokeRect(x - 16, gateY, 32, 16);
  };
  /** A round × or + where a gate acts. */
  const sign = (x: number, y: number, kind: '×' | '+'): void => {
    g.fillStyle(COLORS.background, 1).fillCircle(x, y, 11);
    g.lineStyle(2, COLORS.weights, 1).strokeCircle(x, y, 11);
    g.lineStyle(2, COLORS.text, 1);
    if (kind === '+') g.lineBetween(x - 6, y, x + 6, y).lineBetween(x, y - 6, x, y + 6);
    else g.lineBetween(x - 5, y - 5, x + 5, y + 5).lineBetween(x + 5, y - 5, x - 5, y + 5);
  };
  const draw = (): void => {
    const m = memoryAfter(gates.forget, gates.input, gates.output);
    g.clear();
    // The conveyor: full before the forget gate, as thick as what is kept after it, thicker
    // again where the input gate adds to it.
    const full = 8;
    const kept = Math.max(1, full * gates.forget);
    const after = Math.min(full + 4, kept + full * gates.input * 0.5);
    g.fillStyle(COLORS.data, 1).fillRect(box.x, lineY - full / 2, timesX - box.x, full);
    g.fillStyle(COLORS.data, 0.4 + 0.6 * gates.forget);
    g.fillRect(timesX, lineY - kept / 2, plusX - timesX, kept);
    g.fillStyle(COLORS.data, 1);
    g.fillRect(plusX, lineY - after / 2, box.x + box.width - plusX, after);
    // The gates' lines up to where they act; the output branch down from the line through
    // its × and out as the hidden state, as thick as the output gate is open.
    g.lineStyle(1.5, COLORS.weights, 1);
    g.lineBetween(timesX, gateY, timesX, lineY).lineBetween(plusX, gateY, plusX, lineY);
    g.lineBetween(outX + 16, hY, hX - 11, hY);
    g.lineStyle(1.5 + 3 * gates.output, COLORS.data, 0.5 + 0.5 * gates.output);
    g.lineBetween(hX, lineY, hX, hY - 11);
    g.lineBetween(hX + 11, hY, box.x + box.width, hY);
    gateBox(timesX, gates.forget);
    gateBox(plusX, gates.input);
    gateBox(outX, gates.output);
    sign(timesX, lineY, '×');
    sign(plusX, lineY, '+');
    sign(hX, hY, '×');
    labels.forget.setText(`forget ${gates.forget.toFixed(2)}`);
    labels.input.setText(`input ${gates.input.toFixed(2)}`);
    labels.output.setText(`output ${gates.output.toFixed(2)}`);

    // The old value's share step by step: the LSTM's cell beside a plain RNN's state.
    g.lineStyle(1, COLORS.line, 1).lineBetween(box.x, chartBase, box.x + box.width, chartBase);
    m.keptPath.forEach((v, t) => {
      const x = box.x + t * colW + colW / 2;
      const h = Math.max(1, v * chartH);
      g.fillStyle(COLORS.data, 1).fillRect(x - 17, chartBase - h, 16, h);
      const r = Math.max(1, m.rnnPath[t]! * chartH);
      g.fillStyle(COLORS.textDim, 0.8).fillRect(x + 1, chartBase - r, 16, r);
    });
    const k = MEMORY_STEPS;
    const lstm =
      gates.forget >= 1
        ? 'With the forget gate at 1 the cell keeps the old value whole, step after step.'
        : `After ${k} steps the cell still holds ${powerWords(gates.forget, k)} of the old value.`;
    readout.setText(
      `${lstm} A plain RNN re-squashes its state every step: ${powerWords(RNN_KEEP, k)}.\n` +
        `The input gate let in ${sizeWords(m.written)} of new values on top; the output gate ` +
        `shows ${sizeWords(m.shown)} of the cell (${gates.output.toFixed(2)} × tanh ${sizeWords(m.cell)}) to the next layer.`,
    );
  };

  (['forget', 'input', 'output'] as const).forEach((name, i) => {
    new Slider(scene, {
      x: box.x + i * (sliderW + 20),
      y: box.y,
      width: sliderW,
      label: `${name[0]!.toUpperCase()}${name.slice(1)} gate`,
      min: 0,
      max: 1,
      step: 0.05,
      value: gates[name],
      format: (v) => v.toFixed(2),
      tooltip:
        name === 'forget'
          ? 'How much of the memory stays at each step (1: all of it)'
          : name === 'input'
            ? 'How much of the new value is written into the memory'
            : 'How much of the memory the step shows as its hidden state',
      onChange: (v) => {
        gates[name] = v;
        draw();
      },
    });
  });
  draw();
  return {
    title: 'A memory with gates',
    caption:
      'The memory line runs straight through every step: nothing squashes it, so an old value ' +
      'survives as long as the forget gate stays near 1. The gates are small layers of their own ' +
      'that learn when to keep, write and show.',
  };
};
