/**
 * Batch normalisation (batchnorm_forward_train, batchnorm_forward_eval, batchnorm_backward) on
 * [B, C, S]: BatchNorm1d shapes (S = 1, four-channel vector path and its tails) and BatchNorm2d
 * shapes (S = H·W, vector runs along S and their tails). Every output against a float64
 * reference of torch's formulas within a bound derived from the f32 roundings, the fast op,
 * its scalar twin and the scalar build giving the same bits, gradients accumulating onto
 * non-zero values, null gradient pointers skipping, central finite differences of Σ out·r in
 * training mode, the running statistics over three steps (unbiased variance), eval mode using
 * them, and the known values of a four-element batch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bits, guarded, type Harness, harness, testValues } from './harness.js';

/** Unit roundoff of f32. */
const U = 2 ** -24;
const MOMENTUM = Math.fround(0.1);
const EPS = Math.fround(1e-5);

type Shape = [B: number, C: number, S: number];

/** BatchNorm1d on [B, C] and BatchNorm2d on [B, C, H, W] (S = H·W for H, W in 2..11). */
const SHAPES: Shape[] = [
  ...[2, 3, 5, 8, 17].flatMap((B) => [1, 2, 3, 4, 5, 7, 8, 9].map((C): Shape => [B, C, 1])),
  ...[1, 2, 3].flatMap((B) =>
    [1, 2, 3, 4, 5].flatMap((C) => [4, 6, 9, 20, 21, 22].map((S): Shape => [B, C, S])),
  ),
];

let simd: Harness;
let scalar: Harness;

beforeAll(async () => {
  simd = await harness('simd');
  scalar = await harness('scalar');
});

const kernel = (h: Harness) => h.k;

/** The four ways to run an op: the fast op and its twin, in both builds. */
const RUNS = [
  { name: 'simd build, fast', variant: 'simd', twin: false },
  { name: 'simd build, twin', variant: 'simd', twin: true },
  { name: 'scalar build, fast', variant: 'scalar', twin: false },
  { name: 'scalar build, twin', variant: 'scalar', twin: true },
] as const;
const hOf = (run: (typeof RUNS)[number]) => (run.variant === 'simd' ? simd : scalar);

/** The flat indices of channel c's N = B·S values, in (b, s) order. */
function channel(B: number, C: number, S: number, c: number): number[] {
  const idx: number[] = [];
  for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) idx.push((b * C + c) * S + s);
  return idx;
}

/** Inputs with a different mean and spread per channel, so the statistics matter. */
function inputs(B: number, C: number, S: number, seed: number): Float32Array {
  const x = testValues(B * C * S, seed, 2);
  for (let c = 0; c < C; c++) {
    for (const i of channel(B, C, S, c)) x[i] = x[i]! * (0.5 + c * 0.7) + (c - 2) * 1.5;
  }
  return x;
}

interface Params {
  gamma: Float32Array;
  beta: Float32Array;
  rmean: Float32Array;
  rvar: Float32Array;
}

function params(C: number, seed: number): Params {
  return {
    gamma: testValues(C, seed, 1.5).map((v) => v + Math.sign(v) * 0.25),
    beta: testValues(C, seed + 1),
    rmean: testValues(C, seed + 2),
    rvar: testValues(C, seed + 3).map((v) => 1 + v * 0.5),
  };
}

interface TrainResult {
  out: Float32Array;
  xhat: Float32Array;
  istd: Float32Array;
  rmean: Float32Array;
  rvar: Float32Array;
  inBounds: boolean;
}

function runTrain(
  h: Harness,
  twin: boolean,
  x: Float32Array,
  p: Params,
  [B, C, S]: Shape,
): TrainResult {
  const k = kernel(h);
  const n = B * C * S;
  const out = guarded(h, new Float32Array(n).fill(NaN));
  const xhat = guarded(h, new Float32Array(n).fill(NaN));
  const istd = guarded(h, new Float32Array(C).fill(NaN));
  const rmean = guarded(h, p.rmean);
  const rvar = guarded(h, p.rvar);
  const fn = twin ? k.batchnorm_forward_train_scalar : k.batchnorm_forward_train;
  fn(
    out.ptr,
    xhat.ptr,
    istd.ptr,
    h.alloc(n, x),
    h.alloc(C, p.gamma),
    h.alloc(C, p.beta),
    rmean.ptr,
    rvar.ptr,
    B,
    C,
    S,
    MOMENTUM,
    EPS,
  );
  return {
    out: h.read(out.ptr, n),
    xhat: h.read(xhat.ptr, n),
    istd: h.read(istd.ptr, C),
    rmean: h.read(rmean.ptr, C),
    rvar: h.read(rvar.ptr, C),
    inBounds: [out, xhat, istd, rmean, rvar].every((b) => b.check()),
  };
}

