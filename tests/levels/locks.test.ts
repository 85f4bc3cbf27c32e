import { describe, expect, it } from 'vitest';
import { classLocks } from '../../src/levels/locks.js';
import { levelById, rulesOf, startSetup } from '../../src/levels/index.js';
import type { Control } from '../../src/levels/controls.js';

describe('classLocks: what a class fixes keeps the level’s starting value', () => {
  const level = levelById('c2-circles')!;
  const rules = rulesOf(level);
  const start = startSetup(rules);
  const changed = {
    spec: {
      layers: [
        { type: 'dense' as const, units: 8, activation: 'relu' as const },
        { type: 'dense' as const, units: 1, activation: 'sigmoid' as const },
      ],
    },
    options: { ...start.options, lr: 1 },
    seed: 9,
    data: { noise: 0.1 },
  };

  it('changes nothing the class leaves open', () => {
    expect(classLocks(rules, new Set(), changed)).toEqual({ setup: changed, changes: [] });
  });

  it('puts every fixed control back and says so', () => {
    const fixed = new Set<Control>(['lr', 'seed', 'layers', 'noise', 'optimizer']);
    const { setup, changes } = classLocks(rules, fixed, changed);
    expect(setup).toEqual({ ...start, options: { ...start.options } });
    expect(changes).toEqual([
      'learning rate 1 → 0.3 (fixed by the class)',
      'seed 9 → 1 (fixed by the class)',
      "network → the level's starting one (fixed by the class)",
      "noise 0.1 → the level's own (fixed by the class)",
    ]);
    // The input is left as it was.
    expect(changed.options.lr).toBe(1);
  });

  it('the level’s own start passes every lock', () => {
    const all = new Set<Control>([
      'optimizer',
      'lr',
      'batch',
      'l2',
      'l1',
      'seed',
      'layers',
      'dropout',
      'loss',
      'features',
      'noise',
      'train',
      'points',
    ]);
    expect(classLocks(rules, all, start).changes).toEqual([]);
  });
});
