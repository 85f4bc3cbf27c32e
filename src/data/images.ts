/**
 * The image data sets: the UCI 8×8 handwritten digits and a balanced Fashion-MNIST subset, shipped
 * as gzip-compressed binary assets in `data/images/` that `scripts/convert-images.mjs` writes
 * (format below; provenance and licences: `data/PROVENANCE.md`). This module decodes an asset
 * that is already gunzipped and turns it into an `ImageDataset`; the loaders that get the bytes
 * are `fetchImageDataset` (`image-fetch.ts`, browser and worker) and `loadImageDataset`
 * (`src/node/image-data.ts`, Node). Runs anywhere: no DOM, no file system.
 *
 * Asset format (after gunzip): the 8 ASCII bytes "NJIMAGE1"; the header length h as a u32
 * little-endian; h bytes of UTF-8 JSON {name, channels, height, width, scale, maxPixel,
 * targetName, classNames, count, splits, source, licence}; count·C·H·W pixel bytes (row-major
 * NCHW per image); count label bytes. `splits` is {train, validation, test}, the stored split
 * sizes in that order, or null when the images are split at load time from the seed (digits).
 */
import { DataError, type ImageDataset, type ImageInfo, type ImageSplit } from './dataset.js';
import { kernelRandom, MAX_SEED } from './random.js';
import { DEFAULT_FRACTIONS, splitIndices, splitSizes } from './split.js';

/** Names of the image data sets. */
export type ImageSetName = 'digits' | 'fashion-mnist';