function runEval(h: Harness, twin: boolean, x: Float32Array, p: Params, [B, C, S]: Shape) {
  const k = kernel(h);
  const n = B * C * S;
  const out = guarded(h, new Float32Array(n).fill(NaN));
  const fn = twin ? k.batchnorm_forward_eval_scalar : k.batchnorm_forward_eval;
  const [g, b, m, v] = [p.gamma, p.beta, p.rmean, p.rvar].map((a) => h.alloc(C, a));
  fn(out.ptr, h.alloc(n, x), g!, b!, m!, v!, B, C, S, EPS);
  return { out: h.read(out.ptr, n), inBounds: out.check() };
}

interface Grads {
  dinp: Float32Array | null;
  dgamma: Float32Array | null;
  dbeta: Float32Array | null;
}

function runBackward(
  h: Harness,
  twin: boolean,
  init: Grads,
  saved: { dout: Float32Array; xhat: Float32Array; istd: Float32Array; gamma: Float32Array },
  [B, C, S]: Shape,
) {
  const k = kernel(h);
  const n = B * C * S;
  const dinp = init.dinp ? guarded(h, init.dinp) : null;
  const dgamma = init.dgamma ? guarded(h, init.dgamma) : null;
  const dbeta = init.dbeta ? guarded(h, init.dbeta) : null;
  const fn = twin ? k.batchnorm_backward_scalar : k.batchnorm_backward;
  fn(
    dinp ? dinp.ptr : 0,
    dgamma ? dgamma.ptr : 0,
    dbeta ? dbeta.ptr : 0,
    h.alloc(n, saved.dout),
    h.alloc(n, saved.xhat),
    h.alloc(C, saved.istd),
    h.alloc(C, saved.gamma),
    B,
    C,
    S,
  );
  return {
    dinp: dinp ? h.read(dinp.ptr, n) : null,
    dgamma: dgamma ? h.read(dgamma.ptr, C) : null,
    dbeta: dbeta ? h.read(dbeta.ptr, C) : null,
    inBounds: [dinp, dgamma, dbeta].every((b) => !b || b.check()),
  };
}

interface Ref {
  ref: Float64Array;
  bound: Float64Array;
}

/** Float64 training forward from torch's formulas, with bounds for the kernel's f32 results. */
function trainRef(x: Float32Array, p: Params, [B, C, S]: Shape) {
  const n = B * C * S;
  const N = B * S;
  const r = {
    out: { ref: new Float64Array(n), bound: new Float64Array(n) },
    xhat: { ref: new Float64Array(n), bound: new Float64Array(n) },
    istd: { ref: new Float64Array(C), bound: new Float64Array(C) },
    rmean: { ref: new Float64Array(C), bound: new Float64Array(C) },
    rvar: { ref: new Float64Array(C), bound: new Float64Array(C) },
  };
  for (let c = 0; c < C; c++) {
    const idx = channel(B, C, S, c);
    const mean = idx.reduce((a, i) => a + x[i]!, 0) / N;
    const sq = idx.reduce((a, i) => a + (x[i]! - mean) ** 2, 0);
    const istd = 1 / Math.sqrt(sq / N + EPS);
    r.istd.ref[c] = istd;
    r.istd.bound[c] = 2 * U * istd;
    const rm = (1 - MOMENTUM) * p.rmean[c]! + MOMENTUM * mean;
    const rv = (1 - MOMENTUM) * p.rvar[c]! + MOMENTUM * (sq / N) * (N / (N - 1));
    r.rmean.ref[c] = rm;
    r.rmean.bound[c] = 2 * U * (Math.abs(rm) + Math.abs(p.rmean[c]!) + Math.abs(mean));
    r.rvar.ref[c] = rv;
    r.rvar.bound[c] = 2 * U * (Math.abs(rv) + Math.abs(p.rvar[c]!));
    const g = p.gamma[c]!;
    for (const i of idx) {
      const xh = (x[i]! - mean) * istd;
      // (x − mean32)·istd32 in f32: the mean's rounding, the subtraction's, istd's, the product's.
      const bx = 4 * U * (Math.abs(xh) + Math.abs(mean) * istd);
      r.xhat.ref[i] = xh;
      r.xhat.bound[i] = bx;
      r.out.ref[i] = g * xh + p.beta[c]!;
      r.out.bound[i] = Math.abs(g) * bx + 3 * U * (Math.abs(g * xh) + Math.abs(p.beta[c]!));
    }
  }
  return r;
}

