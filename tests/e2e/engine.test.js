// Browser tests: the built page in Debian's Chromium, driven by Playwright, served by Vite's
// preview API. Run with `npm run test:e2e` (after `apt-get install -y chromium`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { preview } from 'vite';
import { chromium } from 'playwright-core';

const root = new URL('../..', import.meta.url).pathname;
const artifacts = join(root, 'test-results');
let server;
let context;
let page;
let url;
let profile;

before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  url = server.resolvedUrls.local[0];
  profile = await mkdtemp(join(tmpdir(), 'nj-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(url);
  await page.waitForFunction(() => window.neuralJourney?.ready === true);
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => server?.httpServer.close(resolve));
  if (profile) await rm(profile, { recursive: true, force: true });
});

/** Trains in the page's worker and with the command line; returns both reports. */
async function trainBoth({ spec, data, options, steps, seed }) {
  const browser = await page.evaluate(
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
  return { browser, cli: JSON.parse(stdout) };
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
    const { browser, cli } = await trainBoth(run);
    assert.equal(browser.step, run.steps);
    assert.equal(cli.steps, run.steps);
    assert.match(browser.hash, /^[0-9a-f]{64}$/);
    assert.equal(browser.hash, cli.weightsHash, `${run.data}: browser and command line differ`);
  }
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

test('the page trains an example from a click and shows the result', async () => {
  await page.selectOption('#example', 'xor');
  await page.click('#train');
  await page.waitForFunction(
    () => document.querySelector('#status')?.textContent?.includes('test loss'),
    null,
    {
      timeout: 30_000,
    },
  );
  const status = await page.textContent('#status');
  assert.match(status, /accuracy \d+\.\d%/);
  await page.screenshot({ path: join(artifacts, 'engine-page.png') });
});
