#!/usr/bin/env node
/**
 * Converts the image data sets from the shared source folder into the compact binary assets under
 * `data/images/` that `src/data/images.ts` decodes: the UCI 8×8 handwritten digits (all 1,797)
 * and a balanced Fashion-MNIST subset (12,000 training + 2,000 validation images from the 60,000
 * training images, 2,000 test images from the 10,000 test images, the same number of each class).
 * The game ships only these assets, never the source folder.
 *
 * Usage (from the repository root):
 *   node scripts/convert-images.mjs [sourceDir]          write data/images/*.bin.gz
 *   node scripts/convert-images.mjs --check [sourceDir]  exit 1 if data/images/*.bin.gz are out of date
 * sourceDir defaults to ../shared/datasets (relative to the repository root) and must hold
 * fashion-mnist/*-idx?-ubyte.gz and uci/digits.csv.gz.
 *
 * Asset format (gzip-compressed; all of it is checked by `decodeImageAsset`):
 *   bytes 0..7    magic "NJIMAGE1" (ASCII)
 *   bytes 8..11   header length h, u32 little-endian
 *   next h bytes  header, UTF-8 JSON: {name, channels, height, width, scale, maxPixel,
 *                 targetName, classNames, count, splits, source, licence}; splits is
 *                 {train, validation, test} (image counts, stored in that order) or null when
 *                 the loader splits the images itself (digits)
 *   next count·channels·height·width bytes  pixels, u8, row-major NCHW per image
 *   next count bytes                        labels, u8 class indices
 *
 * Byte-stable: a fixed gzip level, no file name, modification time 0 and the operating-system
 * byte set to 255 (unknown). `--check` compares the decompressed bytes, so a different zlib that
 * compresses the same bytes differently does not count as out of date.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const sourceDir = resolve(root, args.find((a) => !a.startsWith('--')) ?? '../shared/datasets');
const outDir = join(root, 'data', 'images');

const MAGIC = 'NJIMAGE1';
const GZIP_LEVEL = 9;

function fail(message) {
  console.error(`convert-images: ${message}`);
  process.exit(1);
}

function readSource(file) {
  const path = join(sourceDir, file);
  if (!existsSync(path)) fail(`${path} not found (pass the source folder as an argument)`);
  const bytes = readFileSync(path);
  return file.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

/** An IDX file: big-endian magic (0, 0, type 0x08 = u8, number of dimensions), sizes, u8 data. */
function readIdx(file, dims) {
  const b = readSource(file);
  if (b.length < 4 + 4 * dims) fail(`${file}: too short for an IDX header`);
  const magic = b.readUInt32BE(0);
  if (magic !== 0x800 + dims) {
    fail(`${file}: IDX magic 0x${magic.toString(16)}, expected 0x${(0x800 + dims).toString(16)}`);
  }
  const sizes = [];
  for (let i = 0; i < dims; i++) sizes.push(b.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * dims;
  const expected = offset + sizes.reduce((a, s) => a * s, 1);
  if (b.length !== expected) fail(`${file}: ${b.length} bytes, the header says ${expected}`);
  return { sizes, data: b.subarray(offset) };
}

const FASHION_CLASSES = [
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
];

/**
 * Picks images by class in file order: the first `perClass[0]` of each class go to the first
 * split, the next `perClass[1]` to the second, and so on; each split keeps file order.
 */
function pickByClass(images, labels, pixels, perClass, file) {
  const counts = new Array(10).fill(0);
  const picked = perClass.map(() => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label >= 10) fail(`${file}: image ${i} has label ${label}`);
    let seen = counts[label]++;
    for (let s = 0; s < perClass.length; s++) {
      if (seen < perClass[s]) {
        picked[s].push(i);
        break;
      }
      seen -= perClass[s];
    }
  }
  const want = perClass.reduce((a, b) => a + b, 0);
  counts.forEach((c, k) => {
    if (c < want) fail(`${file}: class ${k} has ${c} images, ${want} are needed`);
  });
  return picked.map((rows) => {
    const x = Buffer.alloc(rows.length * pixels);
    const y = Buffer.alloc(rows.length);
    rows.forEach((i, r) => {
      images.copy(x, r * pixels, i * pixels, (i + 1) * pixels);
      y[r] = labels[i];
    });
    return { x, y, n: rows.length };
  });
}

