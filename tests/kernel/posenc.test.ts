/**
 * Positional encodings on [rows, T, D] (posenc_forward, posenc_backward, posenc_sinusoid), for
 * rows in 1, 2, 5, T in 1, 3, 7 and D in 1, 3, 4, 5, 17, 33, 64, 67, from a table with more rows
 * than T. Every result is a sequence of f32 additions, so forward and backward are checked
 * exactly against their f32 replays (dtable: a running sum over r in increasing order, added
 * once), in all four runs; the forward in place; gradients accumulating onto non-zero values;
 * null gradient pointers skipping; the table's rows past T untouched; central finite
 * differences of Σ out·r. The sinusoidal table against a float64 reference within 1e-6, its
 * known values, and its exact bits the same in both builds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bits, guarded, type Harness, harness, type Run, RUNS, testValues } from './harness.js';

/** Rows of the table beyond T (a table built for longer sequences). */
const EXTRA = 2;

type Shape = [rows: number, T: number, D: number];

const SHAPES: Shape[] = [1, 2, 5].flatMap((rows) =>
  [1, 3, 7].flatMap((T) => [1, 3, 4, 5, 17, 33, 64, 67].map((D): Shape => [rows, T, D])),
);

let simd: Harness;
let scalar: Harness;

beforeAll(async () => {
  simd = await harness('simd');
  scalar = await harness('scalar');
});

const hOf = (run: Run) => (run.variant === 'simd' ? simd : scalar);

function forward(run: Run, x: Float32Array, table: Float32Array, [rows, T, D]: Shape) {
  const h = hOf(run);
  const n = rows * T * D;
  const out = guarded(h, new Float32Array(n).fill(NaN));
  const fn = run.twin ? h.k.posenc_forward_scalar : h.k.posenc_forward;
  fn(out.ptr, h.alloc(n, x), h.alloc(table.length, table), rows, T, D);
  return { out: h.read(out.ptr, n), inBounds: out.check() };
}

function backward(
  run: Run,
  dinp: Float32Array | null,
  dtable: Float32Array | null,
  dout: Float32Array,
  [rows, T, D]: Shape,
) {
  const h = hOf(run);
  const n = rows * T * D;
  const di = dinp ? guarded(h, dinp) : null;
  const dt = dtable ? guarded(h, dtable) : null;
  const fn = run.twin ? h.k.posenc_backward_scalar : h.k.posenc_backward;
  fn(di ? di.ptr : 0, dt ? dt.ptr : 0, h.alloc(n, dout), rows, T, D);
  return {
    dinp: di ? h.read(di.ptr, n) : null,
    dtable: dt ? h.read(dt.ptr, dtable!.length) : null,
    inBounds: [di, dt].every((b) => !b || b.check()),
  };
}

/** out[r,t,j] = fround(inp + table[t,j]). */
function forwardRef(x: Float32Array, table: Float32Array, [rows, T, D]: Shape): Float32Array {
  const out = new Float32Array(rows * T * D);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < D; j++)
        out[(r * T + t) * D + j] = x[(r * T + t) * D + j]! + table[t * D + j]!;
    }
  }
  return out;
}

/** dtable[t,j] += Σ_r dout[r,t,j], replayed in f32: a running sum from 0 in r order, added once. */
function dtableRef(init: Float32Array, dout: Float32Array, [rows, T, D]: Shape): Float32Array {
  const want = Float32Array.from(init);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = Math.fround(s + dout[(r * T + t) * D + j]!);
      want[t * D + j] = want[t * D + j]! + s;
    }
  }
  return want;
}

const label = ([rows, T, D]: Shape) => `rows=${rows} T=${T} D=${D}`;

