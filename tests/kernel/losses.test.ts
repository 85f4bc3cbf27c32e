/**
 * Losses (mse, bce_logits, softmax_ce) and the accuracy counters at every size in SIZES:
 * forward against float64, gradients against the closed form and against central finite
 * differences of the kernel's own forward, accumulation, extreme inputs, and both builds
 * giving the same bits.
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

/**
 * Central differences of a scalar loss, one coordinate of x at a time. The kernel returns the
 * loss as f32, so each difference carries up to one ulp of |L| of rounding: `tol` is that
 * error divided by the step, the floor for comparing against it.
 */
function lossGradient(loss: (x: Float32Array) => number, x: Float32Array, eps: number) {
  const grad = new Float64Array(x.length);
  let biggest = 0;
  for (let i = 0; i < x.length; i++) {
    const plus = Float32Array.from(x);
    const minus = Float32Array.from(x);
    plus[i] = Math.fround(x[i] + eps);
    minus[i] = Math.fround(x[i] - eps);
    const lp = loss(plus);
    const lm = loss(minus);
    biggest = Math.max(biggest, Math.abs(lp), Math.abs(lm));
    grad[i] = (lp - lm) / (plus[i] - minus[i]);
  }
  return { grad, tol: (1.5 * 2 ** -23 * biggest) / (2 * eps) };
}

/** Binary targets 0/1 from a seed. */
function binaryTargets(n: number, seed: number): Float32Array {
  return testValues(n, seed).map((v) => (v > 0 ? 1 : 0));
}

/** Integer class labels 0..C−1 stored as f32. */
function labelsFor(B: number, C: number, seed: number): Float32Array {
  return testValues(B, seed).map((v) => Math.min(C - 1, Math.floor(((v + 1) / 2) * C)));
}

// max(z, 0) − z·y written without cancelling (exact for y in {0, 1}), then log(1 + e^−|z|).
const bceRef = (z: number, y: number) =>
  (z >= 0 ? z * (1 - y) : -z * y) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

describe.each(VARIANTS)('mse (%s build)', (variant) => {
  const mse = (h: Harness, p: Float32Array, t: Float32Array) =>
    h.k.mse_forward(h.alloc(p.length, p), h.alloc(t.length, t), p.length);
  const mseGrad = (h: Harness, p: Float32Array, t: Float32Array, prefill: Float32Array) => {
    const d = h.alloc(p.length, prefill);
    h.k.mse_backward(d, h.alloc(p.length, p), h.alloc(t.length, t), p.length);
    return h.read(d, p.length);
  };

  it('forward is the float64 mean of squared differences', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const p = testValues(n, n, 3);
      const t = testValues(n, n + 1, 3);
      const want = p.reduce((a, v, i) => a + (v - t[i]) ** 2, 0) / n;
      expect(mse(h, p, t) / want, `N=${n}`).toBeCloseTo(1, 6);
    }
    expect(mse(h, Float32Array.of(1, 2, 3), Float32Array.of(1, 0, 6))).toBe(Math.fround(13 / 3));
  });

  it('backward adds 2(pred − target)/N and matches finite differences', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const p = testValues(n, 2 * n, 3);
      const t = testValues(n, 2 * n + 1, 3);
      const prefill = testValues(n, 2 * n + 2);
      const got = mseGrad(h, p, t, prefill);
      const g = Array.from(p, (v, i) => (2 * (v - t[i])) / n);
      expectClose(
        got,
        g.map((gi, i) => gi + prefill[i]),
        3e-7,
        1e-7,
        `N=${n}`,
      );
      const analytic = mseGrad(h, p, t, new Float32Array(n));
      expectClose(analytic, g, 1e-6, 0, `exact N=${n}`);
      // Central differences are exact on a quadratic, so a wide step only cuts rounding.
      const fd = lossGradient((v) => mse(h, v, t), p, 0.25);
      expectClose(analytic, fd.grad, 1e-4, fd.tol, `fd N=${n}`);
    }
    // By hand: pred (1, 2), target (0, 4), N = 2 → 2·(1, −2)/2 = (1, −2), added to (10, 10).
    expect(
      Array.from(mseGrad(h, Float32Array.of(1, 2), Float32Array.of(0, 4), Float32Array.of(10, 10))),
    ).toEqual([11, 8]);
  });
});

