/**
 * Layer normalisation (layernorm_forward, layernorm_backward) over the last dimension of
 * [N, D], for N in 1, 2, 5 and D in 1, 3, 4, 5, 17, 33, 64, 67 (whole vector groups and every
 * tail length). out, mean, rstd and the three gradients against a float64 reference of torch's
 * formulas within a bound derived from the f32 roundings; the fast op, its scalar twin and the
 * scalar build giving the same bits; gradients accumulating onto non-zero values; null gradient
 * pointers skipping; central finite differences of Σ out·r through the kernel's own forward;
 * the known values of [1, 2, 3, 4]; a large mean; and, when PyTorch is installed,
 * torch.nn.functional.layer_norm and its autograd on the same inputs.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { bits, guarded, type Harness, harness, type Run, RUNS, testValues } from './harness.js';

/** Unit roundoff of f32. */
const U = 2 ** -24;
const EPS = Math.fround(1e-5);

type Shape = [N: number, D: number];

const SHAPES: Shape[] = [1, 2, 5].flatMap((N) =>
  [1, 3, 4, 5, 17, 33, 64, 67].map((D): Shape => [N, D]),
);

let simd: Harness;
let scalar: Harness;

beforeAll(async () => {
  simd = await harness('simd');
  scalar = await harness('scalar');
});

const hOf = (run: Run) => (run.variant === 'simd' ? simd : scalar);

/** Inputs [N, D] with a different mean and spread per row, so the statistics matter. */
function inputs(N: number, D: number, seed: number): Float32Array {
  const x = testValues(N * D, seed, 2);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < D; j++) x[n * D + j] = x[n * D + j]! * (0.5 + n * 0.7) + (n - 2) * 1.5;
  }
  return x;
}

/** Values of magnitude 2^−40..2^40 and either sign (exact in f32). */
function wide(n: number, seed: number): Float32Array {
  const e = testValues(n, seed, 40);
  return testValues(n, seed + 1).map((v, i) => v * 2 ** Math.round(e[i]!));
}

interface Params {
  gamma: Float32Array;
  beta: Float32Array;
}

function params(D: number, seed: number): Params {
  return {
    gamma: testValues(D, seed, 1.5).map((v) => v + Math.sign(v) * 0.25),
    beta: testValues(D, seed + 1),
  };
}

interface Forward {
  out: Float32Array;
  mean: Float32Array;
  rstd: Float32Array;
  inBounds: boolean;
}

function runForward(run: Run, x: Float32Array, p: Params, [N, D]: Shape): Forward {
  const h = hOf(run);
  const out = guarded(h, new Float32Array(N * D).fill(NaN));
  const mean = guarded(h, new Float32Array(N).fill(NaN));
  const rstd = guarded(h, new Float32Array(N).fill(NaN));
  const fn = run.twin ? h.k.layernorm_forward_scalar : h.k.layernorm_forward;
  fn(
    out.ptr,
    mean.ptr,
    rstd.ptr,
    h.alloc(N * D, x),
    h.alloc(D, p.gamma),
    h.alloc(D, p.beta),
    N,
    D,
    EPS,
  );
  return {
    out: h.read(out.ptr, N * D),
    mean: h.read(mean.ptr, N),
    rstd: h.read(rstd.ptr, N),
    inBounds: [out, mean, rstd].every((b) => b.check()),
  };
}

interface Grads {
  dinp: Float32Array | null;
  dgamma: Float32Array | null;
  dbeta: Float32Array | null;
}

interface Saved {
  dout: Float32Array;
  x: Float32Array;
  mean: Float32Array;
  rstd: Float32Array;
  gamma: Float32Array;
}

function runBackward(run: Run, init: Grads, s: Saved, [N, D]: Shape) {
  const h = hOf(run);
  const dinp = init.dinp ? guarded(h, init.dinp) : null;
  const dgamma = init.dgamma ? guarded(h, init.dgamma) : null;
  const dbeta = init.dbeta ? guarded(h, init.dbeta) : null;
  const fn = run.twin ? h.k.layernorm_backward_scalar : h.k.layernorm_backward;
  fn(
    dinp ? dinp.ptr : 0,
    dgamma ? dgamma.ptr : 0,
    dbeta ? dbeta.ptr : 0,
    h.alloc(N * D, s.dout),
    h.alloc(N * D, s.x),
    h.alloc(N, s.mean),
    h.alloc(N, s.rstd),
    h.alloc(D, s.gamma),
    N,
    D,
  );
  return {
    dinp: dinp ? h.read(dinp.ptr, N * D) : null,
    dgamma: dgamma ? h.read(dgamma.ptr, D) : null,
    dbeta: dbeta ? h.read(dbeta.ptr, D) : null,
    inBounds: [dinp, dgamma, dbeta].every((b) => !b || b.check()),
  };
}

