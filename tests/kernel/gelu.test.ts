/**
 * GELU, GPT-2's tanh approximation (gelu_forward, gelu_backward), at every size in SIZES and on
 * special values (±0, tiny, large, x³ overflowing): forward and derivative against a float64
 * reference within a bound derived from the f32 roundings and tanh_f32's 2 ulp, the fast op,
 * its scalar twin and the scalar build giving the same bits, the forward in place, the gradient
 * accumulating onto non-zero values, central finite differences of Σ out·r through the
 * kernel's own forward, and, when PyTorch is installed,
 * torch.nn.functional.gelu(x, approximate='tanh') and its autograd on the same inputs.
 */
import { spawnSync } from 'node:child_process';
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

/** Unit roundoff of f32. */
const U = 2 ** -24;
const K = Math.sqrt(2 / Math.PI);
const A = 0.044715;

let simd: Harness;
let scalar: Harness;

beforeAll(async () => {
  simd = await harness('simd');
  scalar = await harness('scalar');
});

const hOf = (run: Run) => (run.variant === 'simd' ? simd : scalar);

function forward(run: Run, x: Float32Array) {
  const h = hOf(run);
  const out = guarded(h, new Float32Array(x.length).fill(NaN));
  const fn = run.twin ? h.k.gelu_forward_scalar : h.k.gelu_forward;
  fn(out.ptr, h.alloc(x.length, x), x.length);
  return { out: h.read(out.ptr, x.length), inBounds: out.check() };
}

function backward(run: Run, init: Float32Array, dout: Float32Array, x: Float32Array) {
  const h = hOf(run);
  const dinp = guarded(h, init);
  const fn = run.twin ? h.k.gelu_backward_scalar : h.k.gelu_backward;
  fn(dinp.ptr, h.alloc(x.length, dout), h.alloc(x.length, x), x.length);
  return { dinp: h.read(dinp.ptr, x.length), inBounds: dinp.check() };
}

/**
 * Float64 gelu and gelu′ at x, with bounds for the kernel's f32 results: u carries about 6
 * roundings (the two constants, x², x³, A·x³, the sum, K·), tanh 2 ulp plus u's error times
 * tanh′ = 1 − t², and each later operation one more rounding.
 */
function reference(x: number) {
  const u = K * (x + A * x * x * x);
  const t = Math.tanh(u);
  const dt = 1 - t * t;
  const du = K * (1 + 3 * A * x * x);
  const y = 0.5 * x * (1 + t);
  const d = 0.5 * (1 + t) + 0.5 * x * dt * du;
  // u may overflow in f32 (|x| above ~1e12) where t = ±1 exactly and dt = 0.
  const eT = 4 * U * Math.abs(t) + Math.min(6 * U * Math.abs(u) * dt, 2);
  const yBound = 2 * (Math.abs(0.5 * x) * (eT + U * Math.abs(1 + t)) + U * Math.abs(y));
  const term2 = Math.abs(0.5 * x * dt * du);
  const dBound =
    2 *
    (0.5 * (eT + U * Math.abs(1 + t)) +
      Math.abs(0.5 * x * du) * (2 * eT + 2 * U) +
      6 * U * (0.5 * Math.abs(1 + t) + term2));
  return { y, d, yBound: yBound + 1e-40, dBound: dBound + 1e-40 };
}

const SPECIALS = Float32Array.of(
  0,
  -0,
  1e-20,
  -1e-20,
  0.5,
  -0.5,
  3,
  -3,
  6,
  -6,
  10,
  -10,
  20,
  -20,
  1e6,
  -1e6,
  1e20,
  -1e20,
  3.4e38,
  -3.4e38,
);

/** Mostly in [−6, 6] (where gelu bends), with the special values at the front. */
function inputs(n: number, seed: number): Float32Array {
  const x = testValues(n, seed, 6);
  x.set(SPECIALS.subarray(0, Math.min(n, SPECIALS.length)));
  return x;
}

