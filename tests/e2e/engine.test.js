// Browser tests of the engine behind the game page: the worker's trainer (reached through the
// game's test hook) against the command line, and its message protocol.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openBrowser, root } from './browser.js';

let browser;
let page;

before(async () => {
  browser = await openBrowser();
  page = browser.page;
  await page.goto(browser.url);
  await page.waitForFunction(() => window.neuralJourney?.ready === true);
});

after(() => browser?.close());

/** Trains in the page's worker and with the command line; returns both reports. */
async function trainBoth({ spec, data, options, steps, seed }) {
  const inPage = await page.evaluate(
    async ({ spec, data, options, steps, seed }) => {
      const { trainer } = window.neuralJourney;
      await trainer.create(spec, { name: data, seed }, options, seed);
      const result = await trainer.step(steps);
      return { hash: await trainer.weightsHash(), step: result.step };
    },
    { spec, data, options, steps, seed },
  );
  const dir = await mkdtemp(join(tmpdir(), 'nj-spec-'));
  const specFile = join(dir, 'spec.json');
  await writeFile(specFile, JSON.stringify(spec));
  const flags = Object.entries(options).flatMap(([key, value]) => [`--${key}`, String(value)]);
  const { stdout } = await promisify(execFile)(process.execPath, [
    join(root, 'bin/neural-journey.js'),
    'train',
    '--spec',
    specFile,
    '--data',
    data,
    ...flags,
    '--steps',
    String(steps),
    '--seed',
    String(seed),
    '--json',
  ]);
  await rm(dir, { recursive: true, force: true });
  return { inPage, cli: JSON.parse(stdout) };
}

test('the worker trains to the same weightsHash as the command line', async () => {
  const runs = [
    {
      spec: {
        layers: [
          { type: 'dense', units: 4, activation: 'tanh' },
          { type: 'dense', units: 1 },
        ],
      },
      data: 'xor',
      options: { optimizer: 'adam', lr: 0.01 },
      steps: 300,
      seed: 7,
    },
    {
      spec: {
        layers: [
          { type: 'dense', units: 24, activation: 'relu' },
          { type: 'dropout', rate: 0.2 },
          { type: 'dense', units: 24, activation: 'leaky_relu' },
          { type: 'dense', units: 3 },
        ],
      },
      data: 'spiral',
      options: { optimizer: 'adamw', lr: 0.02, batch: 16, l2: 0.001, clip: 1 },
      steps: 400,
      seed: 12,
    },
  ];
  for (const run of runs) {
    const { inPage, cli } = await trainBoth(run);
    assert.equal(inPage.step, run.steps);
    assert.equal(cli.steps, run.steps);
    assert.match(inPage.hash, /^[0-9a-f]{64}$/);
    assert.equal(inPage.hash, cli.weightsHash, `${run.data}: browser and command line differ`);
  }
});

test('a CNN on the 8×8 digits: downloaded in the worker, the same weightsHash as the command line', async () => {
  const run = {
    spec: {
      layers: [
        { type: 'conv2d', filters: 6, kernel: 3, padding: 1, bias: false },
        { type: 'batchnorm' },
        { type: 'activation', activation: 'relu' },
        { type: 'maxpool2d', size: 2 },
        { type: 'conv2d', filters: 8, kernel: 3, activation: 'tanh' },
        { type: 'avgpool2d', size: 2 },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.1 },
        { type: 'dense', units: 10 },
      ],
    },
    data: 'digits',
    options: { optimizer: 'adam', lr: 0.01, batch: 32 },
    steps: 300,
    seed: 4,
  };
  const { inPage, cli } = await trainBoth(run);
  assert.equal(inPage.step, run.steps);
  assert.match(inPage.hash, /^[0-9a-f]{64}$/);
  assert.equal(inPage.hash, cli.weightsHash, 'digits CNN: browser and command line differ');
  const progress = await page.evaluate(() => window.neuralJourney.trainer.imageProgress());
  assert.equal(progress.name, 'digits');
  assert.equal(progress.done, true);
  assert.ok(progress.loadedBytes > 40000, `downloaded ${progress.loadedBytes} bytes`);
  assert.ok(cli.test.accuracy > 0.9, `test accuracy ${cli.test.accuracy}`);
});

