/**
 * The data PRNG wrapper: seeding, ranges, independence of instances, and that the JS shuffle is
 * the same permutation as the kernel's own `rng_shuffle_i32` (so either may be used).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { instantiateKernel } from '../../src/engine/kernel.js';
import { DataError } from '../../src/data/dataset.js';
import { kernelRandom, type DataRandom } from '../../src/data/random.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

function draws(rand: DataRandom, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(rand.uniform(), rand.normal(), rand.below(1000));
  return out;
}

describe('kernelRandom', () => {
  it('repeats exactly for the same seed and differs for another seed', () => {
    const a = draws(kernelRandom(module, 42), 200);
    const b = draws(kernelRandom(module, 42), 200);
    const c = draws(kernelRandom(module, 43), 200);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('gives independent streams per instance', () => {
    const alone = draws(kernelRandom(module, 7), 50);
    const first = kernelRandom(module, 7);
    const other = kernelRandom(module, 7);
    draws(other, 123); // advancing another instance must not touch this one
    expect(draws(first, 50)).toEqual(alone);
  });

  it('draws uniforms in [0, 1) and standard normals', () => {
    const rand = kernelRandom(module, 1);
    const n = 20_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = rand.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = rand.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 1);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(sn2 / n - (sn / n) ** 2)).toBeCloseTo(1, 1);
  });

  it('draws below(n) over the whole range [0, n) and rejects bad bounds', () => {
    const rand = kernelRandom(module, 3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rand.below(10);
      expect(Number.isInteger(v) && v >= 0 && v < 10).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(10);
    expect(rand.below(1)).toBe(0);
    const big = rand.below(0x7fffffff);
    expect(big >= 0 && big < 0x7fffffff).toBe(true);
    for (const bad of [0, -1, 1.5, 2 ** 31, NaN]) expect(() => rand.below(bad)).toThrow(RangeError);
  });

  it('computes sin and cos with the kernel', () => {
    const rand = kernelRandom(module, 0);
    for (const x of [0, 0.5, -1, 3.141592653589793, 10, -123.25]) {
      expect(rand.sin(x)).toBeCloseTo(Math.sin(x), 12);
      expect(rand.cos(x)).toBeCloseTo(Math.cos(x), 12);
    }
  });

  it('computes exp with the kernel, bit for bit its exp_f64, without touching the stream', () => {
    const rand = kernelRandom(module, 0);
    const k = instantiateKernel(module);
    const before = kernelRandom(module, 0).uniform();
    for (const x of [0, 1, -1, 0.5, -3.125, -40, 20]) {
      expect(rand.exp(x)).toBe(k.exp_f64(x));
      expect(rand.exp(x) / Math.exp(x)).toBeCloseTo(1, 12);
    }
    expect(rand.exp(0)).toBe(1);
    expect(rand.uniform()).toBe(before);
  });

  it('shuffles into a permutation, the same one rng_shuffle_i32 makes', () => {
    const n = 257;
    const js = Int32Array.from({ length: n }, (_, i) => i);
    kernelRandom(module, 99).shuffle(js);
    expect([...js].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(js).not.toEqual(Int32Array.from({ length: n }, (_, i) => i));

    const k = instantiateKernel(module);
    const state = (k.heap_base() + 15) & ~15;
    const ptr = state + 16;
    k.rng_seed(state, 99);
    new Int32Array(k.memory.buffer, ptr, n).set(Int32Array.from({ length: n }, (_, i) => i));
    k.rng_shuffle_i32(state, ptr, n);
    expect(js).toEqual(new Int32Array(k.memory.buffer, ptr, n).slice());
  });

  it('accepts seeds 0..2^32-1 and names the allowed range otherwise', () => {
    expect(() => kernelRandom(module, 0)).not.toThrow();
    expect(() => kernelRandom(module, 0xffffffff)).not.toThrow();
    for (const bad of [-1, 1.5, 2 ** 32, NaN]) {
      expect(() => kernelRandom(module, bad)).toThrow(DataError);
      expect(() => kernelRandom(module, bad)).toThrow(/seed must be an integer from 0 to 4294967295/);
    }
  });
});