describe.each(VARIANTS)('bce_logits (%s build)', (variant) => {
  const bce = (h: Harness, z: Float32Array, y: Float32Array) =>
    h.k.bce_logits_forward(h.alloc(z.length, z), h.alloc(y.length, y), z.length);
  const bceGrad = (h: Harness, z: Float32Array, y: Float32Array, prefill: Float32Array) => {
    const d = h.alloc(z.length, prefill);
    h.k.bce_logits_backward(d, h.alloc(z.length, z), h.alloc(y.length, y), z.length);
    return h.read(d, z.length);
  };

  it('forward matches float64 for hard and soft targets', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const z = testValues(n, n, 6);
      for (const y of [binaryTargets(n, n + 1), testValues(n, n + 2).map((v) => (v + 1) / 2)]) {
        const want = z.reduce((a, zi, i) => a + bceRef(zi, y[i]), 0) / n;
        expect(bce(h, z, y) / want, `N=${n}`).toBeCloseTo(1, 6);
      }
    }
  });

  it('forward is finite and accurate for extreme logits, tiny losses included', async () => {
    const h = await harness(variant);
    const cases: [number, number][] = [
      [100, 1],
      [100, 0],
      [-100, 0],
      [-100, 1],
      [1e30, 0],
      [-1e30, 1],
      [20, 1],
      [-30, 0],
      [0, 0],
      [0, 1],
    ];
    for (const [z, y] of cases) {
      const got = bce(h, Float32Array.of(z), Float32Array.of(y));
      const want = bceRef(Math.fround(z), y);
      expect(Number.isFinite(got), `z=${z} y=${y}`).toBe(true);
      // log(1 + e^−30) ≈ 9.4e-14 and log(1 + e^−100) ≈ 3.7e-44 keep their digits only with
      // log1p: log(1 + e) loses them even in float64.
      // (z = 100, y = 1 gives e^−100 ≈ 3.7e-44, an f32 subnormal: one subnormal ulp of slack.)
      expect(Math.abs(got - want), `z=${z} y=${y}`).toBeLessThanOrEqual(1e-6 * want + 2 ** -149);
    }
  });

  it('backward adds (sigmoid(z) − y)/N and matches finite differences', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const z = testValues(n, 3 * n, 5);
      const y = binaryTargets(n, 3 * n + 1);
      const prefill = testValues(n, 3 * n + 2);
      const got = bceGrad(h, z, y, prefill);
      const g = Array.from(z, (zi, i) => (sigmoid(zi) - y[i]) / n);
      expectClose(
        got,
        g.map((gi, i) => gi + prefill[i]),
        3e-7,
        1e-7,
        `N=${n}`,
      );
      const analytic = bceGrad(h, z, y, new Float32Array(n));
      // sigmoid(z) − 1 cancels: an ulp of sigmoid (≤ 2^-24) over N is the absolute floor.
      expectClose(analytic, g, 1e-6, 2 ** -23 / n, `exact N=${n}`);
      const fd = lossGradient((v) => bce(h, v, y), z, 1e-2);
      expectClose(analytic, fd.grad, 1e-3, fd.tol + 1e-6 / n, `fd N=${n}`);
    }
    // Saturated logits give a gradient of ±1/N or 0, never NaN.
    const sat = bceGrad(
      h,
      Float32Array.of(1e30, -1e30, 1e30, -1e30),
      Float32Array.of(0, 1, 1, 0),
      new Float32Array(4),
    );
    expect(Array.from(sat)).toEqual([0.25, -0.25, 0, 0]);
  });

  it('accuracy_threshold counts (output > 0.5) == (y > 0.5): the line scored as yes/no', async () => {
    const h = await harness(variant);
    const p = Float32Array.of(0.9, 0.2, 0.5, 1.7, -3, NaN);
    const y = Float32Array.of(1, 0, 0, 0, 1, 0);
    // right, right, right (0.5 is class 0), wrong, wrong, right (NaN is class 0)
    expect(h.k.accuracy_threshold(h.alloc(6, p), h.alloc(6, y), 6)).toBe(4);
    for (const n of SIZES) {
      const ps = testValues(n, n + 60, 2);
      const ys = binaryTargets(n, n + 61);
      const want = ps.filter((v, i) => v > 0.5 === ys[i] > 0.5).length;
      expect(h.k.accuracy_threshold(h.alloc(n, ps), h.alloc(n, ys), n)).toBe(want);
    }
  });

  it('accuracy_binary counts (z > 0) == (y > 0.5)', async () => {
    const h = await harness(variant);
    const z = Float32Array.of(2, -1, 0, 0.3, -5, 7);
    const y = Float32Array.of(1, 0, 0, 0, 1, 0.7);
    // right, right, right (0 is class 0), wrong, wrong, right (0.7 > 0.5)
    expect(h.k.accuracy_binary(h.alloc(6, z), h.alloc(6, y), 6)).toBe(4);
    for (const n of SIZES) {
      const zs = testValues(n, n + 50);
      const ys = binaryTargets(n, n + 51);
      const want = zs.filter((v, i) => v > 0 === ys[i] > 0.5).length;
      expect(h.k.accuracy_binary(h.alloc(n, zs), h.alloc(n, ys), n)).toBe(want);
    }
  });
});