test('recurrent networks on the names and the adding problem: the same weightsHash as the command line', async () => {
  const runs = [
    {
      spec: {
        layers: [
          { type: 'embedding', dim: 8 },
          { type: 'lstm', hidden: 16, sequences: true },
          { type: 'dropout', rate: 0.1 },
          { type: 'gru', hidden: 12, sequences: true },
          { type: 'dense', units: 27 },
        ],
      },
      data: 'names',
      options: { optimizer: 'adam', lr: 0.01, batch: 16, clip: 1 },
      steps: 120,
      seed: 3,
    },
    {
      spec: {
        layers: [
          { type: 'rnn', hidden: 12 },
          { type: 'dense', units: 1 },
        ],
      },
      data: 'adding',
      options: { optimizer: 'sgd', lr: 0.1, batch: 32 },
      steps: 150,
      seed: 5,
    },
  ];
  for (const run of runs) {
    const { inPage, cli } = await trainBoth(run);
    assert.equal(inPage.step, run.steps);
    assert.match(inPage.hash, /^[0-9a-f]{64}$/);
    assert.equal(inPage.hash, cli.weightsHash, `${run.data}: browser and command line differ`);
  }
});

/**
 * Trains `spec` with the command line (`trainArgs`, `steps`, seed 1), saves it, and draws `count`
 * samples from the saved file (`sampleArgs`, seeds 1, 2, …): the reference a worker's samples
 * are held to.
 */
