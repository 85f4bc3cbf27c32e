// dense.test.ts — B batch rows, C input features, OC output features; w[OC,C], b[OC].
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ptr } from '../../src/engine/kernel.js';
import { guarded, type Harness, harness, testValues } from './harness.js';

/** Unit roundoff of f32 doubled: a generous per-operation error for the bounds below. */
const U = 2 ** -23;

/** Small shapes: every combination is checked against the float64 reference. */
const BS = [1, 2, 3, 5, 8, 13, 32, 33];
const CS = [1, 2, 3, 4, 7, 16, 17];
const OCS = [1, 2, 3, 4, 5, 10, 16, 17];
/** The layers of the game's models (2→16→16→1 and 784→128→10, batch 32) and k-block tails. */
const MODEL: readonly [number, number, number][] = [
  [32, 2, 16],
  [32, 16, 16],
  [32, 16, 1],
  [32, 784, 128],
  [32, 128, 10],
  [7, 300, 9],
  [300, 5, 3],
];

let simd: Harness;
let scalar: Harness;

beforeAll(async () => {
  simd = await harness('simd');
  scalar = await harness('scalar');
});

interface Data {
  inp: Float32Array;
  w: Float32Array;
  b: Float32Array;
  dout: Float32Array;
}

function data(B: number, C: number, OC: number, seed: number): Data {
  return {
    inp: testValues(B * C, seed),
    w: testValues(OC * C, seed + 1, 0.5),
    b: testValues(OC, seed + 2),
    dout: testValues(B * OC, seed + 3),
  };
}

/** The first element of got outside ref ± bound, described, or null. */
function compare(
  what: string,
  got: Float32Array,
  ref: Float64Array,
  bound: Float64Array,
): string | null {
  for (let e = 0; e < ref.length; e++) {
    if (!(Math.abs(got[e]! - ref[e]!) <= bound[e]!)) {
      return `${what}[${e}] = ${got[e]} want ${ref[e]} (bound ${bound[e]})`;
    }
  }
  return null;
}

/** out = b + inp·wᵀ in float64 with its rounding bound. */
function forwardRef(d: Data, B: number, C: number, OC: number) {
  const ref = new Float64Array(B * OC);
  const bound = new Float64Array(B * OC);
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < OC; o++) {
      let s = d.b[o]!;
      let mag = Math.abs(s);
      for (let c = 0; c < C; c++) {
        const t = d.inp[r * C + c]! * d.w[o * C + c]!;
        s += t;
        mag += Math.abs(t);
      }
      ref[r * OC + o] = s;
      bound[r * OC + o] = (C + 2) * U * mag + 1e-30;
    }
  }
  return { ref, bound };
}

/** init + gradients in float64: dw = doutᵀ·inp, db = Σ_rows dout, dinp = dout·w. */
function backwardRef(
  d: Data,
  init: { dinp: Float32Array; dw: Float32Array; db: Float32Array },
  B: number,
  C: number,
  OC: number,
) {
  const dw = Float64Array.from(init.dw);
  const dwMag = Float64Array.from(init.dw, Math.abs);
  const db = Float64Array.from(init.db);
  const dbMag = Float64Array.from(init.db, Math.abs);
  const dinp = Float64Array.from(init.dinp);
  const dinpMag = Float64Array.from(init.dinp, Math.abs);
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < OC; o++) {
      const g = d.dout[r * OC + o]!;
      db[o] += g;
      dbMag[o] += Math.abs(g);
      for (let c = 0; c < C; c++) {
        dw[o * C + c] += g * d.inp[r * C + c]!;
        dwMag[o * C + c] += Math.abs(g * d.inp[r * C + c]!);
        dinp[r * C + c] += g * d.w[o * C + c]!;
        dinpMag[r * C + c] += Math.abs(g * d.w[o * C + c]!);
      }
    }
  }
  const bound = (mag: Float64Array, n: number) => mag.map((m) => (n + 2) * U * m + 1e-30);
  return {
    dw: { ref: dw, bound: bound(dwMag, B) },
    db: { ref: db, bound: bound(dbMag, B) },
    dinp: { ref: dinp, bound: bound(dinpMag, OC) },
  };
}

type Forward = (out: Ptr, inp: Ptr, w: Ptr, b: Ptr, B: number, C: number, OC: number) => void;
type Backward = (
  dinp: Ptr,
  dw: Ptr,
  db: Ptr,
  dout: Ptr,
  inp: Ptr,
  w: Ptr,
  B: number,
  C: number,
  OC: number,
) => void;

