/**
 * Figure 'pool-patch': a 4×4 patch of a feature map and its 2×2 pooling with stride 2, max or
 * average (a choice). Pointing at an output cell (or focusing it with Tab) outlines the four
 * cells it comes from and writes the sum or the maximum out. A button moves the whole pattern
 * one pixel to the right: almost every input number changes, yet the max-pooled answer stays
 * the same, because each strong response is still inside its 2×2 block. That small tolerance
 * to shifts is why pooling follows convolutions.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, viridis } from '../../theme.js';
import { Button } from '../../ui/button.js';
import { Choice } from '../../ui/choice.js';
import { addText } from '../../ui/text.js';
import { Widget } from '../../ui/widget.js';
import { pool2x2, poolSources, shiftRight, type PoolMode } from './conv-maths.js';
import type { FigureBox, FigureBuilder } from './plot.js';

const SIDE = 4;
// prettier-ignore
const PATCH = [
  9, 1, 6, 0,
  2, 3, 1, 1,
  1, 0, 2, 1,
  8, 2, 7, 1,
];
const NAMES = ['top left', 'top right', 'bottom left', 'bottom right'];

/** An output cell the player can point at or focus; it reports when it is looked at. */
class OutputCell extends Widget {
  constructor(
    scene: Phaser.Scene,
    x: number,
    y: number,
    size: number,
    private readonly label: string,
    private readonly onLook: (looking: boolean) => void,
  ) {
    super(scene, x, y, size, size, `The ${label} pooled cell: see which four cells it comes from`);
  }

  focusLabel(): string {
    return `Pooled ${this.label}`;
  }

  protected redraw(): void {
    this.onLook(this.hovered || this.focused);
  }
}

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

