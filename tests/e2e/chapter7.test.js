// Browser tests of chapter 7: Order matters is won through the workbench by dragging a
// positional encoding in after the embedding (the start network, attention without positions,
// misses: the old way), the star is saved; the map shows the chapter. Write like Melville
// samples text while it trains, with bars for the odds of the next character. Screenshots go to
// test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openBrowser,
  click,
  drag,
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

/** The workbench as the game reports it. */
function bench() {
  return page.evaluate(() => window.neuralJourney.workbench);
}

test('Order matters is won by adding a positional encoding, and the old way misses', async () => {
  await load(page, `${browser.url}#level=c7-order`);
  await waitForScene(page, 'Briefing');
  await shot(page, 'c7-briefing-order');
  await click(page, 'Build it');
  await waitForScene(page, 'Workbench');
  const start = (await bench()).blocks.map((b) => b.label);
  console.log(`Order matters starts from: ${start.join(' → ')}`);
  assert.equal(start.length, 4);
  await settled(page);
  // The positional encoding goes in between the embedding and the block (the stack's second place).
  await drag(page, 'Positions', 540, 200);
  await page.waitForFunction(() => window.neuralJourney.workbench.blocks.length === 5, null, {
    timeout: 5_000,
  });
  await settled(page);
  await shot(page, 'c7-workbench-order-positions');
  const shown = await bench();
  const labels = shown.blocks.map((b) => b.label);
  assert.match(labels[1], /posenc/, labels.join(' → '));
  assert.equal(shown.trainable, true, shown.problems.join(' | '));
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  const trained = await page.evaluate(() => window.neuralJourney.trainer.describe());
  assert.equal(trained.spec.layers[1].type, 'posenc');
  // The attention heatmap is drawn early; by the end its rows have sharpened (the mean of each
  // row's largest weight rises from near-even towards one position).
  await page.waitForFunction(
    () => Object.keys(window.neuralJourney.pictures?.sequence?.attention ?? {}).length > 0,
    null,
    { timeout: 30_000 },
  );
  const early = await page.evaluate(() => window.neuralJourney.pictures.sequence);
  assert.ok(early.rects.attention, 'the attention heatmap has a place');
  assert.equal(early.rects.hidden, null);
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 120_000,
  });
  const training = await page.evaluate(() => window.neuralJourney.training);
  console.log(`Order matters with positions: ${JSON.stringify(training)}`);
  assert.equal(training.passed, true, 'the goal was met');
  assert.equal(training.ghost?.missed, true, `the old way: ${JSON.stringify(training.ghost)}`);
  await page.waitForTimeout(1500);
  const late = await page.evaluate(() => window.neuralJourney.pictures.sequence);
  console.log(
    `attention sharpness: ${JSON.stringify(early.attention)} → ${JSON.stringify(late.attention)}`,
  );
  assert.deepEqual(Object.keys(late.attention).sort(), ['b1h1', 'b1h2']);
  assert.ok(
    Object.keys(late.attention).some((k) => late.attention[k] > early.attention[k] + 0.05),
    'the heatmap changed as it trained',
  );
  await shot(page, 'c7-training-order');
  await click(page, 'Result');
  await waitForScene(page, 'Result');
  await page.waitForTimeout(1200);
  await shot(page, 'c7-result-order');
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('neural-journey/save')));
  assert.ok(saved.levels['c7-order'].stars >= 1, JSON.stringify(saved.levels['c7-order']));
  assert.deepEqual(browser.errors, []);
});

test('Write like Melville writes as it trains, with bars for its odds of the next character', async () => {
  const layers =
    'embedding:dim=32,posenc:kind=learned,transformer:heads=4:mlp=4,transformer:heads=4:mlp=4,layernorm,dense:35';
  await load(
    page,
    `${browser.url}#level=c7-melville&layers=${layers}&optimizer=adam&lr=0.003&batch=32&l2=0&seed=1`,
  );
  await waitForScene(page, 'Workbench');
  await settled(page);
  await watchLongTasks(page);
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => (window.neuralJourney.training?.step ?? 0) >= 300, null, {
    timeout: 120_000,
  });
  await page.waitForFunction(
    () => window.neuralJourney.pictures?.sequence?.samples?.next?.length === 5,
    null,
    { timeout: 30_000 },
  );
  // Heatmaps, samples and bars redrawn while it trains: the same limits as every training view.
  await expectSmooth(page, 3000, 'Melville while training');
  const { samples, next } = await page.evaluate(
    () => window.neuralJourney.pictures.sequence.samples,
  );
  await shot(page, 'c7-training-melville');
  console.log(`Melville samples: ${samples.join(' | ')}; next: ${JSON.stringify(next)}`);
  assert.equal(samples.length, 3);
  for (const s of samples) assert.match(s, /^[ !',\-.:;?a-z]+$/);
  const ps = next.map((n) => n.p);
  assert.deepEqual(
    [...ps].sort((a, b) => b - a),
    ps,
    'the likeliest first',
  );
  assert.ok(ps.reduce((a, b) => a + b, 0) <= 1 + 1e-6);
  assert.ok(ps[0] > 1 / 35, `the top character (${ps[0]}) is likelier than an even guess`);
  assert.equal(new Set(next.map((n) => n.symbol)).size, 5);
  assert.deepEqual(browser.errors, []);
});
