import { describe, expect, it } from 'vitest';
import { paletteEntries } from '../../src/game/scenes/workbench-text.js';
import { levelById, rulesOf, sandboxRules } from '../../src/levels/index.js';

describe('the workbench palette', () => {
  it('offers what the rules switch on, in the registry order, with short names past three', () => {
    const images = sandboxRules({
      inputs: 64,
      inputShape: [1, 8, 8],
      outputs: 10,
      task: 'multiclass',
    }).blocks;
    expect(paletteEntries(images, new Set()).map((e) => [e.label, e.control])).toEqual([
      ['Dense', 'layers'],
      ['Dropout', 'dropout'],
      ['Conv', 'layers'],
      ['Max pool', 'layers'],
      ['Avg pool', 'layers'],
      ['Batchnorm', 'layers'],
      ['Flatten', 'layers'],
    ]);
    const plain = sandboxRules({ inputs: 2, outputs: 1, task: 'binary' }).blocks;
    expect(paletteEntries(plain, new Set()).map((e) => e.label)).toEqual([
      'Dense layer',
      'Dropout',
    ]);
    const dropoutLevel = rulesOf(levelById('c3-dropout')!).blocks;
    expect(paletteEntries(dropoutLevel, new Set()).map((e) => e.tooltip)).toEqual([
      'Add dropout: randomly silences units while training, against over-fitting',
    ]);
    expect(paletteEntries(dropoutLevel, new Set(['dropout']))).toEqual([]);
  });
});
