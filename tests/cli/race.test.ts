import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { USAGE } from '../../src/cli/args.js';
import { createTrainer } from '../../src/engine/trainer.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const xor = 'examples/xor.json';

// The JSON report, read loosely: the assertions below check its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

const trainer = createTrainer(() => loadKernelModule('simd'));
afterAll(() => trainer.dispose());

describe('neural-journey race', () => {
  it('prints each lane’s curve and hashes, the same numbers the trainer API gives', async () => {
    const args = ['--spec', xor, '--data', 'xor', '--optimizers', 'sgd,momentum,adam'];
    const out = await run([
      'race',
      ...args,
      '--lr',
      '0.1,0.05,0.01',
      '--steps',
      '100',
      '--seed',
      '3',
      '--batch',
      '16',
      '--json',
    ]);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as Report;
    expect(json).toMatchObject({
      command: 'race',
      data: 'xor',
      seed: 3,
      steps: 100,
      batch: 16,
      params: 17,
    });
    expect(json.lanes.map((l: Report) => [l.options.optimizer, l.options.lr, l.step])).toEqual([
      ['sgd', 0.1, 100],
      ['momentum', 0.05, 100],
      ['adam', 0.01, 100],
    ]);
    expect(new Set(json.lanes.map((l: Report) => l.startHash)).size).toBe(1);
    expect(new Set(json.lanes.map((l: Report) => l.finalHash)).size).toBe(3);
    expect(json.lanes[0].curve.map((p: Report) => p.step)).toEqual([25, 50, 75, 100]);

    const spec = JSON.parse(await readFile(xor, 'utf8')) as unknown;
    const info = await trainer.raceCreate(
      spec,
      { name: 'xor', seed: 3 },
      { batch: 16 },
      [
        { optimizer: 'sgd', lr: 0.1 },
        { optimizer: 'momentum', lr: 0.05 },
        { optimizer: 'adam', lr: 0.01 },
      ],
      3,
    );
    expect(info.startHashes).toEqual(json.lanes.map((l: Report) => l.startHash));
    trainer.raceStep(100);
    expect(await trainer.raceHashes()).toEqual(json.lanes.map((l: Report) => l.finalHash));
    expect(trainer.raceCurves().map((c) => c.points)).toEqual(
      json.lanes.map((l: Report) => l.curve),
    );
    expect(await trainer.raceReport()).toEqual({ lanes: json.lanes });
    expect(trainer.raceEvaluate('validation').map((e) => e.lane)).toEqual([0, 1, 2]);
  });

  it('one --lr applies to every lane, and the report reads for a person without --json', async () => {
    const out = await run([
      'race',
      '--spec',
      xor,
      '--data',
      'xor',
      '--optimizers',
      'sgd,adam',
      '--lr',
      '0.02',
      '--steps',
      '50',
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^race on xor \(binary\), 17 parameters, 50 steps, seed 1, batch 32/,
    );
    expect(out.stdout).toMatch(/lane 0 sgd +lr 0\.02: train loss/);
    expect(out.stdout).toMatch(/lane 1 adam +lr 0\.02: train loss/);
    expect(out.stdout.match(/start [0-9a-f]{64}/g)).toHaveLength(2);
  });

  it('a lane that diverges is reported and the others run on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-race-'));
    const unit = join(dir, 'unit.json');
    await writeFile(unit, JSON.stringify({ layers: [{ type: 'dense', units: 1 }] }));
    const out = await run([
      'race',
      '--spec',
      unit,
      '--data',
      'line',
      '--optimizers',
      'sgd,adam',
      '--lr',
      '5,0.01',
      '--steps',
      '200',
      '--json',
    ]);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as Report;
    expect(json.lanes[0].diverged).toMatchObject({ step: 22 });
    expect(json.lanes[0].step).toBeLessThan(25);
    expect(json.lanes[1]).toMatchObject({ step: 200, diverged: null });
    expect(out.stderr).toMatch(/warning: lane 0 \(sgd\) diverged at step 22: .*learning rate 5/);
  });

  it('is in the usage text', () => {
    expect(USAGE).toMatch(/neural-journey race +--spec FILE --data NAME\|FILE\.csv/);
    expect(USAGE).toMatch(/--optimizers sgd,adam/);
  });
});

describe('race: bad input gets a clear message and exit code 2', () => {
  const race = ['race', '--spec', xor, '--data', 'xor'];
  const cases: Array<[string[], RegExp]> = [
    [race, /race needs --optimizers, 1 to 4 of sgd, momentum, rmsprop, adam, adamw/],
    [[...race, '--optimizers', 'sgd,lbfgs'], /--optimizers: "lbfgs" is not an optimizer/],
    [
      [...race, '--optimizers', 'sgd,,adam'],
      /--optimizers must be a comma-separated list without empty items/,
    ],
    [
      [...race, '--optimizers', 'sgd,adam,sgd,adam,sgd'],
      /--optimizers takes 1 to 4 optimizers, got 5/,
    ],
    [
      [...race, '--optimizers', 'sgd,adam', '--lr', '0.1,0.2,0.3'],
      /--lr gives 3 learning rates for 2 optimizers/,
    ],
    [[...race, '--optimizers', 'sgd', '--lr', 'abc'], /--lr must be a number, got "abc"/],
    [
      [...race, '--optimizers', 'sgd', '--lr', '100'],
      /--lr must be a number from 1e-7 to 10, got 100/,
    ],
    [
      [...race, '--optimizers', 'sgd', '--batch', '0'],
      /--batch must be an integer from 1 to 4096, got 0/,
    ],
    [
      [...race, '--optimizers', 'sgd', '--steps', '200000'],
      /--steps must be an integer from 0 to 100000/,
    ],
    [
      [...race, '--optimizer', 'sgd'],
      /--optimizer does not apply to race \(use --optimizers sgd,adam,…\)/,
    ],
    [[...race, '--optimizers', 'sgd', '--save', 'x.json'], /--save does not apply to race/],
    [[...race, '--optimizers', 'sgd', '--port', '80'], /--port applies to serve only/],
    [['race', '--data', 'xor', '--optimizers', 'sgd'], /--spec is required/],
    [['race', '--spec', xor, '--optimizers', 'sgd'], /--data is required/],
    [
      ['train', '--spec', xor, '--data', 'xor', '--optimizers', 'sgd'],
      /--optimizers applies to race only/,
    ],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const out = await run(args);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(message);
    });
  }
});
