/**
 * Image sets in the trainer: each set's asset downloaded once (a failed download is tried
 * again), the download's progress for a progress bar, and rows of a split as stored and as the
 * network sees them.
 */
import type { ImageDataset } from '../data/dataset.js';
import type { ImageAsset, ImageSetName } from '../data/images.js';
import type { SplitName } from './learner.js';

/** How the trainer gets an image set's asset: a download in the browser, a file in Node. */
export type ImageLoader = (
  name: ImageSetName,
  onProgress: (loadedBytes: number, totalBytes: number) => void,
) => Promise<ImageAsset>;

/** The download of an image set, for a progress bar: bytes so far, and the total (0: unknown). */
export interface ImageProgress {
  name: ImageSetName;
  loadedBytes: number;
  totalBytes: number;
  done: boolean;
}

/** Some examples of an image split, as stored: u8 pixels [count, C·H·W] and class labels. */
export interface ImageRows {
  split: SplitName;
  start: number;
  pixels: Uint8Array;
  labels: Int32Array;
  /** The same pixels as the network sees them (× the scale), ready for `predict` and `probe`. */
  inputs: Float32Array;
}

/** Downloads each image set once per trainer and remembers the last download's progress. */
export class ImageAssets {
  private readonly assets = new Map<ImageSetName, Promise<ImageAsset>>();
  /** The last download (for a progress bar while `create` waits), or null before any. */
  progress: ImageProgress | null = null;

  constructor(private readonly load: ImageLoader) {}

  asset(name: ImageSetName): Promise<ImageAsset> {
    let found = this.assets.get(name);
    if (!found) {
      this.progress = { name, loadedBytes: 0, totalBytes: 0, done: false };
      found = this.load(name, (loadedBytes, totalBytes) => {
        this.progress = { name, loadedBytes, totalBytes, done: false };
      }).then(
        (a) => {
          if (this.progress?.name === name) this.progress = { ...this.progress, done: true };
          return a;
        },
        (error: unknown) => {
          this.assets.delete(name);
          throw error;
        },
      );
      this.assets.set(name, found);
    }
    return found;
  }
}

export /** `count` examples of an image split from row `start` (fewer at its end). */
function imageRows(data: ImageDataset, split: SplitName, start: number, count: number): ImageRows {
  const s = data[split];
  const width = data.inputs;
  const from = Math.max(0, Math.min(s.n, Math.floor(start)));
  const to = Math.max(from, Math.min(s.n, from + Math.floor(count)));
  const pixels = s.x.slice(from * width, to * width);
  // The kernel multiplies in f32: f32(pixel) · f32(scale), rounded once.
  const scale = Math.fround(data.image.scale);
  return {
    split,
    start: from,
    pixels,
    labels: Int32Array.from(s.y.subarray(from, to)),
    inputs: Float32Array.from(pixels, (v) => Math.fround(v * scale)),
  };
}
