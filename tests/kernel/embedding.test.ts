// embedding.test.ts — B batch rows, T time steps, V vocabulary, D embedding size; onehot N ids.
import { beforeAll, describe, expect, it } from 'vitest';
import { harness, testValues, VARIANTS, type Harness } from './harness.js';

let builds: Record<(typeof VARIANTS)[number], Harness>;

beforeAll(async () => {
  builds = { simd: await harness('simd'), scalar: await harness('scalar') };
});

/** Same bits: Object.is tells −0 from 0 and matches NaN with NaN. */
const sameBits = (a: Float32Array, b: ArrayLike<number>) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const V = 5;
const D = 3;
const [B, T] = [3, 4];
/** Valid ids (repeated ones too) and invalid ones: negative, too big, fractional, NaN, ±Inf. */
const IDS = [0, 4, 2, 2, -1, 5, 2.5, NaN, 1, Infinity, -Infinity, 4];
const valid = (id: number) => Number.isInteger(id) && id >= 0 && id < V;

describe('embedding', () => {
  it.each(VARIANTS)('forward copies rows; out-of-range ids give zeros (%s build)', (v) => {
    const h = builds[v];
    const weight = testValues(V * D, 3);
    const out = h.alloc(B * T * D, new Float32Array(B * T * D).fill(NaN));
    h.k.embedding_forward(out, h.alloc(B * T, IDS), h.alloc(V * D, weight), B, T, V, D);
    const want = IDS.flatMap((id) =>
      valid(id) ? Array.from(weight.subarray(id * D, id * D + D)) : [0, 0, 0],
    );
    expect(sameBits(h.read(out, B * T * D), want)).toBe(true);
  });

  it.each(VARIANTS)('backward adds dout rows in b, t order, skipping bad ids (%s build)', (v) => {
    const h = builds[v];
    const init = testValues(V * D, 4);
    const dout = testValues(B * T * D, 5);
    const dweight = h.alloc(V * D, init);
    const guard = h.alloc(4, [9, 9, 9, 9]);
    h.k.embedding_backward(dweight, h.alloc(B * T * D, dout), h.alloc(B * T, IDS), B, T, V, D);
    const want = Float32Array.from(init);
    IDS.forEach((id, e) => {
      if (!valid(id)) return;
      for (let d = 0; d < D; d++)
        want[id * D + d] = Math.fround(want[id * D + d]! + dout[e * D + d]!);
    });
    expect(sameBits(h.read(dweight, V * D), want)).toBe(true);
    expect(Array.from(h.read(guard, 4))).toEqual([9, 9, 9, 9]);
  });
});

describe('onehot', () => {
  it.each(VARIANTS)('forward writes one-hot rows and zero rows for bad ids (%s build)', (v) => {
    const h = builds[v];
    const N = IDS.length;
    const out = h.alloc(N * V, new Float32Array(N * V).fill(NaN));
    const guard = h.alloc(4, [9, 9, 9, 9]);
    h.k.onehot_forward(out, h.alloc(N, IDS), N, V);
    const want = IDS.flatMap((id) =>
      Array.from({ length: V }, (_, c) => (valid(id) && c === id ? 1 : 0)),
    );
    expect(sameBits(h.read(out, N * V), want)).toBe(true);
    expect(Array.from(h.read(guard, 4))).toEqual([9, 9, 9, 9]);
  });
});
