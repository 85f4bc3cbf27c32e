/**
 * The epilogue's arithmetic and ladder: the power-law fit recovers a known law exactly and says
 * what is wrong with bad points; the trainer's `powerLaw` gives the same numbers from the
 * kernel's log and exp; every rung builds, grows, and has the parameters the transformer's
 * formula says; the epilogue opens with a star in the last chapter only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { namedDataShape, prepareDataset } from '../../src/data/index.js';
import { instantiateKernel } from '../../src/engine/kernel.js';
import {
  fitPowerLaw,
  powerLawAt,
  trainingFlops,
  type ScalingMath,
} from '../../src/engine/scaling.js';
import { createTrainer } from '../../src/engine/trainer.js';
import { LEVELS } from '../../src/levels/index.js';
import {
  KNOWN_MODELS,
  LADDER,
  LADDER_DATA,
  LADDER_OPTIONS,
  epilogueOpen,
  rungFlops,
  rungSpec,
} from '../../src/levels/scaling.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let math: ScalingMath;
beforeAll(async () => {
  const k = instantiateKernel(await loadKernelModule());
  math = { log: (x) => k.log_f64(x), exp: (x) => k.exp_f64(x) };
  await prepareDataset('melville');
});

describe('fitPowerLaw', () => {
  it('recovers a law the points lie on, and reads it elsewhere', () => {
    const law = (n: number): number => 5 * math.exp(-0.076 * math.log(n));
    const points = [1e4, 3e4, 1e5, 4e5].map((x) => ({ x, y: law(x) }));
    const fit = fitPowerLaw(points, math);
    expect(fit.alpha).toBeCloseTo(0.076, 10);
    expect(fit.a).toBeCloseTo(5, 8);
    expect(fit.r2).toBeCloseTo(1, 10);
    expect(fit.count).toBe(4);
    expect(powerLawAt(fit, 175e9, math)).toBeCloseTo(law(175e9), 8);
  });

  it('measures how far the points are from a line', () => {
    const fit = fitPowerLaw(
      [
        { x: 1e4, y: 2 },
        { x: 1e5, y: 1.5 },
        { x: 1e6, y: 1.8 },
      ],
      math,
    );
    expect(fit.r2).toBeGreaterThan(0);
    expect(fit.r2).toBeLessThan(0.5);
  });

  it('names the point and the rule when the points cannot be fitted', () => {
    expect(() => fitPowerLaw([{ x: 1, y: 1 }], math)).toThrow(/at least 2 points, got 1/);
    expect(() =>
      fitPowerLaw(
        [
          { x: 10, y: 1 },
          { x: 10, y: 2 },
        ],
        math,
      ),
    ).toThrow(/two different sizes/);
    expect(() =>
      fitPowerLaw(
        [
          { x: 10, y: 1 },
          { x: 0, y: 2 },
        ],
        math,
      ),
    ).toThrow(/point 1: x must be a finite number above 0, got 0/);
    expect(() =>
      fitPowerLaw(
        [
          { x: 10, y: Number.NaN },
          { x: 20, y: 2 },
        ],
        math,
      ),
    ).toThrow(/point 0: y must/);
    const fit = fitPowerLaw(
      [
        { x: 10, y: 1 },
        { x: 20, y: 2 },
      ],
      math,
    );
    expect(() => powerLawAt(fit, -1, math)).toThrow(/x must be a finite number above 0/);
  });

  it('counts training compute as 6 operations per parameter per token', () => {
    expect(trainingFlops(1000, 50)).toBe(300_000);
    expect(rungFlops(1000, 10)).toBe(6 * 1000 * 10 * 16 * 32);
  });
});

describe('the trainer fits with the kernel', () => {
  it('gives the fit and its readings at the sizes asked', async () => {
    const t = createTrainer(() => loadKernelModule());
    const points = [
      { x: 9755, y: 1.99 },
      { x: 28771, y: 1.88 },
      { x: 106659, y: 1.76 },
    ];
    const { law, at } = await t.powerLaw(points, [124e6, 175e9]);
    const direct = fitPowerLaw(points, math);
    expect(law).toEqual(direct);
    expect(at).toEqual([powerLawAt(direct, 124e6, math), powerLawAt(direct, 175e9, math)]);
    expect(at[1]).toBeLessThan(at[0]!);
    await expect(t.powerLaw([{ x: 1, y: 1 }], [])).rejects.toThrow(/at least 2 points/);
    t.dispose();
  });
});

describe('the ladder', () => {
  it('builds every rung, each bigger than the last, over more than 30 times in size', async () => {
    const vocab = namedDataShape('melville')!.outputs;
    const t = createTrainer(() => loadKernelModule());
    const sizes: number[] = [];
    for (const rung of LADDER) {
      const info = await t.create(rungSpec(rung, vocab), LADDER_DATA, LADDER_OPTIONS, 1);
      // Embedding, learned positions (32 steps), the blocks (12·D² + 13·D each), final norm, head.
      const D = rung.dim;
      const expected =
        vocab * D + 32 * D + rung.blocks * (12 * D * D + 13 * D) + 2 * D + D * vocab + vocab;
      expect(info.totalParams, rung.id).toBe(expected);
      sizes.push(info.totalParams);
    }
    t.dispose();
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
    expect(sizes[0]).toBeGreaterThan(5_000);
    expect(sizes.at(-1)! / sizes[0]!).toBeGreaterThan(30);
    // The line is read far beyond the ladder: at least a hundred times its biggest rung.
    for (const m of KNOWN_MODELS) expect(m.params).toBeGreaterThan(100 * sizes.at(-1)!);
  });

  it('opens the epilogue with a star on a level of the last chapter, not before', () => {
    const last = Math.max(...LEVELS.map((l) => l.chapter));
    const lastLevel = LEVELS.find((l) => l.chapter === last)!;
    const earlier = LEVELS.find((l) => l.chapter < last)!;
    expect(epilogueOpen(LEVELS, {})).toBe(false);
    expect(epilogueOpen(LEVELS, { [earlier.id]: 3 })).toBe(false);
    expect(epilogueOpen(LEVELS, { [lastLevel.id]: 0 })).toBe(false);
    expect(epilogueOpen(LEVELS, { [lastLevel.id]: 1 })).toBe(true);
  });
});
