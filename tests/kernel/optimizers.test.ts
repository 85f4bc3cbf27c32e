/**
 * Optimizers (sgd, momentum, rmsprop, adam/adamw): one and two steps against arithmetic done
 * by hand, several steps at every size in SIZES against a float64 reference, and the SIMD
 * ops against their scalar twins bit for bit.
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
import type { Ptr } from '../../src/engine/kernel.js';

/** A parameter block with its optimizer state buffers in kernel memory. */
interface Block {
  p: Ptr;
  g: Ptr;
  s1: Ptr;
  s2: Ptr;
  n: number;
}

function block(h: Harness, params: ArrayLike<number>): Block {
  const n = params.length;
  return { p: h.alloc(n, params), g: h.alloc(n), s1: h.alloc(n), s2: h.alloc(n), n };
}

function step(h: Harness, b: Block, grads: ArrayLike<number>, update: (b: Block) => void) {
  h.write(b.g, grads);
  update(b);
  return h.read(b.p, b.n);
}

describe.each(VARIANTS)('optimizers by hand (%s build)', (variant) => {
  it('sgd: p −= lr·g', async () => {
    const h = await harness(variant);
    const b = block(h, [1, -2, 0.5, 0]);
    const sgd = (x: Block) => h.k.sgd_update(x.p, x.g, x.n, 0.1);
    const g = [0.1, -0.3, 2, 5];
    // 1 − 0.1·0.1 = 0.99, −2 + 0.03 = −1.97, 0.5 − 0.2 = 0.3, 0 − 0.5 = −0.5
    expectClose(step(h, b, g, sgd), [0.99, -1.97, 0.3, -0.5], 1e-7, 0, 'step 1');
    expectClose(step(h, b, g, sgd), [0.98, -1.94, 0.1, -1], 1e-6, 0, 'step 2');
  });

  it('momentum: v = μv + g, p −= lr·v (no dampening on the first step)', async () => {
    const h = await harness(variant);
    const b = block(h, [1]);
    const mom = (x: Block) => h.k.momentum_update(x.p, x.g, x.s1, x.n, 0.1, 0.9, 0);
    // v1 = 0.5, p1 = 1 − 0.1·0.5 = 0.95
    expect(step(h, b, [0.5], mom)[0]).toBeCloseTo(0.95, 7);
    expect(h.read(b.s1, 1)[0]).toBe(0.5);
    // v2 = 0.9·0.5 + 0.25 = 0.7, p2 = 0.95 − 0.1·0.7 = 0.88
    expect(step(h, b, [0.25], mom)[0]).toBeCloseTo(0.88, 7);
    expect(h.read(b.s1, 1)[0]).toBeCloseTo(0.7, 7);
  });

  it('momentum with nesterov: p −= lr·(g + μv) with the new v', async () => {
    const h = await harness(variant);
    const b = block(h, [1]);
    const nes = (x: Block) => h.k.momentum_update(x.p, x.g, x.s1, x.n, 0.1, 0.9, 1);
    // v1 = 0.5, p1 = 1 − 0.1·(0.5 + 0.9·0.5) = 1 − 0.095 = 0.905
    expect(step(h, b, [0.5], nes)[0]).toBeCloseTo(0.905, 7);
    // v2 = 0.7, p2 = 0.905 − 0.1·(0.25 + 0.9·0.7) = 0.905 − 0.088 = 0.817
    expect(step(h, b, [0.25], nes)[0]).toBeCloseTo(0.817, 7);
  });

  it('rmsprop: s = αs + (1 − α)g², p −= lr·g/(√s + eps)', async () => {
    const h = await harness(variant);
    const b = block(h, [1]);
    const rms = (x: Block) => h.k.rmsprop_update(x.p, x.g, x.s1, x.n, 0.01, 0.99, 1e-8);
    // s1 = 0.01·0.25 = 0.0025, √s1 = 0.05, p1 = 1 − 0.01·0.5/0.05 = 0.9
    expect(step(h, b, [0.5], rms)[0]).toBeCloseTo(0.9, 6);
    expect(h.read(b.s1, 1)[0]).toBeCloseTo(0.0025, 9);
    // s2 = 0.99·0.0025 + 0.01·0.04 = 0.002875, p2 = 0.9 + 0.01·0.2/√0.002875 = 0.937300…
    const s2 = 0.99 * 0.0025 + 0.01 * 0.04;
    expect(step(h, b, [-0.2], rms)[0]).toBeCloseTo(0.9 + (0.01 * 0.2) / Math.sqrt(s2), 6);
    expect(0.9 + (0.01 * 0.2) / Math.sqrt(s2)).toBeCloseTo(0.9373, 4);
    // eps goes outside the root: with eps = 0.1, p1 = 1 − 0.005/(0.05 + 0.1) = 0.96667, where
    // √(s + eps) would give 1 − 0.005/0.3202 = 0.98438.
    const c = block(h, [1]);
    const big = (x: Block) => h.k.rmsprop_update(x.p, x.g, x.s1, x.n, 0.01, 0.99, 0.1);
    expect(step(h, c, [0.5], big)[0]).toBeCloseTo(1 - 0.005 / 0.15, 6);
  });

  it('adam step 1 moves every parameter by ≈ lr·sign(g), whatever |g| is', async () => {
    const h = await harness(variant);
    const lr = 0.001;
    const g = [1e-3, 0.5, -7, 100, -0.02, 3e-6];
    const b = block(h, new Array(g.length).fill(0));
    // bc1 = 1 − 0.9 = 0.1 and bc2 = 1 − 0.999 = 0.001: m̂ = g, v̂ = g², update = lr·g/(|g| + eps).
    // Multiplying by the corrections instead of dividing would move by 10·lr.
    const p = step(h, b, g, (x) =>
      h.k.adam_update(x.p, x.g, x.s1, x.s2, x.n, lr, 0.9, 0.999, 1e-8, 0, 0.1, 0.001),
    );
    g.forEach((gi, i) => {
      const want = (-lr * gi) / (Math.abs(gi) + 1e-8);
      expect(Math.abs(p[i] - want), `g=${gi}`).toBeLessThan(2e-6 * lr);
      expect(Math.abs(p[i] + lr * Math.sign(gi)), `g=${gi}`).toBeLessThan(4e-3 * lr);
    });
    expectClose(
      h.read(b.s1, g.length),
      g.map((v) => 0.1 * v),
      1e-6,
      0,
      'm',
    );
    expectClose(
      h.read(b.s2, g.length),
      g.map((v) => 0.001 * v * v),
      1e-6,
      0,
      'v',
    );
  });

  it('adam two steps by hand', async () => {
    const h = await harness(variant);
    const b = block(h, [1]);
    const adam = (t: number) => (x: Block) =>
      h.k.adam_update(
        x.p,
        x.g,
        x.s1,
        x.s2,
        x.n,
        0.001,
        0.9,
        0.999,
        1e-8,
        0,
        1 - 0.9 ** t,
        1 - 0.999 ** t,
      );
    // m1 = 0.05, v1 = 0.00025, m̂ = 0.5, v̂ = 0.25, p1 = 1 − 0.001·0.5/(0.5 + 1e-8) ≈ 0.999
    expect(step(h, b, [0.5], adam(1))[0]).toBeCloseTo(0.999, 7);
    // m2 = 0.9·0.05 + 0.1·(−0.25) = 0.02, v2 = 0.999·0.00025 + 0.001·0.0625 = 0.00031225
    // bc1 = 0.19, bc2 = 0.001999: m̂ = 0.105263, v̂ = 0.156203, √v̂ = 0.395225
    // p2 = 0.999 − 0.001·0.105263/0.395225 = 0.998733663
    const m2 = 0.9 * 0.05 + 0.1 * -0.25;
    const v2 = 0.999 * 0.00025 + 0.001 * 0.0625;
    const p2 = 0.999 - (0.001 * (m2 / 0.19)) / (Math.sqrt(v2 / 0.001999) + 1e-8);
    expect(p2).toBeCloseTo(0.998733663, 8);
    expect(step(h, b, [-0.25], adam(2))[0]).toBeCloseTo(p2, 6);
    expect(h.read(b.s1, 1)[0]).toBeCloseTo(0.02, 8);
    expect(h.read(b.s2, 1)[0]).toBeCloseTo(0.00031225, 10);
  });

  it('adamw decays the weights decoupled from the gradient: p·(1 − lr·wd) − lr·sign(g)', async () => {
    const h = await harness(variant);
    const b = block(h, [2, -2]);
    const p = step(h, b, [0.5, 0.5], (x) =>
      h.k.adam_update(x.p, x.g, x.s1, x.s2, x.n, 0.01, 0.9, 0.999, 1e-8, 0.1, 0.1, 0.001),
    );
    // 2·(1 − 0.001) − 0.01 = 1.988 and −2·0.999 − 0.01 = −2.008. Coupled L2 (g += wd·p) would
    // give 1.99 and −1.99: the step of Adam does not depend on the size of g.
    expect(p[0]).toBeCloseTo(1.988, 6);
    expect(p[1]).toBeCloseTo(-2.008, 6);
  });
});