describe('gelu_forward', () => {
  it('every size: float64 reference, same bits in all four runs and in place', () => {
    const failures: string[] = [];
    for (const n of [...SIZES, SPECIALS.length]) {
      const x = inputs(n, n + 1);
      let first: string | null = null;
      for (const run of RUNS) {
        const got = forward(run, x);
        const where = `N=${n} ${run.name}`;
        x.forEach((v, i) => {
          const r = reference(v);
          if (!(Math.abs(got.out[i]! - r.y) <= r.yBound)) {
            failures.push(`${where}: gelu(${v}) = ${got.out[i]} want ${r.y} (bound ${r.yBound})`);
          }
        });
        if (!got.inBounds) failures.push(`${where}: wrote outside out`);
        const b = bits(got.out).join();
        if (first !== null && b !== first) failures.push(`${where}: bits differ`);
        first ??= b;
        const h = hOf(run);
        const p = h.alloc(n, x);
        (run.twin ? h.k.gelu_forward_scalar : h.k.gelu_forward)(p, p, n);
        if (bits(h.read(p, n)).join() !== first) failures.push(`${where}: in place differs`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('gelu(±0) = ±0, large positive x gives x, large negative x gives −0', () => {
    for (const run of RUNS) {
      const got = forward(run, Float32Array.of(0, -0, 20, 1e20, -20, -1e20));
      expect(bits(got.out), run.name).toEqual(bits(Float32Array.of(0, -0, 20, 1e20, -0, -0)));
    }
  });
});

describe('gelu_backward', () => {
  it('every size: accumulates init + dout·gelu′(x), same bits in all four runs', () => {
    const failures: string[] = [];
    for (const n of [...SIZES, SPECIALS.length]) {
      const x = inputs(n, n + 2);
      const dout = testValues(n, n + 3);
      const init = testValues(n, n + 4);
      let first: string | null = null;
      for (const run of RUNS) {
        const got = backward(run, init, dout, x);
        const where = `N=${n} ${run.name}`;
        x.forEach((v, i) => {
          const r = reference(v);
          const want = init[i]! + dout[i]! * r.d;
          const bound =
            Math.abs(dout[i]!) * r.dBound + 2 * U * (Math.abs(init[i]!) + Math.abs(dout[i]! * r.d));
          if (!(Math.abs(got.dinp[i]! - want) <= bound)) {
            failures.push(`${where}: at x=${v} got ${got.dinp[i]} want ${want} (bound ${bound})`);
          }
        });
        if (!got.inBounds) failures.push(`${where}: wrote outside dinp`);
        const b = bits(got.dinp).join();
        if (first !== null && b !== first) failures.push(`${where}: bits differ`);
        first ??= b;
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('the derivative is 0.5 at 0, 1 far right and 0 far left', () => {
    for (const run of RUNS) {
      const x = Float32Array.of(0, 20, 1e20, -20, -1e20);
      const got = backward(run, new Float32Array(5), new Float32Array(5).fill(1), x);
      expect(Array.from(got.dinp), run.name).toEqual([0.5, 1, 1, 0, 0]);
    }
  });

  it.each([1, 3, 4, 5, 17, 33])('matches central finite differences of Σ out·r (N=%i)', (n) => {
    const x = testValues(n, 51, 4);
    const r = testValues(n, 52);
    const step = 1 / 256;
    for (const run of RUNS) {
      const loss = (xv: Float32Array) => forward(run, xv).out.reduce((a, y, i) => a + y * r[i]!, 0);
      const got = backward(run, new Float32Array(n), r, x);
      for (let i = 0; i < n; i++) {
        const shift = (d: number) => {
          const xv = Float32Array.from(x);
          xv[i] = xv[i]! + d;
          return loss(xv);
        };
        const fd = (shift(step) - shift(-step)) / (2 * step);
        const diff = Math.abs(got.dinp[i]! - fd);
        expect(diff, `${run.name} [${i}] got ${got.dinp[i]} fd ${fd}`).toBeLessThan(
          1e-3 * (1 + Math.abs(fd)),
        );
      }
    }
  });
});

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

// Reads {x, dout} as JSON on stdin; prints torch's f32 gelu (tanh approximation) and the
// gradient of Σ out·dout with respect to x.
const TORCH_SCRIPT = `
import json, sys, torch
a = json.load(sys.stdin)
x = torch.tensor(a['x'], dtype=torch.float32).requires_grad_(True)
out = torch.nn.functional.gelu(x, approximate='tanh')
(out * torch.tensor(a['dout'], dtype=torch.float32)).sum().backward()
print(json.dumps({'out': out.detach().tolist(), 'dinp': x.grad.tolist()}))
`;

describe('gelu against PyTorch', () => {
  it.skipIf(!hasTorch)(
    "torch.nn.functional.gelu(x, approximate='tanh') and its autograd agree on fixed inputs",
    { timeout: 60_000 },
    () => {
      const x = Float32Array.from([...testValues(67, 61, 6), 0, 0.5, -0.5, 3, -3, 10, -10]);
      const dout = testValues(x.length, 62);
      const res = spawnSync(PYTHON, ['-c', TORCH_SCRIPT], {
        input: JSON.stringify({ x: [...x], dout: [...dout] }),
        encoding: 'utf8',
      });
      expect(res.status, res.stderr).toBe(0);
      const torch = JSON.parse(res.stdout) as { out: number[]; dinp: number[] };
      for (const run of RUNS) {
        const out = forward(run, x).out;
        const dinp = backward(run, new Float32Array(x.length), dout, x).dinp;
        x.forEach((v, i) => {
          const where = `${run.name} x=${v}`;
          expect(Math.abs(out[i]! - torch.out[i]!), `${where} out`).toBeLessThan(
            1e-6 * (1 + Math.abs(v)),
          );
          expect(Math.abs(dinp[i]! - torch.dinp[i]!), `${where} dinp`).toBeLessThan(
            2e-6 * (1 + Math.abs(v)),
          );
        });
      }
    },
  );
});
