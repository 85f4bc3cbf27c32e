/**
 * The sandbox's data cards: a tiny picture of each generated set, drawn from its geometry —
 * fixed point lists, pictures rather than samples, so no data is made to draw a menu (and no
 * Math.random/sin/cos in game code).
 */
import type * as Phaser from 'phaser';
import type { GeneratorName } from '../../data/generators.js';
import { COLORS, RADIUS, viridis } from '../theme.js';
import { CLASS_COLORS } from './heatmap.js';

/** A tiny picture of each generated set, drawn from its geometry (no data needed). */
export function drawCardPicture(
  g: Phaser.GameObjects.Graphics,
  name: GeneratorName,
  x: number,
  y: number,
  s: number,
): void {
  g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(x, y, s, s, RADIUS / 2);
  const dot = (px: number, py: number, cls: number): void => {
    g.fillStyle(CLASS_COLORS[cls]!, 1).fillCircle(x + px * s, y + py * s, 2.5);
  };
  switch (name) {
    case 'line':
      for (let i = 0; i <= 10; i++)
        dot(0.1 + i * 0.08, 0.85 - i * 0.07 + (i % 3 === 0 ? 0.04 : -0.02), 0);
      break;
    case 'blobs':
      for (const [px, py] of [
        [0.25, 0.3],
        [0.3, 0.4],
        [0.2, 0.38],
        [0.35, 0.28],
        [0.28, 0.22],
      ])
        dot(px!, py!, 0);
      for (const [px, py] of [
        [0.7, 0.7],
        [0.75, 0.62],
        [0.65, 0.78],
        [0.78, 0.75],
        [0.68, 0.64],
      ])
        dot(px!, py!, 1);
      break;
    case 'xor':
      for (const [px, py, c] of [
        [0.25, 0.25, 1],
        [0.75, 0.75, 1],
        [0.75, 0.25, 0],
        [0.25, 0.75, 0],
        [0.35, 0.15, 1],
        [0.65, 0.85, 1],
        [0.85, 0.35, 0],
        [0.15, 0.65, 0],
      ])
        dot(px!, py!, c!);
      break;
    case 'circles':
      for (const [px, py] of [
        [0.5, 0.45],
        [0.45, 0.55],
        [0.55, 0.55],
        [0.5, 0.5],
      ])
        dot(px!, py!, 0);
      for (const [px, py] of [
        [0.5, 0.12],
        [0.88, 0.5],
        [0.5, 0.88],
        [0.12, 0.5],
        [0.23, 0.23],
        [0.77, 0.23],
        [0.23, 0.77],
        [0.77, 0.77],
      ])
        dot(px!, py!, 1);
      break;
    case 'moons':
      for (const [px, py] of [
        [0.15, 0.55],
        [0.22, 0.35],
        [0.35, 0.25],
        [0.5, 0.25],
        [0.62, 0.35],
        [0.68, 0.5],
      ])
        dot(px!, py!, 0);
      for (const [px, py] of [
        [0.35, 0.5],
        [0.4, 0.65],
        [0.52, 0.75],
        [0.66, 0.75],
        [0.78, 0.65],
        [0.85, 0.45],
      ])
        dot(px!, py!, 1);
      break;
    case 'plane':
    case 'bump':
      // A 5 × 5 grid of dots coloured by height: a slope rising to the top right, or a hill.
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) {
          const [u, v] = [(i - 2) / 2, (j - 2) / 2];
          const h = name === 'plane' ? (u - v + 2) / 4 : 1 - Math.min(1, (u * u + v * v) / 1.2);
          g.fillStyle(viridis(h), 1).fillCircle(
            x + (0.14 + 0.18 * i) * s,
            y + (0.14 + 0.18 * j) * s,
            3.5,
          );
        }
      }
      break;
    case 'spiral': {
      // Three arms, each a point list turned by a fixed rotation matrix (25° per point, 120°
      // between arms): plain arithmetic, no trigonometry in game code.
      const [c, sn] = [0.906, 0.423];
      for (let arm = 0; arm < 3; arm++) {
        let vx = arm === 0 ? 1 : -0.5;
        let vy = arm === 0 ? 0 : arm === 1 ? 0.866 : -0.866;
        for (let i = 1; i <= 9; i++) {
          const r = 0.05 * i;
          g.fillStyle(CLASS_COLORS[arm]!, 1).fillCircle(
            x + (0.5 + vx * r) * s,
            y + (0.5 + vy * r) * s,
            2.5,
          );
          [vx, vy] = [vx * c - vy * sn, vx * sn + vy * c];
        }
      }
      break;
    }
  }
}

/** Tiny pictures of the image sets: a blocky handwritten 7, and a blocky T-shirt. */
const IMAGE_CARDS: Record<'digits' | 'fashion-mnist', readonly string[]> = {
  digits: [
    '.######.',
    '......#.',
    '.....#..',
    '....#...',
    '...#....',
    '..#.....',
    '..#.....',
    '........',
  ],
  'fashion-mnist': [
    '.##..##.',
    '########',
    '########',
    '.######.',
    '.######.',
    '.######.',
    '.######.',
    '........',
  ],
};

/** The card picture of an image set: its glyph in grey pixels on the card's dark square. */
export function drawImageCardPicture(
  g: Phaser.GameObjects.Graphics,
  name: 'digits' | 'fashion-mnist',
  x: number,
  y: number,
  s: number,
): void {
  g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(x, y, s, s, RADIUS / 2);
  const rows = IMAGE_CARDS[name];
  const cell = s / rows.length;
  rows.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      if (row[c] === '#') g.fillStyle(0xd8dde6, 1).fillRect(x + c * cell, y + r * cell, cell, cell);
    }
  });
}
