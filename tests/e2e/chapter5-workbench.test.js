// Browser tests of the chapter-5 workbench: the light switch's briefing figure (the RNN
// unrolled over a sentence) draws and follows its slider, and a recurrent block dragged onto
// the stack is set by keys and clicks, its parameter count read through the game's hook and
// checked against the engine's own formula. Screenshots go to test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  openBrowser,
  click,
  drag,
  load,
  root,
  settled,
  shot,
  toPage,
  waitForScene,
} from './browser.js';

let browser;
let page;
let level;

before(async () => {
  level = JSON.parse(await readFile(join(root, 'levels', 'c5-switch.json'), 'utf8'));
  browser = await openBrowser();
  page = browser.page;
});

after(() => browser?.close());

/** A rectangle of the game (1280×720 coordinates) as a page clip. */
async function clip(x, y, width, height) {
  const a = await toPage(page, x, y);
  const b = await toPage(page, x + width, y + height);
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
}

/** Distinct colours of a PNG, and the share of pixels that differ from a second one. */
function compare(a, b) {
  return page.evaluate(
    async ([first, second]) => {
      const decode = async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d');
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, img.width, img.height).data;
      };
      const x = await decode(first);
      const y = await decode(second);
      const seen = new Set();
      let changed = 0;
      for (let i = 0; i < x.length; i += 4) {
        seen.add((x[i] << 16) | (x[i + 1] << 8) | x[i + 2]);
        const d =
          Math.abs(x[i] - y[i]) + Math.abs(x[i + 1] - y[i + 1]) + Math.abs(x[i + 2] - y[i + 2]);
        if (d > 24) changed++;
      }
      return { colours: seen.size, changed: changed / (x.length / 4) };
    },
    [a.toString('base64'), b.toString('base64')],
  );
}

/** The workbench as the game reports it. */
function bench() {
  return page.evaluate(() => window.neuralJourney.workbench);
}

/** Waits until the workbench's block labels read `labels`. */
function blocksRead(labels) {
  return page.waitForFunction(
    (want) => window.neuralJourney.workbench.blocks.map((b) => b.label).join() === want,
    labels.join(),
    { timeout: 5_000 },
  );
}

/** Clicks the field chip `name` of block `index` where the game reports it, and waits for it to change. */
async function clickField(index, name) {
  await settled(page);
  const chip = (await bench()).blocks[index].fields.find((f) => f.name === name);
  assert.ok(chip, `block ${index} has no ${name} chip`);
  const at = await toPage(page, chip.x + chip.width / 2, chip.y + chip.height / 2);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(
    ({ i, field, text }) =>
      window.neuralJourney.workbench.blocks[i].fields.find((f) => f.name === field)?.text !== text,
    { i: index, field: name, text: chip.text },
    { timeout: 5_000 },
  );
}

test('the light switch briefing unrolls an RNN whose gradient follows the slider', async () => {
  assert.equal(level.figure, 'rnn-unroll');
  await load(page, `${browser.url}#level=c5-switch`);
  await waitForScene(page, 'Briefing');
  await page.waitForTimeout(1800); // the gradient travels back word by word
  const panel = await clip(624, 90, 600, 440);
  const before = await page.screenshot({ clip: panel });
  await shot(page, 'c5-briefing-rnn-unroll');
  // Up from ×0.8 to a factor above 1: twelve presses of →.
  await click(page, 'Gradient × per step back');
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(1800);
  const later = await page.screenshot({ clip: panel });
  await shot(page, 'c5-briefing-rnn-unroll-exploding');
  const { colours, changed } = await compare(before, later);
  console.log(`rnn-unroll: ${colours} colours, ${(changed * 100).toFixed(1)}% changed at ×2`);
  assert.ok(colours > 20, `the figure panel has only ${colours} colours`);
  assert.ok(changed > 0.01, `the figure did not follow its slider: ${changed}`);
  assert.deepEqual(browser.errors, []);
});

