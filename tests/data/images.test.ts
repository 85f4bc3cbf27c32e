/**
 * The image data sets: shapes, counts and class balance, the digits split from the seed, the
 * decoder's errors for damaged files, the browser loader over `fetch`, and that the assets are
 * exactly what `scripts/convert-images.mjs` makes from the sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DataError,
  isImageDataset,
  type ImageDataset,
  type ImageSplit,
} from '../../src/data/dataset.js';
import { fetchImageAsset, fetchImageDataset, imageAssetUrl } from '../../src/data/image-fetch.js';
import {
  decodeImageAsset,
  IMAGE_SET_NAMES,
  IMAGE_SETS,
  imageDataset,
  type ImageSetName,
} from '../../src/data/images.js';
import { makeDataset } from '../../src/data/index.js';
import { kernelRandom } from '../../src/data/random.js';
import { DEFAULT_FRACTIONS, splitIndices } from '../../src/data/split.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { imageDataDir, loadImageAsset, loadImageDataset } from '../../src/node/image-data.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = (name: ImageSetName): string => join(root, 'data', 'images', IMAGE_SETS[name].file);
/** The gunzipped asset, fresh each time so a test may damage it. */
const rawAsset = (name: ImageSetName): Uint8Array => new Uint8Array(gunzipSync(readFileSync(file(name))));

function classCounts(y: Float32Array | Uint8Array): number[] {
  const c = new Array<number>(10).fill(0);
  for (const label of y) c[label]++;
  return c;
}

