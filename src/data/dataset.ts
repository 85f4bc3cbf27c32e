/**
 * The shape every data source (generators, bundled real data, user CSV) is turned into before
 * the engine sees it. The engine copies `x`/`y` into its arena; the UI reads the names.
 */

/**
 * What the network learns: a number (`regression`, mean squared error), a yes/no (`binary`,
 * one logit with sigmoid cross-entropy) or one of K classes (`multiclass`, softmax cross-entropy).
 */
export type Task = 'regression' | 'binary' | 'multiclass';

/** x: [n, inputs] row-major; y: [n, outputs] for regression/binary (binary targets 0/1), [n] class labels 0..K-1 (as floats) for multiclass. */
export interface Split {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
}

/**
 * How the values of a sequence data set are laid out. Each example is `steps` time steps; x is
 * [n, steps·features] real values, or [n, steps] token ids (exact integers 0..vocab.length−1
 * stored as floats) when `vocab` is given. With `perPosition` there is a target at every step
 * (y is [n, steps] class labels, or [n, steps·outputs] values); otherwise one per example, read
 * after the last step, as for any other data set.
 */
export interface SequenceInfo {
  readonly steps: number;
  /** Values per step of a real-valued sequence; 1 for token ids. */
  readonly features: number;
  /** The symbols of a token sequence: id i stands for vocab[i]. */
  readonly vocab?: readonly string[];
  /**
   * The symbol between items of a token stream (the '.' between names): a sample starts after
   * it and ends at the next one.
   */
  readonly separator?: string;
  readonly perPosition: boolean;
}

/**
 * A data set ready for training: three disjoint splits plus the names the UI shows. Built by
 * `makeDataset`/`makeCsvDataset` in `src/data/index.ts`; consumed by the engine and the levels.
 */
export interface Dataset {
  readonly name: string;
  readonly task: Task;
  readonly inputs: number;
  /** regression: number of targets; binary: 1; multiclass: number of classes */ readonly outputs: number;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  readonly classNames?: readonly string[];
  readonly train: Split;
  readonly validation: Split;
  readonly test: Split;
  /** Present for sequence data: how the rows of x and y are laid out over time. */
  readonly sequence?: SequenceInfo;
  /** per-feature mean/std fitted on train and applied to all splits (null if not standardised) */
  readonly standardization: { readonly mean: readonly number[]; readonly std: readonly number[] } | null;
  /**
   * Regression only: per-target mean/std fitted on the training targets and applied to the targets
   * of all splits, so `y` holds (target − mean) / std and a loss is in units of std². Null (or
   * absent, on a data set built by hand) when the targets are the source's own numbers. A
   * prediction p of the network means p · std + mean in the source's units; a mean squared error
   * L means L · std² there (for one target).
   */
  readonly targetStandardization?: { readonly mean: readonly number[]; readonly std: readonly number[] } | null;
}

/**
 * Thrown for every problem with data or data options (bad CSV cell, unknown name, bad fraction).
 * The message is meant for the player: it names the field/line/column and what is allowed, so
 * callers show it as-is instead of a stack trace.
 */
export class DataError extends Error {
  // Set explicitly so the message prints as "DataError: ..." after bundling/minification too.
  override name = 'DataError';
}

/** The per-example shape of image data and how a stored pixel becomes an input value. */
export interface ImageInfo {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** input = pixel × scale (1/255 for Fashion-MNIST, 1/16 for digits): no per-pixel standardisation */
  readonly scale: number;
}

/** x: [n, C·H·W] u8 pixels, row-major NCHW per example; y: [n] class labels as floats. */
export interface ImageSplit {
  readonly x: Uint8Array;
  readonly y: Float32Array;
  readonly n: number;
}

/**
 * An image data set (`src/data/images.ts`): like a `Dataset` with task `multiclass` and
 * `inputs` = C·H·W, but its splits hold the stored u8 pixels, which the consumer scales by
 * `image.scale` (so `standardization` is always null).
 */
export interface ImageDataset
  extends Omit<Dataset, 'train' | 'validation' | 'test' | 'standardization'> {
  readonly image: ImageInfo;
  readonly train: ImageSplit;
  readonly validation: ImageSplit;
  readonly test: ImageSplit;
  readonly standardization: null;
}

/** Tells an image data set (u8 pixels plus `image`) from a table data set (f32 features). */
export function isImageDataset(d: Dataset | ImageDataset): d is ImageDataset {
  return (d as Partial<ImageDataset>).image !== undefined && d.train.x instanceof Uint8Array;
}
