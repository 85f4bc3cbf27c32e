// Browser tests of the sandbox's TensorFlow Playground controls: feature inputs that let one
// neuron separate the circle, the data controls in the link and the restored page, a weight
// typed in by hand while paused, and a neuron map for every layer of the network graph.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, click, load, shot, toPage, waitForScene } from './browser.js';

let browser;
let page;

before(async () => {
  browser = await openBrowser();
  page = browser.page;
});

after(() => browser?.close());

const hash = () => page.evaluate(() => location.hash);

/** Waits for the run to reach `step` steps. */
function reach(step, timeout = 60_000) {
  return page.waitForFunction((s) => (window.neuralJourney.training?.step ?? 0) >= s, step, {
    timeout,
  });
}

/** The validation accuracy of the worker's learner: what the view shows beside the curve. */
function validationAccuracy() {
  return page.evaluate(
    async () => (await window.neuralJourney.trainer.evaluate('validation')).accuracy,
  );
}

test('x₁² and x₂² let one neuron with no hidden layer separate the circle', async () => {
  await load(
    page,
    `${browser.url}#data=circles&layers=dense:1&optimizer=adam&lr=0.03&batch=32&l2=0&seed=1`,
  );
  await waitForScene(page, 'Workbench');
  await click(page, 'x₁²');
  await click(page, 'x₂²');
  await page.waitForFunction(() => /features=x1,x2,x1x1,x2x2&/.test(location.hash));
  await shot(page, 'sandbox-features-workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  const described = await page.evaluate(() => window.neuralJourney.trainer.describe());
  assert.deepEqual(described.spec.features, ['x1', 'x2', 'x1x1', 'x2x2']);
  assert.equal(described.spec.layers.length, 1, 'one neuron, no hidden layer');
  let accuracy = 0;
  for (let step = 200; step <= 2000 && accuracy < 0.95; step += 200) {
    await reach(step);
    accuracy = await validationAccuracy();
  }
  assert.ok(accuracy >= 0.95, `validation accuracy ${accuracy}`);
  const pictures = await page.evaluate(() => window.neuralJourney.pictures);
  assert.deepEqual(
    pictures.columns.map((c) => [c.title, c.units, c.painted]),
    [
      ['inputs', 4, true],
      ['output', 1, true],
    ],
  );
  await shot(page, 'sandbox-features-circle');
  assert.deepEqual(browser.errors, []);
});

test('noise and the training share go into the link and come back with it', async () => {
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  await click(page, /Sandbox/);
  await waitForScene(page, 'Sandbox');
  await click(page, 'data xor');
  // A click in the middle of a track sets the middle of its range.
  await click(page, 'Noise');
  await click(page, 'Points used for training');
  await click(page, 'New data');
  await shot(page, 'sandbox-data-controls');
  await click(page, 'Build a network');
  await waitForScene(page, 'Workbench');
  const link = await hash();
  assert.match(link, /^#data=xor&/);
  assert.match(link, /&noise=0\.25(&|$)/);
  assert.match(link, /&train=0\.5(&|$)/);
  assert.match(link, /&dataseed=2(&|$)/);

  // The link, opened anew, trains on exactly that data: half of 600 points for training.
  await load(page, `${browser.url}${link}`);
  await waitForScene(page, 'Workbench');
  assert.equal(await hash(), link, 'the restored workbench keeps the data settings');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  const rows = await page.evaluate(async () => {
    const t = window.neuralJourney.trainer;
    return [(await t.read('train.x')).length / 2, (await t.read('test.x')).length / 2];
  });
  assert.deepEqual(rows, [300, 150]);

  // Back to the data page: the sliders show the link's values, and building again keeps them.
  await click(page, 'Workbench');
  await waitForScene(page, 'Workbench');
  await click(page, 'Data');
  await waitForScene(page, 'Sandbox');
  await click(page, 'Build a network');
  await waitForScene(page, 'Workbench');
  assert.equal(await hash(), link);
  assert.deepEqual(browser.errors, []);
});

test('a weight typed in while paused changes the boundary at once', async () => {
  await load(
    page,
    `${browser.url}#data=circles&layers=dense:4:tanh,dense:1&optimizer=adam&lr=0.03&batch=32&l2=0&seed=1&testdata=1`,
  );
  await waitForScene(page, 'Workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await reach(100);
  await click(page, 'Pause');
  await page.waitForFunction(() => window.neuralJourney.pictures?.boundary !== undefined);
  // A chunk of steps already on its way when Pause was pressed still lands: wait until the
  // step count stands still before reading it.
  let stepBefore = -1;
  for (;;) {
    const now = await page.evaluate(() => window.neuralJourney.training.step);
    if (now === stepBefore) break;
    stepBefore = now;
    await page.waitForTimeout(300);
  }
  const before = await page.evaluate(() => window.neuralJourney.pictures);
  const edge = before.graph.weights.find((w) => w.layer === 1 && w.from === 0);
  const at = await toPage(page, (edge.x1 + edge.x2) / 2, (edge.y1 + edge.y2) / 2);
  await page.mouse.click(at.x, at.y);
  await page.waitForSelector('#nj-number-input');
  // Not a number: the box stays open and says what it takes.
  await page.fill('#nj-number-input', 'lots');
  await page.press('#nj-number-input', 'Enter');
  assert.equal(await page.locator('#nj-number-input').count(), 1);
  await page.fill('#nj-number-input', '-40');
  await page.press('#nj-number-input', 'Enter');
  await page.waitForFunction((b) => window.neuralJourney.pictures.boundary !== b, before.boundary, {
    timeout: 5_000,
  });
  const weight = await page.evaluate(
    async () => (await window.neuralJourney.trainer.read('2.weight'))[0],
  );
  assert.equal(weight, -40);
  const step = await page.evaluate(() => window.neuralJourney.training.step);
  assert.equal(step, stepBefore, 'the edit trains no step');
  await shot(page, 'sandbox-weight-edited');

  // From the keyboard: Tab to the graph, an arrow to the first hidden neuron, Enter, a bias.
  for (let i = 0; i < 40; i++) {
    const focused = await page.evaluate(
      () => window.neuralJourney.controls().find((c) => c.focused)?.label,
    );
    if (focused === 'network graph') break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#nj-number-input');
  await page.keyboard.type('1.5');
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    async () => (await window.neuralJourney.trainer.read('0.bias'))[0] === 1.5,
    null,
    { timeout: 5_000 },
  );
  // ] steps to the first weight coming into that neuron; Enter types its new value.
  await page.keyboard.press(']');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#nj-number-input');
  await page.keyboard.type('0.25');
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    async () => (await window.neuralJourney.trainer.read('0.weight'))[0] === 0.25,
    null,
    { timeout: 5_000 },
  );
  assert.deepEqual(browser.errors, []);
});

test('every hidden layer of the network graph draws a map in each neuron', async () => {
  await load(
    page,
    `${browser.url}#data=spiral&layers=dense:6:tanh,dense:5:relu,dense:4:sigmoid,dense:3&optimizer=adam&lr=0.01&batch=32&l2=0&seed=1`,
  );
  await waitForScene(page, 'Workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await reach(50);
  await page.waitForFunction(() => (window.neuralJourney.pictures?.columns.length ?? 0) === 5);
  const pictures = await page.evaluate(() => window.neuralJourney.pictures);
  assert.deepEqual(
    pictures.columns.map((c) => [c.title, c.units, c.painted]),
    [
      ['inputs', 2, true],
      ['layer 1', 6, true],
      ['layer 2', 5, true],
      ['layer 3', 4, true],
      ['output', 3, true],
    ],
  );
  for (const [column, units] of [
    [1, 6],
    [2, 5],
    [3, 4],
  ]) {
    assert.equal(pictures.graph.nodes.filter((n) => n.column === column).length, units);
  }
  // Hovering a neuron of the last hidden layer shows it large and names it.
  const node = pictures.graph.nodes.find((n) => n.column === 3 && n.index === 0);
  const at = await toPage(page, node.x + node.size / 2, node.y + node.size / 2);
  await page.mouse.move(at.x, at.y);
  await shot(page, 'sandbox-graph-layers');
  assert.deepEqual(browser.errors, []);
});

test('a level that opens the noise keeps it in range, trains on it and saves it', async () => {
  // A link asking for more noise than the level allows: the workbench says so and uses its own.
  await load(
    page,
    `${browser.url}#level=c2-circles&layers=dense:8:relu,dense:1:sigmoid&optimizer=sgd&lr=0.3&batch=32&l2=0&seed=1&noise=0.5`,
  );
  await waitForScene(page, 'Workbench');
  const notice = (await page.evaluate(() => window.neuralJourney.controls())).find((c) =>
    c.label.startsWith('dismiss: '),
  );
  assert.match(notice.label, /noise 0\.5 → 0\.05 \(here from 0\.05 to 0\.15\)/);
  assert.doesNotMatch(await hash(), /noise=/);
  await click(page, 'Noise');
  await page.waitForFunction(() => /&noise=0\.1$/.test(location.hash));
  await shot(page, 'level-noise-control');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 60_000,
  });
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('neural-journey/save')));
  assert.deepEqual(saved.levels['c2-circles'].recent[0].data, { noise: 0.1 });
  assert.deepEqual(browser.errors, []);
});

