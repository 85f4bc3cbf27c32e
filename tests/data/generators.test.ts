/**
 * Generators: shapes, labels and geometry of each synthetic set, exact class balance, seeded
 * determinism, and option validation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/dataset.js';
import {
  GENERATOR_DEFAULTS,
  GENERATOR_NAMES,
  GENERATORS,
  blobs,
  bump,
  circles,
  line,
  moons,
  plane,
  spiral,
  xor,
} from '../../src/data/generators.js';
import { kernelRandom } from '../../src/data/random.js';
import type { Table } from '../../src/data/split.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

const rand = (seed = 1) => kernelRandom(module, seed);

function counts(t: Table): number[] {
  const k = t.classNames!.length;
  const c = new Array<number>(k).fill(0);
  for (const label of t.y) c[label]++;
  return c;
}

function bytes(t: Table): Buffer {
  return Buffer.concat([Buffer.from(t.x.buffer), Buffer.from(t.y.buffer)]);
}

describe('generator registry', () => {
  it('lists the eight generators with their documented defaults', () => {
    expect(GENERATOR_NAMES).toEqual([
      'line',
      'blobs',
      'xor',
      'circles',
      'moons',
      'spiral',
      'plane',
      'bump',
    ]);
    expect(GENERATOR_DEFAULTS.spiral).toMatchObject({ n: 900, arms: 3 });
    for (const name of ['blobs', 'xor', 'circles', 'moons', 'plane', 'bump'] as const) {
      expect(GENERATOR_DEFAULTS[name].n).toBe(600);
    }
    expect(GENERATOR_DEFAULTS.plane.noise).toBe(0);
    expect(GENERATOR_DEFAULTS.bump.noise).toBe(0);
  });

  for (const name of GENERATOR_NAMES) {
    it(`${name}: shape, task, finite values and determinism`, () => {
      const spec = GENERATORS[name];
      const t = spec.generate(rand(5));
      const n = spec.defaults.n;
      expect(t.name).toBe(name);
      expect(t.task).toBe(spec.task);
      expect(t.n).toBe(n);
      expect(t.x.length).toBe(n * t.inputs);
      expect(t.featureNames.length).toBe(t.inputs);
      expect(t.inputs).toBe(name === 'line' ? 1 : 2);
      expect(t.y.length).toBe(t.task === 'multiclass' ? n : n * t.outputs);
      expect(t.x.every(Number.isFinite) && t.y.every(Number.isFinite)).toBe(true);
      expect(bytes(spec.generate(rand(5)))).toEqual(bytes(t));
      expect(bytes(spec.generate(rand(6)))).not.toEqual(bytes(t));
    });
  }
});

describe('line', () => {
  it('follows y = a·x + b exactly without noise', () => {
    const t = line(rand(), { noise: 0, slope: -3, intercept: 0.5, n: 50 });
    for (let i = 0; i < t.n; i++) {
      expect(t.x[i] >= -1 && t.x[i] < 1).toBe(true);
      expect(t.y[i]).toBeCloseTo(-3 * t.x[i] + 0.5, 5);
    }
  });

  it('lets least squares recover slope 2 and intercept 1 through the default noise', () => {
    const t = line(rand(2), { n: 2000 });
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < t.n; i++) {
      sx += t.x[i];
      sy += t.y[i];
      sxx += t.x[i] * t.x[i];
      sxy += t.x[i] * t.y[i];
    }
    const slope = (t.n * sxy - sx * sy) / (t.n * sxx - sx * sx);
    expect(slope).toBeCloseTo(2, 1);
    expect((sy - slope * sx) / t.n).toBeCloseTo(1, 1);
  });
});

describe('binary generators', () => {
  it('balance their two classes exactly', () => {
    for (const gen of [blobs, xor, circles, moons]) {
      const t = gen(rand(), { n: 301 });
      expect(t.task).toBe('binary');
      expect(t.outputs).toBe(1);
      expect(t.classNames).toHaveLength(2);
      expect(counts(t)).toEqual([151, 150]);
    }
  });

  it('blobs: centres at (-1, -1) and (1, 1), spread = noise', () => {
    const t = blobs(rand(), { n: 4000, noise: 0.3 });
    const sum = [
      [0, 0],
      [0, 0],
    ];
    let sq = 0;
    for (let i = 0; i < t.n; i++) {
      const c = t.y[i];
      sum[c][0] += t.x[2 * i];
      sum[c][1] += t.x[2 * i + 1];
      sq += (t.x[2 * i] - (c === 0 ? -1 : 1)) ** 2;
    }
    expect(sum[0].map((s) => s / 2000)).toEqual([expect.closeTo(-1, 1), expect.closeTo(-1, 1)]);
    expect(sum[1].map((s) => s / 2000)).toEqual([expect.closeTo(1, 1), expect.closeTo(1, 1)]);
    expect(Math.sqrt(sq / t.n)).toBeCloseTo(0.3, 1);
  });

  it('xor: label 1 exactly where x1·x2 > 0 without noise, with a gap along the axes', () => {
    const t = xor(rand(), { noise: 0 });
    const quadrants = new Set<string>();
    for (let i = 0; i < t.n; i++) {
      const [a, b] = [t.x[2 * i], t.x[2 * i + 1]];
      expect(t.y[i]).toBe(a * b > 0 ? 1 : 0);
      expect(Math.min(Math.abs(a), Math.abs(b))).toBeGreaterThanOrEqual(0.05 - 1e-7);
      expect(Math.max(Math.abs(a), Math.abs(b))).toBeLessThan(1.05 + 1e-7);
      quadrants.add(`${Math.sign(a)},${Math.sign(b)}`);
    }
    expect(quadrants.size).toBe(4);
  });

  it('xor: noise blurs only the points near the axes', () => {
    const t = xor(rand(), { noise: 0.05 });
    let agree = 0;
    for (let i = 0; i < t.n; i++) if ((t.x[2 * i] * t.x[2 * i + 1] > 0 ? 1 : 0) === t.y[i]) agree++;
    expect(agree / t.n).toBeGreaterThan(0.95);
    expect(agree).toBeLessThan(t.n); // some flips: noise is really applied
  });

  it('circles: inner disc r ≤ 0.5 is label 1, ring 0.7..1 is label 0', () => {
    const t = circles(rand(), { noise: 0 });
    for (let i = 0; i < t.n; i++) {
      const r = Math.hypot(t.x[2 * i], t.x[2 * i + 1]);
      if (t.y[i] === 1) expect(r).toBeLessThanOrEqual(0.5 + 1e-6);
      else expect(r >= 0.7 - 1e-6 && r <= 1 + 1e-6).toBe(true);
    }
  });

  it('moons: two unit half circles around (-0.5, -0.25) and (0.5, 0.25)', () => {
    const t = moons(rand(), { noise: 0 });
    for (let i = 0; i < t.n; i++) {
      const [a, b] = [t.x[2 * i], t.x[2 * i + 1]];
      const upper = t.y[i] === 0;
      const [cx, cy] = upper ? [-0.5, -0.25] : [0.5, 0.25];
      expect(Math.hypot(a - cx, b - cy)).toBeCloseTo(1, 5);
      if (upper) expect(b).toBeGreaterThanOrEqual(cy - 1e-6);
      else expect(b).toBeLessThanOrEqual(cy + 1e-6);
    }
  });
});

describe('spiral', () => {
  it('has 3 balanced arms of 300 by default', () => {
    const t = spiral(rand());
    expect(t.task).toBe('multiclass');
    expect(t.outputs).toBe(3);
    expect(t.classNames).toEqual(['arm 1', 'arm 2', 'arm 3']);
    expect(counts(t)).toEqual([300, 300, 300]);
  });

  it('takes arms and n, keeping classes within one point of each other', () => {
    const t = spiral(rand(), { arms: 5, n: 101 });
    expect(t.outputs).toBe(5);
    expect(counts(t)).toEqual([21, 20, 20, 20, 20]);
  });

  it('puts points on the arm: radius up to 1, angle = start + 4·r without noise', () => {
    const t = spiral(rand(), { noise: 0, n: 300 });
    let maxR = 0;
    for (let i = 0; i < t.n; i++) {
      const [a, b] = [t.x[2 * i], t.x[2 * i + 1]];
      const r = Math.hypot(a, b);
      maxR = Math.max(maxR, r);
      const expected = (2 * Math.PI * t.y[i]) / 3 + 4 * r;
      // x = r·sin t, y = r·cos t: compare on the circle to avoid 2π wrap-around.
      expect(Math.hypot(a - r * Math.sin(expected), b - r * Math.cos(expected))).toBeLessThan(1e-5);
    }
    expect(maxR).toBeCloseTo(1, 5);
  });
});

/** Least-squares fit y ≈ w1·x1 + w2·x2 + b of a 2-D regression table, and its R². */
function fitPlane(t: Table): { w1: number; w2: number; b: number; r2: number } {
  // Normal equations for centred data: a 2 × 2 solve.
  const n = t.n;
  let m1 = 0;
  let m2 = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    m1 += t.x[2 * i] / n;
    m2 += t.x[2 * i + 1] / n;
    my += t.y[i] / n;
  }
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let s1y = 0;
  let s2y = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = t.x[2 * i] - m1;
    const c = t.x[2 * i + 1] - m2;
    const d = t.y[i] - my;
    s11 += a * a;
    s12 += a * c;
    s22 += c * c;
    s1y += a * d;
    s2y += c * d;
    syy += d * d;
  }
  const det = s11 * s22 - s12 * s12;
  const w1 = (s22 * s1y - s12 * s2y) / det;
  const w2 = (s11 * s2y - s12 * s1y) / det;
  return { w1, w2, b: my - w1 * m1 - w2 * m2, r2: (w1 * s1y + w2 * s2y) / syy };
}

