/**
 * Training from the command line end to end: divergence after the last update, continuing a
 * saved run bit-identically, eval on other data, and a CSV regression target reported in its own
 * units.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';

// The JSON report, read loosely: the assertions below check its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

let dir: string;
let lin: string;
let dropout: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nj-training-'));
  lin = join(dir, 'lin.json');
  await writeFile(lin, JSON.stringify({ layers: [{ type: 'dense', units: 1 }] }));
  dropout = join(dir, 'dropout.json');
  await writeFile(
    dropout,
    JSON.stringify({
      layers: [
        { type: 'dense', units: 16, activation: 'relu' },
        { type: 'dropout', rate: 0.3 },
        { type: 'dense', units: 3 },
      ],
    }),
  );
});

async function trainJson(
  ...args: string[]
): Promise<{ code: number; json: Report; stderr: string }> {
  const out = await run(['train', ...args, '--json']);
  return { code: out.code, json: out.stdout ? JSON.parse(out.stdout) : {}, stderr: out.stderr };
}

describe('divergence after the last update', () => {
  it('infinite weights after the last step are a divergence, and --save writes nothing', async () => {
    const path = join(dir, 'nan.model.json');
    const out = await trainJson(
      '--spec',
      'examples/xor.json',
      '--data',
      'xor',
      '--optimizer',
      'sgd',
      '--lr',
      '10',
      '--l2',
      '6',
      '--steps',
      '22',
      '--save',
      path,
    );
    expect(out.code).toBe(3);
    expect(out.json['diverged']).toMatchObject({
      step: 22,
      quantity: 'weights',
      cause: 'learning-rate',
    });
    expect(out.stderr).toContain(
      'diverged at step 22: The weights stopped being numbers after step 22: the learning rate 10 is probably too high',
    );
    expect(out.stderr).toContain('Try 1.');
    expect(out.stderr).toContain(`nothing was saved to ${path}`);
    expect(existsSync(path)).toBe(false);
  });

  it('finite weights whose loss overflows are a divergence too', async () => {
    const path = join(dir, 'line.model.json');
    const args = ['--spec', lin, '--data', 'line', '--optimizer', 'sgd', '--lr', '10'];
    const out = await trainJson(...args, '--steps', '16', '--save', path);
    expect(out.code).toBe(3);
    expect(out.json['diverged']).toMatchObject({ step: 16, quantity: 'loss' });
    expect(out.stderr).toMatch(
      /diverged at step 16: After step 16 the train loss is not a finite number \(the largest weight is [\d.]+e\+20\): the learning rate 10 is probably too high/,
    );
    expect(existsSync(path)).toBe(false);
    // Human report too: exit 3, and no "saved to".
    const human = await run(['train', ...args, '--steps', '16', '--save', path]);
    expect(human.code).toBe(3);
    expect(human.stdout).not.toContain('saved to');
  });

  it('a loss that grew by orders of magnitude but stayed finite gets a warning', async () => {
    const out = await trainJson(
      '--spec',
      lin,
      '--data',
      'line',
      '--optimizer',
      'sgd',
      '--lr',
      '1.5',
      '--steps',
      '12',
    );
    expect(out.code).toBe(0);
    expect(out.json['diverged']).toBeNull();
    expect(out.stderr).toMatch(
      /warning: the training loss grew from [\d.]+ \(the first batch\) to [\d.e+]+: the run is probably diverging; try a lower learning rate \(such as 0\.15\)/,
    );
    expect(out.json['warnings']).toHaveLength(1);
    const calm = await trainJson(
      '--spec',
      lin,
      '--data',
      'line',
      '--optimizer',
      'sgd',
      '--lr',
      '0.1',
      '--steps',
      '12',
    );
    expect(calm.stderr).toBe('');
    expect(calm.json['warnings']).toEqual([]);
  });
});

describe('a saved run continues exactly where it stopped', () => {
  for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
    it(`1000 + 1000 steps give the hash of 2000 in one go (${optimizer}, with dropout)`, async () => {
      const path = join(dir, `half-${optimizer}.model.json`);
      const args = ['--data', 'spiral', '--seed', '3', '--optimizer', optimizer, '--lr', '0.05'];
      const first = await trainJson('--spec', dropout, ...args, '--steps', '1000', '--save', path);
      expect(first.code).toBe(0);
      const saved = JSON.parse(await readFile(path, 'utf8'));
      expect(saved.state.optimizer).toBe(optimizer);
      const rest = await trainJson('--load', path, '--data', 'spiral', '--steps', '1000');
      expect(rest.code).toBe(0);
      expect(rest.json['seed']).toBe(3); // taken from the model file
      expect(rest.json['steps']).toBe(2000);
      const whole = await trainJson('--spec', dropout, ...args, '--steps', '2000');
      expect(rest.json['weightsHash']).toBe(whole.json['weightsHash']);
      // Without the saved state the continuation differs: the test can tell.
      const fresh = await trainJson(
        '--load',
        path,
        '--data',
        'spiral',
        '--steps',
        '1000',
        '--fresh-state',
      );
      expect(fresh.code).toBe(0);
      expect(fresh.json['weightsHash']).not.toBe(whole.json['weightsHash']);
    });
  }

  it('a file without saved state still loads, with the optimizer starting afresh', async () => {
    const path = join(dir, 'half-adam.model.json');
    const saved = JSON.parse(await readFile(path, 'utf8'));
    delete saved.state;
    const old = join(dir, 'old.model.json');
    await writeFile(old, JSON.stringify(saved));
    const a = await trainJson('--load', old, '--data', 'spiral', '--steps', '1000');
    const b = await trainJson(
      '--load',
      path,
      '--data',
      'spiral',
      '--steps',
      '1000',
      '--fresh-state',
    );
    expect(a.code).toBe(0);
    expect(a.json['weightsHash']).toBe(b.json['weightsHash']);
  });

  it('state for another optimizer or another data size is refused with a clear message', async () => {
    const path = join(dir, 'half-adam.model.json');
    const other = await run(['train', '--load', path, '--data', 'spiral', '--optimizer', 'sgd']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      `--optimizer sgd: ${path} holds the state of adam, which sgd cannot continue; leave out --optimizer to continue with adam, or add --fresh-state`,
    );
    const switched = await trainJson(
      '--load',
      path,
      '--data',
      'spiral',
      '--optimizer',
      'sgd',
      '--fresh-state',
      '--steps',
      '5',
    );
    expect(switched.code).toBe(0);

    const csv = (rows: number): string =>
      [
        'x,y,label',
        ...Array.from({ length: rows }, (_, i) => `${i % 7},${i % 5},${i % 3 === 0 ? 'a' : 'b'}`),
      ].join('\n');
    const small = join(dir, 'small.csv');
    const big = join(dir, 'big.csv');
    await writeFile(small, csv(100));
    await writeFile(big, csv(140));
    const model = join(dir, 'small.model.json');
    const trained = await trainJson(
      '--spec',
      lin,
      '--data',
      small,
      '--steps',
      '50',
      '--save',
      model,
    );
    expect(trained.code).toBe(0);
    const out = await run(['train', '--load', model, '--data', big, '--steps', '5']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `${model}: state.order holds 70 rows, but the training split has 98: this state was saved for other data`,
    );
    expect(out.stderr).toContain('add --fresh-state');
  });
});

describe('eval', () => {
  it('warns when the data differ from the data the model was trained on', async () => {
    const path = join(dir, 'xor.model.json');
    expect(
      (
        await trainJson(
          '--spec',
          'examples/xor.json',
          '--data',
          'xor',
          '--steps',
          '50',
          '--save',
          path,
        )
      ).code,
    ).toBe(0);
    const same = await run(['eval', '--load', path, '--data', 'xor']);
    expect(same.code).toBe(0);
    expect(same.stderr).toBe('');
    const seed = await run(['eval', '--load', path, '--data', 'xor', '--seed', '2']);
    expect(seed.code).toBe(0);
    expect(seed.stderr).toBe(
      `warning: ${path} was trained on xor, seed 1; this evaluates it on xor, seed 2, which is other data (the splits and the scores differ)\n`,
    );
    const other = await run(['eval', '--load', path, '--data', 'circles', '--json']);
    expect(other.code).toBe(0);
    expect(other.stderr).toContain('this evaluates it on circles, seed 1, which is other data');
    expect(JSON.parse(other.stdout).warnings).toHaveLength(1);
  });

  it('warns when a CSV of the same name was changed since training', async () => {
    const csv = join(dir, 'changing.csv');
    const rows = (k: number): string =>
      [
        'a,b,y',
        ...Array.from({ length: 60 }, (_, i) => `${(i * k) % 11},${i % 4},${(i * 3.7) % 10}`),
      ].join('\n');
    await writeFile(csv, rows(3));
    const path = join(dir, 'changing.model.json');
    expect(
      (await trainJson('--spec', lin, '--data', csv, '--steps', '20', '--save', path)).code,
    ).toBe(0);
    expect((await run(['eval', '--load', path, '--data', csv])).stderr).toBe('');
    await writeFile(csv, rows(5));
    const out = await run(['eval', '--load', path, '--data', csv]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(
      'the features of changing.csv, seed 1 are standardised differently',
    );
  });

  it('scores a model on a set smaller than its training batch (the batch only shapes training)', async () => {
    const path = join(dir, 'batch.model.json');
    const trained = await trainJson(
      '--spec',
      lin,
      '--data',
      'xor',
      '--steps',
      '5',
      '--batch',
      '64',
      '--save',
      path,
    );
    expect(trained.code).toBe(0);
    const csv = join(dir, 'tiny.csv');
    await writeFile(
      csv,
      ['x,y,label', ...Array.from({ length: 20 }, (_, i) => `${i % 3},${i % 4},${i % 2}`)].join(
        '\n',
      ),
    );
    const out = await run(['eval', '--load', path, '--data', csv, '--json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).train.rows).toBe(14);
    expect(out.stderr).toContain('which is other data');
  });

  it('a batch larger than the training rows is refused with both numbers', async () => {
    const out = await run([
      'train',
      '--spec',
      'examples/xor.json',
      '--data',
      'xor',
      '--batch',
      '500',
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      '--batch must be at most 420, the rows of the training split, got 500',
    );
  });
});

/** Deterministic uniform numbers in [0, 1) for test data (a 32-bit LCG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('a CSV regression target is standardised and reported in its own units', () => {
  it('house prices: the loss in price units, the scale, and eval rebuilding it', async () => {
    const rand = lcg(11);
    const lines = ['size,rooms,age,price'];
    for (let i = 0; i < 300; i++) {
      const size = 50 + 150 * rand();
      const rooms = 1 + Math.floor(5 * rand());
      const age = Math.floor(80 * rand());
      const noise = (rand() + rand() + rand() - 1.5) * 20000;
      lines.push(
        `${size.toFixed(1)},${rooms},${age},${Math.round(84000 + 1800 * size + 9000 * rooms - 900 * age + noise)}`,
      );
    }
    const csv = join(dir, 'houses.csv');
    await writeFile(csv, lines.join('\n'));
    const spec = join(dir, 'mlp.json');
    await writeFile(
      spec,
      JSON.stringify({
        layers: [
          { type: 'dense', units: 16, activation: 'relu' },
          { type: 'dense', units: 1 },
        ],
      }),
    );
    const path = join(dir, 'houses.model.json');
    const args = [
      '--spec',
      spec,
      '--data',
      csv,
      '--target',
      'price',
      '--steps',
      '400',
      '--lr',
      '0.01',
    ];
    const out = await trainJson(...args, '--save', path);
    expect(out.code).toBe(0);
    const scale = out.json['targetStandardization'];
    expect(scale.mean[0]).toBeGreaterThan(250_000);
    expect(scale.mean[0]).toBeLessThan(350_000);
    const variance = scale.std[0] ** 2;
    for (const split of ['train', 'validation', 'test']) {
      const e = out.json[split];
      expect(e.lossInTargetUnits / (e.loss * variance)).toBeCloseTo(1, 4);
    }
    // Well below predicting the mean price, whose error is the variance of the prices.
    expect(out.json['validation'].lossInTargetUnits).toBeLessThan(0.15 * variance);
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(saved.data.targetStandardization).toEqual(scale);

    const human = await run(['train', ...args]);
    expect(human.stdout).toMatch(
      /target {5}price, standardised for training \(mean 3\.\d{4}e\+5, std [\d.e+]+\); losses also in price² \(loss × std²\)/,
    );
    expect(human.stdout).toMatch(/validation loss [\d.]+ \([\d.e+]+ in price²\)/);

    const evaluated = await run(['eval', '--load', path, '--data', csv, '--json']);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stderr).toBe('');
    const e = JSON.parse(evaluated.stdout);
    expect(e.targetStandardization).toEqual(scale);
    expect(e.validation).toEqual(out.json['validation']);

    // A file written before targets were standardised has no scale: its network predicts raw
    // prices, so eval keeps the raw targets for it.
    delete saved.data.targetStandardization;
    const old = join(dir, 'houses-old.model.json');
    await writeFile(old, JSON.stringify(saved));
    const raw = JSON.parse((await run(['eval', '--load', old, '--data', csv, '--json'])).stdout);
    expect(raw.targetStandardization).toBeNull();
    expect(raw.validation.lossInTargetUnits).toBeNull();
    expect(raw.validation.loss).toBeGreaterThan(1e10); // raw prices against outputs near 0
  });

  it('classification and bundled regression sets report no target scale', async () => {
    const out = await trainJson('--spec', lin, '--data', 'diabetes', '--steps', '10');
    expect(out.code).toBe(0);
    expect(out.json['targetStandardization']).toBeNull();
    expect(out.json['validation'].lossInTargetUnits).toBeNull();
    expect(out.json['validation'].loss).toBeGreaterThan(1000); // raw targets, 25 to 346
  });
});