function pixelRange(x: Uint8Array): [number, number] {
  let min = 255;
  let max = 0;
  for (const v of x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function checkSplit(split: ImageSplit, inputs: number): void {
  expect(split.x).toBeInstanceOf(Uint8Array);
  expect(split.y).toBeInstanceOf(Float32Array);
  expect(split.x.length).toBe(split.n * inputs);
  expect(split.y.length).toBe(split.n);
  for (const label of split.y) expect(Number.isInteger(label) && label >= 0 && label < 10).toBe(true);
}

const splitsOf = (d: ImageDataset): ImageSplit[] => [d.train, d.validation, d.test];
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('image sets', () => {
  it('are digits and fashion-mnist, with shapes known without loading', () => {
    expect(IMAGE_SET_NAMES).toEqual(['digits', 'fashion-mnist']);
    expect(IMAGE_SETS.digits).toMatchObject({
      channels: 1,
      height: 8,
      width: 8,
      inputs: 64,
      classes: 10,
      maxPixel: 16,
      scale: 1 / 16,
      count: 1797,
      splits: { train: 1257, validation: 270, test: 270 },
      storedSplit: false,
    });
    expect(IMAGE_SETS['fashion-mnist']).toMatchObject({
      channels: 1,
      height: 28,
      width: 28,
      inputs: 784,
      classes: 10,
      maxPixel: 255,
      scale: 1 / 255,
      count: 16000,
      splits: { train: 12000, validation: 2000, test: 2000 },
      storedSplit: true,
    });
  });

  it('have URLs next to the source that point at the asset files', () => {
    for (const name of IMAGE_SET_NAMES) {
      const url = imageAssetUrl(name);
      expect(url.pathname.endsWith(`/data/images/${IMAGE_SETS[name].file}`)).toBe(true);
      expect(existsSync(fileURLToPath(url))).toBe(true);
    }
    expect(imageDataDir()).toBe(join(root, 'data', 'images'));
    expect(() => imageAssetUrl('mnist' as ImageSetName)).toThrow(DataError);
  });
});

describe('digits', () => {
  it('are 1,797 images of 8 × 8 pixels 0..16, split 1257/270/270 for seed 0', async () => {
    const d = await loadImageDataset('digits', { seed: 0, module });
    expect(isImageDataset(d)).toBe(true);
    expect([d.name, d.task, d.inputs, d.outputs, d.targetName]).toEqual([
      'digits',
      'multiclass',
      64,
      10,
      'digit',
    ]);
    expect(d.image).toEqual({ channels: 1, height: 8, width: 8, scale: 1 / 16 });
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.featureNames).toHaveLength(64);
    expect([d.featureNames[0], d.featureNames[9], d.featureNames[63]]).toEqual([
      'pixel (1, 1)',
      'pixel (2, 2)',
      'pixel (8, 8)',
    ]);
    expect(d.standardization).toBeNull();
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([1257, 270, 270]);
    for (const split of splitsOf(d)) checkSplit(split, 64);
    const all = splitsOf(d);
    expect(pixelRange(Buffer.concat(all.map((s) => s.x)))).toEqual([0, 16]);
  });

  it('split covers every image exactly once', async () => {
    const asset = await loadImageAsset('digits');
    expect(classCounts(asset.y)).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    const d = imageDataset(asset, { seed: 0, module });
    // Images may repeat, so count each (pixels, label) as a multiset.
    const key = (x: Uint8Array, y: number, i: number): string =>
      `${y}:${Buffer.from(x.subarray(i * 64, (i + 1) * 64)).toString('hex')}`;
    const left = new Map<string, number>();
    for (let i = 0; i < asset.n; i++) {
      const k = key(asset.x, asset.y[i], i);
      left.set(k, (left.get(k) ?? 0) + 1);
    }
    for (const split of splitsOf(d)) {
      for (let i = 0; i < split.n; i++) {
        const k = key(split.x, split.y[i], i);
        const c = left.get(k) ?? 0;
        expect(c).toBeGreaterThan(0);
        left.set(k, c - 1);
      }
    }
    expect([...left.values()].every((c) => c === 0)).toBe(true);
    expect(d.train.n + d.validation.n + d.test.n).toBe(1797);
  });

  it('split is stratified: each split holds every class in proportion (±1 image)', async () => {
    const asset = await loadImageAsset('digits');
    const whole = classCounts(asset.y);
    for (const seed of [0, 7]) {
      const d = imageDataset(asset, { seed, module });
      for (const split of splitsOf(d)) {
        classCounts(split.y).forEach((c, k) => {
          expect(Math.abs(c - (whole[k] * split.n) / asset.n)).toBeLessThanOrEqual(1);
        });
      }
    }
  });

  it('split is the kernel-PRNG stratified split of the seed: same seed same, other seed other', async () => {
    const asset = await loadImageAsset('digits');
    const a = imageDataset(asset, { seed: 5, module });
    const b = await loadImageDataset('digits', { seed: 5, module });
    const c = imageDataset(asset, { seed: 6, module });
    for (const key of ['train', 'validation', 'test'] as const) {
      expect(sameBytes(a[key].x, b[key].x)).toBe(true);
      expect(Array.from(a[key].y)).toEqual(Array.from(b[key].y));
    }
    expect(sameBytes(a.train.x, c.train.x)).toBe(false);
    expect(Array.from(a.test.y)).not.toEqual(Array.from(c.test.y));
    // Exactly splitIndices over a fresh stream of the seed, as buildDataset splits a table.
    const idx = splitIndices(asset.n, kernelRandom(module, 5), DEFAULT_FRACTIONS, asset.y);
    expect(Array.from(a.validation.y)).toEqual(Array.from(idx.validation, (i) => asset.y[i]));
    const i0 = idx.test[0];
    expect(sameBytes(a.test.x.subarray(0, 64), asset.x.subarray(i0 * 64, i0 * 64 + 64))).toBe(true);
  });

  it('refuses a bad seed with a DataError', async () => {
    const asset = await loadImageAsset('digits');
    expect(() => imageDataset(asset, { seed: -1, module })).toThrow(DataError);
    expect(() => imageDataset(asset, { seed: 1.5, module })).toThrow(/seed must be an integer/);
  });
});

describe('fashion-mnist', () => {
  it('is 12,000/2,000/2,000 images of 28 × 28 pixels 0..255, 1,200/200/200 per class', async () => {
    const d = await loadImageDataset('fashion-mnist', { seed: 0, module });
    expect(isImageDataset(d)).toBe(true);
    expect([d.name, d.task, d.inputs, d.outputs, d.targetName]).toEqual([
      'fashion-mnist',
      'multiclass',
      784,
      10,
      'clothing',
    ]);
    expect(d.image).toEqual({ channels: 1, height: 28, width: 28, scale: 1 / 255 });
    expect(d.classNames).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(d.featureNames).toHaveLength(784);
    expect(d.featureNames[783]).toBe('pixel (28, 28)');
    expect(d.standardization).toBeNull();
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([12000, 2000, 2000]);
    for (const split of splitsOf(d)) checkSplit(split, 784);
    expect(classCounts(d.train.y)).toEqual(new Array(10).fill(1200));
    expect(classCounts(d.validation.y)).toEqual(new Array(10).fill(200));
    expect(classCounts(d.test.y)).toEqual(new Array(10).fill(200));
    for (const split of splitsOf(d)) expect(pixelRange(split.x)).toEqual([0, 255]);
  });

  it('keeps its stored split for every seed', async () => {
    const asset = await loadImageAsset('fashion-mnist');
    const a = imageDataset(asset, { seed: 0, module });
    const b = imageDataset(asset, { seed: 99, module });
    expect(sameBytes(a.train.x, b.train.x)).toBe(true);
    expect(sameBytes(a.test.x, asset.x.subarray(14000 * 784))).toBe(true);
    expect(() => imageDataset(asset, { seed: 2 ** 32, module })).toThrow(/seed must be an integer/);
  });

  it('has no validation or test image that is also a training image', async () => {
    const d = await loadImageDataset('fashion-mnist', { seed: 0, module });
    const train = new Set<string>();
    for (let i = 0; i < d.train.n; i++) {
      train.add(Buffer.from(d.train.x.subarray(i * 784, (i + 1) * 784)).toString('base64'));
    }
    for (const split of [d.validation, d.test]) {
      let shared = 0;
      for (let i = 0; i < split.n; i++) {
        if (train.has(Buffer.from(split.x.subarray(i * 784, (i + 1) * 784)).toString('base64'))) {
          shared++;
        }
      }
      expect(shared).toBe(0);
    }
  });
});

describe('table data sets', () => {
  it('are not image data sets', () => {
    expect(isImageDataset(makeDataset('iris', { seed: 1, module }))).toBe(false);
  });
});

/** The header of a raw asset, to rewrite it. */
function withHeader(raw: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const length = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(raw.subarray(12, 12 + length))) as Record<
    string,
    unknown
  >;
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + json.length + raw.length - 12 - length);
  out.set(raw.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(raw.subarray(12 + length), 12 + json.length);
  return out;
}