function softmaxCe(h: Harness, z: Float32Array, labels: Float32Array, B: number, C: number) {
  const probs = h.alloc(B * C);
  const loss = h.k.softmax_ce_forward(probs, h.alloc(B * C, z), h.alloc(B, labels), B, C);
  return { loss, probs: h.read(probs, B * C) };
}

function softmaxCeGrad(
  h: Harness,
  probs: Float32Array,
  labels: Float32Array,
  prefill: Float32Array,
  B: number,
  C: number,
) {
  const d = h.alloc(B * C, prefill);
  h.k.softmax_ce_backward(d, h.alloc(B * C, probs), h.alloc(B, labels), B, C);
  return h.read(d, B * C);
}

/** Float64 mean over rows of logsumexp(z) − z[label], and the softmax. */
function softmaxCeRef(z: Float32Array, labels: Float32Array, B: number, C: number) {
  let loss = 0;
  const probs = new Float64Array(B * C);
  for (let b = 0; b < B; b++) {
    const row = Array.from(z.subarray(b * C, (b + 1) * C));
    const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
    row.forEach((v, j) => (probs[b * C + j] = Math.exp(v - m) / s));
    loss += m + Math.log(s) - row[labels[b]];
  }
  return { loss: loss / B, probs };
}

describe.each(VARIANTS)('softmax_ce (%s build)', (variant) => {
  const shapes = SIZES.flatMap((C): [number, number][] => [
    [1, C],
    [5, C],
  ]);

  it('forward writes the softmax and returns the float64 mean cross-entropy', async () => {
    const h = await harness(variant);
    for (const [B, C] of shapes) {
      const z = testValues(B * C, B + 7 * C, 4);
      const labels = labelsFor(B, C, C);
      const { loss, probs } = softmaxCe(h, z, labels, B, C);
      const ref = softmaxCeRef(z, labels, B, C);
      expect(Math.abs(loss - ref.loss), `B=${B} C=${C}`).toBeLessThan(1e-6 * ref.loss + 3e-7);
      expectClose(probs, ref.probs, 3e-6, 1e-12, `B=${B} C=${C}`);
      // The probabilities are softmax_forward's, bit for bit.
      const sm = h.alloc(B * C);
      h.k.softmax_forward(sm, h.alloc(B * C, z), B, C);
      expect(bits(probs)).toEqual(bits(h.read(sm, B * C)));
    }
  });

  it('forward is finite where −log(p[label]) would be +Inf, and exact by hand', async () => {
    const h = await harness(variant);
    // p[2] = e^−2000 underflows; the loss is logsumexp − z[2] = 1000 + log(1 + e^−1) + 1000.
    const z = Float32Array.of(1000, 999, -1000);
    const { loss } = softmaxCe(h, z, Float32Array.of(2), 1, 3);
    expect(loss).toBeCloseTo(2000 + Math.log1p(Math.exp(-1)), 2);
    // Uniform logits: loss = log C for any label.
    const u = softmaxCe(h, new Float32Array(10).fill(3), Float32Array.of(7), 1, 10);
    expect(u.loss).toBeCloseTo(Math.log(10), 6);
    // A confident right answer: loss ≈ e^−20·2, tiny but not 0.
    const c = softmaxCe(h, Float32Array.of(20, 0, 0), Float32Array.of(0), 1, 3);
    expect(c.loss).toBeLessThan(1e-7);
    expect(c.loss).toBeGreaterThanOrEqual(0);
  });

  it('backward adds (probs − onehot)/B, accumulates, and matches finite differences', async () => {
    const h = await harness(variant);
    for (const [B, C] of shapes) {
      const n = B * C;
      const z = testValues(n, B + 3 * C, 3);
      const labels = labelsFor(B, C, C + 1);
      const { probs } = softmaxCe(h, z, labels, B, C);
      const prefill = testValues(n, C + 2);
      const got = softmaxCeGrad(h, probs, labels, prefill, B, C);
      const g = Array.from(
        probs,
        (p, i) => (p - (i % C === labels[Math.floor(i / C)] ? 1 : 0)) / B,
      );
      expectClose(
        got,
        g.map((gi, i) => gi + prefill[i]),
        3e-7,
        1e-7,
        `B=${B} C=${C}`,
      );
      const analytic = softmaxCeGrad(h, probs, labels, new Float32Array(n), B, C);
      expectClose(analytic, g, 1e-6, 2 ** -24 / B, `exact B=${B} C=${C}`);
      const fd = lossGradient((v) => softmaxCe(h, v, labels, B, C).loss, z, 3e-2);
      expectClose(analytic, fd.grad, 1e-3, fd.tol + 2e-6 / B, `fd B=${B} C=${C}`);
    }
  });

  it('accuracy_multiclass counts rows whose first argmax is the label', async () => {
    const h = await harness(variant);
    const scores = Float32Array.of(1, 3, 3, /**/ 0, -1, -2, /**/ 5, 5, 5, /**/ 0, 0, 9);
    // row 0: argmax 1 (first of the tie) = 1 ✓; row 1: 0 ≠ 2 ✗; row 2: 0 = 0 ✓; row 3: 2 ≠ 1 ✗
    const labels = Float32Array.of(1, 2, 0, 1);
    expect(h.k.accuracy_multiclass(h.alloc(12, scores), h.alloc(4, labels), 4, 3)).toBe(2);
    const tieSecond = Float32Array.of(2, 3, 3);
    expect(
      h.k.accuracy_multiclass(h.alloc(3, tieSecond), h.alloc(1, Float32Array.of(2)), 1, 3),
    ).toBe(0);
    for (const [B, C] of shapes) {
      const s = testValues(B * C, 3 * B + C);
      const l = labelsFor(B, C, B * C);
      let want = 0;
      for (let b = 0; b < B; b++) {
        const row = Array.from(s.subarray(b * C, (b + 1) * C));
        if (row.indexOf(Math.max(...row)) === l[b]) want++;
      }
      expect(h.k.accuracy_multiclass(h.alloc(B * C, s), h.alloc(B, l), B, C)).toBe(want);
    }
  });
});

