/**
 * Max and average pooling (maxpool2d, avgpool2d; NCHW, square window K, stride S, padding P)
 * over every geometry that fits planes of 2..11 × 2..11 (H ≠ W included) with K 1..4, S 1..3,
 * P 0..K/2: forward and backward against float64 references and against an f32 replay of
 * PyTorch's CPU loops (so the exact bits are pinned down), the fast op, its scalar twin and the
 * scalar build giving the same bits, gradients accumulating onto non-zero values, a null
 * gradient pointer writing nothing, and central finite differences of Σ out·r. Maxpool also on
 * ties, −∞ padding and NaN; avgpool on the padding counted in the divisor.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ptr } from '../../src/engine/kernel.js';
import { bits, guarded, type Harness, harness, testValues } from './harness.js';

type Dims = [B: number, C: number, H: number, W: number, K: number, S: number, P: number];

const U = 2 ** -24;

interface Geo {
  B: number;
  C: number;
  H: number;
  W: number;
  K: number;
  S: number;
  P: number;
  OH: number;
  OW: number;
}

const dims = (g: Geo): Dims => [g.B, g.C, g.H, g.W, g.K, g.S, g.P];
const label = (g: Geo) => `B=${g.B} C=${g.C} H=${g.H} W=${g.W} K=${g.K} S=${g.S} P=${g.P}`;

function geo(B: number, C: number, H: number, W: number, K: number, S: number, P: number): Geo {
  const OH = (H + 2 * P - K) / S + 1;
  const OW = (W + 2 * P - K) / S + 1;
  if (!Number.isInteger(OH) || !Number.isInteger(OW) || OH < 1 || OW < 1 || 2 * P > K) {
    throw new Error(`not a whole geometry: H=${H} W=${W} K=${K} S=${S} P=${P}`);
  }
  return { B, C, H, W, K, S, P, OH, OW };
}

/** Every whole geometry with H, W in 2..11, K 1..4, S 1..3, P 0..K/2; B 1..3 and C 1..5 cycle. */
const GEOMETRIES: Geo[] = (() => {
  const list: Geo[] = [];
  for (let K = 1; K <= 4; K++) {
    for (let S = 1; S <= 3; S++) {
      for (let P = 0; P <= K >> 1; P++) {
        for (let H = 2; H <= 11; H++) {
          for (let W = 2; W <= 11; W++) {
            if (H + 2 * P < K || W + 2 * P < K) continue;
            if ((H + 2 * P - K) % S || (W + 2 * P - K) % S) continue;
            const i = list.length;
            list.push(geo(1 + (i % 3), 1 + ((i * 2 + (i >> 2)) % 5), H, W, K, S, P));
          }
        }
      }
    }
  }
  return list;
})();

/** A handful for the slower finite-difference checks: overlap, gaps, padding, H ≠ W. */
const FD_GEOMETRIES: Geo[] = [
  geo(1, 1, 2, 2, 1, 1, 0),
  geo(2, 3, 6, 8, 2, 2, 0),
  geo(1, 2, 6, 11, 3, 1, 1),
  geo(3, 1, 8, 6, 4, 2, 2),
  geo(2, 2, 9, 6, 2, 3, 1),
  geo(1, 3, 7, 9, 3, 2, 0),
];

let simd: Harness;
let scalar: Harness;

beforeAll(async () => {
  simd = await harness('simd');
  scalar = await harness('scalar');
});

const kernel = (h: Harness) => h.k;

/** The four ways to run an op: the fast op and its twin, in both builds. */
function runs(): { name: string; h: Harness; twin: boolean }[] {
  return [
    { name: 'simd build, fast', h: simd, twin: false },
    { name: 'simd build, twin', h: simd, twin: true },
    { name: 'scalar build, fast', h: scalar, twin: false },
    { name: 'scalar build, twin', h: scalar, twin: true },
  ];
}

const readI32 = (h: Harness, ptr: Ptr, n: number) =>
  new Int32Array(h.k.memory.buffer, ptr, n).slice();
const writeI32 = (h: Harness, ptr: Ptr, v: ArrayLike<number>) =>
  new Int32Array(h.k.memory.buffer, ptr, v.length).set(v);

