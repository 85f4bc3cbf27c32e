/**
 * Recurrent layers (rnn, lstm, gru) — B batch rows, T time steps, D input features per step,
 * H hidden size, G gates. Forward and full backpropagation through time against a float64
 * reference, health against the reference's ‖∂L/∂h_t‖, the fast ops against their scalar twins
 * bit for bit in both builds, the backward against central finite differences of the kernel's
 * own forward, accumulation, and the work-buffer sizes against the documented layouts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelExports, Ptr } from '../../src/engine/kernel.js';
import { workLayout } from '../../src/engine/ops/recurrent.js';
import { harness, testValues, VARIANTS, type Harness } from './harness.js';

type Cell = 'rnn' | 'lstm' | 'gru';
const CELLS: Cell[] = ['rnn', 'lstm', 'gru'];
const GATES: Record<Cell, number> = { rnn: 1, lstm: 4, gru: 3 };

interface Shape {
  B: number;
  T: number;
  D: number;
  H: number;
  seq: number;
}

const r4 = (n: number) => Math.ceil(n / 4) * 4;

/** The work-buffer layouts, sub-buffer by sub-buffer, in floats. */
function workFloats(cell: Cell, B: number, T: number, D: number, H: number): number {
  const TB = T * B;
  switch (cell) {
    case 'rnn':
      return r4(TB * D) + r4(TB * H) + r4(TB * H) + r4(TB * D) + r4(B * H);
    case 'lstm':
      return (
        r4(TB * D) +
        r4(TB * 4 * H) +
        r4(TB * H) +
        r4(TB * H) +
        r4(TB * 4 * H) +
        r4(TB * D) +
        r4(B * H) +
        r4(B * H)
      );
    case 'gru':
      return (
        r4(TB * D) +
        r4(TB * 3 * H) +
        r4(TB * H) +
        r4(TB * H) +
        r4(TB * 3 * H) +
        r4(TB * 3 * H) +
        r4(TB * D) +
        r4(B * H)
      );
  }
}

interface Data {
  inp: Float32Array;
  wih: Float32Array;
  whh: Float32Array;
  bih: Float32Array;
  bhh: Float32Array;
  dout: Float32Array;
}

const outLength = (s: Shape) => (s.seq ? s.B * s.T * s.H : s.B * s.H);

function makeData(cell: Cell, s: Shape, seed: number): Data {
  const GH = GATES[cell] * s.H;
  return {
    inp: testValues(s.B * s.T * s.D, seed, 1),
    wih: testValues(GH * s.D, seed + 1, 0.6),
    whh: testValues(GH * s.H, seed + 2, 0.6),
    bih: testValues(GH, seed + 3, 0.4),
    bhh: testValues(GH, seed + 4, 0.4),
    dout: testValues(outLength(s), seed + 5, 1),
  };
}

// ---------------------------------------------------------------------------------------------
// float64 reference: straightforward loops over t, b and the units.

const sig = (x: number) => 1 / (1 + Math.exp(-x));

interface Grads {
  dinp: Float64Array;
  dwih: Float64Array;
  dwhh: Float64Array;
  dbih: Float64Array;
  dbhh: Float64Array;
}

interface Reference extends Grads {
  out: Float64Array;
  /** ‖∂L/∂h_t‖₂ over the batch, t = 0..T−1. */
  health: Float64Array;
}

/** W[rows, cols] · v (v a slice of length cols at offset). */
function matvec(w: ArrayLike<number>, rows: number, cols: number, v: ArrayLike<number>, at = 0) {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += w[r * cols + c]! * v[at + c]!;
    y[r] = s;
  }
  return y;
}