interface Ref {
  ref: Float64Array;
  bound: Float64Array;
}

const ref = (n: number): Ref => ({ ref: new Float64Array(n), bound: new Float64Array(n) });

/** Float64 forward from torch's formulas, with bounds for the kernel's f32 results. */
function forwardRef(x: Float32Array, p: Params, [N, D]: Shape) {
  const r = { out: ref(N * D), mean: ref(N), rstd: ref(N) };
  for (let n = 0; n < N; n++) {
    const row = Array.from(x.subarray(n * D, (n + 1) * D));
    const mean = row.reduce((a, v) => a + v, 0) / D;
    const rstd = 1 / Math.sqrt(row.reduce((a, v) => a + (v - mean) ** 2, 0) / D + EPS);
    r.mean.ref[n] = mean;
    r.mean.bound[n] = U * Math.abs(mean) + 1e-300;
    r.rstd.ref[n] = rstd;
    r.rstd.bound[n] = 2 * U * rstd;
    for (let j = 0; j < D; j++) {
      const xh = (row[j]! - mean) * rstd;
      // (x − mean32)·rstd32 in f32: the mean's rounding, the subtraction's, rstd's, the product's.
      const bx = 4 * U * (Math.abs(xh) + Math.abs(mean) * rstd);
      const g = p.gamma[j]!;
      r.out.ref[n * D + j] = g * xh + p.beta[j]!;
      r.out.bound[n * D + j] = Math.abs(g) * bx + 3 * U * (Math.abs(g * xh) + Math.abs(p.beta[j]!));
    }
  }
  return r;
}