/** The in-range input positions of output (oh, ow)'s window, in row-major order. */
function windowOf(g: Geo, oh: number, ow: number): number[] {
  const cells: number[] = [];
  for (let kh = 0; kh < g.K; kh++) {
    for (let kw = 0; kw < g.K; kw++) {
      const ih = oh * g.S - g.P + kh;
      const iw = ow * g.S - g.P + kw;
      if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) cells.push(ih * g.W + iw);
    }
  }
  return cells;
}

/** Calls fn(plane, oh, ow, o) for every output, o its flat index, in memory order. */
function eachOutput(g: Geo, fn: (plane: number, oh: number, ow: number, o: number) => void) {
  let o = 0;
  for (let pl = 0; pl < g.B * g.C; pl++) {
    for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) fn(pl, oh, ow, o++);
  }
}

const outSize = (g: Geo) => g.B * g.C * g.OH * g.OW;
const inSize = (g: Geo) => g.B * g.C * g.H * g.W;

/**
 * Maxpool reference written from the definition rather than torch's loop: the value is the
 * window's maximum, its index the first in-range position holding it (a NaN anywhere makes
 * both the last NaN's, as torch's `v > max || isnan(v)` does). Out is read back from x, so a
 * −0 against a +0 keeps whichever came first.
 */
function maxRef(x: Float32Array, g: Geo): { out: Float32Array; arg: Int32Array } {
  const out = new Float32Array(outSize(g));
  const arg = new Int32Array(outSize(g));
  eachOutput(g, (pl, oh, ow, o) => {
    const base = pl * g.H * g.W;
    const cells = windowOf(g, oh, ow);
    const nans = cells.filter((i) => Number.isNaN(x[base + i]!));
    let pick: number;
    if (nans.length) {
      pick = nans[nans.length - 1]!;
    } else {
      const m = Math.max(...cells.map((i) => x[base + i]!));
      pick = cells.find((i) => x[base + i] === m)!;
    }
    arg[o] = pick;
    out[o] = x[base + pick]!;
  });
  return { out, arg };
}

/** Float64 dinp = init + Σ dout scattered to arg, with a rounding bound per element. */
function maxBackRef(g: Geo, init: Float32Array, dout: Float32Array, arg: Int32Array) {
  const ref = Float64Array.from(init);
  const mag = Float64Array.from(init, Math.abs);
  const count = new Float64Array(init.length);
  eachOutput(g, (pl, _oh, _ow, o) => {
    const i = pl * g.H * g.W + arg[o]!;
    ref[i] += dout[o]!;
    mag[i] += Math.abs(dout[o]!);
    count[i]++;
  });
  return { ref, bound: mag.map((m, i) => 2 * (count[i]! + 1) * U * m) };
}

/**
 * Torch's CPU max_pool2d backward in f32: a zero gradient scattered to in output order, then
 * added to the existing gradient (autograd's accumulation). The kernel must match it bit for bit.
 */
function maxBackTorch(g: Geo, init: Float32Array, dout: Float32Array, arg: Int32Array) {
  const fresh = new Float32Array(init.length);
  eachOutput(g, (pl, _oh, _ow, o) => {
    const i = pl * g.H * g.W + arg[o]!;
    fresh[i] = Math.fround(fresh[i]! + dout[o]!);
  });
  return init.map((v, i) => v + fresh[i]!);
}

/** Float64 average with count_include_pad (divisor K·K) and its rounding bound. */
function avgRef(x: Float32Array, g: Geo) {
  const ref = new Float64Array(outSize(g));
  const bound = new Float64Array(outSize(g));
  eachOutput(g, (pl, oh, ow, o) => {
    const cells = windowOf(g, oh, ow).map((i) => x[pl * g.H * g.W + i]!);
    ref[o] = cells.reduce((a, v) => a + v, 0) / (g.K * g.K);
    bound[o] = ((cells.length + 2) * U * cells.reduce((a, v) => a + Math.abs(v), 0)) / g.K ** 2;
  });
  return { ref, bound };
}

/** Torch's CPU avg_pool2d forward in f32: sum from 0 in row-major window order, one division. */
function avgTorch(x: Float32Array, g: Geo): Float32Array {
  const out = new Float32Array(outSize(g));
  eachOutput(g, (pl, oh, ow, o) => {
    let sum = 0;
    for (const i of windowOf(g, oh, ow)) sum = Math.fround(sum + x[pl * g.H * g.W + i]!);
    out[o] = sum / (g.K * g.K);
  });
  return out;
}

