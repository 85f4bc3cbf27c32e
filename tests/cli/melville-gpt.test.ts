/**
 * A tiny GPT on Moby-Dick from the command line: embedding(32) → learned positions → two
 * transformer blocks of 4 heads → layer norm → dense(35), `train --data melville` for 1,000
 * steps, saved, and asked for text with `sample`. Its validation loss is printed (and must
 * beat the letter-pair model's ≈ 2.4 nats by a margin); the text must look like English: half or more
 * of its words the book’s, separated by spaces, with the seed repeating it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { loadMelvilleText } from '../../src/data/melville.js';

let model: string;
let validation: number;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nj-gpt-'));
  const spec = join(dir, 'spec.json');
  model = join(dir, 'gpt.json');
  await writeFile(
    spec,
    JSON.stringify({
      layers: [
        { type: 'embedding', dim: 32 },
        { type: 'posenc', kind: 'learned' },
        { type: 'transformer', heads: 4 },
        { type: 'transformer', heads: 4 },
        { type: 'layernorm' },
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
    '1000',
    '--lr',
    '0.003',
    '--save',
    model,
    '--json',
  ]);
  expect(out.code, out.stderr).toBe(0);
  validation = (JSON.parse(out.stdout) as { validation: { loss: number } }).validation.loss;
  console.log(
    `melville GPT (2 blocks, width 32), 1000 steps: validation loss ${validation.toFixed(4)} nats per character (perplexity ${Math.exp(validation).toFixed(2)})`,
  );
}, 300_000);

async function sample(seed: number): Promise<string> {
  const out = await run([
    'sample',
    '--load',
    model,
    '--prompt',
    'the whale ',
    '--length',
    '300',
    '--temperature',
    '0.7',
    '--seed',
    String(seed),
    '--json',
  ]);
  expect(out.code, out.stderr).toBe(0);
  return (JSON.parse(out.stdout) as { samples: string[] }).samples[0]!;
}

describe('a tiny GPT trained on Moby-Dick from the command line', () => {
  it('learns far more than letter pairs', () => {
    expect(validation).toBeLessThan(2.15);
  });

  it('writes text made mostly of the book’s words', async () => {
    const text = await sample(1);
    console.log(`sampled: ${text}`);
    const book = new Set((await loadMelvilleText()).text.split(/[^a-z']+/));
    const words = text
      .slice('the whale '.length)
      .split(/[^a-z']+/)
      .filter((w) => w.length > 0)
      .slice(1, -1);
    const known = words.filter((w) => book.has(w)).length;
    console.log(`${known} of ${words.length} words are the book's`);
    expect(words.length).toBeGreaterThan(30);
    expect(known / words.length).toBeGreaterThan(0.5);
    expect(await sample(1)).toBe(text);
    expect(await sample(2)).not.toBe(text);
  });
});
