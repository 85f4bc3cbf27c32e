/**
 * Activations (relu, leaky_relu, sigmoid, tanh, softmax) at every size in SIZES: the SIMD op
 * against its scalar twin bit for bit, both against a float64 reference, backward against
 * central finite differences of the forward, and backward accumulating into dinp.
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
import type { KernelExports, Ptr } from '../../src/engine/kernel.js';

const ALPHA = 0.1;

/** Inputs in [−4, 4] kept at least 0.05 away from 0, where relu and leaky relu have a kink. */
function awayFromZero(n: number, seed: number): Float32Array {
  return testValues(n, seed, 1).map((v) => Math.sign(v || 1) * (0.05 + 3.95 * Math.abs(v)));
}

interface Elementwise {
  name: string;
  forward(k: KernelExports, out: Ptr, inp: Ptr, N: number): void;
  forwardScalar(k: KernelExports, out: Ptr, inp: Ptr, N: number): void;
  backward(k: KernelExports, dinp: Ptr, dout: Ptr, saved: Ptr, N: number): void;
  backwardScalar(k: KernelExports, dinp: Ptr, dout: Ptr, saved: Ptr, N: number): void;
  /** Which forward buffer backward reads: its input x or its output y. */
  saves: 'input' | 'output';
  ref(x: number): number;
  /** f'(x), given the input and the kernel's output y = f(x). */
  dref(x: number, y: number): number;
  /** Relative tolerance of the forward against float64. */
  rel: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const OPS: Elementwise[] = [
  {
    name: 'relu',
    forward: (k, o, i, n) => k.relu_forward(o, i, n),
    forwardScalar: (k, o, i, n) => k.relu_forward_scalar(o, i, n),
    backward: (k, d, g, s, n) => k.relu_backward(d, g, s, n),
    backwardScalar: (k, d, g, s, n) => k.relu_backward_scalar(d, g, s, n),
    saves: 'input',
    ref: (x) => Math.max(x, 0),
    dref: (x) => (x > 0 ? 1 : 0),
    rel: 0,
  },
  {
    name: 'leaky_relu',
    forward: (k, o, i, n) => k.leaky_relu_forward(o, i, n, ALPHA),
    forwardScalar: (k, o, i, n) => k.leaky_relu_forward_scalar(o, i, n, ALPHA),
    backward: (k, d, g, s, n) => k.leaky_relu_backward(d, g, s, n, ALPHA),
    backwardScalar: (k, d, g, s, n) => k.leaky_relu_backward_scalar(d, g, s, n, ALPHA),
    saves: 'input',
    ref: (x) => (x > 0 ? x : ALPHA * x),
    dref: (x) => (x > 0 ? 1 : ALPHA),
    rel: 1e-7,
  },
  {
    name: 'sigmoid',
    forward: (k, o, i, n) => k.sigmoid_forward(o, i, n),
    forwardScalar: (k, o, i, n) => k.sigmoid_forward_scalar(o, i, n),
    backward: (k, d, g, s, n) => k.sigmoid_backward(d, g, s, n),
    backwardScalar: (k, d, g, s, n) => k.sigmoid_backward_scalar(d, g, s, n),
    saves: 'output',
    ref: sigmoid,
    dref: (_x, y) => y * (1 - y),
    rel: 1e-6,
  },
  {
    name: 'tanh',
    forward: (k, o, i, n) => k.tanh_forward(o, i, n),
    forwardScalar: (k, o, i, n) => k.tanh_forward_scalar(o, i, n),
    backward: (k, d, g, s, n) => k.tanh_backward(d, g, s, n),
    backwardScalar: (k, d, g, s, n) => k.tanh_backward_scalar(d, g, s, n),
    saves: 'output',
    ref: Math.tanh,
    dref: (_x, y) => 1 - y * y,
    rel: 1e-6,
  },
];

/** Runs the op's forward on x and returns y. */
function forward(h: Harness, op: Elementwise, x: Float32Array, twin = false): Float32Array {
  const inp = h.alloc(x.length, x);
  const out = h.alloc(x.length);
  (twin ? op.forwardScalar : op.forward)(h.k, out, inp, x.length);
  return h.read(out, x.length);
}

/** Runs the op's backward on top of `prefill` and returns the new dinp. */
function backward(
  h: Harness,
  op: Elementwise,
  x: Float32Array,
  dout: Float32Array,
  prefill: Float32Array,
  twin = false,
  times = 1,
): Float32Array {
  const n = x.length;
  const saved = h.alloc(n, op.saves === 'input' ? x : forward(h, op, x));
  const d = h.alloc(n, dout);
  const dinp = h.alloc(n, prefill);
  for (let t = 0; t < times; t++) (twin ? op.backwardScalar : op.backward)(h.k, dinp, d, saved, n);
  return h.read(dinp, n);
}

/** Central differences of L(x) = Σ dout·f(x), one coordinate at a time, through the kernel. */
function finiteDifferences(
  run: (x: Float32Array) => Float32Array,
  x: Float32Array,
  dout: Float32Array,
  eps: number,
): Float64Array {
  const objective = (v: Float32Array) => run(v).reduce((a, y, j) => a + dout[j] * y, 0);
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const plus = Float32Array.from(x);
    const minus = Float32Array.from(x);
    plus[i] = Math.fround(x[i] + eps);
    minus[i] = Math.fround(x[i] - eps);
    grad[i] = (objective(plus) - objective(minus)) / (plus[i] - minus[i]);
  }
  return grad;
}

