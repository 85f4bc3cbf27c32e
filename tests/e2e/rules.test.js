// Browser tests of the level rules in the game: a link cannot lift a level's locks (what the
// workbench shows, what the worker trains and what the save records all agree), the previous
// era's model fails beside the player's run, and a sandbox run on a CSV file writes a link
// that reopens the sandbox and asks for the file again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, click, controls, load, shot, waitForScene } from './browser.js';

let browser;
let page;

before(async () => {
  browser = await openBrowser();
  page = browser.page;
});

after(() => browser?.close());

/** The hash as key → value (the game writes every value by name). */
function hashValues(hash) {
  return Object.fromEntries(
    hash
      .replace(/^#/, '')
      .split('&')
      .map((p) => p.split('=')),
  );
}

test('a link cannot lift the locks of a level: the workbench, the trained run and the save agree', async () => {
  const link =
    '#level=c3-dropout&layers=dense:8:relu,dense:1:sigmoid&optimizer=sgd&lr=0.5&l2=0.05&batch=8';
  await load(page, `${browser.url}${link}`);
  await waitForScene(page, 'Workbench');
  const labels = (await controls(page)).map((c) => c.label);
  const notice = labels.find((l) => l.startsWith('dismiss: '));
  assert.ok(notice, `no notice in ${labels.join(' | ')}`);
  for (const said of [
    'optimizer SGD → Adam',
    'learning rate 0.5 → 0.003',
    'batch size 8 → 32',
    'L2 penalty 0.05 → 0',
  ]) {
    assert.ok(notice.includes(said), `the notice says "${said}": ${notice}`);
  }
  // The workbench shows the level's own network and settings, and writes them to the address.
  assert.deepEqual(
    labels.filter((l) => /^dense /.test(l)),
    ['dense 128', 'dense 128', 'dense 1'],
  );
  const shown = hashValues(await page.evaluate(() => location.hash));
  assert.equal(shown.layers, 'dense:128:relu,dense:128:relu,dense:1:sigmoid');
  assert.deepEqual(
    [shown.optimizer, shown.lr, shown.batch, shown.l2],
    ['adam', '0.003', '32', '0'],
  );
  await shot(page, 'rules-link-conformed');

  await click(page, 'Train');
  await waitForScene(page, 'Training');
  const trained = await page.evaluate(() => window.neuralJourney.trainer.describe());
  assert.equal(
    trained.spec.layers.map((l) => `${l.type}:${l.units}`).join(),
    'dense:128,dense:128,dense:1',
  );
  assert.deepEqual(
    [trained.options.optimizer, trained.options.lr, trained.options.batch, trained.options.l2],
    ['adam', 0.003, 32, 0],
  );
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 60_000,
  });
  const saved = await page.evaluate(
    () => JSON.parse(localStorage.getItem('neural-journey/save')).levels['c3-dropout'],
  );
  const latest = saved.recent[0];
  assert.deepEqual(
    [latest.options.optimizer, latest.options.lr, latest.options.batch, latest.options.l2],
    ['adam', 0.003, 32, 0],
  );
  assert.deepEqual(latest.spec.layers, trained.spec.layers);
  assert.equal(latest.passed, false, 'without dropout the 128-128 network overfits');
  assert.deepEqual(browser.errors, []);
});

test('the previous era fails in front of the player, with its lesson', async () => {
  const link =
    '#level=c2-xor&layers=dense:8:relu,dense:1:sigmoid&optimizer=sgd&lr=0.5&batch=32&l2=0&seed=1';
  await load(page, `${browser.url}${link}`);
  await waitForScene(page, 'Workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => window.neuralJourney.training?.ghost !== null, null, {
    timeout: 10_000,
  });
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 60_000,
  });
  const run = await page.evaluate(() => window.neuralJourney.training);
  assert.equal(run.passed, true, 'the hidden layer wins');
  assert.equal(run.ghost.missed, true, 'one neuron, no hidden layer, misses');
  assert.equal(run.ghost.step, 800, 'the old way ran its whole budget');
  await shot(page, 'rules-ghost');
  assert.deepEqual(browser.errors, []);
});

