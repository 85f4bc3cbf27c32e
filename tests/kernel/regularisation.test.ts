/**
 * Regularisation: inverted dropout (statistics, the exact mask from the PRNG stream,
 * determinism, backward), the L2 and L1 penalty gradients, sum_squares and clip_grad_norm, at
 * every size in SIZES, SIMD ops against their scalar twins bit for bit.
 */
import { describe, expect, it } from 'vitest';
import {
  expectClose,
  bits,
  VARIANTS,
  harness,
  SIZES,
  testValues,
  type Harness,
} from './harness.js';

const f32 = Math.fround;

/** dropout_forward on `inp` with a fresh PRNG state; returns [out, mask]. */
function dropout(h: Harness, inp: Float32Array, p: number, seed: number) {
  const n = inp.length;
  const out = h.alloc(n);
  const mask = h.alloc(n);
  h.k.dropout_forward(out, mask, h.alloc(n, inp), n, p, h.rng(seed));
  return [h.read(out, n), h.read(mask, n)] as const;
}

describe.each(VARIANTS)('dropout (%s build)', (variant) => {
  it('keeps 1 − p of the elements, scaled by 1/(1 − p), so E[out] = inp', async () => {
    const h = await harness(variant);
    const n = 100_000;
    for (const p of [0.1, 0.3, 0.5, 0.8]) {
      const [out, mask] = dropout(h, new Float32Array(n).fill(2), p, 42);
      const scale = f32(1 / f32(1 - f32(p)));
      expect(mask.every((m) => m === 0 || m === scale)).toBe(true);
      const zeros = mask.filter((m) => m === 0).length / n;
      // Binomial standard error ≤ 0.0016 at n = 1e5.
      expect(Math.abs(zeros - p), `p=${p}`).toBeLessThan(0.008);
      const meanMask = mask.reduce((a, m) => a + m, 0) / n;
      // Inverted scaling keeps the mean at 1 (scaling by 1/p would give (1 − p)/p).
      expect(Math.abs(meanMask - 1), `p=${p}`).toBeLessThan(0.04 * Math.sqrt(p / (1 - p)));
      const meanOut = out.reduce((a, v) => a + v, 0) / n;
      expect(Math.abs(meanOut - 2), `p=${p}`).toBeLessThan(0.08 * Math.sqrt(p / (1 - p)));
    }
  });

  it('draws one uniform per element in order: mask[i] = u_i ≥ p ? 1/(1 − p) : 0', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const p = 0.4;
      const inp = testValues(n, n, 3);
      const [out, mask] = dropout(h, inp, p, n + 1);
      const state = h.rng(n + 1);
      const scale = f32(1 / f32(1 - f32(p)));
      const want = Array.from({ length: n }, () =>
        h.k.rng_uniform_f32(state) >= f32(p) ? scale : 0,
      );
      expect(Array.from(mask), `N=${n}`).toEqual(want);
      expect(bits(out)).toEqual(bits(Float32Array.from(inp, (v, i) => f32(v * want[i]))));
    }
  });

  it('p = 0 is the identity; the same seed gives the same mask, another seed another', async () => {
    const h = await harness(variant);
    const inp = testValues(1000, 5, 10);
    const [out, mask] = dropout(h, inp, 0, 1);
    expect(bits(out)).toEqual(bits(inp));
    expect(mask.every((m) => m === 1)).toBe(true);
    const [, a] = dropout(h, inp, 0.5, 123);
    const [, b] = dropout(h, inp, 0.5, 123);
    const [, c] = dropout(h, inp, 0.5, 124);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('backward adds dout·mask, SIMD = twin, and matches finite differences', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const inp = testValues(n, 2 * n, 2);
      const [, mask] = dropout(h, inp, 0.3, n);
      const dout = testValues(n, 2 * n + 1);
      const prefill = testValues(n, 2 * n + 2);
      const run = (twin: boolean) => {
        const d = h.alloc(n, prefill);
        (twin ? h.k.dropout_backward_scalar : h.k.dropout_backward)(
          d,
          h.alloc(n, dout),
          h.alloc(n, mask),
          n,
        );
        return h.read(d, n);
      };
      const got = run(false);
      expect(bits(got), `N=${n}`).toEqual(bits(run(true)));
      expect(bits(got)).toEqual(
        bits(Float32Array.from(prefill, (v, i) => f32(v + f32(dout[i] * mask[i])))),
      );
      // L(x) = Σ dout·dropout(x) with the mask fixed by the seed; perturb one input at a time.
      const eps = 1e-2;
      const objective = (x: Float32Array) =>
        dropout(h, x, 0.3, n)[0].reduce((a, y, j) => a + dout[j] * y, 0);
      for (let i = 0; i < n; i++) {
        const plus = Float32Array.from(inp);
        const minus = Float32Array.from(inp);
        plus[i] = f32(inp[i] + eps);
        minus[i] = f32(inp[i] - eps);
        const fd = (objective(plus) - objective(minus)) / (plus[i] - minus[i]);
        expect(Math.abs(got[i] - prefill[i] - fd), `N=${n} i=${i}`).toBeLessThan(1e-4);
      }
    }
  });
});

