/**
 * math.ts: the f32 transcendentals against float64 Math (ulp and relative error on wide grids),
 * their edge cases, the vector paths bit for bit against the scalar functions (also across the
 * two builds), and the f64 functions used for data generation.
 */
import { describe, expect, it } from 'vitest';
import { bits, VARIANTS, harness, SIZES, testValues, type Harness } from './harness.js';

const f32 = Math.fround;
/** Size of one f32 ulp at |r| (subnormal spacing below 2^-126). */
function ulp32(r: number): number {
  const a = Math.abs(r);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

function linspace(lo: number, hi: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + ((hi - lo) * i) / (n - 1);
  return out;
}

function logspace(lo: number, hi: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 10 ** (lo + ((hi - lo) * i) / (n - 1));
  return out;
}

interface ErrorStats {
  maxUlp: number;
  maxRel: number;
}

/** Worst ulp and relative error of a kernel f32 function against a float64 reference. */
function errors(fn: (x: number) => number, ref: (x: number) => number, xs: Float32Array) {
  const stats: ErrorStats = { maxUlp: 0, maxRel: 0 };
  const wrong: string[] = [];
  for (const x of xs) {
    const y = fn(x);
    const r = ref(x);
    if (Number.isFinite(y) !== Number.isFinite(r)) wrong.push(`f(${x}) = ${y}, want ${r}`);
    if (!Number.isFinite(r) || r === 0) continue;
    stats.maxUlp = Math.max(stats.maxUlp, Math.abs(y - r) / ulp32(r));
    stats.maxRel = Math.max(stats.maxRel, Math.abs(y - r) / Math.abs(r));
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  return stats;
}

const sigmoidRef = (x: number) =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));

/**
 * Bit patterns of f32 values, so −0 and last-bit differences count. NaNs compare as one value:
 * their payload changes when they cross into JavaScript, and wasm does not fix it anyway.
 */
/** Random f32 bit patterns (every exponent, NaNs and infinities included) plus edge values. */
function nastyInputs(n: number): Float32Array {
  const out = new Float32Array(n);
  const u = new Uint32Array(out.buffer);
  let s = 987654321;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    u[i] = s;
  }
  const edges = [
    0,
    -0,
    1,
    -1,
    Infinity,
    -Infinity,
    NaN,
    88.72,
    88.73,
    89,
    -87.3,
    -103,
    -104,
    -150,
    1e-45,
    1e-40,
    -1e-40,
    0.625,
    -0.625,
    0.62499994,
    9,
    -9,
    3.4e38,
    -3.4e38,
    0.5,
    2,
    1.17549435e-38,
  ];
  out.set(edges);
  return out;
}

/** Runs a kernel *_array wrapper over `inp` and returns its output. */
function runArray(
  h: Harness,
  name: 'exp_array' | 'log_array' | 'tanh_array' | 'sigmoid_forward',
  inp: Float32Array,
) {
  const a = h.alloc(inp.length, inp);
  const o = h.alloc(inp.length);
  h.k[name](o, a, inp.length);
  return h.read(o, inp.length);
}

