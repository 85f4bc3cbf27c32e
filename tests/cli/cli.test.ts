import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';

const xor = 'examples/xor.json';

// The JSON report, read loosely: the assertions below check its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

async function train(...args: string[]): Promise<{ code: number; json: Report; stderr: string }> {
  const out = await run(['train', ...args, '--json']);
  return { code: out.code, json: out.stdout ? JSON.parse(out.stdout) : {}, stderr: out.stderr };
}

describe('neural-journey train', () => {
  const xorRun = (seed: string) =>
    train('--spec', xor, '--data', 'xor', '--steps', '300', '--seed', seed, '--lr', '0.03');

  it('reports one JSON object, and the same seed twice gives the same weightsHash', async () => {
    const a = await xorRun('4');
    expect(a.code).toBe(0);
    expect(a.json).toMatchObject({
      command: 'train',
      data: 'xor',
      steps: 300,
      seed: 4,
      params: 17,
      diverged: null,
    });
    expect(a.json['weightsHash']).toMatch(/^[0-9a-f]{64}$/);
    expect(a.json['stepsPerSecond']).toBeGreaterThan(0);
    for (const split of ['train', 'validation', 'test']) {
      expect(a.json[split].loss).toBeGreaterThan(0);
      expect(a.json[split].accuracy).toBeGreaterThanOrEqual(0);
    }
    const b = await xorRun('4');
    expect(b.json['weightsHash']).toBe(a.json['weightsHash']);
    const c = await xorRun('5');
    expect(c.json['weightsHash']).not.toBe(a.json['weightsHash']);
  });

  it('saves a model that eval scores identically, and --load continues training', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-cli-'));
    const model = join(dir, 'iris.model.json');
    const trained = await train(
      '--spec',
      'examples/iris.json',
      '--data',
      'iris',
      '--steps',
      '500',
      '--lr',
      '0.05',
      '--save',
      model,
    );
    expect(trained.code).toBe(0);
    const saved = JSON.parse(await readFile(model, 'utf8'));
    expect(Object.keys(saved.params)).toEqual(['0.weight', '0.bias']);
    expect(saved.params['0.weight'].shape).toEqual([3, 4]);
    const evaluated = await run(['eval', '--load', model, '--data', 'iris', '--json']);
    expect(evaluated.code).toBe(0);
    const e = JSON.parse(evaluated.stdout);
    expect(e.test).toEqual(trained.json['test']);
    expect(e.weightsHash).toBe(trained.json['weightsHash']);
    const more = await train('--load', model, '--data', 'iris', '--steps', '10');
    expect(more.code).toBe(0);
    expect(more.json['steps']).toBe(510);
  });

  it('trains a spec with input features and an L1 penalty, and eval reads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-cli-'));
    const spec = join(dir, 'circle.json');
    const model = join(dir, 'circle.model.json');
    await writeFile(
      spec,
      JSON.stringify({ features: ['x1x1', 'x2x2'], layers: [{ type: 'dense', units: 1 }] }),
    );
    const trained = await train(
      '--spec',
      spec,
      '--data',
      'circles',
      '--lr',
      '0.05',
      '--l1',
      '0.001',
      '--steps',
      '300',
      '--save',
      model,
    );
    expect(trained.code).toBe(0);
    expect(trained.json['params']).toBe(3);
    expect(trained.json['validation'].accuracy).toBeGreaterThanOrEqual(0.95);
    const saved = JSON.parse(await readFile(model, 'utf8'));
    expect(saved.spec.features).toEqual(['x1x1', 'x2x2']);
    expect(saved.optimizer.l1).toBe(0.001);
    expect(saved.params['0.weight'].shape).toEqual([1, 2]);
    const evaluated = await run(['eval', '--load', model, '--data', 'circles', '--json']);
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).test).toEqual(trained.json['test']);
    const bad = await run(['train', '--spec', spec, '--data', 'iris']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('features needs data with 2 inputs (x1, x2); iris has 4');
    const negative = await run(['train', '--spec', spec, '--data', 'circles', '--l1', '-1']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--l1 must be a number from 0 to 10, got -1');
  });

  it('trains on a CSV file with a named target column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-cli-'));
    const csv = join(dir, 'points.csv');
    const rows = ['a,b,label'];
    for (let i = 0; i < 60; i++)
      rows.push(`${(i % 7) / 7},${(i % 5) / 5},${i % 7 > 3 ? 'big' : 'small'}`);
    await writeFile(csv, rows.join('\n') + '\n');
    await writeFile(
      join(dir, 'net.json'),
      JSON.stringify({ layers: [{ type: 'dense', units: 1 }] }),
    );
    const out = await train(
      '--spec',
      join(dir, 'net.json'),
      '--data',
      csv,
      '--target',
      'label',
      '--steps',
      '200',
    );
    expect(out.code).toBe(0);
    expect(out.json['task']).toBe('binary');
  });
});