/** Float64 dinp = init + Σ dout/(K·K) over the covering windows, with a rounding bound. */
function avgBackRef(g: Geo, init: Float32Array, dout: Float32Array) {
  const ref = Float64Array.from(init);
  const mag = Float64Array.from(init, Math.abs);
  const count = new Float64Array(init.length);
  eachOutput(g, (pl, oh, ow, o) => {
    for (const c of windowOf(g, oh, ow)) {
      const i = pl * g.H * g.W + c;
      ref[i] += dout[o]! / (g.K * g.K);
      mag[i] += Math.abs(dout[o]!) / (g.K * g.K);
      count[i]++;
    }
  });
  return { ref, bound: mag.map((m, i) => 2 * (count[i]! + 2) * U * m) };
}

/** Torch's CPU avg_pool2d backward in f32: dout/(K·K) scattered in output order, then added. */
function avgBackTorch(g: Geo, init: Float32Array, dout: Float32Array) {
  const fresh = new Float32Array(init.length);
  eachOutput(g, (pl, oh, ow, o) => {
    const delta = Math.fround(dout[o]! / (g.K * g.K));
    for (const c of windowOf(g, oh, ow)) {
      const i = pl * g.H * g.W + c;
      fresh[i] = Math.fround(fresh[i]! + delta);
    }
  });
  return init.map((v, i) => v + fresh[i]!);
}

/** The first element outside ref ± bound, described, or null. */
function firstMiss(what: string, got: ArrayLike<number>, ref: Float64Array, bound: Float64Array) {
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(got[i]! - ref[i]!) <= bound[i]!)) {
      return `${what}[${i}] = ${got[i]} want ${ref[i]} (bound ${bound[i]})`;
    }
  }
  return null;
}

function runMaxForward(h: Harness, twin: boolean, x: Float32Array, g: Geo) {
  const k = kernel(h);
  const n = outSize(g);
  const out = guarded(h, new Float32Array(n).fill(NaN));
  const arg = guarded(h, new Float32Array(n));
  writeI32(h, arg.ptr, new Int32Array(n).fill(-1));
  const inp = h.alloc(x.length, x);
  (twin ? k.maxpool2d_forward_scalar : k.maxpool2d_forward)(out.ptr, arg.ptr, inp, ...dims(g));
  return {
    out: h.read(out.ptr, n),
    arg: readI32(h, arg.ptr, n),
    inBounds: out.check() && arg.check(),
  };
}

function runMaxBackward(
  h: Harness,
  twin: boolean,
  init: Float32Array,
  dout: Float32Array,
  arg: Int32Array,
  g: Geo,
) {
  const k = kernel(h);
  const dinp = guarded(h, init);
  const d = h.alloc(dout.length, dout);
  const a = h.alloc(arg.length);
  writeI32(h, a, arg);
  (twin ? k.maxpool2d_backward_scalar : k.maxpool2d_backward)(dinp.ptr, d, a, ...dims(g));
  return { dinp: h.read(dinp.ptr, init.length), inBounds: dinp.check() };
}

function runAvg(
  h: Harness,
  twin: boolean,
  direction: 'forward' | 'backward',
  init: Float32Array,
  from: Float32Array,
  g: Geo,
) {
  const k = kernel(h);
  const fn =
    direction === 'forward'
      ? twin
        ? k.avgpool2d_forward_scalar
        : k.avgpool2d_forward
      : twin
        ? k.avgpool2d_backward_scalar
        : k.avgpool2d_backward;
  const to = guarded(h, init);
  fn(to.ptr, h.alloc(from.length, from), ...dims(g));
  return { values: h.read(to.ptr, init.length), inBounds: to.check() };
}

/** Inputs with many ties, all negative (a zero padding would win every edge window). */
const tied = (n: number, seed: number) => testValues(n, seed).map((v) => Math.round(v * 2) - 3);

