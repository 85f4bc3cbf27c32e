// conv2d.test.ts — B batch, C in channels, H×W input, OC filters, K×K kernel, stride S, zero padding P.
import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelExports, Ptr } from '../../src/engine/kernel.js';
import { bits, harness, testValues, VARIANTS, type Harness } from './harness.js';

/** Unit roundoff of f32 doubled: a generous per-operation error for the bounds below. */
const U = 2 ** -23;
const GUARD = 8;
const SENTINEL = -777.25;
/** Floats of kernel memory each workspace lays its buffers out in. */
const CAPACITY = 1 << 21;

interface Shape {
  B: number;
  C: number;
  H: number;
  W: number;
  OC: number;
  K: number;
  S: number;
  P: number;
}

const OUT = (n: number, s: Shape): number => (n + 2 * s.P - s.K) / s.S + 1;
const describeShape = (s: Shape): string =>
  `B=${s.B} C=${s.C} ${s.H}x${s.W} OC=${s.OC} K=${s.K} S=${s.S} P=${s.P}`;
const valid = (s: Shape): boolean =>
  s.P < s.K && [s.H, s.W].every((n) => n + 2 * s.P - s.K >= 0 && (n + 2 * s.P - s.K) % s.S === 0);

function sizes(s: Shape) {
  const OH = OUT(s.H, s);
  const OW = OUT(s.W, s);
  return {
    OH,
    OW,
    inp: s.B * s.C * s.H * s.W,
    w: s.OC * s.C * s.K * s.K,
    b: s.OC,
    out: s.B * s.OC * OH * OW,
  };
}

/**
 * Odd sizes: every valid combination of B 1..3, C 1..5, H, W 3..11, OC 1..7, K 1..5, S 1..3,
 * P 0..K−1 is a candidate and a fixed LCG picks about 300 of them (a third take the SIMD
 * build's direct stride-1 forward, OW ≥ 8), plus hand-picked corners: 1×1 kernels, a kernel as
 * large as the input, stride 3, full padding, outputs narrower than a vector, H ≠ W, and wide
 * rows for the direct forward's tiles (OW = 8, 16, and ends of 1, 2, 6 columns).
 */
function oddShapes(): Shape[] {
  const all: Shape[] = [];
  for (let B = 1; B <= 3; B++)
    for (let C = 1; C <= 5; C++)
      for (let H = 3; H <= 11; H++)
        for (let W = 3; W <= 11; W++)
          for (let OC = 1; OC <= 7; OC++)
            for (let K = 1; K <= 5; K++)
              for (let S = 1; S <= 3; S++)
                for (let P = 0; P < K; P++) {
                  const s = { B, C, H, W, OC, K, S, P };
                  if (valid(s)) all.push(s);
                }
  const picked: Shape[] = [];
  let r = 7;
  const step = Math.floor(all.length / 300);
  for (let i = 0; i < all.length; i += 1 + (r % (2 * step))) {
    r = (Math.imul(r, 1664525) + 1013904223) >>> 0;
    picked.push(all[i]!);
  }
  const corners: Shape[] = [
    { B: 1, C: 1, H: 3, W: 3, OC: 1, K: 1, S: 1, P: 0 },
    { B: 2, C: 3, H: 5, W: 7, OC: 4, K: 1, S: 1, P: 0 },
    { B: 3, C: 2, H: 7, W: 4, OC: 3, K: 1, S: 3, P: 0 },
    { B: 2, C: 3, H: 5, W: 5, OC: 5, K: 5, S: 1, P: 0 },
    { B: 1, C: 2, H: 4, W: 6, OC: 3, K: 4, S: 2, P: 3 },
    { B: 2, C: 1, H: 11, W: 11, OC: 7, K: 5, S: 3, P: 2 },
    { B: 3, C: 5, H: 11, W: 9, OC: 7, K: 3, S: 1, P: 2 },
    { B: 2, C: 4, H: 3, W: 11, OC: 6, K: 3, S: 2, P: 1 },
    { B: 1, C: 5, H: 11, W: 3, OC: 2, K: 5, S: 3, P: 4 },
    { B: 3, C: 1, H: 9, W: 10, OC: 7, K: 2, S: 1, P: 1 },
    { B: 2, C: 2, H: 8, W: 8, OC: 5, K: 3, S: 1, P: 1 },
    { B: 1, C: 3, H: 6, W: 10, OC: 1, K: 2, S: 2, P: 0 },
    { B: 2, C: 2, H: 5, W: 8, OC: 5, K: 1, S: 1, P: 0 },
    { B: 1, C: 1, H: 4, W: 16, OC: 4, K: 1, S: 1, P: 0 },
    { B: 1, C: 3, H: 6, W: 20, OC: 6, K: 3, S: 1, P: 0 },
    { B: 2, C: 2, H: 7, W: 21, OC: 7, K: 2, S: 1, P: 1 },
    { B: 2, C: 4, H: 9, W: 13, OC: 3, K: 5, S: 1, P: 4 },
  ];
  return [...picked, ...corners.filter(valid)];
}