/** Float64 reference optimizers over arrays; state arrays are updated in place. */
const reference = {
  sgd(p: number[], g: Float32Array, lr: number) {
    p.forEach((_, i) => (p[i] -= lr * g[i]));
  },
  momentum(p: number[], g: Float32Array, v: number[], lr: number, mu: number, nesterov: boolean) {
    p.forEach((_, i) => {
      v[i] = mu * v[i] + g[i];
      p[i] -= lr * (nesterov ? g[i] + mu * v[i] : v[i]);
    });
  },
  rmsprop(p: number[], g: Float32Array, s: number[], lr: number, alpha: number, eps: number) {
    p.forEach((_, i) => {
      s[i] = alpha * s[i] + (1 - alpha) * g[i] * g[i];
      p[i] -= (lr * g[i]) / (Math.sqrt(s[i]) + eps);
    });
  },
  adam(p: number[], g: Float32Array, m: number[], v: number[], t: number, wd: number) {
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    p.forEach((_, i) => {
      p[i] *= 1 - lr * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= ((lr / bc1) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
    });
  },
};

type Kind = 'sgd' | 'momentum' | 'nesterov' | 'rmsprop' | 'adam' | 'adamw';
const KINDS: Kind[] = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw'];

/** One kernel step of `kind` at step number t (from 1), SIMD op or scalar twin. */
function kernelStep(h: Harness, kind: Kind, b: Block, t: number, twin: boolean) {
  const k = h.k;
  switch (kind) {
    case 'sgd':
      return (twin ? k.sgd_update_scalar : k.sgd_update)(b.p, b.g, b.n, 0.05);
    case 'momentum':
    case 'nesterov':
      return (twin ? k.momentum_update_scalar : k.momentum_update)(
        b.p,
        b.g,
        b.s1,
        b.n,
        0.05,
        0.9,
        kind === 'nesterov' ? 1 : 0,
      );
    case 'rmsprop':
      return (twin ? k.rmsprop_update_scalar : k.rmsprop_update)(
        b.p,
        b.g,
        b.s1,
        b.n,
        0.01,
        0.9,
        1e-8,
      );
    case 'adam':
    case 'adamw':
      return (twin ? k.adam_update_scalar : k.adam_update)(
        b.p,
        b.g,
        b.s1,
        b.s2,
        b.n,
        0.01,
        0.9,
        0.999,
        1e-8,
        kind === 'adamw' ? 0.05 : 0,
        1 - 0.9 ** t,
        1 - 0.999 ** t,
      );
  }
}

function referenceStep(
  kind: Kind,
  p: number[],
  g: Float32Array,
  s1: number[],
  s2: number[],
  t: number,
) {
  switch (kind) {
    case 'sgd':
      return reference.sgd(p, g, 0.05);
    case 'momentum':
    case 'nesterov':
      return reference.momentum(p, g, s1, 0.05, 0.9, kind === 'nesterov');
    case 'rmsprop':
      return reference.rmsprop(p, g, s1, 0.01, 0.9, 1e-8);
    case 'adam':
    case 'adamw':
      return reference.adam(p, g, s1, s2, t, kind === 'adamw' ? 0.05 : 0);
  }
}

describe.each(VARIANTS)('optimizers at every size (%s build)', (variant) => {
  it.each(KINDS)('%s: three steps, SIMD = twin bit for bit, both match float64', async (kind) => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const init = testValues(n, n, 2);
      const simd = block(h, init);
      const twin = block(h, init);
      const p = Array.from(init);
      const s1 = new Array<number>(n).fill(0);
      const s2 = new Array<number>(n).fill(0);
      for (let t = 1; t <= 3; t++) {
        const g = testValues(n, 10 * n + t, 3);
        h.write(simd.g, g);
        h.write(twin.g, g);
        kernelStep(h, kind, simd, t, false);
        kernelStep(h, kind, twin, t, true);
        referenceStep(kind, p, g, s1, s2, t);
      }
      const got = h.read(simd.p, n);
      expect(bits(got), `${kind} N=${n}`).toEqual(bits(h.read(twin.p, n)));
      expect(bits(h.read(simd.s1, n))).toEqual(bits(h.read(twin.s1, n)));
      expect(bits(h.read(simd.s2, n))).toEqual(bits(h.read(twin.s2, n)));
      expectClose(got, p, 1e-6, 1e-6, `${kind} N=${n}`);
      // State sums terms of both signs; its error scales with |g| (≤ 3), not with the sum.
      if (kind !== 'sgd') expectClose(h.read(simd.s1, n), s1, 1e-5, 1e-6, `${kind} state N=${n}`);
    }
  });
});