describe('losses across builds', () => {
  it('the SIMD build and the scalar build give the same bits', async () => {
    const a = await harness('simd');
    const b = await harness('scalar');
    const n = 130;
    const p = testValues(n, 1, 4);
    const t = testValues(n, 2, 4);
    const y = binaryTargets(n, 3);
    const prefill = testValues(n, 4);
    const grads = (h: Harness) => {
      const d1 = h.alloc(n, prefill);
      h.k.mse_backward(d1, h.alloc(n, p), h.alloc(n, t), n);
      const d2 = h.alloc(n, prefill);
      h.k.bce_logits_backward(d2, h.alloc(n, p), h.alloc(n, y), n);
      const labels = labelsFor(10, 13, 5);
      const { probs, loss } = softmaxCe(h, p, labels, 10, 13);
      const d3 = h.alloc(n, prefill);
      h.k.softmax_ce_backward(d3, h.alloc(n, probs), h.alloc(10, labels), 10, 13);
      return [
        h.k.mse_forward(h.alloc(n, p), h.alloc(n, t), n),
        h.k.bce_logits_forward(h.alloc(n, p), h.alloc(n, y), n),
        loss,
        ...bits(h.read(d1, n)),
        ...bits(h.read(d2, n)),
        ...bits(probs),
        ...bits(h.read(d3, n)),
      ];
    };
    expect(grads(a)).toEqual(grads(b));
  });
});