/** The two convolutions of the game's small CNN (batch 32, valid padding). */
const MODEL: readonly Shape[] = [
  { B: 32, C: 1, H: 28, W: 28, OC: 16, K: 3, S: 1, P: 0 },
  { B: 32, C: 16, H: 13, W: 13, OC: 32, K: 3, S: 1, P: 0 },
  { B: 4, C: 16, H: 13, W: 13, OC: 32, K: 3, S: 1, P: 1 },
];

interface Data {
  inp: Float32Array;
  w: Float32Array;
  b: Float32Array;
  dout: Float32Array;
}

function data(s: Shape, seed: number): Data {
  const z = sizes(s);
  return {
    inp: testValues(z.inp, seed),
    w: testValues(z.w, seed + 1, 0.5),
    b: testValues(z.b, seed + 2),
    dout: testValues(z.out, seed + 3),
  };
}

/** Initial gradients, so that accumulation is checked everywhere. */
function initGrads(s: Shape, seed: number) {
  const z = sizes(s);
  return {
    dinp: testValues(z.inp, seed + 10),
    dw: testValues(z.w, seed + 11),
    db: testValues(z.b, seed + 12),
  };
}

/** out = b + conv(inp, w) by direct loops in float64, with its rounding bound. */
function forwardRef(d: Data, s: Shape, bias: boolean) {
  const { OH, OW } = sizes(s);
  const { B, C, H, W, OC, K, S, P } = s;
  const ref = new Float64Array(B * OC * OH * OW);
  const bound = new Float64Array(ref.length);
  for (let n = 0; n < B; n++)
    for (let o = 0; o < OC; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let sum = bias ? d.b[o]! : 0;
          let mag = Math.abs(sum);
          for (let c = 0; c < C; c++)
            for (let kh = 0; kh < K; kh++)
              for (let kw = 0; kw < K; kw++) {
                const ih = oh * S + kh - P;
                const iw = ow * S + kw - P;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const t =
                  d.inp[((n * C + c) * H + ih) * W + iw]! * d.w[((o * C + c) * K + kh) * K + kw]!;
                sum += t;
                mag += Math.abs(t);
              }
          const e = ((n * OC + o) * OH + oh) * OW + ow;
          ref[e] = sum;
          bound[e] = (C * K * K + 2) * U * mag + 1e-30;
        }
  return { ref, bound };
}