/** Image counts of the three splits. */
export interface ImageSplitSizes {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** What an image set is, known without loading it: what level validators check a network against. */
export interface ImageSetShape {
  /** File name of the asset in `data/images/`. */
  readonly file: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** channels × height × width: the network's inputs. */
  readonly inputs: number;
  /** Number of classes (the network's outputs). */
  readonly classes: number;
  /** Largest stored pixel value (16 for digits, 255 for Fashion-MNIST). */
  readonly maxPixel: number;
  /** input = pixel × scale = pixel / maxPixel. */
  readonly scale: number;
  /** Images in the asset. */
  readonly count: number;
  /** Images per split in the `ImageDataset` (the same for every seed). */
  readonly splits: ImageSplitSizes;
  /**
   * True when the asset stores the split (Fashion-MNIST: training and validation images from the
   * source's training file, test images from its test file); false when `imageDataset` splits
   * the images from the seed, stratified by class (digits).
   */
  readonly storedSplit: boolean;
}

function shape(
  file: string,
  side: number,
  maxPixel: number,
  count: number,
  splits: ImageSplitSizes | null,
): ImageSetShape {
  return Object.freeze({
    file,
    channels: 1,
    height: side,
    width: side,
    inputs: side * side,
    classes: 10,
    maxPixel,
    scale: 1 / maxPixel,
    count,
    splits: Object.freeze(splits ?? splitSizes(count, DEFAULT_FRACTIONS)),
    storedSplit: splits !== null,
  });
}

/**
 * The image sets by name. Digits: all 1,797 images of the UCI set, split 70/15/15 from the seed
 * (1,257/270/270). Fashion-MNIST: 12,000/2,000/2,000 stored images, 1,200/200/200 per class.
 */
export const IMAGE_SETS: Readonly<Record<ImageSetName, ImageSetShape>> = Object.freeze({
  digits: shape('digits.bin.gz', 8, 16, 1797, null),
  'fashion-mnist': shape('fashion-mnist.bin.gz', 28, 255, 16000, {
    train: 12000,
    validation: 2000,
    test: 2000,
  }),
});

/** Image set names in menu order (used in error messages that list the allowed names). */
export const IMAGE_SET_NAMES: readonly ImageSetName[] = Object.freeze(
  Object.keys(IMAGE_SETS) as ImageSetName[],
);

/** Type guard for image set names. */
export function isImageSetName(name: string): name is ImageSetName {
  return Object.prototype.hasOwnProperty.call(IMAGE_SETS, name);
}

/** Throws the `DataError` for a name that is not an image set. */
export function checkImageSetName(name: unknown): ImageSetName {
  if (typeof name !== 'string' || !isImageSetName(name)) {
    const got = typeof name === 'string' ? JSON.stringify(name.slice(0, 60)) : String(name);
    throw new DataError(`unknown image data set ${got}; image sets: ${IMAGE_SET_NAMES.join(', ')}`);
  }
  return name;
}

/** A decoded asset: every image of the set, unsplit, with the attribution the UI must show. */
export interface ImageAsset {
  readonly name: ImageSetName;
  readonly image: ImageInfo;
  readonly maxPixel: number;
  readonly targetName: string;
  readonly classNames: readonly string[];
  /** Number of images. */
  readonly n: number;
  /** [n, C·H·W] u8 pixels, row-major NCHW per image (a view of the decoded bytes). */
  readonly x: Uint8Array;
  /** [n] class indices. */
  readonly y: Uint8Array;
  /** The stored split (images in train, validation, test order), or null: split from the seed. */
  readonly splits: ImageSplitSizes | null;
  readonly source: string;
  readonly licence: string;
}

/** The 8 bytes every asset starts with. */
export const IMAGE_ASSET_MAGIC = 'NJIMAGE1';
const PREFIX = IMAGE_ASSET_MAGIC.length + 4;

/**
 * Checks and decodes an image asset that is already gunzipped. Every problem (not an asset, a
 * truncated file, a header that is not JSON or does not match `IMAGE_SETS`, sizes that do not
 * add up, a label or pixel out of range) is a `DataError` that says what is wrong. The pixel and
 * label arrays are views of `bytes`, not copies.
 */
export function decodeImageAsset(bytes: Uint8Array): ImageAsset {
  const bad = (what: string): DataError => new DataError(`image asset: ${what}`);
  if (!(bytes instanceof Uint8Array)) throw bad('expected the bytes of the file (a Uint8Array)');
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw bad('the bytes are still gzip-compressed; gunzip them first');
  }
  if (bytes.length < PREFIX) {
    throw bad(`only ${bytes.length} bytes, too short to be an image asset`);
  }
  for (let i = 0; i < IMAGE_ASSET_MAGIC.length; i++) {
    if (bytes[i] !== IMAGE_ASSET_MAGIC.charCodeAt(i)) {
      throw bad(`does not start with "${IMAGE_ASSET_MAGIC}": not a Neural Journey image file`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(IMAGE_ASSET_MAGIC.length, true);
  if (PREFIX + headerLength > bytes.length) {
    throw bad(
      `the header should be ${headerLength} bytes but only ${bytes.length - PREFIX} follow: the file is truncated`,
    );
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(PREFIX, PREFIX + headerLength),
    );
    header = JSON.parse(text);
  } catch (e) {
    throw bad(`the header is not valid JSON text (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw bad('the header must be a JSON object');
  }
  const h = header as Record<string, unknown>;
  const field = (key: string, what: string): DataError => bad(`header field "${key}" ${what}`);
  const text = (key: string): string => {
    const v = h[key];
    if (typeof v !== 'string' || v === '') throw field(key, 'must be a non-empty string');
    return v;
  };
  const integer = (key: string, expected: number): number => {
    const v = h[key];
    if (v !== expected) throw field(key, `must be ${expected} for this set, got ${JSON.stringify(v)}`);
    return expected;
  };

  const nameValue = h['name'];
  if (typeof nameValue !== 'string' || !isImageSetName(nameValue)) {
    throw field('name', `must be one of ${IMAGE_SET_NAMES.join(', ')}, got ${JSON.stringify(nameValue)}`);
  }
  const name = nameValue;
  const s = IMAGE_SETS[name];
  const channels = integer('channels', s.channels);
  const height = integer('height', s.height);
  const width = integer('width', s.width);
  const maxPixel = integer('maxPixel', s.maxPixel);
  const scale = h['scale'];
  if (scale !== s.scale) throw field('scale', `must be 1/${s.maxPixel}, got ${JSON.stringify(scale)}`);
  const targetName = text('targetName');
  const classNames = h['classNames'];
  if (
    !Array.isArray(classNames) ||
    classNames.length !== s.classes ||
    !classNames.every((c) => typeof c === 'string' && c !== '')
  ) {
    throw field('classNames', `must be an array of ${s.classes} non-empty strings`);
  }
  const count = h['count'];
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw field('count', `must be a positive whole number of images, got ${JSON.stringify(count)}`);
  }
  if (count !== s.count) throw field('count', `says ${count} images; ${name} has ${s.count}`);
  let splits: ImageSplitSizes | null = null;
  const splitsValue = h['splits'];
  if (s.storedSplit) {
    if (typeof splitsValue !== 'object' || splitsValue === null) {
      throw field('splits', 'must be an object {train, validation, test} for this set');
    }
    const sv = splitsValue as Record<string, unknown>;
    for (const key of ['train', 'validation', 'test'] as const) {
      if (sv[key] !== s.splits[key]) {
        throw field('splits', `.${key} must be ${s.splits[key]}, got ${JSON.stringify(sv[key])}`);
      }
    }
    splits = s.splits;
  } else if (splitsValue !== null) {
    throw field('splits', `must be null: ${name} is split when it is loaded`);
  }
  const source = text('source');
  const licence = text('licence');

  const inputs = channels * height * width;
  const pixelStart = PREFIX + headerLength;
  const labelStart = pixelStart + count * inputs;
  const expected = labelStart + count;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'the file is truncated' : 'extra bytes follow the labels';
    throw bad(
      `${count} images of ${channels}×${height}×${width} make ${expected} bytes, found ${bytes.length}: ${what}`,
    );
  }
  const x = bytes.subarray(pixelStart, labelStart);
  const y = bytes.subarray(labelStart, expected);
  for (let i = 0; i < count; i++) {
    if (y[i] >= s.classes) {
      throw bad(`image ${i + 1} has label ${y[i]}; labels must be 0..${s.classes - 1}`);
    }
  }
  if (maxPixel < 255) {
    for (let i = 0; i < x.length; i++) {
      if (x[i] > maxPixel) {
        const image = Math.floor(i / inputs) + 1;
        throw bad(`image ${image} has pixel value ${x[i]}; pixels must be 0..${maxPixel}`);
      }
    }
  }
  return {
    name,
    image: { channels, height, width, scale: s.scale },
    maxPixel,
    targetName,
    classNames: Object.freeze([...(classNames as string[])]),
    n: count,
    x,
    y,
    splits,
    source,
    licence,
  };
}

/** What `imageDataset` needs: the seed (it fixes the digits split) and the compiled kernel. */
export interface ImageDatasetOptions {
  /** Integer 0..4294967295. */
  readonly seed: number;
  /** The compiled kernel (`loadKernelModule()` in Node, the worker's fetched module in a browser). */
  readonly module: WebAssembly.Module;
  /**
   * 0 to `MAX_SHIFT` pixels: every image is placed on a canvas `shift` pixels wider on each side,
   * training images in the middle and validation and test images moved by up to `shift` pixels
   * each way (drawn from the seed). A network that learned where the strokes sit in training
   * must find them elsewhere. 0 or absent: the images as stored.
   */
  readonly shift?: number;
}

/** The largest `shift` an image set may be given: a few pixels, as a hand might move. */
export const MAX_SHIFT = 4;

/** The per-example shape of an image set with a shift: [C, H + 2·shift, W + 2·shift]. */
export function shiftedShape(s: ImageSetShape, shift = 0): [number, number, number] {
  return [s.channels, s.height + 2 * shift, s.width + 2 * shift];
}

/**
 * A split's images on a canvas `pad` pixels wider on each side: at the centre when `rand` is
 * null, else each moved by a whole number of pixels from −pad to pad in both directions.
 */
function onCanvas(
  split: ImageSplit,
  image: ImageInfo,
  pad: number,
  rand: { below(n: number): number } | null,
): ImageSplit {
  const { channels: c, height: h, width: w } = image;
  const H = h + 2 * pad;
  const W = w + 2 * pad;
  const x = new Uint8Array(split.n * c * H * W);
  for (let i = 0; i < split.n; i++) {
    const dy = rand ? rand.below(2 * pad + 1) : pad;
    const dx = rand ? rand.below(2 * pad + 1) : pad;
    for (let ch = 0; ch < c; ch++) {
      for (let r = 0; r < h; r++) {
        const from = ((i * c + ch) * h + r) * w;
        x.set(split.x.subarray(from, from + w), ((i * c + ch) * H + r + dy) * W + dx);
      }
    }
  }
  return { x, y: split.y, n: split.n };
}

/**
 * One name per input, in input order: "pixel (row, column)", counted from 1 (with the channel
 * in front when there is more than one).
 */
export function pixelNames(image: ImageInfo): string[] {
  const names: string[] = [];
  for (let c = 0; c < image.channels; c++) {
    const prefix = image.channels > 1 ? `channel ${c + 1} ` : '';
    for (let r = 1; r <= image.height; r++) {
      for (let col = 1; col <= image.width; col++) names.push(`${prefix}pixel (${r}, ${col})`);
    }
  }
  return names;
}

/**
 * A decoded asset as an `ImageDataset`. Fashion-MNIST keeps its stored split; digits are split
 * from `seed` with the kernel PRNG exactly as `buildDataset` splits a bundled table (70/15/15,
 * stratified by class), so the same seed gives the same split everywhere. The splits are copies,
 * not views of the asset.
 */
export function imageDataset(asset: ImageAsset, options: ImageDatasetOptions): ImageDataset {
  const { seed, module, shift = 0 } = options;
  if (!Number.isInteger(shift) || shift < 0 || shift > MAX_SHIFT) {
    throw new DataError(`shift must be a whole number of pixels from 0 to ${MAX_SHIFT}, got ${String(shift)}`);
  }
  const inputs = asset.image.channels * asset.image.height * asset.image.width;
  if (asset.x.length !== asset.n * inputs || asset.y.length !== asset.n) {
    throw new DataError(
      `image set ${asset.name}: ${asset.x.length} pixels and ${asset.y.length} labels do not make ${asset.n} images of ${inputs} pixels`,
    );
  }
  const range = (from: number, count: number): ImageSplit => ({
    x: asset.x.slice(from * inputs, (from + count) * inputs),
    y: Float32Array.from(asset.y.subarray(from, from + count)),
    n: count,
  });
  const gather = (rows: Int32Array): ImageSplit => {
    const x = new Uint8Array(rows.length * inputs);
    const y = new Float32Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      x.set(asset.x.subarray(i * inputs, (i + 1) * inputs), r * inputs);
      y[r] = asset.y[i];
    }
    return { x, y, n: rows.length };
  };

  let train: ImageSplit;
  let validation: ImageSplit;
  let test: ImageSplit;
  if (asset.splits) {
    // Same check and message as kernelRandom, which the stored split does not need.
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new DataError(`seed must be an integer from 0 to ${MAX_SEED}, got ${String(seed)}`);
    }
    const { train: nt, validation: nv, test: ns } = asset.splits;
    train = range(0, nt);
    validation = range(nt, nv);
    test = range(nt + nv, ns);
  } else {
    const idx = splitIndices(asset.n, kernelRandom(module, seed), DEFAULT_FRACTIONS, asset.y);
    train = gather(idx.train);
    validation = gather(idx.validation);
    test = gather(idx.test);
  }
  let image = asset.image;
  if (shift > 0) {
    // Its own stream, so the split of a seed is the same with and without a shift.
    const rand = kernelRandom(module, (seed ^ 0x5bd1e995) >>> 0);
    train = onCanvas(train, image, shift, null);
    validation = onCanvas(validation, image, shift, rand);
    test = onCanvas(test, image, shift, rand);
    image = { ...image, height: image.height + 2 * shift, width: image.width + 2 * shift };
  }
  return {
    name: asset.name,
    task: 'multiclass',
    inputs: image.channels * image.height * image.width,
    outputs: asset.classNames.length,
    featureNames: pixelNames(image),
    targetName: asset.targetName,
    classNames: [...asset.classNames],
    image: { ...image },
    train,
    validation,
    test,
    standardization: null,
    targetStandardization: null,
  };
}