function reference(cell: Cell, s: Shape, d: Data): Reference {
  const { B, T, D, H, seq } = s;
  const G = GATES[cell];
  const GH = G * H;
  const x = (b: number, t: number) => d.inp.subarray((b * T + t) * D, (b * T + t + 1) * D);
  // Forward, keeping per (t, b): h_{t−1}, c_{t−1} and the activated gates / n's hidden part.
  const hs: Float64Array[][] = []; // hs[t][b] = h_t
  const cs: Float64Array[][] = [];
  const act: Float64Array[][] = []; // activated gates [G·H]
  const hnv: Float64Array[][] = []; // GRU: W_hn h + b_hn
  const zero = new Float64Array(H);
  const hPrev = (t: number, b: number) => (t > 0 ? hs[t - 1]![b]! : zero);
  const cPrev = (t: number, b: number) => (t > 0 ? cs[t - 1]![b]! : zero);
  for (let t = 0; t < T; t++) {
    hs.push([]);
    cs.push([]);
    act.push([]);
    hnv.push([]);
    for (let b = 0; b < B; b++) {
      const xi = matvec(d.wih, GH, D, x(b, t));
      const hh = matvec(d.whh, GH, H, hPrev(t, b));
      for (let k = 0; k < GH; k++) {
        xi[k] += d.bih[k]!;
        hh[k] += d.bhh[k]!;
      }
      const h = new Float64Array(H);
      const c = new Float64Array(H);
      const a = new Float64Array(GH);
      const hn = new Float64Array(H);
      const hp = hPrev(t, b);
      const cp = cPrev(t, b);
      for (let j = 0; j < H; j++) {
        if (cell === 'rnn') {
          a[j] = h[j] = Math.tanh(xi[j]! + hh[j]!);
        } else if (cell === 'lstm') {
          const i = (a[j] = sig(xi[j]! + hh[j]!));
          const f = (a[H + j] = sig(xi[H + j]! + hh[H + j]!));
          const g = (a[2 * H + j] = Math.tanh(xi[2 * H + j]! + hh[2 * H + j]!));
          const o = (a[3 * H + j] = sig(xi[3 * H + j]! + hh[3 * H + j]!));
          c[j] = f * cp[j]! + i * g;
          h[j] = o * Math.tanh(c[j]!);
        } else {
          const r = (a[j] = sig(xi[j]! + hh[j]!));
          const z = (a[H + j] = sig(xi[H + j]! + hh[H + j]!));
          hn[j] = hh[2 * H + j]!;
          const n = (a[2 * H + j] = Math.tanh(xi[2 * H + j]! + r * hn[j]!));
          h[j] = (1 - z) * n + z * hp[j]!;
        }
      }
      hs[t]!.push(h);
      cs[t]!.push(c);
      act[t]!.push(a);
      hnv[t]!.push(hn);
    }
  }
  const out = new Float64Array(outLength(s));
  for (let b = 0; b < B; b++) {
    for (let t = seq ? 0 : T - 1; t < T; t++) {
      out.set(hs[t]![b]!, seq ? (b * T + t) * H : b * H);
    }
  }
  // Backward through time.
  const g: Grads = {
    dinp: new Float64Array(B * T * D),
    dwih: new Float64Array(GH * D),
    dwhh: new Float64Array(GH * H),
    dbih: new Float64Array(GH),
    dbhh: new Float64Array(GH),
  };
  const health = new Float64Array(T);
  let dh = Array.from({ length: B }, () => new Float64Array(H));
  let dc = Array.from({ length: B }, () => new Float64Array(H));
  for (let t = T - 1; t >= 0; t--) {
    const ndh = Array.from({ length: B }, () => new Float64Array(H));
    const ndc = Array.from({ length: B }, () => new Float64Array(H));
    let sq = 0;
    for (let b = 0; b < B; b++) {
      const gh = Float64Array.from(dh[b]!);
      if (seq || t === T - 1) {
        const at = seq ? (b * T + t) * H : b * H;
        for (let j = 0; j < H; j++) gh[j] += d.dout[at + j]!;
      }
      for (let j = 0; j < H; j++) sq += gh[j]! * gh[j]!;
      const a = act[t]![b]!;
      const hp = hPrev(t, b);
      const dai = new Float64Array(GH); // input-side pre-activation gradient
      const dah = new Float64Array(GH); // hidden-side pre-activation gradient
      for (let j = 0; j < H; j++) {
        if (cell === 'rnn') {
          dai[j] = dah[j] = gh[j]! * (1 - a[j]! * a[j]!);
        } else if (cell === 'lstm') {
          const [i, f, gg, o] = [a[j]!, a[H + j]!, a[2 * H + j]!, a[3 * H + j]!];
          const tc = Math.tanh(cs[t]![b]![j]!);
          const gc = dc[b]![j]! + gh[j]! * o * (1 - tc * tc);
          dai[j] = gc * gg * i * (1 - i);
          dai[H + j] = gc * cPrev(t, b)[j]! * f * (1 - f);
          dai[2 * H + j] = gc * i * (1 - gg * gg);
          dai[3 * H + j] = gh[j]! * tc * o * (1 - o);
          for (let k = 0; k < 4; k++) dah[k * H + j] = dai[k * H + j]!;
          ndc[b]![j] = gc * f;
        } else {
          const [r, z, n] = [a[j]!, a[H + j]!, a[2 * H + j]!];
          const an = gh[j]! * (1 - z) * (1 - n * n);
          const az = gh[j]! * (hp[j]! - n) * z * (1 - z);
          const ar = an * hnv[t]![b]![j]! * r * (1 - r);
          dai[j] = dah[j] = ar;
          dai[H + j] = dah[H + j] = az;
          dai[2 * H + j] = an;
          dah[2 * H + j] = an * r;
          ndh[b]![j] = gh[j]! * z;
        }
      }
      const xb = x(b, t);
      for (let k = 0; k < GH; k++) {
        g.dbih[k] += dai[k]!;
        g.dbhh[k] += dah[k]!;
        for (let e = 0; e < D; e++) {
          g.dwih[k * D + e] += dai[k]! * xb[e]!;
          g.dinp[(b * T + t) * D + e] += dai[k]! * d.wih[k * D + e]!;
        }
        for (let e = 0; e < H; e++) {
          g.dwhh[k * H + e] += dah[k]! * hp[e]!;
          ndh[b]![e] += dah[k]! * d.whh[k * H + e]!;
        }
      }
    }
    health[t] = Math.sqrt(sq);
    dh = ndh;
    dc = ndc;
  }
  return { out, health, ...g };
}

