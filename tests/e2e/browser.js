// Shared setup of the browser tests: the built game served by Vite's preview API and Debian's
// Chromium driven by Playwright, plus helpers that act the way a player does (clicks on the
// canvas at a control's place, found through the game's read-only test hook).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview } from 'vite';
import { chromium } from 'playwright-core';

export const root = new URL('../..', import.meta.url).pathname;
export const artifacts = join(root, 'test-results');

/** Starts the preview server and a fresh Chromium profile; `close()` stops both. */
export async function openBrowser() {
  await mkdir(artifacts, { recursive: true });
  const server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls.local[0];
  const profile = await mkdtemp(join(tmpdir(), 'nj-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const errors = [];
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  return {
    url,
    page,
    context,
    errors,
    async close() {
      await context.close();
      await new Promise((resolve) => server.httpServer.close(resolve));
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the game at `url` as a fresh page load. (A plain `goto` to the same page with another
 * hash only fires `hashchange`; a player pasting a link gets a new load, and so does this.)
 */
export async function load(page, url) {
  await page.goto('about:blank');
  await page.goto(url);
}

/** Waits until the game booted and `scene` is the top scene, with every control at rest. */
export async function waitForScene(page, scene, timeout = 20_000) {
  await page.waitForFunction(
    (key) => window.neuralJourney?.ready === true && window.neuralJourney.scene === key,
    scene,
    { timeout },
  );
  await settled(page);
}

/**
 * Waits until no control is sliding to its place (the game reports it; a click on a moving
 * control is ignored by the game, so tests act only on controls at rest).
 */
export function settled(page, timeout = 5_000) {
  return page.waitForFunction(() => window.neuralJourney.controls().every((c) => !c.moving), null, {
    timeout,
  });
}

/** The top scene's controls as the game lists them (label and rectangle in 1280×720). */
export function controls(page) {
  return page.evaluate(() => window.neuralJourney.controls());
}

/** Page coordinates of the centre of the control labelled `label` (a string or a RegExp). */
async function locate(page, label) {
  const list = await controls(page);
  const hit = list.find((c) => (label instanceof RegExp ? label.test(c.label) : c.label === label));
  if (!hit)
    throw new Error(`no control ${label}; the scene has ${list.map((c) => c.label).join(' | ')}`);
  return toPage(page, hit.x + hit.width / 2, hit.y + hit.height / 2);
}

/** Converts game coordinates (1280×720) to page coordinates of the scaled canvas. */
export async function toPage(page, x, y) {
  const box = await page.locator('canvas').boundingBox();
  const scale = box.width / 1280;
  return { x: box.x + x * scale, y: box.y + y * scale };
}

/** Clicks the control whose label equals `label` (or matches it, for a RegExp), at rest. */
export async function click(page, label) {
  await settled(page);
  const at = await locate(page, label);
  await page.mouse.click(at.x, at.y);
}

/** Drags the control labelled `label` to the game point (x, y) with the mouse. */
export async function drag(page, label, x, y) {
  await settled(page);
  const from = await locate(page, label);
  const to = await toPage(page, x, y);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** Saves a screenshot of the page as a test artifact. */
export function shot(page, name) {
  return page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/** Starts recording the page's long main-thread tasks (before Train, so none are missed). */
export function watchLongTasks(page) {
  return page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
}

/**
 * Counts animation frames for `ms` milliseconds of training (or until the run is done), with
 * the long tasks seen meanwhile: {frames, seconds, longTasks}.
 */
export function measureFrames(page, ms) {
  return page.evaluate(
    (limit) =>
      new Promise((resolve) => {
        window.__longTasks.length = 0;
        let frames = 0;
        const start = performance.now();
        const tick = () => {
          frames++;
          if (performance.now() - start < limit && !window.neuralJourney.training?.done)
            requestAnimationFrame(tick);
          else
            resolve({
              frames,
              seconds: (performance.now() - start) / 1000,
              longTasks: [...window.__longTasks],
            });
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

/**
 * Measures `ms` of frames while something trains (`measureFrames`) and holds them to the limits
 * of every training view: at least 50 frames a second, no main-thread task over 50 ms. Logs the
 * figures under `what`.
 */
export async function expectSmooth(page, ms, what) {
  const measured = await measureFrames(page, ms);
  const fps = measured.frames / measured.seconds;
  console.log(
    `${what}: ${fps.toFixed(1)} fps over ${measured.seconds.toFixed(2)} s, long tasks ${JSON.stringify(measured.longTasks)}`,
  );
  assert.ok(measured.seconds >= 1, `${what}: training lasted long enough to measure`);
  assert.deepEqual(
    measured.longTasks.filter((d) => d > 50),
    [],
    `${what}: long tasks`,
  );
  assert.ok(fps >= 50, `${what}: ${fps.toFixed(1)} fps`);
}
