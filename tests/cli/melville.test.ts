/**
 * `--data melville` from the command line: a small next-character model trained for a few steps,
 * saved with the 35-symbol vocabulary and no separator, sampled from a prompt; and the attention
 * tasks by name.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { MELVILLE_VOCAB } from '../../src/data/melville.js';

describe('the melville data set from the command line', () => {
  it('trains, saves the vocabulary and writes text from a prompt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-melville-'));
    const spec = join(dir, 'spec.json');
    const model = join(dir, 'melville.json');
    await writeFile(
      spec,
      JSON.stringify({
        layers: [
          { type: 'embedding', dim: 8 },
          { type: 'dense', units: 35 },
        ],
      }),
    );
    const out = await run([
      'train',
      '--spec',
      spec,
      '--data',
      'melville',
      '--steps',
      '50',
      '--save',
      model,
      '--json',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const file = JSON.parse(await readFile(model, 'utf8')) as {
      data: { name: string; vocab: string[]; separator?: string };
    };
    expect(file.data.name).toBe('melville');
    expect(file.data.vocab).toEqual([...MELVILLE_VOCAB]);
    expect(file.data.separator).toBeUndefined();
    const sampled = await run([
      'sample',
      '--load',
      model,
      '--prompt',
      'the whale ',
      '--length',
      '30',
      '--json',
    ]);
    expect(sampled.code, sampled.stderr).toBe(0);
    const [text] = (JSON.parse(sampled.stdout) as { samples: string[] }).samples;
    expect(text).toMatch(/^the whale [ !',\-.:;?a-z]{30}$/);
  }, 120_000);

  it('names the attention tasks too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-attention-'));
    const spec = join(dir, 'spec.json');
    await writeFile(
      spec,
      JSON.stringify({
        layers: [
          { type: 'embedding', dim: 8 },
          { type: 'lstm', hidden: 8 },
          { type: 'dense', units: 8 },
        ],
      }),
    );
    const out = await run(['train', '--spec', spec, '--data', 'recall', '--steps', '10', '--json']);
    expect(out.code, out.stderr).toBe(0);
  }, 120_000);
});