function decodeError(bytes: Uint8Array): DataError {
  try {
    decodeImageAsset(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('decodeImageAsset accepted damaged bytes');
}

describe('decodeImageAsset', () => {
  it('decodes the assets', () => {
    const digits = decodeImageAsset(rawAsset('digits'));
    expect([digits.name, digits.n, digits.x.length, digits.y.length]).toEqual([
      'digits',
      1797,
      1797 * 64,
      1797,
    ]);
    expect(digits.splits).toBeNull();
    expect(digits.licence).toMatch(/CC BY 4\.0/);
    expect(digits.source).toMatch(/UCI/);
    const fashion = decodeImageAsset(rawAsset('fashion-mnist'));
    expect(fashion.splits).toEqual({ train: 12000, validation: 2000, test: 2000 });
    expect(fashion.licence).toMatch(/MIT.*Zalando/);
  });

  it('names what is wrong with a damaged file', () => {
    const raw = rawAsset('digits');
    expect(decodeError(readFileSync(file('digits'))).message).toMatch(/still gzip-compressed/);
    expect(decodeError(raw.subarray(0, 5)).message).toMatch(/only 5 bytes, too short/);
    const magic = raw.slice();
    magic[0] = 0x4d;
    expect(decodeError(magic).message).toMatch(/does not start with "NJIMAGE1"/);
    expect(decodeError(raw.subarray(0, 40)).message).toMatch(/header .*truncated/);
    expect(decodeError(raw.subarray(0, raw.length - 100)).message).toMatch(
      /make \d+ bytes, found \d+: the file is truncated/,
    );
    const extra = new Uint8Array(raw.length + 3);
    extra.set(raw);
    expect(decodeError(extra).message).toMatch(/extra bytes follow the labels/);
    const json = raw.slice();
    json[12] = 0x78; // the header's "{"
    expect(decodeError(json).message).toMatch(/header is not valid JSON/);
    const count = withHeader(raw, (h) => (h['count'] = 1796));
    expect(decodeError(count).message).toMatch(/"count" says 1796 images; digits has 1797/);
    const name = withHeader(raw, (h) => (h['name'] = 'mnist'));
    expect(decodeError(name).message).toMatch(/"name" must be one of digits, fashion-mnist/);
    const width = withHeader(raw, (h) => (h['width'] = 9));
    expect(decodeError(width).message).toMatch(/"width" must be 8/);
    const classes = withHeader(raw, (h) => (h['classNames'] = ['0', '1']));
    expect(decodeError(classes).message).toMatch(/"classNames" must be an array of 10/);
    const label = raw.slice();
    label[label.length - 1] = 12;
    expect(decodeError(label).message).toMatch(/image 1797 has label 12; labels must be 0\.\.9/);
    const pixel = raw.slice();
    pixel[raw.length - 1797 - 1] = 17;
    expect(decodeError(pixel).message).toMatch(/image 1797 has pixel value 17; pixels must be 0\.\.16/);
  });

  it('checks the stored split sizes', () => {
    const raw = rawAsset('fashion-mnist');
    const splits = withHeader(raw, (h) => (h['splits'] = { train: 12000, validation: 2000, test: 3000 }));
    expect(decodeError(splits).message).toMatch(/"splits" \.test must be 2000, got 3000/);
    const none = withHeader(raw, (h) => (h['splits'] = null));
    expect(decodeError(none).message).toMatch(/"splits" must be an object/);
    const digits = withHeader(rawAsset('digits'), (h) => (h['splits'] = { train: 1797 }));
    expect(decodeError(digits).message).toMatch(/"splits" must be null/);
  });

  it('is read by the Node loader with the file named in its errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nj-images-'));
    const previous = process.env['NJ_IMAGE_DIR'];
    try {
      const raw = rawAsset('digits');
      writeFileSync(join(dir, 'digits.bin.gz'), gzipSync(raw.subarray(0, raw.length - 1)));
      writeFileSync(join(dir, 'fashion-mnist.bin.gz'), readFileSync(file('digits')).subarray(0, 999));
      process.env['NJ_IMAGE_DIR'] = dir;
      vi.resetModules(); // a fresh loader, without the assets cached by the tests above
      const fresh = await import('../../src/node/image-data.js');
      await expect(fresh.loadImageDataset('digits', { seed: 0, module })).rejects.toThrow(
        /digits\.bin\.gz: image asset: .*the file is truncated/,
      );
      await expect(fresh.loadImageAsset('fashion-mnist')).rejects.toThrow(
        /fashion-mnist\.bin\.gz is damaged \(not complete, valid gzip data\)/,
      );
      await expect(fresh.loadImageAsset('mnist' as ImageSetName)).rejects.toThrow(
        /unknown image data set "mnist"; image sets: digits, fashion-mnist/,
      );
    } finally {
      if (previous === undefined) delete process.env['NJ_IMAGE_DIR'];
      else process.env['NJ_IMAGE_DIR'] = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fetchImageDataset', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  /** A Response streaming `bytes` in chunks, with the given headers. */
  function streamed(bytes: Uint8Array, headers: Record<string, string>, chunk = 8192): Response {
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(offset, offset + chunk));
        offset += chunk;
      },
    });
    return new Response(body, { status: 200, headers });
  }

  function serve(response: () => Response): ReturnType<typeof vi.fn> {
    const fetchMock = vi.fn(async () => response());
    vi.stubGlobal('fetch', fetchMock);
    return fetchMock;
  }

  it('reports progress and gives what the Node loader gives', async () => {
    for (const name of IMAGE_SET_NAMES) {
      const gz = new Uint8Array(readFileSync(file(name)));
      const fetchMock = serve(() =>
        streamed(gz, { 'content-length': String(gz.length) }, name === 'digits' ? 4096 : 1 << 20),
      );
      const progress: [number, number][] = [];
      const d = await fetchImageDataset(imageAssetUrl(name), name, {
        seed: 3,
        module,
        onProgress: (loaded, total) => progress.push([loaded, total]),
      });
      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(progress[0]).toEqual([0, gz.length]);
      expect(progress.at(-1)).toEqual([gz.length, gz.length]);
      expect(progress.length).toBeGreaterThan(3);
      for (let i = 1; i < progress.length; i++) {
        expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
        expect(progress[i][1]).toBe(gz.length);
      }
      const node = await loadImageDataset(name, { seed: 3, module });
      const { train, validation, test, ...rest } = d;
      const { train: nt, validation: nv, test: ns, ...nodeRest } = node;
      expect(rest).toEqual(nodeRest);
      for (const [a, b] of [
        [train, nt],
        [validation, nv],
        [test, ns],
      ] as const) {
        expect(a.n).toBe(b.n);
        expect(sameBytes(a.x, b.x)).toBe(true);
        expect(Array.from(a.y)).toEqual(Array.from(b.y));
      }
    }
  });

  it('works over a data: URL with the real fetch (no Content-Length: total 0)', async () => {
    const gz = readFileSync(file('digits'));
    const url = `data:application/gzip;base64,${gz.toString('base64')}`;
    const progress: [number, number][] = [];
    const d = await fetchImageDataset(url, 'digits', {
      seed: 0,
      module,
      onProgress: (loaded, total) => progress.push([loaded, total]),
    });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([1257, 270, 270]);
    expect(progress.at(-1)![0]).toBe(gz.length);
    expect(progress.every(([, total]) => total === 0 || total === gz.length)).toBe(true);
  });

  it('reports total 0 without Content-Length, and estimates it for a file the server already unpacked', async () => {
    const gz = new Uint8Array(readFileSync(file('digits')));
    serve(() => streamed(gz, {}));
    const totals = new Set<number>();
    await fetchImageAsset('https://example.test/d', 'digits', {
      onProgress: (_loaded, total) => totals.add(total),
    });
    expect([...totals]).toEqual([0]);
    const raw = rawAsset('digits');
    serve(() =>
      streamed(raw, { 'content-encoding': 'gzip', 'content-length': String(gz.length) }),
    );
    const seen: number[] = [];
    const asset = await fetchImageAsset('https://example.test/d', 'digits', {
      onProgress: (loaded, total) => seen.push(loaded, total),
    });
    expect(asset.n).toBe(1797);
    // While it comes: one byte per pixel and label of the set, never less than what arrived.
    expect(seen[1]).toBe(1797 * 65);
    for (let i = 0; i + 1 < seen.length - 2; i += 2) expect(seen[i]!).toBeLessThanOrEqual(seen[i + 1]!);
    // At the end: all of it.
    expect(seen.at(-2)).toBe(raw.length);
    expect(seen.at(-1)).toBe(raw.length);
  });

  it('turns HTTP, network, gzip and content problems into DataErrors', async () => {
    const gz = new Uint8Array(readFileSync(file('digits')));
    const url = 'https://example.test/images/digits.bin.gz';
    const fails = async (pattern: RegExp, name: ImageSetName = 'digits'): Promise<void> => {
      const p = fetchImageDataset(url, name, { seed: 0, module });
      await expect(p).rejects.toBeInstanceOf(DataError);
      await expect(fetchImageDataset(url, name, { seed: 0, module })).rejects.toThrow(pattern);
    };
    serve(() => new Response('no such file', { status: 404, statusText: 'Not Found' }));
    await fails(/could not download the digits images: the server answered 404 Not Found for https:\/\/example\.test/);
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))));
    await fails(/could not download the digits images from https:\/\/example\.test\S+: fetch failed/);
    serve(() => streamed(gz.subarray(0, 20000), {}));
    await fails(/the file of the digits images is damaged \(not complete, valid gzip data\)/);
    serve(() => streamed(gz.subarray(0, 20000), { 'content-length': String(gz.length) }));
    await fails(/the download of the digits images is incomplete: 20000 of 44\d+ bytes arrived/);
    const corrupt = gz.slice();
    corrupt.fill(7, 100, 200);
    serve(() => streamed(corrupt, {}));
    await fails(/damaged/);
    serve(() => new Response('<html>not here</html>', { status: 200 }));
    await fails(/image asset: does not start with "NJIMAGE1"/);
    serve(() => streamed(gz, {}));
    await fails(/holds the digits images, not the fashion-mnist images/, 'fashion-mnist');
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(gz.slice(0, 1000));
        else controller.error(new TypeError('terminated'));
      },
    });
    serve(() => new Response(broken));
    await expect(fetchImageAsset(url, 'digits')).rejects.toThrow(
      /the download of the digits images broke off after 1000 bytes: terminated/,
    );
    await expect(fetchImageAsset(url, 'mnist' as ImageSetName)).rejects.toThrow(
      /unknown image data set "mnist"/,
    );
  });

  it('rejects with the AbortError when aborted', async () => {
    const gz = readFileSync(file('digits'));
    const controller = new AbortController();
    controller.abort();
    const p = fetchImageDataset(`data:application/gzip;base64,${gz.toString('base64')}`, 'digits', {
      seed: 0,
      module,
      signal: controller.signal,
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await expect(p).rejects.not.toBeInstanceOf(DataError);
  });
});

const sources = fileURLToPath(new URL('../../../shared/datasets', import.meta.url));

describe('assets', () => {
  it.skipIf(!existsSync(sources) && !process.env['CI'])(
    'are reproduced exactly by scripts/convert-images.mjs',
    () => {
      const out = execFileSync(process.execPath, ['scripts/convert-images.mjs', '--check'], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(out.match(/up to date/g)).toHaveLength(2);
    },
  );
});
