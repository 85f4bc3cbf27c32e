/**
 * Inside a CNN for one chosen image: the image itself, and under it a row of feature maps for
 * every convolution and pooling layer (after its activation), each map on viridis scaled from its
 * own smallest (dark) to largest (yellow) value (a one-cell map, which has no range of its own,
 * on its layer's), with the layer's name and shape above its row.
 * Hovering a cell — or tabbing to the maps and moving with the arrows — outlines the cell and
 * draws its receptive field on the image: the pixels it depends on, walked back through every
 * window before it (`receptive-field.ts`). All maps are one canvas texture, repainted per refresh.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../theme.js';
import { addText } from '../ui/text.js';
import { FocusManager, type Direction, type Focusable } from '../ui/focus.js';
import { Tooltip } from '../ui/tooltip.js';
import { formatNumber } from '../ui/format.js';
import { GREY_TABLE, VIRIDIS_TABLE, paintTile, rangeOf } from './image-scale.js';
import { PixelCanvas } from './pixel-canvas.js';
import type { MapLayer } from './map-layers.js';
import { receptiveField, type PixelSpan } from './receptive-field.js';

export interface FeatureMapsOptions {
  x: number;
  y: number;
  width: number;
  /** Lowest y the maps may reach. */
  bottom: number;
  image: { channels: number; height: number; width: number; scale: number };
  layers: MapLayer[];
  /** Called when the outlined cell (and its receptive field) changes. */
  onMark?: () => void;
}

/** The cell under the pointer or the keyboard cursor. */
export interface MapCell {
  layer: number;
  map: number;
  row: number;
  col: number;
}

const INPUT = 120;
const GAP = 4;
const LABEL = 20;
const ROW_GAP = 10;
const MAX_MAPS = 16;
const MIN_TILE = 16;
const MAX_TILE = 96;
const HINT =
  'Hover a feature map, or Tab to it and use the arrows: the blue box shows the pixels a cell sees.';

interface Tile {
  layer: number;
  map: number;
  x: number;
  y: number;
  size: number;
}