// ---------------------------------------------------------------------------------------------
// Running the kernel.

interface Ops {
  floats: (B: number, T: number, D: number, H: number) => number;
  forward: KernelExports['rnn_forward'];
  backward: KernelExports['rnn_backward'];
}

function ops(k: KernelExports, cell: Cell, twin: boolean): Ops {
  const fw = `${cell}_forward${twin ? '_scalar' : ''}` as 'rnn_forward';
  const bw = `${cell}_backward${twin ? '_scalar' : ''}` as 'rnn_backward';
  const floats = `${cell}_work_floats` as 'rnn_work_floats';
  return { floats: k[floats], forward: k[fw], backward: k[bw] };
}

const GUARD = 4;
const SENTINEL = -777.25;

/** A bump allocator over one region of a harness, reset before every run, with guards. */
class Scratch {
  private readonly base: Ptr;
  private readonly end: Ptr;
  private top: Ptr;
  private guards: { ptr: Ptr; n: number }[] = [];
  constructor(
    readonly h: Harness,
    floats: number,
  ) {
    this.base = h.alloc(floats);
    this.end = this.base + floats * 4;
    this.top = this.base;
  }
  reset(): void {
    this.top = this.base;
    this.guards = [];
  }
  /** n floats set to `init` (or NaN), with sentinel guards either side. */
  alloc(n: number, init?: ArrayLike<number>): Ptr {
    const h = this.h;
    const ptr = this.top + GUARD * 4;
    this.top += (2 * GUARD + r4(n)) * 4;
    if (this.top > this.end) throw new Error('scratch region too small');
    h.write(ptr - GUARD * 4, new Float32Array(GUARD).fill(SENTINEL));
    h.write(ptr + n * 4, new Float32Array(GUARD + r4(n) - n).fill(SENTINEL));
    h.write(ptr, init ?? new Float32Array(n).fill(NaN));
    this.guards.push({ ptr, n });
    return ptr;
  }
  /** Whether every guard still holds its sentinels. */
  intact(): boolean {
    return this.guards.every(
      ({ ptr, n }) =>
        this.h.read(ptr - GUARD * 4, GUARD).every((v) => v === SENTINEL) &&
        this.h.read(ptr + n * 4, GUARD).every((v) => v === SENTINEL),
    );
  }
}

interface Run {
  out: Float32Array;
  dinp: Float32Array | null;
  dwih: Float32Array;
  dwhh: Float32Array;
  dbih: Float32Array;
  dbhh: Float32Array;
  health: Float32Array | null;
  intact: boolean;
}

