// matmul.test.ts — M, K, N: the three matmul layouts against a float64 reference.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ptr } from '../../src/engine/kernel.js';
import { harness, testValues, type Harness } from './harness.js';

type Form = 'nn' | 'nt' | 'tn';
type MatmulFn = (out: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, acc: number) => void;

const FORMS: readonly Form[] = ['nn', 'nt', 'tn'];
/** Every combination of these is tested for M, K and N: tiles are 4 rows × 8 (or 4) columns. */
const SMALL = [1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 33];
/** Shapes across the k-blocks (256 deep), long tails and the dense layers of real models. */
const LARGE: readonly [number, number, number][] = [
  [64, 64, 64],
  [256, 256, 256],
  [33, 1000, 17],
  [100, 100, 100],
  [5, 255, 9],
  [8, 256, 16],
  [3, 257, 7],
  [9, 300, 12],
  [4, 512, 8],
  [6, 513, 11],
  [32, 784, 128],
  [32, 128, 10],
  [128, 32, 784],
  [10, 32, 128],
  [32, 16, 1],
  [1, 32, 16],
  [67, 130, 33],
  [130, 67, 20],
  // The character transformer's dense layers (B·T = 512 rows, D 64, MLP 256, 28 symbols) in
  // all three roles, and odd neighbours of them.
  [512, 64, 192],
  [512, 256, 64],
  [512, 64, 28],
  [512, 28, 64],
  [28, 512, 64],
  [64, 512, 256],
  [256, 512, 64],
  [513, 65, 29],
  [29, 515, 67],
  [7, 500, 260],
  [62, 511, 250],
];
/** Guard slots around out that must stay untouched. */
const GUARD = 8;
const SENTINEL = 12345.5;
/** Unit roundoff of f32 doubled: a generous per-operation error for the bound below. */
const U = 2 ** -23;
const CAPACITY = 1 << 17;

/** Fixed, 16-byte aligned buffers in one kernel instance, reused by every check. */
interface Workspace {
  h: Harness;
  a: Ptr;
  b: Ptr;
  /** First guard slot; out itself starts GUARD floats later. */
  outBase: Ptr;
}

function workspace(h: Harness): Workspace {
  return { h, a: h.alloc(CAPACITY), b: h.alloc(CAPACITY), outBase: h.alloc(CAPACITY + 2 * GUARD) };
}

/** out = init + op(A)·op(B) in float64, with a rounding bound (K + 2)·U·(|init| + Σ|a·b|). */
function reference(
  form: Form,
  a: Float32Array,
  b: Float32Array,
  init: Float32Array | null,
  M: number,
  K: number,
  N: number,
): { ref: Float64Array; bound: Float64Array } {
  const ref = new Float64Array(M * N);
  const bound = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = init ? init[i * N + j]! : 0;
      let mag = Math.abs(s);
      for (let k = 0; k < K; k++) {
        const x = form === 'tn' ? a[k * M + i]! : a[i * K + k]!;
        const y = form === 'nt' ? b[j * K + k]! : b[k * N + j]!;
        s += x * y;
        mag += Math.abs(x * y);
      }
      ref[i * N + j] = s;
      bound[i * N + j] = (K + 2) * U * mag + 1e-30;
    }
  }
  return { ref, bound };
}

/**
 * Runs one matmul and returns a description of the first problem, or null: a wrong element,
 * a write outside out, a changed input, or (acc = 0) a NaN read from the garbage in out. With
 * `twin`, also runs it on the same inputs and requires the very same bits: every implementation
 * sums each element in k order starting from out (acc) or 0, without fused multiply-add.
 */
