// Browser test of a classroom contest, end to end against the real server: a teacher creates a
// class on the dashboard; two students, each in a browser context of their own, join with the
// code, win a class level and submit it; the teacher's live board shows both, with the scores the
// server computed by replaying their runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { artifacts, click, root, waitForScene } from './browser.js';

let server;
let url;
let browser;
let dir;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nj-class-'));
  const port = 18000 + (process.pid % 1000);
  url = `http://127.0.0.1:${port}`;
  server = spawn(
    process.execPath,
    [
      join(root, 'bin/neural-journey.js'),
      'serve',
      '--port',
      String(port),
      '--db',
      join(dir, 'class.db'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stderr.on('data', (d) => process.stderr.write(d));
  // Wait until the server answers.
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/api/version`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A student: a browser context of their own joins with the code and wins XOR, then submits. */
async function student(code, nickname) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/`);
  await waitForScene(page, 'Title');
  await click(page, 'Join a class');
  await waitForScene(page, 'ClassJoin');
  await page.fill('#class-code', code.toLowerCase());
  await page.fill('#class-nickname', nickname);
  await click(page, 'Join');
  await page.waitForFunction(() =>
    window.neuralJourney.controls().some((c) => c.label === 'Leave the class'),
  );
  await page.screenshot({ path: join(artifacts, `class-joined-${nickname}.png`) });
  // The level's own winning network, through a link: the workbench, then a run to the goal.
  await page.goto('about:blank');
  await page.goto(
    `${url}/#level=c2-xor&layers=dense:8:relu,dense:1:sigmoid&optimizer=sgd&lr=0.3&batch=32&l2=0&seed=1`,
  );
  await waitForScene(page, 'Workbench');
  await click(page, 'Train');
  await waitForScene(page, 'Training');
  await page.waitForFunction(() => window.neuralJourney.training?.done === true, null, {
    timeout: 60_000,
  });
  assert.equal(await page.evaluate(() => window.neuralJourney.training.passed), true);
  await click(page, 'Result');
  await waitForScene(page, 'Result');
  await click(page, 'Submit to the class');
  return { context, page, errors };
}

test('a teacher creates a class, two students join and submit, the live board shows them verified', async () => {
  const teacher = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const dash = await teacher.newPage();
  const dashErrors = [];
  dash.on('pageerror', (e) => dashErrors.push(e.message));
  await dash.goto(`${url}/teacher.html`);
  await dash.fill('#class-name', 'Year 10 <b>physics</b>');
  // Only XOR for this contest.
  for (const box of await dash.locator('#create-form input[name=levels]').all()) {
    if ((await box.getAttribute('value')) !== 'c2-xor') await box.uncheck();
  }
  await dash.click('#create-form button[type=submit]');
  await dash.waitForSelector('#join-code');
  const code = (await dash.textContent('#join-code')).trim();
  assert.match(code, /^[ACDEFGHJKMNPQRTUVWXY34679]{6}$/);
  assert.ok((await dash.textContent('#teacher-token')).trim().length > 20, 'token shown once');
  // The name is text, not markup.
  assert.match(await dash.textContent('#class-name-title'), /<b>physics<\/b>/);
  await dash.screenshot({ path: join(artifacts, 'class-dashboard-created.png') });

  const a = await student(code, 'Ada');
  const b = await student(code, 'Grace');
  // The board updates live (Server-Sent Events): both nicknames, each with a verified score.
  await dash.waitForFunction(
    () =>
      ['Ada', 'Grace'].every((n) =>
        document.querySelector(`#board [data-test=board-row][data-nickname="${n}"]`),
      ),
    null,
    { timeout: 60_000 },
  );
  await dash.screenshot({ path: join(artifacts, 'class-dashboard-board.png') });
  const board = await (await fetch(`${url}/api/classes/${code}/board`)).json();
  assert.deepEqual(board.rows.map((r) => r.nickname).sort(), ['Ada', 'Grace']);
  for (const row of board.rows) {
    assert.ok(row.stars >= 1, `${row.nickname} has a verified star`);
    assert.ok(row.scores['c2-xor'] >= 0.93, `${row.nickname}'s replayed accuracy`);
  }
  await a.page.screenshot({ path: join(artifacts, 'class-student-submitted.png') });
  // Back on the title, the class button opens where Ada stands on the board.
  await a.page.goto('about:blank');
  await a.page.goto(`${url}/`);
  await waitForScene(a.page, 'Title');
  await click(a.page, /^Class /);
  await waitForScene(a.page, 'ClassJoin');
  await a.page.waitForTimeout(1000);
  await a.page.screenshot({ path: join(artifacts, 'class-student-standing.png') });
  assert.deepEqual([...a.errors, ...b.errors, ...dashErrors], []);
  await a.context.close();
  await b.context.close();
  await teacher.close();
});
