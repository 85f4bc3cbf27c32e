/**
 * Causal multi-head self-attention — B batch rows, T positions, D model width, H heads
 * (hd = D/H); qkv [B,T,3D], out and dout [B,T,D], probs [B,H,T,T]. Forward and backward against
 * a float64 reference, the probabilities' rows, the fast ops against their scalar twins bit for
 * bit in both builds, accumulation, guards around every buffer, the backward against central
 * finite differences of the kernel's own forward, and the whole op against PyTorch (nanoGPT's
 * CausalSelfAttention between c_attn and c_proj).
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelExports, Ptr } from '../../src/engine/kernel.js';
import { attentionScratch } from '../../src/engine/ops/attention.js';
import { PYTHON, needTorch } from '../torch/torch.js';
import { harness, testValues, VARIANTS, type Harness } from './harness.js';

interface Shape {
  B: number;
  T: number;
  D: number;
  H: number;
}

const r4 = (n: number) => Math.ceil(n / 4) * 4;

interface Data {
  qkv: Float32Array;
  dout: Float32Array;
  /** Attention dropout's keep factors [B, H, T, T] (0 or 1/(1 − p)), or none. */
  mask?: Float32Array;
}

/** A dropout mask for shape s: about `rate` of the weights 0, the rest 1/(1 − rate). */
function makeMask(s: Shape, seed: number, rate: number): Float32Array {
  const u = testValues(s.B * s.H * s.T * s.T, seed);
  return Float32Array.from(u, (x) => ((x + 1) / 2 >= rate ? Math.fround(1 / (1 - rate)) : 0));
}

function makeData(s: Shape, seed: number, scale = 1): Data {
  return {
    qkv: testValues(s.B * s.T * 3 * s.D, seed, scale),
    dout: testValues(s.B * s.T * s.D, seed + 1, 1),
  };
}

// ---------------------------------------------------------------------------------------------
// float64 reference: nanoGPT's formula, loop by loop.

interface Reference {
  out: Float64Array;
  probs: Float64Array;
  dqkv: Float64Array;
}

function reference(s: Shape, d: Data): Reference {
  const { B, T, D, H } = s;
  const hd = D / H;
  const scale = 1 / Math.sqrt(hd);
  const out = new Float64Array(B * T * D);
  const probs = new Float64Array(B * H * T * T);
  const dqkv = new Float64Array(B * T * 3 * D);
  const at = (b: number, t: number, part: number, h: number, c: number) =>
    (b * T + t) * 3 * D + part * D + h * hd + c;
  const x = (b: number, t: number, part: number, h: number, c: number) =>
    d.qkv[at(b, t, part, h, c)]!;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const P = (t: number, u: number) => (b * H + h) * T * T + t * T + u;
      const M = (t: number, u: number) => (d.mask ? d.mask[P(t, u)]! : 1);
      for (let t = 0; t < T; t++) {
        const sc = new Float64Array(t + 1);
        let m = -Infinity;
        for (let u = 0; u <= t; u++) {
          let dot = 0;
          for (let c = 0; c < hd; c++) dot += x(b, t, 0, h, c) * x(b, u, 1, h, c);
          sc[u] = dot * scale;
          m = Math.max(m, sc[u]!);
        }
        let sum = 0;
        for (let u = 0; u <= t; u++) sum += Math.exp(sc[u]! - m);
        for (let u = 0; u <= t; u++) probs[P(t, u)] = Math.exp(sc[u]! - m) / sum;
        for (let c = 0; c < hd; c++) {
          let y = 0;
          for (let u = 0; u <= t; u++) y += probs[P(t, u)]! * M(t, u) * x(b, u, 2, h, c);
          out[(b * T + t) * D + h * hd + c] = y;
        }
      }
      // Backward.
      for (let t = 0; t < T; t++) {
        const g = (c: number) => d.dout[(b * T + t) * D + h * hd + c]!;
        const dP = new Float64Array(t + 1);
        let rd = 0;
        for (let u = 0; u <= t; u++) {
          for (let c = 0; c < hd; c++) dP[u] += g(c) * x(b, u, 2, h, c);
          dP[u] *= M(t, u);
          rd += probs[P(t, u)]! * dP[u]!;
        }
        for (let u = 0; u <= t; u++) {
          const p = probs[P(t, u)]!;
          const dS = p * (dP[u]! - rd) * scale;
          for (let c = 0; c < hd; c++) {
            dqkv[at(b, t, 0, h, c)] += dS * x(b, u, 1, h, c);
            dqkv[at(b, u, 1, h, c)] += dS * x(b, t, 0, h, c);
            dqkv[at(b, u, 2, h, c)] += p * M(t, u) * g(c);
          }
        }
      }
    }
  }
  return { out, probs, dqkv };
}

