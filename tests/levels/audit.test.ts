import { beforeAll, describe, expect, it } from 'vitest';
import {
  isImageSetName,
  isSequenceName,
  namedDataShape,
  kernelRandom,
} from '../../src/data/index.js';
import { auditLevels } from './audit-cases.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import {
  LEVELS,
  checkSpec,
  conformSetup,
  hasIdea,
  levelById,
  meets,
  rulesOf,
  sandboxRules,
  startSetup,
} from '../../src/levels/index.js';
import { sampleSetup } from '../../src/levels/sample.js';
import type { Setup } from '../../src/levels/types.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { loadLevelAssets } from '../../src/node/image-data.js';
import type { ImageAssets } from '../../src/levels/judge.js';

let module: WebAssembly.Module;
let images: ImageAssets;
beforeAll(async () => {
  module = await loadKernelModule('simd');
  images = await loadLevelAssets(LEVELS);
});

describe('every level on tables and points teaches its idea (the level audit)', () => {
  auditLevels(
    LEVELS.filter((l) => !isImageSetName(l.data.name) && !isSequenceName(l.data.name)),
    () => ({ module, images }),
  );
});

describe('the sampler draws only what a workbench allows', () => {
  it('every sampled setup obeys its level and needs no change to be trained', () => {
    const rand = kernelRandom(module, 3);
    for (const level of LEVELS) {
      const rules = rulesOf(level);
      const shape = namedDataShape(level.data.name, level.data)!;
      for (let i = 0; i < 60; i++) {
        const setup = sampleSetup(rules, shape, rand);
        expect(checkSpec(rules, setup.spec), level.id).toEqual([]);
        expect(conformSetup(rules, setup).changes, level.id).toEqual([]);
        expect(setup.seed).toBeGreaterThanOrEqual(1);
        expect(setup.seed).toBeLessThanOrEqual(5);
      }
    }
  });

  it('draws both halves of each idea', () => {
    const rand = kernelRandom(module, 4);
    for (const level of LEVELS) {
      const rules = rulesOf(level);
      const shape = namedDataShape(level.data.name, level.data)!;
      const ideas = Array.from({ length: 200 }, () =>
        hasIdea(level.teaches, sampleSetup(rules, shape, rand)),
      );
      expect(ideas.some(Boolean), `${level.id} with`).toBe(true);
      expect(
        ideas.some((x) => !x),
        `${level.id} without`,
      ).toBe(true);
    }
  });
});