describe.each(VARIANTS)('l2 (%s build)', (variant) => {
  it('adds lambda·param, SIMD = twin, and is the gradient of (lambda/2)·‖param‖²', async () => {
    const h = await harness(variant);
    const lambda = 0.05;
    for (const n of SIZES) {
      const param = testValues(n, n, 3);
      const prefill = testValues(n, n + 1);
      const run = (twin: boolean) => {
        const g = h.alloc(n, prefill);
        (twin ? h.k.l2_backward_scalar : h.k.l2_backward)(g, h.alloc(n, param), n, lambda);
        return h.read(g, n);
      };
      const got = run(false);
      expect(bits(got), `N=${n}`).toEqual(bits(run(true)));
      expectClose(
        got,
        Array.from(param, (w, i) => prefill[i] + lambda * w),
        2e-7,
        1e-8,
        `N=${n}`,
      );
      // Central differences of the penalty itself (λ vs 2λ would fail here).
      const penalty = (w: number[]) => (lambda / 2) * w.reduce((a, v) => a + v * v, 0);
      const w = Array.from(param);
      const fd = w.map((_, i) => {
        const plus = w.slice();
        const minus = w.slice();
        plus[i] += 1e-3;
        minus[i] -= 1e-3;
        return (penalty(plus) - penalty(minus)) / 2e-3;
      });
      expectClose(
        Array.from(got, (v, i) => v - prefill[i]),
        fd,
        1e-5,
        1e-7,
        `fd N=${n}`,
      );
    }
  });
});