describe.each(VARIANTS)('math.ts f32 (%s build)', (variant) => {
  it('exp_f32 is within 1 ulp of Math.exp from −87 to 88.7', async () => {
    const { k } = await harness(variant);
    const s = errors(k.exp_f32, Math.exp, linspace(-87, 88.7, 200_001));
    expect(s.maxUlp).toBeLessThanOrEqual(1.5);
    expect(s.maxRel).toBeLessThan(1e-6);
    const small = errors(k.exp_f32, Math.exp, linspace(-1, 1, 100_001));
    expect(small.maxRel).toBeLessThan(2e-7);
  });

  it('exp_f32 edge cases: overflow to +Inf, underflow to 0 through subnormals, NaN', async () => {
    const { k } = await harness(variant);
    expect(k.exp_f32(0)).toBe(1);
    expect(k.exp_f32(-0)).toBe(1);
    expect(k.exp_f32(1)).toBe(f32(Math.E));
    expect(k.exp_f32(89)).toBe(Infinity);
    expect(k.exp_f32(1000)).toBe(Infinity);
    expect(k.exp_f32(Infinity)).toBe(Infinity);
    expect(k.exp_f32(f32(88.72))).toBeLessThan(3.4028235e38);
    expect(k.exp_f32(f32(88.72))).toBeCloseTo(f32(Math.exp(f32(88.72))), -32);
    expect(k.exp_f32(-104)).toBe(0);
    expect(k.exp_f32(-1000)).toBe(0);
    expect(k.exp_f32(-Infinity)).toBe(0);
    expect(Number.isNaN(k.exp_f32(NaN))).toBe(true);
    // Gradual underflow: the smallest subnormal, and a mid-range subnormal to a few ulps.
    expect(k.exp_f32(-103)).toBe(2 ** -149);
    const x = f32(-95);
    expect(Math.abs(k.exp_f32(x) - Math.exp(x))).toBeLessThanOrEqual(2 ** -149);
  });

  it('log_f32 is within 1 ulp of Math.log from 1e-45 to 3e38', async () => {
    const { k } = await harness(variant);
    const wide = errors(k.log_f32, Math.log, logspace(-45, 38.5, 200_001));
    expect(wide.maxUlp).toBeLessThanOrEqual(1);
    expect(wide.maxRel).toBeLessThan(1e-6);
    // Around 1, where log is near 0 and relative error is hardest to keep.
    const near1 = errors(k.log_f32, Math.log, linspace(0.5, 2, 100_001));
    expect(near1.maxUlp).toBeLessThanOrEqual(1);
    expect(near1.maxRel).toBeLessThan(1e-6);
  });

  it('log_f32 edge cases', async () => {
    const { k } = await harness(variant);
    expect(k.log_f32(1)).toBe(0);
    expect(k.log_f32(0)).toBe(-Infinity);
    expect(k.log_f32(-0)).toBe(-Infinity);
    expect(Number.isNaN(k.log_f32(-1))).toBe(true);
    expect(Number.isNaN(k.log_f32(-1e-40))).toBe(true);
    expect(Number.isNaN(k.log_f32(-Infinity))).toBe(true);
    expect(k.log_f32(Infinity)).toBe(Infinity);
    expect(Number.isNaN(k.log_f32(NaN))).toBe(true);
    expect(k.log_f32(2 ** -149)).toBe(f32(-149 * Math.LN2));
    expect(k.log_f32(2)).toBe(f32(Math.LN2));
  });

  it('tanh_f32 is within 2 ulp of Math.tanh and saturates to exactly ±1', async () => {
    const { k } = await harness(variant);
    const s = errors(k.tanh_f32, Math.tanh, linspace(-12, 12, 200_001));
    expect(s.maxUlp).toBeLessThanOrEqual(2);
    expect(s.maxRel).toBeLessThan(1e-6);
    const tiny = errors(k.tanh_f32, Math.tanh, logspace(-30, -0.5, 50_001));
    expect(tiny.maxRel).toBeLessThan(1e-6);
    for (const x of [9.1, 20, 50, 100, 1e30, Infinity]) {
      expect(k.tanh_f32(x)).toBe(1);
      expect(k.tanh_f32(-x)).toBe(-1);
    }
    expect(Object.is(k.tanh_f32(0), 0)).toBe(true);
    expect(Object.is(k.tanh_f32(-0), -0)).toBe(true);
    expect(Number.isNaN(k.tanh_f32(NaN))).toBe(true);
  });

  it('sigmoid_f32 is within 3 ulp of the float64 logistic, also deep in the negative tail', async () => {
    const { k } = await harness(variant);
    const s = errors(k.sigmoid_f32, sigmoidRef, linspace(-87, 87, 200_001));
    expect(s.maxUlp).toBeLessThanOrEqual(3);
    expect(s.maxRel).toBeLessThan(1e-6);
    expect(k.sigmoid_f32(0)).toBe(0.5);
    expect(k.sigmoid_f32(1000)).toBe(1);
    expect(k.sigmoid_f32(Infinity)).toBe(1);
    expect(k.sigmoid_f32(-1000)).toBe(0);
    expect(k.sigmoid_f32(-Infinity)).toBe(0);
    expect(Number.isNaN(k.sigmoid_f32(NaN))).toBe(true);
    // Past the point where exp(−x) overflows, the result is a (sub)normal, never NaN.
    for (const x of linspace(-103, -88, 1001)) {
      const y = k.sigmoid_f32(x);
      expect(y).toBeGreaterThan(0);
      expect(Math.abs(y - sigmoidRef(x))).toBeLessThanOrEqual(3 * ulp32(sigmoidRef(x)));
    }
  });

  it('the *_array vector paths equal the scalar functions bit for bit at every tail length', async () => {
    const h = await harness(variant);
    const cases = [
      ['exp_array', h.k.exp_f32],
      ['log_array', h.k.log_f32],
      ['tanh_array', h.k.tanh_f32],
    ] as const;
    for (const [name, scalar] of cases) {
      for (const n of SIZES) {
        const inp = testValues(n, n + 7, 30);
        if (name === 'log_array') inp.forEach((v, i) => (inp[i] = Math.abs(v) + 1e-3));
        const out = runArray(h, name, inp);
        expect(bits(out), `${name} N=${n}`).toEqual(bits(Float32Array.from(inp, (x) => scalar(x))));
      }
      const nasty = nastyInputs(1 << 16);
      const out = runArray(h, name, nasty);
      expect(bits(out), name).toEqual(bits(Float32Array.from(nasty, (x) => scalar(x))));
    }
  });

  it('sigmoid_v128 (the vector path of sigmoid_forward) equals sigmoid_f32 bit for bit', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const inp = testValues(n, n + 11, 30);
      const out = runArray(h, 'sigmoid_forward', inp);
      expect(bits(out), `N=${n}`).toEqual(bits(Float32Array.from(inp, (x) => h.k.sigmoid_f32(x))));
    }
    const nasty = nastyInputs(1 << 16);
    const out = runArray(h, 'sigmoid_forward', nasty);
    expect(bits(out)).toEqual(bits(Float32Array.from(nasty, (x) => h.k.sigmoid_f32(x))));
  });

  it('sin_f32 is the correctly rounded sine of every f32, the huge ones reduced exactly', async () => {
    const h = await harness(variant);
    // V8's Math.sin is fdlibm's, with Payne–Hanek reduction: within an ulp of float64 everywhere.
    const wrong: string[] = [];
    const check = (xs: Float32Array, label: string): void => {
      for (const x of xs) {
        const got = h.k.sin_f32(x);
        if (got !== f32(Math.sin(x)) && wrong.length < 5) wrong.push(`${label} sin(${x}) = ${got}`);
      }
    };
    check(linspace(-7, 7, 100_001), 'small');
    check(linspace(-1048575, 1048575, 100_001), 'medium');
    // Every exponent from 2^20 to the largest f32, both signs, random mantissas.
    const huge = new Float32Array(100_000);
    const u = new Uint32Array(huge.buffer);
    let s = 4242;
    for (let i = 0; i < huge.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      u[i] = (0x49800000 + (s % (0x7f800000 - 0x49800000))) | ((i & 1) << 31);
    }
    check(huge, 'huge');
    // Near multiples of π, where the reduced argument is tiny and needs every bit of 2/π.
    check(
      Float32Array.from({ length: 2000 }, (_, i) => f32((i + 1) * 1e5 * Math.PI)),
      'near kπ',
    );
    expect(wrong).toEqual([]);
    // It is sin_f64 rounded once below 2^20, and odd; ±0 keep their sign, ±Inf and NaN give NaN.
    for (const x of linspace(-1048575, 1048575, 10_001)) {
      expect(h.k.sin_f32(x)).toBe(f32(h.k.sin_f64(x)));
    }
    for (const x of huge.subarray(0, 1000)) expect(h.k.sin_f32(-x)).toBe(-h.k.sin_f32(x));
    expect(Object.is(h.k.sin_f32(-0), -0)).toBe(true);
    expect(Object.is(h.k.sin_f32(0), 0)).toBe(true);
    for (const x of [Infinity, -Infinity, NaN]) expect(h.k.sin_f32(x)).toBeNaN();
    expect(h.k.sin_f32(3.4028234663852886e38)).toBe(f32(Math.sin(3.4028234663852886e38)));
  });

  it('does not write past N', async () => {
    const h = await harness(variant);
    for (const n of SIZES) {
      const a = h.alloc(n + 8, testValues(n + 8, 3));
      const o = h.alloc(n + 8, new Float32Array(n + 8).fill(7));
      h.k.exp_array(o, a, n);
      expect(Array.from(h.read(o + 4 * n, 8))).toEqual(new Array(8).fill(7));
    }
  });
});