describe('optimizers across builds', () => {
  it.each(KINDS)('%s: the SIMD build and the scalar build give the same bits', async (kind) => {
    const a = await harness('simd');
    const b = await harness('scalar');
    const run = (h: Harness) => {
      const x = block(h, testValues(67, 1, 2));
      for (let t = 1; t <= 3; t++) {
        h.write(x.g, testValues(67, t + 1, 3));
        kernelStep(h, kind, x, t, false);
      }
      return bits(h.read(x.p, 67));
    };
    expect(run(a)).toEqual(run(b));
  });
});

describe('optimizer state never stays subnormal', () => {
  // Zero gradients decay Adam's moments, the momentum velocity and RMSProp's average
  // geometrically; WebAssembly has no flush-to-zero, so the kernel sets state below 2^-126 to +0
  // itself, the same way in both builds (assembly/flush.ts).
  const tiny = 2 ** -127; // subnormal
  const normal = 2 ** -120;
  const start = [tiny, -tiny, normal, -normal, 0, 3 * tiny, 1e-3];
  for (const variant of VARIANTS) {
    it(`${variant}: state under 2^-126 becomes +0, larger state decays as before`, async () => {
      const h = await harness(variant);
      const n = start.length;
      const fresh = () => ({
        p: h.alloc(n, new Array(n).fill(0.5)),
        g: h.alloc(n),
        s1: h.alloc(n, start),
        s2: h.alloc(n, start.map(Math.abs)),
      });
      const sfx = variant === 'simd' ? '' : '_scalar';
      const k = h.k as unknown as Record<string, (...a: number[]) => void>;
      const a = fresh();
      k[`adam_update${sfx}`]!(a.p, a.g, a.s1, a.s2, n, 0.001, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
      const m = h.read(a.s1, n);
      const v = h.read(a.s2, n);
      const mom = fresh();
      k[`momentum_update${sfx}`]!(mom.p, mom.g, mom.s1, n, 0.1, 0.9, 0);
      const vel = h.read(mom.s1, n);
      const rms = fresh();
      k[`rmsprop_update${sfx}`]!(rms.p, rms.g, rms.s2, n, 0.01, 0.99, 1e-8);
      const sq = h.read(rms.s2, n);
      for (const [label, got, decay] of [
        ['adam m', m, 0.9],
        ['adam v', v, 0.999],
        ['momentum', vel, 0.9],
        ['rmsprop', sq, 0.99],
      ] as const) {
        for (let i = 0; i < n; i++) {
          const want = Math.fround(
            Math.fround(decay) *
              Math.fround(
                label === 'adam m' || label === 'momentum' ? start[i]! : Math.abs(start[i]!),
              ),
          );
          if (Math.abs(want) < 2 ** -126)
            expect(Object.is(got[i], 0), `${label}[${i}] = ${got[i]}`).toBe(true);
          else expect(got[i], `${label}[${i}]`).toBe(want);
        }
      }
    });
  }
});
