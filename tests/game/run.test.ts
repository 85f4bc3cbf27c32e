import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import type { Divergence } from '../../src/engine/learner.js';
import { createTrainer, type TrainerApi } from '../../src/engine/trainer.js';
import { levelById } from '../../src/levels/index.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { planChunks, runBatch } from '../../src/game/run-batch.js';
import { RunPace, STEPS_PER_SECOND } from '../../src/game/run-pace.js';
import { divergenceAdvice, metricsLines } from '../../src/game/scenes/training-text.js';

// The live run's worker calls, over a real MessageChannel like the page's.
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

describe('planChunks', () => {
  it('cuts the steps at every goal check and at the budget', () => {
    expect(planChunks(0, 60, 25, 1000)).toEqual([25, 25, 10]);
    expect(planChunks(10, 40, 25, 1000)).toEqual([15, 25]);
    expect(planChunks(990, 50, 25, 1000)).toEqual([10]);
    expect(planChunks(1000, 50, 25, 1000)).toEqual([]);
  });

  it('asks for one step at least', () => {
    expect(planChunks(3, 0, 25, 1000)).toEqual([1]);
  });
});

describe('RunPace', () => {
  it('follows the clock: a quarter speed trains one step every 40 ms', () => {
    const pace = new RunPace();
    const due: number[] = [];
    for (let t = 16; t <= 16 * 20; t += 16) due.push(pace.due(t, 0.25));
    // 20 frames of 16 ms at 25 steps a second: 8 steps in all, never two in one frame.
    expect(due.reduce((a, b) => a + b, 0)).toBe(
      Math.floor((20 * 16 * 0.25 * STEPS_PER_SECOND) / 1000),
    );
    expect(Math.max(...due)).toBe(1);
  });

  it('sizes the next call from the cost per step above the fastest call seen', () => {
    const pace = new RunPace();
    pace.measured(5, 10); // the first call sets the latency: all of it counts as round trip
    pace.due(16, 1);
    // 250 ms (the most one frame counts) at 8× is 200 steps, and nothing cuts them.
    expect(pace.due(266, 8)).toBe(200);
    pace.measured(5 + 100 * 1, 100); // now 1 ms a step: 40 steps fit in the 40 ms budget
    expect(pace.due(516, 8)).toBe(40);
  });

  it('forgets owed steps when a run starts again', () => {
    const pace = new RunPace();
    pace.due(16, 0.25);
    pace.due(32, 0.25); // 0.8 of a step owed
    pace.clearOwed();
    expect(pace.due(48, 0.25)).toBe(0);
  });
});

describe('runBatch', () => {
  const spec = {
    layers: [
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'dense', units: 1 },
    ],
  };
  const options = { optimizer: 'adam', lr: 0.02, batch: 16 };

  it('evaluates at the checks only and rewinds to exactly an earlier check', async () => {
    await trainer.create(spec, { name: 'moons', seed: 3 }, options, 3);
    const batch = await runBatch(trainer, {
      from: 0,
      steps: 70,
      checkEvery: 25,
      budget: 1000,
      split: 'train',
      readPoint: false,
    });
    expect(batch.steps).toBe(70);
    expect(batch.results.map((r) => r.step.step)).toEqual([25, 50, 70]);
    expect(batch.results.map((r) => r.goal !== null)).toEqual([true, true, false]);
    // Judged on train, so validation is evaluated beside it at each check.
    expect(batch.results[0]!.validation?.split).toBe('validation');
    await batch.rewindTo(0);
    const rewound = await trainer.weightsHash();
    expect((await trainer.describe()).step).toBe(25);

    await trainer.create(spec, { name: 'moons', seed: 3 }, options, 3);
    await trainer.step(25);
    expect(await trainer.weightsHash()).toBe(rewound);
  });

  it('reads the first weight and bias after each chunk for a landscape', async () => {
    await trainer.create(
      { layers: [{ type: 'dense', units: 1 }] },
      { name: 'line', seed: 1 },
      { optimizer: 'sgd', lr: 0.05, batch: 8 },
      1,
    );
    const batch = await runBatch(trainer, {
      from: 0,
      steps: 30,
      checkEvery: 25,
      budget: 40,
      split: 'validation',
      readPoint: true,
    });
    expect(batch.results.map((r) => r.step.step)).toEqual([25, 30]);
    const [w, b] = batch.results[1]!.point!;
    expect((await trainer.read('0.weight'))[0]).toBe(w);
    expect((await trainer.read('0.bias'))[0]).toBe(b);
    expect(batch.results[0]!.validation).toBeNull();
  });
});

