// features.ts — B batch rows, K features; inp[B,2] holds each row's two coordinates (x1, x2),
// out[B,K] their expansion, codes[K] (i32) which feature each output column computes.
//
// TensorFlow Playground's input features: a fixed expansion of the data's two coordinates,
// with no parameters, applied before the first layer. The codes are the positions in FEATURES
// of src/engine/spec.ts:
//   0 x1    1 x2    2 x1·x1    3 x2·x2    4 x1·x2    5 sin x1    6 sin x2
// Products are one f32 multiplication (one rounding). The sines are `sin_f32` of math.ts: for
// |x| < 2^20 (every coordinate the game draws) the f64 `sin_f64` of the exact f64 value of the
// coordinate, rounded once to f32 (to nearest, ties to even), so the correctly rounded f32 sine
// unless the true value lies within an f64 ulp of a halfway point between two f32s; beyond,
// an exact integer argument reduction keeps it within 1 ulp. No host Math anywhere.
//
// No SIMD twin: the columns are picked at run time per row, the sines (most of the cost) are
// scalar f64 code anyway, and the op reads two numbers per row once per forward pass, far
// below the cost of the dense layer that follows.

import { sin_f32 } from '../sin_f32';

/**
 * Feature expansion: for each row r and column k, out[r,k] = feature codes[k] of (x1, x2) =
 * (inp[r,0], inp[r,1]) (see the file comment for the codes; an unknown code gives NaN).
 * Overwrites out, which must not overlap inp. No gradient: the data needs none.
 * Buffers 16-byte aligned, any B, 1 ≤ K ≤ 7 (a code may repeat; the engine never repeats one).
 */
export function features_forward(out: usize, inp: usize, B: i32, codes: usize, K: i32): void {
  for (let r = 0; r < B; r++) {
    const row = inp + (<usize>r << 3);
    const x1 = load<f32>(row);
    const x2 = load<f32>(row, 4);
    const o = out + (<usize>(r * K) << 2);
    for (let k = 0; k < K; k++) {
      const code = load<i32>(codes + (<usize>k << 2));
      let v: f32;
      if (code == 0) v = x1;
      else if (code == 1) v = x2;
      else if (code == 2) v = x1 * x1;
      else if (code == 3) v = x2 * x2;
      else if (code == 4) v = x1 * x2;
      else if (code == 5) v = sin_f32(x1);
      else if (code == 6) v = sin_f32(x2);
      else v = NaN;
      store<f32>(o + (<usize>k << 2), v);
    }
  }
}