describe('math.ts across builds', () => {
  it('the SIMD build and the scalar build give the same bits for every function', async () => {
    const simd = await harness('simd');
    const scalar = await harness('scalar');
    const inp = nastyInputs(1 << 16);
    for (const name of ['exp_array', 'log_array', 'tanh_array', 'sigmoid_forward'] as const) {
      expect(bits(runArray(simd, name, inp)), name).toEqual(bits(runArray(scalar, name, inp)));
    }
    const grid = linspace(-120, 120, 100_001);
    for (const name of ['exp_f32', 'log_f32', 'tanh_f32', 'sigmoid_f32', 'sin_f32'] as const) {
      const a = Float32Array.from(grid, (x) => simd.k[name](x));
      const b = Float32Array.from(grid, (x) => scalar.k[name](x));
      expect(bits(a), name).toEqual(bits(b));
    }
  });
});

describe('math.ts f64', () => {
  /** Worst error relative to max(|r|, floor), in units of 2^-52. */
  function relErr(fn: (x: number) => number, ref: (x: number) => number, xs: number[], floor = 0) {
    let worst = 0;
    for (const x of xs) {
      const r = ref(x);
      const e = Math.abs(fn(x) - r) / Math.max(Math.abs(r), floor);
      worst = Math.max(worst, e);
    }
    return worst;
  }
  const grid = (lo: number, hi: number, n: number) =>
    Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1) + 1e-7 * Math.sqrt(i));

  it('exp_f64 and log_f64 match Math to ~1e-15 relative', async () => {
    const { k } = await harness('simd');
    expect(relErr(k.exp_f64, Math.exp, grid(-745, 709.7, 100_001))).toBeLessThan(1e-14);
    expect(relErr(k.exp_f64, Math.exp, grid(-1, 1, 100_001))).toBeLessThan(1e-15);
    const logs = Array.from({ length: 100_001 }, (_, i) => 10 ** (-320 + (628 * i) / 100_000));
    expect(relErr(k.log_f64, Math.log, logs, 1e-300)).toBeLessThan(1e-14);
    expect(relErr(k.log_f64, Math.log, grid(0.5, 2, 100_001), 1e-300)).toBeLessThan(1e-14);
    expect(k.exp_f64(0)).toBe(1);
    expect(k.exp_f64(710)).toBe(Infinity);
    expect(k.exp_f64(-746)).toBe(0);
    expect(k.exp_f64(-740)).toBeGreaterThan(0);
    expect(Number.isNaN(k.exp_f64(NaN))).toBe(true);
    expect(k.log_f64(1)).toBe(0);
    expect(k.log_f64(0)).toBe(-Infinity);
    expect(Number.isNaN(k.log_f64(-1))).toBe(true);
    expect(k.log_f64(Infinity)).toBe(Infinity);
    expect(k.log_f64(5e-324)).toBeCloseTo(-744.4400719213812, 12);
  });

  it('sin_f64 and cos_f64 match Math to ~1e-15, with range reduction up to 1e6', async () => {
    const { k } = await harness('simd');
    for (const [lo, hi] of [
      [-7, 7],
      [-1e3, 1e3],
      [-1e6, 1e6],
    ]) {
      const xs = grid(lo, hi, 200_001);
      // Relative to |r| except very close to a zero, where 1e-16 absolute is what an ulp of x allows.
      expect(relErr(k.sin_f64, Math.sin, xs, 1e-6), `sin ${hi}`).toBeLessThan(1e-14);
      expect(relErr(k.cos_f64, Math.cos, xs, 1e-6), `cos ${hi}`).toBeLessThan(1e-14);
    }
    // Multiples of π: the result is the tiny rounding error of kπ, which only an accurate
    // reduction gets right to full relative precision.
    const multiples = Array.from({ length: 2000 }, (_, i) => (i - 1000) * 317 * Math.PI);
    expect(
      relErr(
        k.sin_f64,
        Math.sin,
        multiples.filter((x) => x !== 0),
      ),
    ).toBeLessThan(1e-13);
    const halves = multiples.map((x) => x + Math.PI / 2);
    expect(relErr(k.cos_f64, Math.cos, halves)).toBeLessThan(1e-13);
    expect(Object.is(k.sin_f64(-0), -0)).toBe(true);
    expect(k.cos_f64(0)).toBe(1);
    expect(Number.isNaN(k.sin_f64(Infinity))).toBe(true);
    expect(Number.isNaN(k.cos_f64(-Infinity))).toBe(true);
    expect(Number.isNaN(k.sin_f64(NaN))).toBe(true);
  });
});