test('a sandbox run on a CSV file writes a link that asks for the file again', async () => {
  const rows = ['size,rooms,age,price'];
  for (let i = 0; i < 200; i++) {
    const size = 50 + ((i * 37) % 150);
    const rooms = 1 + (i % 5);
    const age = (i * 13) % 60;
    rows.push(
      `${size},${rooms},${age},${120000 + 1500 * size + 9000 * rooms - 800 * age + ((i * 7919) % 20000)}`,
    );
  }
  const file = { name: 'houses.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) };
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  await click(page, /Sandbox/);
  await waitForScene(page, 'Sandbox');
  await page.setInputFiles('input[type=file]', file);
  await waitForScene(page, 'Workbench');
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /csv=houses/);
  assert.match(hash, /layers=dense:8:tanh,dense:1/);

  // The link reopens the sandbox, which asks for the file; the file brings back the network.
  await load(page, `${browser.url}${hash.replace('lr=0.01', 'lr=0.03')}`);
  await waitForScene(page, 'Sandbox');
  assert.ok(
    (await controls(page)).some((c) => /^Open houses/.test(c.label)),
    'the sandbox asks for the file by name',
  );
  await shot(page, 'rules-sandbox-asks-for-file');
  await page.setInputFiles('input[type=file]', file);
  await waitForScene(page, 'Workbench');
  assert.match(await page.evaluate(() => location.hash), /csv=houses.*lr=0\.03/);

  // Prices around 300,000 train: the loss falls well below what the mean alone would give (1 in
  // standardised targets).
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => (window.neuralJourney.training?.step ?? 0) >= 1500, null, {
    timeout: 60_000,
  });
  const loss = await page.evaluate(() => window.neuralJourney.training.loss);
  assert.ok(loss < 0.2, `training loss ${loss} in standardised units`);
  await shot(page, 'rules-sandbox-prices');
  assert.deepEqual(browser.errors, []);
});

test('the address bar follows the screen, and a misspelt teacher flag is named where the link opens', async () => {
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  const hash = () => page.evaluate(() => location.hash);
  assert.equal(await hash(), '');
  await click(page, /journey/);
  await waitForScene(page, 'JourneyMap');
  assert.equal(await hash(), '');
  await click(page, 'c0-line');
  await waitForScene(page, 'Briefing');
  assert.equal(await hash(), '#level=c0-line');
  await click(page, 'Build it');
  await waitForScene(page, 'Workbench');
  assert.match(await hash(), /^#level=c0-line&layers=dense:1:zeros&optimizer=sgd&lr=0\.001&/);
  await click(page, 'Map');
  await waitForScene(page, 'JourneyMap');
  assert.equal(await hash(), '');

  await load(
    page,
    `${browser.url}#level=c2-xor&layers=dense:1:sigmoid&optimizer=sgd&lr=0.3&batch=32&l2=0&seed=1&hide=optimzer,seed`,
  );
  await waitForScene(page, 'Workbench');
  const labels = (await controls(page)).map((c) => c.label);
  assert.ok(
    labels.some(
      (l) => l.startsWith('dismiss: ') && l.includes('"optimzer", which is not a control'),
    ),
    labels.join(' | '),
  );
  assert.ok(!labels.includes('Seed'), 'the rest of the teacher link still applies');
  // The teacher's flags stay on the address of every screen of the visit.
  assert.match(await hash(), /&hide=seed$/);
  await shot(page, 'rules-teacher-typo');
  assert.deepEqual(browser.errors, []);
});

test('on a level whose idea is the learning rate, a divergence does not hand out a winning rate', async () => {
  await load(
    page,
    `${browser.url}#level=c0-line&layers=dense:1&optimizer=sgd&lr=5&batch=32&l2=0&seed=1`,
  );
  await waitForScene(page, 'Workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => window.neuralJourney.training?.diverged, null, {
    timeout: 20_000,
  });
  const { diverged } = await page.evaluate(() => window.neuralJourney.training);
  assert.match(diverged, /choose a smaller learning rate yourself/);
  assert.doesNotMatch(diverged, /Try \d|0\.5/);
  const labels = (await controls(page)).map((c) => c.label);
  assert.ok(!labels.some((l) => l.startsWith('Rewind')), labels.join(' | '));
  assert.ok(labels.includes('Workbench'));
  await shot(page, 'rules-diverged-line');

  // Where the rate is not the lesson (the sandbox), the dialog offers the rewind.
  await load(
    page,
    `${browser.url}#data=diabetes&layers=dense:1&optimizer=sgd&lr=1&batch=32&l2=0&seed=1`,
  );
  await waitForScene(page, 'Workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => window.neuralJourney.training?.diverged, null, {
    timeout: 20_000,
  });
  await page.waitForFunction(
    () => window.neuralJourney.controls().some((c) => c.label === 'Rewind, learning rate 0.1'),
    null,
    { timeout: 5_000 },
  );
  await click(page, 'Rewind, learning rate 0.1');
  await page.waitForFunction(() => (window.neuralJourney.training?.step ?? 0) > 30, null, {
    timeout: 20_000,
  });
  assert.equal(await page.evaluate(() => window.neuralJourney.training.diverged), null);
  assert.equal(
    (await page.evaluate(() => window.neuralJourney.trainer.describe())).options.lr,
    0.1,
  );
  assert.deepEqual(browser.errors, []);
});
