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
 * Initialises N weights with PyTorch's fan-in and fan-out (a dense w[OC, C]: C and OC; a conv
 * w[OC, C, K, K]: C·K·K and OC·K·K): scheme 0 xavier_uniform, bound √(6/(fan_in+fan_out));
 * 1 xavier_normal, std √(2/(fan_in+fan_out)); 2 he_uniform, bound √(6/fan_in); 3 he_normal, std
 * √(2/fan_in) (PyTorch's kaiming_* with a = 0 and mode fan_in); 4 zeros (PyTorch's zeros_) and
 * 5 ones (a norm layer's scale), which draw nothing, so every seed starts from the same values;
 * 6 uniform with bound 1/√fan_in (PyTorch's default for every weight and bias of nn.RNN, nn.LSTM
 * and nn.GRU, with fan_in the hidden size); 7 normal with std 1 (nn.Embedding's default); 8
 * normal with std 0.02 (GPT-2's for the linear layers of its blocks).
 * Any other scheme traps: it is an engine bug, not a choice.
 */
export function init_weights(w: usize, N: i32, fanIn: i32, fanOut: i32, scheme: i32, state: usize): void {
  const fi = <f64>fanIn;
  const fo = <f64>fanOut;
  switch (scheme) {
    case 0:
      init_uniform(w, N, <f32>sqrt<f64>(6.0 / (fi + fo)), state);
      break;
    case 1:
      init_normal(w, N, <f32>sqrt<f64>(2.0 / (fi + fo)), state);
      break;
    case 2:
      init_uniform(w, N, <f32>sqrt<f64>(6.0 / fi), state);
      break;
    case 3:
      init_normal(w, N, <f32>sqrt<f64>(2.0 / fi), state);
      break;
    case 4:
      memory.fill(w, 0, <usize>N << 2);
      break;
    case 5:
      for (let i = 0; i < N; i++) store<f32>(w + (<usize>i << 2), 1);
      break;
    case 6:
      init_uniform(w, N, <f32>(1.0 / sqrt<f64>(fi)), state);
      break;
    case 7:
      init_normal(w, N, 1, state);
      break;
    case 8:
      init_normal(w, N, <f32>0.02, state);
      break;
    default:
      unreachable();
  }
}

/** Dense weights w[OC, C] (fan_in = C, fan_out = OC): `init_weights` with those fans. */
export function init_dense(w: usize, OC: i32, C: i32, scheme: i32, state: usize): void {
  if (scheme > 4) unreachable();
  init_weights(w, OC * C, C, OC, scheme, state);
}
