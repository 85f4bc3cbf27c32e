/**
 * rng.ts: xoshiro128** against an independent TypeScript implementation, seeding through
 * splitmix64, and the statistics of every derived distribution.
 */
import { describe, expect, it } from 'vitest';
import { VARIANTS, harness, SIZES, type Harness } from './harness.js';

const MASK64 = (1n << 64n) - 1n;

/** Reference splitmix64 seeding: state words = low/high halves of the first two outputs. */
function seedRef(seed: number): number[] {
  let x = BigInt(seed >>> 0);
  const words: number[] = [];
  for (let i = 0; i < 2; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    z = z ^ (z >> 31n);
    words.push(Number(z & 0xffffffffn), Number(z >> 32n));
  }
  return words;
}

/** Reference xoshiro128** step on a four-word state (mutated); returns the output. */
function nextRef(s: number[]): number {
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] = (s[2] ^ s[0]) >>> 0;
  s[3] = (s[3] ^ s[1]) >>> 0;
  s[1] = (s[1] ^ s[2]) >>> 0;
  s[0] = (s[0] ^ s[3]) >>> 0;
  s[2] = (s[2] ^ t) >>> 0;
  s[3] = rotl(s[3], 11);
  return result;
}

function stateWords(h: Harness, state: number): number[] {
  return Array.from(new Uint32Array(h.k.memory.buffer, state, 4));
}

function draws(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

function minMax(xs: number[]): [number, number] {
  return xs.reduce<[number, number]>(
    ([lo, hi], x) => [Math.min(lo, x), Math.max(hi, x)],
    [Infinity, -Infinity],
  );
}

function meanVar(xs: number[]): [number, number] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return [mean, variance];
}