describe('ideas as rules', () => {
  const setup = (layers: Setup['spec']['layers'], options = {}, loss?: 'mse'): Setup => ({
    spec: loss ? { layers, loss } : { layers },
    options: { ...DEFAULT_OPTIONS, ...options },
    seed: 1,
  });
  const out = { type: 'dense' as const, units: 1 };

  it('a hidden layer counts only when an activation bends it', () => {
    const rule = { kind: 'hidden-layer' as const };
    expect(meets(rule, setup([out]))).toBe(false);
    expect(meets(rule, setup([{ type: 'dense', units: 8 }, out]))).toBe(false);
    expect(meets(rule, setup([{ type: 'dense', units: 8, activation: 'relu' }, out]))).toBe(true);
    expect(
      meets(
        rule,
        setup([{ type: 'dense', units: 8 }, { type: 'activation', activation: 'tanh' }, out]),
      ),
    ).toBe(true);
    // An activation on the output layer is not a hidden layer.
    expect(meets(rule, setup([{ type: 'dense', units: 1, activation: 'sigmoid' }]))).toBe(false);
  });

  it('a probability is a squashed output or a cross-entropy loss; the squared-error line is not', () => {
    const rule = { kind: 'probability' as const };
    expect(meets(rule, setup([out], {}, 'mse'))).toBe(false);
    expect(meets(rule, setup([{ ...out, activation: 'sigmoid' }], {}, 'mse'))).toBe(true);
    expect(meets(rule, setup([out]))).toBe(true);
  });

  it('learning-rate windows include their ends; optimizer, L2 and dropout rules', () => {
    const lr = { kind: 'learning-rate' as const, min: 0.01, max: 1 };
    expect([0.0099, 0.01, 1, 1.01].map((v) => meets(lr, setup([out], { lr: v })))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(meets({ kind: 'optimizer', in: ['adam'] }, setup([out], { optimizer: 'sgd' }))).toBe(
      false,
    );
    expect(meets({ kind: 'l2', above: 0 }, setup([out], { l2: 0 }))).toBe(false);
    expect(meets({ kind: 'l2', above: 0 }, setup([out], { l2: 1e-4 }))).toBe(true);
    const dropped = setup([{ type: 'dense', units: 8 }, { type: 'dropout', rate: 0.3 }, out]);
    expect(meets({ kind: 'dropout', above: 0 }, dropped)).toBe(true);
    expect(meets({ kind: 'dropout', above: 0.5 }, dropped)).toBe(false);
  });
});

describe('conformSetup: no link lifts a lock or a range', () => {
  it('the c3-dropout link trains what the level allows, and says what it changed', () => {
    const level = levelById('c3-dropout')!;
    const rules = rulesOf(level);
    const link: Setup = {
      spec: {
        layers: [
          { type: 'dense', units: 8, activation: 'relu' },
          { type: 'dense', units: 1, activation: 'sigmoid' },
        ],
      },
      options: { ...DEFAULT_OPTIONS, optimizer: 'sgd', lr: 0.5, l2: 0.05, batch: 8 },
      seed: 1,
    };
    const { setup, changes } = conformSetup(rules, link);
    expect(setup.spec).toEqual(level.start);
    expect(setup.options).toMatchObject({ optimizer: 'adam', lr: 0.003, batch: 32, l2: 0 });
    expect(changes).toEqual([
      expect.stringMatching(/^network → the starting one: This level keeps the dense layers/),
      'optimizer SGD → Adam (here: Adam)',
      'learning rate 0.5 → 0.003 (fixed here)',
      'batch size 8 → 32 (fixed here)',
      'L2 penalty 0.05 → 0 (fixed here)',
    ]);
  });

  it('keeps what is allowed, and refuses options the workbench cannot show and seeds off the slider', () => {
    const level = levelById('c2-xor')!;
    const rules = rulesOf(level);
    const start = startSetup(rules);
    expect(conformSetup(rules, start)).toEqual({ setup: start, changes: [] });
    const odd = { ...start, options: { ...start.options, clip: 1, lr: 0.5 }, seed: 5000 };
    const { setup, changes } = conformSetup(rules, odd);
    expect(setup.options.clip).toBe(0);
    expect(setup.options.lr).toBe(0.5);
    expect(setup.seed).toBe(1);
    expect(changes).toEqual([
      'gradient clip 1 → 0 (no control for it here)',
      'seed 5000 → 1 (the seed goes from 0 to 999)',
    ]);
  });

  it('a line that starts at zero stays there: an unnamed start takes the level’s, another is refused', () => {
    const level = levelById('c1-blobs')!;
    const rules = rulesOf(level);
    const start = startSetup(rules);
    const unnamed: Setup = {
      ...start,
      spec: { layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }], loss: 'bce' },
    };
    expect(conformSetup(rules, unnamed)).toEqual({
      setup: {
        ...start,
        spec: {
          layers: [{ type: 'dense', units: 1, activation: 'sigmoid', init: 'zeros' }],
          loss: 'bce',
        },
      },
      changes: [],
    });
    const lucky: Setup = {
      ...start,
      spec: { layers: [{ type: 'dense', units: 1, init: 'he_normal' }] },
    };
    const { setup, changes } = conformSetup(rules, lucky);
    expect(setup.spec).toEqual(level.start);
    expect(changes).toEqual([
      expect.stringMatching(/^network → the starting one: .*starting from zero weights/),
    ]);
  });

  it('the sandbox offers squared error on yes/no data and refuses it on classes', () => {
    const binary = sandboxRules({ inputs: 2, outputs: 1, task: 'binary' });
    const classes = sandboxRules({ inputs: 2, outputs: 3, task: 'multiclass' });
    const spec = { layers: [{ type: 'dense' as const, units: 1 }], loss: 'mse' as const };
    expect(checkSpec(binary, spec)).toEqual([]);
    expect(checkSpec(classes, spec).join(' ')).toMatch(/does not offer the squared error loss/);
  });

  it('feature inputs and L1 are the sandbox’s: a level link with them trains without', () => {
    const level = levelById('c2-circles')!;
    const rules = rulesOf(level);
    const start = startSetup(rules);
    const handMade: Setup = {
      spec: { ...structuredClone(level.start), features: ['x1x1', 'x2x2'] },
      options: { ...start.options, l1: 0.01 },
      seed: 1,
    };
    const { setup, changes } = conformSetup(rules, handMade);
    expect(setup.spec.features).toBeUndefined();
    expect(setup.options.l1).toBe(0);
    expect(changes).toEqual([
      expect.stringMatching(/^network → the starting one: This level has no feature inputs/),
      'L1 penalty 0.01 → 0 (no control for it here)',
    ]);
    const sandbox = sandboxRules({ inputs: 2, outputs: 1, task: 'binary' });
    expect(conformSetup(sandbox, handMade).changes).toEqual([]);
    // Features read two coordinates: data of another width has no feature inputs.
    const wide = sandboxRules({ inputs: 4, outputs: 3, task: 'multiclass' });
    expect(checkSpec(wide, handMade.spec).join(' ')).toMatch(/no feature inputs/);
  });

  it('a level’s open data controls keep the player’s choice within range, and no other', () => {
    const level = levelById('c2-circles')!;
    const rules = rulesOf(level);
    const start = startSetup(rules);
    const noisy = { ...start, data: { noise: 0.12 } };
    expect(conformSetup(rules, noisy)).toEqual({ setup: noisy, changes: [] });
    const { setup, changes } = conformSetup(rules, {
      ...start,
      data: { noise: 0.01, n: 2000, train: 0.9 },
    });
    expect(setup.data).toBeUndefined();
    expect(changes).toEqual([
      'noise 0.01 → 0.05 (here from 0.05 to 0.15)',
      "number of points 2000 → the level's own (no control for it here)",
      "share of points used for training 0.9 → the level's own (no control for it here)",
    ]);
    // Elsewhere nothing is open: the data is the level's.
    const xor = rulesOf(levelById('c2-xor')!);
    expect(
      conformSetup(xor, { ...startSetup(xor), data: { noise: 0.2 } }).setup.data,
    ).toBeUndefined();
  });
});