/** Runs a forward on fresh buffers and returns its output (or the first problem). */
function runForward(h: Harness, fn: Forward, d: Data, B: number, C: number, OC: number) {
  const out = guarded(h, new Float32Array(B * OC).fill(NaN));
  const inp = h.alloc(B * C, d.inp);
  const w = h.alloc(OC * C, d.w);
  const b = h.alloc(OC, d.b);
  fn(out.ptr, inp, w, b, B, C, OC);
  return { out: h.read(out.ptr, B * OC), inBounds: out.check() };
}

/** Runs a backward on gradient buffers pre-filled with `init`; dinp null passes pointer 0. */
function runBackward(
  h: Harness,
  fn: Backward,
  d: Data,
  init: { dinp: Float32Array | null; dw: Float32Array; db: Float32Array },
  B: number,
  C: number,
  OC: number,
) {
  const dinp = init.dinp ? guarded(h, init.dinp) : null;
  const dw = guarded(h, init.dw);
  const db = guarded(h, init.db);
  const dout = h.alloc(B * OC, d.dout);
  const inp = h.alloc(B * C, d.inp);
  const w = h.alloc(OC * C, d.w);
  fn(dinp ? dinp.ptr : 0, dw.ptr, db.ptr, dout, inp, w, B, C, OC);
  return {
    dinp: dinp ? h.read(dinp.ptr, B * C) : null,
    dw: h.read(dw.ptr, OC * C),
    db: h.read(db.ptr, OC),
    inBounds: (dinp ? dinp.check() : true) && dw.check() && db.check(),
  };
}

function* smallShapes(): Generator<[number, number, number]> {
  for (const B of BS) for (const C of CS) for (const OC of OCS) yield [B, C, OC];
}