describe('maxpool2d_forward', () => {
  it.each([
    ['random inputs', (n: number, seed: number) => testValues(n, seed, 4)],
    ['tied negative inputs', tied],
  ] as const)('%s: every geometry matches the reference in all four runs', (_, data) => {
    const failures: string[] = [];
    GEOMETRIES.forEach((g, gi) => {
      const x = data(inSize(g), gi + 1);
      const want = maxRef(x, g);
      const wantBits = bits(want.out).join();
      let first: string | null = null;
      for (const run of runs()) {
        const got = runMaxForward(run.h, run.twin, x, g);
        const where = `${label(g)} ${run.name}`;
        if (!got.inBounds) failures.push(`${where}: wrote outside out or arg`);
        if (got.arg.some((v, i) => v !== want.arg[i])) failures.push(`${where}: arg differs`);
        const gotBits = bits(got.out).join();
        if (gotBits !== wantBits) failures.push(`${where}: out differs`);
        if (first && gotBits !== first) failures.push(`${where}: bits differ from the first run`);
        first ??= gotBits;
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('ties keep the first position in row-major window order', () => {
    const g = geo(1, 1, 3, 6, 2, 1, 0);
    const x = new Float32Array(18).fill(5);
    for (const run of runs()) {
      const got = runMaxForward(run.h, run.twin, x, g);
      expect(Array.from(got.arg), run.name).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
      expect(Array.from(got.out), run.name).toEqual(new Array(10).fill(5));
    }
    // Equal values inside one window: the earlier (upper, then left) one wins.
    const y = Float32Array.from([1, 7, 7, 2, 7, 7]);
    const tie = geo(1, 1, 2, 3, 2, 1, 0);
    for (const run of runs()) {
      expect(Array.from(runMaxForward(run.h, run.twin, y, tie).arg), run.name).toEqual([1, 1]);
    }
  });

  it('pads with −∞: negative inputs win their edge windows and −∞ inputs keep the first cell', () => {
    const g = geo(1, 1, 2, 2, 2, 1, 1);
    const x = Float32Array.from([-1, -2, -3, -4]);
    for (const run of runs()) {
      const got = runMaxForward(run.h, run.twin, x, g);
      expect(Array.from(got.out), run.name).toEqual([-1, -1, -2, -1, -1, -2, -3, -3, -4]);
      expect(Array.from(got.arg), run.name).toEqual([0, 0, 1, 0, 0, 1, 2, 2, 3]);
    }
    // An all −∞ plane: nothing beats the initial −∞, the index stays at the first cell in range.
    const big = geo(1, 1, 5, 9, 3, 2, 1);
    const inf = new Float32Array(45).fill(-Infinity);
    const want = maxRef(inf, big);
    for (const run of runs()) {
      const got = runMaxForward(run.h, run.twin, inf, big);
      expect(Array.from(got.out), run.name).toEqual(new Array(big.OH * big.OW).fill(-Infinity));
      expect(Array.from(got.arg), run.name).toEqual(Array.from(want.arg));
      expect(got.arg[0], run.name).toBe(0);
      expect(got.arg[1], run.name).toBe(1);
    }
  });

  it('a NaN wins its windows (the last NaN when there are several), in edge and vector lanes', () => {
    const g = geo(1, 1, 3, 11, 3, 1, 0);
    const x = testValues(33, 5, 2);
    x[4] = NaN; // row 0, column 4: windows ow = 2, 3, 4 (vector lanes)
    x[15] = NaN; // row 1, column 4: the same windows, later in their scan
    x[32] = NaN; // row 2, column 10: window ow = 8 (the scalar edge)
    for (const run of runs()) {
      const got = runMaxForward(run.h, run.twin, x, g);
      expect(Array.from(got.arg.slice(2, 5)), run.name).toEqual([15, 15, 15]);
      expect(got.arg[8], run.name).toBe(32);
      const nan = Array.from(got.out, (v) => Number.isNaN(v));
      expect(nan, run.name).toEqual([false, false, true, true, true, false, false, false, true]);
    }
    const want = maxRef(x, g);
    expect(Array.from(runMaxForward(simd, false, x, g).arg)).toEqual(Array.from(want.arg));
  });
});

describe('maxpool2d_backward', () => {
  it('every geometry: init + the scatter, torch order bit for bit, in all four runs', () => {
    const failures: string[] = [];
    GEOMETRIES.forEach((g, gi) => {
      // Tied inputs make overlapping windows pick the same cell, so cells receive several terms.
      const { arg } = maxRef(tied(inSize(g), gi + 7), g);
      const dout = testValues(outSize(g), gi + 8);
      const init = testValues(inSize(g), gi + 9, 2);
      const { ref, bound } = maxBackRef(g, init, dout, arg);
      const exact = bits(maxBackTorch(g, init, dout, arg));
      for (const run of runs()) {
        const got = runMaxBackward(run.h, run.twin, init, dout, arg, g);
        const where = `${label(g)} ${run.name}`;
        const miss = firstMiss('dinp', got.dinp, ref, bound);
        if (miss) failures.push(`${where}: ${miss}`);
        if (bits(got.dinp).join() !== exact.join()) failures.push(`${where}: not torch's bits`);
        if (!got.inBounds) failures.push(`${where}: wrote outside dinp`);
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('accumulates: a second call adds the same gradient again', () => {
    const g = geo(2, 3, 7, 9, 3, 1, 1);
    const { arg } = maxRef(tied(inSize(g), 3), g);
    const dout = testValues(outSize(g), 4);
    for (const run of runs()) {
      const once = runMaxBackward(run.h, run.twin, new Float32Array(inSize(g)), dout, arg, g);
      const twice = runMaxBackward(run.h, run.twin, once.dinp, dout, arg, g);
      expect(bits(twice.dinp), run.name).toEqual(bits(once.dinp.map((v) => 2 * v)));
      expect(once.dinp.some((v) => v !== 0)).toBe(true);
    }
  });

  it('with dinp = 0 returns without writing anything', () => {
    const g = geo(2, 2, 6, 6, 2, 2, 0);
    for (const run of runs()) {
      const k = kernel(run.h);
      const dout = run.h.alloc(outSize(g), testValues(outSize(g), 1));
      const arg = run.h.alloc(outSize(g));
      const low = run.h.read(0, inSize(g) + 64);
      const fn = run.twin ? k.maxpool2d_backward_scalar : k.maxpool2d_backward;
      fn(0, dout, arg, ...dims(g));
      expect(bits(run.h.read(0, inSize(g) + 64)), run.name).toEqual(bits(low));
    }
  });

  it.each(FD_GEOMETRIES.map((g) => [label(g), g] as const))(
    'matches central finite differences of Σ out·r (%s)',
    (_, g) => {
      // Distinct inputs 1/8 apart: a step of 1/64 never changes which cell a window picks, and
      // every value stays exact, so the difference quotient is exact.
      const n = inSize(g);
      const order = Array.from(testValues(n, n), (v, i) => [v, i] as const).sort(
        (a, b) => a[0] - b[0],
      );
      const x = new Float32Array(n);
      order.forEach(([, i], rank) => (x[i] = (rank - n / 2) / 8));
      const r = testValues(outSize(g), 77);
      const step = 1 / 64;
      for (const run of runs()) {
        const loss = (v: Float32Array) =>
          runMaxForward(run.h, run.twin, v, g).out.reduce((a, y, o) => a + y * r[o]!, 0);
        const fwd = runMaxForward(run.h, run.twin, x, g);
        const got = runMaxBackward(run.h, run.twin, new Float32Array(n), r, fwd.arg, g).dinp;
        for (let i = 0; i < n; i++) {
          const up = Float32Array.from(x);
          const down = Float32Array.from(x);
          up[i] = x[i]! + step;
          down[i] = x[i]! - step;
          const fd = (loss(up) - loss(down)) / (2 * step);
          expect(Math.abs(got[i]! - fd), `${run.name} dinp[${i}]`).toBeLessThan(1e-5);
        }
      }
    },
  );
});

describe('avgpool2d_forward', () => {
  it('every geometry: float64 reference, torch order bit for bit, in all four runs', () => {
    const failures: string[] = [];
    GEOMETRIES.forEach((g, gi) => {
      const x = testValues(inSize(g), gi + 1, 3);
      const { ref, bound } = avgRef(x, g);
      const exact = bits(avgTorch(x, g));
      for (const run of runs()) {
        const got = runAvg(
          run.h,
          run.twin,
          'forward',
          new Float32Array(outSize(g)).fill(NaN),
          x,
          g,
        );
        const where = `${label(g)} ${run.name}`;
        const miss = firstMiss('out', got.values, ref, bound);
        if (miss) failures.push(`${where}: ${miss}`);
        if (bits(got.values).join() !== exact.join()) failures.push(`${where}: not torch's bits`);
        if (!got.inBounds) failures.push(`${where}: wrote outside out`);
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('counts the padding in the divisor (count_include_pad): always K·K', () => {
    const g = geo(1, 1, 3, 3, 3, 1, 1);
    const want = [4, 6, 4, 6, 9, 6, 4, 6, 4].map((v) => Math.fround(v / 9));
    const ones = new Float32Array(9).fill(1);
    for (const run of runs()) {
      const got = runAvg(run.h, run.twin, 'forward', new Float32Array(9), ones, g);
      expect(Array.from(got.values), run.name).toEqual(want);
    }
    // K = 2, P = 1 on a 2×5 plane of ones: corners see one cell, edges two, of 4.
    const wide = geo(1, 1, 2, 5, 2, 1, 1);
    const row = [1, 2, 2, 2, 2, 1].map((v) => v / 4);
    for (const run of runs()) {
      const got = runAvg(
        run.h,
        run.twin,
        'forward',
        new Float32Array(18),
        new Float32Array(10).fill(1),
        wide,
      );
      expect(Array.from(got.values), run.name).toEqual([...row, ...row.map((v) => 2 * v), ...row]);
    }
  });
});

describe('avgpool2d_backward', () => {
  it('every geometry: init + the spread, torch order bit for bit, in all four runs', () => {
    const failures: string[] = [];
    GEOMETRIES.forEach((g, gi) => {
      const dout = testValues(outSize(g), gi + 8, 3);
      const init = testValues(inSize(g), gi + 9, 2);
      const { ref, bound } = avgBackRef(g, init, dout);
      const exact = bits(avgBackTorch(g, init, dout));
      for (const run of runs()) {
        const got = runAvg(run.h, run.twin, 'backward', init, dout, g);
        const where = `${label(g)} ${run.name}`;
        const miss = firstMiss('dinp', got.values, ref, bound);
        if (miss) failures.push(`${where}: ${miss}`);
        if (bits(got.values).join() !== exact.join()) failures.push(`${where}: not torch's bits`);
        if (!got.inBounds) failures.push(`${where}: wrote outside dinp`);
      }
    });
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('accumulates: a second call adds the same gradient again', () => {
    const g = geo(3, 2, 6, 10, 2, 2, 1);
    const dout = testValues(outSize(g), 5);
    for (const run of runs()) {
      const once = runAvg(run.h, run.twin, 'backward', new Float32Array(inSize(g)), dout, g);
      const twice = runAvg(run.h, run.twin, 'backward', once.values, dout, g);
      expect(bits(twice.values), run.name).toEqual(bits(once.values.map((v) => 2 * v)));
      expect(once.values.some((v) => v !== 0)).toBe(true);
    }
  });

  it('with dinp = 0 returns without writing anything', () => {
    const g = geo(2, 2, 6, 6, 3, 1, 1);
    for (const run of runs()) {
      const k = kernel(run.h);
      const dout = run.h.alloc(outSize(g), testValues(outSize(g), 1));
      const low = run.h.read(0, inSize(g) + 64);
      (run.twin ? k.avgpool2d_backward_scalar : k.avgpool2d_backward)(0, dout, ...dims(g));
      expect(bits(run.h.read(0, inSize(g) + 64)), run.name).toEqual(bits(low));
    }
  });

  it.each(FD_GEOMETRIES.map((g) => [label(g), g] as const))(
    'matches central finite differences of Σ out·r (%s)',
    (_, g) => {
      const n = inSize(g);
      const x = testValues(n, n + 1, 2);
      const r = testValues(outSize(g), 78);
      const step = 1 / 32;
      for (const run of runs()) {
        const loss = (v: Float32Array) =>
          runAvg(run.h, run.twin, 'forward', new Float32Array(outSize(g)), v, g).values.reduce(
            (a, y, o) => a + y * r[o]!,
            0,
          );
        const got = runAvg(run.h, run.twin, 'backward', new Float32Array(n), r, g).values;
        for (let i = 0; i < n; i++) {
          const up = Float32Array.from(x);
          const down = Float32Array.from(x);
          up[i] = x[i]! + step;
          down[i] = x[i]! - step;
          const fd = (loss(up) - loss(down)) / (2 * step);
          // The loss is linear in x; only the forward's f32 rounding (~1e-7·Σ|out·r|) remains.
          expect(Math.abs(got[i]! - fd), `${run.name} dinp[${i}]`).toBeLessThan(2e-5);
        }
      }
    },
  );
});
