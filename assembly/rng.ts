// rng.ts — state: 16 bytes (four u32, xoshiro128**); N elements for the shuffle.
//
// Every random number in the kernel comes from here, so a seed fixes a whole run. The state
// lives in linear memory at a pointer the engine owns (one per stream: init, dropout, data),
// which keeps the kernel free of hidden globals.

import { log_f64 } from './math';

/** splitmix64 step on a running counter; used only to expand a seed into a full state. */
function splitmix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/**
 * Seeds the xoshiro128** state at `state` (16 bytes, 4-byte aligned) from a 32-bit seed.
 * The seed goes through splitmix64 (two outputs, four words), so nearby seeds give unrelated
 * streams and seed 0 is as good as any other.
 */
export function rng_seed(state: usize, seed: u32): void {
  const golden: u64 = 0x9e3779b97f4a7c15;
  const a = splitmix64(<u64>seed + golden);
  const b = splitmix64(<u64>seed + golden + golden);
  let s0 = <u32>a;
  const s1 = <u32>(a >> 32);
  const s2 = <u32>b;
  const s3 = <u32>(b >> 32);
  // The all-zero state is xoshiro's one fixed point; make it unreachable.
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
  store<u32>(state, s0, 0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}

/**
 * Next 32 random bits from the xoshiro128** state at `state`, advancing it. The wasm result
 * is an i32: JavaScript callers see a signed number and should apply `>>> 0`.
 */
export function rng_u32(state: usize): u32 {
  const s0 = load<u32>(state, 0);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  const n0 = s0 ^ s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  store<u32>(state, n0, 0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
  return result;
}

/** Uniform f32 in [0, 1): the top 24 bits of one draw, so every value is exact. */
export function rng_uniform_f32(state: usize): f32 {
  return <f32>(rng_u32(state) >>> 8) * <f32>5.9604644775390625e-8; // 2^-24
}

/** Uniform f64 in [0, 1) with 53 random bits from two draws (27 + 26 bits). */
export function rng_uniform_f64(state: usize): f64 {
  const hi = <f64>(rng_u32(state) >>> 5);
  const lo = <f64>(rng_u32(state) >>> 6);
  return (hi * 67108864.0 + lo) * 1.1102230246251565e-16; // (hi·2^26 + lo)·2^-53
}

/**
 * Standard normal f64 (Marsaglia polar method). Each call draws pairs until one lands inside
 * the unit disc and returns one of the two normals it yields; the other is discarded because
 * the 16-byte state has no room to cache it. Uses 4 draws per attempt, ~1.27 attempts.
 */
export function rng_normal_f64(state: usize): f64 {
  let u: f64, v: f64, s: f64;
  do {
    u = 2.0 * rng_uniform_f64(state) - 1.0;
    v = 2.0 * rng_uniform_f64(state) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return u * sqrt<f64>((-2.0 * log_f64(s)) / s);
}

/**
 * Unbiased integer in [0, n) (Lemire's multiply-and-reject); n ≤ 0 returns 0 without drawing.
 */
export function rng_below(state: usize, n: i32): i32 {
  if (n <= 0) return 0;
  const un = <u32>n;
  let m = <u64>rng_u32(state) * <u64>un;
  let low = <u32>m;
  if (low < un) {
    // 2^32 mod n: the number of low products that would over-represent some outcomes.
    const threshold = <u32>(<u32>0 - un) % un;
    while (low < threshold) {
      m = <u64>rng_u32(state) * <u64>un;
      low = <u32>m;
    }
  }
  return <i32>(m >> 32);
}

/**
 * Shuffles the i32 array ptr[N] in place (Fisher–Yates, back to front, `rng_below` for each
 * position), so every permutation is equally likely. ptr needs 4-byte alignment.
 */
export function rng_shuffle_i32(state: usize, ptr: usize, N: i32): void {
  for (let i = N - 1; i > 0; i--) {
    const j = rng_below(state, i + 1);
    const a = ptr + (<usize>i << 2);
    const b = ptr + (<usize>j << 2);
    const t = load<i32>(a);
    store<i32>(a, load<i32>(b));
    store<i32>(b, t);
  }
}
