/**
 * The only source of randomness and transcendental math for data: a private kernel instance,
 * so a seed gives bit-identical data sets in Node and in every browser.
 */
import { ensureMemory, instantiateKernel } from '../engine/kernel.js';
import { DataError } from './dataset.js';

/**
 * Seeded random numbers and the few transcendentals the generators need. Created by
 * `kernelRandom`; passed to the generators and to the splitter. Never backed by JS `Math`.
 */
export interface DataRandom {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number;
  /** Uniform integer in [0, n); n is an integer from 1 to 2^31 - 1. */
  below(n: number): number;
  sin(x: number): number;
  cos(x: number): number;
  /** e^x, from the kernel's `exp_f64` (never JS `Math.exp`). */
  exp(x: number): number;
  /** Fisher–Yates shuffle in place, drawing from this stream. */
  shuffle(indices: Int32Array): void;
}

/** Largest seed `rng_seed` takes (a u32). */
export const MAX_SEED = 0xffffffff;

/** Largest bound `below` accepts: the kernel's `rng_below` argument is an i32/u32. */
const MAX_BELOW = 0x7fffffff;

/**
 * Creates a `DataRandom` over its own kernel instance (its own memory), so data generation never
 * disturbs a learner's PRNG or arena. Called by `makeDataset`/`makeCsvDataset` with the
 * same compiled module the engine uses; `seed` must be an integer from 0 to 4294967295.
 */
export function kernelRandom(module: WebAssembly.Module, seed: number): DataRandom {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new DataError(`seed must be an integer from 0 to ${MAX_SEED}, got ${String(seed)}`);
  }
  const k = instantiateKernel(module);
  // Nothing else lives in this instance, so the state simply sits at the first aligned free byte.
  const state = (k.heap_base() + 15) & ~15;
  ensureMemory(k, state + 16);
  k.rng_seed(state, seed);

  const below = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > MAX_BELOW) {
      throw new RangeError(`below(n) needs an integer n from 1 to ${MAX_BELOW}, got ${n}`);
    }
    // wasm returns i32; for n < 2^31 the value is non-negative, `>>> 0` just makes that explicit.
    return k.rng_below(state, n) >>> 0;
  };

  return {
    uniform: () => k.rng_uniform_f64(state),
    normal: () => k.rng_normal_f64(state),
    below,
    sin: (x) => k.sin_f64(x),
    cos: (x) => k.cos_f64(x),
    exp: (x) => k.exp_f64(x),
    shuffle(indices) {
      // A JS Fisher–Yates over rng_below instead of rng_shuffle_i32: no copy into kernel memory,
      // and the draw order is spelled out here, so the result does not depend on how the kernel
      // implements its own shuffle.
      for (let i = indices.length - 1; i > 0; i--) {
        const j = below(i + 1);
        const t = indices[i];
        indices[i] = indices[j];
        indices[j] = t;
      }
    },
  };
}