describe.each(VARIANTS)('rng.ts (%s build)', (variant) => {
  it('rng_u32 is xoshiro128**: the published first output and a reference stream', async () => {
    const h = await harness(variant);
    const state = h.alloc(4);
    new Uint32Array(h.k.memory.buffer, state, 4).set([1, 2, 3, 4]);
    // rotl(2·5, 7)·9 = 11520 for the state {1, 2, 3, 4}.
    expect(h.k.rng_u32(state) >>> 0).toBe(11520);
    const ref = [1, 2, 3, 4];
    nextRef(ref);
    const got = draws(1000, () => h.k.rng_u32(state) >>> 0);
    expect(got).toEqual(draws(1000, () => nextRef(ref)));
    expect(stateWords(h, state)).toEqual(ref);
  });

  it('rng_seed expands the seed with splitmix64; seed 0 gives a usable state', async () => {
    const h = await harness(variant);
    for (const seed of [0, 1, 2, 42, 0x7fffffff, 0xffffffff]) {
      const state = h.rng(seed);
      const want = seedRef(seed);
      expect(stateWords(h, state), `seed ${seed}`).toEqual(want);
      const got = draws(16, () => h.k.rng_u32(state) >>> 0);
      expect(got).toEqual(draws(16, () => nextRef(want)));
    }
    expect(seedRef(0).some((w) => w !== 0)).toBe(true);
    const zero = h.rng(0);
    expect(new Set(draws(100, () => h.k.rng_u32(zero))).size).toBe(100);
  });

  it('same seed gives the same stream, different seeds give different streams', async () => {
    const h = await harness(variant);
    const a = h.rng(1234);
    const b = h.rng(1234);
    expect(draws(500, () => h.k.rng_u32(a))).toEqual(draws(500, () => h.k.rng_u32(b)));
    const firsts = new Set<number>();
    for (let seed = 0; seed < 200; seed++) firsts.add(h.k.rng_u32(h.rng(seed)));
    expect(firsts.size).toBe(200);
  });

  it('rng_uniform_f32 is in [0, 1) on a 2^-24 grid with mean 1/2 and variance 1/12', async () => {
    const h = await harness(variant);
    const s = h.rng(7);
    const xs = draws(200_000, () => h.k.rng_uniform_f32(s));
    const [lo, hi] = minMax(xs);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(lo).toBeLessThan(1e-4);
    expect(hi).toBeLessThan(1);
    expect(hi).toBeGreaterThan(1 - 1e-4);
    expect(xs.every((x) => Number.isInteger(x * 2 ** 24))).toBe(true);
    // 24 bits, not fewer: some draws use the lowest of them.
    expect(xs.some((x) => !Number.isInteger(x * 2 ** 23))).toBe(true);
    const [mean, variance] = meanVar(xs);
    // Standard error of the mean is 0.29/√200000 ≈ 6.5e-4.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    // It is the top 24 bits of rng_u32.
    const a = h.rng(99);
    const b = h.rng(99);
    for (let i = 0; i < 100; i++) {
      expect(h.k.rng_uniform_f32(a)).toBe((h.k.rng_u32(b) >>> 8) / 2 ** 24);
    }
  });

  it('rng_uniform_f64 is in [0, 1) with 53 bits from two draws', async () => {
    const h = await harness(variant);
    const s = h.rng(8);
    const xs = draws(200_000, () => h.k.rng_uniform_f64(s));
    const [lo, hi] = minMax(xs);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(lo).toBeLessThan(1e-4);
    expect(hi).toBeLessThan(1);
    expect(hi).toBeGreaterThan(1 - 1e-4);
    expect(xs.every((x) => Number.isInteger(x * 2 ** 53))).toBe(true);
    expect(xs.filter((x) => !Number.isInteger(x * 2 ** 32)).length).toBeGreaterThan(199_000);
    const [mean, variance] = meanVar(xs);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    const a = h.rng(5);
    const b = h.rng(5);
    const x = h.k.rng_uniform_f64(a);
    const top = h.k.rng_u32(b) >>> 5;
    const bottom = h.k.rng_u32(b) >>> 6;
    expect(x).toBe((top * 2 ** 26 + bottom) / 2 ** 53);
  });

  it('rng_normal_f64 has mean 0, variance 1, normal tails and kurtosis 3', async () => {
    const h = await harness(variant);
    const s = h.rng(9);
    const n = 200_000;
    const xs = draws(n, () => h.k.rng_normal_f64(s));
    const [mean, variance] = meanVar(xs);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    const within1 = xs.filter((x) => Math.abs(x) < 1).length / n;
    const within2 = xs.filter((x) => Math.abs(x) < 2).length / n;
    expect(Math.abs(within1 - 0.682689)).toBeLessThan(0.006);
    expect(Math.abs(within2 - 0.9545)).toBeLessThan(0.003);
    const kurtosis = xs.reduce((a, x) => a + x ** 4, 0) / n / variance ** 2;
    expect(Math.abs(kurtosis - 3)).toBeLessThan(0.1);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('rng_below stays in [0, n), is uniform, and is not biased like x mod n', async () => {
    const h = await harness(variant);
    const s = h.rng(10);
    expect(h.k.rng_below(s, 0)).toBe(0);
    expect(h.k.rng_below(s, -5)).toBe(0);
    expect(draws(100, () => h.k.rng_below(s, 1)).every((x) => x === 0)).toBe(true);
    for (const n of [2, 3, 7, 10, 1000, 0x7fffffff]) {
      const xs = draws(20_000, () => h.k.rng_below(s, n));
      expect(
        xs.every((x) => Number.isInteger(x) && x >= 0 && x < n),
        `n=${n}`,
      ).toBe(true);
    }
    for (const n of [3, 10]) {
      const draws_ = 100_000;
      const counts = new Array<number>(n).fill(0);
      for (let i = 0; i < draws_; i++) counts[h.k.rng_below(s, n)] += 1;
      const expected = draws_ / n;
      const chi2 = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
      // 99.99th percentile of χ² is 18.4 for 2 and 33.7 for 9 degrees of freedom.
      expect(chi2, `n=${n} counts ${counts.join(',')}`).toBeLessThan(n === 3 ? 18.4 : 33.7);
    }
    // n = 1.5·2^30: x mod n would put 3/4 of the draws below 2^30 instead of 2/3.
    const n = 1.5 * 2 ** 30;
    const below = draws(40_000, () => h.k.rng_below(s, n)).filter((x) => x < 2 ** 30).length;
    expect(Math.abs(below / 40_000 - 2 / 3)).toBeLessThan(0.012);
  });

  it('rng_shuffle_i32 gives a permutation, and all 3! orders equally often', async () => {
    const h = await harness(variant);
    const s = h.rng(11);
    for (const n of SIZES) {
      const ptr = h.alloc(n + 4);
      const view = () => new Int32Array(h.k.memory.buffer, ptr, n + 4);
      view().set([...Array.from({ length: n }, (_, i) => i), -1, -1, -1, -1]);
      h.k.rng_shuffle_i32(s, ptr, n);
      const got = Array.from(view());
      expect(got.slice(n)).toEqual([-1, -1, -1, -1]);
      expect([...got.slice(0, n)].sort((a, b) => a - b)).toEqual(
        Array.from({ length: n }, (_, i) => i),
      );
      if (n >= 17) expect(got.slice(0, n)).not.toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // Sattolo's off-by-one (j < i instead of j ≤ i) would never produce the identity.
    const ptr = h.alloc(3);
    const counts = new Map<string, number>();
    const trials = 60_000;
    for (let t = 0; t < trials; t++) {
      const view = new Int32Array(h.k.memory.buffer, ptr, 3);
      view.set([0, 1, 2]);
      h.k.rng_shuffle_i32(s, ptr, 3);
      const key = Array.from(view).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const [key, c] of counts) expect(Math.abs(c - trials / 6), key).toBeLessThan(450);
  });
});

describe('rng.ts across builds', () => {
  it('both builds give the same streams', async () => {
    const a = await harness('simd');
    const b = await harness('scalar');
    const sa = a.rng(2024);
    const sb = b.rng(2024);
    expect(draws(300, () => a.k.rng_normal_f64(sa))).toEqual(
      draws(300, () => b.k.rng_normal_f64(sb)),
    );
    expect(draws(300, () => a.k.rng_below(sa, 77))).toEqual(
      draws(300, () => b.k.rng_below(sb, 77)),
    );
  });
});
