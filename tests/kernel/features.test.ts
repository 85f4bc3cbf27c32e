/**
 * Input features: features_forward against a plain reference computed here (products in
 * float32, sines from the kernel's own sin_f32 export), bit for bit, in both builds, for every
 * feature alone, all seven in several orders, and every row count in SIZES.
 */
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/engine/spec.js';
import { bits, harness, SIZES, testValues, VARIANTS, type Harness } from './harness.js';

const f32 = Math.fround;

/** The reference: one column per code, in the order given. */
function reference(h: Harness, x: Float32Array, codes: readonly number[]): Float32Array {
  const rows = x.length / 2;
  const out = new Float32Array(rows * codes.length);
  const sin = (v: number): number => h.k.sin_f32(v);
  for (let r = 0; r < rows; r++) {
    const x1 = x[2 * r]!;
    const x2 = x[2 * r + 1]!;
    const values = [x1, x2, f32(x1 * x1), f32(x2 * x2), f32(x1 * x2), sin(x1), sin(x2)];
    codes.forEach((c, k) => (out[r * codes.length + k] = values[c]!));
  }
  return out;
}

/** Runs the kernel op on rows `x` [rows, 2] with the codes given. */
function run(h: Harness, x: Float32Array, codes: readonly number[]): Float32Array {
  const rows = x.length / 2;
  const out = h.alloc(rows * codes.length, new Float32Array(rows * codes.length).fill(NaN));
  const list = h.alloc(codes.length);
  new Int32Array(h.k.memory.buffer, list, codes.length).set(codes);
  h.k.features_forward(out, h.alloc(x.length, x), rows, list, codes.length);
  return h.read(out, rows * codes.length);
}

describe.each(VARIANTS)('features_forward (%s build)', (variant) => {
  it('computes each feature alone, bit for bit as the reference', async () => {
    const h = await harness(variant);
    for (const rows of SIZES) {
      const x = testValues(2 * rows, rows, 3);
      for (let code = 0; code < FEATURES.length; code++) {
        expect(bits(run(h, x, [code])), `rows=${rows} ${FEATURES[code]}`).toEqual(
          bits(reference(h, x, [code])),
        );
      }
    }
  });

  it('writes all seven in the order listed, for any order', async () => {
    const h = await harness(variant);
    const orders = [
      [0, 1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3, 2, 1, 0],
      [4, 0, 6, 2],
      [3, 5],
    ];
    for (const rows of SIZES) {
      const x = testValues(2 * rows, 3 * rows + 1, 2);
      for (const codes of orders) {
        expect(bits(run(h, x, codes)), `rows=${rows} [${codes}]`).toEqual(
          bits(reference(h, x, codes)),
        );
      }
    }
  });

  it('gives the values by hand, including −0, large and non-finite coordinates', async () => {
    const h = await harness(variant);
    const x = new Float32Array([0.5, -2, -0, 3, 1e20, Infinity, NaN, 1]);
    const out = run(h, x, [0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(out.subarray(0, 5))).toEqual([0.5, -2, 0.25, 4, -1]);
    expect(out[5]).toBe(f32(Math.sin(0.5)));
    expect(out[6]).toBe(f32(Math.sin(-2)));
    expect(Object.is(out[7], -0)).toBe(true); // x1 = −0 is kept
    expect(Object.is(out[12], -0)).toBe(true); // sin(−0) = −0
    expect(out[16]).toBe(Infinity); // (1e20)² overflows float32
    expect(out[18]).toBe(Infinity); // 1e20·∞
    expect(out[20]).toBeNaN(); // sin ∞
    expect(out[19]).toBe(f32(Math.sin(f32(1e20)))); // a huge argument is reduced exactly
    expect(Array.from(out.subarray(21, 28)).map(Number.isNaN)).toEqual([
      true,
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
    // An unknown code is loud, not silently zero.
    expect(run(h, new Float32Array([1, 2]), [7])[0]).toBeNaN();
  });

  it('the sines are sin_f64 of the coordinate rounded once to float32 on the game’s range', async () => {
    const h = await harness(variant);
    const x = testValues(2000, 17, 6);
    const out = run(h, x, [5, 6]);
    for (let r = 0; r < 1000; r++) {
      expect(out[2 * r]).toBe(f32(h.k.sin_f64(x[2 * r]!)));
      expect(out[2 * r + 1]).toBe(f32(h.k.sin_f64(x[2 * r + 1]!)));
    }
  });
});

describe('features across builds', () => {
  it('the SIMD build and the scalar build give the same bits', async () => {
    const a = await harness('simd');
    const b = await harness('scalar');
    const x = testValues(2 * 257, 5, 4);
    const codes = [0, 1, 2, 3, 4, 5, 6];
    expect(bits(run(a, x, codes))).toEqual(bits(run(b, x, codes)));
  });
});