/** Float64 eval forward: gamma·(x − rmean)/sqrt(rvar + eps) + beta. */
function evalRef(x: Float32Array, p: Params, [B, C, S]: Shape): Ref {
  const ref = new Float64Array(B * C * S);
  const bound = new Float64Array(B * C * S);
  for (let c = 0; c < C; c++) {
    const s = 1 / Math.sqrt(p.rvar[c]! + EPS);
    const g = p.gamma[c]!;
    for (const i of channel(B, C, S, c)) {
      const xh = (x[i]! - p.rmean[c]!) * s;
      ref[i] = g * xh + p.beta[c]!;
      bound[i] = 4 * U * (Math.abs(g * xh) + Math.abs(p.beta[c]!));
    }
  }
  return { ref, bound };
}

/** Float64 backward from the saved xhat and istd (torch's formula), with rounding bounds. */
function backwardRef(
  init: { dinp: Float32Array; dgamma: Float32Array; dbeta: Float32Array },
  saved: { dout: Float32Array; xhat: Float32Array; istd: Float32Array; gamma: Float32Array },
  [B, C, S]: Shape,
) {
  const n = B * C * S;
  const N = B * S;
  const r = {
    dinp: { ref: new Float64Array(n), bound: new Float64Array(n) },
    dgamma: { ref: new Float64Array(C), bound: new Float64Array(C) },
    dbeta: { ref: new Float64Array(C), bound: new Float64Array(C) },
  };
  for (let c = 0; c < C; c++) {
    const idx = channel(B, C, S, c);
    const { dout, xhat } = saved;
    const sd = idx.reduce((a, i) => a + dout[i]!, 0);
    const sdx = idx.reduce((a, i) => a + dout[i]! * xhat[i]!, 0);
    const sdAbs = idx.reduce((a, i) => a + Math.abs(dout[i]!), 0);
    const sdxAbs = idx.reduce((a, i) => a + Math.abs(dout[i]! * xhat[i]!), 0);
    r.dbeta.ref[c] = init.dbeta[c]! + sd;
    r.dbeta.bound[c] = 2 * U * (Math.abs(init.dbeta[c]!) + sdAbs);
    r.dgamma.ref[c] = init.dgamma[c]! + sdx;
    r.dgamma.bound[c] = 2 * U * (Math.abs(init.dgamma[c]!) + sdxAbs);
    const gm = saved.gamma[c]!;
    const is = saved.istd[c]!;
    const sg = gm * sd;
    const sgx = gm * sdx;
    for (const i of idx) {
      const g = dout[i]! * gm;
      const term = (is / N) * (N * g - sg - xhat[i]! * sgx);
      r.dinp.ref[i] = init.dinp[i]! + term;
      const mag = is * (Math.abs(g) + Math.abs(sg / N) + Math.abs((xhat[i]! * sgx) / N));
      r.dinp.bound[i] = 6 * U * mag + 2 * U * (Math.abs(init.dinp[i]!) + Math.abs(term));
    }
  }
  return r;
}

