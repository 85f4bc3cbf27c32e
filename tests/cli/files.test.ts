/**
 * Files the command line reads and writes: size caps checked before reading, a --save that
 * cannot be written (exit code 2, the path and the reason in plain words, no stack trace), the
 * step counter's maximum, and CSV cells that are not usable numbers.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { LIMITS } from '../../src/engine/limits.js';

const xor = ['--spec', 'examples/xor.json', '--data', 'xor'];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nj-files-'));
});

/** Root ignores file permissions, so read-only cases that rely on them cannot fail there. */
const isRoot = process.getuid?.() === 0;

function expectClean(out: { stderr: string }): void {
  expect(out.stderr).not.toMatch(/\n\s+at |unexpected failure/);
}

describe('--save that cannot be written is exit code 2 with the path and the reason', () => {
  const cases: Array<[string, () => Promise<string>, string]> = [
    [
      'a missing folder',
      async () => join(dir, 'no', 'such', 'm.json'),
      'its folder does not exist',
    ],
    [
      'a path under a regular file',
      async () => {
        await writeFile(join(dir, 'plain.txt'), 'x');
        return join(dir, 'plain.txt', 'm.json');
      },
      'a part of the path is not a folder',
    ],
    [
      'a folder',
      async () => {
        await mkdir(join(dir, 'folder'), { recursive: true });
        return join(dir, 'folder');
      },
      'it is a folder, not a file',
    ],
  ];
  for (const [what, path, why] of cases) {
    it(what, async () => {
      const target = await path();
      const out = await run(['train', ...xor, '--steps', '5', '--save', target]);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`cannot write the model file "${target}": ${why}`);
      expectClean(out);
    });
  }

  it.skipIf(!existsSync('/dev/full'))('a full disk (/dev/full)', async () => {
    const out = await run(['train', ...xor, '--steps', '5', '--save', '/dev/full']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('cannot write the model file "/dev/full": the disk is full');
    expect(out.stdout).toContain('train on xor'); // the run itself is still reported
    expect(out.stdout).not.toContain('saved to');
    expectClean(out);
  });

  it.skipIf(!existsSync('/proc/version'))('a place even root cannot write (/proc)', async () => {
    const out = await run(['train', ...xor, '--steps', '5', '--save', '/proc/version']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/cannot write the model file "\/proc\/version": \w/);
    expectClean(out);
  });

  it.skipIf(isRoot)('a read-only file and a read-only folder', async () => {
    const file = join(dir, 'locked.json');
    await writeFile(file, '{}');
    await chmod(file, 0o444);
    const locked = join(dir, 'locked');
    await mkdir(locked, { recursive: true });
    await chmod(locked, 0o555);
    for (const target of [file, join(locked, 'm.json')]) {
      const out = await run(['train', ...xor, '--steps', '5', '--save', target]);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`cannot write the model file "${target}": permission denied`);
    }
    expect(await readFile(file, 'utf8')).toBe('{}');
  });

  it('a long path is cut, keeping its end', async () => {
    const target = join(dir, 'n'.repeat(120), 'model.json');
    const out = await run(['train', ...xor, '--steps', '5', '--save', target]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`"…${target.slice(-60)}": its folder does not exist`);
  });
});

describe('files are size-checked before they are read', () => {
  it('a spec file over the limit', async () => {
    const spec = join(dir, 'huge.json');
    await writeFile(spec, '{"layers": [{"type": "dense", "units": 1}]}');
    await truncate(spec, LIMITS.maxSpecFileBytes + 1); // pads with zero bytes
    const out = await run(['train', '--spec', spec, '--data', 'xor']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `the spec file "${spec}" is 1048577 bytes; the limit is 1048576 bytes (1.0 MiB)`,
    );
  });

  it('a CSV file and a model file over the limit (sparse files, nothing is read)', async () => {
    const csv = join(dir, 'huge.csv');
    await writeFile(csv, 'a,b\n');
    await truncate(csv, LIMITS.maxCsvBytes + 1024 * 1024);
    const a = await run(['train', '--spec', 'examples/xor.json', '--data', csv]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`the CSV file "${csv}" is 101.0 MiB; the limit is 100.0 MiB`);
    const model = join(dir, 'huge.model.json');
    await writeFile(model, '{}');
    await truncate(model, 200 * 1024 * 1024);
    const b = await run(['eval', '--load', model, '--data', 'xor']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`the model file "${model}" is 200.0 MiB; the limit is 122.1 MiB`);
  });

  it('a folder where a file should be', async () => {
    const out = await run(['train', '--spec', dir, '--data', 'xor']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`cannot read the spec file "${dir}": it is a folder, not a file`);
  });
});

describe('the step counter cannot wrap', () => {
  async function savedModel(): Promise<Record<string, unknown>> {
    const path = join(dir, 'steps.model.json');
    const out = await run(['train', ...xor, '--steps', '10', '--save', path]);
    expect(out.code).toBe(0);
    return JSON.parse(await readFile(path, 'utf8'));
  }

  it('a model file above the maximum step is refused, naming step and the maximum', async () => {
    const model = await savedModel();
    const path = join(dir, 'too-far.model.json');
    await writeFile(path, JSON.stringify({ ...model, step: LIMITS.maxStepCount + 1 }));
    const out = await run(['eval', '--load', path, '--data', 'xor']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `step must be an integer from 0 to 2147483647, got ${LIMITS.maxStepCount + 1}`,
    );
  });

  it('--steps plus the loaded step may not pass the maximum', async () => {
    const model = await savedModel();
    const path = join(dir, 'near.model.json');
    await writeFile(path, JSON.stringify({ ...model, step: LIMITS.maxStepCount - 5 }));
    const ok = await run(['eval', '--load', path, '--data', 'xor', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).steps).toBe(LIMITS.maxStepCount - 5);
    const out = await run(['train', '--load', path, '--data', 'xor', '--steps', '6']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `--steps 6 would take the step count of ${path} (2147483642) past 2147483647, the most a model can count; it can train at most 5 more steps`,
    );
    const last = await run(['train', '--load', path, '--data', 'xor', '--steps', '5', '--json']);
    expect(last.code).toBe(0);
    expect(JSON.parse(last.stdout).steps).toBe(LIMITS.maxStepCount);
  });
});

describe('CSV cells that are not usable numbers', () => {
  for (const cell of ['1e400', 'Infinity', 'NaN', '1e39', '-3.5e38']) {
    it(`a target of ${cell} is reported with its line and column`, async () => {
      const csv = join(dir, `target-${cell}.csv`);
      const rows = ['size,price'];
      for (let i = 0; i < 40; i++) rows.push(`${i},${i === 17 ? cell : 1000 + 37 * i}`);
      await writeFile(csv, rows.join('\n'));
      const out = await run(['train', '--spec', 'examples/iris.json', '--data', csv]);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`${csv}: line 19, column 2 ("price"): "${cell}"`);
      expect(out.stderr).toMatch(/is out of range|is not a finite number/);
    });
  }
});
