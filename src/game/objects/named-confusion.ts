/**
 * The confusion matrix of an image set with its class names: `Confusion` (cells shaded on
 * viridis and counted) right-aligned in the panel, each row labelled with its class number and
 * name (shortened to the room left), each column with its number, and a heading saying how many
 * validation images it counts.
 */
import type * as Phaser from 'phaser';
import { CSS, TEXT, textStyle } from '../theme.js';
import { addText } from '../ui/text.js';
import { attachTooltip } from '../ui/tooltip.js';
import { Confusion } from './confusion.js';
import { shortLabel } from './gallery-order.js';

export interface NamedConfusionOptions {
  /** Left edge and width of the panel's area, its top, and the lowest y it may reach. */
  x: number;
  width: number;
  y: number;
  bottom: number;
  names: string[];
  /** Images counted, of how many in the split. */
  rows: number;
  total: number;
}

/** Side of the whole matrix: at 10 classes it leaves room for the numbers in the cells. */
const MAX_SIZE = 248;
const HEAD = 18;

export class NamedConfusion {
  private readonly matrix: Confusion;

  constructor(scene: Phaser.Scene, o: NamedConfusionOptions) {
    const classes = o.names.length;
    const of = o.rows < o.total ? `${o.rows} of ${o.total}` : `${o.rows}`;
    scene.add.text(
      o.x,
      o.y,
      `Confusion (${of} validation images)`,
      textStyle(TEXT.body, CSS.text, 600),
    );
    const y = o.y + 42;
    const size = Math.min(MAX_SIZE, o.bottom - y);
    const x = o.x + o.width - size;
    const cell = (size - HEAD) / classes;
    const numbered = o.names.some((n, k) => n !== String(k));
    const probe = addText(scene, 0, 0, '', { size: TEXT.small });
    const measure = (t: string): number => probe.setText(t).width;
    o.names.forEach((name, k) => {
      const label = shortLabel(numbered ? `${k} ${name}` : name, x - o.x - 4, measure);
      addText(scene, x - 2, y + HEAD + (k + 0.5) * cell, label, { size: TEXT.small }).setOrigin(
        1,
        0.5,
      );
      addText(scene, x + HEAD + (k + 0.5) * cell, y - 2, String(k), {
        size: TEXT.small,
        color: CSS.textDim,
      }).setOrigin(0.5, 1);
    });
    const axes = 'true ↓ answer →';
    if (measure(axes) < x + HEAD - o.x - 6)
      addText(scene, o.x, y - 2, axes, { size: TEXT.small, color: CSS.textDim }).setOrigin(0, 1);
    probe.destroy();
    this.matrix = new Confusion(scene, { x, y, size, classes });
    const zone = scene.add.zone(x, y, size, size).setOrigin(0, 0).setInteractive();
    attachTooltip(
      zone,
      'Rows: the true class; columns: the network’s answer. The outlined diagonal is right.',
    );
  }

  /** Counts [true][answer] (`confusionCounts`). */
  update(counts: number[][]): void {
    this.matrix.update(counts);
  }
}