describe.each(VARIANTS)('elementwise activations (%s build)', (variant) => {
  describe.each(OPS)('$name', (op) => {
    it('forward: SIMD = scalar twin bit for bit, both match float64, at every size', async () => {
      const h = await harness(variant);
      for (const n of SIZES) {
        const x = testValues(n, n, 6);
        const y = forward(h, op, x);
        expect(bits(y), `N=${n}`).toEqual(bits(forward(h, op, x, true)));
        const want = Array.from(x, op.ref);
        expectClose(y, want, op.rel, 1e-30, `${op.name} N=${n}`);
      }
    });

    it('forward writes exactly N values and may run in place', async () => {
      const h = await harness(variant);
      for (const n of SIZES) {
        const x = testValues(n + 4, n + 1, 3);
        const inp = h.alloc(n + 4, x);
        const out = h.alloc(n + 4, new Float32Array(n + 4).fill(42));
        op.forward(h.k, out, inp, n);
        expect(Array.from(h.read(out + 4 * n, 4))).toEqual([42, 42, 42, 42]);
        op.forward(h.k, inp, inp, n);
        expect(bits(h.read(inp, n))).toEqual(bits(h.read(out, n)));
      }
    });

    it('backward: accumulates into dinp, SIMD = twin, matches float64 at every size', async () => {
      const h = await harness(variant);
      for (const n of SIZES) {
        const x = awayFromZero(n, n + 3);
        const dout = testValues(n, n + 4);
        const prefill = testValues(n, n + 5, 2);
        const got = backward(h, op, x, dout, prefill);
        expect(bits(got), `N=${n}`).toEqual(bits(backward(h, op, x, dout, prefill, true)));
        const y = forward(h, op, x);
        const g = Array.from(x, (xi, i) => dout[i] * op.dref(xi, y[i]));
        const want = g.map((gi, i) => prefill[i] + gi);
        // f32 rounds f'(x) with an error of ~1 ulp of 1 (1 − y·y cancels near |y| = 1).
        const scale = g.map((gi, i) => Math.abs(gi) + Math.abs(prefill[i]) + Math.abs(dout[i]));
        expectClose(got, want, 3e-7, 0, `${op.name} N=${n}`, scale);
        // A second call adds the same gradient again.
        const twice = backward(h, op, x, dout, prefill, false, 2);
        const want2 = g.map((gi, i) => prefill[i] + 2 * gi);
        expectClose(twice, want2, 6e-7, 0, `${op.name} twice N=${n}`, scale);
      }
    });

    it('backward matches central finite differences of the forward', async () => {
      const h = await harness(variant);
      for (const n of SIZES) {
        const x = awayFromZero(n, 2 * n + 1);
        const dout = testValues(n, 2 * n + 2);
        const analytic = backward(h, op, x, dout, new Float32Array(n));
        const fd = finiteDifferences((v) => forward(h, op, v), x, dout, 1e-2);
        expectClose(analytic, fd, 2e-3, 1e-4, `${op.name} N=${n}`);
      }
    });
  });
});

/** Float64 softmax of each row of x[B, C]. */
function softmaxRef(x: Float32Array, B: number, C: number): Float64Array {
  const out = new Float64Array(B * C);
  for (let b = 0; b < B; b++) {
    const row = Array.from(x.subarray(b * C, (b + 1) * C));
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, v) => a + v, 0);
    e.forEach((v, j) => (out[b * C + j] = v / s));
  }
  return out;
}

function softmaxForward(h: Harness, x: Float32Array, B: number, C: number, twin = false) {
  const inp = h.alloc(B * C, x);
  const out = h.alloc(B * C);
  (twin ? h.k.softmax_forward_scalar : h.k.softmax_forward)(out, inp, B, C);
  return h.read(out, B * C);
}

function softmaxBackward(
  h: Harness,
  y: Float32Array,
  dout: Float32Array,
  prefill: Float32Array,
  B: number,
  C: number,
  twin = false,
) {
  const out = h.alloc(B * C, y);
  const d = h.alloc(B * C, dout);
  const dinp = h.alloc(B * C, prefill);
  (twin ? h.k.softmax_backward_scalar : h.k.softmax_backward)(dinp, d, out, B, C);
  return h.read(dinp, B * C);
}

