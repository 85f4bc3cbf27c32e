// Browser tests of chapter 5, "Memory": The light switch played from the journey map with the
// start network replaced by onehot → rnn(8, every step) → dense(1) in the workbench; while it
// trains, the gradient-health strip and the hidden-state heatmap are checked pixel by pixel
// (not blank, and changing), the frame rate is measured, and the run must win. Screenshots of
// each scene go to test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  openBrowser,
  click,
  drag,
  load,
  measureFrames,
  root,
  settled,
  shot,
  toPage,
  waitForScene,
  watchLongTasks,
} from './browser.js';

let browser;
let page;
let levels = [];

before(async () => {
  const names = (await readdir(join(root, 'levels'))).filter((n) => n.endsWith('.json'));
  levels = await Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(root, 'levels', n), 'utf8'))),
  );
  levels.sort((a, b) => a.chapter - b.chapter || a.order - b.order);
  browser = await openBrowser();
  page = browser.page;
});

after(() => browser?.close());

/** A save in which every level before `levelId` has one star, at training speed `speed`. */
async function startWithSave(levelId, speed) {
  const done = levels.slice(
    0,
    levels.findIndex((l) => l.id === levelId),
  );
  const save = {
    version: 1,
    settings: { speed },
    levels: Object.fromEntries(done.map((l) => [l.id, { stars: 1, best: null, recent: [] }])),
  };
  await load(page, browser.url);
  await page.evaluate(
    (text) => localStorage.setItem('neural-journey/save', text),
    JSON.stringify(save),
  );
}

/** A rectangle of the game (1280×720 coordinates) as a page clip. */
async function clip({ x, y, width, height }) {
  const a = await toPage(page, x, y);
  const b = await toPage(page, x + width, y + height);
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
}

/**
 * Decodes PNG screenshots in the page: the distinct colours of each, and the share of pixels
 * that differ between the first and each later one.
 */
function comparePngs(pngs) {
  return page.evaluate(
    async (encoded) => {
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
      const images = await Promise.all(encoded.map(decode));
      const colours = images.map((data) => {
        const seen = new Set();
        for (let i = 0; i < data.length; i += 4)
          seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return seen.size;
      });
      const changed = images.slice(1).map((data) => {
        const first = images[0];
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (
            Math.abs(data[i] - first[i]) +
              Math.abs(data[i + 1] - first[i + 1]) +
              Math.abs(data[i + 2] - first[i + 2]) >
            24
          )
            n++;
        }
        return n / (data.length / 4);
      });
      return { colours, changed };
    },
    pngs.map((b) => b.toString('base64')),
  );
}

/** A layer in a share link's words (`dense:10`, `lstm:hidden=64:sequences=true`). */
function encodeLayer(layer) {
  if (layer.type === 'dense')
    return ['dense', layer.units, ...(layer.activation ? [layer.activation] : [])].join(':');
  const fields = Object.entries(layer).filter(([k]) => k !== 'type');
  return [layer.type, ...fields.map(([k, v]) => `${k}=${v}`)].join(':');
}

/** The share link of a level's reference setup. */
function referenceLink(level) {
  const { spec, options, seed } = level.reference;
  return (
    `#level=${level.id}&layers=${spec.layers.map(encodeLayer).join(',')}` +
    `&optimizer=${options.optimizer}&lr=${options.lr}&batch=${options.batch}&l2=0&seed=${seed}`
  );
}

/** The workbench's block labels, once they read `labels`. */
function blocksAre(labels) {
  return page.waitForFunction(
    (want) => window.neuralJourney.workbench?.blocks.map((b) => b.label).join() === want,
    labels.join(),
    { timeout: 5_000 },
  );
}

/** The sequence pictures as the game reports them. */
function sequenceShown() {
  return page.evaluate(() => window.neuralJourney.pictures?.sequence ?? null);
}

