import { describe, expect, it } from 'vitest';
import {
  SENTENCE,
  gradientBack,
  gradientTrend,
  memoryAfter,
  powerWords,
  sizeWords,
  superscript,
  tanhApprox,
} from '../../src/game/scenes/figures/rnn-maths.js';
import { FIGURES } from '../../src/levels/schema.js';

describe('the unrolled RNN', () => {
  it('reads the sentence one word per step, the last one to guess', () => {
    expect(SENTENCE.join(' ')).toBe('Wonderful restaurant! Nice food, nice ___');
  });

  it('multiplies the gradient once per step back: shrinking below 1, growing above', () => {
    expect(gradientBack(0.8, 7)[0]).toBeCloseTo(0.262, 3);
    expect(gradientBack(2, 7)).toEqual([64, 32, 16, 8, 4, 2, 1]);
    const shrinking = gradientBack(0.5, SENTENCE.length);
    expect(shrinking.at(-1)).toBe(1);
    for (let i = 1; i < shrinking.length; i++)
      expect(shrinking[i - 1]!).toBeLessThan(shrinking[i]!);
    expect(gradientBack(1, 4)).toEqual([1, 1, 1, 1]);
    expect(gradientTrend(0.8)).toBe('vanishes');
    expect(gradientTrend(2.5)).toBe('explodes');
    expect(gradientTrend(1)).toBe('steady');
  });

  it('writes the powers as the figure shows them', () => {
    expect(superscript(10)).toBe('¹⁰');
    expect(powerWords(0.8, 6)).toBe('0.8⁶ ≈ 0.26');
    expect(powerWords(2, 6)).toBe('2⁶ = 64');
    expect(powerWords(1.5, 5)).toBe('1.5⁵ ≈ 7.6');
    expect(powerWords(2.5, 5)).toBe('2.5⁵ ≈ 98');
    expect(powerWords(0.9, 0)).toBe('1');
    expect(sizeWords(0.5 ** 5)).toBe('0.031');
    expect(sizeWords(2.5 ** 10)).toBe('9,500');
  });
});

describe('the LSTM gates', () => {
  it('keeps forget¹⁰ of an old value: 0.9¹⁰ ≈ 0.35, and all of it with the gate at 1', () => {
    expect(memoryAfter(0.9, 0.5, 0.5).kept).toBeCloseTo(0.3487, 4);
    expect(memoryAfter(1, 0, 1).kept).toBe(1);
    expect(memoryAfter(0, 0.5, 0.5).kept).toBe(0);
    expect(powerWords(0.9, 10)).toBe('0.9¹⁰ ≈ 0.35');
  });

  it('fades a plain RNN’s state far faster', () => {
    const m = memoryAfter(0.9, 0.5, 0.5);
    expect(m.rnn).toBeCloseTo(0.6 ** 10, 10);
    expect(m.rnn).toBeLessThan(m.kept / 50);
    expect(m.keptPath).toHaveLength(11);
    expect(m.keptPath[0]).toBe(1);
    expect(m.rnnPath[10]).toBeCloseTo(m.rnn, 12);
  });

  it('adds what the input gate lets in and shows output × tanh(cell)', () => {
    // Nothing let in: the cell is the old value's share alone.
    const closed = memoryAfter(0.9, 0, 1);
    expect(closed.written).toBe(0);
    expect(closed.cell).toBeCloseTo(closed.kept, 12);
    // Forget 1, input 1: ten new values of 0.5 pile up on the old 1.
    const open = memoryAfter(1, 1, 0.5);
    expect(open.written).toBeCloseTo(5, 12);
    expect(open.cell).toBeCloseTo(6, 12);
    expect(open.shown).toBeCloseTo(0.5 * Math.tanh(6), 4);
    expect(memoryAfter(0.9, 0.5, 0).shown).toBe(0);
  });

  it('takes tanh from plain arithmetic, close to the real one', () => {
    for (let x = -12; x <= 12; x += 0.25) {
      expect(Math.abs(tanhApprox(x) - Math.tanh(x))).toBeLessThan(2e-4);
    }
  });
});

describe('the figure names', () => {
  it('include both recurrent figures', () => {
    expect(FIGURES).toContain('rnn-unroll');
    expect(FIGURES).toContain('lstm-gates');
  });
});
