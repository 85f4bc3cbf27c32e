// init.ts — N elements; dense weights w[OC, C] (fan_in = C, fan_out = OC).
//
// Parameter initialisation. Values are drawn in index order from one PRNG stream, so the same
// seed and shapes always give the same weights in every engine.

import { rng_normal_f64, rng_uniform_f32 } from '../rng';

/**
 * Fills out[N] with U(−bound, bound): (2u − 1)·bound with u from `rng_uniform_f32` (2u − 1 is
 * exact, so the range is [−bound, bound) up to the final rounding). One draw per element from
 * the PRNG state at `state`. Overwrites out.
 */
export function init_uniform(out: usize, N: i32, bound: f32, state: usize): void {
  for (let i = 0; i < N; i++) {
    const u = rng_uniform_f32(state);
    store<f32>(out + (<usize>i << 2), (u * <f32>2.0 - <f32>1.0) * bound);
  }
}

/** Fills out[N] with N(0, std²) from `rng_normal_f64`, rounded to f32. Overwrites out. */
export function init_normal(out: usize, N: i32, std: f32, state: usize): void {
  const s = <f64>std;
  for (let i = 0; i < N; i++) {
    store<f32>(out + (<usize>i << 2), <f32>(rng_normal_f64(state) * s));
  }
}

/**
 * Initialises dense weights w[OC, C] with fan_in = C, fan_out = OC:
 * scheme 0 xavier_uniform, bound √(6/(fan_in+fan_out)); 1 xavier_normal, std
 * √(2/(fan_in+fan_out)); 2 he_uniform, bound √(6/fan_in); 3 he_normal, std √(2/fan_in)
 * (PyTorch's kaiming_* with a = 0 and mode fan_in); 4 zeros (PyTorch's zeros_), which draws
 * nothing, so every seed starts from the same flat line. Any other scheme traps: it is an engine
 * bug, not a choice. Biases are the engine's business (it zeroes them).
 */
export function init_dense(w: usize, OC: i32, C: i32, scheme: i32, state: usize): void {
  const fanIn = <f64>C;
  const fanOut = <f64>OC;
  const N = OC * C;
  switch (scheme) {
    case 0:
      init_uniform(w, N, <f32>sqrt<f64>(6.0 / (fanIn + fanOut)), state);
      break;
    case 1:
      init_normal(w, N, <f32>sqrt<f64>(2.0 / (fanIn + fanOut)), state);
      break;
    case 2:
      init_uniform(w, N, <f32>sqrt<f64>(6.0 / fanIn), state);
      break;
    case 3:
      init_normal(w, N, <f32>sqrt<f64>(2.0 / fanIn), state);
      break;
    case 4:
      memory.fill(w, 0, <usize>N << 2);
      break;
    default:
      unreachable();
  }
}
