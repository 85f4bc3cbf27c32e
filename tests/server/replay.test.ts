/**
 * The server's replay is the judge: the same submission gives the same verdict and weights as
 * the Node learner and `runLevel`; a setup the level does not allow is refused with the rule it
 * breaks; a valid network that is bad is scored by what it really does.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Learner } from '../../src/engine/learner.js';
import { goalValue, levelDataset, runLevel } from '../../src/levels/judge.js';
import { loadLevelAssets } from '../../src/node/image-data.js';
import { rulesOf, startSetup } from '../../src/levels/rules.js';
import { parseLevel } from '../../src/levels/schema.js';
import type { Level } from '../../src/levels/types.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { replay, type ReplayBody } from '../../src/server/replay.js';
import type { Outcome } from '../../src/server/store.js';

const ROOT = join(import.meta.dirname, '..', '..');
let module: WebAssembly.Module;

function level(id: string): Level {
  return parseLevel(
    JSON.parse(readFileSync(join(ROOT, 'levels', `${id}.json`), 'utf8')),
    `levels/${id}.json`,
  );
}

function run(l: Level, body: ReplayBody): Promise<Outcome> {
  return replay(module, l, body, { timeLimitMs: 20_000 });
}

beforeAll(async () => {
  module = await loadKernelModule('simd');
});

describe('replay', () => {
  it('matches runLevel and a Learner trained directly: same steps, score and weights', async () => {
    // A level on images too: the server decodes the digits and shifts them as the game does.
    for (const id of ['c2-xor', 'c1-blobs', 'c4-pixels']) {
      const l = level(id);
      const ref = l.reference;
      const outcome = await run(l, { spec: ref.spec, options: ref.options, seed: ref.seed });
      expect(outcome.status).toBe('done');
      if (outcome.status !== 'done') continue;
      const images = await loadLevelAssets([l]);
      const judged = runLevel(module, l, { ...ref, steps: l.stepBudget }, images);
      expect(outcome.result.passed).toBe(judged.passed);
      expect(outcome.result.steps).toBe(judged.steps);
      expect(outcome.result.params).toBe(judged.params);
      if (l.goal.split === 'validation') expect(outcome.result.publicScore).toBe(judged.achieved);

      const learner = new Learner(
        module,
        ref.spec,
        levelDataset(module, l, {}, images),
        ref.options,
        ref.seed,
      );
      learner.step(outcome.result.steps);
      expect(outcome.result.weightsHash).toBe(await learner.weightsHash());
      expect(outcome.result.publicScore).toBe(goalValue(l.goal, learner.evaluate('validation')));
      expect(outcome.result.privateScore).toBe(goalValue(l.goal, learner.evaluate('test')));
      expect(outcome.result.loss).toBe(learner.evaluate('validation').loss);
      learner.dispose();

      const again = await run(l, { spec: ref.spec, options: ref.options, seed: ref.seed });
      expect(again).toEqual(outcome);
    }
  });

  it('takes what the game submits: each level start setup, and its reference with full options', async () => {
    for (const file of readdirSync(join(ROOT, 'levels')).filter((f) => f.endsWith('.json'))) {
      const l = level(file.replace(/\.json$/, ''));
      const start = startSetup(rulesOf(l));
      const full = { ...l.reference, options: { ...start.options, ...l.reference.options } };
      for (const body of [start, full]) {
        const outcome = await replay(module, l, body, { timeLimitMs: 60_000 });
        expect(outcome.status === 'refused' ? outcome.message : 'ok', l.id).toMatch(
          /^(ok|The run diverged)/,
        );
      }
      const reference = await replay(module, l, full, { timeLimitMs: 60_000 });
      expect(reference, l.id).toMatchObject({ status: 'done', result: { passed: true } });
    }
    // Every level's reference, the Fashion-MNIST ones among them: a minute or two.
  }, 300_000);

  it('refuses a setup the level does not allow, with the rule it breaks', async () => {
    const l = level('c2-xor');
    const ref = l.reference;
    const cases: Array<[ReplayBody, RegExp]> = [
      [
        {
          ...ref,
          spec: {
            layers: [
              { type: 'dense', units: 64, activation: 'relu' },
              { type: 'dense', units: 1, activation: 'sigmoid' },
            ],
          },
        },
        /Layer 1 has 64 units; this level allows at most 8/,
      ],
      [
        {
          ...ref,
          spec: {
            layers: [
              { type: 'dense', units: 8, activation: 'relu' },
              { type: 'dropout', rate: 0.2 },
              { type: 'dense', units: 1, activation: 'sigmoid' },
            ],
          },
        },
        /This level has no dropout block/,
      ],
      [
        {
          ...ref,
          spec: {
            layers: [
              { type: 'dense', units: 8, activation: 'leaky_relu' },
              { type: 'dense', units: 1, activation: 'sigmoid' },
            ],
          },
        },
        /does not offer the leaky_relu activation/,
      ],
      [
        { ...ref, options: { ...ref.options, lr: 5 } },
        /learning rate 5 → 0\.3 \(here from 0\.01 to 3\)/,
      ],
      [{ ...ref, options: { ...ref.options, optimizer: 'adam' } }, /optimizer .* → .*\(here: /],
      [{ ...ref, options: { ...ref.options, batch: 8 } }, /batch size 8 → 32 \(fixed here\)/],
      [
        { ...ref, options: { ...ref.options, momentum: 0.5 } },
        /momentum 0\.5 → 0\.9 \(no control for it here\)/,
      ],
      [{ ...ref, seed: 5000 }, /seed 5000 → 1/],
      [{ ...ref, data: { noise: 0.5 } }, /noise 0\.5 → the level's own \(no control for it here\)/],
    ];
    for (const [body, rule] of cases) {
      const outcome = await run(l, body);
      expect(outcome.status).toBe('refused');
      if (outcome.status === 'refused') {
        expect(outcome.message).toMatch(/^This run is not one level c2-xor allows: /);
        expect(outcome.message).toMatch(rule);
      }
    }
    const broken = await run(l, { ...ref, spec: { layers: [{ type: 'dense', units: 0 }] } });
    expect(broken).toMatchObject({
      status: 'refused',
      message: expect.stringMatching(/units must be an integer/),
    });
  });

  it('scores a valid but bad network by what it does: no hidden layer fails XOR', async () => {
    const l = level('c2-xor');
    const outcome = await run(l, { spec: l.naive.spec, options: l.naive.options, seed: 1 });
    expect(outcome).toMatchObject({
      status: 'done',
      result: { passed: false, stars: 0, steps: l.stepBudget, params: 3 },
    });
    if (outcome.status === 'done')
      expect(outcome.result.publicScore).toBeLessThan(l.goal.threshold);
  });

  it('refuses a diverged run and one over the time cap', async () => {
    const l = level('c2-xor');
    const line = level('c0-line');
    const diverged = await run(line, {
      ...line.reference,
      options: { ...line.reference.options, lr: 5 },
    });
    expect(diverged).toMatchObject({
      status: 'refused',
      message: expect.stringMatching(/^The run diverged at step \d+/),
    });
    let t = 0;
    const slow = await replay(
      module,
      l,
      { spec: l.naive.spec, options: l.naive.options, seed: 1 },
      { timeLimitMs: 1000, clock: () => (t += 400) },
    );
    expect(slow).toEqual({
      status: 'refused',
      message: "The replay took longer than 1 s, the server's limit per run.",
    });
  });
});
