/**
 * The weights every level's reference run and the README's command-line examples end with,
 * pinned: a refactor of the engine (the op graph to come) must leave every one bit for bit. A
 * change here is a change of results — players' saved runs and classroom replays would score
 * differently — and must be a deliberate one. Regenerate with `PIN_HASHES=write npx vitest run
 * tests/engine/pinned-hashes.test.ts` only when results are meant to change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Learner } from '../../src/engine/learner.js';
import { LEVELS, levelDataset } from '../../src/levels/index.js';
import { loadLevelAssets } from '../../src/node/image-data.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { run } from '../../src/cli/main.js';

const FILE = join(import.meta.dirname, 'pinned-hashes.json');
const pinned: Record<string, string> = JSON.parse(readFileSync(FILE, 'utf8'));
const found: Record<string, string> = {};

/** The README's command-line examples that train from a spec file, as arguments. */
const README_RUNS = [
  'train --spec examples/xor.json --data xor --optimizer adam --lr 0.03 --steps 2000 --seed 1 --json',
  'train --spec examples/spiral.json --data spiral --steps 3000 --json',
  'train --spec examples/iris.json --data iris --lr 0.05 --steps 2000 --json',
  'train --spec examples/digits-cnn.json --data digits --lr 0.01 --steps 1500 --json',
];

describe('pinned results', () => {
  it.each(LEVELS.map((l) => [l.id, l] as const))(
    '%s: the reference run ends with the pinned weights',
    async (id, level) => {
      const module = await loadKernelModule('simd');
      const data = levelDataset(module, level, {}, await loadLevelAssets([level]));
      const learner = new Learner(
        module,
        level.reference.spec,
        data,
        level.reference.options,
        level.reference.seed,
      );
      learner.step(Math.min(level.reference.steps, level.stepBudget));
      found[`level ${id}`] = await learner.weightsHash();
      learner.dispose();
      if (process.env['PIN_HASHES'] !== 'write')
        expect(found[`level ${id}`]).toBe(pinned[`level ${id}`]);
    },
  );

  it.each(README_RUNS)('README: %s ends with the pinned weights', async (line) => {
    // The example files by their full path, so the run does not depend on the working folder.
    const root = join(import.meta.dirname, '..', '..');
    const args = line.split(' ').map((a) => (a.startsWith('examples/') ? join(root, a) : a));
    const outcome = await run(args);
    expect(outcome.code, outcome.stderr).toBe(0);
    found[`cli ${line}`] = (JSON.parse(outcome.stdout) as { weightsHash: string }).weightsHash;
    if (process.env['PIN_HASHES'] !== 'write')
      expect(found[`cli ${line}`]).toBe(pinned[`cli ${line}`]);
  });

  it('pins every run it checks, and nothing else', () => {
    if (process.env['PIN_HASHES'] === 'write')
      writeFileSync(FILE, `${JSON.stringify(found, null, 2)}\n`);
    expect(Object.keys(pinned).sort()).toEqual(Object.keys(found).sort());
  });
});