/** Float64 backward from the saved mean and rstd (torch's formula), with rounding bounds. */
function backwardRef(
  init: { dinp: Float32Array; dgamma: Float32Array; dbeta: Float32Array },
  s: Saved,
  [N, D]: Shape,
) {
  const r = { dinp: ref(N * D), dgamma: ref(D), dbeta: ref(D) };
  const xhat = (n: number, j: number) => (s.x[n * D + j]! - s.mean[n]!) * s.rstd[n]!;
  for (let j = 0; j < D; j++) {
    let sb = 0;
    let sbAbs = 0;
    let sg = 0;
    let sgAbs = 0;
    for (let n = 0; n < N; n++) {
      const d = s.dout[n * D + j]!;
      sb += d;
      sbAbs += Math.abs(d);
      sg += d * xhat(n, j);
      sgAbs += Math.abs(d * xhat(n, j));
    }
    r.dbeta.ref[j] = init.dbeta[j]! + sb;
    r.dbeta.bound[j] = (N + 1) * U * (Math.abs(init.dbeta[j]!) + sbAbs);
    r.dgamma.ref[j] = init.dgamma[j]! + sg;
    r.dgamma.bound[j] = (N + 4) * U * (Math.abs(init.dgamma[j]!) + sgAbs);
  }
  for (let n = 0; n < N; n++) {
    const rs = s.rstd[n]!;
    // xhat is recomputed in f32: the mean's rounding, the subtraction's and the product's.
    const xhErr = (j: number) => 4 * U * (Math.abs(xhat(n, j)) + Math.abs(s.mean[n]!) * rs);
    let mg = 0;
    let mgx = 0;
    let gErr = 0;
    for (let j = 0; j < D; j++) {
      const g = s.dout[n * D + j]! * s.gamma[j]!;
      mg += g / D;
      mgx += (g * xhat(n, j)) / D;
      gErr += (Math.abs(g) * xhErr(j)) / D;
    }
    for (let j = 0; j < D; j++) {
      const i = n * D + j;
      const g = s.dout[i]! * s.gamma[j]!;
      const xh = xhat(n, j);
      const term = rs * (g - mg - xh * mgx);
      r.dinp.ref[i] = init.dinp[i]! + term;
      const mag = rs * (Math.abs(g) + Math.abs(mg) + Math.abs(xh * mgx));
      const extra = rs * (xhErr(j) * Math.abs(mgx) + Math.abs(xh) * gErr);
      r.dinp.bound[i] =
        6 * U * mag + 2 * extra + 2 * U * (Math.abs(init.dinp[i]!) + Math.abs(term));
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

const label = ([N, D]: Shape) => `N=${N} D=${D}`;

describe('layernorm_forward', () => {
  it('every shape: float64 reference for out, mean and rstd, same bits in all four runs', () => {
    const failures: string[] = [];
    SHAPES.forEach((shape, si) => {
      const x = inputs(...shape, si + 1);
      const p = params(shape[1], si + 50);
      const want = forwardRef(x, p, shape);
      let first: string | null = null;
      for (const run of RUNS) {
        const got = runForward(run, x, p, shape);
        const where = `${label(shape)} ${run.name}`;
        for (const key of ['out', 'mean', 'rstd'] as const) {
          const miss = firstMiss(key, got[key], want[key]);
          if (miss) failures.push(`${where}: ${miss}`);
        }
        if (!got.inBounds) failures.push(`${where}: wrote outside a buffer`);
        const all = [got.out, got.mean, got.rstd].map(bits).join('|');
        if (first !== null && all !== first) failures.push(`${where}: bits differ`);
        first ??= all;
      }
      // In place: out aliasing inp gives the same bits.
      const h = simd;
      const [N, D] = shape;
      const inp = h.alloc(N * D, x);
      const [m, r, g, b] = [N, N, D, D].map((len) => h.alloc(len));
      h.write(g!, p.gamma);
      h.write(b!, p.beta);
      h.k.layernorm_forward(inp, m!, r!, inp, g!, b!, N, D, EPS);
      if (bits(h.read(inp, N * D)).join() !== first!.split('|')[0]) {
        failures.push(`${label(shape)}: in place differs`);
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('rows spanning 2^±40: same bits in all four runs where the f64 sums round', () => {
    // The partial sums round here, so this checks the paths add them in one order; the f32
    // mean and rstd hide most such differences, the bits of every output are compared anyway.
    for (const shape of [
      [3, 17],
      [2, 64],
      [5, 67],
    ] as Shape[]) {
      const x = wide(shape[0] * shape[1], 71);
      const p = params(shape[1], 72);
      const all = RUNS.map((run) => {
        const got = runForward(run, x, p, shape);
        return [got.out, got.mean, got.rstd].map(bits).join('|');
      });
      all.forEach((b, i) => expect(b, `${label(shape)} ${RUNS[i]!.name}`).toBe(all[0]));
      const fwd = runForward(RUNS[0], x, p, shape);
      const s = { dout: wide(x.length, 73), x, mean: fwd.mean, rstd: fwd.rstd, gamma: p.gamma };
      const grads = RUNS.map((run) => {
        const init = {
          dinp: new Float32Array(x.length),
          dgamma: new Float32Array(shape[1]),
          dbeta: new Float32Array(shape[1]),
        };
        const got = runBackward(run, init, s, shape);
        return [got.dinp!, got.dgamma!, got.dbeta!].map(bits).join('|');
      });
      grads.forEach((b, i) => expect(b, `${label(shape)} ${RUNS[i]!.name} grads`).toBe(grads[0]));
    }
  });

  it('known values: [1, 2, 3, 4] has mean 2.5 and biased variance 1.25', () => {
    const p = { gamma: Float32Array.of(1, 1, 1, 1), beta: Float32Array.of(0, 0, 0, 0) };
    for (const run of RUNS) {
      const got = runForward(run, Float32Array.of(1, 2, 3, 4), p, [1, 4]);
      const want = [-1.3416, -0.4472, 0.4472, 1.3416];
      got.out.forEach((v, i) => expect(v, `${run.name} out[${i}]`).toBeCloseTo(want[i]!, 4));
      expect(got.mean[0]).toBe(2.5);
      expect(got.rstd[0]).toBeCloseTo(1 / Math.sqrt(1.25 + 1e-5), 6);
    }
  });

  it('a row of one value normalises to beta (zero variance, rstd = 1/sqrt(eps))', () => {
    const p = { gamma: Float32Array.of(3), beta: Float32Array.of(0.5) };
    for (const run of RUNS) {
      const got = runForward(run, Float32Array.of(7, -2), p, [2, 1]);
      expect(Array.from(got.out), run.name).toEqual([0.5, 0.5]);
      expect(got.rstd[0]).toBe(Math.fround(1 / Math.sqrt(EPS)));
    }
  });

  it('statistics stay accurate for a large mean (f64 sums, two-pass variance)', () => {
    const shape: Shape = [3, 67];
    const x = testValues(3 * 67, 3).map((v) => 1000 + v * 0.01);
    const p = params(67, 4);
    const want = forwardRef(x, p, shape);
    for (const run of RUNS) {
      const got = runForward(run, x, p, shape);
      expect(firstMiss('rstd', got.rstd, want.rstd), run.name).toBe(null);
      expect(firstMiss('out', got.out, want.out), run.name).toBe(null);
    }
  });
});

function savedFor(shape: Shape, seed: number): { s: Saved; p: Params } {
  const [N, D] = shape;
  const x = inputs(N, D, seed);
  const p = params(D, seed + 1);
  const fwd = runForward(RUNS[0], x, p, shape);
  return {
    s: { dout: testValues(N * D, seed + 2), x, mean: fwd.mean, rstd: fwd.rstd, gamma: p.gamma },
    p,
  };
}

describe('layernorm_backward', () => {
  it('every shape: accumulates init + the float64 reference, same bits in all four runs', () => {
    const failures: string[] = [];
    SHAPES.forEach((shape, si) => {
      const [N, D] = shape;
      const { s } = savedFor(shape, si + 5);
      const init = {
        dinp: testValues(N * D, si + 7),
        dgamma: testValues(D, si + 8),
        dbeta: testValues(D, si + 9),
      };
      const want = backwardRef(init, s, shape);
      let first: string | null = null;
      for (const run of RUNS) {
        const got = runBackward(run, init, s, shape);
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
      [5, 5],
      [2, 17],
      [1, 64],
    ] as Shape[]) {
      const [N, D] = shape;
      const { s } = savedFor(shape, 3);
      const init = {
        dinp: testValues(N * D, 6),
        dgamma: testValues(D, 7),
        dbeta: testValues(D, 8),
      };
      for (const run of RUNS) {
        const h = hOf(run);
        const full = runBackward(run, init, s, shape);
        for (const skip of ['dinp', 'dgamma', 'dbeta', 'all'] as const) {
          const low = h.read(0, N * D + 64);
          const some = {
            dinp: skip === 'dinp' || skip === 'all' ? null : init.dinp,
            dgamma: skip === 'dgamma' || skip === 'all' ? null : init.dgamma,
            dbeta: skip === 'dbeta' || skip === 'all' ? null : init.dbeta,
          };
          const got = runBackward(run, some, s, shape);
          const where = `${label(shape)} ${run.name} without ${skip}`;
          expect(bits(h.read(0, N * D + 64)), where).toEqual(bits(low));
          expect(got.inBounds, where).toBe(true);
          for (const key of ['dinp', 'dgamma', 'dbeta'] as const) {
            if (got[key]) expect(bits(got[key]), `${where}: ${key}`).toEqual(bits(full[key]!));
          }
        }
      }
    }
  });

  it.each([
    [1, 1],
    [2, 3],
    [1, 4],
    [5, 5],
    [2, 17],
    [1, 33],
  ] as Shape[])('matches central finite differences of Σ out·r (N=%i D=%i)', (N, D) => {
    const shape: Shape = [N, D];
    const x = inputs(N, D, 31);
    const p = params(D, 32);
    const r = testValues(N * D, 33);
    const step = 1 / 128;
    for (const run of RUNS) {
      // Each forward recomputes the row statistics from its own input.
      const loss = (xv: Float32Array, pv: Params) =>
        runForward(run, xv, pv, shape).out.reduce((a, y, i) => a + y * r[i]!, 0);
      const fd = (len: number, which: 'inp' | 'gamma' | 'beta') => {
        const g = new Float64Array(len);
        for (let i = 0; i < len; i++) {
          const shift = (d: number) => {
            const xv = Float32Array.from(x);
            const pv = { gamma: Float32Array.from(p.gamma), beta: Float32Array.from(p.beta) };
            const target = which === 'inp' ? xv : which === 'gamma' ? pv.gamma : pv.beta;
            target[i] = target[i]! + d;
            return loss(xv, pv);
          };
          g[i] = (shift(step) - shift(-step)) / (2 * step);
        }
        return g;
      };
      const fwd = runForward(run, x, p, shape);
      const s = { dout: r, x, mean: fwd.mean, rstd: fwd.rstd, gamma: p.gamma };
      const zero = {
        dinp: new Float32Array(N * D),
        dgamma: new Float32Array(D),
        dbeta: new Float32Array(D),
      };
      const got = runBackward(run, zero, s, shape);
      const want = { dinp: fd(N * D, 'inp'), dgamma: fd(D, 'gamma'), dbeta: fd(D, 'beta') };
      for (const key of ['dinp', 'dgamma', 'dbeta'] as const) {
        want[key].forEach((w, i) => {
          const diff = Math.abs(got[key]![i]! - w);
          expect(diff, `${run.name} ${key}[${i}] got ${got[key]![i]} fd ${w}`).toBeLessThan(
            2e-3 * (1 + Math.abs(w)),
          );
        });
      }
    }
  });
});

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

// Reads {N, D, x, gamma, beta, dout} as JSON on stdin; prints torch's f32 out, mean, rstd and
// the gradients of Σ out·dout with respect to x, gamma and beta.
const TORCH_SCRIPT = `
import json, sys, torch
a = json.load(sys.stdin)
N, D = a['N'], a['D']
t = lambda v, *s: torch.tensor(v, dtype=torch.float32).reshape(*s).requires_grad_(True)
x, g, b = t(a['x'], N, D), t(a['gamma'], D), t(a['beta'], D)
out = torch.nn.functional.layer_norm(x, (D,), g, b, eps=1e-5)
mean = x.mean(-1)
rstd = torch.rsqrt(x.var(-1, unbiased=False) + 1e-5)
(out * torch.tensor(a['dout']).reshape(N, D)).sum().backward()
f = lambda v: v.detach().reshape(-1).tolist()
print(json.dumps({'out': f(out), 'mean': f(mean), 'rstd': f(rstd),
                  'dinp': f(x.grad), 'dgamma': f(g.grad), 'dbeta': f(b.grad)}))
`;

describe('layernorm against PyTorch', () => {
  it.skipIf(!hasTorch)(
    'torch.nn.functional.layer_norm and its autograd agree on fixed inputs',
    { timeout: 60_000 },
    () => {
      for (const shape of [
        [5, 67],
        [2, 3],
        [3, 64],
      ] as Shape[]) {
        const [N, D] = shape;
        const x = inputs(N, D, 41);
        const p = params(D, 42);
        const dout = testValues(N * D, 43);
        const res = spawnSync(PYTHON, ['-c', TORCH_SCRIPT], {
          input: JSON.stringify({ N, D, x: [...x], ...mapArrays(p), dout: [...dout] }),
          encoding: 'utf8',
        });
        expect(res.status, res.stderr).toBe(0);
        const torch = JSON.parse(res.stdout) as Record<string, number[]>;
        for (const run of RUNS) {
          const fwd = runForward(run, x, p, shape);
          const s = { dout, x, mean: fwd.mean, rstd: fwd.rstd, gamma: p.gamma };
          const zero = {
            dinp: new Float32Array(N * D),
            dgamma: new Float32Array(D),
            dbeta: new Float32Array(D),
          };
          const bwd = runBackward(run, zero, s, shape);
          const got: Record<string, Float32Array> = {
            out: fwd.out,
            mean: fwd.mean,
            rstd: fwd.rstd,
            dinp: bwd.dinp!,
            dgamma: bwd.dgamma!,
            dbeta: bwd.dbeta!,
          };
          for (const [key, want] of Object.entries(torch)) {
            const scale = Math.max(...want.map(Math.abs), 1);
            want.forEach((w, i) => {
              const diff = Math.abs(got[key]![i]! - w);
              expect(diff, `${label(shape)} ${run.name} ${key}[${i}]`).toBeLessThan(2e-5 * scale);
            });
          }
        }
      }
    },
  );
});

function mapArrays(p: Params): { gamma: number[]; beta: number[] } {
  return { gamma: [...p.gamma], beta: [...p.beta] };
}