interface RunOptions {
  /** Initial gradient values (zeros if absent). */
  init?: {
    dinp: Float32Array;
    dwih: Float32Array;
    dwhh: Float32Array;
    dbih: Float32Array;
    dbhh: Float32Array;
  };
  /** Pass dinp = 0. */
  noDinp?: boolean;
  /** Pass health = 0. */
  noHealth?: boolean;
  /** Backward calls after the forward (default 1). */
  backwards?: number;
}

function run(sc: Scratch, cell: Cell, twin: boolean, s: Shape, d: Data, o: RunOptions = {}): Run {
  const { B, T, D, H, seq } = s;
  const GH = GATES[cell] * H;
  const f = ops(sc.h.k, cell, twin);
  sc.reset();
  const z = (n: number) => new Float32Array(n);
  const out = sc.alloc(outLength(s));
  const work = sc.alloc(f.floats(B, T, D, H));
  const inp = sc.alloc(B * T * D, d.inp);
  const wih = sc.alloc(GH * D, d.wih);
  const whh = sc.alloc(GH * H, d.whh);
  const bih = sc.alloc(GH, d.bih);
  const bhh = sc.alloc(GH, d.bhh);
  const dout = sc.alloc(outLength(s), d.dout);
  const dinp = o.noDinp ? 0 : sc.alloc(B * T * D, o.init?.dinp ?? z(B * T * D));
  const dwih = sc.alloc(GH * D, o.init?.dwih ?? z(GH * D));
  const dwhh = sc.alloc(GH * H, o.init?.dwhh ?? z(GH * H));
  const dbih = sc.alloc(GH, o.init?.dbih ?? z(GH));
  const dbhh = sc.alloc(GH, o.init?.dbhh ?? z(GH));
  const health = o.noHealth ? 0 : sc.alloc(T);
  f.forward(out, work, inp, wih, whh, bih, bhh, B, T, D, H, seq);
  for (let i = 0; i < (o.backwards ?? 1); i++) {
    f.backward(dinp, dwih, dwhh, dbih, dbhh, health, dout, work, inp, wih, whh, B, T, D, H, seq);
  }
  const h = sc.h;
  return {
    out: h.read(out, outLength(s)),
    dinp: dinp ? h.read(dinp, B * T * D) : null,
    dwih: h.read(dwih, GH * D),
    dwhh: h.read(dwhh, GH * H),
    dbih: h.read(dbih, GH),
    dbhh: h.read(dbhh, GH),
    health: health ? h.read(health, T) : null,
    intact: sc.intact(),
  };
}

/** Same bits: Object.is tells −0 from 0 and matches NaN with NaN. */
function sameBits(a: Float32Array | null, b: Float32Array | null): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** The first element off by more than rel·max|want| (+ a tiny absolute floor), or null. */
function farFrom(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rel: number) {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  const tol = rel * scale + 1e-7;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      return `${what}[${i}] = ${got[i]} want ${want[i]} (tol ${tol.toExponential(2)})`;
    }
  }
  return null;
}

const KEYS = ['dinp', 'dwih', 'dwhh', 'dbih', 'dbhh'] as const;

let builds: Record<(typeof VARIANTS)[number], Scratch>;

beforeAll(async () => {
  builds = {
    simd: new Scratch(await harness('simd'), 1 << 18),
    scalar: new Scratch(await harness('scalar'), 1 << 18),
  };
});

function* shapes(): Generator<Shape> {
  for (const B of [1, 3])
    for (const T of [1, 2, 7])
      for (const D of [1, 3, 5])
        for (const H of [1, 3, 4, 5]) for (const seq of [0, 1]) yield { B, T, D, H, seq };
}

const label = (cell: Cell, s: Shape) => `${cell} B=${s.B} T=${s.T} D=${s.D} H=${s.H} seq=${s.seq}`;

describe('work buffer sizes', () => {
  it.each(CELLS)('%s_work_floats matches the documented layout', (cell) => {
    for (const v of VARIANTS) {
      const f = ops(builds[v].h.k, cell, false);
      for (const s of shapes()) {
        expect(f.floats(s.B, s.T, s.D, s.H), label(cell, s)).toBe(
          workFloats(cell, s.B, s.T, s.D, s.H),
        );
      }
      expect(f.floats(32, 20, 7, 16)).toBe(workFloats(cell, 32, 20, 7, 16));
      // The engine plans the same buffer the kernel lays out.
      expect(workLayout(cell, 32, 20, 7, 16).floats).toBe(f.floats(32, 20, 7, 16));
    }
  });
});

