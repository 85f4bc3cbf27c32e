/**
 * A grid of sample images with their labels (the sandbox's data preview, a level's data strip):
 * u8 pixels drawn into one canvas texture, each pixel a square block, grey levels from black
 * (0) to white (the set's largest pixel), so an 8×8 digit and a 28×28 photo read alike.
 */
import * as Phaser from 'phaser';
import { CSS, textStyle } from '../theme.js';

/** Label size under each image: small enough for "Ankle boot" under a 60-pixel tile. */
const LABEL_SIZE = 12;

export interface ImageStripOptions {
  x: number;
  y: number;
  /** Pixels [count, C·H·W] as stored; channel 0 is drawn. */
  pixels: Uint8Array;
  labels: ArrayLike<number>;
  shape: { channels: number; height: number; width: number };
  /** Pixel value drawn as white (16 for the digits, 255 for photos). */
  white: number;
  classNames?: readonly string[];
  columns: number;
  /** Side of one image on screen, in pixels. */
  tile: number;
  /** Room between tiles (the label goes under each image). */
  gap: number;
}

let serial = 0;

/** Draws the grid; returns every object made, so the caller can destroy them together. */
export function drawImageStrip(
  scene: Phaser.Scene,
  o: ImageStripOptions,
): Phaser.GameObjects.GameObject[] {
  const { height: h, width: w, channels } = o.shape;
  const per = channels * h * w;
  const count = Math.floor(o.pixels.length / per);
  const rows = Math.ceil(count / o.columns);
  const labelHeight = 16;
  const cellW = o.tile + o.gap;
  const cellH = o.tile + labelHeight + o.gap;
  const key = `image-strip-${++serial}`;
  const canvas = scene.textures.createCanvas(key, o.columns * cellW, rows * cellH);
  if (!canvas) return [];
  const ctx = canvas.getContext();
  const image = ctx.createImageData(o.columns * cellW, rows * cellH);
  const data = image.data;
  const stride = o.columns * cellW;
  for (let n = 0; n < count; n++) {
    const ox = (n % o.columns) * cellW;
    const oy = Math.floor(n / o.columns) * cellH;
    for (let py = 0; py < o.tile; py++) {
      const sy = Math.min(h - 1, Math.floor((py * h) / o.tile));
      for (let px = 0; px < o.tile; px++) {
        const sx = Math.min(w - 1, Math.floor((px * w) / o.tile));
        const v = Math.round((255 * Math.min(o.white, o.pixels[n * per + sy * w + sx]!)) / o.white);
        const at = ((oy + py) * stride + ox + px) * 4;
        data[at] = v;
        data[at + 1] = v;
        data[at + 2] = v;
        data[at + 3] = 255;
      }
    }
  }
  ctx.putImageData(image, 0, 0);
  canvas.refresh();
  const made: Phaser.GameObjects.GameObject[] = [scene.add.image(o.x, o.y, key).setOrigin(0, 0)];
  for (let n = 0; n < count; n++) {
    const label = o.classNames?.[o.labels[n]!] ?? String(o.labels[n]);
    made.push(
      scene.add
        .text(
          o.x + (n % o.columns) * cellW + o.tile / 2,
          o.y + Math.floor(n / o.columns) * cellH + o.tile + 1,
          label,
          textStyle(LABEL_SIZE, CSS.textDim),
        )
        .setOrigin(0.5, 0),
    );
  }
  // The texture goes with the picture.
  made[0]!.once('destroy', () => scene.textures.remove(key));
  return made;
}
