/**
 * Elementwise add (add_forward, add_backward; residual connections) at every size in SIZES:
 * the sum is one f32 rounding of the float64 sum, so forward and backward are checked exactly,
 * in all four runs (fast op and scalar twin, in both builds); gradients accumulate onto
 * non-zero values, null pointers skip their operand and write nothing, a shared gradient
 * (x + x) receives dout twice, and central finite differences of Σ out·r agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bits,
  guarded,
  type Harness,
  harness,
  type Run,
  RUNS,
  SIZES,
  testValues,
} from './harness.js';

let simd: Harness;
let scalar: Harness;

beforeAll(async () => {
  simd = await harness('simd');
  scalar = await harness('scalar');
});

const hOf = (run: Run) => (run.variant === 'simd' ? simd : scalar);
const kOf = (run: Run) => hOf(run).k;

function forward(run: Run, a: Float32Array, b: Float32Array) {
  const h = hOf(run);
  const out = guarded(h, new Float32Array(a.length).fill(NaN));
  const k = kOf(run);
  const fn = run.twin ? k.add_forward_scalar : k.add_forward;
  fn(out.ptr, h.alloc(a.length, a), h.alloc(b.length, b), a.length);
  return { out: h.read(out.ptr, a.length), inBounds: out.check() };
}

function backward(run: Run, da: Float32Array | null, db: Float32Array | null, dout: Float32Array) {
  const h = hOf(run);
  const k = kOf(run);
  const ga = da ? guarded(h, da) : null;
  const gb = db ? guarded(h, db) : null;
  const fn = run.twin ? k.add_backward_scalar : k.add_backward;
  fn(ga ? ga.ptr : 0, gb ? gb.ptr : 0, h.alloc(dout.length, dout), dout.length);
  return {
    da: ga ? h.read(ga.ptr, dout.length) : null,
    db: gb ? h.read(gb.ptr, dout.length) : null,
    inBounds: (!ga || ga.check()) && (!gb || gb.check()),
  };
}

/** One f32 rounding of the exact (float64) sum: what IEEE addition must return. */
const f32sum = (x: ArrayLike<number>, y: ArrayLike<number>) =>
  Float32Array.from(x, (v, i) => v + y[i]!);

describe.each(RUNS)('add ($name)', (run) => {
  it('forward: out = a + b rounded once, at every size, writing only out', () => {
    for (const n of SIZES) {
      const a = testValues(n, n, 4);
      const b = testValues(n, n + 1, 4);
      const got = forward(run, a, b);
      expect(bits(got.out), `N=${n}`).toEqual(bits(f32sum(a, b)));
      expect(got.inBounds, `N=${n}`).toBe(true);
    }
    // Signed zeros, infinities and NaN behave as IEEE addition.
    const a = Float32Array.of(-0, -0, Infinity, Infinity, NaN, 3e38);
    const b = Float32Array.of(-0, 0, -Infinity, 1, 1, 3e38);
    expect(bits(forward(run, a, b).out)).toEqual(bits(f32sum(a, b)));
  });

  it('forward runs in place (out = a) and for a + a', () => {
    const h = hOf(run);
    const k = kOf(run);
    const fn = run.twin ? k.add_forward_scalar : k.add_forward;
    for (const n of SIZES) {
      const a = testValues(n, 2 * n, 3);
      const b = testValues(n, 2 * n + 1, 3);
      const pa = h.alloc(n, a);
      fn(pa, pa, h.alloc(n, b), n);
      expect(bits(h.read(pa, n)), `N=${n} in place`).toEqual(bits(f32sum(a, b)));
      const pb = h.alloc(n, b);
      fn(pb, pb, pb, n);
      expect(bits(h.read(pb, n)), `N=${n} b + b`).toEqual(bits(b.map((v) => 2 * v)));
    }
  });

  it('backward: da += dout and db += dout onto non-zero gradients, at every size', () => {
    for (const n of SIZES) {
      const dout = testValues(n, 3 * n, 2);
      const da = testValues(n, 3 * n + 1, 5);
      const db = testValues(n, 3 * n + 2, 5);
      const got = backward(run, da, db, dout);
      expect(bits(got.da!), `N=${n} da`).toEqual(bits(f32sum(da, dout)));
      expect(bits(got.db!), `N=${n} db`).toEqual(bits(f32sum(db, dout)));
      expect(got.inBounds, `N=${n}`).toBe(true);
    }
  });

  it('backward: a null pointer skips its operand and writes nothing', () => {
    const h = hOf(run);
    for (const n of [1, 5, 17, 130]) {
      const dout = testValues(n, n + 5);
      const init = testValues(n, n + 6);
      const low = h.read(0, n + 64);
      const onlyA = backward(run, init, null, dout);
      const onlyB = backward(run, null, init, dout);
      backward(run, null, null, dout);
      expect(bits(h.read(0, n + 64)), `N=${n} address 0`).toEqual(bits(low));
      expect(bits(onlyA.da!), `N=${n} da`).toEqual(bits(f32sum(init, dout)));
      expect(bits(onlyB.db!), `N=${n} db`).toEqual(bits(f32sum(init, dout)));
      expect(onlyA.inBounds && onlyB.inBounds).toBe(true);
    }
  });

  it('backward with da = db (x + x) adds dout twice', () => {
    const h = hOf(run);
    const k = kOf(run);
    for (const n of SIZES) {
      const dout = testValues(n, n + 7);
      const init = testValues(n, n + 8);
      const g = guarded(h, init);
      (run.twin ? k.add_backward_scalar : k.add_backward)(g.ptr, g.ptr, h.alloc(n, dout), n);
      expect(bits(h.read(g.ptr, n)), `N=${n}`).toEqual(bits(f32sum(f32sum(init, dout), dout)));
      expect(g.check()).toBe(true);
    }
  });

  it('backward matches central finite differences of Σ out·r', () => {
    for (const n of [1, 3, 8, 17]) {
      const a = testValues(n, n + 9, 2);
      const b = testValues(n, n + 10, 2);
      const r = testValues(n, n + 11);
      const loss = (x: Float32Array, y: Float32Array) =>
        forward(run, x, y).out.reduce((s, v, i) => s + v * r[i]!, 0);
      const step = 1 / 64;
      const got = backward(run, new Float32Array(n), new Float32Array(n), r);
      for (let i = 0; i < n; i++) {
        const shifted = (which: 'a' | 'b', d: number) => {
          const x = Float32Array.from(a);
          const y = Float32Array.from(b);
          (which === 'a' ? x : y)[i] += d;
          return loss(x, y);
        };
        for (const which of ['a', 'b'] as const) {
          const fd = (shifted(which, step) - shifted(which, -step)) / (2 * step);
          const g = which === 'a' ? got.da! : got.db!;
          // Only term i changes: two roundings of |out| < 4 (≤ 2^-23 each) over the 1/32 span.
          expect(Math.abs(g[i]! - fd), `d${which}[${i}]`).toBeLessThan(1e-4);
        }
      }
    }
  });
});