function check(
  ws: Workspace,
  run: MatmulFn,
  form: Form,
  M: number,
  K: number,
  N: number,
  acc: number,
  seed: number,
  twin?: { ws: Workspace; run: MatmulFn },
): string | null {
  const { h } = ws;
  const a = testValues(M * K, seed);
  const b = testValues(K * N, seed + 1);
  const init = acc ? testValues(M * N, seed + 2, 2) : null;
  const out = ws.outBase + GUARD * 4;
  const call = (w: Workspace, fn: MatmulFn): Float32Array => {
    const o = w.outBase + GUARD * 4;
    w.h.write(w.a, a);
    w.h.write(w.b, b);
    w.h.write(w.outBase, new Float32Array(GUARD).fill(SENTINEL));
    w.h.write(o, init ?? new Float32Array(M * N).fill(NaN));
    w.h.write(o + M * N * 4, new Float32Array(GUARD).fill(SENTINEL));
    fn(o, w.a, w.b, M, K, N, acc);
    return w.h.read(o, M * N);
  };
  const shape = `${form} M=${M} K=${K} N=${N} acc=${acc}`;
  if (twin) {
    const want = call(twin.ws, twin.run);
    const got = call(ws, run);
    const e = got.findIndex((v, i) => !Object.is(v, want[i]));
    if (e >= 0) {
      return `${shape}: out[${Math.floor(e / N)},${e % N}] = ${got[e]}, twin gives ${want[e]}`;
    }
  }
  const got = call(ws, run);
  const { ref, bound } = reference(form, a, b, init, M, K, N);
  for (let e = 0; e < M * N; e++) {
    const err = Math.abs(got[e]! - ref[e]!);
    if (!(err <= bound[e]!)) {
      return `${shape}: out[${Math.floor(e / N)},${e % N}] = ${got[e]} want ${ref[e]} (bound ${bound[e]})`;
    }
  }
  const before = h.read(ws.outBase, GUARD);
  const after = h.read(out + M * N * 4, GUARD);
  if (before.some((v) => v !== SENTINEL) || after.some((v) => v !== SENTINEL)) {
    return `${shape}: wrote outside out`;
  }
  if (h.read(ws.a, a.length).some((v, i) => v !== a[i])) return `${shape}: changed A`;
  if (h.read(ws.b, b.length).some((v, i) => v !== b[i])) return `${shape}: changed B`;
  return null;
}

/** Runs `check` over shapes and collects every failure (an empty list passes). */
function checkAll(
  ws: Workspace,
  run: MatmulFn,
  form: Form,
  shapes: Iterable<readonly [number, number, number]>,
  acc: number,
  twin?: { ws: Workspace; run: MatmulFn },
): string[] {
  const failures: string[] = [];
  let seed = 1;
  for (const [M, K, N] of shapes) {
    const problem = check(ws, run, form, M, K, N, acc, seed++, twin);
    if (problem) failures.push(problem);
  }
  return failures;
}

function* smallShapes(): Generator<[number, number, number]> {
  for (const M of SMALL) for (const K of SMALL) for (const N of SMALL) yield [M, K, N];
}

let simd: Workspace;
let scalar: Workspace;

beforeAll(async () => {
  simd = workspace(await harness('simd'));
  scalar = workspace(await harness('scalar'));
});

/**
 * The four implementations of each form: fast and twin, in the SIMD and the scalar build. Each
 * names the implementation it must match bit for bit: the fast ones their build's twin, the
 * scalar build's twin the SIMD build's twin (same source, so the same bits).
 */
function variants(form: Form): {
  name: string;
  ws: () => Workspace;
  fn: () => MatmulFn;
  twin?: () => { ws: Workspace; run: MatmulFn };
}[] {
  const fast = `matmul_${form}` as const;
  const twin = `matmul_${form}_scalar` as const;
  return [
    {
      name: `simd ${fast}`,
      ws: () => simd,
      fn: () => simd.h.k[fast],
      twin: () => ({ ws: simd, run: simd.h.k[twin] }),
    },
    { name: `simd ${twin}`, ws: () => simd, fn: () => simd.h.k[twin] },
    {
      name: `scalar-build ${fast}`,
      ws: () => scalar,
      fn: () => scalar.h.k[fast],
      twin: () => ({ ws: scalar, run: scalar.h.k[twin] }),
    },
    {
      name: `scalar-build ${twin}`,
      ws: () => scalar,
      fn: () => scalar.h.k[twin],
      twin: () => ({ ws: simd, run: simd.h.k[twin] }),
    },
  ];
}

