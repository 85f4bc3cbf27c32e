// Browser tests of the game: load budget, a level won through the UI only, saves surviving a
// reload, share links (good and bad), the sandbox's CSV errors, and responsiveness while
// training. A screenshot of every scene goes to test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  openBrowser,
  click,
  controls,
  drag,
  load,
  expectSmooth,
  root,
  settled,
  shot,
  waitForScene,
  watchLongTasks,
} from './browser.js';

let browser;
let page;

before(async () => {
  browser = await openBrowser();
  page = browser.page;
});

after(() => browser?.close());

const XOR_LINK = '#level=c2-xor&layers=dense:1:sigmoid&optimizer=sgd&lr=0.3&batch=32&l2=0&seed=1';

test('loads with Phaser in its own chunk and at most 600 kB (gzip) of other JS before the title', async () => {
  const scripts = new Set();
  const onResponse = (response) => {
    const name = basename(new URL(response.url()).pathname);
    if (name.endsWith('.js')) scripts.add(name);
  };
  page.on('response', onResponse);
  await load(page, browser.url);
  await shot(page, 'scene-boot');
  await waitForScene(page, 'Title');
  page.off('response', onResponse);
  const sizes = await Promise.all(
    [...scripts].map(async (name) => ({
      name,
      gzip: gzipSync(await readFile(join(root, 'dist/web/assets', name))).length,
    })),
  );
  const phaser = sizes.filter((s) => s.name.startsWith('phaser-'));
  const rest = sizes.filter((s) => !s.name.startsWith('phaser-'));
  const restBytes = rest.reduce((n, s) => n + s.gzip, 0);
  console.log(
    `JS before the title: ${sizes.map((s) => `${s.name} ${(s.gzip / 1024).toFixed(1)} kB`).join(', ')}`,
  );
  assert.equal(phaser.length, 1, 'Phaser is loaded as its own chunk');
  assert.ok(restBytes <= 600 * 1024, `other JS is ${restBytes} bytes gzipped`);
  await shot(page, 'scene-title');
  assert.deepEqual(browser.errors, []);
});

test('wins the XOR level through the UI, and the star is still there after a reload', async () => {
  await load(page, `${browser.url}${XOR_LINK}`);
  await waitForScene(page, 'Workbench');
  // Build a hidden layer: drag a dense layer from the palette onto the stack, above the output
  // layer; widen it with the arrow keys; change its activation.
  await drag(page, 'Dense layer', 540, 140);
  // The draft is as expected and every block has come to rest before anything is clicked.
  await page.waitForFunction(
    () =>
      window.neuralJourney
        .controls()
        .filter((c) => c.label.startsWith('dense'))
        .map((c) => c.label)
        .join() === 'dense 4,dense 1',
    null,
    { timeout: 5_000 },
  );
  await settled(page);
  await click(page, /^dense 4$/);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('a');
  // Phaser handles keys on its next frame: wait for the draft to show exactly the change (each
  // quick key press acts once: three steps of width, one step of activation).
  await page.waitForFunction(
    () => /layers=dense:8:tanh,dense:1:sigmoid&/.test(location.hash),
    null,
    { timeout: 5_000 },
  );
  await shot(page, 'scene-workbench');

  const started = Date.now();
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => (window.neuralJourney.training?.step ?? 0) > 0, null, {
    timeout: 10_000,
  });
  const firstPoint = Date.now() - started;
  const trained = await page.evaluate(() => window.neuralJourney.trainer.describe());
  assert.deepEqual(trained.spec.layers, [
    { type: 'dense', units: 8, activation: 'tanh' },
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ]);
  await shot(page, 'scene-training');
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 60_000,
  });
  const training = await page.evaluate(() => window.neuralJourney.training);
  console.log(`first loss point ${firstPoint} ms after Train; run: ${JSON.stringify(training)}`);
  assert.equal(training.passed, true);
  await shot(page, 'scene-training-done');
  // The view stays on the finished run until the player asks for the result.
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.neuralJourney.scene), 'Training');
  await click(page, 'Result');

  await waitForScene(page, 'Result');
  await page.waitForTimeout(1200); // the stars animate in
  await shot(page, 'scene-result');
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('neural-journey/save')));
  assert.ok(saved.levels['c2-xor'].stars >= 1);

  await load(page, browser.url);
  await waitForScene(page, 'Title');
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('neural-journey/save')));
  assert.ok(kept.levels['c2-xor'].stars >= 1, 'the star survived the reload');
  await click(page, /^Continue/);
  await waitForScene(page, 'JourneyMap');
  assert.ok((await controls(page)).some((c) => c.label === 'c2-xor'));
  await shot(page, 'scene-map');
  await click(page, 'c0-line');
  await waitForScene(page, 'Briefing');
  await shot(page, 'scene-briefing');
  assert.deepEqual(browser.errors, []);
});

