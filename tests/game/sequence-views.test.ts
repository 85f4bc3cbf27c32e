import { describe, expect, it } from 'vitest';
import { DIVERGING_TABLE, VIRIDIS_TABLE } from '../../src/game/objects/image-scale.js';
import {
  HEALTH_LOG,
  HealthHistory,
  fitLabel,
  healthLevel,
  logNorm,
  paintGrid,
  powerOfTen,
  sampleText,
  signedLevel,
  stepAnswers,
  stepCells,
  symbolText,
  unitLevel,
} from '../../src/game/objects/sequence-figures.js';

describe('the gradient-health scale', () => {
  it('maps log10 of the norm from 10⁻⁶ (dark) to 10⁰ (bright), clamped', () => {
    expect(HEALTH_LOG).toEqual({ lo: -6, hi: 0 });
    expect(healthLevel(1e-6)).toBe(0);
    expect(healthLevel(1)).toBe(255);
    expect(healthLevel(1e-3)).toBe(128);
    expect(healthLevel(1e-9)).toBe(0);
    expect(healthLevel(50)).toBe(255);
    // Nothing flowing back, or a broken number: the dark end, never a crash.
    expect(healthLevel(0)).toBe(0);
    expect(healthLevel(NaN)).toBe(0);
    expect(healthLevel(Infinity)).toBe(255);
    expect(logNorm(0)).toBe(-Infinity);
    expect(logNorm(100)).toBeCloseTo(2);
  });

  it('is monotonic: a fading gradient always gets darker', () => {
    let last = 256;
    for (let e = 0; e >= -7; e -= 0.25) {
      const l = healthLevel(10 ** e);
      expect(l).toBeLessThanOrEqual(last);
      last = l;
    }
  });

  it('writes the legend ends as powers of ten', () => {
    expect(powerOfTen(-6)).toBe('10⁻⁶');
    expect(powerOfTen(0)).toBe('10⁰');
    expect(powerOfTen(12)).toBe('10¹²');
  });
});

describe('the health history', () => {
  it('adds a column per sample, then halves its resolution to fit', () => {
    const h = new HealthHistory(4);
    for (let s = 1; s <= 4; s++) h.add(s * 10, [10 ** -s, 1]);
    expect(h.columns.map((c) => [c.from, c.to])).toEqual([
      [10, 10],
      [20, 20],
      [30, 30],
      [40, 40],
    ]);
    h.add(50, [1e-5, 1]);
    // Full: pairs merged (logs averaged: the geometric mean), the new sample starts a column.
    expect(h.span).toBe(2);
    expect(h.columns.map((c) => [c.from, c.to])).toEqual([
      [10, 20],
      [30, 40],
      [50, 50],
    ]);
    expect(h.columns[0]!.logs[0]).toBeCloseTo(-1.5);
    expect(h.columns[1]!.logs[0]).toBeCloseTo(-3.5);
    // The next sample joins the last column (span 2), the one after starts a new one.
    h.add(60, [1e-3, 1]);
    expect(h.columns.at(-1)).toMatchObject({ from: 50, to: 60 });
    expect(h.columns.at(-1)!.logs[0]).toBeCloseTo(-4);
    h.add(70, [1, 1]);
    expect(h.columns.length).toBe(4);
    expect(h.columns.length).toBeLessThanOrEqual(h.capacity);
    expect(h.level(0, 1)).toBe(255);
    expect(h.level(99, 0)).toBe(0);
  });

  it('never holds more columns than it can draw, over a long run', () => {
    const h = new HealthHistory(92);
    for (let s = 0; s < 5000; s++) h.add(s, [Math.random(), 1e-4]);
    expect(h.columns.length).toBeLessThanOrEqual(92);
    expect(h.columns.length).toBeGreaterThan(46);
    expect(h.columns[0]!.from).toBe(0);
    expect(h.columns.at(-1)!.to).toBe(4999);
    // Columns tile the run: each starts after the last ended.
    for (let i = 1; i < h.columns.length; i++)
      expect(h.columns[i]!.from).toBeGreaterThan(h.columns[i - 1]!.to);
    h.clear();
    expect(h.columns).toEqual([]);
    expect(h.span).toBe(1);
  });

  it('refuses a capacity it cannot halve', () => {
    expect(() => new HealthHistory(1)).toThrow();
  });
});