// ---------------------------------------------------------------------------------------------
// Running the kernel.

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
  /** n floats set to `init` (or NaN), 16-byte aligned, with sentinel guards either side. */
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

interface Ops {
  forward: KernelExports['attention_forward'];
  backward: KernelExports['attention_backward'];
}

const ops = (k: KernelExports, twin: boolean): Ops =>
  twin
    ? { forward: k.attention_forward_scalar, backward: k.attention_backward_scalar }
    : { forward: k.attention_forward, backward: k.attention_backward };

interface Run {
  out: Float32Array;
  probs: Float32Array;
  dqkv: Float32Array;
  intact: boolean;
}

interface RunOptions {
  /** Initial dqkv (zeros if absent). */
  init?: Float32Array;
  /** Backward calls after the forward (default 1). */
  backwards?: number;
}

function run(sc: Scratch, twin: boolean, s: Shape, d: Data, o: RunOptions = {}): Run {
  const { B, T, D, H } = s;
  const f = ops(sc.h.k, twin);
  sc.reset();
  const out = sc.alloc(B * T * D);
  const probs = sc.alloc(B * H * T * T);
  const qkv = sc.alloc(B * T * 3 * D, d.qkv);
  const dout = sc.alloc(B * T * D, d.dout);
  const dqkv = sc.alloc(B * T * 3 * D, o.init ?? new Float32Array(B * T * 3 * D));
  const scratch = sc.alloc(sc.h.k.attention_scratch_floats(T, D, H));
  const mask = d.mask ? sc.alloc(d.mask.length, d.mask) : 0;
  f.forward(out, probs, qkv, mask, scratch, B, T, D, H);
  for (let i = 0; i < (o.backwards ?? 1); i++) {
    f.backward(dqkv, dout, qkv, probs, mask, scratch, B, T, D, H);
  }
  const h = sc.h;
  return {
    out: h.read(out, B * T * D),
    probs: h.read(probs, B * H * T * T),
    dqkv: h.read(dqkv, B * T * 3 * D),
    intact: sc.intact(),
  };
}

