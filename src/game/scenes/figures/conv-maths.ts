/**
 * The arithmetic behind the convolution chapter's briefing figures, kept apart from drawing so
 * it can be tested: a filter's dot product with the pixels under it, the output size of a
 * sliding window (with what goes wrong when it does not fit), parameter counts of a dense
 * network and of a convolution layer, 2×2 pooling of a patch, and a deterministic stack of
 * layers with and without batch normalisation. Plain arithmetic only (no Math.random, no
 * transcendentals): every figure shows the same numbers every time.
 */

/** The sum of a[i] × b[i]. */
export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * (b[i] ?? 0);
  return s;
}

/** The k×k pixels of a square `side`×`side` image (row-major) whose top-left is (row, col). */
export function windowAt(
  image: readonly number[],
  side: number,
  row: number,
  col: number,
  k = 3,
): number[] {
  const out: number[] = [];
  for (let r = 0; r < k; r++)
    for (let c = 0; c < k; c++) out.push(image[(row + r) * side + col + c]!);
  return out;
}

/** The whole feature map of a k×k filter slid one pixel at a time, no padding (row-major). */
export function featureMap(
  image: readonly number[],
  side: number,
  filter: readonly number[],
): number[] {
  const k = Math.round(Math.sqrt(filter.length));
  const n = side - k + 1;
  const out: number[] = [];
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) out.push(dot(windowAt(image, side, r, c, k), filter));
  return out;
}

/** Where a window of size K with stride S and padding P lands on an input of size N. */
export interface SlideFit {
  /** Output cells: ⌊(N + 2P − K) / S⌋ + 1, or 0 when the kernel does not fit at all. */
  out: number;
  /** N + 2P − K: how far the window can travel (negative: it does not fit). */
  travel: number;
  /** Padded cells at the far end that no window reaches ((N + 2P − K) mod S). */
  skipped: number;
  /** False when the kernel is larger than the padded input. */
  fits: boolean;
}

export function slideFit(n: number, k: number, s: number, p: number): SlideFit {
  const travel = n + 2 * p - k;
  if (travel < 0) return { out: 0, travel, skipped: 0, fits: false };
  return { out: Math.floor(travel / s) + 1, travel, skipped: travel % s, fits: true };
}

/** One dense layer's parameters: a weight per input per unit, plus a bias per unit. */
export interface LayerCount {
  inputs: number;
  units: number;
  weights: number;
  biases: number;
  total: number;
}

/** Parameters of a dense network: `inputs` numbers through `widths` (hidden layers and output). */
export function denseCounts(inputs: number, widths: readonly number[]): LayerCount[] {
  let from = inputs;
  return widths.map((units) => {
    const layer = {
      inputs: from,
      units,
      weights: from * units,
      biases: units,
      total: from * units + units,
    };
    from = units;
    return layer;
  });
}

/** Parameters of one convolution layer: each filter has k×k×channels weights and one bias. */
export function convCount(filters: number, kernel: number, channels: number): LayerCount {
  const perFilter = kernel * kernel * channels;
  return {
    inputs: perFilter,
    units: filters,
    weights: filters * perFilter,
    biases: filters,
    total: filters * perFilter + filters,
  };
}

export type PoolMode = 'max' | 'average';

/** 2×2 pooling with stride 2 of a square patch (row-major, even side). */
export function pool2x2(patch: readonly number[], side: number, mode: PoolMode): number[] {
  const half = side / 2;
  const out: number[] = [];
  for (let r = 0; r < half; r++) {
    for (let c = 0; c < half; c++) {
      const cells = poolSources(r, c, side).map((i) => patch[i]!);
      out.push(
        mode === 'max' ? Math.max(...cells) : cells.reduce((a, b) => a + b, 0) / cells.length,
      );
    }
  }
  return out;
}

/** Indices (row-major in a `side`-wide patch) of the four cells output (r, c) pools. */
export function poolSources(r: number, c: number, side: number): number[] {
  const top = 2 * r * side + 2 * c;
  return [top, top + 1, top + side, top + side + 1];
}

/** The patch moved `by` pixels to the right; cells that come in from the left get `fill`. */
export function shiftRight(patch: readonly number[], side: number, by: number, fill = 0): number[] {
  return patch.map((_, i) => {
    const c = i % side;
    return c < by ? fill : patch[i - by]!;
  });
}

/** A small linear-congruential generator: the same sequence of numbers in [0, 1) every time. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Mean and spread (standard deviation) of some numbers. */
export function spreadOf(values: readonly number[]): { mean: number; spread: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, spread: Math.sqrt(variance) };
}

/** One layer's activations over the batch, with their mean and spread. */
export interface LayerActivity {
  values: number[];
  mean: number;
  spread: number;
}

/**
 * A batch of `batch` examples of `width` numbers through `layers` linear layers whose weights
 * are `gain` times a neutral size (spread kept at 1 when gain is 1), each with a small bias.
 * With `norm`, every unit is rescaled over the batch to mean 0 and spread 1 after its layer
 * (batch normalisation without its learned scale and shift). Deterministic (fixed seed).
 */
export function layerStack(
  gain: number,
  norm: boolean,
  layers = 6,
  width = 16,
  batch = 48,
): LayerActivity[] {
  const rand = lcg(7);
  // Roughly bell-shaped inputs: the sum of three uniforms, centred, spread ≈ 1.
  let a = Array.from({ length: batch }, () =>
    Array.from({ length: width }, () => (rand() + rand() + rand() - 1.5) * 2),
  );
  const scale = gain * Math.sqrt(3 / width);
  const result: LayerActivity[] = [];
  for (let l = 0; l < layers; l++) {
    const w = Array.from({ length: width }, () =>
      Array.from({ length: width }, () => (rand() * 2 - 1) * scale),
    );
    const bias = Array.from({ length: width }, () => (rand() * 2 - 1) * 0.05);
    a = a.map((x) => w.map((row, j) => dot(row, x) + bias[j]!));
    if (norm) {
      for (let j = 0; j < width; j++) {
        const { mean, spread } = spreadOf(a.map((x) => x[j]!));
        for (const x of a) x[j] = (x[j]! - mean) / (spread + 1e-5);
      }
    }
    const values = a.flat();
    result.push({ values, ...spreadOf(values) });
  }
  return result;
}
