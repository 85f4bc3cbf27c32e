// Browser test of the optimizer lab: three optimizers raced from the same start on the spiral
// level through the UI (Adam wins, the curves draw, the page keeps its frame rate), a lane
// branched from an earlier step, and the race shared by link and replayed exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, click, load, shot, waitForScene } from './browser.js';

let browser;
let page;

before(async () => {
  browser = await openBrowser();
  page = browser.page;
});

after(() => browser?.close());

const lab = () => page.evaluate(() => window.neuralJourney.lab);

/** Waits until every lane of the race has run `steps` steps. */
function allAt(steps, count) {
  return page.waitForFunction(
    ([s, n]) => {
      const l = window.neuralJourney.lab;
      return l && l.lanes.length === n && l.lanes.every((x) => x.step >= s);
    },
    [steps, count],
    { timeout: 60_000 },
  );
}

test('races SGD, momentum and Adam from the same start on the spiral, rewinds, branches, and shares the race', async () => {
  await load(
    page,
    `${browser.url}#level=c2-spiral&layers=dense:32:relu,dense:3:softmax&optimizer=sgd&lr=0.005&batch=32&l2=0&seed=1`,
  );
  await waitForScene(page, 'Workbench');
  await click(page, 'Optimizer lab');
  await waitForScene(page, 'Lab');
  await page.waitForFunction(() => window.neuralJourney.lab?.startHashes.length === 3);
  const start = await lab();
  assert.equal(new Set(start.startHashes).size, 1, 'every lane starts from the same weights');

  // Race, counting frames while the three lanes train side by side.
  const frames = page.evaluate(
    () =>
      new Promise((resolve) => {
        let n = 0;
        const t0 = performance.now();
        const tick = () => {
          n++;
          if (performance.now() - t0 < 2000) requestAnimationFrame(tick);
          else resolve(n / ((performance.now() - t0) / 1000));
        };
        requestAnimationFrame(tick);
      }),
  );
  await click(page, 'Race');
  const fps = await frames;
  await allAt(600, 3);
  const raced = await lab();
  assert.deepEqual(
    raced.lanes.map((l) => l.name),
    ['SGD, lr 0.005', 'Momentum, lr 0.005', 'Adam, lr 0.005'],
  );
  assert.equal(raced.winner, 2, 'Adam meets the goal first');
  assert.ok(
    raced.lanes.every((l) => l.points >= 20),
    'every curve is drawn',
  );
  console.log(`lab: ${fps.toFixed(1)} frames a second while three lanes race`);
  assert.ok(fps >= 50, `${fps.toFixed(1)} frames a second while racing`);
  await shot(page, 'lab-race');

  // Rewind lane 2 (momentum) to step 300: it is there, and racing on brings it back to the same end.
  await click(page, 'lane 2');
  await click(page, 'Step'); // the middle of the timeline: step 300
  await click(page, 'Rewind lane');
  await page.waitForFunction(() => window.neuralJourney.lab?.lanes[1].step === 300);
  await click(page, 'Race');
  await allAt(600, 3);
  assert.equal(
    (await lab()).lanes[1].validation,
    raced.lanes[1].validation,
    'the rewound lane retraces its steps exactly',
  );

  // Branch lane 1 (SGD) at step 300 as Adam: the branch trains to the budget from there.
  await click(page, 'lane 1');
  await click(page, 'Step'); // the middle of the timeline: step 300
  const choice = (await page.evaluate(() => window.neuralJourney.controls())).find(
    (c) => c.label === 'lane 1 optimizer',
  );
  const box = await page.locator('canvas').boundingBox();
  const s = box.width / 1280;
  // Adam is the fifth of the six segments.
  await page.mouse.click(
    box.x + (choice.x + (choice.width * 4.5) / 6) * s,
    box.y + (choice.y + choice.height / 2) * s,
  );
  await click(page, 'Branch here');
  await page.waitForFunction(() => window.neuralJourney.lab?.lanes.length === 4);
  await click(page, 'Race');
  await allAt(600, 4);
  const branched = await lab();
  assert.equal(branched.lanes[3].parent, 0);
  assert.match(branched.lanes[3].name, /^Adam/);
  await click(page, 'Compute');
  await page.waitForTimeout(1500);
  await shot(page, 'lab-branch-landscape');

  // The link replays the race exactly: the same lanes, the same numbers.
  const link = await page.evaluate(() => location.hash);
  assert.match(link, /lanes=/);
  await load(page, `${browser.url}${link}`);
  await waitForScene(page, 'Lab');
  await page.waitForFunction(() => (window.neuralJourney.lab?.startHashes.length ?? 0) > 0);
  assert.match(link, /branches=1@300:adam:0\.005/);
  await click(page, 'Race');
  await allAt(600, 4);
  const replayed = await lab();
  assert.deepEqual(
    replayed.lanes.map((l) => [l.name, l.parent, l.validation]),
    branched.lanes.map((l) => [l.name, l.parent, l.validation]),
    'the same four lanes end with the same validation losses, bit for bit',
  );
  await shot(page, 'lab-replayed');
  assert.deepEqual(browser.errors, []);
});
