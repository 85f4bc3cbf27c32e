/**
 * The icon of each block type in the workbench kit, drawn with Graphics on the block's dark
 * square: one look per kind of layer, no downloaded art.
 */
import type * as Phaser from 'phaser';
import type { LayerSpec } from '../../engine/spec.js';
import { COLORS, RADIUS } from '../theme.js';

/** 22·exp(−t²) at t = −8/3 … 8/3: the batch-norm icon's bell. */
const BELL = [0, 0.1, 0.4, 1.4, 3.7, 8.1, 14.1, 19.7, 22, 19.7, 14.1, 8.1, 3.7, 1.4, 0.4, 0.1, 0];

/**
 * The block-type icon: dense = two columns of nodes fully wired; dropout = some nodes struck out;
 * conv = a filter window on an image; pooling = four cells into one; batch norm = a bell curve;
 * flatten = a square laid out in a row; add = a plus; embedding = a symbol looking up one row of
 * a table; one-hot = rows of cells with a single one lit; the recurrent layers = a cell whose
 * output loops back into it (the LSTM with its memory line running straight through the top,
 * the GRU with its two gates); an activation = its bent line.
 */
export function drawIcon(
  g: Phaser.GameObjects.Graphics,
  type: LayerSpec['type'],
  x: number,
  y: number,
): void {
  g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(x - 4, y - 4, 44, 44, RADIUS / 2);
  const left = [y + 6, y + 18, y + 30];
  const right = [y + 10, y + 26];
  if (type === 'dense') {
    g.lineStyle(1.5, COLORS.weights, 0.9);
    for (const a of left) for (const b of right) g.lineBetween(x + 6, a, x + 30, b);
    g.fillStyle(COLORS.data, 1);
    for (const a of left) g.fillCircle(x + 6, a, 4);
    for (const b of right) g.fillCircle(x + 30, b, 4);
  } else if (type === 'dropout') {
    g.fillStyle(COLORS.data, 1);
    left.forEach((a, i) => (i === 1 ? null : g.fillCircle(x + 18, a, 4)));
    g.lineStyle(2, COLORS.textDim, 1).strokeCircle(x + 18, left[1]!, 4);
    g.lineBetween(x + 10, left[1]! - 7, x + 26, left[1]! + 7);
  } else if (type === 'conv2d') {
    // A 4×4 image with a 2×2 filter window on it.
    for (let r = 0; r < 4; r++)
      for (let c = 0; c < 4; c++)
        g.fillStyle(COLORS.data, 0.35 + 0.15 * ((r + c) % 3)).fillRect(
          x + 2 + c * 8,
          y + 2 + r * 8,
          7,
          7,
        );
    g.lineStyle(2, COLORS.weights, 1).strokeRect(x + 9, y + 9, 16, 16);
  } else if (type === 'maxpool2d' || type === 'avgpool2d') {
    // Four cells become one.
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 2; c++)
        g.fillStyle(COLORS.data, 0.5 + 0.2 * r).fillRect(x + 1 + c * 9, y + 9 + r * 9, 8, 8);
    g.lineStyle(1.5, COLORS.textDim, 1).lineBetween(x + 21, y + 18, x + 26, y + 18);
    g.fillStyle(COLORS.data, type === 'maxpool2d' ? 1 : 0.7).fillRect(x + 28, y + 13, 9, 9);
  } else if (type === 'batchnorm') {
    // A bell curve centred on a line (its heights written out: no Math in drawing).
    g.lineStyle(2, COLORS.data, 1).beginPath();
    BELL.forEach((h, i) => {
      if (i === 0) g.moveTo(x + 2, y + 30 - h);
      else g.lineTo(x + 2 + i * 2, y + 30 - h);
    });
    g.strokePath();
    g.lineStyle(1, COLORS.textDim, 1).lineBetween(x + 18, y + 4, x + 18, y + 32);
  } else if (type === 'flatten') {
    // A square of cells laid out in one row.
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 2; c++)
        g.fillStyle(COLORS.data, 0.8).fillRect(x + 12 + c * 7, y + 3 + r * 7, 6, 6);
    for (let i = 0; i < 5; i++) g.fillStyle(COLORS.data, 0.8).fillRect(x + 1 + i * 7, y + 26, 6, 6);
  } else if (type === 'embedding') {
    // A symbol (the dot) picks one row of a table of learned numbers.
    g.fillStyle(COLORS.data, 1).fillCircle(x + 4, y + 18, 4);
    g.lineStyle(1.5, COLORS.textDim, 1).lineBetween(x + 9, y + 18, x + 13, y + 18);
    for (let r = 0; r < 5; r++)
      for (let c = 0; c < 3; c++) {
        const picked = r === 2;
        g.fillStyle(picked ? COLORS.weights : COLORS.data, picked ? 1 : 0.3);
        g.fillRect(x + 15 + c * 7, y + 2 + r * 7, 6, 6);
      }
  } else if (type === 'onehot') {
    // Two symbols, each a row of zeros with a single 1 at its own place.
    for (const [row, lit] of [
      [0, 1],
      [1, 3],
    ] as const)
      for (let c = 0; c < 5; c++) {
        const on = c === lit;
        g.fillStyle(COLORS.data, on ? 1 : 0.25).fillRect(x + 1 + c * 7, y + 8 + row * 14, 6, 6);
      }
  } else if (type === 'rnn' || type === 'lstm' || type === 'gru') {
    drawRecurrent(g, type, x, y);
  } else if (type === 'transformer') {
    // Attention: the last position's lines back to the earlier ones, thick where it looks most.
    [1, 3, 1.5].forEach((w, i) => {
      g.lineStyle(w, COLORS.weights, 0.5 + w / 6).lineBetween(
        x + 4 + i * 11,
        y + 28,
        x + 32,
        y + 8,
      );
      g.fillStyle(COLORS.data, 1).fillCircle(x + 4 + i * 11, y + 30, 2.5);
    });
    g.fillStyle(COLORS.data, 1).fillCircle(x + 32, y + 6, 3.5);
  } else if (type === 'posenc') {
    // Two waves of different speeds (drawn from fixed points): a pattern for every position.
    const slow = [18, 12, 9, 10, 15, 21, 26, 27, 24];
    const fast = [18, 26, 16, 9, 19, 27, 14, 10, 22];
    for (const [ys, color] of [
      [slow, COLORS.data],
      [fast, COLORS.weights],
    ] as const) {
      g.lineStyle(2, color, 1).strokePoints(
        ys.map((py, k) => ({ x: x + 2 + k * 4, y: y + py })) as Phaser.Math.Vector2[],
        false,
      );
    }
  } else if (type === 'layernorm') {
    // Uneven bars brought to one height.
    [10, 22, 6].forEach((h, i) =>
      g.fillStyle(COLORS.data, 0.3).fillRect(x + 2 + i * 6, y + 30 - h, 5, h),
    );
    [14, 14, 14].forEach((h, i) =>
      g.fillStyle(COLORS.data, 1).fillRect(x + 20 + i * 6, y + 30 - h, 5, h),
    );
  } else if (type === 'add') {
    g.lineStyle(3, COLORS.weights, 1).lineBetween(x + 18, y + 8, x + 18, y + 28);
    g.lineBetween(x + 8, y + 18, x + 28, y + 18);
  } else {
    g.lineStyle(2, COLORS.loss, 1).beginPath();
    g.moveTo(x + 2, y + 30)
      .lineTo(x + 18, y + 30)
      .lineTo(x + 34, y + 6)
      .strokePath();
  }
}