test('the workbench and the training view work from the keyboard alone', async () => {
  await load(page, `${browser.url}${XOR_LINK}`);
  await waitForScene(page, 'Workbench');
  const focused = async () => (await controls(page)).find((c) => c.focused)?.label ?? null;
  /** Waits (Phaser handles keys on its next frame) until the focus is on `label`. */
  const focusIs = (label) =>
    page.waitForFunction(
      (want) => window.neuralJourney.controls().find((c) => c.focused)?.label === want,
      label,
      { timeout: 5_000 },
    );
  /** Presses Tab until the control labelled `label` has the focus. */
  const tabTo = async (label) => {
    for (let i = 0; i < 30 && (await focused()) !== label; i++) {
      await page.keyboard.press('Tab');
      await page.waitForTimeout(50);
    }
    await focusIs(label);
  };
  await tabTo('Dense layer');
  await page.keyboard.press('Enter');
  await focusIs('dense 4'); // the new layer takes the focus
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('a');
  await focusIs('dense 8');
  await tabTo('Learning rate');
  await page.keyboard.press('ArrowLeft');
  // The share link follows the workbench; the rate moved off the link's 0.3.
  await page.waitForFunction(() => !/lr=0\.3(&|$)/.test(location.hash), null, { timeout: 5_000 });
  await tabTo('Train');
  await page.keyboard.press('Enter');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => (window.neuralJourney.training?.step ?? 0) > 0, null, {
    timeout: 10_000,
  });
  await page.keyboard.press(' '); // pause
  await page.waitForTimeout(300);
  const paused = await page.evaluate(() => window.neuralJourney.training.step);
  await page.waitForTimeout(300);
  assert.equal(
    await page.evaluate(() => window.neuralJourney.training.step),
    paused,
    'Space paused',
  );
  await page.keyboard.press('s'); // one step
  await page.waitForFunction(
    (before) => window.neuralJourney.training.step === before + 1,
    paused,
    {
      timeout: 5_000,
    },
  );
  await page.keyboard.press(' '); // play on to the end
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 60_000,
  });
  // Play has become Result and has the focus: Space opens it.
  await page.waitForFunction(
    () => window.neuralJourney.controls().find((c) => c.focused)?.label === 'Result',
    null,
    { timeout: 5_000 },
  );
  await page.keyboard.press(' ');
  await waitForScene(page, 'Result');
  assert.deepEqual(browser.errors, []);
});

test('a share link restores the workbench', async () => {
  const link =
    '#level=c2-circles&layers=dense:6:relu,dense:3:tanh,dense:1&optimizer=adam&lr=0.02&batch=32&l2=0&seed=5';
  await load(page, `${browser.url}${link}`);
  await waitForScene(page, 'Workbench');
  const labels = (await controls(page)).map((c) => c.label);
  assert.ok(labels.includes('dense 6') && labels.includes('dense 3'), labels.join(' | '));
  assert.match(
    await page.evaluate(() => location.hash),
    /layers=dense:6:relu,dense:3:tanh,dense:1/,
  );
  await shot(page, 'share-restored');
});

test('a teacher link hides and locks the chosen controls', async () => {
  const link =
    '#level=c2-circles&layers=dense:6:relu,dense:1&optimizer=adam&lr=0.02&batch=32&l2=0&seed=5&hide=optimizer,seed&lock=lr';
  await load(page, `${browser.url}${link}`);
  await waitForScene(page, 'Workbench');
  const labels = (await controls(page)).map((c) => c.label);
  assert.ok(!labels.includes('Optimizer') && !labels.includes('Seed'), labels.join(' | '));
  // The locked learning rate ignores the arrow keys: the link's value stays in the hash.
  await click(page, 'Learning rate');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(500); // several frames: time for the keys to have been handled
  assert.match(await page.evaluate(() => location.hash), /lr=0\.02(&|$)/);
  await shot(page, 'teacher-link');
});

test('a bad share link shows what is wrong and falls back to the default', async () => {
  await load(page, `${browser.url}#level=c2-xor&layers=dense:0&lr=NaN`);
  await page.waitForFunction(() => window.neuralJourney?.ready === true);
  await page.waitForTimeout(800);
  const notice = (await controls(page)).find((c) => c.label.startsWith('dismiss: '));
  assert.ok(notice, `no notice in ${(await controls(page)).map((c) => c.label).join(' | ')}`);
  assert.match(notice.label, /learning rate|lr/i);
  await shot(page, 'share-bad-link');
});

test('the sandbox names the line and column of a bad CSV', async () => {
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  await click(page, /Sandbox/);
  await waitForScene(page, 'Sandbox');
  await shot(page, 'scene-sandbox');
  await page.setInputFiles('input[type=file]', {
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('x1,x2,label\n1,2,a\n3,oops,b\n'),
  });
  await page.waitForFunction(
    () => window.neuralJourney.controls().some((c) => c.label.startsWith('dismiss: ')),
    null,
    { timeout: 10_000 },
  );
  const notice = (await controls(page)).find((c) => c.label.startsWith('dismiss: '));
  assert.match(notice.label, /line 3, column 2/);
  await shot(page, 'sandbox-bad-csv');
});

test('training stays responsive: no main-thread task over 50 ms, at least 50 frames a second', async () => {
  // The dropout level trains its whole budget (its goal is judged at the end) with a 128-128
  // network: the heaviest view of the first chapters.
  const level = JSON.parse(await readFile(join(root, 'levels/c3-dropout.json'), 'utf8'));
  const layers = level.start.layers
    .map((l) =>
      l.type === 'dense'
        ? `dense:${l.units}${l.activation ? `:${l.activation}` : ''}`
        : `dropout:${l.rate}`,
    )
    .join(',');
  const s = level.settings;
  await load(
    page,
    `${browser.url}#level=c3-dropout&layers=${layers}&optimizer=${s.optimizer.value}&lr=${s.lr.value}&batch=${s.batch.value}&l2=${s.l2.value}&seed=1`,
  );
  await waitForScene(page, 'Workbench');
  await watchLongTasks(page);
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => (window.neuralJourney.training?.step ?? 0) > 0, null, {
    timeout: 10_000,
  });
  await expectSmooth(page, 3000, 'while training');
});
