import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  convCount,
  denseCounts,
  dot,
  featureMap,
  layerStack,
  lcg,
  pool2x2,
  poolSources,
  shiftRight,
  slideFit,
  spreadOf,
  windowAt,
} from '../../src/game/scenes/figures/conv-maths.js';
import { FIGURES } from '../../src/levels/schema.js';

describe('the filter figure', () => {
  it('takes the dot product of the pixels under the filter with its weights', () => {
    expect(dot([0.2, 0.8, 0.5], [1, 0, -1])).toBeCloseTo(-0.3);
    const image = Array.from({ length: 16 }, (_, i) => i);
    expect(windowAt(image, 4, 1, 1)).toEqual([5, 6, 7, 9, 10, 11, 13, 14, 15]);
  });

  it('lights up a vertical edge with a vertical-edge filter, and nothing on flat ground', () => {
    // Left half bright, right half dark: the edge is between columns 1 and 2.
    const image = Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 1 : 0));
    const map = featureMap(image, 4, [1, 0, -1, 1, 0, -1, 1, 0, -1]);
    expect(map).toEqual([3, 3, 3, 3]);
    const flat = featureMap(new Array(16).fill(1), 4, [1, 0, -1, 1, 0, -1, 1, 0, -1]);
    expect(flat).toEqual([0, 0, 0, 0]);
  });
});

describe('the output-size formula', () => {
  it('is ⌊(N + 2P − K) / S⌋ + 1', () => {
    expect(slideFit(32, 3, 1, 0)).toEqual({ out: 30, travel: 29, skipped: 0, fits: true });
    expect(slideFit(32, 3, 1, 1).out).toBe(32);
    expect(slideFit(9, 3, 2, 1)).toEqual({ out: 5, travel: 8, skipped: 0, fits: true });
    expect(slideFit(5, 5, 1, 0).out).toBe(1);
  });

  it('says how many cells a stride skips when it does not divide the travel', () => {
    expect(slideFit(8, 3, 2, 0)).toEqual({ out: 3, travel: 5, skipped: 1, fits: true });
    expect(slideFit(10, 3, 4, 0)).toEqual({ out: 2, travel: 7, skipped: 3, fits: true });
  });

  it('has no output when the kernel is larger than the padded input', () => {
    expect(slideFit(4, 7, 1, 1)).toEqual({ out: 0, travel: -1, skipped: 0, fits: false });
    expect(slideFit(4, 6, 1, 1).fits).toBe(true);
  });
});

describe('parameter counts', () => {
  it('counts 427,658 for a flattened 32×32×3 image through 128-128-128-10', () => {
    const layers = denseCounts(32 * 32 * 3, [128, 128, 128, 10]);
    expect(layers.map((l) => l.total)).toEqual([393_344, 16_512, 16_512, 1_290]);
    expect(layers.reduce((s, l) => s + l.total, 0)).toBe(427_658);
  });

  it('counts 448 for 16 filters of 3×3 over 3 colours, whatever the image size', () => {
    expect(convCount(16, 3, 3)).toMatchObject({ weights: 432, biases: 16, total: 448 });
  });
});

describe('pooling', () => {
  const patch = [1, 9, 2, 0, 3, 4, 5, 6, 0, 0, 7, 1, 2, 8, 1, 3];
  it('keeps the largest of each 2×2 block, or their average', () => {
    expect(pool2x2(patch, 4, 'max')).toEqual([9, 6, 8, 7]);
    expect(pool2x2(patch, 4, 'average')).toEqual([4.25, 3.25, 2.5, 3]);
    expect(poolSources(1, 1, 4)).toEqual([10, 11, 14, 15]);
  });

  it('moves a patch one pixel to the right, filling from the left', () => {
    expect(shiftRight([1, 2, 3, 4], 2, 1)).toEqual([0, 1, 0, 3]);
  });
});

describe('the batch-norm stack', () => {
  it('is deterministic', () => {
    const a = lcg(3);
    const b = lcg(3);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(layerStack(1.6, false)[5]!.spread).toBe(layerStack(1.6, false)[5]!.spread);
  });

  it('explodes with large weights, collapses with small ones, and stays at 0 ± 1 when normalised', () => {
    const big = layerStack(1.6, false);
    const small = layerStack(0.6, false);
    expect(big[5]!.spread).toBeGreaterThan(5 * big[0]!.spread);
    expect(small[5]!.spread).toBeLessThan(small[0]!.spread / 5);
    for (const gain of [0.6, 1, 1.6]) {
      for (const layer of layerStack(gain, true)) {
        expect(Math.abs(layer.mean)).toBeLessThan(1e-6);
        expect(layer.spread).toBeCloseTo(1, 3);
      }
    }
    expect(spreadOf([1, 3])).toEqual({ mean: 2, spread: 1 });
  });
});

describe('the briefing figures', () => {
  it('draws every figure the level schema allows', () => {
    const source = readFileSync(
      new URL('../../src/game/scenes/briefing.ts', import.meta.url),
      'utf8',
    );
    const map = /const FIGURES[^{]*\{([^}]*)\}/.exec(source)?.[1] ?? '';
    const names = [...map.matchAll(/'([a-z-]+)':/g)].map((m) => m[1]);
    expect(names.sort()).toEqual([...FIGURES].sort());
  });
});