/** Same bits: Object.is tells -0 from 0 and matches NaN with NaN. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

describe('dense_forward', () => {
  it.each([
    ['small shapes', () => smallShapes()],
    ['model layers', () => MODEL],
  ] as const)('%s: reference, fast = twin = scalar build bit for bit', (_, shapes) => {
    const failures: string[] = [];
    let seed = 1;
    for (const [B, C, OC] of shapes()) {
      const d = data(B, C, OC, seed++);
      const shape = `B=${B} C=${C} OC=${OC}`;
      const twin = runForward(simd, simd.k.dense_forward_scalar, d, B, C, OC);
      const runs = {
        fast: runForward(simd, simd.k.dense_forward, d, B, C, OC),
        'scalar-build fast': runForward(scalar, scalar.k.dense_forward, d, B, C, OC),
        'scalar-build twin': runForward(scalar, scalar.k.dense_forward_scalar, d, B, C, OC),
      };
      const { ref, bound } = forwardRef(d, B, C, OC);
      const problem = compare('out', twin.out, ref, bound);
      if (problem) failures.push(`${shape} twin: ${problem}`);
      for (const [name, run] of Object.entries(runs)) {
        if (!sameBits(run.out, twin.out)) failures.push(`${shape} ${name} differs from the twin`);
        if (!run.inBounds) failures.push(`${shape} ${name} wrote outside out`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('dense_backward', () => {
  it.each([
    ['small shapes', () => smallShapes()],
    ['model layers', () => MODEL],
  ] as const)('%s: accumulates init + reference, fast = twin = scalar build', (_, shapes) => {
    const failures: string[] = [];
    let seed = 1;
    for (const [B, C, OC] of shapes()) {
      const d = data(B, C, OC, seed);
      const init = {
        dinp: testValues(B * C, seed + 10),
        dw: testValues(OC * C, seed + 11),
        db: testValues(OC, seed + 12),
      };
      seed++;
      const shape = `B=${B} C=${C} OC=${OC}`;
      const twin = runBackward(simd, simd.k.dense_backward_scalar, d, init, B, C, OC);
      const refs = backwardRef(d, init, B, C, OC);
      for (const key of ['dinp', 'dw', 'db'] as const) {
        const problem = compare(key, twin[key]!, refs[key].ref, refs[key].bound);
        if (problem) failures.push(`${shape} twin: ${problem}`);
      }
      const runs = {
        fast: runBackward(simd, simd.k.dense_backward, d, init, B, C, OC),
        'scalar-build fast': runBackward(scalar, scalar.k.dense_backward, d, init, B, C, OC),
        'scalar-build twin': runBackward(scalar, scalar.k.dense_backward_scalar, d, init, B, C, OC),
      };
      for (const [name, run] of Object.entries(runs)) {
        for (const key of ['dinp', 'dw', 'db'] as const) {
          if (!sameBits(run[key]!, twin[key]!)) failures.push(`${shape} ${name} ${key} differs`);
        }
        if (!run.inBounds) failures.push(`${shape} ${name} wrote outside a gradient`);
      }
    }
    expect(failures).toEqual([]);
  });

  /**
   * L = Σ dout ⊙ dense_forward(inp, w, b) is linear in each parameter, so a central difference
   * with a power-of-two step is exact up to the forward's f32 rounding.
   */
  it.each([
    [1, 1, 1],
    [3, 2, 5],
    [5, 7, 3],
    [4, 8, 4],
    [6, 9, 1],
    [32, 2, 16],
    [32, 16, 1],
    [9, 33, 13],
  ])('matches central finite differences of Σ dout·forward (B=%i C=%i OC=%i)', (B, C, OC) => {
    const h = simd;
    const d = data(B, C, OC, B * 100 + C * 10 + OC);
    const out = h.alloc(B * OC);
    const inp = h.alloc(B * C, d.inp);
    const w = h.alloc(OC * C, d.w);
    const b = h.alloc(OC, d.b);
    const loss = (): number => {
      h.k.dense_forward(out, inp, w, b, B, C, OC);
      const o = h.read(out, B * OC);
      let s = 0;
      for (let e = 0; e < o.length; e++) s += d.dout[e]! * o[e]!;
      return s;
    };
    const step = 1 / 16;
    const numeric = (ptr: Ptr, n: number): Float64Array => {
      const g = new Float64Array(n);
      for (let e = 0; e < n; e++) {
        const p = ptr + e * 4;
        const v = h.read(p, 1)[0]!;
        h.write(p, [v + step]);
        const up = loss();
        h.write(p, [v - step]);
        const down = loss();
        h.write(p, [v]);
        g[e] = (up - down) / (2 * step);
      }
      return g;
    };
    const want = { dinp: numeric(inp, B * C), dw: numeric(w, OC * C), db: numeric(b, OC) };
    const zero = {
      dinp: new Float32Array(B * C),
      dw: new Float32Array(OC * C),
      db: new Float32Array(OC),
    };
    const got = runBackward(h, h.k.dense_backward, d, zero, B, C, OC);
    for (const key of ['dinp', 'dw', 'db'] as const) {
      const g = got[key]!;
      for (let e = 0; e < g.length; e++) {
        expect(Math.abs(g[e]! - want[key][e]!), `${key}[${e}]`).toBeLessThan(
          2e-4 * (1 + Math.abs(want[key][e]!)),
        );
      }
    }
  });

  it('with dinp = 0 skips the input gradient and writes nothing at address 0', () => {
    for (const h of [simd, scalar]) {
      for (const fn of [h.k.dense_backward, h.k.dense_backward_scalar]) {
        const [B, C, OC] = [5, 7, 3];
        const d = data(B, C, OC, 9);
        const low = h.read(0, B * C + 64);
        const init = { dinp: null, dw: new Float32Array(OC * C), db: new Float32Array(OC) };
        const got = runBackward(h, fn, d, init, B, C, OC);
        expect(sameBits(h.read(0, B * C + 64), low)).toBe(true);
        const withDinp = runBackward(
          h,
          fn,
          d,
          { ...init, dinp: new Float32Array(B * C) },
          B,
          C,
          OC,
        );
        expect(sameBits(got.dw, withDinp.dw)).toBe(true);
        expect(sameBits(got.db, withDinp.db)).toBe(true);
        expect(got.inBounds).toBe(true);
      }
    }
  });

  it('accumulates: two calls add the gradient twice', () => {
    const [B, C, OC] = [6, 5, 4];
    const d = data(B, C, OC, 4);
    const zero = {
      dinp: new Float32Array(B * C),
      dw: new Float32Array(OC * C),
      db: new Float32Array(OC),
    };
    const once = runBackward(simd, simd.k.dense_backward, d, zero, B, C, OC);
    const twice = runBackward(
      simd,
      simd.k.dense_backward,
      d,
      { dinp: once.dinp!, dw: once.dw, db: once.db },
      B,
      C,
      OC,
    );
    for (const key of ['dinp', 'dw', 'db'] as const) {
      const a = once[key]!;
      const t = twice[key]!;
      for (let e = 0; e < a.length; e++) {
        expect(Math.abs(t[e]! - 2 * a[e]!), `${key}[${e}]`).toBeLessThan(
          1e-5 * (1 + Math.abs(a[e]!)),
        );
      }
      expect(t.some((v, e) => v !== a[e])).toBe(true);
    }
  });
});
