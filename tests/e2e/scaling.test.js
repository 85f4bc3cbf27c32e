// Browser tests of the epilogue, Scaling up: locked on the map until a level of the last chapter
// has a star, then opened from the map; the quick ladder trained in the worker, every rung's
// loss on the log–log plot with the fitted line read at GPT-2's and GPT-3's sizes, and the plot
// against compute; the frame rate and long tasks held to the limits of every training view. Screenshots go to test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openBrowser,
  click,
  controls,
  load,
  expectSmooth,
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

/** A save with these stars (and the fastest training speed), and a trained ladder if given. */
async function saveWith(stars, ladder) {
  await load(page, browser.url);
  const save = {
    version: 1,
    settings: { speed: 8 },
    levels: Object.fromEntries(
      Object.entries(stars).map(([id, n]) => [id, { stars: n, best: null, recent: [] }]),
    ),
    ...(ladder ? { ladder } : {}),
  };
  await page.evaluate(
    (text) => localStorage.setItem('neural-journey/save', text),
    JSON.stringify(save),
  );
}

async function openMap() {
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  const start = (await controls(page)).find((c) => /journey/i.test(c.label));
  await click(page, start.label);
  await waitForScene(page, 'JourneyMap');
  await settled(page);
}

test('the epilogue is locked on the map until a level of the last chapter has a star', async () => {
  await saveWith({ 'c0-line': 1 });
  await openMap();
  await click(page, 'epilogue: Scaling up');
  await page.waitForTimeout(300);
  await shot(page, 'scaling-map-locked');
  assert.equal(await page.evaluate(() => window.neuralJourney.scene), 'JourneyMap');
  assert.deepEqual(browser.errors, []);
});

test('the quick ladder trains five sizes and the plot shows them with a fitted power law', async () => {
  await saveWith({ 'c0-line': 1, 'c7-melville': 1 });
  await openMap();
  await click(page, 'epilogue: Scaling up');
  await waitForScene(page, 'Scaling');
  await settled(page);
  await shot(page, 'scaling-start');
  const before = await page.evaluate(() => window.neuralJourney.scaling);
  assert.equal(before.length, 'full');
  assert.equal(before.plotted, 0);
  await click(page, 'Training length');
  await page.waitForFunction(() => window.neuralJourney.scaling.length === 'quick');
  await watchLongTasks(page);
  await click(page, 'Train the ladder');
  await page.waitForFunction(() => window.neuralJourney.scaling.running, null, { timeout: 10_000 });
  // The rows and the plot redrawn as the rungs train: no long task, a smooth frame rate.
  await expectSmooth(page, 3000, 'ladder while training');
  await shot(page, 'scaling-training');
  await page.waitForFunction(
    () => {
      const s = window.neuralJourney.scaling;
      return !s.running && s.rungs.every((r) => r.loss !== null);
    },
    null,
    { timeout: 300_000, polling: 500 },
  );
  const shown = await page.evaluate(() => window.neuralJourney.scaling);
  console.log(`quick ladder: ${JSON.stringify(shown)}`);
  assert.ok(shown.plotted >= 4, `${shown.plotted} sizes on the plot`);
  const params = shown.rungs.map((r) => r.params);
  assert.deepEqual(
    [...params].sort((a, b) => a - b),
    params,
    'the rungs grow',
  );
  assert.ok(params.at(-1) / params[0] > 30, `sizes from ${params[0]} to ${params.at(-1)}`);
  for (const r of shown.rungs) assert.ok(r.loss > 0.5 && r.loss < 3.6, `${r.id}: loss ${r.loss}`);
  assert.ok(Number.isFinite(shown.alpha), 'a line is fitted');
  for (const name of ['GPT-2 small', 'GPT-2', 'GPT-3']) {
    assert.ok(shown.predicted[name] > 0, `the line is read at ${name}`);
  }
  await shot(page, 'scaling-params');
  await click(page, 'Plot against');
  await page.waitForFunction(() => window.neuralJourney.scaling.axis === 'compute');
  const compute = await page.evaluate(() => window.neuralJourney.scaling);
  assert.ok(compute.plotted >= 4);
  await shot(page, 'scaling-compute');
  assert.deepEqual(browser.errors, []);
});

test('a full ladder trained before comes back from the save, and the map stars the epilogue', async () => {
  const sizes = { tiny: 9755, small: 28771, medium: 61571, large: 106659, huge: 345539 };
  const losses = [1.994, 1.875, 1.807, 1.76, 1.724];
  const ladder = Object.fromEntries(
    Object.entries(sizes).map(([id, params], i) => [
      id,
      { params, loss: losses[i], curve: [{ flops: 6 * params * 3000 * 512, loss: losses[i] }] },
    ]),
  );
  await saveWith({ 'c7-melville': 1 }, ladder);
  await openMap();
  assert.deepEqual(await page.evaluate(() => window.neuralJourney.map.epilogue), {
    open: true,
    done: true,
  });
  await click(page, 'epilogue: Scaling up');
  await waitForScene(page, 'Scaling');
  await page.waitForFunction(() => window.neuralJourney.scaling?.alpha !== null, null, {
    timeout: 10_000,
  });
  const shown = await page.evaluate(() => window.neuralJourney.scaling);
  assert.equal(shown.length, 'full');
  assert.equal(shown.plotted, 5);
  assert.deepEqual(
    shown.rungs.map((r) => r.loss),
    losses,
  );
  // The fitted slope of these five losses (numpy's polyfit of the logs gives 0.04174).
  assert.ok(Math.abs(shown.alpha - 0.04174) < 2e-4, `alpha ${shown.alpha}`);
  await shot(page, 'scaling-from-save');
  assert.deepEqual(browser.errors, []);
});