describe.each(FORMS)('matmul_%s', (form) => {
  for (const v of variants(form)) {
    for (const acc of [0, 1]) {
      const exact = v.twin ? ', bit for bit with its twin' : '';
      it(`${v.name} acc=${acc}: every combination of ${SMALL.join(', ')}${exact}`, () => {
        expect(checkAll(v.ws(), v.fn(), form, smallShapes(), acc, v.twin?.())).toEqual([]);
      });
      it(`${v.name} acc=${acc}: k-block boundaries and model-sized shapes${exact}`, () => {
        expect(checkAll(v.ws(), v.fn(), form, LARGE, acc, v.twin?.())).toEqual([]);
      });
    }
  }

  it('empty sizes: K = 0 zeroes out (acc = 0) or keeps it (acc = 1); M or N = 0 writes nothing', () => {
    for (const ws of [simd, scalar]) {
      const run = ws.h.k[`matmul_${form}`];
      for (const acc of [0, 1]) {
        expect(check(ws, run, form, 3, 0, 5, acc, 1)).toBeNull();
        expect(check(ws, run, form, 0, 4, 5, acc, 1)).toBeNull();
        expect(check(ws, run, form, 3, 4, 0, acc, 1)).toBeNull();
      }
    }
  });
});

describe('the checker', () => {
  const wrap =
    (run: MatmulFn, spoil: (h: Harness, out: Ptr, M: number, N: number) => void): MatmulFn =>
    (out, a, b, M, K, N, acc) => {
      run(out, a, b, M, K, N, acc);
      spoil(simd.h, out, M, N);
    };

  it('catches a slightly wrong element, a stray write, ignored acc and a swapped layout', () => {
    const nn = simd.h.k.matmul_nn;
    const nudge = wrap(nn, (h, out, M, N) => {
      const last = out + (M * N - 1) * 4;
      h.write(last, [h.read(last, 1)[0]! * (1 + 1e-4)]);
    });
    const stray = wrap(nn, (h, out, M, N) => h.write(out + M * N * 4, [0]));
    const noAcc: MatmulFn = (out, a, b, M, K, N) => nn(out, a, b, M, K, N, 0);
    expect(check(simd, nudge, 'nn', 13, 17, 5, 0, 3)).toMatch(/out\[12,4\]/);
    expect(check(simd, stray, 'nn', 5, 7, 3, 0, 3)).toMatch(/outside/);
    expect(check(simd, noAcc, 'nn', 5, 7, 3, 1, 3)).toMatch(/out\[/);
    expect(check(simd, simd.h.k.matmul_nt, 'nn', 8, 8, 8, 0, 3)).toMatch(/out\[/);
    expect(check(simd, simd.h.k.matmul_tn, 'nn', 8, 8, 8, 0, 3)).toMatch(/out\[/);
    const twin = { ws: simd, run: simd.h.k.matmul_nn_scalar };
    const reordered: MatmulFn = (out, a, b, M, K, N, acc) => {
      nn(out, a, b, M, K, N, acc);
      // A different summation order: correct to rounding, but not the twin's bits.
      const v = simd.h.read(out, 1)[0]!;
      simd.h.write(out, [v + Math.abs(v) * 2 ** -23]);
    };
    expect(check(simd, reordered, 'nn', 4, 9, 4, 0, 3)).toBeNull();
    expect(check(simd, reordered, 'nn', 4, 9, 4, 0, 3, twin)).toMatch(/twin gives/);
  });
});

describe('peak_loop', () => {
  it('runs f32x4 multiply-adds in the SIMD build and scalar ones in the scalar build', () => {
    expect(simd.h.k.peak_flops_per_iteration()).toBe(56);
    expect(scalar.h.k.peak_flops_per_iteration()).toBe(14);
    for (const { h } of [simd, scalar]) {
      const r = h.k.peak_loop(1000);
      expect(Number.isFinite(r)).toBe(true);
      expect(r).not.toBe(h.k.peak_loop(1)); // depends on the iteration count: not folded away
    }
  });
});