describe('colours of the state maps', () => {
  it('puts a hidden state on −1..1 and a gate on 0..1', () => {
    expect(signedLevel(-1)).toBe(0);
    expect(signedLevel(0)).toBe(128);
    expect(signedLevel(1)).toBe(255);
    expect(signedLevel(3)).toBe(255);
    expect(unitLevel(0)).toBe(0);
    expect(unitLevel(0.5)).toBe(128);
    expect(unitLevel(1)).toBe(255);
    // Blue for negative, orange for positive: the diverging table's ends.
    const blue = [...DIVERGING_TABLE.slice(0, 3)];
    const orange = [...DIVERGING_TABLE.slice(255 * 3, 255 * 3 + 3)];
    expect(blue[2]).toBeGreaterThan(blue[0]!);
    expect(orange[0]).toBeGreaterThan(orange[2]!);
  });

  it('paints a grid of cells into pixels, each a block, and returns the mean level', () => {
    const w = 6;
    const target = { data: new Uint8ClampedArray(w * 4 * 4), width: w };
    const mean = paintGrid(
      target,
      0,
      0,
      6,
      4,
      2,
      3,
      (r, c) => (r === 0 && c === 2 ? 255 : 0),
      VIRIDIS_TABLE,
    );
    expect(mean).toBeCloseTo(255 / 6);
    const at = (x: number, y: number): number[] => [
      ...target.data.slice((y * w + x) * 4, (y * w + x) * 4 + 3),
    ];
    const bright = [...VIRIDIS_TABLE.slice(255 * 3, 255 * 3 + 3)];
    const dark = [...VIRIDIS_TABLE.slice(0, 3)];
    expect(at(4, 0)).toEqual(bright);
    expect(at(5, 1)).toEqual(bright);
    expect(at(5, 2)).toEqual(dark);
    expect(at(0, 0)).toEqual(dark);
    expect(target.data[3]).toBe(255);
    expect(paintGrid(target, 0, 0, 6, 4, 0, 3, () => 0, VIRIDIS_TABLE)).toBe(0);
  });
});

describe('the row of time steps', () => {
  it('splits the strip into equal cells, left to right', () => {
    const cells = stepCells(100, 340, 10);
    expect(cells.length).toBe(10);
    expect(cells[0]).toEqual({ x: 100, w: 34 });
    expect(cells[9]!.x + cells[9]!.w).toBeCloseTo(440);
    expect(stepCells(0, 50, 0)).toEqual([]);
  });

  it('shows a whole label when it fits, its first letter when not, nothing in a sliver', () => {
    expect(fitLabel('even', 34, 14)).toBe('even');
    expect(fitLabel('even', 20, 14)).toBe('e');
    expect(fitLabel('odd', 3, 14)).toBe('');
    expect(symbolText(['a', ' '], 1)).toBe('␣');
    expect(symbolText(['a', 'b'], 0)).toBe('a');
    expect(symbolText(undefined, 3)).toBe('3');
  });
});

describe('reading the answers at each step', () => {
  it('reads yes/no at every step: yes above 0.5', () => {
    // Two examples of three steps, one output per step.
    const pred = [0.9, 0.2, 0.6, 0.1, 0.1, 0.1];
    const y = [1, 0, 0, 0, 0, 1];
    expect(stepAnswers('binary', 1, 3, pred, y, 0)).toEqual({
      guess: [1, 0, 1],
      truth: [1, 0, 0],
      right: [true, true, false],
    });
    expect(stepAnswers('binary', 1, 3, pred, y, 1).right).toEqual([true, true, false]);
  });

  it('reads the likeliest class at each step, and one answer after the last', () => {
    // One example, two steps, three classes; labels one per step.
    const pred = [0.1, 0.7, 0.2, 0.5, 0.2, 0.3];
    expect(stepAnswers('multiclass', 3, 2, pred, [1, 2], 0)).toEqual({
      guess: [1, 0],
      truth: [1, 2],
      right: [true, false],
    });
    // One answer per example (positions 1): the second example's.
    const one = stepAnswers('multiclass', 3, 1, [0.8, 0.1, 0.1, 0.1, 0.1, 0.8], [0, 2], 1);
    expect(one).toEqual({ guess: [2], truth: [2], right: [true] });
  });

  it('gives a regression its values, neither right nor wrong', () => {
    const a = stepAnswers('regression', 1, 2, [0.5, -1, 2, 3], [0.4, -0.9, 2.1, 2.9], 1);
    expect(a.guess).toEqual([2, 3]);
    expect(a.truth).toEqual([2.1, 2.9]);
    expect(a.right).toEqual([true, true]);
  });
});

describe('samples as text', () => {
  it('ends a sample at the separator', () => {
    const vocab = ['.', 'a', 'n'];
    expect(sampleText([1, 2, 1, 0, 2], vocab, 0)).toBe('ana');
    expect(sampleText([2, 2], vocab, 0)).toBe('nn');
    expect(sampleText([0], vocab, 0)).toBe('');
  });
});
