/**
 * Figure 'filter-slide': an 8×8 handwritten-looking 4 in grey and a 3×3 filter (vertical edge,
 * horizontal edge or blur) that the player drags over it (or moves with the arrows). Beside the
 * image: the nine pixels under the filter, its nine weights and their dot product written out,
 * term by term. Every position the filter visits fills one cell of the 6×6 feature map, so
 * sliding the same nine weights everywhere builds a map that lights up where the strokes' edges
 * are. That is all a convolution layer does, once per filter.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, diverging } from '../../theme.js';
import { Button } from '../../ui/button.js';
import { Choice } from '../../ui/choice.js';
import { addText } from '../../ui/text.js';
import { dot, windowAt } from './conv-maths.js';
import { Handle, clamp, type FigureBox, type FigureBuilder } from './plot.js';

const SIDE = 8;
const OUT = SIDE - 2;
// prettier-ignore
const IMAGE = [
  0, 0,   0,   0,   0,   0,   0,   0,
  0, 0.8, 0.1, 0,   0,   0.9, 0.2, 0,
  0, 0.9, 0.2, 0,   0,   1,   0.1, 0,
  0, 0.9, 0.1, 0,   0.1, 0.9, 0.1, 0,
  0, 0.7, 0.9, 1,   0.9, 1,   0.8, 0,
  0, 0,   0.1, 0.1, 0.2, 0.9, 0.1, 0,
  0, 0,   0,   0,   0,   0.9, 0.2, 0,
  0, 0,   0,   0,   0,   0.7, 0,   0,
];

type FilterName = 'vertical' | 'horizontal' | 'blur';
const FILTERS: Record<FilterName, { weights: number[]; words: (v: number) => string }> = {
  vertical: {
    weights: [1, 0, -1, 1, 0, -1, 1, 0, -1],
    words: (v) =>
      v >= 1
        ? 'Bright on the left, dark on the right: a vertical edge.'
        : v <= -1
          ? 'Dark on the left, bright on the right: an edge the other way (negative).'
          : 'Left and right look alike: no vertical edge here.',
  },
  horizontal: {
    weights: [1, 1, 1, 0, 0, 0, -1, -1, -1],
    words: (v) =>
      v >= 1
        ? 'Bright above, dark below: a horizontal edge.'
        : v <= -1
          ? 'Dark above, bright below: an edge the other way (negative).'
          : 'Top and bottom look alike: no horizontal edge here.',
  },
  blur: {
    weights: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    words: () => 'Roughly the average brightness here: a softer copy of the image.',
  },
};

/** One decimal, a real minus sign, no "−0.0". */
const fmt = (v: number): string => (v <= -0.05 ? '−' : '') + Math.abs(v).toFixed(1);
/** Whole weights without decimals (1, 0, −1); the blur's 0.1 as it is. */
const fmtWeight = (w: number): string =>
  Number.isInteger(w) ? (w < 0 ? `−${-w}` : `${w}`) : fmt(w);
const grey = (v: number): number => {
  const g = Math.round(30 + clamp(v, 0, 1) * 210);
  return (g << 16) | (g << 8) | g;
};