describe.each(CELLS)('%s', (cell) => {
  it('forward and BPTT match the float64 reference; fast = twin = scalar build bit for bit', () => {
    const failures: string[] = [];
    let seed = 1;
    for (const s of shapes()) {
      const d = makeData(cell, s, (seed += 10));
      const what = label(cell, s);
      const ref = reference(cell, s, d);
      const twin = run(builds.simd, cell, true, s, d);
      const checks: [string, ArrayLike<number>, ArrayLike<number>][] = [
        ['out', twin.out, ref.out],
        ['health', twin.health!, ref.health],
        ...KEYS.map((key) => [key, twin[key]!, ref[key]] as [string, Float32Array, Float64Array]),
      ];
      for (const [key, got, want] of checks) {
        const problem = farFrom(key, got, want, 1e-5);
        if (problem) failures.push(`${what}: ${problem}`);
      }
      const others = {
        fast: run(builds.simd, cell, false, s, d),
        'scalar-build fast': run(builds.scalar, cell, false, s, d),
        'scalar-build twin': run(builds.scalar, cell, true, s, d),
      };
      if (!twin.intact) failures.push(`${what} twin wrote outside a buffer`);
      for (const [name, r] of Object.entries(others)) {
        for (const key of ['out', 'health', ...KEYS] as const) {
          if (!sameBits(r[key], twin[key])) failures.push(`${what} ${name}: ${key} differs`);
        }
        if (!r.intact) failures.push(`${what} ${name} wrote outside a buffer`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('a large case matches the reference and the twins (B=9 T=12 D=17 H=19)', () => {
    const failures: string[] = [];
    for (const seq of [0, 1]) {
      const s = { B: 9, T: 12, D: 17, H: 19, seq };
      const d = makeData(cell, s, 500 + seq);
      // Smaller recurrent weights keep the hidden state away from saturation over 12 steps.
      d.whh = d.whh.map((v) => v / 3);
      d.wih = d.wih.map((v) => v / 3);
      const ref = reference(cell, s, d);
      const twin = run(builds.simd, cell, true, s, d);
      for (const key of ['out', 'health', ...KEYS] as const) {
        const problem = farFrom(key, twin[key]!, ref[key], 2e-5);
        if (problem) failures.push(`seq=${seq}: ${problem}`);
      }
      for (const [name, r] of Object.entries({
        fast: run(builds.simd, cell, false, s, d),
        'scalar-build fast': run(builds.scalar, cell, false, s, d),
      })) {
        for (const key of ['out', 'health', ...KEYS] as const) {
          if (!sameBits(r[key], twin[key])) failures.push(`seq=${seq} ${name}: ${key} differs`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it.each([
    { B: 2, T: 3, D: 2, H: 3, seq: 1 },
    { B: 3, T: 4, D: 3, H: 2, seq: 0 },
    { B: 1, T: 5, D: 1, H: 4, seq: 1 },
  ])('backward matches central finite differences of Σ dout·out (%o)', (s) => {
    const h = builds.simd.h;
    const { B, T, D, H, seq } = s;
    const GH = GATES[cell] * H;
    const d = makeData(cell, s, 77 + B * 10 + T);
    const f = ops(h.k, cell, false);
    const sc = builds.simd;
    const analytic = run(sc, cell, false, s, d);
    // Fresh buffers for the numeric side (run() resets the scratch region).
    sc.reset();
    const out = sc.alloc(outLength(s));
    const work = sc.alloc(f.floats(B, T, D, H));
    const bufs = {
      dinp: sc.alloc(B * T * D, d.inp),
      dwih: sc.alloc(GH * D, d.wih),
      dwhh: sc.alloc(GH * H, d.whh),
      dbih: sc.alloc(GH, d.bih),
      dbhh: sc.alloc(GH, d.bhh),
    };
    const loss = (): number => {
      f.forward(out, work, bufs.dinp, bufs.dwih, bufs.dwhh, bufs.dbih, bufs.dbhh, B, T, D, H, seq);
      const o = h.read(out, outLength(s));
      let sum = 0;
      for (let e = 0; e < o.length; e++) sum += d.dout[e]! * o[e]!;
      return sum;
    };
    const step = 1 / 128;
    let worst = 0;
    let count = 0;
    const failures: string[] = [];
    for (const key of KEYS) {
      const ptr = bufs[key];
      const g = analytic[key]!;
      for (let e = 0; e < g.length; e++) {
        const p = ptr + e * 4;
        const v = h.read(p, 1)[0]!;
        h.write(p, [v + step]);
        const up = loss();
        h.write(p, [v - step]);
        const down = loss();
        h.write(p, [v]);
        const numeric = (up - down) / (2 * step);
        const err = Math.abs(numeric - g[e]!);
        worst = Math.max(worst, err / (1e-2 + Math.abs(numeric)));
        // Truncation (step² · third derivative) and f32 rounding of the loss over 2·step stay
        // below 5e-5 here; a wrong sign or a dropped path is off by the size of the gradient.
        if (!(err <= 2e-4 + 2e-3 * Math.abs(numeric))) {
          failures.push(`${key}[${e}] analytic ${g[e]} numeric ${numeric}`);
        }
        if (Math.abs(numeric) > 1e-2) count++;
      }
    }
    expect(failures).toEqual([]);
    // The check is not vacuous: most gradients are well away from zero.
    expect(count).toBeGreaterThan(10);
    expect(worst).toBeLessThan(0.01);
  });

  it('backward accumulates: two calls give twice the gradients, added onto the initial values', () => {
    const s = { B: 3, T: 4, D: 3, H: 5, seq: 1 };
    const d = makeData(cell, s, 42);
    const once = run(builds.simd, cell, false, s, d);
    const twice = run(builds.simd, cell, false, s, d, { backwards: 2 });
    const GH = GATES[cell] * s.H;
    const init = {
      dinp: testValues(s.B * s.T * s.D, 901),
      dwih: testValues(GH * s.D, 902),
      dwhh: testValues(GH * s.H, 903),
      dbih: testValues(GH, 904),
      dbhh: testValues(GH, 905),
    };
    const onto = run(builds.simd, cell, false, s, d, { init });
    for (const key of KEYS) {
      const a = once[key]!;
      expect(
        farFrom(
          `twice ${key}`,
          twice[key]!,
          a.map((v) => 2 * v),
          1e-6,
        ),
      ).toBeNull();
      expect(
        farFrom(
          `onto ${key}`,
          onto[key]!,
          a.map((v, i) => v + init[key][i]!),
          1e-6,
        ),
      ).toBeNull();
      expect(a.some((v) => v !== 0)).toBe(true);
    }
    // health is written, not accumulated.
    expect(sameBits(twice.health, once.health)).toBe(true);
  });

  it('dinp = 0 and health = 0 skip those outputs and leave the parameter gradients alone', () => {
    for (const v of VARIANTS) {
      for (const twin of [false, true]) {
        const sc = builds[v];
        const s = { B: 3, T: 5, D: 3, H: 4, seq: 0 };
        const d = makeData(cell, s, 7);
        const low = sc.h.read(0, 256);
        const full = run(sc, cell, twin, s, d);
        const bare = run(sc, cell, twin, s, d, { noDinp: true, noHealth: true });
        expect(sameBits(sc.h.read(0, 256), low)).toBe(true);
        for (const key of ['out', 'dwih', 'dwhh', 'dbih', 'dbhh'] as const) {
          expect(sameBits(bare[key], full[key]), key).toBe(true);
        }
        expect(bare.intact && full.intact).toBe(true);
      }
    }
  });

  it('forward does not depend on what the work buffer held before', () => {
    const s = { B: 2, T: 3, D: 3, H: 3, seq: 1 };
    const d = makeData(cell, s, 3);
    const sc = builds.simd;
    const f = ops(sc.h.k, cell, false);
    const first = run(sc, cell, false, s, d);
    // run() fills the work buffer with NaN; here it is filled with garbage numbers instead.
    sc.reset();
    const out = sc.alloc(outLength(s));
    const n = f.floats(s.B, s.T, s.D, s.H);
    const work = sc.alloc(n, testValues(n, 5, 1e6));
    const ptrs = [d.inp, d.wih, d.whh, d.bih, d.bhh].map((a) => sc.alloc(a.length, a));
    f.forward(out, work, ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!, ptrs[4]!, s.B, s.T, s.D, s.H, 1);
    expect(sameBits(sc.h.read(out, outLength(s)), first.out)).toBe(true);
  });
});
