/**
 * The data a workbench trains on, drawn small: the dots of a 2-D set in their class colours and
 * shapes, the points of a one-feature regression, or, for wider tables, the measurements by
 * name. A player sees what the network will be asked to learn before building it. The rows come
 * from the worker's `preview`, exactly as the network sees them.
 */
import * as Phaser from 'phaser';
import type { DataPreview } from '../../engine/trainer.js';
import { CSS, COLORS, RADIUS, TEXT, textStyle, viridis } from '../theme.js';
import { drawMarker, extentOf } from './heatmap.js';

export interface DataPreviewOptions {
  x: number;
  y: number;
  width: number;
  /** Height of the picture; the caption goes under it. */
  size: number;
}

/** Draws `preview` and returns the bottom edge of what it drew. */
export function drawDataPreview(
  scene: Phaser.Scene,
  preview: DataPreview,
  o: DataPreviewOptions,
): number {
  const g = scene.add.graphics();
  const rows = preview.y.length;
  const caption = `${preview.rows.train} training rows, ${preview.rows.validation} validation, ${preview.rows.test} test`;
  let bottom: number;
  if (preview.inputs === 2 && preview.task === 'regression') {
    // A surface to fit: each point at its place, coloured by its height (viridis, low to high).
    const s = o.size;
    g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(o.x, o.y, s, s, RADIUS / 2);
    const e = extentOf(preview.x, 0.08);
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = 0; i < rows; i++)
      [lo, hi] = [Math.min(lo, preview.y[i]!), Math.max(hi, preview.y[i]!)];
    for (let i = 0; i < rows; i++) {
      const px = o.x + ((preview.x[2 * i]! - e.xMin) / (e.xMax - e.xMin)) * s;
      const py = o.y + s - ((preview.x[2 * i + 1]! - e.yMin) / (e.yMax - e.yMin)) * s;
      g.fillStyle(viridis((preview.y[i]! - lo) / Math.max(hi - lo, 1e-9)), 1).fillCircle(px, py, 3);
    }
    const key = scene.add
      .text(
        o.x + s + 14,
        o.y,
        `${preview.targetName}:\nyellow high,\npurple low`,
        textStyle(TEXT.small, CSS.text),
      )
      .setLineSpacing(3);
    bottom = Math.max(o.y + s, o.y + key.height);
  } else if (preview.inputs === 2) {
    const s = o.size;
    g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(o.x, o.y, s, s, RADIUS / 2);
    const e = extentOf(preview.x, 0.08);
    const px = (v: number): number => o.x + ((v - e.xMin) / (e.xMax - e.xMin)) * s;
    const py = (v: number): number => o.y + s - ((v - e.yMin) / (e.yMax - e.yMin)) * s;
    for (let i = 0; i < rows; i++) {
      drawMarker(g, preview.y[i]!, px(preview.x[2 * i]!), py(preview.x[2 * i + 1]!), 2.6);
    }
    // The key beside the picture, one class a line.
    const names = preview.classNames ?? [];
    let ly = o.y;
    names.slice(0, 6).forEach((name, k) => {
      drawMarker(g, k, o.x + s + 14, ly + 9, 5);
      const t = scene.add
        .text(o.x + s + 24, ly, name, textStyle(TEXT.small, CSS.text))
        .setWordWrapWidth(o.width - s - 24);
      ly += t.height + 4;
    });
    bottom = Math.max(o.y + s, ly);
  } else if (preview.inputs === 1) {
    const s = o.size;
    g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(o.x, o.y, o.width, s, RADIUS / 2);
    let [xl, xh, yl, yh] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < rows; i++) {
      xl = Math.min(xl, preview.x[i]!);
      xh = Math.max(xh, preview.x[i]!);
      yl = Math.min(yl, preview.y[i]!);
      yh = Math.max(yh, preview.y[i]!);
    }
    const pad = 6;
    g.fillStyle(COLORS.data, 0.85);
    for (let i = 0; i < rows; i++) {
      const vx = o.x + pad + ((preview.x[i]! - xl) / (xh - xl || 1)) * (o.width - 2 * pad);
      const vy = o.y + s - pad - ((preview.y[i]! - yl) / (yh - yl || 1)) * (s - 2 * pad);
      g.fillCircle(vx, vy, 2.2);
    }
    bottom = o.y + s;
  } else {
    const list = preview.featureNames;
    const shown =
      list.slice(0, 6).join(', ') + (list.length > 6 ? `, and ${list.length - 6} more` : '');
    const what =
      preview.task === 'regression'
        ? `→ ${preview.targetName}`
        : `→ ${preview.classNames?.join(' or ') ?? preview.targetName}`;
    const t = scene.add
      .text(
        o.x,
        o.y,
        `${list.length} measurements: ${shown} ${what}`,
        textStyle(TEXT.small, CSS.text),
      )
      .setWordWrapWidth(o.width)
      .setLineSpacing(3);
    bottom = drawTable(scene, preview, o.x, o.y + t.height + 8, o.width);
  }
  const c = scene.add
    .text(o.x, bottom + 6, caption, textStyle(TEXT.small, CSS.textDim))
    .setWordWrapWidth(o.width);
  return bottom + 6 + c.height;
}

/** The first rows as a small table: a few columns as the network sees them, and the answer. */
function drawTable(
  scene: Phaser.Scene,
  p: DataPreview,
  x: number,
  y: number,
  width: number,
): number {
  const cols = Math.min(3, p.inputs);
  const colW = Math.floor(width / (cols + 1));
  const head = textStyle(TEXT.small, CSS.textDim);
  const cell = textStyle(TEXT.small, CSS.text);
  const cut = (s: string, n = 7): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const answer = (v: number): string =>
    p.task === 'regression' ? fmt(v) : cut(p.classNames?.[v] ?? String(v), 10);
  const header = [...p.featureNames.slice(0, cols).map((f) => cut(f)), cut(p.targetName, 10)];
  header.forEach((h, j) => scene.add.text(x + j * colW, y, h, head));
  const rows = Math.min(3, p.y.length);
  for (let r = 0; r < rows; r++) {
    const cells = [
      ...Array.from({ length: cols }, (_, j) => fmt(p.x[r * p.inputs + j]!)),
      answer(p.y[r]!),
    ];
    cells.forEach((c, j) => scene.add.text(x + j * colW, y + 18 * (r + 1), c, cell));
  }
  return y + 18 * (rows + 1);
}

/** A table value in at most three significant digits. */
function fmt(v: number): string {
  return Math.abs(v) >= 1e4 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}
