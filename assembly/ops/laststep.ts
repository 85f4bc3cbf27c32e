// laststep.ts — inp [B, T, D] → out [B, D]: the last position of every sequence.

/**
 * Forward: out[b, :] = inp[b, T−1, :], where a network that reads a whole sequence gives one
 * answer per example (nanoGPT's `x[:, -1]`). A copy, so no SIMD twin is needed: memory.copy
 * moves the same bytes in every build. Overwrites out.
 */
export function laststep_forward(out: usize, inp: usize, B: i32, T: i32, D: i32): void {
  const row = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    memory.copy(out + <usize>b * row, inp + (<usize>(b * T + T - 1)) * row, row);
  }
}

/** Backward: dinp[b, T−1, :] += dout[b, :]; the other positions get nothing. Accumulates. */
export function laststep_backward(dinp: usize, dout: usize, B: i32, T: i32, D: i32): void {
  for (let b = 0; b < B; b++) {
    const d = dinp + (<usize>(b * T + T - 1) * <usize>D << 2);
    const g = dout + (<usize>(b * D) << 2);
    for (let j = 0; j < D; j++) {
      const o = <usize>j << 2;
      store<f32>(d + o, load<f32>(d + o) + load<f32>(g + o));
    }
  }
}