/** Same bits: Object.is tells −0 from 0 and matches NaN with NaN. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** The first element off by more than rel·max|want| (+ a tiny absolute floor), or null. */
function farFrom(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rel: number) {
  if (got.length !== want.length) return `${what}: length ${got.length} want ${want.length}`;
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

const KEYS = ['out', 'probs', 'dqkv'] as const;

let builds: Record<(typeof VARIANTS)[number], Scratch>;

beforeAll(async () => {
  builds = {
    simd: new Scratch(await harness('simd'), 1 << 19),
    scalar: new Scratch(await harness('scalar'), 1 << 19),
  };
});

const HEADS: [D: number, H: number][] = [
  [1, 1],
  [4, 1],
  [4, 2],
  [6, 2],
  [8, 2],
  [12, 3],
  [16, 4],
  [20, 4],
  [64, 4],
  [5, 1],
  [15, 3],
];

function* shapes(): Generator<Shape> {
  for (const B of [1, 2])
    for (const T of [1, 2, 5, 9]) for (const [D, H] of HEADS) yield { B, T, D, H };
}

const label = (s: Shape) => `B=${s.B} T=${s.T} D=${s.D} H=${s.H}`;

/** Checks one shape: twin against the reference, the other three runs against the twin. */
function check(s: Shape, d: Data, rel: number, failures: string[]): void {
  const what = label(s);
  const ref = reference(s, d);
  const twin = run(builds.simd, true, s, d);
  for (const key of KEYS) {
    const problem = farFrom(key, twin[key], ref[key], rel);
    if (problem) failures.push(`${what}: ${problem}`);
  }
  if (!twin.intact) failures.push(`${what} twin wrote outside a buffer`);
  const others = {
    fast: run(builds.simd, false, s, d),
    'scalar-build fast': run(builds.scalar, false, s, d),
    'scalar-build twin': run(builds.scalar, true, s, d),
  };
  for (const [name, r] of Object.entries(others)) {
    for (const key of KEYS) {
      if (!sameBits(r[key], twin[key])) failures.push(`${what} ${name}: ${key} differs`);
    }
    if (!r.intact) failures.push(`${what} ${name} wrote outside a buffer`);
  }
}

describe('attention', () => {
  it('attention_scratch_floats is 2·T·T rounded up to 4, whatever D and H, as the engine plans it', () => {
    for (const v of VARIANTS) {
      const k = builds[v].h.k;
      for (const T of [1, 2, 3, 5, 9, 32, 128]) {
        expect(k.attention_scratch_floats(T, 64, 4)).toBe(r4(2 * T * T));
        expect(k.attention_scratch_floats(T, 6, 2)).toBe(r4(2 * T * T));
        expect(attentionScratch(T)).toBe(k.attention_scratch_floats(T, 64, 4));
      }
    }
  });

  it('forward and backward match the float64 reference; fast = twin = scalar build bit for bit', () => {
    const failures: string[] = [];
    let seed = 1;
    for (const s of shapes()) check(s, makeData(s, (seed += 10)), 1e-5, failures);
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('with a dropout mask too: weights P ⊙ mask for the values, P for the softmax gradient', () => {
    const failures: string[] = [];
    let seed = 5;
    for (const s of shapes()) {
      const d = { ...makeData(s, (seed += 10)), mask: makeMask(s, seed + 3, 0.3) };
      check(s, d, 1e-5, failures);
    }
    expect(failures.slice(0, 10)).toEqual([]);
    // The mask matters: the same inputs without it give another output.
    const s = { B: 1, T: 5, D: 8, H: 2 };
    const d = makeData(s, 9);
    const kept = run(builds.simd, false, s, d);
    const dropped = run(builds.simd, false, s, { ...d, mask: makeMask(s, 4, 0.5) });
    expect(sameBits(kept.probs, dropped.probs)).toBe(true);
    expect(sameBits(kept.out, dropped.out)).toBe(false);
  });

  it('the target shape and a long odd one match too (B=2 T=32 D=64 H=4, B=3 T=19 D=30 H=5)', () => {
    const failures: string[] = [];
    // Larger qkv values make the softmax peaked, as in a trained model.
    check(
      { B: 2, T: 32, D: 64, H: 4 },
      makeData({ B: 2, T: 32, D: 64, H: 4 }, 500, 2),
      1e-5,
      failures,
    );
    check(
      { B: 3, T: 19, D: 30, H: 5 },
      makeData({ B: 3, T: 19, D: 30, H: 5 }, 600, 1.5),
      1e-5,
      failures,
    );
    expect(failures).toEqual([]);
  });

  it('probs rows sum to 1 and are exactly +0 above the diagonal', () => {
    for (const v of VARIANTS) {
      for (const twin of [false, true]) {
        const s = { B: 2, T: 9, D: 12, H: 3 };
        const r = run(builds[v], twin, s, makeData(s, 31, 3));
        const { B, T, H } = s;
        for (let row = 0; row < B * H * T; row++) {
          const t = row % T;
          let sum = 0;
          for (let u = 0; u < T; u++) {
            const p = r.probs[row * T + u]!;
            if (u > t) expect(Object.is(p, 0), `${v} row ${row} col ${u}`).toBe(true);
            else {
              expect(p).toBeGreaterThanOrEqual(0);
              sum += p;
            }
          }
          expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
        }
        // The first position attends only to itself.
        for (let bh = 0; bh < B * H; bh++) expect(r.probs[bh * T * T]).toBe(1);
      }
    }
  });

  it('backward accumulates: two calls give twice the gradient, added onto the initial values', () => {
    const s = { B: 2, T: 5, D: 12, H: 3 };
    const d = makeData(s, 42);
    const n = s.B * s.T * 3 * s.D;
    for (const v of VARIANTS) {
      for (const twin of [false, true]) {
        const once = run(builds[v], twin, s, d);
        const twice = run(builds[v], twin, s, d, { backwards: 2 });
        const init = testValues(n, 901);
        const onto = run(builds[v], twin, s, d, { init });
        const doubled = once.dqkv.map((x) => 2 * x);
        expect(farFrom('twice', twice.dqkv, doubled, 1e-6)).toBeNull();
        const added = once.dqkv.map((x, i) => x + init[i]!);
        expect(farFrom('onto', onto.dqkv, added, 1e-6)).toBeNull();
        // Every gradient is non-zero but dq of position 0 (a one-key softmax has no slope).
        const zero = once.dqkv.map((_, i) => (i % (s.T * 3 * s.D) < s.D ? 1 : 0));
        expect(Array.from(once.dqkv, (x) => (x === 0 ? 1 : 0))).toEqual(Array.from(zero));
        expect(twice.intact && onto.intact).toBe(true);
      }
    }
  });

  it('forward does not depend on what out and probs held before', () => {
    const s = { B: 2, T: 5, D: 8, H: 2 };
    const d = makeData(s, 3);
    for (const v of VARIANTS) {
      const sc = builds[v];
      const first = run(sc, false, s, d);
      sc.reset();
      const out = sc.alloc(s.B * s.T * s.D, testValues(s.B * s.T * s.D, 5, 1e6));
      const probs = sc.alloc(s.B * s.H * s.T * s.T, testValues(s.B * s.H * s.T * s.T, 6, 1e6));
      const qkv = sc.alloc(d.qkv.length, d.qkv);
      const scratch = sc.alloc(sc.h.k.attention_scratch_floats(s.T, s.D, s.H));
      sc.h.k.attention_forward(out, probs, qkv, 0, scratch, s.B, s.T, s.D, s.H);
      expect(sameBits(sc.h.read(out, s.B * s.T * s.D), first.out)).toBe(true);
      expect(sameBits(sc.h.read(probs, s.B * s.H * s.T * s.T), first.probs)).toBe(true);
    }
  });

  it.each([
    { B: 2, T: 4, D: 6, H: 2 },
    { B: 1, T: 5, D: 8, H: 2 },
    { B: 1, T: 3, D: 5, H: 1 },
  ])('backward matches central finite differences of Σ out·r (%o)', (s) => {
    const { B, T, D, H } = s;
    const sc = builds.simd;
    const h = sc.h;
    const d = makeData(s, 77 + B * 10 + T, 1.5);
    const analytic = run(sc, false, s, d).dqkv;
    sc.reset();
    const out = sc.alloc(B * T * D);
    const probs = sc.alloc(B * H * T * T);
    const qkv = sc.alloc(B * T * 3 * D, d.qkv);
    const scratch = sc.alloc(h.k.attention_scratch_floats(T, D, H));
    const loss = (): number => {
      h.k.attention_forward(out, probs, qkv, 0, scratch, B, T, D, H);
      const o = h.read(out, B * T * D);
      let sum = 0;
      for (let e = 0; e < o.length; e++) sum += d.dout[e]! * o[e]!;
      return sum;
    };
    const step = 1 / 128;
    let worst = 0;
    let count = 0;
    const failures: string[] = [];
    for (let e = 0; e < analytic.length; e++) {
      const p = qkv + e * 4;
      const v = d.qkv[e]!;
      h.write(p, [v + step]);
      const up = loss();
      h.write(p, [v - step]);
      const down = loss();
      h.write(p, [v]);
      const numeric = (up - down) / (2 * step);
      const err = Math.abs(numeric - analytic[e]!);
      worst = Math.max(worst, err / (1e-2 + Math.abs(numeric)));
      if (!(err <= 2e-4 + 2e-3 * Math.abs(numeric))) {
        failures.push(`dqkv[${e}] analytic ${analytic[e]} numeric ${numeric}`);
      }
      if (Math.abs(numeric) > 1e-2) count++;
    }
    expect(failures).toEqual([]);
    // Not vacuous: most of q, k and v have gradients well away from zero (q of the first
    // position does not: a one-key softmax has no slope).
    expect(count).toBeGreaterThan(analytic.length / 2);
    expect(worst).toBeLessThan(0.01);
  });
});

// ---------------------------------------------------------------------------------------------
// PyTorch: nanoGPT's CausalSelfAttention between c_attn and c_proj, in float64.

const TORCH_SCRIPT = `
import json, math, sys
import torch
import torch.nn.functional as F
req = json.load(sys.stdin)
B, T, D, H = req['B'], req['T'], req['D'], req['H']
hd = D // H
qkv = torch.tensor(req['qkv'], dtype=torch.float64).view(B, T, 3 * D).requires_grad_(True)
r = torch.tensor(req['r'], dtype=torch.float64).view(B, T, D)
q, k, v = qkv.split(D, dim=2)
q = q.view(B, T, H, hd).transpose(1, 2)
k = k.view(B, T, H, hd).transpose(1, 2)
v = v.view(B, T, H, hd).transpose(1, 2)
att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
mask = torch.tril(torch.ones(T, T, dtype=torch.bool)).view(1, 1, T, T)
att = F.softmax(att.masked_fill(~mask, float('-inf')), dim=-1)
if hasattr(F, 'scaled_dot_product_attention'):
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    how = 'scaled_dot_product_attention'
else:
    y = att @ v
    how = 'explicit'
y = y.transpose(1, 2).contiguous().view(B, T, D)
(y * r).sum().backward()
json.dump({
    'how': how,
    'out': y.detach().flatten().tolist(),
    'probs': att.detach().flatten().tolist(),
    'dqkv': qkv.grad.flatten().tolist(),
}, sys.stdout)
`;

describe('attention against PyTorch', () => {
  it.for([
    { B: 2, T: 9, D: 12, H: 3 },
    { B: 2, T: 32, D: 64, H: 4 },
    { B: 1, T: 5, D: 6, H: 2 },
  ])('out, probs and the gradient of Σ out·r match torch (%o)', ({ B, T, D, H }, ctx) => {
    needTorch((note) => ctx.skip(note));
    const s = { B, T, D, H };
    const d = makeData(s, 1234 + T, 1.5);
    const res = spawnSync(PYTHON, ['-c', TORCH_SCRIPT], {
      input: JSON.stringify({ B, T, D, H, qkv: Array.from(d.qkv), r: Array.from(d.dout) }),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    expect(res.status, res.stderr).toBe(0);
    const torch = JSON.parse(res.stdout) as Record<(typeof KEYS)[number], number[]> & {
      how: string;
    };
    for (const v of VARIANTS) {
      const r = run(builds[v], false, s, d);
      for (const key of KEYS) {
        expect(farFrom(`${v} ${key} (${torch.how})`, r[key], torch[key], 1e-5)).toBeNull();
      }
    }
  });
});