test('plays The light switch from the map: a recurrent layer wins, its memory and gradient health drawn as it trains', async () => {
  const level = levels.find((l) => l.id === 'c5-switch');
  assert.ok(level, 'the level c5-switch exists');
  await startWithSave('c5-switch', 1);
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  await click(page, /^Continue/);
  await waitForScene(page, 'JourneyMap');
  const map = await page.evaluate(() => window.neuralJourney.map);
  assert.ok(map.levels.find((l) => l.id === 'c5-switch')?.unlocked, 'The light switch is open');
  await page.waitForTimeout(600);
  await shot(page, 'c5-map');

  await click(page, 'c5-switch');
  await waitForScene(page, 'Briefing');
  await page.waitForTimeout(600);
  await shot(page, 'c5-briefing-c5-switch');
  await click(page, 'Build it');
  await waitForScene(page, 'Workbench');
  await blocksAre(['onehot', 'dense 8', 'dense 1']);

  // The recurrent block between the one-hot and the dense layers, then 16 → 8 hidden units.
  await drag(page, 'RNN', 540, 210);
  await blocksAre(['onehot', 'rnn', 'dense 8', 'dense 1']);
  await settled(page);
  await click(page, 'rnn');
  for (let i = 0; i < 8 && !/rnn:hidden=8:/.test(await page.evaluate(() => location.hash)); i++) {
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(150);
  }
  assert.match(await page.evaluate(() => location.hash), /rnn:hidden=8:sequences=true/);
  // The dense hidden layer goes: the state feeds the answer at every step.
  await click(page, /^dense 8$/);
  await page.keyboard.press('Delete');
  await blocksAre(['onehot', 'rnn', 'dense 1']);
  await settled(page);
  const bench = await page.evaluate(() => window.neuralJourney.workbench);
  assert.equal(bench.trainable, true, bench.problems.join(' | '));
  // 8×(2 + 8) + 2×8 = 96 for the recurrent layer, 8 + 1 for the answer.
  assert.equal(bench.params, 105, JSON.stringify(bench));
  await shot(page, 'c5-workbench-c5-switch-built');

  await watchLongTasks(page);
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  const trained = await page.evaluate(() => window.neuralJourney.trainer.describe());
  assert.deepEqual(trained.spec.layers, [
    { type: 'onehot' },
    { type: 'rnn', hidden: 8, sequences: true },
    { type: 'dense', units: 1 },
  ]);

  // Early in the run: the pictures are there and drawn with something.
  await page.waitForFunction(
    () => (window.neuralJourney.pictures?.sequence?.health?.columns ?? 0) >= 10,
    null,
    { timeout: 20_000 },
  );
  const early = await sequenceShown();
  assert.equal(early.layer, '1');
  assert.equal(early.cell, 'rnn');
  assert.equal(early.examples, 8);
  assert.equal(early.answers.total, level.data.steps, 'an answer under every step');
  assert.equal(early.health.lastLogs.length, level.data.steps, 'a row per step');
  const rects = early.rects;
  assert.ok(rects.health && rects.hidden, JSON.stringify(rects));
  const first = [
    await page.screenshot({ clip: await clip(rects.health) }),
    await page.screenshot({ clip: await clip(rects.hidden) }),
  ];
  await shot(page, 'c5-training-c5-switch-early');

  // Frames while it trains (the view paints at refresh only), then the same pictures later. A
  // screenshot is a long task of its own, reported a moment later: let it pass first.
  await page.waitForTimeout(500);
  const measured = await measureFrames(page, 3000);
  const fps = measured.frames / measured.seconds;
  console.log(
    `c5-switch while training: ${fps.toFixed(1)} fps over ${measured.seconds.toFixed(2)} s, long tasks ${JSON.stringify(measured.longTasks)}`,
  );
  const later = [
    await page.screenshot({ clip: await clip(rects.health) }),
    await page.screenshot({ clip: await clip(rects.hidden) }),
  ];
  const late = await sequenceShown();
  await shot(page, 'c5-training-c5-switch-mid-run');
  for (const [k, name] of ['gradient-health strip', 'hidden-state heatmap'].entries()) {
    const { colours, changed } = await comparePngs([first[k], later[k]]);
    console.log(
      `${name}: ${colours.join(' and ')} colours at steps ${early.step} and ${late.step}, ${(changed[0] * 100).toFixed(1)}% of the pixels changed`,
    );
    assert.ok(colours[0] > 8 && colours[1] > 8, `${name} looks blank: ${colours.join(', ')}`);
    assert.ok(changed[0] > 0.005, `${name} did not change: ${changed[0]}`);
  }
  assert.ok(late.step > early.step, 'training went on between the screenshots');
  assert.ok(late.health.columns > early.health.columns, 'the strip grew');
  assert.ok(measured.seconds >= 1, 'training lasted long enough to measure');
  assert.deepEqual(
    measured.longTasks.filter((d) => d > 50),
    [],
  );
  assert.ok(fps >= 50, `${fps.toFixed(1)} fps`);

  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 60_000,
  });
  const training = await page.evaluate(() => window.neuralJourney.training);
  console.log(`The light switch through the UI: ${JSON.stringify(training)}`);
  assert.equal(training.passed, true, 'the goal was met');
  // The old way (a dense layer, one step at a time) ran beside it and missed.
  assert.equal(training.ghost?.missed, true, `the old way: ${JSON.stringify(training.ghost)}`);
  const done = await sequenceShown();
  console.log(`the first validation sequence at the end: ${JSON.stringify(done.answers)} right`);
  assert.equal(done.answers.total, level.data.steps);
  await shot(page, 'c5-training-c5-switch-done');

  // Another validation sequence: the arrow picks it, and its answers come with it.
  await click(page, 'next sequence');
  await page.waitForFunction(
    () =>
      window.neuralJourney.pictures?.sequence?.chosen === 1 &&
      window.neuralJourney.pictures.sequence.answers !== null,
    null,
    { timeout: 5_000 },
  );
  await shot(page, 'c5-training-c5-switch-second-sequence');

  await click(page, 'Result');
  await waitForScene(page, 'Result');
  await page.waitForTimeout(1200);
  await shot(page, 'c5-result-c5-switch');
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('neural-journey/save')));
  assert.ok(saved.levels['c5-switch'].stars >= 1, JSON.stringify(saved.levels['c5-switch']));
  assert.deepEqual(browser.errors, []);
});