describe('data controls of a level', () => {
  it('the chosen noise is what the judge trains on', async () => {
    const { loadKernelModule } = await import('../../src/node/kernel-file.js');
    const { runLevel } = await import('../../src/levels/index.js');
    const module = await loadKernelModule('simd');
    const level = levelById('c2-circles')!;
    const run = { ...level.reference, steps: level.stepBudget };
    const clean = runLevel(module, level, run);
    const blurred = runLevel(module, level, { ...run, data: { noise: 0.15 } });
    expect(clean.passed).toBe(true);
    // The same network on blurrier dots: a lower accuracy than on the level's own.
    expect(blurred.achieved).toBeLessThan(clean.achieved);
  });

  it('level files: the controls sit within the sandbox’s sliders and start at the level’s data', async () => {
    const { parseLevel } = await import('../../src/levels/schema.js');
    const raw = JSON.parse(JSON.stringify(levelById('c2-circles')!));
    const bad = (controls: unknown): string => {
      try {
        parseLevel({ ...raw, dataControls: controls });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(bad({ noise: { value: 0.05, locked: false, min: 0, max: 0.25 } })).toBe('');
    expect(bad({ noise: { value: 0.1, locked: false, min: 0, max: 0.25 } })).toMatch(
      /dataControls\.noise\.value must be the level's own data value 0\.05, got 0\.1/,
    );
    expect(bad({ noise: { value: 0.05, locked: false, min: 0, max: 0.9 } })).toMatch(
      /dataControls\.noise\.max must be a number from 0 to 0\.5, got 0\.9/,
    );
    expect(bad({ seed: { value: 1, locked: false, min: 1, max: 9 } })).toMatch(
      /dataControls\.seed is not a known field/,
    );
    const iris = JSON.parse(JSON.stringify(levelById('c2-iris')!));
    expect(() =>
      parseLevel({
        ...iris,
        dataControls: { n: { value: 100, locked: false, min: 50, max: 150 } },
      }),
    ).toThrow(/dataControls\.n applies only to generated data sets/);
  });
});
