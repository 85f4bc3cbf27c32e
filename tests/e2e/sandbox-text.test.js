// Browser tests of a player's own text file in the sandbox: opened through the text file
// picker, shown on the data page (its name, size, vocabulary and first characters), built into
// the sandbox's starting character model (embedding → LSTM → dense) and trained until the loss
// falls; a text too short is refused with a notice that keeps what was picked; a link made with
// a text file asks for the file again; and the bundled names can be picked as well.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openBrowser, click, controls, load, root, shot, waitForScene } from './browser.js';

let browser;
let page;

before(async () => {
  browser = await openBrowser();
  page = browser.page;
});

after(() => browser?.close());

const hash = () => page.evaluate(() => location.hash);

/** Waits for the run to reach `step` steps. */
function reach(step, timeout = 120_000) {
  return page.waitForFunction((s) => (window.neuralJourney.training?.step ?? 0) >= s, step, {
    timeout,
  });
}

/** The text picker (the second file input; the first is the CSV one). */
const textPicker = () => page.locator('input[type=file][aria-label="Choose a text file"]');

/**
 * Two thousand of the bundled names, one per line, in a fixed shuffled order (the list is
 * alphabetical, and its last tenth, the test chunk, would be all names from "t" on), as a
 * player's own file.
 */
async function namesFile() {
  const asset = JSON.parse(
    await readFile(join(root, 'data/text/female-first-names-en.json'), 'utf8'),
  );
  const names = [...asset.names];
  let state = 7;
  for (let i = names.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [names[i], names[j]] = [names[j], names[i]];
  }
  return names.slice(0, 2000).join('\n') + '\n';
}

async function openSandbox() {
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  await click(page, /Sandbox/);
  await waitForScene(page, 'Sandbox');
}

test('a text file opens on the data page, builds a character model and trains its loss down', async () => {
  await openSandbox();
  const text = await namesFile();
  await textPicker().setInputFiles({
    name: 'my-names.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
  // The data page shows the file: name, size, number of characters and the vocabulary.
  await page.waitForFunction(
    () => window.neuralJourney.scene === 'Sandbox' && !/Reading/.test(document.title),
  );
  await page.waitForTimeout(500);
  await shot(page, 'sandbox-text-loaded');
  await click(page, 'Build a network');
  await waitForScene(page, 'Workbench');
  assert.match(
    await hash(),
    /^#text=my-names&layers=embedding:dim=16,lstm:hidden=64:sequences=true,dense:/,
  );
  await shot(page, 'sandbox-text-workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  const described = await page.evaluate(() => window.neuralJourney.trainer.describe());
  assert.deepEqual(
    described.spec.layers.map((l) => l.type),
    ['embedding', 'lstm', 'dense'],
  );
  // An untrained network guesses every character alike: ln 27 ≈ 3.30 nats per character.
  const chance = Math.log(27);
  await reach(1);
  const early = await page.evaluate(() => window.neuralJourney.training.loss);
  await reach(400);
  const late = await page.evaluate(() => window.neuralJourney.training.loss);
  const validation = await page.evaluate(
    async () => (await window.neuralJourney.trainer.evaluate('validation')).loss,
  );
  await shot(page, 'sandbox-text-training');
  assert.ok(late <= early, `the loss fell from ${early} to ${late}`);
  assert.ok(late < chance - 1, `the training loss ${late} is well below chance (${chance})`);
  assert.ok(validation < 2.6, `validation loss ${validation} nats per character`);
  assert.deepEqual(browser.errors, []);
});

test('a text too short is refused with a notice, and the picked data stays', async () => {
  await openSandbox();
  await click(page, 'data xor');
  await textPicker().setInputFiles({
    name: 'short.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('hello there'),
  });
  await page.waitForFunction(
    () => window.neuralJourney.controls().some((c) => c.label.startsWith('dismiss: ')),
    null,
    { timeout: 10_000 },
  );
  const notice = (await controls(page)).find((c) => c.label.startsWith('dismiss: '));
  assert.match(notice.label, /short\.txt: .*too short/);
  await shot(page, 'sandbox-text-too-short');
  await click(page, 'Build a network');
  await waitForScene(page, 'Workbench');
  assert.match(await hash(), /^#data=xor&/);
  assert.deepEqual(browser.errors, []);
});

test('a text link asks for its file, then opens the workbench with the link’s network', async () => {
  const link =
    '#text=my-names&layers=embedding:dim=8,gru:hidden=32:sequences=true,dense:27&optimizer=adam&lr=0.01&batch=32&l2=0&seed=3';
  await load(page, `${browser.url}${link}`);
  await waitForScene(page, 'Sandbox');
  const labels = (await controls(page)).map((c) => c.label);
  assert.ok(labels.includes('Open my-names…'), labels.join(' | '));
  await shot(page, 'sandbox-text-link');
  await textPicker().setInputFiles({
    name: 'my-names.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(await namesFile()),
  });
  await waitForScene(page, 'Workbench');
  const opened = await hash();
  assert.match(opened, /^#text=my-names&layers=embedding:dim=8,gru:hidden=32:sequences=true/);
  assert.match(opened, /&seed=3(&|$)/);
  assert.deepEqual(browser.errors, []);
});

test('the bundled names can be picked on the data page', async () => {
  await openSandbox();
  await click(page, 'data names');
  await page.waitForTimeout(300);
  await shot(page, 'sandbox-text-names');
  await click(page, 'Build a network');
  await waitForScene(page, 'Workbench');
  assert.match(
    await hash(),
    /^#data=names&layers=embedding:dim=16,lstm:hidden=64:sequences=true,dense:/,
  );
  assert.deepEqual(browser.errors, []);
});