test('the start network of The light switch has no recurrent layer, and the view says so', async () => {
  await load(page, `${browser.url}#level=c5-switch`);
  await waitForScene(page, 'Briefing');
  await click(page, 'Build it');
  await waitForScene(page, 'Workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => (window.neuralJourney.pictures?.sequence?.step ?? 0) > 0, null, {
    timeout: 20_000,
  });
  const shown = await sequenceShown();
  assert.equal(shown.layer, null);
  assert.equal(shown.health, null);
  assert.equal(shown.answers.total, 10);
  await shot(page, 'c5-training-c5-switch-no-memory');
  assert.deepEqual(browser.errors, []);
});

test('Dream up a name: the gates of an LSTM drawn, and names sampled in the worker follow the temperature and top-k', async (t) => {
  const level = levels.find((l) => l.id === 'c6-names');
  if (!level) return t.skip('no level c6-names');
  await load(page, `${browser.url}${referenceLink(level)}`);
  await waitForScene(page, 'Workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(
    () => (window.neuralJourney.pictures?.sequence?.samples?.samples.length ?? 0) === 5,
    null,
    { timeout: 20_000 },
  );
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 60_000,
  });
  await page.waitForTimeout(500);
  const before = await sequenceShown();
  assert.equal(before.cell, 'lstm');
  for (const gate of ['h', 'c', 'input', 'forget', 'output'])
    assert.ok(before.state[gate] > 0, `${gate}: ${JSON.stringify(before.state)}`);
  assert.deepEqual(
    { temperature: before.samples.temperature, topK: before.samples.topK },
    { temperature: 0.8, topK: 0 },
  );
  const gate = await page.screenshot({ clip: await clip(before.rects.gate) });
  const { colours } = await comparePngs([gate]);
  assert.ok(colours[0] > 8, `the first gate map has ${colours[0]} colours`);
  await shot(page, 'c6-training-c6-names-done');
  console.log(`names at temperature 0.8: ${before.samples.samples.join(', ')}`);

  // The middle of the temperature track and a top-k segment: the samples are drawn again.
  await click(page, 'Temperature');
  await page.waitForFunction(
    () => window.neuralJourney.pictures.sequence.samples.temperature !== 0.8,
    null,
    { timeout: 5_000 },
  );
  await click(page, 'Draw from');
  await page.waitForFunction(
    () => window.neuralJourney.pictures.sequence.samples.topK !== 0,
    null,
    {
      timeout: 5_000,
    },
  );
  const after = await sequenceShown();
  console.log(
    `names at temperature ${after.samples.temperature}, top ${after.samples.topK}: ${after.samples.samples.join(', ')}`,
  );
  assert.equal(after.samples.samples.length, 5);
  assert.ok(
    after.samples.samples.every((s) => /^[a-z]*$/.test(s)),
    after.samples.samples.join(),
  );
  assert.ok(after.samples.samples.every((s) => s.length <= 16));
  await shot(page, 'c6-training-c6-names-samples');
  assert.deepEqual(browser.errors, []);
});

