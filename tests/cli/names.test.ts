/**
 * A name generator from the command line: an LSTM trained on the English first names with
 * `train --data names`, saved, and asked for names with `sample`. Its validation loss is printed
 * and must beat what a model that sees only the current letter reaches (about 2.3 nats); the
 * samples must look like names (lower-case letters, a vowel, a sensible length), come out the same
 * for the same seed, differ for another, and follow a prompt. The model file carries the
 * vocabulary, so sampling needs no data.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { nameLists } from '../../src/data/names.js';

let model: string;
let validation: number;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nj-names-'));
  const spec = join(dir, 'spec.json');
  model = join(dir, 'names.json');
  await writeFile(
    spec,
    JSON.stringify({
      layers: [
        { type: 'embedding', dim: 16 },
        { type: 'lstm', hidden: 48, sequences: true },
        { type: 'dense', units: 27 },
      ],
    }),
  );
  const out = await run([
    'train',
    '--spec',
    spec,
    '--data',
    'names',
    '--steps',
    '800',
    '--lr',
    '0.01',
    '--save',
    model,
    '--json',
  ]);
  expect(out.code, out.stderr).toBe(0);
  validation = (JSON.parse(out.stdout) as { validation: { loss: number } }).validation.loss;
  console.log(
    `names LSTM(48), 800 steps: validation loss ${validation.toFixed(4)} nats per letter (perplexity ${Math.exp(validation).toFixed(2)})`,
  );
}, 120_000);

async function sample(...args: string[]): Promise<string[]> {
  const out = await run(['sample', '--load', model, ...args, '--json']);
  expect(out.code, out.stderr).toBe(0);
  return (JSON.parse(out.stdout) as { samples: string[] }).samples;
}

describe('a name generator trained from the command line', () => {
  it('beats a letter-by-letter model on names it never saw', () => {
    expect(validation).toBeLessThan(2.2);
  });

  it('writes plausible names, the same for the same seed', async () => {
    const names = await sample(
      '--count',
      '12',
      '--temperature',
      '0.8',
      '--top-k',
      '5',
      '--seed',
      '1',
    );
    console.log(`sampled: ${names.join(', ')}`);
    expect(names).toHaveLength(12);
    const plausible = names.filter((n) => /^[a-z]{2,12}$/.test(n) && /[aeiouy]/.test(n));
    expect(plausible.length).toBeGreaterThanOrEqual(10);
    expect(
      await sample('--count', '12', '--temperature', '0.8', '--top-k', '5', '--seed', '1'),
    ).toEqual(names);
    expect(
      await sample('--count', '12', '--temperature', '0.8', '--top-k', '5', '--seed', '2'),
    ).not.toEqual(names);
    // Not only the training names played back.
    const known = new Set(nameLists().train);
    expect(names.filter((n) => !known.has(n)).length).toBeGreaterThan(0);
  });

  it('starts from a prompt, and greedy sampling is one name', async () => {
    const names = await sample(
      '--prompt',
      'ma',
      '--count',
      '3',
      '--temperature',
      '0.8',
      '--seed',
      '1',
    );
    for (const n of names) expect(n.startsWith('ma')).toBe(true);
    const greedy = await sample('--temperature', '0', '--count', '2', '--seed', '1');
    expect(greedy[0]).toBe(greedy[1]);
    expect(greedy[0]).toMatch(/^[a-z]+$/);
  });

  it('refuses bad arguments with the flag named', async () => {
    const bad = async (...args: string[]) =>
      (await run(['sample', '--load', model, ...args])).stderr;
    expect(await bad('--prompt', 'M')).toMatch(/--prompt may only use the model's symbols/);
    expect(await bad('--count', '0')).toMatch(/--count must be an integer from 1 to 100/);
    expect(await bad('--temperature', '-1')).toMatch(/temperature must be/);
    expect(await bad('--top-k', '99')).toMatch(/top-k must be/);
    expect(await bad('--steps', '5')).toMatch(/--steps does not apply to sample/);
    const file = JSON.parse(await readFile(model, 'utf8')) as { data: { vocab: string[] } };
    expect(file.data.vocab).toHaveLength(27);
  });
});