/** The first element outside ref ± bound, described, or null. */
function firstMiss(what: string, got: ArrayLike<number>, r: Ref): string | null {
  for (let i = 0; i < r.ref.length; i++) {
    if (!(Math.abs(got[i]! - r.ref[i]!) <= r.bound[i]!)) {
      return `${what}[${i}] = ${got[i]} want ${r.ref[i]} (bound ${r.bound[i]})`;
    }
  }
  return null;
}

const label = ([B, C, S]: Shape) => `B=${B} C=${C} S=${S}`;

describe('batchnorm_forward_train', () => {
  it('every shape: float64 reference for out, xhat, istd and running stats, in all four runs', () => {
    const failures: string[] = [];
    SHAPES.forEach((shape, si) => {
      const x = inputs(...shape, si + 1);
      const p = params(shape[1], si + 50);
      const want = trainRef(x, p, shape);
      let first: string | null = null;
      for (const run of RUNS) {
        const got = runTrain(hOf(run), run.twin, x, p, shape);
        const where = `${label(shape)} ${run.name}`;
        for (const key of ['out', 'xhat', 'istd', 'rmean', 'rvar'] as const) {
          const miss = firstMiss(key, got[key], want[key]);
          if (miss) failures.push(`${where}: ${miss}`);
        }
        if (!got.inBounds) failures.push(`${where}: wrote outside a buffer`);
        const all = [got.out, got.xhat, got.istd, got.rmean, got.rvar].map(bits).join('|');
        if (first !== null && all !== first) failures.push(`${where}: bits differ`);
        first ??= all;
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('known values: [1, 2, 3, 4] has mean 2.5 and biased variance 1.25', () => {
    const p = {
      gamma: Float32Array.of(1),
      beta: Float32Array.of(0),
      rmean: Float32Array.of(0),
      rvar: Float32Array.of(1),
    };
    for (const run of RUNS) {
      const got = runTrain(hOf(run), run.twin, Float32Array.of(1, 2, 3, 4), p, [4, 1, 1]);
      const want = [-1.3416, -0.4472, 0.4472, 1.3416];
      got.out.forEach((v, i) => expect(v, `${run.name} out[${i}]`).toBeCloseTo(want[i]!, 4));
      expect(got.istd[0]).toBeCloseTo(1 / Math.sqrt(1.25 + 1e-5), 6);
      expect(got.rmean[0]).toBeCloseTo(0.25, 7);
      // Unbiased: 0.9·1 + 0.1·(1.25·4/3); the biased variance would give 1.025.
      expect(got.rvar[0]).toBeCloseTo(0.9 + 0.1 * (5 / 3), 6);
    }
  });

  it('running statistics after three steps follow torch (unbiased), and eval uses them', () => {
    for (const shape of [
      [8, 5, 1],
      [3, 4, 9],
      [2, 3, 22],
    ] as Shape[]) {
      const [B, C, S] = shape;
      const N = B * S;
      const start = params(C, 9);
      // A float64 replay of torch's updates, starting where the kernel starts.
      const rm = Float64Array.from(start.rmean);
      const rv = Float64Array.from(start.rvar);
      let last = '';
      for (const run of RUNS) {
        const h = hOf(run);
        let state = { ...start };
        for (let step = 0; step < 3; step++) {
          const x = inputs(B, C, S, 100 + step);
          const got = runTrain(h, run.twin, x, state, shape);
          state = { ...state, rmean: got.rmean, rvar: got.rvar };
          if (run === RUNS[0]) {
            for (let c = 0; c < C; c++) {
              const idx = channel(B, C, S, c);
              const mean = idx.reduce((a, i) => a + x[i]!, 0) / N;
              const unbiased = idx.reduce((a, i) => a + (x[i]! - mean) ** 2, 0) / (N - 1);
              rm[c] = (1 - MOMENTUM) * rm[c]! + MOMENTUM * mean;
              rv[c] = (1 - MOMENTUM) * rv[c]! + MOMENTUM * unbiased;
            }
          }
        }
        const bound = (v: Float64Array) => v.map((m) => 8 * U * (Math.abs(m) + 4));
        const where = `${label(shape)} ${run.name}`;
        expect(firstMiss('rmean', state.rmean, { ref: rm, bound: bound(rm) }), where).toBe(null);
        expect(firstMiss('rvar', state.rvar, { ref: rv, bound: bound(rv) }), where).toBe(null);

        const x = inputs(B, C, S, 200);
        const ev = runEval(h, run.twin, x, state, shape);
        expect(ev.inBounds).toBe(true);
        expect(firstMiss('eval out', ev.out, evalRef(x, state, shape)), where).toBe(null);
        // Not the batch's own statistics: training mode on the same batch gives other values.
        const tr = runTrain(h, run.twin, x, state, shape);
        expect(
          tr.out.some((v, i) => Math.abs(v - ev.out[i]!) > 1e-3),
          where,
        ).toBe(true);
        const now = bits(state.rmean).join() + bits(state.rvar).join() + bits(ev.out).join();
        if (last) expect(now, where).toBe(last);
        last = now;
      }
    }
  });

  it('statistics stay accurate for a large mean (f64 sums, two-pass variance)', () => {
    const shape: Shape = [16, 2, 9];
    const x = testValues(16 * 2 * 9, 3).map((v) => 1000 + v * 0.01);
    const p = params(2, 4);
    const want = trainRef(x, p, shape);
    for (const run of RUNS) {
      const got = runTrain(hOf(run), run.twin, x, p, shape);
      expect(firstMiss('istd', got.istd, want.istd), run.name).toBe(null);
      expect(firstMiss('rvar', got.rvar, want.rvar), run.name).toBe(null);
      expect(firstMiss('xhat', got.xhat, want.xhat), run.name).toBe(null);
    }
  });
});

describe('batchnorm_forward_eval', () => {
  it('every shape: float64 reference, same bits in all four runs, in place', () => {
    const failures: string[] = [];
    SHAPES.forEach((shape, si) => {
      const x = inputs(...shape, si + 3);
      const p = params(shape[1], si + 60);
      const want = evalRef(x, p, shape);
      let first: string | null = null;
      for (const run of RUNS) {
        const got = runEval(hOf(run), run.twin, x, p, shape);
        const where = `${label(shape)} ${run.name}`;
        const miss = firstMiss('out', got.out, want);
        if (miss) failures.push(`${where}: ${miss}`);
        if (!got.inBounds) failures.push(`${where}: wrote outside out`);
        const b = bits(got.out).join();
        if (first !== null && b !== first) failures.push(`${where}: bits differ`);
        first ??= b;
      }
      const h = simd;
      const [B, C, S] = shape;
      const inp = h.alloc(B * C * S, x);
      const [g, bt, m, v] = [p.gamma, p.beta, p.rmean, p.rvar].map((a) => h.alloc(C, a));
      kernel(h).batchnorm_forward_eval(inp, inp, g!, bt!, m!, v!, B, C, S, EPS);
      if (bits(h.read(inp, B * C * S)).join() !== first) failures.push(`${label(shape)} in place`);
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });
});

describe('batchnorm_backward', () => {
  it('every shape: accumulates init + the float64 reference, same bits in all four runs', () => {
    const failures: string[] = [];
    SHAPES.forEach((shape, si) => {
      const [B, C, S] = shape;
      const n = B * C * S;
      const p = params(C, si + 70);
      const fwd = runTrain(simd, false, inputs(B, C, S, si + 5), p, shape);
      const saved = { dout: testValues(n, si + 6), xhat: fwd.xhat, istd: fwd.istd, gamma: p.gamma };
      const init = {
        dinp: testValues(n, si + 7),
        dgamma: testValues(C, si + 8),
        dbeta: testValues(C, si + 9),
      };
      const want = backwardRef(init, saved, shape);
      let first: string | null = null;
      for (const run of RUNS) {
        const got = runBackward(hOf(run), run.twin, init, saved, shape);
        const where = `${label(shape)} ${run.name}`;
        for (const key of ['dinp', 'dgamma', 'dbeta'] as const) {
          const miss = firstMiss(key, got[key]!, want[key]);
          if (miss) failures.push(`${where}: ${miss}`);
        }
        if (!got.inBounds) failures.push(`${where}: wrote outside a gradient`);
        const all = [got.dinp!, got.dgamma!, got.dbeta!].map(bits).join('|');
        if (first !== null && all !== first) failures.push(`${where}: bits differ`);
        first ??= all;
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('null gradient pointers skip their gradient, write nothing, and change no other', () => {
    for (const shape of [
      [6, 5, 1],
      [2, 3, 6],
      [3, 4, 9],
    ] as Shape[]) {
      const [B, C, S] = shape;
      const n = B * C * S;
      const p = params(C, 3);
      const fwd = runTrain(simd, false, inputs(B, C, S, 4), p, shape);
      const saved = { dout: testValues(n, 5), xhat: fwd.xhat, istd: fwd.istd, gamma: p.gamma };
      const init = { dinp: testValues(n, 6), dgamma: testValues(C, 7), dbeta: testValues(C, 8) };
      for (const run of RUNS) {
        const h = hOf(run);
        const full = runBackward(h, run.twin, init, saved, shape);
        for (const skip of ['dinp', 'dgamma', 'dbeta', 'all'] as const) {
          const low = h.read(0, n + 64);
          const some = {
            dinp: skip === 'dinp' || skip === 'all' ? null : init.dinp,
            dgamma: skip === 'dgamma' || skip === 'all' ? null : init.dgamma,
            dbeta: skip === 'dbeta' || skip === 'all' ? null : init.dbeta,
          };
          const got = runBackward(h, run.twin, some, saved, shape);
          const where = `${label(shape)} ${run.name} without ${skip}`;
          expect(bits(h.read(0, n + 64)), where).toEqual(bits(low));
          expect(got.inBounds, where).toBe(true);
          for (const key of ['dinp', 'dgamma', 'dbeta'] as const) {
            if (got[key]) expect(bits(got[key]), `${where}: ${key}`).toEqual(bits(full[key]!));
          }
        }
      }
    }
  });

  it.each([
    [4, 1, 1],
    [5, 6, 1],
    [2, 3, 4],
    [3, 2, 9],
    [1, 5, 6],
    [2, 1, 21],
  ] as Shape[])(
    'matches central finite differences of Σ out·r in training mode (B=%i C=%i S=%i)',
    (B, C, S) => {
      const shape: Shape = [B, C, S];
      const n = B * C * S;
      const x = inputs(B, C, S, 31);
      const p = params(C, 32);
      const r = testValues(n, 33);
      const step = 1 / 128;
      for (const run of RUNS) {
        const h = hOf(run);
        // Each forward recomputes the batch statistics (and xhat, istd) from its own input.
        const loss = (xv: Float32Array, pv: Params) =>
          runTrain(h, run.twin, xv, pv, shape).out.reduce((a, y, i) => a + y * r[i]!, 0);
        const fd = (get: (v: Float32Array, pv: Params) => number, len: number, which: string) => {
          const g = new Float64Array(len);
          for (let i = 0; i < len; i++) {
            const shift = (d: number) => {
              const xv = Float32Array.from(x);
              const pv = {
                ...p,
                gamma: Float32Array.from(p.gamma),
                beta: Float32Array.from(p.beta),
              };
              const target = which === 'inp' ? xv : which === 'gamma' ? pv.gamma : pv.beta;
              target[i] = target[i]! + d;
              return get(xv, pv);
            };
            g[i] = (shift(step) - shift(-step)) / (2 * step);
          }
          return g;
        };
        const fwd = runTrain(h, run.twin, x, p, shape);
        const saved = { dout: r, xhat: fwd.xhat, istd: fwd.istd, gamma: p.gamma };
        const zero = {
          dinp: new Float32Array(n),
          dgamma: new Float32Array(C),
          dbeta: new Float32Array(C),
        };
        const got = runBackward(h, run.twin, zero, saved, shape);
        const want = {
          dinp: fd(loss, n, 'inp'),
          dgamma: fd(loss, C, 'gamma'),
          dbeta: fd(loss, C, 'beta'),
        };
        for (const key of ['dinp', 'dgamma', 'dbeta'] as const) {
          want[key].forEach((w, i) => {
            const diff = Math.abs(got[key]![i]! - w);
            expect(diff, `${run.name} ${key}[${i}] got ${got[key]![i]} fd ${w}`).toBeLessThan(
              2e-3 * (1 + Math.abs(w)),
            );
          });
        }
      }
    },
  );
});
