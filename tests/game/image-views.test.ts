import { describe, expect, it } from 'vitest';
import { buildNetwork, type LayerSpec } from '../../src/engine/spec.js';
import { filterWeights, mapLayers } from '../../src/game/objects/map-layers.js';
import {
  fieldSize,
  layerWindow,
  receptiveField,
  spanBack,
  windowsThrough,
} from '../../src/game/objects/receptive-field.js';
import {
  answersOf,
  galleryOrder,
  shortLabel,
  spreadRows,
} from '../../src/game/objects/gallery-order.js';
import {
  DIVERGING_TABLE,
  GREY_TABLE,
  VIRIDIS_TABLE,
  levelOf,
  paintTile,
  peakOf,
  rangeOf,
} from '../../src/game/objects/image-scale.js';
import { diverging, viridis } from '../../src/game/theme.js';

const conv = (kernel: number, stride?: number, padding?: number): LayerSpec => ({
  type: 'conv2d',
  filters: 4,
  kernel,
  ...(stride === undefined ? {} : { stride }),
  ...(padding === undefined ? {} : { padding }),
});
const pool = (size: number, stride?: number, padding?: number): LayerSpec => ({
  type: 'maxpool2d',
  size,
  ...(stride === undefined ? {} : { stride }),
  ...(padding === undefined ? {} : { padding }),
});

describe('receptive field', () => {
  it('reads each layer’s window with the spec’s defaults', () => {
    expect(layerWindow(conv(3))).toEqual({ kernel: 3, stride: 1, padding: 0 });
    expect(layerWindow(conv(5, 2, 1))).toEqual({ kernel: 5, stride: 2, padding: 1 });
    expect(layerWindow(pool(2))).toEqual({ kernel: 2, stride: 2, padding: 0 });
    expect(layerWindow({ type: 'avgpool2d', size: 3, stride: 1, padding: 1 })).toEqual({
      kernel: 3,
      stride: 1,
      padding: 1,
    });
    expect(layerWindow({ type: 'batchnorm' } as LayerSpec)).toBeNull();
    expect(layerWindow({ type: 'dense', units: 3 })).toBeNull();
  });

  it('keeps the windows up to a layer, skipping the ones that keep positions', () => {
    const layers: LayerSpec[] = [conv(3, 1, 1), { type: 'batchnorm' } as LayerSpec, pool(2)];
    expect(windowsThrough(layers, 0)).toEqual([{ kernel: 3, stride: 1, padding: 1 }]);
    expect(windowsThrough(layers, 2)).toHaveLength(2);
  });

  it('one 3×3 conv without padding: cell (r, c) sees rows r..r+2, columns c..c+2', () => {
    const w = windowsThrough([conv(3)], 0);
    expect(receptiveField(w, 0, 0, 8, 8)).toEqual({ top: 0, left: 0, bottom: 2, right: 2 });
    expect(receptiveField(w, 5, 2, 8, 8)).toEqual({ top: 5, left: 2, bottom: 7, right: 4 });
  });

  it('padding shifts the field back and the image edge clips it', () => {
    const w = windowsThrough([conv(3, 1, 1)], 0);
    // The corner cell's window is half padding: only a 2×2 patch of real pixels.
    expect(receptiveField(w, 0, 0, 8, 8)).toEqual({ top: 0, left: 0, bottom: 1, right: 1 });
    expect(receptiveField(w, 3, 5, 8, 8)).toEqual({ top: 2, left: 4, bottom: 4, right: 6 });
    expect(receptiveField(w, 7, 7, 8, 8)).toEqual({ top: 6, left: 6, bottom: 7, right: 7 });
  });

  it('walks back through a conv with padding, a pool and a strided conv', () => {
    // 28×28 → conv 3×3 p1 → 28 → pool 2 → 14 → conv 3×3 s2 p1 → 7.
    const layers = [conv(3, 1, 1), pool(2), conv(3, 2, 1)];
    const w = windowsThrough(layers, 2);
    // Last conv cell 2 reads pool cells 3..5, which read conv cells 6..11, which read pixels 5..12.
    expect(spanBack(w, 2, 2)).toEqual([5, 12]);
    expect(receptiveField(w, 2, 3, 28, 28)).toEqual({ top: 5, left: 9, bottom: 12, right: 16 });
    // The textbook size and jump agree: 1 + 2 + 1·1 + 2·2 = 8 pixels, moving 4 per cell.
    expect(fieldSize(w)).toEqual({ size: 8, jump: 4 });
    const [a, b] = spanBack(w, 0, 0);
    expect(b - a + 1).toBe(fieldSize(w).size);
    // After the pool alone, cell (1, 1) covers conv cells 2..3, i.e. pixels 1..4.
    expect(receptiveField(windowsThrough(layers, 1), 1, 1, 28, 28)).toEqual({
      top: 1,
      left: 1,
      bottom: 4,
      right: 4,
    });
  });

  it('a pool with its own stride and padding', () => {
    const w = windowsThrough([pool(3, 2, 1)], 0);
    expect(spanBack(w, 0, 0)).toEqual([-1, 1]);
    expect(spanBack(w, 3, 3)).toEqual([5, 7]);
    expect(receptiveField(w, 0, 3, 8, 8)).toEqual({ top: 0, left: 5, bottom: 1, right: 7 });
  });
});