/**
 * A recurrent cell: the step's input comes in from below, the state leaves on the right and
 * loops back in at the left (the memory carried to the next step). The LSTM's memory line runs
 * straight across the top with its × (forget) and + (write); the GRU shows its two gates.
 */
function drawRecurrent(
  g: Phaser.GameObjects.Graphics,
  type: 'rnn' | 'lstm' | 'gru',
  x: number,
  y: number,
): void {
  const top = type === 'lstm' ? y + 12 : y + 8;
  g.lineStyle(1.5, COLORS.textDim, 1).lineBetween(x + 18, y + 36, x + 18, top + 18);
  g.fillStyle(COLORS.data, 0.35).fillRoundedRect(x + 9, top, 18, 18, 4);
  g.lineStyle(2, COLORS.data, 1).strokeRoundedRect(x + 9, top, 18, 18, 4);
  // The loop: out on the right, round underneath, back in on the left.
  const mid = top + 9;
  g.lineStyle(2, COLORS.weights, 1);
  g.lineBetween(x + 27, mid, x + 33, mid);
  g.lineBetween(x + 33, mid, x + 33, top + 24);
  g.lineBetween(x + 33, top + 24, x + 3, top + 24);
  g.lineBetween(x + 3, top + 24, x + 3, mid);
  g.lineBetween(x + 3, mid, x + 8, mid);
  g.fillStyle(COLORS.weights, 1).fillTriangle(x + 9, mid, x + 5, mid - 3, x + 5, mid + 3);
  if (type === 'lstm') {
    // The memory line through the top of the cell, with the forget × and the write +.
    g.lineStyle(2, COLORS.data, 1).lineBetween(x, y + 4, x + 36, y + 4);
    g.lineStyle(1.5, COLORS.text, 1);
    g.lineBetween(x + 10, y + 1, x + 16, y + 7).lineBetween(x + 16, y + 1, x + 10, y + 7);
    g.lineBetween(x + 25, y + 1, x + 25, y + 7).lineBetween(x + 22, y + 4, x + 28, y + 4);
  } else if (type === 'gru') {
    g.fillStyle(COLORS.text, 1)
      .fillCircle(x + 14, mid, 2.5)
      .fillCircle(x + 22, mid, 2.5);
  } else {
    g.fillStyle(COLORS.data, 1).fillCircle(x + 18, mid, 3);
  }
}
