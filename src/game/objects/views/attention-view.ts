/**
 * Where a transformer's attention looked, for one sequence: one T×T heatmap per head and block
 * (row t, column s: how much position t took from position s; the rows sum to 1, and nothing is
 * taken from the future, so everything above the diagonal stays 0). Purple is 0, yellow 1. When
 * the cells are wide enough the sequence's symbols run along both axes. Painted only when the
 * sequence view hands in new weights (its refresh), one texture upload per map.
 */
import type * as Phaser from 'phaser';
import type { AttentionMap } from '../../../engine/attention-state.js';
import { CSS, TEXT } from '../../theme.js';
import { addText } from '../../ui/text.js';
import { GridTexture } from '../grid-texture.js';
import { VIRIDIS_TABLE } from '../image-scale.js';
import { fitLabel, symbolText, unitLevel } from '../sequence-figures.js';
import type { Rect } from '../health-strip.js';

export interface AttentionViewOptions {
  x: number;
  y: number;
  width: number;
  /** The lowest the maps may reach (the key and the caption go under them). */
  maxBottom: number;
  steps: number;
  /** Heads of each transformer block, in the order of the spec. */
  blocks: number[];
  vocab?: readonly string[];
}

/** Symbols along the axes up to this many steps, and at this font size at most. */
const AXIS_STEPS = 32;
const AXIS_FONT = 11;
const GAP = 14;
const LABEL_H = 18;

interface Cell {
  block: number;
  head: number;
  grid: GridTexture;
  rows: Phaser.GameObjects.Text[];
  cols: Phaser.GameObjects.Text[];
}

export class AttentionView {
  readonly bottom: number;
  private readonly cells: Cell[] = [];
  private readonly font: number;
  private readonly side: number;
  /**
   * How sharply each map looks, `b1h2`: the mean over rows of the row's largest weight (1/T … 1;
   * the mean painted level says little, every row summing to 1).
   */
  readonly sharpness: Record<string, number> = {};
  private painted: { step: number; chosen: number } | null = null;

  constructor(
    scene: Phaser.Scene,
    private readonly o: AttentionViewOptions,
  ) {
    const T = o.steps;
    const heads = Math.max(1, ...o.blocks);
    const axis = T <= AXIS_STEPS && o.vocab !== undefined;
    const axisW = axis ? 14 : 0;
    const small = { size: TEXT.small, color: CSS.textDim };
    // Room under the maps: the key line and two lines of caption.
    const foot = 62;
    const across = (o.width - (heads - 1) * GAP) / heads - axisW;
    let shown = o.blocks.length;
    const sideFor = (n: number): number =>
      Math.floor((o.maxBottom - foot - o.y - n * (2 * LABEL_H + axisW + GAP)) / n);
    while (shown > 1 && sideFor(shown) < Math.min(48, across)) shown--;
    // Whole pixels per cell, so every cell is the same size.
    const px = Math.max(1, Math.floor(Math.min(across, sideFor(shown), 200) / T));
    this.side = px * T;
    this.font = Math.min(AXIS_FONT, Math.floor(px * 0.95));
    const labels = axis && this.font >= 8;
    // Too narrow for "block 1 · head 2" over each map: the block on a line of its own.
    const compact = this.side + axisW + GAP < 128;
    let y = o.y;
    for (let b = 0; b < shown; b++) {
      if (compact) {
        addText(scene, o.x, y, `block ${b + 1}`, { ...small, color: CSS.text });
        y += LABEL_H;
      }
      for (let h = 0; h < o.blocks[b]!; h++) {
        const x = o.x + h * (this.side + axisW + GAP);
        addText(scene, x, y, compact ? `head ${h + 1}` : `block ${b + 1} · head ${h + 1}`, small);
        const gx = x + axisW;
        const gy = y + LABEL_H + axisW;
        const grid = new GridTexture(scene, gx, gy, this.side, this.side);
        const text = (tx: number, ty: number): Phaser.GameObjects.Text =>
          addText(scene, tx, ty, '', { size: this.font, color: CSS.data }).setOrigin(0.5, 0.5);
        const rows = labels
          ? Array.from({ length: T }, (_, t) => text(gx - axisW / 2, gy + (t + 0.5) * px))
          : [];
        const cols = labels
          ? Array.from({ length: T }, (_, s) => text(gx + (s + 0.5) * px, gy - axisW / 2))
          : [];
        this.cells.push({ block: b, head: h, grid, rows, cols });
      }
      y += LABEL_H + axisW + this.side + GAP;
    }
    y -= GAP - 8;
    const bar = new GridTexture(scene, o.x + 14, y + 3, 100, 12);
    bar.paint(1, 64, (_r, c) => (c / 63) * 255, VIRIDIS_TABLE);
    addText(scene, o.x, y, '0', small);
    addText(scene, o.x + 120, y, '1   (nothing above the diagonal: the future)', small);
    const more = shown < o.blocks.length ? ` Blocks 1–${shown} of ${o.blocks.length} shown.` : '';
    const words = addText(
      scene,
      o.x,
      y + 22,
      `Each row: where that position looked, over the positions up to it (columns).${more}`,
      { ...small, wrap: o.width, lineSpacing: 3 },
    );
    this.bottom = words.y + words.height;
  }

  /** Where the first map is drawn (for the browser tests). */
  get rect(): Rect | null {
    const g = this.cells[0]?.grid;
    return g ? { x: g.x, y: g.y, width: g.width, height: g.height } : null;
  }

  /** Puts example `x`'s symbols along the axes; the maps wait for the next weights. */
  setExample(x: Float32Array): void {
    const { vocab } = this.o;
    const px = this.side / this.o.steps;
    for (const c of this.cells) {
      const set = (t: Phaser.GameObjects.Text, i: number): void => {
        t.setText(fitLabel(symbolText(vocab, x[i] ?? 0), px + 2, this.font));
      };
      c.rows.forEach(set);
      c.cols.forEach(set);
    }
    this.painted = null;
  }

  /** Whether weights of `step` for example `chosen` would show anything new. */
  wants(step: number, chosen: number): boolean {
    return this.painted?.step !== step || this.painted.chosen !== chosen;
  }

  /** After a reset: the next weights are new whatever their step. */
  forget(): void {
    this.painted = null;
  }

  /** Paints the maps from the worker's weights (one per attention layer, in block order). */
  paint(maps: AttentionMap[], step: number, chosen: number): void {
    const byBlock = [...new Set(maps.map((m) => m.block))].sort((a, b) => a - b);
    for (const c of this.cells) {
      const m = maps.find((e) => e.block === byBlock[c.block]);
      if (!m || c.head >= m.heads) continue;
      const T = m.steps;
      const w = m.weights;
      const base = c.head * T * T;
      c.grid.paint(T, T, (t, s) => unitLevel(w[base + t * T + s]!), VIRIDIS_TABLE);
      let peaks = 0;
      for (let t = 0; t < T; t++)
        peaks += Math.max(...w.subarray(base + t * T, base + t * T + t + 1));
      this.sharpness[`b${c.block + 1}h${c.head + 1}`] = peaks / T;
    }
    this.painted = { step, chosen };
  }
}