describe('what the image view draws for a network', () => {
  const digits = { inputs: 64, inputShape: [1, 8, 8], outputs: 10, task: 'multiclass' } as const;
  const image = { channels: 1, height: 8, width: 8 };
  const view = (layers: LayerSpec[]) => {
    const net = buildNetwork({ layers }, digits);
    // The learner's probe-able outputs: every module's but flatten's (an alias of its input).
    const outs = new Set(
      net.summary.filter((r) => r.kind !== 'flatten').map((r) => `${r.module}.out`),
    );
    const shapes = new Map([['0.weight', [6, 1, 3, 3]]]);
    return {
      maps: mapLayers(layers, net.summary, outs),
      filters: filterWeights(layers, net.summary, shapes, image),
    };
  };

  it('a row per conv and pool layer, after its activation, with the windows up to it', () => {
    const { maps, filters } = view([
      { type: 'conv2d', filters: 6, kernel: 3, padding: 1, activation: 'relu' },
      { type: 'batchnorm' } as LayerSpec,
      { type: 'maxpool2d', size: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ]);
    expect(maps.map((m) => [m.label, m.tensor, m.shape])).toEqual([
      ['1. conv 3×3 + relu', '1.out', [6, 8, 8]],
      ['3. max pool 2×2', '3.out', [6, 4, 4]],
    ]);
    expect(maps[1]!.windows).toEqual([
      { kernel: 3, stride: 1, padding: 1 },
      { kernel: 2, stride: 2, padding: 0 },
    ]);
    expect(filters).toMatchObject({ tensor: '0.weight', count: 6, channels: 1, rows: 3, cols: 3 });
  });

  it('a dense network on the raw image shows its first layer’s units as images', () => {
    const { maps, filters } = view([
      { type: 'flatten' },
      { type: 'dense', units: 16, activation: 'relu' },
      { type: 'dense', units: 10 },
    ]);
    expect(maps).toEqual([]);
    expect(filters).toMatchObject({ tensor: '1.weight', count: 16, rows: 8, cols: 8 });
  });
});

describe('gallery sorting', () => {
  // Four images, three classes: answers 2 (0.6), 0 (0.9), 1 (0.4), 0 (0.6).
  const probs = Float32Array.from([0.1, 0.3, 0.6, 0.9, 0.05, 0.05, 0.3, 0.4, 0.3, 0.6, 0.2, 0.2]);
  const answers = answersOf(probs, 3);

  it('takes the most probable class and its probability', () => {
    expect(answers.map((a) => a.guess)).toEqual([2, 0, 1, 0]);
    expect(answers.map((a) => +a.confidence.toFixed(2))).toEqual([0.6, 0.9, 0.4, 0.6]);
  });

  it('in order, most sure first, least sure first; ties keep the images’ order', () => {
    expect(galleryOrder(answers, 'order')).toEqual([0, 1, 2, 3]);
    expect(galleryOrder(answers, 'sure')).toEqual([1, 0, 3, 2]);
    expect(galleryOrder(answers, 'unsure')).toEqual([2, 0, 3, 1]);
  });

  it('does not move anything without answers', () => {
    expect(galleryOrder([], 'sure')).toEqual([]);
  });

  it('shortens class names to the room under a tile', () => {
    const measure = (t: string): number => t.length * 7;
    expect(shortLabel('Coat', 56, measure)).toBe('Coat');
    expect(shortLabel('T-shirt/top', 56, measure)).toBe('T-shirt');
    expect(shortLabel('Ankle boot', 56, measure)).toBe('Boot');
    expect(shortLabel('Pullover', 49, measure)).toBe('Pullov…');
  });

  it('spreads a sample evenly over a split grouped by class', () => {
    expect(spreadRows(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(spreadRows(2000, 4)).toEqual([0, 500, 1000, 1500]);
  });
});

describe('colour scales', () => {
  const rgb = (table: Uint8Array, level: number): number =>
    (table[level * 3]! << 16) | (table[level * 3 + 1]! << 8) | table[level * 3 + 2]!;

  it('maps a value to a level 0..255 between the scale’s ends, clamped', () => {
    expect(levelOf(0, 0, 1)).toBe(0);
    expect(levelOf(1, 0, 1)).toBe(255);
    expect(levelOf(0.5, 0, 1)).toBe(128);
    expect(levelOf(-3, -2, 2)).toBe(0);
    expect(levelOf(9, -2, 2)).toBe(255);
    // A flat map (a dead ReLU) and a NaN are drawn at the low end, not as noise.
    expect(levelOf(4, 4, 4)).toBe(0);
    expect(levelOf(NaN, 0, 1)).toBe(0);
  });

  it('the tables follow the theme’s viridis and blue–orange scales', () => {
    expect(rgb(VIRIDIS_TABLE, 0)).toBe(viridis(0));
    expect(rgb(VIRIDIS_TABLE, 255)).toBe(viridis(1));
    expect(rgb(DIVERGING_TABLE, 0)).toBe(diverging(-1));
    expect(rgb(DIVERGING_TABLE, 255)).toBe(diverging(1));
    expect(rgb(GREY_TABLE, 255)).toBe(0xffffff);
    expect(rgb(GREY_TABLE, 0)).toBe(0);
  });

  it('viridis gets brighter all the way, so order reads without colour', () => {
    const luma = (c: number): number =>
      0.2126 * ((c >> 16) & 255) + 0.7152 * ((c >> 8) & 255) + 0.0722 * (c & 255);
    for (let i = 8; i < 256; i += 8)
      expect(luma(rgb(VIRIDIS_TABLE, i))).toBeGreaterThan(luma(rgb(VIRIDIS_TABLE, i - 8)));
  });

  it('the diverging scale is grey at zero and blue below, orange above', () => {
    const mid = rgb(DIVERGING_TABLE, levelOf(0, -1, 1));
    expect(Math.abs(((mid >> 16) & 255) - (mid & 255))).toBeLessThan(16);
    const low = rgb(DIVERGING_TABLE, 0);
    const high = rgb(DIVERGING_TABLE, 255);
    expect(low & 255).toBeGreaterThan((low >> 16) & 255);
    expect((high >> 16) & 255).toBeGreaterThan(high & 255);
  });

  it('ranges and peaks skip what is not a number', () => {
    expect(rangeOf([3, -1, NaN, 7, Infinity])).toEqual({ lo: -1, hi: 7 });
    expect(rangeOf([5, 6, 1, 2], 2, 2)).toEqual({ lo: 1, hi: 2 });
    expect(rangeOf([])).toEqual({ lo: 0, hi: 0 });
    expect(peakOf([0.2, -0.5, 0.1])).toBe(0.5);
    expect(peakOf([0, 0])).toBeGreaterThan(0);
  });

  it('paints a map as nearest-neighbour blocks and returns its mean level', () => {
    const target = { data: new Uint8ClampedArray(4 * 4 * 4), width: 4 };
    const map = { values: [0, 1, 1, 0], offset: 0, height: 2, width: 2 };
    const mean = paintTile(target, 0, 0, 4, map, GREY_TABLE, 0, 1);
    expect(mean).toBeCloseTo(127.5);
    const at = (x: number, y: number): number => target.data[(y * 4 + x) * 4]!;
    expect([at(0, 0), at(1, 1), at(2, 0), at(3, 1), at(0, 2), at(3, 3)]).toEqual([
      0, 0, 255, 255, 255, 0,
    ]);
    expect(target.data[3]).toBe(255);
  });
});

describe('nextStep (a workbench block field stepping through its values)', () => {
  it('clamps at the ends, wraps when asked, and moves a value between steps to the nearer one', async () => {
    const { nextStep } = await import('../../src/game/objects/block-fields.js');
    const steps = [1, 3, 5, 7];
    expect(nextStep(steps, 3, 1, false)).toBe(5);
    expect(nextStep(steps, 7, 1, false)).toBe(7);
    expect(nextStep(steps, 7, 1, true)).toBe(1);
    expect(nextStep(steps, 1, -1, true)).toBe(7);
    expect(nextStep(steps, 4, 1, false)).toBe(5);
    expect(nextStep(steps, 4, -1, false)).toBe(3);
    expect(nextStep(steps, 9, -1, false)).toBe(5);
  });
});
