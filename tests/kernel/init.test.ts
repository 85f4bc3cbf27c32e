/**
 * ops/init.ts: bounds and empirical spread of uniform/normal fills and of the four dense
 * random schemes (fan_in = C, fan_out = OC) and of zeros, determinism, and that nothing past N is
 * written.
 */
import { describe, expect, it } from 'vitest';
import { VARIANTS, harness, SIZES } from './harness.js';

function stats(xs: Float32Array) {
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    sum += x;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const mean = sum / xs.length;
  let sq = 0;
  for (const x of xs) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / xs.length), lo, hi };
}

describe.each(VARIANTS)('init (%s build)', (variant) => {
  it('init_uniform fills [−bound, bound) with std bound/√3', async () => {
    const h = await harness(variant);
    const n = 100_000;
    const out = h.alloc(n);
    h.k.init_uniform(out, n, 0.3, h.rng(1));
    const s = stats(h.read(out, n));
    expect(s.lo).toBeGreaterThanOrEqual(Math.fround(-0.3));
    expect(s.hi).toBeLessThan(Math.fround(0.3));
    expect(s.lo).toBeLessThan(-0.299);
    expect(s.hi).toBeGreaterThan(0.299);
    expect(Math.abs(s.mean)).toBeLessThan(0.003);
    expect(s.std / (0.3 / Math.sqrt(3))).toBeCloseTo(1, 2);
  });

  it('init_normal fills N(0, std²)', async () => {
    const h = await harness(variant);
    const n = 100_000;
    const out = h.alloc(n);
    h.k.init_normal(out, n, 0.5, h.rng(2));
    const xs = h.read(out, n);
    const s = stats(xs);
    expect(Math.abs(s.mean)).toBeLessThan(0.008);
    expect(s.std / 0.5).toBeCloseTo(1, 2);
    const within = xs.filter((x) => Math.abs(x) < 0.5).length / n;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
    // It is rng_normal_f64 scaled, value for value.
    const st = h.rng(2);
    const first = Array.from({ length: 20 }, () => Math.fround(h.k.rng_normal_f64(st) * 0.5));
    expect(Array.from(xs.slice(0, 20))).toEqual(first);
  });

  it('init_dense uses fan_in = C and fan_out = OC for all four schemes', async () => {
    const h = await harness(variant);
    // OC and C far apart, so mixing up fan_in and fan_out changes the spread several-fold.
    const OC = 40;
    const C = 600;
    const n = OC * C;
    const expectStd = [
      Math.sqrt(2 / (C + OC)), // xavier_uniform: bound √(6/(C+OC)), std bound/√3
      Math.sqrt(2 / (C + OC)), // xavier_normal
      Math.sqrt(2 / C), // he_uniform: bound √(6/C)
      Math.sqrt(2 / C), // he_normal
    ];
    const bounds = [Math.sqrt(6 / (C + OC)), Infinity, Math.sqrt(6 / C), Infinity];
    for (let scheme = 0; scheme < 4; scheme++) {
      const w = h.alloc(n);
      h.k.init_dense(w, OC, C, scheme, h.rng(100 + scheme));
      const s = stats(h.read(w, n));
      expect(s.std / expectStd[scheme], `scheme ${scheme}`).toBeGreaterThan(0.98);
      expect(s.std / expectStd[scheme], `scheme ${scheme}`).toBeLessThan(1.02);
      expect(Math.abs(s.mean)).toBeLessThan(0.05 * expectStd[scheme]);
      if (Number.isFinite(bounds[scheme])) {
        const b = Math.fround(bounds[scheme]);
        expect(s.lo).toBeGreaterThanOrEqual(-b);
        expect(s.hi).toBeLessThan(b);
        expect(s.hi).toBeGreaterThan(0.99 * b);
      } else {
        // Normal schemes are not truncated.
        expect(Math.max(-s.lo, s.hi)).toBeGreaterThan(3.5 * expectStd[scheme]);
      }
    }
  });

  it('init_dense matches init_uniform/init_normal with the scheme bound or std', async () => {
    const h = await harness(variant);
    const OC = 5;
    const C = 7;
    const a = h.alloc(OC * C);
    const b = h.alloc(OC * C);
    h.k.init_dense(a, OC, C, 2, h.rng(3));
    h.k.init_uniform(b, OC * C, Math.sqrt(6 / C), h.rng(3));
    expect(h.read(a, OC * C)).toEqual(h.read(b, OC * C));
    h.k.init_dense(a, OC, C, 1, h.rng(4));
    h.k.init_normal(b, OC * C, Math.sqrt(2 / (OC + C)), h.rng(4));
    expect(h.read(a, OC * C)).toEqual(h.read(b, OC * C));
  });

  it('is deterministic per seed, writes exactly N values, and traps on an unknown scheme', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const a = h.alloc(n + 4, new Float32Array(n + 4).fill(9));
      const b = h.alloc(n + 4);
      h.k.init_uniform(a, n, 1, h.rng(n));
      h.k.init_uniform(b, n, 1, h.rng(n));
      expect(h.read(a, n)).toEqual(h.read(b, n));
      expect(Array.from(h.read(a + 4 * n, 4))).toEqual([9, 9, 9, 9]);
      h.k.init_normal(a, n, 1, h.rng(n));
      expect(Array.from(h.read(a + 4 * n, 4))).toEqual([9, 9, 9, 9]);
      h.k.init_dense(a, 1, n, 3, h.rng(n));
      expect(Array.from(h.read(a + 4 * n, 4))).toEqual([9, 9, 9, 9]);
    }
    const a = h.alloc(64);
    const b = h.alloc(64);
    h.k.init_normal(a, 64, 1, h.rng(1));
    h.k.init_normal(b, 64, 1, h.rng(2));
    expect(h.read(a, 64)).not.toEqual(h.read(b, 64));
    expect(() => h.k.init_dense(a, 2, 2, 5, h.rng(1))).toThrow();
  });

  it('zeros (scheme 4) writes N zeros and leaves the random stream where it was', async () => {
    const h = await harness(variant);
    const OC = 3;
    const C = 5;
    const w = h.alloc(OC * C + 4, new Float32Array(OC * C + 4).fill(9));
    const used = h.rng(7);
    h.k.init_dense(w, OC, C, 4, used);
    expect(Array.from(h.read(w, OC * C))).toEqual(new Array(OC * C).fill(0));
    expect(Array.from(h.read(w + 4 * OC * C, 4))).toEqual([9, 9, 9, 9]);
    const fresh = h.rng(7);
    expect(h.k.rng_normal_f64(used)).toBe(h.k.rng_normal_f64(fresh));
  });
});

describe('init across builds', () => {
  it('both builds give the same weights', async () => {
    const a = await harness('simd');
    const b = await harness('scalar');
    for (let scheme = 0; scheme < 4; scheme++) {
      const wa = a.alloc(300);
      const wb = b.alloc(300);
      a.k.init_dense(wa, 10, 30, scheme, a.rng(77));
      b.k.init_dense(wb, 10, 30, scheme, b.rng(77));
      expect(a.read(wa, 300)).toEqual(b.read(wb, 300));
    }
  });
});