test('Fashion-MNIST downloads behind a progress bar, then shows labelled images and trains a CNN', async () => {
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  await click(page, /Sandbox/);
  await waitForScene(page, 'Sandbox');
  // A slow line, so the 7 MB download takes a few seconds and the bar must show it.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: 2_500_000,
    uploadThroughput: 1_000_000,
  });
  await click(page, /data fashion-mnist/);
  await page.waitForFunction(() => window.neuralJourney.progress?.visible === true, null, {
    timeout: 15_000,
  });
  await shot(page, 'sandbox-fashion-download');
  await page.waitForFunction(() => window.neuralJourney.progress?.visible === false, null, {
    timeout: 60_000,
  });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const progress = await page.evaluate(() => window.neuralJourney.progress);
  assert.match(progress.label, /fashion-mnist/);
  assert.ok(progress.updates >= 3, `the bar moved ${progress.updates} times`);
  assert.ok(progress.loadedBytes > 6_000_000, `${progress.loadedBytes} bytes shown at the end`);
  await page.waitForTimeout(500);
  await shot(page, 'sandbox-fashion');
  await click(page, /Build a network/);
  await waitForScene(page, 'Workbench');
  const labels = (await page.evaluate(() => window.neuralJourney.controls())).map((c) => c.label);
  for (const block of ['Conv', 'Max pool', 'Batchnorm', 'Flatten']) {
    assert.ok(labels.includes(block), `the palette offers ${block}: ${labels.join(' | ')}`);
  }
  await shot(page, 'workbench-fashion');
  await click(page, /^Train$/);
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => (window.neuralJourney.training?.step ?? 0) >= 50, null, {
    timeout: 60_000,
  });
  const run = await page.evaluate(() => window.neuralJourney.training);
  assert.ok(
    Number.isFinite(run.loss) && run.loss < 2.3,
    `loss after ${run.step} steps: ${run.loss}`,
  );
  // The image views draw, and move as it trains: the filters change, the maps are painted.
  await page.waitForFunction(() => window.neuralJourney.pictures?.images?.filters, null, {
    timeout: 20_000,
  });
  const first = await page.evaluate(() => structuredClone(window.neuralJourney.pictures.images));
  await page.waitForFunction(
    (before) => (window.neuralJourney.pictures.images.step ?? 0) > before + 100,
    first.step ?? 0,
    { timeout: 60_000 },
  );
  const later = await page.evaluate(() => structuredClone(window.neuralJourney.pictures.images));
  assert.notDeepEqual(later.filters, first.filters, 'the filters did not change while training');
  await shot(page, 'training-fashion');
});