test('an RNN dragged onto the light switch is sized by keys, switched by a click, and counted as the engine counts', async () => {
  await load(page, `${browser.url}#level=c5-switch`);
  await waitForScene(page, 'Briefing');
  await click(page, 'Build it');
  await waitForScene(page, 'Workbench');
  await blocksRead(['onehot', 'dense 8', 'dense 1']);
  await page.waitForTimeout(300);
  await shot(page, 'c5-workbench-start');
  // The dense layer goes, an RNN comes in over the output layer.
  await click(page, /^dense 8$/);
  await page.keyboard.press('Delete');
  await blocksRead(['onehot', 'dense 1']);
  await settled(page);
  await drag(page, 'RNN', 540, 200);
  await blocksRead(['onehot', 'rnn', 'dense 1']);
  await settled(page);
  // 16 → 12 → 8 hidden units by keys.
  await click(page, 'rnn');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(
    () => window.neuralJourney.workbench.blocks[1].fields[0]?.text === 'hidden size 8',
    null,
    { timeout: 5_000 },
  );
  let shown = await bench();
  assert.deepEqual(
    shown.blocks[1].fields.map((f) => f.text),
    ['hidden size 8', 'every step'],
  );
  // 2 symbols in, 8 hidden: 8×(2+8) + 2×8 = 96, and 8 + 1 for the output at every step.
  assert.equal(shown.params, 96 + 9, JSON.stringify(shown));
  assert.equal(shown.trainable, true, shown.problems.join(' | '));
  await page.waitForTimeout(300);
  await shot(page, 'c5-workbench-rnn-every-step');

  // Only the last step: the data wants an answer at every step, and the workbench says so.
  await clickField(1, 'sequences');
  shown = await bench();
  assert.equal(shown.blocks[1].fields[1].text, 'last step');
  assert.equal(shown.trainable, false);
  assert.match(shown.problems.join(' '), /every step/);
  await page.waitForTimeout(300);
  await shot(page, 'c5-workbench-rnn-last-step');
  // S switches it back.
  await click(page, 'rnn');
  await page.keyboard.press('s');
  await page.waitForFunction(
    () => window.neuralJourney.workbench.blocks[1].fields[1]?.text === 'every step',
    null,
    { timeout: 5_000 },
  );
  assert.match(await page.evaluate(() => location.hash), /rnn:hidden=8:sequences=true/);

  // The count is the engine's: the registry's formula over the same spec and data.
  const { buildNetwork } = await import(join(root, 'dist/src/engine/spec.js'));
  const { namedDataShape } = await import(join(root, 'dist/src/data/index.js'));
  const spec = {
    layers: [
      { type: 'onehot' },
      { type: 'rnn', hidden: 8, sequences: true },
      { type: 'dense', units: 1 },
    ],
  };
  const network = buildNetwork(spec, namedDataShape(level.data.name, level.data));
  const rnnRow = network.summary.find((r) => r.layer === 1 && r.params > 0);
  assert.equal(rnnRow.formula, '8×(2+8) + 2×8 = 96');
  shown = await bench();
  assert.equal(shown.params, network.totalParams);
  assert.equal(shown.trainable, true, shown.problems.join(' | '));

  // An embedding put second is refused with the engine's words, shown under the settings.
  await drag(page, 'Embed', 540, 200);
  await blocksRead(['onehot', 'embedding', 'rnn', 'dense 1']);
  shown = await bench();
  assert.equal(shown.trainable, false);
  assert.ok(
    shown.problems.includes(
      'Layer 2: an embedding must be the first layer: it reads the symbols themselves',
    ),
    shown.problems.join(' | '),
  );
  await page.waitForTimeout(300);
  await shot(page, 'c5-workbench-embedding-misplaced');
  assert.deepEqual(browser.errors, []);
});

test('the blow-up level is won through the workbench by turning gradient clipping on', async () => {
  await load(page, `${browser.url}#level=c5-explode`);
  await waitForScene(page, 'Briefing');
  await click(page, 'Build it');
  await waitForScene(page, 'Workbench');
  // Down to off whatever the click picked, then one stop up: 0.25.
  await click(page, 'Gradient clip');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(
    () => !/clip=/.test(location.hash) || /clip=0(&|$)/.test(location.hash),
    null,
    {
      timeout: 5_000,
    },
  );
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /clip=0\.25(&|$)/.test(location.hash), null, {
    timeout: 5_000,
  });
  await page.waitForTimeout(300);
  await shot(page, 'c5-workbench-explode-clip');
  const shown = await bench();
  assert.equal(shown.trainable, true, shown.problems.join(' | '));
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  const trained = await page.evaluate(() => window.neuralJourney.trainer.describe());
  assert.equal(trained.options.clip, 0.25);
  // Clipped, the same network at the same step size trains to the goal; the old way blew up.
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 90_000,
  });
  const training = await page.evaluate(() => window.neuralJourney.training);
  console.log(`Blow-up through the UI with clipping at 0.25: ${JSON.stringify(training)}`);
  assert.equal(training.passed, true, 'the goal was met');
  assert.equal(training.ghost?.missed, true, `the old way: ${JSON.stringify(training.ghost)}`);
  await shot(page, 'c5-training-explode-clipped');
  await click(page, 'Result');
  await waitForScene(page, 'Result');
  await page.waitForTimeout(1200);
  await shot(page, 'c5-result-explode');
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('neural-journey/save')));
  assert.ok(saved.levels['c5-explode'].stars >= 1, JSON.stringify(saved.levels['c5-explode']));
  assert.deepEqual(browser.errors, []);
});