/** init + gradients by direct loops in float64, each with its rounding bound. */
function backwardRef(d: Data, init: ReturnType<typeof initGrads>, s: Shape) {
  const { OH, OW } = sizes(s);
  const { B, C, H, W, OC, K, S, P } = s;
  const acc = (v: Float32Array) => ({
    ref: Float64Array.from(v),
    mag: Float64Array.from(v, Math.abs),
  });
  const dinp = acc(init.dinp);
  const dw = acc(init.dw);
  const db = acc(init.db);
  for (let n = 0; n < B; n++)
    for (let o = 0; o < OC; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const g = d.dout[((n * OC + o) * OH + oh) * OW + ow]!;
          db.ref[o] += g;
          db.mag[o] += Math.abs(g);
          for (let c = 0; c < C; c++)
            for (let kh = 0; kh < K; kh++)
              for (let kw = 0; kw < K; kw++) {
                const ih = oh * S + kh - P;
                const iw = ow * S + kw - P;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const xi = ((n * C + c) * H + ih) * W + iw;
                const wi = ((o * C + c) * K + kh) * K + kw;
                dw.ref[wi] += g * d.inp[xi]!;
                dw.mag[wi] += Math.abs(g * d.inp[xi]!);
                dinp.ref[xi] += g * d.w[wi]!;
                dinp.mag[xi] += Math.abs(g * d.w[wi]!);
              }
        }
  const bound = (mag: Float64Array, terms: number) => mag.map((m) => (terms + 2) * U * m + 1e-30);
  return {
    dinp: { ref: dinp.ref, bound: bound(dinp.mag, OC * K * K) },
    dw: { ref: dw.ref, bound: bound(dw.mag, B * OH * OW) },
    db: { ref: db.ref, bound: bound(db.mag, B * OH * OW) },
  };
}

/** The first element of got outside ref ± bound, described, or null. */
function compare(
  what: string,
  got: Float32Array,
  want: { ref: Float64Array; bound: Float64Array },
) {
  for (let e = 0; e < want.ref.length; e++) {
    if (!(Math.abs(got[e]! - want.ref[e]!) <= want.bound[e]!)) {
      return `${what}[${e}] = ${got[e]} want ${want.ref[e]} (bound ${want.bound[e]})`;
    }
  }
  return null;
}

/**
 * One kernel instance with a region of memory that every run lays its buffers out in afresh:
 * outputs between sentinel guards, and `col` followed by a canary of the same width.
 */
interface Workspace {
  h: Harness;
  k: KernelExports;
  base: Ptr;
}

function workspace(h: Harness): Workspace {
  return { h, k: h.k, base: h.alloc(CAPACITY) };
}

/** A bump layout in the workspace; `problems` lists guards, canaries and inputs that changed. */
function layout(ws: Workspace) {
  const { h } = ws;
  let top = ws.base;
  const checks: (() => string | null)[] = [];
  const take = (n: number): Ptr => {
    const p = top;
    top += (n * 4 + 15) & ~15;
    if (top > ws.base + CAPACITY * 4) throw new Error('workspace too small');
    return p;
  };
  return {
    /** A buffer holding `values`, with guards on both sides. */
    guarded(name: string, values: ArrayLike<number>): Ptr {
      const n = values.length;
      const lo = take(GUARD);
      const ptr = take(n);
      const hi = take(GUARD);
      h.write(lo, new Float32Array(GUARD).fill(SENTINEL));
      h.write(hi, new Float32Array(GUARD).fill(SENTINEL));
      h.write(ptr, values);
      checks.push(() =>
        h.read(lo, GUARD).every((v) => v === SENTINEL) &&
        h.read(hi, GUARD).every((v) => v === SENTINEL)
          ? null
          : `wrote outside ${name}`,
      );
      return ptr;
    },
    /** An input that must come back unchanged. */
    input(name: string, values: Float32Array): Ptr {
      const ptr = take(values.length);
      h.write(ptr, values);
      checks.push(() =>
        h.read(ptr, values.length).every((v, i) => Object.is(v, values[i]))
          ? null
          : `changed ${name}`,
      );
      return ptr;
    },
    /** Scratch of `floats` floats full of NaN garbage, then a canary that must survive. */
    col(floats: number): Ptr {
      const ptr = take(floats + 64);
      h.write(ptr, new Float32Array(floats).fill(NaN));
      h.write(ptr + floats * 4, new Float32Array(64).fill(SENTINEL));
      checks.push(() =>
        h.read(ptr + floats * 4, 64).every((v) => v === SENTINEL) ? null : 'wrote past col',
      );
      return ptr;
    },
    problems: (): string[] => checks.map((c) => c()).filter((p): p is string => p !== null),
  };
}