test('a share link with a CNN restores it; a stride that does not fit is explained and cannot train', async () => {
  const good =
    'layers=conv2d:filters=4:kernel=3:padding=1:activation=relu,maxpool2d:size=2,flatten,dense:10';
  await load(
    page,
    `${browser.url}#data=digits&${good}&optimizer=adam&lr=0.01&batch=32&l2=0&seed=2`,
  );
  await waitForScene(page, 'Workbench');
  let labels = (await page.evaluate(() => window.neuralJourney.controls())).map((c) => c.label);
  assert.deepEqual(
    labels.filter((l) => ['conv2d', 'maxpool2d', 'flatten', 'dense 10'].includes(l)),
    ['conv2d', 'maxpool2d', 'flatten', 'dense 10'],
  );
  assert.match(
    await page.evaluate(() => location.hash),
    /conv2d:filters=4:kernel=3:padding=1:activation=relu/,
  );
  // The cost as the workbench shows it: 4 filters × 8×8 × 3×3 = 2,304, then 64 × 10 = 640.
  let bench = await page.evaluate(() => window.neuralJourney.workbench);
  assert.deepEqual(
    [bench.params, bench.macs, bench.maxParams, bench.maxMacs, bench.trainable],
    [690, 2944, null, null, true],
  );
  assert.deepEqual(
    bench.blocks.map((b) => b.label),
    ['conv2d', 'maxpool2d', 'flatten', 'dense 10'],
  );
  assert.match(bench.blocks[0].cost, /2\.3k/);
  assert.equal(bench.blocks[1].cost, '', 'pooling computes no multiply-adds');
  assert.match(bench.blocks[3].cost, /640/);
  // More filters: the totals follow at once.
  await click(page, 'conv2d');
  await page.keyboard.press('ArrowRight');
  bench = await page.evaluate(() => window.neuralJourney.workbench);
  assert.ok(bench.macs > 2944 && bench.params > 690, JSON.stringify(bench));
  // 8×8 with a 5×5 filter at stride 2: (8 − 5) / 2 + 1 = 2.5.
  await load(
    page,
    `${browser.url}#data=digits&layers=conv2d:filters=4:kernel=5:stride=2,flatten,dense:10`,
  );
  await waitForScene(page, 'Workbench');
  labels = (await page.evaluate(() => window.neuralJourney.controls())).map((c) => c.label);
  assert.ok(labels.includes('conv2d'), labels.join(' | '));
  await shot(page, 'workbench-stride-misfit');
  bench = await page.evaluate(() => window.neuralJourney.workbench);
  assert.equal(bench.trainable, false);
  assert.ok(
    bench.problems.some((p) => /^Layer 1/.test(p)),
    bench.problems.join(' | '),
  );
  await click(page, /^Train$/);
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => window.neuralJourney.scene), 'Workbench');
});
