/**
 * Downloading an image data set in the browser or a Web Worker: `fetch`, the body read chunk by
 * chunk for a progress bar, gunzip with `DecompressionStream('gzip')`, then `decodeImageAsset`.
 * Uses only `fetch`, `Response`, `Blob` and `DecompressionStream`, which Node 20 has too (the
 * tests run it there). Node's own loader, which reads the file, is `src/node/image-data.ts`.
 */
import { DataError, type ImageDataset } from './dataset.js';
import {
  IMAGE_SETS,
  checkImageSetName,
  decodeImageAsset,
  imageDataset,
  type ImageAsset,
  type ImageDatasetOptions,
  type ImageSetName,
} from './images.js';

/**
 * The URL of a set's asset. The two literal `new URL(…, import.meta.url)` forms are what make
 * Vite copy the files into the build (as separate files under assets/, never inlined: they are
 * far above the inline limit) and rewrite the URLs to them.
 */
export function imageAssetUrl(name: ImageSetName): URL {
  switch (checkImageSetName(name)) {
    case 'digits':
      return new URL('../../data/images/digits.bin.gz', import.meta.url);
    case 'fashion-mnist':
      return new URL('../../data/images/fashion-mnist.bin.gz', import.meta.url);
  }
}

/** Options of `fetchImageAsset`. */
export interface FetchImageAssetOptions {
  /**
   * Called with the bytes received so far and the download's size (0 when the server does not
   * say, or when it sends the file re-compressed so its size is not the file's): once before the
   * first byte, after every chunk, and once at the end.
   */
  readonly onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Aborting rejects with the signal's `AbortError` (not a `DataError`). */
  readonly signal?: AbortSignal;
}

/** Options of `fetchImageDataset`: the seed and kernel for the split, and the download's. */
export interface FetchImageOptions extends ImageDatasetOptions, FetchImageAssetOptions {}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return (
    (signal?.aborted ?? false) ||
    (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError')
  );
}

/**
 * Downloads, gunzips and decodes the asset of image set `name` from `url` (usually
 * `imageAssetUrl(name)`). Every failure but an abort is a `DataError` in plain words: the
 * network, an HTTP status, a download that breaks off, a file that is not valid gzip, a file
 * that is not the asset of `name`.
 */
export async function fetchImageAsset(
  url: string | URL,
  name: ImageSetName,
  options: FetchImageAssetOptions = {},
): Promise<ImageAsset> {
  checkImageSetName(name);
  const { onProgress, signal } = options;
  const what = `the ${name} images`;
  const where = String(url);
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (e) {
    if (isAbort(e, signal)) throw e;
    throw new DataError(`could not download ${what} from ${where}: ${reason(e)}`);
  }
  if (!response.ok) {
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    throw new DataError(`could not download ${what}: the server answered ${status} for ${where}`);
  }

  // Content-Length counts the bytes on the wire. With a Content-Encoding (a server that
  // compresses the .gz again, or marks it gzip so the browser unpacks it) the body we read is
  // the unpacked asset instead: its size is then about one byte per pixel and per label, which
  // is what the progress bar is told (the header adds under a kilobyte).
  const encoding = response.headers.get('content-encoding');
  const length = Number(response.headers.get('content-length') ?? '');
  const plain = encoding === null || encoding === 'identity';
  const set = IMAGE_SETS[name];
  const total = plain && Number.isInteger(length) && length > 0 ? length : 0;
  const shown = total || (plain ? 0 : set.count * (set.inputs + 1));
  const report = (bytes: number): void => onProgress?.(Math.min(bytes, shown || bytes), shown);
  report(0);

  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.length;
        report(loaded);
      }
    } else {
      const whole = new Uint8Array(await response.arrayBuffer());
      chunks.push(whole);
      loaded = whole.length;
    }
  } catch (e) {
    if (isAbort(e, signal)) throw e;
    throw new DataError(`the download of ${what} broke off after ${loaded} bytes: ${reason(e)}`);
  }
  if (total > 0 && loaded !== total) {
    throw new DataError(
      `the download of ${what} is incomplete: ${loaded} of ${total} bytes arrived`,
    );
  }
  onProgress?.(loaded, shown ? loaded : 0);

  const body = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  // A server that sends the file with "Content-Encoding: gzip" has had it unpacked already.
  const bytes = body[0] === 0x1f && body[1] === 0x8b ? await gunzip(body, what) : body;
  const asset = decodeImageAsset(bytes);
  if (asset.name !== name) {
    throw new DataError(`${where} holds the ${asset.name} images, not the ${name} images`);
  }
  return asset;
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>, what: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new DataError(`cannot unpack ${what}: this browser has no DecompressionStream`);
  }
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DataError(
      `the file of ${what} is damaged (not complete, valid gzip data): ${reason(e)}`,
    );
  }
}

/**
 * `fetchImageAsset` then `imageDataset`: the image set `name` from `url`, split for `seed`.
 * Called by the trainer worker; to split one download for several seeds, fetch the asset once
 * and call `imageDataset` on it.
 */
export async function fetchImageDataset(
  url: string | URL,
  name: ImageSetName,
  options: FetchImageOptions,
): Promise<ImageDataset> {
  const { seed, module, onProgress, signal } = options;
  const asset = await fetchImageAsset(url, name, { onProgress, signal });
  return imageDataset(asset, { seed, module });
}