export class FeatureMaps implements Focusable {
  private readonly input: PixelCanvas;
  private readonly inputSize: number;
  private readonly canvas: PixelCanvas | null = null;
  private readonly tiles: Tile[] = [];
  /** The layers that got a row (the first ones, when there are too many to fit). */
  readonly layers: MapLayer[];
  private readonly mark: Phaser.GameObjects.Graphics;
  private readonly title: Phaser.GameObjects.Text;
  private readonly answer: Phaser.GameObjects.Text;
  private readonly hint: Phaser.GameObjects.Text;
  private acts: Record<string, Float32Array> = {};
  private hovered: MapCell | null = null;
  private cursor: MapCell = { layer: 0, map: 0, row: 0, col: 0 };
  private focused = false;
  /** The receptive field drawn now (hover or keyboard), for the browser tests' hook. */
  shownField: (MapCell & PixelSpan) | null = null;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: FeatureMapsOptions,
  ) {
    const { x, y, image } = o;
    this.inputSize =
      image.height >= INPUT ? image.height : Math.floor(INPUT / image.height) * image.height;
    this.input = new PixelCanvas(scene, x, y, this.inputSize, this.inputSize);
    scene.add
      .graphics()
      .lineStyle(1, COLORS.line, 1)
      .strokeRect(x - 0.5, y - 0.5, this.inputSize + 1, this.inputSize + 1);
    const textX = x + this.inputSize + 16;
    const wrap = o.width - this.inputSize - 16;
    this.title = addText(scene, textX, y - 2, '', { size: TEXT.body, weight: 600 });
    this.answer = addText(scene, textX, y + 22, '', { size: TEXT.small, wrap });
    this.hint = addText(scene, textX, y + 46, HINT, {
      size: TEXT.small,
      color: CSS.textDim,
      wrap,
      lineSpacing: 2,
    });

    // One block per layer: its label, then its maps in balanced lines, all tiles one size, the
    // largest (MIN_TILE..MAX_TILE) that lets every layer fit; layers that cannot fit even at the
    // smallest are left out from the end, and the last label says so.
    const top = y + this.inputSize + 16;
    const avail = o.bottom - top;
    const plan = (size: number, layers: MapLayer[]): { perRow: number; shown: number }[] | null => {
      let h = -ROW_GAP;
      const out = layers.map((l) => {
        const shown = Math.min(l.shape[0], MAX_MAPS);
        const most = Math.max(1, Math.floor((o.width + GAP) / (size + GAP)));
        const lines = Math.ceil(shown / most);
        h += LABEL + lines * (size + GAP) - GAP + ROW_GAP;
        return { perRow: Math.ceil(shown / lines), shown };
      });
      return h <= avail ? out : null;
    };
    const fitted = (layers: MapLayer[]) => {
      for (let size = MAX_TILE; size >= MIN_TILE; size -= 2) {
        const rows = plan(size, layers);
        if (rows) return { size, rows };
      }
      return null;
    };
    let layers = o.layers;
    let fit = fitted(layers);
    // No layers at all always fit, so this ends.
    while (!fit) fit = fitted((layers = layers.slice(0, -1)));
    const { size, rows } = fit;
    this.layers = layers;
    const labels: [number, string][] = [];
    let rowY = 0;
    layers.forEach((layer, li) => {
      const { perRow, shown } = rows[li]!;
      const c = layer.shape[0];
      const more = c > shown ? ` · first ${shown} of ${c} maps` : '';
      const left = li === layers.length - 1 && layers.length < o.layers.length;
      const cut = left ? ` · ${o.layers.length - layers.length} later layers not drawn` : '';
      labels.push([rowY, `${layer.label} → [${layer.shape.join(', ')}]${more}${cut}`]);
      for (let m = 0; m < shown; m++) {
        const tx = (m % perRow) * (size + GAP);
        const ty = rowY + LABEL + Math.floor(m / perRow) * (size + GAP);
        this.tiles.push({ layer: li, map: m, x: tx, y: ty, size });
      }
      rowY += LABEL + Math.ceil(shown / perRow) * (size + GAP) - GAP + ROW_GAP;
    });
    if (this.tiles.length) {
      this.canvas = new PixelCanvas(scene, x, top, o.width, Math.max(1, rowY - ROW_GAP));
      const zone = scene.add
        .zone(x, top, o.width, rowY)
        .setOrigin(0, 0)
        .setInteractive({ cursor: 'crosshair' });
      zone.on('pointermove', (p: Phaser.Input.Pointer) => this.hover(this.cellAt(p.x, p.y)));
      zone.on('pointerout', () => this.hover(null));
      FocusManager.for(scene).add(this);
    }
    for (const [ly, text] of labels)
      addText(scene, x, top + ly, text, { size: TEXT.small, color: CSS.textDim });
    this.mark = scene.add.graphics().setDepth(5);
  }

  /** Shows the chosen image (its stored pixels, C·H·W; the channels' mean when there are several). */
  setInput(pixels: Uint8Array): void {
    const { channels, height, width, scale } = this.o.image;
    const grey = new Float32Array(height * width);
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < grey.length; i++) grey[i]! += pixels[c * grey.length + i]! / channels;
    const map = { values: grey, offset: 0, height, width };
    paintTile(this.input.target, 0, 0, this.inputSize, map, GREY_TABLE, 0, 1 / scale);
    this.input.upload();
  }

  /** Rewrites the heading and the answer line (the answer changes as the network learns). */
  setAnswer(title: string, answer: string): void {
    if (this.title.text !== title) this.title.setText(title);
    if (this.answer.text !== answer) this.answer.setText(answer);
    this.hint.setY(this.answer.y + this.answer.height + 4);
  }

  /**
   * Repaints every map from `probe`'s outputs for the one chosen image; returns the mean level
   * (0..255) of each layer's maps, for the browser tests' hook.
   */
  update(acts: Record<string, Float32Array>): number[] {
    this.acts = acts;
    const canvas = this.canvas;
    if (!canvas) return [];
    const sums = this.layers.map(() => 0);
    const counts = this.layers.map(() => 0);
    for (const t of this.tiles) {
      const layer = this.layers[t.layer]!;
      const values = acts[layer.tensor];
      if (!values) continue;
      const [, h, w] = layer.shape;
      const offset = t.map * h * w;
      // A one-cell map has no range of its own (it would always paint flat): it takes the
      // scale of all its layer's maps, so the filters that answer strongly stand out.
      const { lo, hi } = h * w > 1 ? rangeOf(values, offset, h * w) : rangeOf(values);
      const map = { values, offset, height: h, width: w };
      sums[t.layer]! += paintTile(canvas.target, t.x, t.y, t.size, map, VIRIDIS_TABLE, lo, hi);
      counts[t.layer]!++;
    }
    canvas.upload();
    this.drawMark();
    return sums.map((s, i) => (counts[i] ? s / counts[i]! : 0));
  }

  // Focusable: the maps are one stop in the Tab order; the arrows move a cursor over the cells.

  focusBounds(): Phaser.Geom.Rectangle {
    const t = this.tileOf(this.cursor) ?? this.tiles[0]!;
    const top = this.canvas!.image.y;
    return new Phaser.Geom.Rectangle(this.o.x + t.x, top + t.y, t.size, t.size);
  }

  canFocus(): boolean {
    return this.tiles.length > 0 && !!this.canvas?.image.active;
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.drawMark();
  }

  tooltipText(): string {
    return 'Feature maps: the arrows move over the cells; the blue box shows the pixels a cell sees';
  }

  focusLabel(): string {
    return 'feature maps';
  }

  adjust(direction: Direction): boolean {
    const c = { ...this.cursor };
    const shape = (l: number): [number, number, number] => this.layers[l]!.shape;
    const shown = (l: number): number => this.tiles.filter((t) => t.layer === l).length;
    const [, h, w] = shape(c.layer);
    if (direction === 'left' || direction === 'right') {
      const step = direction === 'left' ? -1 : 1;
      c.col += step;
      if (c.col < 0 || c.col >= w) {
        c.map += step;
        if (c.map < 0 || c.map >= shown(c.layer)) return false;
        c.col = step < 0 ? w - 1 : 0;
      }
    } else {
      const step = direction === 'up' ? -1 : 1;
      c.row += step;
      if (c.row < 0 || c.row >= h) {
        const next = c.layer + step;
        if (next < 0 || next >= this.layers.length) return false;
        const [, nh, nw] = shape(next);
        c.row = step < 0 ? nh - 1 : 0;
        c.col = Math.min(nw - 1, Math.floor((c.col * nw) / w));
        c.map = Math.min(c.map, shown(next) - 1);
        c.layer = next;
      }
    }
    this.cursor = c;
    this.drawMark();
    return true;
  }

  private hover(cell: MapCell | null): void {
    const same =
      cell &&
      this.hovered &&
      Object.keys(cell).every(
        (k) => cell[k as keyof MapCell] === this.hovered![k as keyof MapCell],
      );
    if (same || (!cell && !this.hovered)) return;
    this.hovered = cell;
    if (cell) Tooltip.for(this.scene).hide();
    this.drawMark();
  }

  private tileOf(cell: MapCell): Tile | undefined {
    return this.tiles.find((t) => t.layer === cell.layer && t.map === cell.map);
  }

  private cellAt(px: number, py: number): MapCell | null {
    const top = this.canvas?.image.y ?? 0;
    const x = px - this.o.x;
    const y = py - top;
    const t = this.tiles.find((t) => x >= t.x && x < t.x + t.size && y >= t.y && y < t.y + t.size);
    if (!t) return null;
    const [, h, w] = this.layers[t.layer]!.shape;
    return {
      layer: t.layer,
      map: t.map,
      row: Math.min(h - 1, Math.floor(((y - t.y) * h) / t.size)),
      col: Math.min(w - 1, Math.floor(((x - t.x) * w) / t.size)),
    };
  }

  /** Outlines the hovered (or, with keyboard focus, the cursor's) cell and its receptive field. */
  private drawMark(): void {
    const g = this.mark.clear();
    const cell = this.hovered ?? (this.focused ? this.cursor : null);
    const tile = cell ? this.tileOf(cell) : undefined;
    if (!cell || !tile || !this.canvas) {
      if (this.shownField) {
        this.shownField = null;
        this.o.onMark?.();
      }
      this.hint.setText(HINT);
      return;
    }
    const layer = this.layers[cell.layer]!;
    const [, h, w] = layer.shape;
    const { height, width } = this.o.image;
    const span = receptiveField(layer.windows, cell.row, cell.col, height, width);
    const changed =
      !this.shownField ||
      (Object.keys(cell) as (keyof MapCell)[]).some((k) => this.shownField![k] !== cell[k]);
    this.shownField = { ...cell, ...span };
    if (changed) this.o.onMark?.();
    const cw = tile.size / w;
    const ch = tile.size / h;
    const cx = this.o.x + tile.x + cell.col * cw;
    const cy = this.canvas.image.y + tile.y + cell.row * ch;
    const box = (bx: number, by: number, bw: number, bh: number): void => {
      g.lineStyle(4, COLORS.background, 0.9).strokeRect(bx, by, bw, bh);
      g.lineStyle(2, COLORS.data, 1).strokeRect(bx, by, bw, bh);
    };
    // At least 6 px, centred on the cell, so a cell of a large map still shows.
    const bw = Math.max(cw, 6);
    const bh = Math.max(ch, 6);
    box(cx + (cw - bw) / 2, cy + (ch - bh) / 2, bw, bh);
    const px = this.inputSize / width;
    const py = this.inputSize / height;
    box(
      this.o.x + span.left * px,
      this.o.y + span.top * py,
      (span.right - span.left + 1) * px,
      (span.bottom - span.top + 1) * py,
    );
    const value = this.acts[layer.tensor]?.[cell.map * h * w + cell.row * w + cell.col];
    const v = value === undefined ? '' : ` = ${formatNumber(value)}`;
    const rows = span.bottom - span.top + 1;
    const cols = span.right - span.left + 1;
    this.hint.setText(
      `${layer.label} · map ${cell.map + 1}, row ${cell.row + 1}, column ${cell.col + 1}${v} · sees rows ${span.top + 1}–${span.bottom + 1}, columns ${span.left + 1}–${span.right + 1} (${rows}×${cols} pixels)`,
    );
  }
}