describe('training text', () => {
  const level = levelById('c0-line')!;
  const overshoot: Divergence = { step: 7, quantity: 'loss', cause: 'learning-rate', message: '' };
  const lrRange = { value: 0.01, min: 0.001, max: 1, locked: false };

  it('offers a ten times smaller rate where the player may lower it', () => {
    const advice = divergenceAdvice(overshoot, {
      lr: 0.5,
      lrRange,
      lrEditable: true,
      lrIsIdea: false,
      layersEditable: true,
    });
    expect(advice.rewindTo).toBeCloseTo(0.05);
    expect(advice.message).toContain('loss stopped being a number at step 7');
    expect(advice.message).toContain('a learning rate of 0.5 is too big');
  });

  it('hands out no rate where choosing it is the lesson, or where it cannot go lower', () => {
    const idea = divergenceAdvice(overshoot, {
      lr: 0.5,
      lrRange,
      lrEditable: true,
      lrIsIdea: true,
      layersEditable: true,
    });
    expect(idea.rewindTo).toBeNull();
    expect(idea.message).toContain('choose a smaller learning rate yourself');
    // A teacher who locked the rate on such a level: no advice to change it.
    const lockedIdea = divergenceAdvice(overshoot, {
      lr: 0.5,
      lrRange,
      lrEditable: false,
      lrIsIdea: true,
      layersEditable: false,
    });
    expect(lockedIdea.rewindTo).toBeNull();
    expect(lockedIdea.message).not.toContain('choose a smaller learning rate');
    expect(lockedIdea.message).toContain('The learning rate is fixed here');
    const atMin = divergenceAdvice(overshoot, {
      lr: 0.001,
      lrRange,
      lrEditable: true,
      lrIsIdea: false,
      layersEditable: false,
    });
    expect(atMin.rewindTo).toBeNull();
    expect(atMin.message).toContain('try another seed');
    const locked = divergenceAdvice(
      { ...overshoot, cause: 'exploding-gradient', quantity: 'gradient' },
      { lr: 0.5, lrRange, lrEditable: false, lrIsIdea: false, layersEditable: true },
    );
    expect(locked.rewindTo).toBeNull();
    expect(locked.message).toContain('The gradient grew and grew');
    expect(locked.message).toContain('change the network');
    // Where the level opens clipping, an exploding gradient is told to clip, not to reseed.
    const clip = divergenceAdvice(
      { ...overshoot, cause: 'exploding-gradient', quantity: 'gradient' },
      {
        lr: 0.5,
        lrRange,
        lrEditable: false,
        lrIsIdea: false,
        layersEditable: false,
        clipEditable: true,
      },
    );
    expect(clip.rewindTo).toBeNull();
    expect(clip.message).toContain('turn on gradient clipping');
    expect(clip.message).not.toContain('another seed');
  });

  it('writes the goal state beside the numbers, and the error in the data units', () => {
    const lines = metricsLines(level, {
      step: 50,
      budget: 400,
      trainLoss: 0.5,
      trainAccuracy: null,
      validation: { loss: 0.25, accuracy: null },
      goal: { loss: 0.25, accuracy: null },
      scale: { mean: 0, std: 2 },
      over: false,
    });
    expect(lines[0]).toBe('Step 50 of 400');
    expect(lines[1]).toBe('Train loss 0.500');
    expect(lines[3]).toBe("In the data's units: 1.00, miss ≈ 1.00");
    const met = level.goal.threshold >= 0.25;
    expect(lines[4]).toContain(met ? '✓ met' : '· not yet');
    const over = metricsLines(level, {
      step: 400,
      budget: 400,
      trainLoss: 9,
      trainAccuracy: null,
      validation: { loss: 9, accuracy: null },
      goal: { loss: 9, accuracy: null },
      scale: null,
      over: true,
    });
    expect(over.at(-1)).toContain('✗ not met');
  });
});
