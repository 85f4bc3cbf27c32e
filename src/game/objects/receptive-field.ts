/**
 * Which input pixels a feature-map cell depends on: its receptive field, walked back through
 * every sliding window before it (convolutions and pools: kernel K, stride S, padding P). A cell
 * range [a, b] of a window's output reads the rows [a·S − P, b·S − P + K − 1] of its input, in
 * the padded input's coordinates shifted back by P; activations, batch norm, dropout and
 * residual sums keep positions (a sum's skip path reads no more than its main path, which went
 * through the same windows or more). The result is clipped to the image: the padding has no
 * pixels to show. No Phaser here: the training view and the unit tests share it.
 */
import type { LayerSpec } from '../../engine/spec.js';

/** One sliding window over an image: a conv's filter or a pool's window. */
export interface SlidingWindow {
  kernel: number;
  stride: number;
  padding: number;
}

/** A rectangle of input pixels, inclusive on every side. */
export interface PixelSpan {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** The window of one spec layer, or null for a layer that keeps every position where it was. */
export function layerWindow(layer: LayerSpec): SlidingWindow | null {
  switch (layer.type) {
    case 'conv2d':
      return { kernel: layer.kernel, stride: layer.stride ?? 1, padding: layer.padding ?? 0 };
    case 'maxpool2d':
    case 'avgpool2d':
      return {
        kernel: layer.size,
        stride: layer.stride ?? layer.size,
        padding: layer.padding ?? 0,
      };
    default:
      return null;
  }
}

/** The windows of `layers[0..last]`, in order (the layers that keep positions left out). */
export function windowsThrough(layers: readonly LayerSpec[], last: number): SlidingWindow[] {
  const out: SlidingWindow[] = [];
  for (let i = 0; i <= last && i < layers.length; i++) {
    const w = layerWindow(layers[i]!);
    if (w) out.push(w);
  }
  return out;
}

/** The input rows (or columns) [a, b] that output rows [from, to] of `windows` read, unclipped. */
export function spanBack(
  windows: readonly SlidingWindow[],
  from: number,
  to: number,
): [number, number] {
  let a = from;
  let b = to;
  for (let i = windows.length - 1; i >= 0; i--) {
    const { kernel, stride, padding } = windows[i]!;
    a = a * stride - padding;
    b = b * stride - padding + kernel - 1;
  }
  return [a, b];
}

/**
 * The receptive field of the cell (`row`, `col`) of the map after `windows`, on an input of
 * `height` × `width` pixels: the pixels it can see, clipped to the image.
 */
export function receptiveField(
  windows: readonly SlidingWindow[],
  row: number,
  col: number,
  height: number,
  width: number,
): PixelSpan {
  const [top, bottom] = spanBack(windows, row, row);
  const [left, right] = spanBack(windows, col, col);
  const clip = (v: number, n: number): number => Math.min(n - 1, Math.max(0, v));
  return {
    top: clip(top, height),
    left: clip(left, width),
    bottom: clip(bottom, height),
    right: clip(right, width),
  };
}

/**
 * The field's side in input pixels and how far it moves per output cell (the product of the
 * strides): the textbook summary of a stack, r = 1 + Σ (K − 1)·Π earlier strides.
 */
export function fieldSize(windows: readonly SlidingWindow[]): { size: number; jump: number } {
  let size = 1;
  let jump = 1;
  for (const w of windows) {
    size += (w.kernel - 1) * jump;
    jump *= w.stride;
  }
  return { size, jump };
}