type FnName = 'fast' | 'twin';

/** Runs a forward on fresh buffers (out full of NaN, not to be read); bias false passes b = 0. */
function runForward(ws: Workspace, fn: FnName, d: Data, s: Shape, bias = true) {
  const z = sizes(s);
  const L = layout(ws);
  const out = L.guarded('out', new Float32Array(z.out).fill(NaN));
  const inp = L.input('inp', d.inp);
  const w = L.input('w', d.w);
  const b = L.input('b', d.b);
  const col = L.col(ws.k.conv2d_col_floats(s.B, s.C, s.H, s.W, s.OC, s.K, s.S, s.P));
  const run = fn === 'fast' ? ws.k.conv2d_forward : ws.k.conv2d_forward_scalar;
  run(out, inp, w, bias ? b : 0, col, s.B, s.C, s.H, s.W, s.OC, s.K, s.S, s.P);
  return { out: ws.h.read(out, z.out), problems: L.problems() };
}

interface Grads {
  dinp: Float32Array | null;
  dw: Float32Array;
  db: Float32Array | null;
}

/** Runs a backward on gradients pre-filled with `init`; a null gradient passes pointer 0. */
function runBackward(ws: Workspace, fn: FnName, d: Data, init: Grads, s: Shape) {
  const z = sizes(s);
  const L = layout(ws);
  const dinp = init.dinp ? L.guarded('dinp', init.dinp) : 0;
  const dw = L.guarded('dw', init.dw);
  const db = init.db ? L.guarded('db', init.db) : 0;
  const dout = L.input('dout', d.dout);
  const inp = L.input('inp', d.inp);
  const w = L.input('w', d.w);
  const col = L.col(ws.k.conv2d_col_floats(s.B, s.C, s.H, s.W, s.OC, s.K, s.S, s.P));
  const run = fn === 'fast' ? ws.k.conv2d_backward : ws.k.conv2d_backward_scalar;
  run(dinp, dw, db, dout, inp, w, col, s.B, s.C, s.H, s.W, s.OC, s.K, s.S, s.P);
  return {
    dinp: dinp ? ws.h.read(dinp, z.inp) : null,
    dw: ws.h.read(dw, z.w),
    db: db ? ws.h.read(db, z.b) : null,
    problems: L.problems(),
  };
}

