/**
 * Colour scales for pictures drawn pixel by pixel (filters, feature maps, input images): each
 * scale is a 256-entry look-up table built once from the theme's colour rule, so painting a map
 * costs a few array reads per pixel. Viridis (perceptually uniform) for feature maps, the
 * blue–grey–orange diverging scale for signed weights, grey for the images themselves; all three
 * read without colour vision. `paintTile` upscales a small map into an RGBA buffer by nearest
 * neighbour, so pixels stay crisp without relying on the renderer's texture filtering. No
 * Phaser here: the unit tests call it directly.
 */
import { diverging, viridis } from '../theme.js';

/** 256 colours, RGB bytes: entry i is the colour of level i / 255. */
export type ColorTable = Uint8Array;

/** The table of a colour rule over t ∈ [0, 1]. */
export function colorTable(color: (t: number) => number): ColorTable {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const rgb = color(i / 255);
    table[i * 3] = (rgb >> 16) & 255;
    table[i * 3 + 1] = (rgb >> 8) & 255;
    table[i * 3 + 2] = rgb & 255;
  }
  return table;
}

/** Feature maps: dark purple (the map's smallest value) to yellow (its largest). */
export const VIRIDIS_TABLE = colorTable(viridis);
/** Signed weights: level 0 is −peak (blue), 127.5 zero (grey), 255 +peak (orange). */
export const DIVERGING_TABLE = colorTable((t) => diverging(2 * t - 1));
/** Images: black to white, as the pixels were stored. */
export const GREY_TABLE = colorTable((t) => {
  const v = Math.round(t * 255);
  return (v << 16) | (v << 8) | v;
});

/** The level 0..255 of `v` on a scale from `lo` to `hi` (clamped; a flat scale gives 0). */
export function levelOf(v: number, lo: number, hi: number): number {
  if (!(hi > lo) || !Number.isFinite(v)) return 0;
  const t = (v - lo) / (hi - lo);
  return Math.round(Math.min(1, Math.max(0, t)) * 255);
}

/** Smallest and largest of `count` values from `offset` (NaN and infinities skipped). */
export function rangeOf(
  values: ArrayLike<number>,
  offset = 0,
  count = values.length - offset,
): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset; i < offset + count; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? { lo, hi } : { lo: 0, hi: 0 };
}

/** The largest |value|, at least `floor` (so an all-zero filter still has a scale). */
export function peakOf(values: ArrayLike<number>, floor = 1e-6): number {
  let peak = floor;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > peak) peak = a;
  }
  return peak;
}

/** An RGBA pixel buffer (an ImageData's `data` and its width in pixels). */
export interface PixelTarget {
  data: Uint8ClampedArray;
  width: number;
}

/** A small map: `height` × `width` values row-major from `offset` of `values`. */
export interface MapSource {
  values: ArrayLike<number>;
  offset: number;
  height: number;
  width: number;
}

/**
 * Paints `map` into `target` as a `size` × `size` square at (x0, y0), each value a block of
 * pixels coloured by `table` on the scale `lo`..`hi`. Returns the mean level painted (0..255),
 * which the browser tests read to see that a picture changed.
 */
export function paintTile(
  target: PixelTarget,
  x0: number,
  y0: number,
  size: number,
  map: MapSource,
  table: ColorTable,
  lo: number,
  hi: number,
): number {
  const { values, offset, height, width } = map;
  const levels = new Uint8Array(height * width);
  let sum = 0;
  for (let i = 0; i < levels.length; i++) {
    levels[i] = levelOf(values[offset + i]!, lo, hi);
    sum += levels[i]!;
  }
  const data = target.data;
  for (let y = 0; y < size; y++) {
    const r = Math.min(height - 1, Math.floor((y * height) / size));
    let p = ((y0 + y) * target.width + x0) * 4;
    for (let x = 0; x < size; x++, p += 4) {
      const c = Math.min(width - 1, Math.floor((x * width) / size));
      const k = levels[r * width + c]! * 3;
      data[p] = table[k]!;
      data[p + 1] = table[k + 1]!;
      data[p + 2] = table[k + 2]!;
      data[p + 3] = 255;
    }
  }
  return levels.length ? sum / levels.length : 0;
}

/** Fills a rectangle of `target` with one colour (0xRRGGBB), opaque. */
export function fillRect(
  target: PixelTarget,
  x0: number,
  y0: number,
  w: number,
  h: number,
  rgb: number,
): void {
  const data = target.data;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const p = (y * target.width + x) * 4;
      data[p] = (rgb >> 16) & 255;
      data[p + 1] = (rgb >> 8) & 255;
      data[p + 2] = rgb & 255;
      data[p + 3] = 255;
    }
  }
}