export const poolPatch: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const cell = 62;
  const outCell = 80;
  const top = box.y + 84;
  const inX = box.x;
  const outX = box.x + box.width - 2 * outCell;
  addText(scene, inX, top - 26, 'Feature map 4×4', {
    size: TEXT.small,
    color: CSS.textDim,
    weight: 600,
  });
  addText(scene, outX, top - 26, 'Pooled 2×2', {
    size: TEXT.small,
    color: CSS.textDim,
    weight: 600,
  });
  const arrowText = addText(scene, (inX + SIDE * cell + outX) / 2, top + 100, '', {
    size: TEXT.small,
    color: CSS.textDim,
    align: 'center',
  }).setOrigin(0.5, 0);
  const g = scene.add.graphics();
  const inTexts = PATCH.map((_, i) =>
    addText(
      scene,
      inX + (i % SIDE) * cell + cell / 2,
      top + Math.floor(i / SIDE) * cell + cell / 2,
      '',
      {
        size: TEXT.label,
        weight: 600,
      },
    ).setOrigin(0.5),
  );
  const outTexts = NAMES.map((_, i) =>
    addText(
      scene,
      outX + (i % 2) * outCell + outCell / 2,
      top + Math.floor(i / 2) * outCell + outCell / 2,
      '',
      {
        size: TEXT.label + 4,
        weight: 600,
      },
    ).setOrigin(0.5),
  );
  const sum = addText(scene, box.x, top + SIDE * cell + 20, '', { size: TEXT.body, weight: 600 });
  const words = addText(scene, box.x, sum.y + 30, '', {
    size: TEXT.small,
    color: CSS.textDim,
    wrap: box.width,
    lineSpacing: 3,
  });

  let mode: PoolMode = 'max';
  let moved = false;
  let looking = 0;
  const patchNow = (): number[] => (moved ? shiftRight(PATCH, SIDE, 1) : PATCH);

  const draw = (): void => {
    const patch = patchNow();
    const out = pool2x2(patch, SIDE, mode);
    const before = pool2x2(PATCH, SIDE, mode);
    const sources = poolSources(Math.floor(looking / 2), looking % 2, SIDE);
    g.clear();
    patch.forEach((v, i) => {
      const x = inX + (i % SIDE) * cell;
      const y = top + Math.floor(i / SIDE) * cell;
      g.fillStyle(viridis(v / 9), 1);
      g.fillRect(x + 1, y + 1, cell - 2, cell - 2);
      inTexts[i]!.setText(String(v)).setColor(v >= 6 ? CSS.background : CSS.text);
    });
    // The 2×2 blocks, and the one the looked-at output comes from.
    g.lineStyle(2, COLORS.background, 1);
    g.lineBetween(inX + 2 * cell, top, inX + 2 * cell, top + SIDE * cell);
    g.lineBetween(inX, top + 2 * cell, inX + SIDE * cell, top + 2 * cell);
    const bx = inX + (looking % 2) * 2 * cell;
    const by = top + Math.floor(looking / 2) * 2 * cell;
    g.lineStyle(4, COLORS.weights, 1);
    g.strokeRect(bx, by, 2 * cell, 2 * cell);
    out.forEach((v, i) => {
      const x = outX + (i % 2) * outCell;
      const y = top + Math.floor(i / 2) * outCell;
      g.fillStyle(viridis(v / 9), 1);
      g.fillRect(x + 2, y + 2, outCell - 4, outCell - 4);
      outTexts[i]!.setText(num(v)).setColor(v >= 6 ? CSS.background : CSS.text);
    });
    g.lineStyle(4, COLORS.weights, 1);
    g.strokeRect(
      outX + (looking % 2) * outCell,
      top + Math.floor(looking / 2) * outCell,
      outCell,
      outCell,
    );
    const ax = inX + SIDE * cell + 22;
    g.lineStyle(3, COLORS.textDim, 1);
    g.lineBetween(ax, top + 90, outX - 22, top + 90);
    g.fillStyle(COLORS.textDim, 1);
    g.fillTriangle(outX - 14, top + 90, outX - 26, top + 83, outX - 26, top + 97);
    arrowText.setText(`${mode === 'max' ? 'largest' : 'average'} of\neach 2×2 block`);
    const values = sources.map((i) => patch[i]!);
    sum.setText(
      mode === 'max'
        ? `${NAMES[looking]}: max(${values.join(', ')}) = ${num(out[looking]!)}`
        : `${NAMES[looking]}: (${values.join(' + ')}) / 4 = ${num(out[looking]!)}`,
    );
    const changedIn = patch.filter((v, i) => v !== PATCH[i]).length;
    const changedOut = out.filter((v, i) => v !== before[i]).length;
    words.setText(
      moved
        ? `After the move, ${changedIn} of 16 input numbers are different, and ${changedOut} of 4 ` +
            `pooled numbers changed. ` +
            (mode === 'max'
              ? 'The strongest responses only slid inside their blocks, so max pooling did not notice.'
              : 'Averaging mixes in whatever slid into each block, so its answer drifts.')
        : 'Point at a pooled cell to see where it comes from. Then move the pattern.',
    );
  };
  NAMES.forEach((name, i) => {
    new OutputCell(
      scene,
      outX + (i % 2) * outCell,
      top + Math.floor(i / 2) * outCell,
      outCell,
      name,
      (on) => {
        if (on && looking !== i) {
          looking = i;
          draw();
        }
      },
    );
  });
  new Choice<PoolMode>(scene, {
    x: box.x,
    y: box.y,
    value: mode,
    name: 'Pooling',
    tooltip: 'Keep the largest number of each block, or their average',
    options: [
      { value: 'max', label: 'Max pooling' },
      { value: 'average', label: 'Average pooling' },
    ],
    onChange: (m) => {
      mode = m;
      draw();
    },
  });
  const move = new Button(scene, {
    x: box.x + box.width - 230,
    y: box.y - 4,
    width: 230,
    label: 'Move 1 pixel right',
    icon: 'next',
    tooltip: 'Shift the whole pattern one pixel to the right (and back)',
    onClick: () => {
      moved = !moved;
      move.setLabel(moved ? 'Move it back' : 'Move 1 pixel right');
      move.setIcon(moved ? 'back' : 'next');
      draw();
    },
  });
  draw();
  return {
    title: 'Keep the strongest',
    caption:
      'Pooling shrinks a map to a quarter: each 2×2 block becomes one number. Switch between max ' +
      'and average, point at the pooled cells, and move the pattern by a pixel to see which ' +
      'answer stays steady.',
  };
};
