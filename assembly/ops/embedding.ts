// embedding.ts — B batch rows, T time steps, V vocabulary, D embedding size: ids[B,T] (f32
// holding exact integers), weight[V,D] (PyTorch's nn.Embedding.weight), out/dout [B,T,D].

/** The row an id selects, or −1 when it is not an integer in 0..V−1 (NaN included). */
// @ts-ignore: decorator
@inline
export function id_row(id: f32, V: i32): i32 {
  return id >= 0 && <f64>id < <f64>V && floor<f32>(id) == id ? <i32>id : -1;
}

/**
 * Embedding forward: out[b,t,:] = weight[ids[b,t], :]. An id outside 0..V−1, or not an
 * integer, gives a row of zeros (no trap). Overwrites out.
 */
export function embedding_forward(
  out: usize,
  ids: usize,
  weight: usize,
  B: i32,
  T: i32,
  V: i32,
  D: i32,
): void {
  const N = B * T;
  for (let e = 0; e < N; e++) {
    const row = id_row(load<f32>(ids + (<usize>e << 2)), V);
    const dst = out + ((<usize>e * <usize>D) << 2);
    if (row < 0) {
      memory.fill(dst, 0, <usize>D << 2);
      continue;
    }
    const src = weight + ((<usize>row * <usize>D) << 2);
    for (let d = 0; d < D; d++) store<f32>(dst + (<usize>d << 2), load<f32>(src + (<usize>d << 2)));
  }
}

/**
 * Embedding backward: dweight[ids[b,t], :] += dout[b,t, :], in b, t order (so a repeated id sums
 * its rows in that order). Ids outside 0..V−1 or not integers are skipped.
 */
export function embedding_backward(
  dweight: usize,
  dout: usize,
  ids: usize,
  B: i32,
  T: i32,
  V: i32,
  D: i32,
): void {
  const N = B * T;
  for (let e = 0; e < N; e++) {
    const row = id_row(load<f32>(ids + (<usize>e << 2)), V);
    if (row < 0) continue;
    const src = dout + ((<usize>e * <usize>D) << 2);
    const dst = dweight + ((<usize>row * <usize>D) << 2);
    for (let d = 0; d < D; d++) {
      const p = dst + (<usize>d << 2);
      store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>d << 2)));
    }
  }
}
