/**
 * A few labelled images of an image set, fetched from the worker (its first training images)
 * and drawn with `drawImageStrip`; the first look at a set downloads it, behind a progress bar
 * at the same place. Used by the sandbox's data page and by the workbench.
 */
import type * as Phaser from 'phaser';
import { IMAGE_SETS, type ImageSetName } from '../../data/images.js';
import type { DataInfo } from '../../engine/trainer.js';
import { services } from '../services.js';
import { ProgressBar, withProgress } from '../ui/progress-bar.js';
import { drawImageStrip } from './image-strip.js';

export interface ImageSampleOptions {
  x: number;
  y: number;
  /** Width of the progress bar while the set downloads. */
  width: number;
  count: number;
  columns: number;
  tile: number;
  gap: number;
}

/**
 * Downloads (if needed) and draws `count` images of `name` split by `seed`; resolves to the
 * objects drawn and what the trainer says about the set. `current()` says whether the caller
 * still wants it when it arrives (a newer request, a scene that closed): if not, nothing is drawn.
 */
export async function drawImageSample(
  scene: Phaser.Scene,
  name: ImageSetName,
  seed: number,
  o: ImageSampleOptions,
  current: () => boolean,
): Promise<{ objects: Phaser.GameObjects.GameObject[]; data: DataInfo } | null> {
  const trainer = services().trainer;
  const rows = await withProgress(
    scene,
    trainer.imagePreview({ name, seed }, o.count),
    () => trainer.imageProgress(),
    () => new ProgressBar(scene, { x: o.x, y: o.y, width: o.width, label: `Downloading ${name}` }),
  );
  if (!current() || !rows.data.image) return null;
  const { classNames } = rows.data;
  const objects = drawImageStrip(scene, {
    x: o.x,
    y: o.y,
    pixels: rows.pixels,
    labels: rows.labels,
    shape: rows.data.image,
    white: IMAGE_SETS[name].maxPixel,
    ...(classNames ? { classNames } : {}),
    columns: o.columns,
    tile: o.tile,
    gap: o.gap,
  });
  return { objects, data: rows.data };
}