async function trainAndSampleInCli(spec, trainArgs, sampleArgs, { steps, count }) {
  const dir = await mkdtemp(join(tmpdir(), 'nj-sample-'));
  const specFile = join(dir, 'spec.json');
  const model = join(dir, 'model.json');
  await writeFile(specFile, JSON.stringify(spec));
  const cli = async (...args) =>
    JSON.parse(
      (await promisify(execFile)(process.execPath, [join(root, 'bin/neural-journey.js'), ...args]))
        .stdout,
    );
  try {
    const trained = await cli(
      'train',
      '--spec',
      specFile,
      ...trainArgs,
      '--steps',
      String(steps),
      '--seed',
      '1',
      '--save',
      model,
      '--json',
    );
    const sampled = await cli(
      'sample',
      '--load',
      model,
      ...sampleArgs,
      '--seed',
      '1',
      '--count',
      String(count),
      '--json',
    );
    return { trained, sampled };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("names sampled in the worker are the command line's for the same model and seed", async () => {
  const spec = {
    layers: [
      { type: 'embedding', dim: 12 },
      { type: 'lstm', hidden: 32, sequences: true },
      { type: 'dense', units: 27 },
    ],
  };
  const steps = 300;
  const seeds = [1, 2, 3, 4, 5];
  // The worker: train, then draw five names from '.' (id 0) to the next '.', seeds 1 to 5.
  const inPage = await page.evaluate(
    async ({ spec, steps, seeds }) => {
      const { trainer } = window.neuralJourney;
      await trainer.create(spec, { name: 'names', seed: 1 }, { optimizer: 'adam', lr: 0.01 }, 1);
      await trainer.step(steps);
      const names = [];
      for (const seed of seeds) {
        const ids = await trainer.sample([0], 20, { temperature: 0.8, topK: 5, seed, stop: 0 });
        names.push(
          ids
            .filter((id) => id !== 0)
            .map((id) => String.fromCharCode(96 + id))
            .join(''),
        );
      }
      return { hash: await trainer.weightsHash(), names };
    },
    { spec, steps, seeds },
  );
  const { trained, sampled } = await trainAndSampleInCli(
    spec,
    ['--data', 'names', '--optimizer', 'adam', '--lr', '0.01'],
    ['--length', '20', '--temperature', '0.8', '--top-k', '5'],
    { steps, count: seeds.length },
  );
  assert.equal(inPage.hash, trained.weightsHash, 'the worker and the command line trained apart');
  console.log(`names in the worker: ${inPage.names.join(', ')}`);
  assert.deepEqual(inPage.names, sampled.samples);
  assert.ok(
    inPage.names.some((n) => n.length >= 3),
    inPage.names.join(', '),
  );
});

test('the worker protocol: snapshot, restore, evaluate, predict, errors', async () => {
  const out = await page.evaluate(async () => {
    const { trainer } = window.neuralJourney;
    const spec = {
      layers: [
        { type: 'dense', units: 8, activation: 'relu' },
        { type: 'dense', units: 3 },
      ],
    };
    const info = await trainer.create(spec, { name: 'spiral', seed: 3 }, { lr: 0.02 }, 3);
    await trainer.step(50);
    const snap = await trainer.snapshot();
    const a = await trainer.step(40);
    const lossA = a.lastLoss;
    const hashA = await trainer.weightsHash();
    await trainer.restore(snap);
    const b = await trainer.step(40);
    const hashB = await trainer.weightsHash();
    const test = await trainer.evaluate('test');
    const probs = await trainer.predict(new Float32Array([0.1, 0.2, -1, 1]));
    let error = '';
    try {
      await trainer.create(
        { layers: [{ type: 'dense', units: 0 }] },
        { name: 'xor', seed: 1 },
        {},
        1,
      );
    } catch (e) {
      error = e.message;
    }
    let lrError = '';
    try {
      await trainer.create(spec, { name: 'spiral', seed: 1 }, { lr: Number.NaN }, 1);
    } catch (e) {
      lrError = e.message;
    }
    return {
      params: info.totalParams,
      lossA,
      lossB: b.lastLoss,
      hashA,
      hashB,
      test,
      probs: Array.from(probs),
      error,
      lrError,
    };
  });
  assert.equal(out.params, 2 * 8 + 8 + 8 * 3 + 3);
  assert.equal(out.lossA, out.lossB);
  assert.equal(out.hashA, out.hashB);
  assert.ok(out.test.rows > 0 && out.test.accuracy >= 0 && out.test.accuracy <= 1);
  assert.equal(out.probs.length, 6);
  assert.ok(Math.abs(out.probs.slice(0, 3).reduce((s, p) => s + p, 0) - 1) < 1e-5);
  assert.equal(out.error, 'layers[0].units must be an integer from 1 to 4096, got 0');
  assert.equal(out.lrError, 'options.lr must be a number from 1e-7 to 10, got NaN');
});

test("Moby-Dick text sampled in the worker from a transformer is the command line's", async () => {
  const spec = {
    layers: [
      { type: 'embedding', dim: 16 },
      { type: 'posenc', kind: 'learned' },
      { type: 'transformer', heads: 2 },
      { type: 'layernorm' },
      { type: 'dense', units: 35 },
    ],
  };
  const steps = 100;
  const seeds = [1, 2, 3];
  const prompt = 'the ';
  // The worker: train, then go on from the prompt for 40 characters, seeds 1 to 3.
  const inPage = await page.evaluate(
    async ({ spec, steps, seeds, prompt }) => {
      const { trainer } = window.neuralJourney;
      const info = await trainer.create(
        spec,
        { name: 'melville', seed: 1 },
        { optimizer: 'adam', lr: 0.003, batch: 16 },
        1,
      );
      const vocab = info.data.sequence.vocab;
      await trainer.step(steps);
      const ids = [...prompt].map((c) => vocab.indexOf(c));
      const texts = [];
      for (const seed of seeds) {
        const out = await trainer.sample(ids, 40, { temperature: 0.8, topK: 5, seed });
        texts.push(prompt + out.map((id) => vocab[id]).join(''));
      }
      return { hash: await trainer.weightsHash(), texts };
    },
    { spec, steps, seeds, prompt },
  );
  const { trained, sampled } = await trainAndSampleInCli(
    spec,
    ['--data', 'melville', '--optimizer', 'adam', '--lr', '0.003', '--batch', '16'],
    ['--prompt', prompt, '--length', '40', '--temperature', '0.8', '--top-k', '5'],
    { steps, count: seeds.length },
  );
  assert.equal(inPage.hash, trained.weightsHash, 'the worker and the command line trained apart');
  console.log(`text in the worker: ${inPage.texts.join(' | ')}`);
  assert.deepEqual(inPage.texts, sampled.samples);
  assert.ok(new Set(inPage.texts).size > 1, 'other seeds, other text');
});