describe('2-D regression surfaces', () => {
  for (const gen of [plane, bump]) {
    it(`${gen.name}: a regression over x1, x2 uniform in [-1, 1), named height`, () => {
      const t = gen(rand(4));
      expect(t).toMatchObject({
        name: gen.name,
        task: 'regression',
        inputs: 2,
        outputs: 1,
        featureNames: ['x1', 'x2'],
        targetName: 'height',
        n: 600,
      });
      expect(t.classNames).toBeUndefined();
      expect(t.x.every((v) => v >= -1 && v < 1)).toBe(true);
      // Both inputs cover the square: every quadrant has points.
      const quadrants = new Set<string>();
      for (let i = 0; i < t.n; i++) quadrants.add(`${t.x[2 * i] > 0},${t.x[2 * i + 1] > 0}`);
      expect(quadrants.size).toBe(4);
    });

    it(`${gen.name}: same seed bit-identical, another seed different, noise on y only`, () => {
      expect(bytes(gen(rand(9), { n: 200, noise: 0.1 }))).toEqual(bytes(gen(rand(9), { n: 200, noise: 0.1 })));
      expect(bytes(gen(rand(10), { n: 200 }))).not.toEqual(bytes(gen(rand(9), { n: 200 })));
      const clean = gen(rand(9), { n: 200 });
      const noisy = gen(rand(9), { n: 200, noise: 0.1 });
      // The noise is drawn after a point's inputs, so the first point's inputs agree...
      expect([noisy.x[0], noisy.x[1]]).toEqual([clean.x[0], clean.x[1]]);
      expect(noisy.y[0]).not.toBe(clean.y[0]);
    });

    it(`${gen.name}: takes n and noise only, naming a foreign option`, () => {
      expect(gen(rand(), { n: 51 }).n).toBe(51);
      expect(() => gen(rand(), { arms: 3 })).toThrow(DataError);
      expect(() => gen(rand(), { arms: 3 })).toThrow(
        `${gen.name}: option "arms" is not used by this data set; allowed options: n, noise`,
      );
      expect(() => gen(rand(), { slope: 1 })).toThrow(`${gen.name}: option "slope" is not used`);
      expect(() => gen(rand(), { far: 0.1 })).toThrow(`${gen.name}: option "far" is not used`);
      expect(() => gen(rand(), { n: 9 })).toThrow(`${gen.name}: option "n" must be an integer from 10`);
      expect(() => gen(rand(), { noise: -1 })).toThrow(`${gen.name}: option "noise" must be a number`);
    });
  }

  it('plane: height (x1 + x2) / 2 exactly up to float32 rounding, and a plane fits it', () => {
    const t = plane(rand(2), { n: 1000 });
    for (let i = 0; i < t.n; i++) {
      expect(Math.abs(t.y[i] - (t.x[2 * i] + t.x[2 * i + 1]) / 2)).toBeLessThan(2e-7);
    }
    const fit = fitPlane(t);
    expect(fit.w1).toBeCloseTo(0.5, 5);
    expect(fit.w2).toBeCloseTo(0.5, 5);
    expect(fit.b).toBeCloseTo(0, 5);
    expect(fit.r2).toBeCloseTo(1, 6);
  });

  it('bump: height exp(−(x1² + x2²) / (2·0.4²)) up to float32 rounding, and no plane fits it', () => {
    const t = bump(rand(2), { n: 1000 });
    let top = 0;
    for (let i = 0; i < t.n; i++) {
      const [a, b] = [t.x[2 * i], t.x[2 * i + 1]];
      const expected = Math.exp(-(a * a + b * b) / (2 * 0.4 * 0.4));
      expect(Math.abs(t.y[i] - expected)).toBeLessThan(1e-6);
      expect(t.y[i] > 0 && t.y[i] <= 1).toBe(true);
      top = Math.max(top, t.y[i]);
    }
    expect(top).toBeGreaterThan(0.95); // the hill's top, near the centre, is sampled
    expect(fitPlane(t).r2).toBeLessThan(0.05);
  });

  it('noise is Gaussian on the height with standard deviation `noise`', () => {
    for (const gen of [plane, bump]) {
      const noisy = gen(rand(6), { n: 4000, noise: 0.2 });
      // The noise draws shift the stream, so the points differ from the clean set's: compare
      // each height with the formula at its own point.
      let sq = 0;
      let sum = 0;
      for (let i = 0; i < noisy.n; i++) {
        const [a, b] = [noisy.x[2 * i], noisy.x[2 * i + 1]];
        const h = gen === plane ? (a + b) / 2 : Math.exp(-(a * a + b * b) / 0.32);
        sum += noisy.y[i] - h;
        sq += (noisy.y[i] - h) ** 2;
      }
      expect(sum / noisy.n).toBeCloseTo(0, 1);
      expect(Math.sqrt(sq / noisy.n)).toBeCloseTo(0.2, 2);
    }
  });
});