describe.each(VARIANTS)('softmax (%s build)', (variant) => {
  const shapes = SIZES.flatMap((C): [number, number][] => [
    [1, C],
    [3, C],
  ]);

  it('forward: SIMD = twin bit for bit, matches float64, rows sum to 1', async () => {
    const h = await harness(variant);
    for (const [B, C] of shapes) {
      const x = testValues(B * C, C + 10 * B, 5);
      const y = softmaxForward(h, x, B, C);
      expect(bits(y), `B=${B} C=${C}`).toEqual(bits(softmaxForward(h, x, B, C, true)));
      expectClose(y, softmaxRef(x, B, C), 3e-6, 1e-12, `B=${B} C=${C}`);
      for (let b = 0; b < B; b++) {
        const sum = y.subarray(b * C, (b + 1) * C).reduce((a, v) => a + v, 0);
        expect(sum).toBeCloseTo(1, 5);
      }
    }
  });

  it('forward is stable for huge logits and runs in place', async () => {
    const h = await harness(variant);
    const x = Float32Array.from([1000, 999, -1000, 0, 5e30, 5e30, 5e30, 5e30, -5e30]);
    const y = softmaxForward(h, x.subarray(0, 4), 1, 4);
    expectClose(y, softmaxRef(x.subarray(0, 4), 1, 4), 1e-6, 1e-30, 'huge');
    expect(Array.from(softmaxForward(h, x.subarray(4), 1, 5))).toEqual([0.25, 0.25, 0.25, 0.25, 0]);
    const x2 = testValues(3 * 17, 4, 8);
    const inp = h.alloc(3 * 17, x2);
    h.k.softmax_forward(inp, inp, 3, 17);
    expect(bits(h.read(inp, 3 * 17))).toEqual(bits(softmaxForward(h, x2, 3, 17)));
  });

  it('backward: accumulates, SIMD = twin bit for bit, matches float64', async () => {
    const h = await harness(variant);
    for (const [B, C] of shapes) {
      const n = B * C;
      const y = softmaxForward(h, testValues(n, C + 3, 3), B, C);
      const dout = testValues(n, C + 4);
      const prefill = testValues(n, C + 5, 2);
      const got = softmaxBackward(h, y, dout, prefill, B, C);
      expect(bits(got)).toEqual(bits(softmaxBackward(h, y, dout, prefill, B, C, true)));
      const want = new Float64Array(n);
      const scale = new Float64Array(n);
      for (let b = 0; b < B; b++) {
        let dot = 0;
        for (let j = 0; j < C; j++) dot += dout[b * C + j] * y[b * C + j];
        for (let j = 0; j < C; j++) {
          const i = b * C + j;
          const g = y[i] * (dout[i] - dot);
          want[i] = prefill[i] + g;
          // The f32 dot product loses up to ~C ulps of Σ|dout·y| ≤ 1.
          scale[i] = Math.abs(prefill[i]) + y[i] * (Math.abs(dout[i]) + 1 + Math.abs(dot));
        }
      }
      expectClose(got, want, 1e-6, 0, `B=${B} C=${C}`, scale);
    }
  });

  it('backward matches central finite differences of the forward', async () => {
    const h = await harness(variant);
    for (const [B, C] of shapes) {
      const n = B * C;
      const x = testValues(n, C + 7, 3);
      const dout = testValues(n, C + 8);
      const y = softmaxForward(h, x, B, C);
      const analytic = softmaxBackward(h, y, dout, new Float32Array(n), B, C);
      const fd = finiteDifferences((v) => softmaxForward(h, v, B, C), x, dout, 1e-2);
      expectClose(analytic, fd, 2e-3, 1e-4, `B=${B} C=${C}`);
    }
  });
});

describe('activations across builds', () => {
  it('the SIMD build and the scalar build give the same bits', async () => {
    const a = await harness('simd');
    const b = await harness('scalar');
    const x = testValues(130, 17, 9);
    const dout = testValues(130, 18);
    const prefill = testValues(130, 19);
    for (const op of OPS) {
      expect(bits(forward(a, op, x)), op.name).toEqual(bits(forward(b, op, x)));
      expect(bits(backward(a, op, x, dout, prefill)), op.name).toEqual(
        bits(backward(b, op, x, dout, prefill)),
      );
    }
    const ya = softmaxForward(a, x, 2, 65);
    expect(bits(ya)).toEqual(bits(softmaxForward(b, x, 2, 65)));
    expect(bits(softmaxBackward(a, ya, dout, prefill, 10, 13))).toEqual(
      bits(softmaxBackward(b, ya, dout, prefill, 10, 13)),
    );
  });
});
