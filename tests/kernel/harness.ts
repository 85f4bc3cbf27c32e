/**
 * Test harness for single kernel ops: a fresh kernel instance with a bump allocator over its
 * memory, and helpers to copy arrays in and out. Buffers are 16-byte aligned like the arena's.
 */
import { expect } from 'vitest';
import { instantiateKernel, type KernelExports, type Ptr } from '../../src/engine/kernel.js';
import { loadKernelModule, type KernelVariant } from '../../src/node/kernel-file.js';

export interface Harness {
  k: KernelExports;
  /** Allocates `n` f32 slots (16-byte aligned), filled with `init` if given. */
  alloc(n: number, init?: ArrayLike<number>): Ptr;
  /** Copies `n` f32 values out of kernel memory. */
  read(ptr: Ptr, n: number): Float32Array;
  write(ptr: Ptr, values: ArrayLike<number>): void;
  /** A seeded PRNG state in kernel memory. */
  rng(seed: number): Ptr;
}

export async function harness(variant: KernelVariant = 'simd'): Promise<Harness> {
  const k = instantiateKernel(await loadKernelModule(variant));
  let top = (k.heap_base() + 15) & ~15;
  const alloc = (n: number, init?: ArrayLike<number>): Ptr => {
    const ptr = top;
    top += (n * 4 + 15) & ~15;
    if (top > k.memory.buffer.byteLength) {
      k.memory.grow(Math.ceil((top - k.memory.buffer.byteLength) / 65536));
    }
    new Float32Array(k.memory.buffer, ptr, n).fill(0);
    if (init) new Float32Array(k.memory.buffer, ptr, n).set(init);
    return ptr;
  };
  return {
    k,
    alloc,
    read: (ptr, n) => new Float32Array(k.memory.buffer, ptr, n).slice(),
    write: (ptr, values) => new Float32Array(k.memory.buffer, ptr, values.length).set(values),
    rng: (seed) => {
      const state = alloc(4);
      k.rng_seed(state, seed);
      return state;
    },
  };
}

/** Deterministic test data in [-scale, scale) from a tiny integer LCG (tests only). */
export function testValues(n: number, seed = 1, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Odd and multiple-of-4 sizes that exercise several SIMD iterations and every tail length. */
export const SIZES = [1, 3, 4, 5, 8, 17, 33, 64, 67, 130];

/** Both kernel builds: every op must behave the same in each. */
export const VARIANTS = ['simd', 'scalar'] as const;

/** NaNs compare as one value; everything else by its bits (so −0 ≠ 0). */
export function bits(a: Float32Array): number[] {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  return Array.from(u, (b, i) => (Number.isNaN(a[i]!) ? 0x7fc00000 : b));
}

/** Asserts |got − want| ≤ rel·scale + abs elementwise (scale = |want| unless given). */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rel: number,
  abs: number,
  label: string,
  scale?: ArrayLike<number>,
): void {
  expect(got.length, label).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const tol = rel * Math.abs(scale ? scale[i]! : want[i]!) + abs;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) bad.push(`[${i}] got ${got[i]} want ${want[i]}`);
  }
  expect(bad.slice(0, 5), label).toEqual([]);
}

/** Guard values around a `guarded` buffer, and how many on each side. */
export const GUARD = 8;
export const SENTINEL = -777.25;

/** A buffer with sentinel guards on both sides; `check` reports writes outside it. */
export function guarded(h: Harness, values: ArrayLike<number>): { ptr: Ptr; check(): boolean } {
  const n = values.length;
  const base = h.alloc(n + 2 * GUARD);
  h.write(base, new Float32Array(GUARD).fill(SENTINEL));
  h.write(base + (GUARD + n) * 4, new Float32Array(GUARD).fill(SENTINEL));
  const ptr = base + GUARD * 4;
  h.write(ptr, values);
  return {
    ptr,
    check: () =>
      h.read(base, GUARD).every((v) => v === SENTINEL) &&
      h.read(ptr + n * 4, GUARD).every((v) => v === SENTINEL),
  };
}

/** The four ways to run an op: the fast op and its scalar twin, in both builds. */
export const RUNS = [
  { name: 'simd build, fast', variant: 'simd', twin: false },
  { name: 'simd build, twin', variant: 'simd', twin: true },
  { name: 'scalar build, fast', variant: 'scalar', twin: false },
  { name: 'scalar build, twin', variant: 'scalar', twin: true },
] as const;
export type Run = (typeof RUNS)[number];
