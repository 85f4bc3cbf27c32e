/**
 * Figure 'xor-grid': the four XOR corners (yes where both coordinates share a sign) and one
 * straight line with two draggable ends. The side of the line that says "yes" is shaded, each
 * corner is marked right or wrong, and the count shows that no line gets all four: at most three.
 */
import type * as Phaser from 'phaser';
import { CLASS_COLORS, drawMarker } from '../../objects/heatmap.js';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { drawIcon } from '../../ui/icons.js';
import { addText } from '../../ui/text.js';
import { Handle, Plot, clamp, lineInBox, type FigureBox, type FigureBuilder } from './plot.js';

type Pt = { x: number; y: number };

const CORNERS = [
  { x: 1, y: 1, yes: true },
  { x: -1, y: -1, yes: true },
  { x: -1, y: 1, yes: false },
  { x: 1, y: -1, yes: false },
];

/** The part of polygon `poly` on the positive side of the line a→b (one clipping pass). */
function clipHalf(poly: Pt[], a: Pt, b: Pt): Pt[] {
  const side = (p: Pt): number => (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
  const out: Pt[] = [];
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    const sp = side(p);
    const sq = side(q);
    if (sp >= 0) out.push(p);
    if (sp >= 0 !== sq >= 0) {
      const t = sp / (sp - sq);
      out.push({ x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t });
    }
  }
  return out;
}

/**
 * Draws a corner's marker as the training view draws the XOR data: "yes" (same sign) is class 1
 * of the xor set, an orange triangle, and "no" class 0, a blue circle. Same colour, same shape
 * on both screens.
 */
export function drawClassMarker(
  g: Phaser.GameObjects.Graphics,
  x: number,
  y: number,
  yes: boolean,
): void {
  drawMarker(g, yes ? 1 : 0, x, y, 12);
}

export const xorGrid: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const size = Math.min(box.width - 80, box.height - 100);
  const plotBox = { x: box.x + (box.width - size) / 2, y: box.y + 8, width: size, height: size };
  const plot = new Plot(plotBox, -2, 2, -2, 2);
  const axes = scene.add.graphics();
  plot.drawAxes(scene, axes, {}, 1);
  const shade = scene.add.graphics();
  const layer = scene.add.graphics();
  const labels = CORNERS.map((c) =>
    addText(scene, plot.sx(c.x), plot.sy(c.y) + 20, c.yes ? 'yes' : 'no', {
      size: TEXT.small,
      weight: 600,
    }).setOrigin(0.5, 0),
  );
  const readout = addText(scene, box.x + 40, box.y + box.height - 66, '', {
    size: TEXT.label,
    weight: 600,
  });
  const words = addText(scene, box.x + 40, box.y + box.height - 36, '', {
    size: TEXT.small,
    color: CSS.textDim,
    wrap: box.width - 80,
  });
  // Line ends in screen pixels.
  const ends = {
    a: { x: plot.sx(-1.6), y: plot.sy(-0.4) },
    b: { x: plot.sx(1.6), y: plot.sy(0.6) },
  };

  const draw = (): void => {
    const { a, b } = ends;
    const rect: Pt[] = [
      { x: plotBox.x, y: plotBox.y },
      { x: plotBox.x + size, y: plotBox.y },
      { x: plotBox.x + size, y: plotBox.y + size },
      { x: plotBox.x, y: plotBox.y + size },
    ];
    const side = (p: Pt): number => (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    // Pick the labelling of the two sides that gets more corners right: the line's best try.
    const onPositive = CORNERS.map((c) => side({ x: plot.sx(c.x), y: plot.sy(c.y) }) >= 0);
    const rightIfPositiveIsYes = CORNERS.filter((c, i) => onPositive[i] === c.yes).length;
    const positiveIsYes = rightIfPositiveIsYes >= 2;
    const yesSide = positiveIsYes ? clipHalf(rect, a, b) : clipHalf(rect, b, a);
    shade.clear();
    if (yesSide.length >= 3) {
      shade.fillStyle(CLASS_COLORS[1]!, 0.16);
      shade.fillPoints(yesSide as Phaser.Math.Vector2[], true);
    }
    layer.clear();
    const seg = lineInBox(a, b, plotBox);
    if (seg) {
      layer.lineStyle(4, COLORS.text, 1);
      layer.lineBetween(seg[0].x, seg[0].y, seg[1].x, seg[1].y);
    }
    let correct = 0;
    CORNERS.forEach((c, i) => {
      const x = plot.sx(c.x);
      const y = plot.sy(c.y);
      drawClassMarker(layer, x, y, c.yes);
      const saysYes = onPositive[i] === positiveIsYes;
      const right = saysYes === c.yes;
      if (right) correct++;
      drawIcon(
        layer,
        right ? 'check' : 'close',
        x + 26,
        y - 22,
        16,
        right ? COLORS.success : COLORS.warning,
      );
      labels[i]!.setText(`${c.yes ? 'yes' : 'no'} · ${right ? 'right' : 'wrong'}`);
    });
    readout.setText(`Corners right: ${correct} of 4`);
    words.setText(
      correct >= 3
        ? 'Three is the most any single straight line can get: the yes corners sit diagonally.'
        : 'Drag the ends of the white line and try to put both yes corners on the shaded side.',
    );
  };
  const within = (p: Pt): Pt => ({
    x: clamp(p.x, plotBox.x, plotBox.x + size),
    y: clamp(p.y, plotBox.y, plotBox.y + size),
  });
  for (const key of ['a', 'b'] as const) {
    new Handle(scene, {
      x: ends[key].x,
      y: ends[key].y,
      color: COLORS.text,
      tooltip: 'Drag this end of the line; the shaded side says yes',
      onDrag: (x, y) => {
        ends[key] = within({ x, y });
        draw();
        return ends[key];
      },
    });
  }
  draw();
  return {
    title: 'One line, four corners',
    caption:
      'A single neuron answers yes on one side of a straight line and no on the other. Orange ' +
      'triangles want yes, blue dots want no, as in the training view. Move the line any way you ' +
      'like: one corner always ends up on the wrong side. That is the limit Minsky and Papert ' +
      'pointed out in 1969.',
  };
};