test('plays The adding problem from the map: an LSTM in place of the plain RNN wins a star that stays', async () => {
  await startWithSave('c6-long', 8);
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  await click(page, /^Continue/);
  await waitForScene(page, 'JourneyMap');
  const map = await page.evaluate(() => window.neuralJourney.map);
  assert.ok(map.levels.find((l) => l.id === 'c6-long')?.unlocked, 'The adding problem is open');
  await click(page, 'c6-long');
  await waitForScene(page, 'Briefing');
  await page.waitForTimeout(600);
  await shot(page, 'c6-briefing-c6-long');
  await click(page, 'Build it');
  await waitForScene(page, 'Workbench');
  await blocksAre(['rnn', 'dense 1']);
  // The LSTM in beside the plain layer, which then goes; the LSTM answers from its last step.
  await drag(page, 'LSTM', 400, 210);
  await blocksAre(['rnn', 'lstm', 'dense 1']);
  await settled(page);
  await click(page, /^rnn$/);
  await page.keyboard.press('Delete');
  await blocksAre(['lstm', 'dense 1']);
  await settled(page);
  await click(page, 'lstm');
  if (/lstm:hidden=\d+:sequences=true/.test(await page.evaluate(() => location.hash))) {
    await page.keyboard.press('s');
  }
  await page.waitForFunction(() => window.neuralJourney.workbench?.trainable === true, null, {
    timeout: 5_000,
  });
  const bench = await page.evaluate(() => window.neuralJourney.workbench);
  await shot(page, 'c6-workbench-c6-long-built');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  const trained = await page.evaluate(() => window.neuralJourney.trainer.describe());
  assert.equal(trained.spec.layers[0].type, 'lstm', JSON.stringify(trained.spec));
  assert.notEqual(trained.spec.layers[0].sequences, true);
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 120_000,
  });
  const training = await page.evaluate(() => window.neuralJourney.training);
  console.log(`The adding problem with ${bench.params} parameters: ${JSON.stringify(training)}`);
  assert.equal(training.passed, true, 'the goal was met');
  assert.equal(training.ghost?.missed, true, `the old way: ${JSON.stringify(training.ghost)}`);
  await shot(page, 'c6-training-c6-long-done');
  await click(page, 'Result');
  await waitForScene(page, 'Result');
  await page.waitForTimeout(1200);
  await shot(page, 'c6-result-c6-long');
  await load(page, browser.url);
  await waitForScene(page, 'Title');
  await click(page, /^Continue/);
  await waitForScene(page, 'JourneyMap');
  const kept = await page.evaluate(() =>
    window.neuralJourney.map.levels.find((l) => l.id === 'c6-long'),
  );
  assert.ok(kept.stars >= 1, `the map shows ${kept.stars} stars after the reload`);
  assert.deepEqual(browser.errors, []);
});