const sameBits = (a: Float32Array, b: Float32Array): boolean => {
  const x = bits(a);
  const y = bits(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

let spaces: Record<(typeof VARIANTS)[number], Workspace>;

beforeAll(async () => {
  spaces = { simd: workspace(await harness('simd')), scalar: workspace(await harness('scalar')) };
});

/** The four implementations: fast and twin, in each build. All must give the SIMD twin's bits. */
const RUNS = VARIANTS.flatMap((v) =>
  (['fast', 'twin'] as const).map((fn) => ({ v, fn, name: `${v} ${fn}` })),
);

describe('conv2d_forward', () => {
  it.each([
    ['odd shapes', oddShapes],
    ['model layers', () => MODEL],
  ] as const)(
    '%s: reference, all four implementations bit for bit, with and without bias',
    (_, shapes) => {
      const failures: string[] = [];
      let seed = 1;
      for (const s of shapes()) {
        const d = data(s, seed++);
        for (const bias of [true, false]) {
          const label = `${describeShape(s)} bias=${bias}`;
          const twin = runForward(spaces.simd, 'twin', d, s, bias);
          const problem = compare('out', twin.out, forwardRef(d, s, bias));
          if (problem) failures.push(`${label} twin: ${problem}`);
          for (const r of RUNS) {
            const run =
              r.v === 'simd' && r.fn === 'twin' ? twin : runForward(spaces[r.v], r.fn, d, s, bias);
            if (!sameBits(run.out, twin.out))
              failures.push(`${label} ${r.name} differs from the twin`);
            for (const p of run.problems) failures.push(`${label} ${r.name}: ${p}`);
          }
        }
      }
      expect(failures).toEqual([]);
    },
  );
});

describe('conv2d_backward', () => {
  it.each([
    ['odd shapes', oddShapes],
    ['model layers', () => MODEL],
  ] as const)(
    '%s: accumulates init + reference, all four implementations bit for bit',
    (_, shapes) => {
      const failures: string[] = [];
      let seed = 1;
      for (const s of shapes()) {
        const d = data(s, seed);
        const init = initGrads(s, seed);
        seed++;
        const label = describeShape(s);
        const twin = runBackward(spaces.simd, 'twin', d, init, s);
        const refs = backwardRef(d, init, s);
        for (const key of ['dinp', 'dw', 'db'] as const) {
          const problem = compare(key, twin[key]!, refs[key]);
          if (problem) failures.push(`${label} twin: ${problem}`);
        }
        for (const r of RUNS) {
          const run =
            r.v === 'simd' && r.fn === 'twin' ? twin : runBackward(spaces[r.v], r.fn, d, init, s);
          for (const key of ['dinp', 'dw', 'db'] as const) {
            if (!sameBits(run[key]!, twin[key]!))
              failures.push(`${label} ${r.name} ${key} differs from the twin`);
          }
          for (const p of run.problems) failures.push(`${label} ${r.name}: ${p}`);
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it('skips db = 0 and dinp = 0: the other gradients keep their bits, nothing else is written', () => {
    const shapes: Shape[] = [
      { B: 2, C: 3, H: 7, W: 6, OC: 5, K: 3, S: 1, P: 1 },
      { B: 3, C: 1, H: 9, W: 9, OC: 4, K: 3, S: 2, P: 0 },
      { B: 32, C: 1, H: 28, W: 28, OC: 16, K: 3, S: 1, P: 0 },
    ];
    for (const v of VARIANTS) {
      const ws = spaces[v];
      for (const fn of ['fast', 'twin'] as const) {
        for (const s of shapes) {
          const d = data(s, 5);
          const init = initGrads(s, 5);
          const full = runBackward(ws, fn, d, init, s);
          for (const skip of [{ dinp: true }, { db: true }, { dinp: true, db: true }]) {
            const label = `${v} ${fn} ${describeShape(s)} skip ${Object.keys(skip).join('+')}`;
            const low = ws.h.read(0, 256);
            const got = runBackward(
              ws,
              fn,
              d,
              {
                dinp: 'dinp' in skip ? null : init.dinp,
                dw: init.dw,
                db: 'db' in skip ? null : init.db,
              },
              s,
            );
            expect(sameBits(ws.h.read(0, 256), low), `${label}: wrote near address 0`).toBe(true);
            expect(got.problems, label).toEqual([]);
            expect(sameBits(got.dw, full.dw), `${label}: dw`).toBe(true);
            if (got.dinp) expect(sameBits(got.dinp, full.dinp!), `${label}: dinp`).toBe(true);
            if (got.db) expect(sameBits(got.db, full.db!), `${label}: db`).toBe(true);
          }
        }
      }
    }
  });

  it('accumulates: a second call on its own result adds the same gradient again', () => {
    const s: Shape = { B: 2, C: 3, H: 6, W: 5, OC: 4, K: 3, S: 1, P: 1 };
    const d = data(s, 4);
    const z = sizes(s);
    for (const v of VARIANTS) {
      const zero = {
        dinp: new Float32Array(z.inp),
        dw: new Float32Array(z.w),
        db: new Float32Array(z.b),
      };
      const once = runBackward(spaces[v], 'fast', d, zero, s);
      const twice = runBackward(
        spaces[v],
        'fast',
        d,
        { dinp: once.dinp!, dw: once.dw, db: once.db! },
        s,
      );
      for (const key of ['dinp', 'dw', 'db'] as const) {
        const a = once[key]!;
        const t = twice[key]!;
        expect(
          a.some((x) => x !== 0),
          `${v} ${key} nonzero`,
        ).toBe(true);
        for (let e = 0; e < a.length; e++) {
          expect(Math.abs(t[e]! - 2 * a[e]!), `${v} ${key}[${e}]`).toBeLessThan(
            1e-5 * (1 + Math.abs(a[e]!)),
          );
        }
      }
    }
  });

  /**
   * L = Σ r ⊙ conv2d_forward(inp, w, b) with r random is linear in every input, weight and bias,
   * so a central difference with a power-of-two step is exact up to the forward's f32 rounding.
   */
  it.each([
    { B: 2, C: 3, H: 6, W: 7, OC: 4, K: 3, S: 1, P: 1 },
    { B: 1, C: 2, H: 9, W: 7, OC: 3, K: 3, S: 2, P: 2 },
    { B: 3, C: 1, H: 8, W: 8, OC: 5, K: 4, S: 2, P: 1 },
    { B: 2, C: 4, H: 5, W: 5, OC: 2, K: 1, S: 1, P: 0 },
  ])('matches central finite differences of Σ r·forward (%o)', (s: Shape) => {
    const ws = spaces.simd;
    const { h, k } = ws;
    const z = sizes(s);
    const d = data(s, 77);
    const L = layout(ws);
    const out = L.guarded('out', new Float32Array(z.out));
    const inp = L.input('inp', d.inp);
    const w = L.input('w', d.w);
    const b = L.input('b', d.b);
    const col = L.col(k.conv2d_col_floats(s.B, s.C, s.H, s.W, s.OC, s.K, s.S, s.P));
    const loss = (): number => {
      k.conv2d_forward(out, inp, w, b, col, s.B, s.C, s.H, s.W, s.OC, s.K, s.S, s.P);
      const o = h.read(out, z.out);
      let sum = 0;
      for (let e = 0; e < o.length; e++) sum += d.dout[e]! * o[e]!;
      return sum;
    };
    const step = 1 / 16;
    const numeric = (ptr: Ptr, e: number): number => {
      const p = ptr + e * 4;
      const v = h.read(p, 1)[0]!;
      h.write(p, [v + step]);
      const up = loss();
      h.write(p, [v - step]);
      const down = loss();
      h.write(p, [v]);
      return (up - down) / (2 * step);
    };
    // A few elements of each, corners included: first, last and a spread in between.
    const picks = (n: number) => [
      ...new Set([
        0,
        n - 1,
        ...Array.from({ length: 6 }, (_, i) => Math.floor(((i + 0.5) * n) / 6)),
      ]),
    ];
    const wanted = (
      [
        ['dinp', inp, z.inp],
        ['dw', w, z.w],
        ['db', b, z.b],
      ] as const
    ).flatMap(([key, ptr, n]) => picks(n).map((e) => ({ key, e, want: numeric(ptr, e) })));
    expect(L.problems()).toEqual([]);
    // The backward lays out its own buffers over the same workspace.
    const zero = {
      dinp: new Float32Array(z.inp),
      dw: new Float32Array(z.w),
      db: new Float32Array(z.b),
    };
    const got = runBackward(ws, 'fast', d, zero, s);
    expect(got.problems).toEqual([]);
    for (const { key, e, want } of wanted) {
      expect(Math.abs(got[key]![e]! - want), `${key}[${e}]`).toBeLessThan(
        2e-4 * (1 + Math.abs(want)),
      );
    }
  });
});

describe('conv2d_col_floats', () => {
  /** The documented size; every run above checks a canary right after it. */
  it('is max(CKK·(OH·OW + OC), C·(H + 2P)·(W + 2P) + CKK) floats, CKK = C·K·K', () => {
    for (const v of VARIANTS) {
      const { k } = spaces[v];
      for (const s of [...MODEL, ...oddShapes().slice(0, 40)]) {
        const CKK = s.C * s.K * s.K;
        const want = Math.max(
          CKK * (OUT(s.H, s) * OUT(s.W, s) + s.OC),
          s.C * (s.H + 2 * s.P) * (s.W + 2 * s.P) + CKK,
        );
        expect(k.conv2d_col_floats(s.B, s.C, s.H, s.W, s.OC, s.K, s.S, s.P), describeShape(s)).toBe(
          want,
        );
      }
    }
  });
});
