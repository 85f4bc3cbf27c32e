import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTrainer,
  SAMPLE_MAX,
  SEQUENCE_EXAMPLES,
  type TrainerApi,
} from '../../src/engine/trainer.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

// The sequence views' calls through the worker's message protocol, as the page makes them.
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

describe('the trainer on sequence data', () => {
  it('reports the layout, a few validation examples, gradient health and the hidden state', async () => {
    const info = await trainer.create(
      {
        layers: [
          { type: 'onehot' },
          { type: 'rnn', hidden: 8, sequences: true },
          { type: 'dense', units: 1 },
        ],
      },
      { name: 'parity', seed: 1, steps: 10 },
      { optimizer: 'adam', lr: 0.01, batch: 32 },
      1,
    );
    const s = info.data.sequence!;
    expect(s).toMatchObject({ steps: 10, features: 1, perPosition: true });
    expect(s.vocab).toEqual(['0', '1']);
    expect(s.examples.count).toBe(SEQUENCE_EXAMPLES);
    expect(s.examples.x.length).toBe(SEQUENCE_EXAMPLES * 10);
    expect(s.examples.y.length).toBe(SEQUENCE_EXAMPLES * 10);
    expect(await trainer.gradientHealth()).toEqual([]);
    await trainer.step(5);
    const health = await trainer.gradientHealth();
    expect(health.map((h) => h.layer)).toEqual(['1']);
    expect(health[0]!.norms.length).toBe(10);
    expect([...health[0]!.norms].every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    const state = await trainer.recurrentState('validation', 2, '1');
    expect(state).toMatchObject({ cell: 'rnn', steps: 10, hidden: 8 });
    expect(state.h.length).toBe(80);
    expect([...state.h].every((v) => Math.abs(v) <= 1)).toBe(true);
    await expect(trainer.recurrentState('validation', 1e9, '1')).rejects.toThrow(/index/);
    await expect(trainer.recurrentState('nope' as 'test', 0, '1')).rejects.toThrow(/split/);
    await expect(trainer.recurrentState('validation', 0, '2')).rejects.toThrow(/recurrent/);
    // Parity answers yes/no: nothing to sample.
    await expect(trainer.sample([0], 4, { temperature: 1, topK: 0, seed: 1 })).rejects.toThrow(
      /sample/,
    );
  });

  it('samples names from the separator, within its limits', async () => {
    const info = await trainer.create(
      {
        layers: [
          { type: 'embedding', dim: 8 },
          { type: 'gru', hidden: 16, sequences: true },
          { type: 'dense', units: 27 },
        ],
      },
      { name: 'names', seed: 1 },
      { optimizer: 'adam', lr: 0.01, batch: 32 },
      1,
    );
    const s = info.data.sequence!;
    expect(s.separator).toBe('.');
    const stop = s.vocab!.indexOf(s.separator!);
    await trainer.step(20);
    const options = { temperature: 0.8, topK: 5, seed: 3, stop };
    const a = await trainer.sample([stop], 16, options);
    expect(a.length).toBeGreaterThan(0);
    expect(a.length).toBeLessThanOrEqual(16);
    expect(await trainer.sample([stop], 16, options)).toEqual(a);
    await expect(trainer.sample([], 4, options)).rejects.toThrow(/prompt/);
    await expect(trainer.sample([stop], SAMPLE_MAX + 1, options)).rejects.toThrow(/length/);
    const state = await trainer.recurrentState('validation', 0, '1');
    expect(state.cell).toBe('gru');
    expect(Object.keys(state.gates!)).toEqual(['reset', 'update']);
  });
  it('reads every attention layer of one example, rows summing to 1 and nothing from the future', async () => {
    const info = await trainer.create(
      {
        layers: [
          { type: 'embedding', dim: 16 },
          { type: 'posenc' },
          { type: 'transformer', heads: 2, mlp: 2 },
          { type: 'transformer', heads: 2, mlp: 2, sequences: false },
          { type: 'layernorm' },
          { type: 'dense', units: 4 },
        ],
      },
      { name: 'order', seed: 1 },
      { optimizer: 'adam', lr: 0.01, batch: 32 },
      1,
    );
    const T = info.data.sequence!.steps;
    await trainer.step(3);
    const maps = await trainer.attention('validation', 1);
    expect(maps.map((m) => m.block)).toEqual([2, 3]);
    for (const m of maps) {
      expect(m).toMatchObject({ heads: 2, steps: T });
      expect(m.weights.length).toBe(2 * T * T);
      for (let h = 0; h < 2; h++)
        for (let t = 0; t < T; t++) {
          let sum = 0;
          for (let s = 0; s < T; s++) {
            const w = m.weights[h * T * T + t * T + s]!;
            if (s > t) expect(w).toBe(0);
            else expect(w).toBeGreaterThanOrEqual(0);
            sum += w;
          }
          expect(sum).toBeCloseTo(1, 5);
        }
    }
    expect(new Set(maps.map((m) => m.layer)).size).toBe(2);
    await expect(trainer.attention('validation', 1e9)).rejects.toThrow(/attention: index/);
    await expect(trainer.attention('validation', 0.5)).rejects.toThrow(/attention: index/);
    await expect(trainer.attention('nope' as 'test', 0)).rejects.toThrow(/attention: split/);
  });

  it('finds no attention in a recurrent network, and none on table data', async () => {
    await trainer.create(
      {
        layers: [
          { type: 'onehot' },
          { type: 'rnn', hidden: 4, sequences: true },
          { type: 'dense', units: 1 },
        ],
      },
      { name: 'parity', seed: 1, steps: 6 },
      { optimizer: 'adam', lr: 0.01, batch: 32 },
      1,
    );
    expect(await trainer.attention('validation', 0)).toEqual([]);
    await trainer.create(
      {
        layers: [
          { type: 'dense', units: 4 },
          { type: 'dense', units: 1 },
        ],
      },
      { name: 'xor', seed: 1 },
      { optimizer: 'adam', lr: 0.01, batch: 32 },
      1,
    );
    await expect(trainer.attention('validation', 0)).rejects.toThrow(/attention: .*sequence/);
  });
});