export const filterSlide: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const cell = 28;
  const mapCell = 25;
  const small = 30;
  const top = box.y + 80;
  const image = { x: box.x, y: top };
  const under = { x: box.x + 242, y: top };
  const weightsAt = { x: box.x + 344, y: top };
  const map = { x: box.x + 450, y: top };
  const heading = (x: number, text: string): void => {
    addText(scene, x, top - 26, text, { size: TEXT.small, color: CSS.textDim, weight: 600 });
  };
  heading(image.x, 'Image 8×8');
  heading(under.x, 'Pixels');
  heading(weightsAt.x, 'Weights');
  heading(map.x, 'Feature map 6×6');

  const back = scene.add.graphics();
  for (let i = 0; i < SIDE * SIDE; i++) {
    back.fillStyle(grey(IMAGE[i]!), 1);
    back.fillRect(image.x + (i % SIDE) * cell, image.y + Math.floor(i / SIDE) * cell, cell, cell);
  }
  const layer = scene.add.graphics();
  const cellText = (x: number, y: number): Phaser.GameObjects.Text =>
    addText(scene, x + small / 2, y + small / 2, '', { size: TEXT.small, weight: 600 }).setOrigin(
      0.5,
    );
  const pixelTexts = Array.from({ length: 9 }, (_, i) =>
    cellText(under.x + (i % 3) * small, under.y + Math.floor(i / 3) * small),
  );
  const weightTexts = Array.from({ length: 9 }, (_, i) =>
    cellText(weightsAt.x + (i % 3) * small, weightsAt.y + Math.floor(i / 3) * small),
  );
  const sum = addText(scene, under.x, under.y + 3 * small + 14, '', {
    size: TEXT.small,
    lineSpacing: 4,
  });
  const result = addText(scene, box.x, top + SIDE * cell + 26, '', {
    size: TEXT.label,
    weight: 600,
  });
  const words = addText(scene, box.x, result.y + 30, '', {
    size: TEXT.small,
    color: CSS.textDim,
    wrap: box.width,
  });
  const progress = addText(scene, box.x, words.y + 34, '', {
    size: TEXT.small,
    color: CSS.textDim,
  });

  let filter: FilterName = 'vertical';
  let at = { row: 0, col: 0 };
  let visited = new Map<number, number>();
  let sweep: Phaser.Time.TimerEvent | null = null;

  const draw = (): void => {
    const { weights } = FILTERS[filter];
    const pixels = windowAt(IMAGE, SIDE, at.row, at.col);
    const value = dot(pixels, weights);
    visited.set(at.row * OUT + at.col, value);
    const reach = weights.reduce((s, w) => s + Math.abs(w), 0);
    layer.clear();
    // The filter's window on the image, in the weights' colour.
    layer.lineStyle(3, COLORS.weights, 1);
    layer.strokeRect(image.x + at.col * cell, image.y + at.row * cell, 3 * cell, 3 * cell);
    layer.lineStyle(1, COLORS.textDim, 0.8);
    layer.strokeRect(image.x, image.y, SIDE * cell, SIDE * cell);
    pixels.forEach((p, i) => {
      const x = under.x + (i % 3) * small;
      const y = under.y + Math.floor(i / 3) * small;
      layer.fillStyle(grey(p), 1);
      layer.fillRect(x, y, small, small);
      pixelTexts[i]!.setText(p.toFixed(1)).setColor(p > 0.5 ? CSS.background : CSS.text);
      const w = weights[i]!;
      const wx = weightsAt.x + (i % 3) * small;
      layer.fillStyle(diverging(w / Math.max(...weights.map(Math.abs))), 0.45);
      layer.fillRect(wx, y, small, small);
      weightTexts[i]!.setText(fmtWeight(w));
    });
    layer.lineStyle(1, COLORS.line, 1);
    for (const grid of [under, weightsAt]) {
      for (let k = 0; k <= 3; k++) {
        layer.lineBetween(grid.x + k * small, grid.y, grid.x + k * small, grid.y + 3 * small);
        layer.lineBetween(grid.x, grid.y + k * small, grid.x + 3 * small, grid.y + k * small);
      }
    }
    layer.lineStyle(2, COLORS.weights, 1);
    layer.strokeRect(weightsAt.x, weightsAt.y, 3 * small, 3 * small);
    // The feature map: cells visited so far, the current one outlined.
    for (let i = 0; i < OUT * OUT; i++) {
      const x = map.x + (i % OUT) * mapCell;
      const y = map.y + Math.floor(i / OUT) * mapCell;
      const v = visited.get(i);
      layer.fillStyle(v === undefined ? COLORS.panelRaised : diverging(v / reach), 1);
      layer.fillRect(x + 1, y + 1, mapCell - 2, mapCell - 2);
    }
    layer.lineStyle(3, COLORS.weights, 1);
    layer.strokeRect(map.x + at.col * mapCell, map.y + at.row * mapCell, mapCell, mapCell);
    const terms = pixels.map((p, i) => `${p.toFixed(1)}×${fmtWeight(weights[i]!)}`);
    const rows = [0, 1, 2].map((r) => terms.slice(3 * r, 3 * r + 3).join(' + '));
    sum.setText(`${rows[0]}\n+ ${rows[1]}\n+ ${rows[2]}\n= ${fmt(value)}`);
    result.setText(`Feature map, row ${at.row + 1}, column ${at.col + 1}: ${fmt(value)}`);
    words.setText(FILTERS[filter].words(value));
    progress.setText(
      visited.size === OUT * OUT
        ? 'Map complete: the same nine weights, used at all 36 places.'
        : `Cells filled: ${visited.size} of ${OUT * OUT}. Keep sliding, or fill the rest at once.`,
    );
  };

  const centre = (): { x: number; y: number } => ({
    x: image.x + (at.col + 1.5) * cell,
    y: image.y + (at.row + 1.5) * cell,
  });
  const moveTo = (x: number, y: number): { x: number; y: number } => {
    at = {
      col: clamp(Math.round((x - image.x) / cell - 1.5), 0, OUT - 1),
      row: clamp(Math.round((y - image.y) / cell - 1.5), 0, OUT - 1),
    };
    draw();
    return centre();
  };
  const handle = new Handle(scene, {
    ...centre(),
    color: COLORS.weights,
    nudge: cell,
    tooltip: 'Drag the filter over the image (arrows move it one pixel)',
    onDrag: moveTo,
  });
  // A click anywhere on the image moves the filter there, and the drag goes on from it.
  const zone = scene.add
    .zone(image.x, image.y, SIDE * cell, SIDE * cell)
    .setOrigin(0, 0)
    .setInteractive({ useHandCursor: true });
  let grabbed = false;
  const follow = (pointer: Phaser.Input.Pointer): void => {
    if (!grabbed || !pointer.isDown) return;
    const p = moveTo(pointer.x, pointer.y);
    handle.place(p.x, p.y);
  };
  const release = (): void => {
    grabbed = false;
  };
  zone.on('pointerdown', (pointer: Phaser.Input.Pointer) => {
    grabbed = true;
    follow(pointer);
  });
  scene.input.on('pointermove', follow);
  scene.input.on('pointerup', release);
  zone.once('destroy', () => {
    scene.input?.off('pointermove', follow);
    scene.input?.off('pointerup', release);
  });

  const stop = (): void => {
    sweep?.remove(false);
    sweep = null;
  };
  const clear = (): void => {
    stop();
    visited = new Map();
    draw();
  };
  new Choice<FilterName>(scene, {
    x: box.x,
    y: box.y,
    value: filter,
    name: 'Filter',
    tooltip: 'Which 3×3 filter slides over the image',
    options: [
      { value: 'vertical', label: 'Vertical edge' },
      { value: 'horizontal', label: 'Horizontal edge' },
      { value: 'blur', label: 'Blur' },
    ],
    onChange: (v) => {
      filter = v;
      clear();
    },
  });
  new Button(scene, {
    x: box.x + box.width - 150,
    y: box.y - 4,
    width: 96,
    label: 'Fill',
    icon: 'play',
    tooltip: 'Slide the filter over every place in turn and fill the whole map',
    onClick: () => {
      stop();
      let i = 0;
      sweep = scene.time.addEvent({
        delay: 70,
        repeat: OUT * OUT - 1,
        callback: () => {
          at = { row: Math.floor(i / OUT), col: i % OUT };
          i++;
          draw();
          handle.place(centre().x, centre().y);
        },
      });
    },
  });
  new Button(scene, {
    x: box.x + box.width - 44,
    y: box.y - 4,
    label: '',
    icon: 'reset',
    name: 'Clear the map',
    tooltip: 'Empty the feature map and start again',
    onClick: clear,
  });
  draw();
  return {
    title: 'One filter, slid everywhere',
    caption:
      'Drag the orange square over the 4. At each place the nine pixels under it are multiplied ' +
      'by the nine weights and added up: that one number fills one cell of the map. Switch ' +
      'filters to see the map light up on different edges.',
  };
};
