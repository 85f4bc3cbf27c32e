/**
 * A named data request as the game sends it to the trainer: the share of points used for
 * training (`train`) reaches `makeDataset` as split fractions, a bad share is refused with the
 * field's name and range, and the 2-D regression surfaces train as their comments promise.
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/dataset.js';
import { createTrainer } from '../../src/engine/trainer.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

const trainer = createTrainer(() => loadKernelModule('simd'));
const neuron = { layers: [{ type: 'dense', units: 1 }] };
const hidden = {
  layers: [
    { type: 'dense', units: 8, activation: 'tanh' },
    { type: 'dense', units: 1 },
  ],
};

describe('DataRequest train share', () => {
  it('create: train 0.3 gives 30% training rows, the rest halved', async () => {
    const info = await trainer.create(neuron, { name: 'xor', seed: 3, train: 0.3 }, {}, 1);
    expect(info.data.rows).toEqual({ train: 180, validation: 210, test: 210 });
    const usual = await trainer.create(neuron, { name: 'xor', seed: 3 }, {}, 1);
    expect(usual.data.rows).toEqual({ train: 420, validation: 90, test: 90 });
  });

  it('preview: the same share, every row in one split, for odd n too', async () => {
    const p = await trainer.preview({ name: 'plane', seed: 5, train: 0.3 });
    expect(p.rows).toEqual({ train: 180, validation: 210, test: 210 });
    expect(p).toMatchObject({
      task: 'regression',
      inputs: 2,
      outputs: 1,
      featureNames: ['x1', 'x2'],
      targetName: 'height',
    });
    const odd = await trainer.preview({ name: 'bump', seed: 5, n: 51, train: 0.9 });
    expect(odd.rows).toEqual({ train: 45, validation: 3, test: 3 });
    const spiral = await trainer.preview({ name: 'spiral', seed: 5, n: 333, train: 0.5 });
    expect(spiral.rows.train + spiral.rows.validation + spiral.rows.test).toBe(333);
  });

  it('is deterministic: the same request gives the same rows', async () => {
    const a = await trainer.preview({ name: 'moons', seed: 8, train: 0.6 });
    const b = await trainer.preview({ name: 'moons', seed: 8, train: 0.6 });
    expect(b.x).toEqual(a.x);
    expect(b.y).toEqual(a.y);
  });

  it('refuses a bad share with the field and its range, keeping the learner it had', async () => {
    await trainer.create(neuron, { name: 'plane', seed: 1 }, {}, 1);
    for (const train of [0.95, 0.05, NaN, '0.5' as unknown as number]) {
      const request = { name: 'plane', seed: 1, train };
      await expect(trainer.create(neuron, request, {}, 1)).rejects.toThrow(DataError);
      await expect(trainer.preview(request)).rejects.toThrow(
        /^train must be a number from 0\.1 to 0\.9 \(the share of points used for training\), got /,
      );
    }
    await expect(trainer.preview({ name: 'plane', seed: 1, train: 0.95 })).rejects.toThrow(
      'train must be a number from 0.1 to 0.9 (the share of points used for training), got 0.95',
    );
    expect(trainer.step(1).ran).toBe(1);
  });
});

describe('2-D regression surfaces in training', () => {
  it('plane: one neuron without hidden layers fits it', async () => {
    await trainer.create(neuron, { name: 'plane', seed: 2 }, { optimizer: 'adam', lr: 0.05 }, 2);
    trainer.step(600);
    expect(trainer.evaluate('validation').loss).toBeLessThan(1e-4);
  });

  it('bump: one neuron cannot, a hidden layer can', async () => {
    const options = { optimizer: 'adam', lr: 0.02 };
    await trainer.create(neuron, { name: 'bump', seed: 2 }, options, 2);
    trainer.step(1500);
    const flat = trainer.evaluate('validation').loss;
    await trainer.create(hidden, { name: 'bump', seed: 2 }, options, 2);
    trainer.step(1500);
    const curved = trainer.evaluate('validation').loss;
    expect(flat).toBeGreaterThan(0.02);
    expect(curved).toBeLessThan(flat / 5);
  });
});