function fashionMnist() {
  const load = (prefix) => {
    const images = readIdx(`fashion-mnist/${prefix}-images-idx3-ubyte.gz`, 3);
    const labels = readIdx(`fashion-mnist/${prefix}-labels-idx1-ubyte.gz`, 1);
    const [n, h, w] = images.sizes;
    if (h !== 28 || w !== 28) fail(`fashion-mnist ${prefix}: images are ${h}×${w}, expected 28×28`);
    if (labels.sizes[0] !== n)
      fail(`fashion-mnist ${prefix}: ${n} images, ${labels.sizes[0]} labels`);
    return { images: images.data, labels: labels.data, file: `${prefix}-labels-idx1-ubyte.gz` };
  };
  const pixels = 28 * 28;
  const trainFile = load('train');
  const testFile = load('t10k');
  const [train, validation] = pickByClass(
    trainFile.images,
    trainFile.labels,
    pixels,
    [1200, 200],
    trainFile.file,
  );
  const [test] = pickByClass(testFile.images, testFile.labels, pixels, [200], testFile.file);
  return {
    header: {
      name: 'fashion-mnist',
      channels: 1,
      height: 28,
      width: 28,
      scale: 1 / 255,
      maxPixel: 255,
      targetName: 'clothing',
      classNames: FASHION_CLASSES,
      count: train.n + validation.n + test.n,
      splits: { train: train.n, validation: validation.n, test: test.n },
      source:
        'Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747), Zalando Research, https://github.com/zalandoresearch/fashion-mnist, via Debian package dataset-fashion-mnist; a balanced subset: the first 1,200 (train) and next 200 (validation) images of each class of the training file and the first 200 of each class of the test file, in file order',
      licence: 'MIT, Copyright © 2017 Zalando SE (full notice in data/PROVENANCE.md)',
    },
    x: Buffer.concat([train.x, validation.x, test.x]),
    y: Buffer.concat([train.y, validation.y, test.y]),
  };
}

function digits() {
  const file = 'uci/digits.csv.gz';
  const rows = readSource(file)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (rows.length !== 1797) fail(`${file}: ${rows.length} rows, expected 1797`);
  const x = Buffer.alloc(rows.length * 64);
  const y = Buffer.alloc(rows.length);
  rows.forEach((row, r) => {
    const cells = row.split(',').map((c) => c.trim());
    const where = `${file} line ${r + 1}`;
    if (cells.length !== 65) fail(`${where}: ${cells.length} fields, expected 65`);
    cells.forEach((c, j) => {
      const max = j < 64 ? 16 : 9;
      if (!/^\d+$/.test(c) || Number(c) > max)
        fail(`${where} column ${j + 1}: "${c}" is not 0..${max}`);
      if (j < 64) x[r * 64 + j] = Number(c);
      else y[r] = Number(c);
    });
  });
  return {
    header: {
      name: 'digits',
      channels: 1,
      height: 8,
      width: 8,
      scale: 1 / 16,
      maxPixel: 16,
      targetName: 'digit',
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      count: rows.length,
      splits: null,
      source:
        "Optical Recognition of Handwritten Digits (Alpaydin & Kaynak 1998), UCI Machine Learning Repository, https://archive.ics.uci.edu/dataset/80, the 1,797 images of its test set as distributed with scikit-learn (sklearn/datasets/data/digits.csv.gz) in Debian's python3-sklearn",
      licence: 'CC BY 4.0 (UCI Machine Learning Repository)',
    },
    x,
    y,
  };
}

function encode({ header, x, y }) {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  return Buffer.concat([Buffer.from(MAGIC, 'ascii'), length, json, x, y]);
}

function compress(raw) {
  const gz = gzipSync(raw, { level: GZIP_LEVEL });
  gz[9] = 255; // gzip header OS byte: "unknown", so the file is the same on every system
  return gz;
}

const assets = { 'digits.bin.gz': digits(), 'fashion-mnist.bin.gz': fashionMnist() };
let stale = 0;
if (!check) mkdirSync(outDir, { recursive: true });
for (const [file, asset] of Object.entries(assets)) {
  const raw = encode(asset);
  const path = join(outDir, file);
  if (check) {
    let same = false;
    if (existsSync(path)) {
      try {
        same = gunzipSync(readFileSync(path)).equals(raw);
      } catch {
        same = false;
      }
    }
    if (!same) stale++;
    console.log(`${same ? 'up to date' : 'OUT OF DATE'}  data/images/${file}`);
  } else {
    const gz = compress(raw);
    writeFileSync(path, gz);
    const { count, channels, height, width } = asset.header;
    console.log(
      `wrote data/images/${file}: ${count} images of ${channels}×${height}×${width}, ${raw.length} bytes, ${gz.length} gzipped`,
    );
  }
}
if (stale > 0) {
  fail(`${stale} asset(s) differ from the sources: run node scripts/convert-images.mjs`);
}
