// onehot.ts — N ids (f32 holding exact integers), V classes: out[N,V].

import { id_row } from './embedding';

/**
 * One-hot rows: out[n, :] = 0 except out[n, ids[n]] = 1. An id outside 0..V−1, or not an
 * integer, gives a row of zeros. Overwrites out. No backward: no gradient flows to data.
 */
export function onehot_forward(out: usize, ids: usize, N: i32, V: i32): void {
  memory.fill(out, 0, (<usize>N * <usize>V) << 2);
  for (let n = 0; n < N; n++) {
    const row = id_row(load<f32>(ids + (<usize>n << 2)), V);
    if (row >= 0) store<f32>(out + ((<usize>n * <usize>V + <usize>row) << 2), 1);
  }
}