describe('posenc_forward', () => {
  it('every shape: exact f32 sums, same bits in all four runs and in place', () => {
    const failures: string[] = [];
    SHAPES.forEach((shape, si) => {
      const [rows, T, D] = shape;
      const n = rows * T * D;
      const x = testValues(n, si + 1, 3);
      const table = testValues((T + EXTRA) * D, si + 2);
      const want = bits(forwardRef(x, table, shape)).join();
      for (const run of RUNS) {
        const got = forward(run, x, table, shape);
        const where = `${label(shape)} ${run.name}`;
        if (bits(got.out).join() !== want) failures.push(`${where}: out differs`);
        if (!got.inBounds) failures.push(`${where}: wrote outside out`);
        const h = hOf(run);
        const p = h.alloc(n, x);
        const fn = run.twin ? h.k.posenc_forward_scalar : h.k.posenc_forward;
        fn(p, p, h.alloc(table.length, table), rows, T, D);
        if (bits(h.read(p, n)).join() !== want) failures.push(`${where}: in place differs`);
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });
});

describe('posenc_backward', () => {
  it('every shape: dinp += dout and dtable += Σ_r dout exactly, rows past T untouched', () => {
    const failures: string[] = [];
    SHAPES.forEach((shape, si) => {
      const [rows, T, D] = shape;
      const n = rows * T * D;
      const dout = testValues(n, si + 3);
      const dinp = testValues(n, si + 4);
      const dtable = testValues((T + EXTRA) * D, si + 5);
      const wantDinp = bits(dinp.map((v, i) => v + dout[i]!)).join();
      const wantTable = bits(dtableRef(dtable, dout, shape)).join();
      for (const run of RUNS) {
        const got = backward(run, dinp, dtable, dout, shape);
        const where = `${label(shape)} ${run.name}`;
        if (bits(got.dinp!).join() !== wantDinp) failures.push(`${where}: dinp differs`);
        if (bits(got.dtable!).join() !== wantTable) failures.push(`${where}: dtable differs`);
        if (!got.inBounds) failures.push(`${where}: wrote outside a gradient`);
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('null gradient pointers skip their gradient, write nothing, and change no other', () => {
    for (const shape of [
      [5, 3, 5],
      [2, 7, 17],
      [1, 1, 64],
    ] as Shape[]) {
      const [rows, T, D] = shape;
      const n = rows * T * D;
      const dout = testValues(n, 7);
      const dinp = testValues(n, 8);
      const dtable = testValues((T + EXTRA) * D, 9);
      for (const run of RUNS) {
        const h = hOf(run);
        const full = backward(run, dinp, dtable, dout, shape);
        for (const skip of ['dinp', 'dtable', 'both'] as const) {
          const low = h.read(0, n + 64);
          const got = backward(
            run,
            skip === 'dinp' || skip === 'both' ? null : dinp,
            skip === 'dtable' || skip === 'both' ? null : dtable,
            dout,
            shape,
          );
          const where = `${label(shape)} ${run.name} without ${skip}`;
          expect(bits(h.read(0, n + 64)), where).toEqual(bits(low));
          expect(got.inBounds, where).toBe(true);
          if (got.dinp) expect(bits(got.dinp), where).toEqual(bits(full.dinp!));
          if (got.dtable) expect(bits(got.dtable), where).toEqual(bits(full.dtable!));
        }
      }
    }
  });

  it.each([
    [1, 1, 1],
    [2, 3, 5],
    [3, 2, 4],
    [2, 4, 17],
  ] as Shape[])('matches central finite differences of Σ out·r (rows=%i T=%i D=%i)', (...shape) => {
    const [rows, T, D] = shape;
    const n = rows * T * D;
    const x = testValues(n, 11);
    const table = testValues(T * D, 12);
    const r = testValues(n, 13);
    const step = 1 / 64;
    for (const run of RUNS) {
      const loss = (xv: Float32Array, tv: Float32Array) =>
        forward(run, xv, tv, shape).out.reduce((a, y, i) => a + y * r[i]!, 0);
      const fd = (len: number, which: 'inp' | 'table') =>
        Array.from({ length: len }, (_, i) => {
          const shift = (d: number) => {
            const xv = Float32Array.from(x);
            const tv = Float32Array.from(table);
            const target = which === 'inp' ? xv : tv;
            target[i] = target[i]! + d;
            return loss(xv, tv);
          };
          return (shift(step) - shift(-step)) / (2 * step);
        });
      const got = backward(run, new Float32Array(n), new Float32Array(T * D), r, shape);
      const want = { dinp: fd(n, 'inp'), dtable: fd(T * D, 'table') };
      for (const key of ['dinp', 'dtable'] as const) {
        want[key].forEach((w, i) => {
          expect(Math.abs(got[key]![i]! - w), `${run.name} ${key}[${i}]`).toBeLessThan(
            1e-3 * (1 + Math.abs(w)),
          );
        });
      }
    }
  });
});

/** Float64 "Attention is all you need" encoding. */
function sinusoidRef(T: number, D: number): Float64Array {
  const out = new Float64Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < D; c++) {
      const i2 = c - (c % 2);
      const a = t / Math.pow(10000, i2 / D);
      out[t * D + c] = c % 2 === 0 ? Math.sin(a) : Math.cos(a);
    }
  }
  return out;
}

function sinusoid(h: Harness, T: number, D: number): { table: Float32Array; inBounds: boolean } {
  const t = guarded(h, new Float32Array(T * D).fill(NaN));
  h.k.posenc_sinusoid(t.ptr, T, D);
  return { table: h.read(t.ptr, T * D), inBounds: t.check() };
}

describe('posenc_sinusoid', () => {
  it.each([1, 3, 4, 5, 17, 33, 64, 67])(
    'D=%i: float64 reference within 1e-6, the same bits in both builds',
    (D) => {
      for (const T of [1, 2, 5, 64, 1024]) {
        const a = sinusoid(simd, T, D);
        const b = sinusoid(scalar, T, D);
        expect(a.inBounds && b.inBounds).toBe(true);
        expect(bits(b.table), `T=${T}`).toEqual(bits(a.table));
        const want = sinusoidRef(T, D);
        let worst = 0;
        want.forEach((w, i) => (worst = Math.max(worst, Math.abs(a.table[i]! - w))));
        expect(worst, `T=${T} D=${D}`).toBeLessThan(1e-6);
      }
    },
  );

  it('known values: row 0 is sin 0 = 0 and cos 0 = 1, column 0 is sin t, odd D ends in a sin', () => {
    const D = 5;
    const { table } = sinusoid(simd, 4, D);
    expect(Array.from(table.subarray(0, D))).toEqual([0, 1, 0, 1, 0]);
    for (let t = 0; t < 4; t++) {
      expect(table[t * D]).toBe(Math.fround(Math.sin(t)));
      expect(table[t * D + 1]).toBe(Math.fround(Math.cos(t)));
      // Column 4 = 2·2: sin(t·10000^(−4/5)).
      expect(table[t * D + 4]).toBeCloseTo(Math.sin(t * Math.pow(10000, -4 / 5)), 7);
    }
  });

  it('a sequence plus the sinusoidal table is the sequence shifted by the table', () => {
    const [rows, T, D] = [2, 5, 6];
    const { table } = sinusoid(simd, T + EXTRA, D);
    const x = testValues(rows * T * D, 21);
    for (const run of RUNS) {
      const got = forward(run, x, table, [rows, T, D]);
      expect(bits(got.out), run.name).toEqual(bits(forwardRef(x, table, [rows, T, D])));
    }
  });
});
