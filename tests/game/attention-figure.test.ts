import { describe, expect, it } from 'vitest';
import {
  SENTENCE,
  START_QUERY,
  attention,
  expSeries,
  scores,
  strongest,
} from '../../src/game/scenes/figures/attention-maths.js';
import { FIGURES } from '../../src/levels/schema.js';

describe('the query-keys figure', () => {
  it('starts with "it" as the query', () => {
    expect(SENTENCE[START_QUERY]).toBe('it');
  });

  it('computes e^x from a series, close to the real thing', () => {
    for (const x of [0, -0.5, -1, -3, -9, -20]) {
      expect(expSeries(x) / Math.exp(x)).toBeCloseTo(1, 6);
    }
    expect(expSeries(-100)).toBe(0);
  });

  it('gives weights that add to 1 and nothing to later words', () => {
    for (let q = 0; q < SENTENCE.length; q++) {
      for (const sharpness of [0, 1, 3]) {
        const w = attention(q, sharpness);
        expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        for (let i = q + 1; i < SENTENCE.length; i++) expect(w[i]).toBe(0);
      }
    }
  });

  it('has "it" look mostly at "cat", and more so when sharper', () => {
    const soft = attention(START_QUERY, 1);
    expect(SENTENCE[strongest(soft)]).toBe('cat');
    expect(soft[1]!).toBeGreaterThan(0.5);
    expect(attention(START_QUERY, 3)[1]!).toBeGreaterThan(soft[1]!);
    expect(scores(START_QUERY)).toHaveLength(START_QUERY + 1);
  });

  it('spreads attention evenly at sharpness 0', () => {
    const w = attention(4, 0);
    for (let i = 0; i <= 4; i++) expect(w[i]).toBeCloseTo(0.2, 9);
  });

  it('is one of the figure names', () => {
    expect(FIGURES).toContain('query-keys');
  });
});
