/**
 * What levels on images add: image sets as level data (and their shifted validation and test
 * images), parameter and multiply-add budgets, kept layers, the convolution ideas and their
 * messages in the level schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageDataset, namedDataShape } from '../../src/data/index.js';
import { SpecError, type LayerSpec, type ModelSpec } from '../../src/engine/spec.js';
import { checkSpec, meets, rulesOf, type Condition } from '../../src/levels/index.js';
import { parseLevel } from '../../src/levels/schema.js';
import type { Level } from '../../src/levels/types.js';
import { loadImageAsset } from '../../src/node/image-data.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule('simd');
});

const root = join(import.meta.dirname, '..', '..');
const raw = (id: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, 'levels', `${id}.json`), 'utf8')) as Record<string, unknown>;
const level = (id: string): Level => parseLevel(raw(id), `levels/${id}.json`);

function errorOf(value: unknown): string {
  try {
    parseLevel(value);
    return '';
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.message;
  }
}

const conv = (filters: number, kernel: number, extra: object = {}): ModelSpec['layers'][number] =>
  ({
    type: 'conv2d',
    filters,
    kernel,
    ...extra,
    activation: 'relu',
  }) as ModelSpec['layers'][number];

describe('shifted image sets', () => {
  it('put training images in the middle of a wider canvas and move the others', async () => {
    const asset = await loadImageAsset('digits');
    const plain = imageDataset(asset, { seed: 3, module });
    const moved = imageDataset(asset, { seed: 3, module, shift: 1 });
    expect(moved.image).toMatchObject({ height: 10, width: 10 });
    expect(moved.inputs).toBe(100);
    expect(namedDataShape('digits', { shift: 1 })?.inputShape).toEqual([1, 10, 10]);
    // Training images: the same split, one pixel of border all round.
    for (let i = 0; i < 20; i++) {
      for (let r = 0; r < 8; r++) {
        const a = plain.train.x.subarray(i * 64 + r * 8, i * 64 + r * 8 + 8);
        const b = moved.train.x.subarray(i * 100 + (r + 1) * 10 + 1, i * 100 + (r + 1) * 10 + 9);
        expect(Array.from(b)).toEqual(Array.from(a));
      }
    }
    expect(Array.from(moved.train.y)).toEqual(Array.from(plain.train.y));
    // Validation images: each is its own image at one of the 9 offsets, and most are not central.
    let central = 0;
    for (let i = 0; i < moved.validation.n; i++) {
      const img = moved.validation.x.subarray(i * 100, (i + 1) * 100);
      const src = plain.validation.x.subarray(i * 64, (i + 1) * 64);
      const at = [0, 1, 2].flatMap((dy) => [0, 1, 2].map((dx) => [dy, dx] as const));
      const fits = at.filter(([dy, dx]) => {
        for (let r = 0; r < 8; r++) {
          for (let c = 0; c < 8; c++)
            if (img[(r + dy) * 10 + c + dx] !== src[r * 8 + c]) return false;
        }
        return true;
      });
      expect(fits.length, `validation image ${i}`).toBeGreaterThan(0);
      if (fits.some(([dy, dx]) => dy === 1 && dx === 1)) central++;
    }
    expect(central).toBeLessThan(moved.validation.n / 3);
    // The same seed moves them the same way.
    const again = imageDataset(asset, { seed: 3, module, shift: 1 });
    expect(Buffer.from(again.test.x).equals(Buffer.from(moved.test.x))).toBe(true);
  });

  it('refuses a shift that is not a few whole pixels', async () => {
    const asset = await loadImageAsset('digits');
    expect(() => imageDataset(asset, { seed: 1, module, shift: 5 })).toThrow(
      /shift must be a whole number of pixels from 0 to 4, got 5/,
    );
    expect(() => imageDataset(asset, { seed: 1, module, shift: 0.5 })).toThrow(/shift/);
  });
});

describe('budgets and kept layers', () => {
  it('count parameters and multiply-adds as the engine does', () => {
    const rules = rulesOf(level('c4-pixels'));
    const mlp: ModelSpec = { layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] };
    expect(checkSpec(rules, mlp)).toEqual([
      'This level allows at most 300 parameters; this network has 650.',
    ]);
    const small: ModelSpec = {
      layers: [conv(4, 5, { stride: 3 }), { type: 'flatten' }, { type: 'dense', units: 10 }],
    };
    expect(checkSpec(rules, small)).toEqual([]);
    const fashion = rulesOf(level('c4-fashion'));
    const wide: ModelSpec = {
      layers: [conv(16, 3, { padding: 1 }), { type: 'flatten' }, { type: 'dense', units: 10 }],
    };
    // 16×1×3×3 + 16 = 160, and 16×30×30 = 14,400 inputs × 10 + 10 = 144,010.
    expect(checkSpec(fashion, wide)).toEqual([
      'This level allows at most 30,000 parameters; this network has 144,170.',
    ]);
    const costly: ModelSpec = {
      layers: [
        conv(16, 3, { padding: 1 }),
        { type: 'maxpool2d', size: 2 },
        conv(16, 3, { padding: 1 }),
        { type: 'maxpool2d', size: 5 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ],
    };
    // 16·9·900 = 129,600; 16·144·225 = 518,400; 16·3·3·10 = 1,440.
    expect(checkSpec(fashion, costly)).toEqual([
      'This level allows at most 400,000 multiply-adds per image; this network needs 649,440.',
    ]);
  });

  it('keep the kept layers exactly as they start, and let blocks go between them', () => {
    const l = level('c4-deep');
    const rules = rulesOf(l);
    const withNorm: ModelSpec = {
      layers: l.start.layers.flatMap((layer): LayerSpec[] =>
        layer.type === 'conv2d' ? [layer, { type: 'batchnorm' }] : [layer],
      ),
    };
    expect(checkSpec(rules, withNorm)).toEqual([]);
    const fewer: ModelSpec = { layers: l.start.layers.slice(1) };
    expect(checkSpec(rules, fewer)).toEqual([
      'This level keeps its 6 convolution layers as they start.',
    ]);
    const changed = structuredClone(l.start);
    delete (changed.layers[2] as { activation?: string }).activation;
    expect(checkSpec(rules, changed)).toEqual([
      'This level keeps its 6 convolution layers as they start.',
    ]);
  });

  it('name the field when a level file gets them wrong', () => {
    const bad = raw('c4-pixels');
    const blocks = bad['blocks'] as Record<string, unknown>;
    blocks['maxParams'] = 0;
    blocks['maxMacs'] = 'lots';
    blocks['keep'] = ['dense'];
    (bad['data'] as Record<string, unknown>)['shift'] = 9;
    const msg = errorOf(bad);
    expect(msg).toContain('blocks.maxParams must be an integer from 1 to');
    expect(msg).toContain('blocks.maxMacs must be an integer from 1 to');
    expect(msg).toContain('blocks.keep[0] must be one of');
    expect(msg).toContain('data.shift must be an integer from 0 to 4, got 9');
    const noise = raw('c4-pixels');
    (noise['data'] as Record<string, unknown>)['noise'] = 0.1;
    expect(errorOf(noise)).toContain('data.noise applies only to generated data sets');
    const off = raw('c4-deep');
    (off['blocks'] as Record<string, unknown>)['keep'] = ['maxpool2d'];
    expect(errorOf(off)).toContain('blocks.keep[0] must be a block the level offers');
  });
});

describe('the convolution ideas', () => {
  const spec = (...layers: ModelSpec['layers']): { spec: ModelSpec; options: never } => ({
    spec: { layers: [...layers, { type: 'flatten' }, { type: 'dense', units: 10 }] },
    options: { optimizer: 'adam', lr: 0.01, l2: 0 } as never,
  });
  const holds = (c: Condition, s: ReturnType<typeof spec>): boolean => meets(c, s);
  it('recognise a convolution, pooling, downsampling and batch norm', () => {
    expect(holds({ kind: 'convolution' }, spec(conv(4, 3)))).toBe(true);
    expect(holds({ kind: 'convolution' }, spec({ type: 'avgpool2d', size: 2 }))).toBe(false);
    expect(holds({ kind: 'pooling' }, spec(conv(4, 3), { type: 'maxpool2d', size: 2 }))).toBe(true);
    expect(holds({ kind: 'pooling' }, spec(conv(4, 3, { stride: 2 })))).toBe(false);
    expect(holds({ kind: 'downsampling' }, spec(conv(4, 3, { stride: 2 })))).toBe(true);
    expect(holds({ kind: 'downsampling' }, spec(conv(4, 3)))).toBe(false);
    // A pooling window that slides one pixel at a time shrinks nothing.
    const slide = { type: 'maxpool2d', size: 2, stride: 1 } as const;
    expect(holds({ kind: 'downsampling' }, spec(conv(4, 3), slide))).toBe(false);
    expect(holds({ kind: 'batchnorm' }, spec(conv(4, 3), { type: 'batchnorm' }))).toBe(true);
    expect(holds({ kind: 'batchnorm' }, spec(conv(4, 3)))).toBe(false);
  });
});