describe('bad input gets a clear message and exit code 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['train', '--data', 'xor'], /--spec is required/],
    [['train', '--spec', xor], /--data is required/],
    [
      ['train', '--spec', 'missing.json', '--data', 'xor'],
      /cannot read the spec file "missing.json": no such file/,
    ],
    [['train', '--spec', xor, '--data', 'nope'], /nope/],
    [['train', '--spec', xor, '--data', 'xor', '--lr', 'abc'], /--lr must be a number, got "abc"/],
    [['train', '--spec', xor, '--data', 'xor', '--lr', 'NaN'], /--lr must be a number, got "NaN"/],
    [
      ['train', '--spec', xor, '--data', 'xor', '--lr', '100'],
      /--lr must be a number from 1e-7 to 10, got 100/,
    ],
    [
      ['train', '--spec', xor, '--data', 'xor', '--batch', '0'],
      /--batch must be an integer from 1 to 4096, got 0/,
    ],
    [
      ['train', '--spec', xor, '--data', 'xor', '--optimizer', 'lbfgs'],
      /--optimizer must be one of sgd, momentum, rmsprop, adam, adamw/,
    ],
    [
      ['train', '--spec', xor, '--data', 'xor', '--steps', '-5'],
      /--steps must be an integer from 0 to 10000000/,
    ],
    [['train', '--spec', xor, '--data', 'xor', '--frobnicate'], /unknown option --frobnicate/],
    [
      ['train', '--spec', xor, '--data', 'iris'],
      /layers\[1\]\.units must be 3 to match the 3 classes of iris, got 1/,
    ],
    [['eval', '--data', 'xor'], /eval needs --load MODEL/],
    [['fly'], /unknown command "fly"/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const out = await run(args);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(message);
    });
  }

  it('a spec file with a bad layer names the file and the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-cli-'));
    const spec = join(dir, 'bad.json');
    await writeFile(
      spec,
      JSON.stringify({
        layers: [
          { type: 'dense', units: 4 },
          { type: 'dense', units: 0 },
        ],
      }),
    );
    const out = await run(['train', '--spec', spec, '--data', 'xor']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `${spec}: layers[1].units must be an integer from 1 to 4096, got 0`,
    );
    await writeFile(spec, '{"layers": [');
    expect((await run(['train', '--spec', spec, '--data', 'xor'])).stderr).toMatch(
      /is not valid JSON/,
    );
  });

  it('a damaged model file is named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-cli-'));
    const model = join(dir, 'm.json');
    await writeFile(
      model,
      JSON.stringify({ format: 'neural-journey/model@1', spec: { layers: [] }, params: {} }),
    );
    const out = await run(['eval', '--load', model, '--data', 'xor']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/layers must be a non-empty list/);
  });
});

describe('a diverging run', () => {
  it('stops with the step, a hint and exit code 3', async () => {
    const lin = join(await mkdtemp(join(tmpdir(), 'nj-cli-')), 'lin.json');
    await writeFile(lin, JSON.stringify({ layers: [{ type: 'dense', units: 1 }] }));
    const d = await run([
      'train',
      '--spec',
      lin,
      '--data',
      'diabetes',
      '--optimizer',
      'sgd',
      '--lr',
      '10',
      '--steps',
      '2000',
      '--json',
    ]);
    expect(d.code).toBe(3);
    expect(d.stderr).toMatch(
      /^diverged at step \d+: The (loss|gradient) stopped being a number at step \d+: the learning rate 10 is probably too high/,
    );
    const json = JSON.parse(d.stdout);
    expect(json.diverged.step).toBeGreaterThan(0);
  });
});
