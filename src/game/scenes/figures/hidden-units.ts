/**
 * Figure 'hidden-units': two hidden neurons, each a straight line that is active (ReLU above
 * zero) on one side. Their active sides are tinted, one blue and one orange, and where both are
 * active — a corner no single line can make — is lit yellow: the output neuron's "yes". Each
 * line has two draggable ends, so the corner can be swung and moved anywhere.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { addText } from '../../ui/text.js';
import { Handle, Plot, clamp, lineInBox, type FigureBox, type FigureBuilder } from './plot.js';

type Pt = { x: number; y: number };
const CELLS = 28;

export const hiddenUnits: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const size = Math.min(box.width - 240, box.height - 70);
  const plotBox = { x: box.x + 20, y: box.y + 8, width: size, height: size };
  const plot = new Plot(plotBox, -2, 2, -2, 2);
  const cells = scene.add.graphics();
  const axes = scene.add.graphics();
  plot.drawAxes(scene, axes, {}, 1);
  const lines = scene.add.graphics();
  const units: { a: Pt; b: Pt; color: number; name: string }[] = [
    {
      a: { x: plot.sx(-0.6), y: plot.sy(-1.8) },
      b: { x: plot.sx(-0.2), y: plot.sy(1.8) },
      color: COLORS.data,
      name: 'Hidden neuron 1',
    },
    {
      a: { x: plot.sx(1.8), y: plot.sy(-0.5) },
      b: { x: plot.sx(-1.8), y: plot.sy(-0.1) },
      color: COLORS.weights,
      name: 'Hidden neuron 2',
    },
  ];
  // Legend: colour and words together.
  const lx = plotBox.x + size + 28;
  const legend = scene.add.graphics();
  const entries: [number, number, string][] = [
    [COLORS.data, 0.35, 'only neuron 1 is active'],
    [COLORS.weights, 0.35, 'only neuron 2 is active'],
    [COLORS.loss, 0.75, 'both active: the output says yes'],
  ];
  entries.forEach(([color, alpha, text], i) => {
    const y = plotBox.y + 10 + i * 56;
    legend.fillStyle(color, alpha);
    legend.fillRoundedRect(lx, y, 28, 28, 6);
    addText(scene, lx + 40, y + 2, text, { size: TEXT.small, color: CSS.text, wrap: 150 });
  });
  const share = addText(scene, lx, plotBox.y + 200, '', {
    size: TEXT.small,
    color: CSS.textDim,
    wrap: 180,
  });

  const side = (u: { a: Pt; b: Pt }, p: Pt): number =>
    (u.b.x - u.a.x) * (p.y - u.a.y) - (u.b.y - u.a.y) * (p.x - u.a.x);

  const draw = (): void => {
    cells.clear();
    const step = size / CELLS;
    let both = 0;
    for (let i = 0; i < CELLS; i++) {
      for (let j = 0; j < CELLS; j++) {
        const p = { x: plotBox.x + (i + 0.5) * step, y: plotBox.y + (j + 0.5) * step };
        const on1 = side(units[0]!, p) > 0;
        const on2 = side(units[1]!, p) > 0;
        if (!on1 && !on2) continue;
        if (on1 && on2) both++;
        const color = on1 && on2 ? COLORS.loss : on1 ? COLORS.data : COLORS.weights;
        cells.fillStyle(color, on1 && on2 ? 0.6 : 0.22);
        // Whole-pixel edges shared by neighbours: no overlaps, so no lattice of seams.
        const x0 = Math.round(plotBox.x + i * step);
        const y0 = Math.round(plotBox.y + j * step);
        const x1 = Math.round(plotBox.x + (i + 1) * step);
        const y1 = Math.round(plotBox.y + (j + 1) * step);
        cells.fillRect(x0, y0, x1 - x0, y1 - y0);
      }
    }
    lines.clear();
    for (const u of units) {
      const seg = lineInBox(u.a, u.b, plotBox);
      if (!seg) continue;
      lines.lineStyle(4, u.color, 1);
      lines.lineBetween(seg[0].x, seg[0].y, seg[1].x, seg[1].y);
    }
    const percent = Math.round((100 * both) / (CELLS * CELLS));
    share.setText(
      `The yes region covers ${percent}% of the square. Swing the lines: two neurons ` +
        'make a corner or a strip. To fence in an island, add neurons: each adds a side.',
    );
  };
  const within = (p: Pt): Pt => ({
    x: clamp(p.x, plotBox.x, plotBox.x + size),
    y: clamp(p.y, plotBox.y, plotBox.y + size),
  });
  units.forEach((u) => {
    for (const key of ['a', 'b'] as const) {
      new Handle(scene, {
        x: u[key].x,
        y: u[key].y,
        color: u.color,
        tooltip: `Drag to move ${u.name.toLowerCase()}'s line`,
        onDrag: (x, y) => {
          u[key] = within({ x, y });
          draw();
          return u[key];
        },
      });
    }
  });
  draw();
  return {
    title: 'Two neurons make a corner',
    caption:
      'Each hidden neuron draws one straight line and is active on one side of it. The output ' +
      'neuron says yes where both are active. Two half-planes overlap in a corner, a shape no ' +
      'single line could draw; more hidden neurons add more sides.',
  };
};