describe.each(VARIANTS)('l1 (%s build)', (variant) => {
  /** Weights with exact zeros of both signs among them, every few elements. */
  function weights(n: number, seed: number): Float32Array {
    const w = testValues(n, seed, 3);
    for (let i = 0; i < n; i += 3) w[i] = i % 2 ? -0 : 0;
    return w;
  }
  const sign = (w: number): number => (w > 0 ? 1 : w < 0 ? -1 : 0);

  it('adds lambda·sign(param) with sign(±0) = 0, SIMD = twin, at every size', async () => {
    const h = await harness(variant);
    const lambda = 0.05;
    for (const n of SIZES) {
      const param = weights(n, n + 7);
      const prefill = testValues(n, n + 8);
      const run = (twin: boolean) => {
        const g = h.alloc(n, prefill);
        (twin ? h.k.l1_backward_scalar : h.k.l1_backward)(g, h.alloc(n, param), n, lambda);
        return h.read(g, n);
      };
      const got = run(false);
      expect(bits(got), `N=${n}`).toEqual(bits(run(true)));
      // One float32 rounding of prefill + (±λ or 0): the reference is exact.
      const want = Float32Array.from(param, (w, i) => f32(prefill[i] + f32(lambda) * sign(w)));
      expect(bits(got), `N=${n}`).toEqual(bits(want));
      // The weights at ±0 leave their gradient exactly as it was.
      for (let i = 0; i < n; i += 3) expect(got[i], `N=${n} i=${i}`).toBe(prefill[i]);
      // Central differences of λ·Σ|w| away from the kink.
      const penalty = (w: number[]) => lambda * w.reduce((a, v) => a + Math.abs(v), 0);
      const w = Array.from(param);
      for (let i = 1; i < n; i += 3) {
        if (Math.abs(w[i]!) < 1e-2) continue;
        const plus = w.slice();
        const minus = w.slice();
        plus[i] += 1e-3;
        minus[i] -= 1e-3;
        const fd = (penalty(plus) - penalty(minus)) / 2e-3;
        expect(Math.abs(got[i]! - prefill[i]! - fd), `fd N=${n} i=${i}`).toBeLessThan(1e-6);
      }
    }
  });

  it('by hand: zeros, −0, tiny and huge weights, a −0 gradient and a NaN weight', async () => {
    const h = await harness(variant);
    const param = [0, -0, 1e-40, -1e-40, 3e38, -2, NaN, 0.5];
    const grad = [-0, -0, 0, 0, 1, 0.25, 1, -0];
    const lambda = 0.5;
    for (const twin of [false, true]) {
      const g = h.alloc(8, grad);
      (twin ? h.k.l1_backward_scalar : h.k.l1_backward)(g, h.alloc(8, param), 8, lambda);
      const got = Array.from(h.read(g, 8));
      // A zero weight adds +0, so a −0 gradient becomes +0 (as −0 + 0 does in PyTorch).
      expect(got.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual([
        0,
        0,
        0.5,
        -0.5,
        1.5,
        -0.25,
        NaN,
        0.5,
      ]);
    }
  });

  it('lambda 0 adds +0 only; N = 0 touches nothing', async () => {
    const h = await harness(variant);
    const n = 67;
    const prefill = testValues(n, 3);
    const g = h.alloc(n, prefill);
    h.k.l1_backward(g, h.alloc(n, testValues(n, 4)), n, 0);
    expect(bits(h.read(g, n))).toEqual(bits(prefill));
    const one = h.alloc(1, [7]);
    h.k.l1_backward(one, h.alloc(1, [1]), 0, 1);
    expect(h.read(one, 1)[0]).toBe(7);
  });
});

describe.each(VARIANTS)('clip (%s build)', (variant) => {
  it('sum_squares: SIMD = twin bit for bit, equal to the float64 sum', async () => {
    const h = await harness(variant);
    for (const n of [...SIZES, 1001, 10_007]) {
      const x = testValues(n, n, 5);
      const ptr = h.alloc(n, x);
      const got = h.k.sum_squares(ptr, n);
      expect(got, `N=${n}`).toBe(h.k.sum_squares_scalar(ptr, n));
      const want = x.reduce((a, v) => a + v * v, 0);
      // Both sums are float64 over exact squares, in different orders: n·2^-53 bounds each.
      expect(Math.abs(got - want) / want, `N=${n}`).toBeLessThan(n * 2 ** -52);
    }
    expect(h.k.sum_squares(h.alloc(4), 0)).toBe(0);
    // Squares are taken in float64, so tiny and huge values survive.
    expect(h.k.sum_squares(h.alloc(2, [1e-30, 1e30]), 2)).toBe(f32(1e-30) ** 2 + f32(1e30) ** 2);
  });

  it('clip_grad_norm leaves small gradients alone and returns their norm', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const g = testValues(n, n + 3);
      const ptr = h.alloc(n, g);
      const norm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
      expect(h.k.clip_grad_norm(ptr, n, norm * 1.01 + 1e-3)).toBeCloseTo(norm, 6);
      expect(bits(h.read(ptr, n))).toEqual(bits(g));
    }
  });

  it('clip_grad_norm scales large gradients by maxNorm/(norm + 1e-6), as PyTorch', async () => {
    const h = await harness(variant);
    // By hand: (3, 4) has norm 5; maxNorm 1 → coefficient 1/(5 + 1e-6) = 0.19999996 in f32, so
    // the result is (0.59999988, 0.79999983), not the (0.6, 0.8) of a coefficient without eps.
    const ptr = h.alloc(2, [3, 4]);
    expect(h.k.clip_grad_norm(ptr, 2, 1)).toBe(5);
    const c = f32(1 / (5 + 1e-6));
    expect(Array.from(h.read(ptr, 2))).toEqual([f32(3 * c), f32(4 * c)]);
    expect(f32(3 * c)).not.toBe(f32(0.6));
    for (const n of SIZES) {
      const g = testValues(n, n + 4, 10);
      const p = h.alloc(n, g);
      const norm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
      const maxNorm = norm / 3;
      expect(h.k.clip_grad_norm(p, n, maxNorm)).toBe(f32(norm));
      const clipped = h.read(p, n);
      const coef = f32(f32(maxNorm) / (norm + 1e-6));
      expect(bits(clipped), `N=${n}`).toEqual(bits(Float32Array.from(g, (v) => f32(v * coef))));
      const after = Math.sqrt(clipped.reduce((a, v) => a + v * v, 0));
      expect(after / maxNorm).toBeCloseTo(1, 5);
    }
  });
});

describe('regularisation across builds', () => {
  it('the SIMD build and the scalar build give the same bits', async () => {
    const a = await harness('simd');
    const b = await harness('scalar');
    const n = 1003;
    const x = testValues(n, 1, 4);
    const run = (h: Harness) => {
      const [out, mask] = dropout(h, x, 0.25, 9);
      const d = h.alloc(n, x);
      h.k.dropout_backward(d, h.alloc(n, x), h.alloc(n, mask), n);
      h.k.l2_backward(d, h.alloc(n, x), n, 0.01);
      h.k.l1_backward(d, h.alloc(n, x), n, 0.02);
      const g = h.alloc(n, x);
      const norm = h.k.clip_grad_norm(g, n, 1);
      return [
        h.k.sum_squares(h.alloc(n, x), n),
        norm,
        ...bits(out),
        ...bits(h.read(d, n)),
        ...bits(h.read(g, n)),
      ];
    };
    expect(run(a)).toEqual(run(b));
  });
});
