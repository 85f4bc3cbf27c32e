/**
 * Loads the image data sets from `data/images/` for Node (tests, the command line, benchmarks).
 * The browser downloads the same files with `fetchImageDataset` (`src/data/image-fetch.ts`).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataError, type ImageDataset } from '../data/dataset.js';
import { prepareDataset } from '../data/index.js';
import {
  checkImageSetName,
  decodeImageAsset,
  IMAGE_SETS,
  imageDataset,
  isImageSetName,
  type ImageAsset,
  type ImageDatasetOptions,
  type ImageSetName,
} from '../data/images.js';

const gunzipAsync = promisify(gunzip);

/**
 * Finds the `data/images/` folder by walking up from this file, so the same code works from
 * `src/` (tests) and from `dist/src/` (the command line after `npm run build:node`).
 * `NJ_IMAGE_DIR` overrides it.
 */
export function imageDataDir(): string {
  const override = process.env['NJ_IMAGE_DIR'];
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'data', 'images');
    if (existsSync(join(candidate, IMAGE_SETS.digits.file))) return candidate;
    dir = dirname(dir);
  }
  throw new DataError(
    'data/images/ not found next to the program: the image data sets are missing from this copy of the game',
  );
}

const cache = new Map<ImageSetName, Promise<ImageAsset>>();

/**
 * Reads, gunzips and decodes the asset of `name`, once per process (the decoded asset is
 * shared and read-only; `imageDataset` copies out of it). Problems are `DataError`s naming the
 * file.
 */
export async function loadImageAsset(name: ImageSetName): Promise<ImageAsset> {
  checkImageSetName(name);
  let asset = cache.get(name);
  if (!asset) {
    asset = readAsset(name);
    cache.set(name, asset);
    // A failed read is not remembered: the next call tries again.
    asset.catch(() => cache.delete(name));
  }
  return asset;
}

async function readAsset(name: ImageSetName): Promise<ImageAsset> {
  const path = join(imageDataDir(), IMAGE_SETS[name].file);
  let compressed: Buffer;
  try {
    compressed = await readFile(path);
  } catch (e) {
    throw new DataError(`cannot read the ${name} images from ${path}: ${(e as Error).message}`);
  }
  let bytes: Buffer;
  try {
    bytes = await gunzipAsync(compressed);
  } catch (e) {
    throw new DataError(
      `${path} is damaged (not complete, valid gzip data): ${(e as Error).message}`,
    );
  }
  try {
    return decodeImageAsset(bytes);
  } catch (e) {
    if (e instanceof DataError) throw new DataError(`${path}: ${e.message}`);
    throw e;
  }
}

/** The image set `name` as an `ImageDataset` split for `seed` (see `imageDataset`). */
export async function loadImageDataset(
  name: ImageSetName,
  options: ImageDatasetOptions,
): Promise<ImageDataset> {
  const asset = await loadImageAsset(name);
  if (asset.name !== name)
    throw new DataError(`${IMAGE_SETS[name].file} holds the ${asset.name} images`);
  return imageDataset(asset, options);
}

/**
 * What the given levels train on that the code does not carry, for `runLevel` and the level
 * audit: every image set, decoded and returned, and every other named set's data loaded (the text
 * of `melville`; see `prepareDataset`).
 */
export async function loadLevelAssets(
  levels: readonly { data: { name: string } }[],
): Promise<Map<ImageSetName, ImageAsset>> {
  for (const l of levels) await prepareDataset(l.data.name);
  const names = new Set(levels.map((l) => l.data.name).filter(isImageSetName));
  const images = new Map<ImageSetName, ImageAsset>();
  for (const name of names) images.set(name, await loadImageAsset(name));
  return images;
}
