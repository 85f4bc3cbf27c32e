import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/index.js';
import { Learner } from '../../src/engine/learner.js';
import { createTrainer, type TrainerApi } from '../../src/engine/trainer.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { loadImageAsset, loadImageDataset } from '../../src/node/image-data.js';

// The worker's message protocol without a Worker: the trainer is exposed on one end of a
// MessageChannel and driven through Comlink from the other, exactly as the page does.
const channel = new MessageChannel();
Comlink.expose(
  createTrainer(() => loadKernelModule('simd')),
  channel.port1,
);
const trainer = Comlink.wrap<TrainerApi>(channel.port2);
afterAll(() => {
  trainer[Comlink.releaseProxy]();
  channel.port1.close();
  channel.port2.close();
});

const spec = {
  layers: [
    { type: 'dense', units: 6, activation: 'tanh' },
    { type: 'dense', units: 1 },
  ],
};

describe('trainer over a message channel', () => {
  it('trains to the same weights as a learner called directly', async () => {
    const info = await trainer.create(
      spec,
      { name: 'moons', seed: 11 },
      { optimizer: 'adam', lr: 0.02 },
      11,
    );
    expect(info.totalParams).toBe(2 * 6 + 6 + 6 + 1);
    expect(info.data).toMatchObject({ name: 'moons', task: 'binary', inputs: 2, outputs: 1 });
    const result = await trainer.step(250);
    expect(result.step).toBe(250);
    const module = await loadKernelModule('simd');
    const direct = new Learner(
      module,
      spec,
      makeDataset('moons', { module, seed: 11 }),
      { optimizer: 'adam', lr: 0.02 },
      11,
    );
    direct.step(250);
    expect(await trainer.weightsHash()).toBe(await direct.weightsHash());
    expect(await trainer.evaluate('test')).toEqual(direct.evaluate('test'));
  });

  it('reports the class names of a bundled set', async () => {
    const info = await trainer.create(
      { layers: [{ type: 'dense', units: 3 }] },
      { name: 'iris', seed: 1 },
      {},
      1,
    );
    expect(info.data.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    await trainer.create(spec, { name: 'moons', seed: 11 }, { optimizer: 'adam', lr: 0.02 }, 11);
  });

  it('moves snapshots across and rewinds', async () => {
    const snap = await trainer.snapshot();
    const a = await trainer.step(20);
    await trainer.restore(snap);
    const b = await trainer.step(20);
    expect(b.lastLoss).toBe(a.lastLoss);
    const weights = await trainer.read('0.weight');
    expect(weights).toBeInstanceOf(Float32Array);
    expect(weights).toHaveLength(12);
  });

  it('writes one parameter the player typed, and explains a refusal', async () => {
    await trainer.write('0.weight', 3, 0.625);
    await trainer.write('2.bias', 0, -1.5);
    expect((await trainer.read('0.weight'))[3]).toBe(0.625);
    expect(Array.from(await trainer.read('2.bias'))).toEqual([-1.5]);
    await expect(trainer.write('1.out', 0, 1)).rejects.toThrow(
      'setParam: name must be one of 0.weight, 0.bias, 2.weight, 2.bias, got "1.out"',
    );
    await expect(trainer.write('0.weight', 12, 1)).rejects.toThrow(
      'setParam: index must be an integer from 0 to 11',
    );
    await expect(trainer.write('0.weight', 0, NaN)).rejects.toThrow(
      'setParam: value must be a finite number from -1000000 to 1000000, got NaN',
    );
  });

  it('sends errors back with their message, and keeps the previous learner', async () => {
    await expect(
      trainer.create({ layers: [{ type: 'dense', units: -1 }] }, { name: 'moons', seed: 1 }, {}, 1),
    ).rejects.toThrow('layers[0].units must be an integer from 1 to 4096, got -1');
    await expect(trainer.create(spec, { name: 'nope', seed: 1 }, {}, 1)).rejects.toThrow(
      /unknown data set "nope"/,
    );
    await expect(trainer.create(spec, { csv: 'a,b\n1,2\nx,3\n', seed: 1 }, {}, 1)).rejects.toThrow(
      /line 3, column 1/,
    );
    expect((await trainer.step(1)).ran).toBe(1);
  });
});

describe('trainer with image data', () => {
  it('loads an image set once, reports the download, and trains a CNN as a learner does', async () => {
    const module = await loadKernelModule('simd');
    const calls: string[] = [];
    const images = createTrainer(
      async () => module,
      async (name, onProgress) => {
        calls.push(name);
        onProgress(0, 100);
        onProgress(100, 100);
        return loadImageAsset(name);
      },
    );
    expect(images.imageProgress()).toBeNull();
    const cnn = {
      layers: [
        { type: 'conv2d', filters: 4, kernel: 3, padding: 1, activation: 'relu' },
        { type: 'maxpool2d', size: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ],
    };
    const info = await images.create(cnn, { name: 'digits', seed: 2 }, { lr: 0.01 }, 3);
    expect(info.data).toMatchObject({
      name: 'digits',
      task: 'multiclass',
      inputs: 64,
      outputs: 10,
    });
    expect(info.summary.map((r) => r.outputShape)).toEqual([
      [4, 8, 8],
      [4, 8, 8],
      [4, 4, 4],
      [64],
      [10],
    ]);
    expect(images.imageProgress()).toEqual({
      name: 'digits',
      loadedBytes: 100,
      totalBytes: 100,
      done: true,
    });
    images.step(50);
    const direct = new Learner(
      module,
      cnn,
      await loadImageDataset('digits', { module, seed: 2 }),
      { lr: 0.01 },
      3,
    );
    direct.step(50);
    expect(await images.weightsHash()).toBe(await direct.weightsHash());
    await images.create(cnn, { name: 'digits', seed: 5 }, { lr: 0.01 }, 3);
    expect(calls).toEqual(['digits']);
    await expect(images.preview({ name: 'digits', seed: 1 })).rejects.toThrow(/image set/);
  });
});

describe('trainer.images', () => {
  it('gives stored pixels, labels and the inputs the network sees, clipped to the split', async () => {
    const module = await loadKernelModule('simd');
    const t = createTrainer(
      async () => module,
      (name) => loadImageAsset(name),
    );
    expect(() => t.images('test', 0, 4)).toThrow(/not an image set/);
    const spec = { layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] };
    await t.create(spec, { name: 'digits', seed: 2 }, {}, 1);
    const data = await loadImageDataset('digits', { module, seed: 2 });
    const rows = t.images('test', data.test.n - 3, 10);
    expect(rows.start).toBe(data.test.n - 3);
    expect(rows.labels.length).toBe(3);
    expect(Array.from(rows.pixels)).toEqual(Array.from(data.test.x.slice(-3 * 64)));
    expect(Array.from(rows.labels)).toEqual(Array.from(data.test.y.slice(-3)));
    // predict on these inputs gives what evaluation computes on the stored pixels.
    const direct = new Learner(module, spec, data, {}, 1);
    expect(Array.from(t.predict(rows.inputs))).toEqual(Array.from(direct.predict(rows.inputs)));
    expect(rows.inputs[5]).toBe(Math.fround(rows.pixels[5]! * Math.fround(1 / 16)));
  });
});
