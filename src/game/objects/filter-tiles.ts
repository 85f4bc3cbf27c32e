/**
 * The first layer's filters as small images, repainted as they learn: one tile per filter
 * (a conv's K×K weights, or a dense unit's weights over the whole image), signed weights on the
 * blue–grey–orange diverging scale shared by all tiles, so a strong filter looks strong beside a
 * weak one. A filter over several channels shows the mean over its channels (the caption says
 * so). At most MAX_TILES are drawn; the caption counts the rest.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../theme.js';
import { addText } from '../ui/text.js';
import { attachTooltip } from '../ui/tooltip.js';
import { formatNumber } from '../ui/format.js';
import { DIVERGING_TABLE, paintTile, peakOf } from './image-scale.js';
import { PixelCanvas } from './pixel-canvas.js';

export interface FilterTilesOptions {
  x: number;
  y: number;
  width: number;
  /** Height the tiles may take (the caption goes under them). */
  height: number;
  /** Filters (output channels or units), input channels, and each filter's height and width. */
  count: number;
  channels: number;
  rows: number;
  cols: number;
  /** What the tiles are, for the tooltip ("the first convolution's 3×3 filters"). */
  what: string;
}

const MAX_TILES = 32;
const GAP = 4;

export class FilterTiles {
  private readonly canvas: PixelCanvas;
  private readonly caption: Phaser.GameObjects.Text;
  private readonly shown: number;
  private readonly side: number;
  private readonly perRow: number;
  private readonly mean: Float32Array;
  /** Bottom edge of the caption. */
  readonly bottom: number;

  constructor(
    scene: Phaser.Scene,
    private readonly o: FilterTilesOptions,
  ) {
    this.shown = Math.min(o.count, MAX_TILES);
    // The largest square tiles (at most 48 px) that fit the area in as few rows as needed.
    let best = { side: 0, perRow: this.shown };
    for (let perRow = 1; perRow <= this.shown; perRow++) {
      const lines = Math.ceil(this.shown / perRow);
      const byWidth = Math.floor((o.width - GAP * (perRow - 1)) / perRow);
      const byHeight = Math.floor((o.height - GAP * (lines - 1)) / lines);
      const side = Math.min(48, byWidth, byHeight);
      if (side > best.side) best = { side, perRow };
    }
    this.side = Math.max(4, best.side);
    this.perRow = best.perRow;
    const lines = Math.ceil(this.shown / this.perRow);
    const w = this.perRow * (this.side + GAP) - GAP;
    const h = lines * (this.side + GAP) - GAP;
    this.canvas = new PixelCanvas(scene, o.x, o.y, Math.max(1, w), Math.max(1, h));
    this.canvas.image.setInteractive();
    attachTooltip(
      this.canvas.image,
      `${o.what}: orange weights add where the image is bright, blue ones subtract`,
    );
    this.mean = new Float32Array(this.shown * o.rows * o.cols);
    this.caption = addText(scene, o.x, o.y + h + 6, '', {
      size: TEXT.small,
      color: CSS.textDim,
      wrap: o.width,
    });
    this.bottom = o.y + h + 6 + 20;
  }

  /**
   * Repaints from the layer's weights [count, channels, rows, cols] (row-major, flat); returns
   * the sum of the shown weights and their mean magnitude, for the browser tests' hook.
   */
  update(weights: Float32Array): { sum: number; meanAbs: number } {
    const { channels, rows, cols, count } = this.o;
    const area = rows * cols;
    const mean = this.mean;
    mean.fill(0);
    let sum = 0;
    let abs = 0;
    for (let f = 0; f < this.shown; f++) {
      for (let c = 0; c < channels; c++) {
        const from = (f * channels + c) * area;
        for (let i = 0; i < area; i++) {
          const v = weights[from + i] ?? 0;
          mean[f * area + i]! += v / channels;
          sum += v;
          abs += Math.abs(v);
        }
      }
    }
    const peak = peakOf(mean);
    const target = this.canvas.target;
    this.canvas.clear(COLORS.panel);
    for (let f = 0; f < this.shown; f++) {
      const x = (f % this.perRow) * (this.side + GAP);
      const y = Math.floor(f / this.perRow) * (this.side + GAP);
      const map = { values: mean, offset: f * area, height: rows, width: cols };
      paintTile(target, x, y, this.side, map, DIVERGING_TABLE, -peak, peak);
    }
    this.canvas.upload();
    const more = count > this.shown ? ` · first ${this.shown} of ${count}` : '';
    const per = channels > 1 ? ` · mean over ${channels} channels` : '';
    this.caption.setText(`Blue −, grey 0, orange +; scale ±${formatNumber(peak)}${per}${more}`);
    const n = this.shown * channels * area;
    return { sum, meanAbs: n ? abs / n : 0 };
  }
}