describe('generator options', () => {
  it('reject out-of-range values, naming the option and the allowed range', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => xor(rand(), { n: 5 }), /xor: option "n" must be an integer from 10 to 100000, got 5/],
      [() => xor(rand(), { n: 12.5 }), /option "n"/],
      [() => blobs(rand(), { n: 100_001 }), /option "n"/],
      [() => moons(rand(), { noise: -0.1 }), /moons: option "noise" must be a number from 0 to 10/],
      [() => moons(rand(), { noise: NaN }), /option "noise"/],
      [() => spiral(rand(), { arms: 1 }), /spiral: option "arms" must be an integer from 2 to 10/],
      [() => circles(rand(), { arms: 3 }), /circles: option "arms" is not used.*allowed options: n, noise/],
      [() => line(rand(), { slope: Infinity }), /line: option "slope"/],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(DataError);
      expect(make).toThrow(message);
    }
  });
});

describe('blobs with far-out points', () => {
  it('moves exactly the share `far` of blob B out to a group around (5, 5), A untouched', () => {
    const plain = blobs(rand(3), { n: 400, noise: 0.5 });
    const t = blobs(rand(3), { n: 400, noise: 0.5, far: 0.25 });
    let far = 0;
    for (let i = 0; i < t.n; i++) {
      const d = Math.hypot(t.x[2 * i]! - 5, t.x[2 * i + 1]! - 5);
      if (d < 3.5) {
        expect(t.y[i]).toBe(1);
        far++;
      }
    }
    expect(far).toBe(50); // a quarter of B's 200 points
    expect(counts(t)).toEqual([200, 200]);
    // far = 0 draws nothing extra: the same points as without the option.
    expect(bytes(blobs(rand(3), { n: 400, noise: 0.5, far: 0 }))).toEqual(bytes(plain));
  });

  it('refuses a share outside 0 to 0.5, and far on other sets', () => {
    expect(() => blobs(rand(), { far: 0.6 })).toThrow(/blobs: option "far" must be a number from 0 to 0.5/);
    expect(() => xor(rand(), { far: 0.1 })).toThrow(/xor: option "far" is not used/);
  });
});
