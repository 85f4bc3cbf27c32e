/**
 * `melville`: the bundled Moby-Dick text (vocabulary, normalisation), its fixed split by blocks,
 * the seeded windows (inside one split's blocks, targets the next characters), sizes and errors.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DataError, type Dataset, type Split } from '../../src/data/dataset.js';
import {
  MELVILLE_BLOCKS,
  MELVILLE_VOCAB,
  makeDataset,
  melvilleBlockSplit,
  melvilleDataset,
  melvilleSizes,
  melvilleStarts,
  melvilleText,
  namedDataShape,
  prepareDataset,
  type SplitName,
} from '../../src/data/index.js';
import { kernelRandom } from '../../src/data/random.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
  await prepareDataset('melville');
});

const rand = (seed = 1) => kernelRandom(module, seed);
const SPLITS = ['train', 'validation', 'test'] as const;

function split(d: Dataset, name: SplitName): Split {
  return d[name];
}

function bytes(d: Dataset): string {
  const h = createHash('sha256');
  for (const s of SPLITS) h.update(Buffer.from(d[s].x.buffer)).update(Buffer.from(d[s].y.buffer));
  return h.digest('hex');
}

/** The block holding text position s. */
function blockOf(s: number): number {
  const { bounds } = melvilleText();
  let b = 0;
  while (bounds[b + 1]! <= s) b++;
  return b;
}

describe('the bundled text', () => {
  it('is loaded on demand, once, and asked for before that is a clear error', async () => {
    vi.resetModules();
    const fresh = await import('../../src/data/melville.js');
    expect(() => fresh.melvilleText()).toThrow(/not loaded yet.*prepareDataset/);
    const first = fresh.loadMelvilleText();
    expect(fresh.loadMelvilleText()).toBe(first);
    expect((await first).text).toBe(melvilleText().text);
    expect(fresh.melvilleText()).toBe(await first);
  });

  it('is the first 600,000 normalised characters of Moby-Dick over 35 symbols', () => {
    const t = melvilleText();
    expect(MELVILLE_VOCAB).toHaveLength(35);
    expect(MELVILLE_VOCAB.join('')).toBe(" !',-.:;?abcdefghijklmnopqrstuvwxyz");
    expect(t.text).toHaveLength(600_000);
    expect(t.text.startsWith('call me ishmael. some years ago - never mind how long precisely - having')).toBe(true);
    // Only the vocabulary, single spaces, none at the start (the cut at 600,000 may end on one);
    // every symbol is used. (Booleans, not the text itself: a failing diff would be 600 kB.)
    expect(/^[ !',\-.:;?a-z]+$/.test(t.text)).toBe(true);
    expect(t.text.includes('  ')).toBe(false);
    expect(t.text.startsWith(' ')).toBe(false);
    expect(new Set(t.text).size).toBe(35);
    expect(/chapter \d|loomings\. call/.test(t.text)).toBe(false);
    expect(Array.from(t.ids.subarray(0, 4), (id) => MELVILLE_VOCAB[id]).join('')).toBe('call');
    expect(t.source).toMatch(/Melville.*Project Gutenberg/);
    expect(t.licence).toMatch(/^Public domain/);
    expect(t.rule).toMatch(/the first 600000 characters kept/);
  });

  it('is cut into 100 blocks of 6,000 characters: 80 train, 10 validation, 10 test', () => {
    const { bounds } = melvilleText();
    expect(bounds).toHaveLength(MELVILLE_BLOCKS + 1);
    expect(bounds[0]).toBe(0);
    expect(bounds[MELVILLE_BLOCKS]).toBe(600_000);
    for (let b = 0; b < MELVILLE_BLOCKS; b++) expect(bounds[b + 1]! - bounds[b]!).toBe(6000);
    const count = (s: SplitName) => Array.from({ length: MELVILLE_BLOCKS }, (_, b) => b).filter((b) => melvilleBlockSplit(b) === s);
    expect(count('train')).toHaveLength(80);
    expect(count('validation')).toEqual([8, 18, 28, 38, 48, 58, 68, 78, 88, 98]);
    expect(count('test')).toEqual([9, 19, 29, 39, 49, 59, 69, 79, 89, 99]);
  });
});

describe('melville windows', () => {
  it('are 8,000 / 1,000 / 1,000 windows of 32 characters by default, a target at every step', () => {
    const d = makeDataset('melville', { seed: 1, module });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([8000, 1000, 1000]);
    expect(d).toMatchObject({ name: 'melville', task: 'multiclass', inputs: 32, outputs: 35 });
    expect(d.classNames).toEqual([...MELVILLE_VOCAB]);
    expect(d.sequence).toEqual({ steps: 32, features: 1, vocab: [...MELVILLE_VOCAB], perPosition: true });
    expect(d.sequence!.separator).toBeUndefined();
    expect(namedDataShape('melville')).toMatchObject({ inputs: 32, outputs: 35, task: 'multiclass' });
    expect(namedDataShape('melville', { steps: 64 })).toMatchObject({ inputs: 64, outputs: 35 });
  });

  it('are the text at the drawn starts, each inside one block of its own split, the target the next character', () => {
    const { ids, bounds } = melvilleText();
    for (const seed of [1, 2, 77]) {
      for (const steps of [2, 32, 128]) {
        const d = melvilleDataset(rand(seed), { steps, n: 600 });
        const starts = melvilleStarts(rand(seed), { steps, n: 600 });
        for (const name of SPLITS) {
          const s = split(d, name);
          expect(s.n).toBe(starts[name].length);
          const wrong: string[] = [];
          starts[name].forEach((start, r) => {
            const b = blockOf(start);
            if (melvilleBlockSplit(b) !== name) wrong.push(`${name} window ${r} in block ${b}`);
            // x and its last target (start + steps) stay in the block.
            if (start + steps + 1 > bounds[b + 1]!) wrong.push(`${name} window ${r} crosses block ${b}'s end`);
            for (let t = 0; t < steps; t++) {
              if (s.x[r * steps + t] !== ids[start + t]) wrong.push(`x ${r} ${t}`);
              if (s.y[r * steps + t] !== ids[start + t + 1]) wrong.push(`y ${r} ${t}`);
            }
          });
          expect(wrong.slice(0, 5)).toEqual([]);
        }
      }
    }
  });

  it('are the same for a seed, other windows for another seed, always from the same blocks', () => {
    const a = makeDataset('melville', { seed: 5, module, n: 1000 });
    expect(bytes(makeDataset('melville', { seed: 5, module, n: 1000 }))).toBe(bytes(a));
    expect(bytes(makeDataset('melville', { seed: 6, module, n: 1000 }))).not.toBe(bytes(a));
    // Over many seeds the validation windows come from all ten validation blocks and no other.
    const seen = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      for (const s of melvilleStarts(rand(seed), { n: 1000 }).validation) seen.add(blockOf(s));
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([8, 18, 28, 38, 48, 58, 68, 78, 88, 98]);
  });

  it('decode to readable text', () => {
    const d = makeDataset('melville', { seed: 3, module, n: 10, steps: 64 });
    const text = Array.from(d.train.x.subarray(0, 64), (id) => MELVILLE_VOCAB[id]).join('');
    expect(melvilleText().text).toContain(text);
  });

  it('split n windows a tenth each for validation and test', () => {
    expect(melvilleSizes(10_000)).toEqual({ train: 8000, validation: 1000, test: 1000 });
    expect(melvilleSizes(15)).toEqual({ train: 13, validation: 1, test: 1 });
    const d = makeDataset('melville', { seed: 1, module, n: 105, steps: 8 });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([85, 10, 10]);
    expect(d.train.x).toHaveLength(85 * 8);
  });

  it('reject bad options with a message naming the field', () => {
    const make = (o: object) => () => makeDataset('melville', { seed: 1, module, ...o });
    expect(make({ steps: 1 })).toThrow('melville: option "steps" must be an integer from 2 to 128, got 1');
    expect(make({ steps: 129 })).toThrow(/option "steps" must be an integer from 2 to 128/);
    expect(make({ n: 9 })).toThrow(
      'melville: option "n" must be an integer from 10 to 62500 for 32 steps (at most 2000000 input values: n × steps), got 9',
    );
    expect(make({ n: 15626, steps: 128 })).toThrow(
      'melville: option "n" must be an integer from 10 to 15625 for 128 steps (at most 2000000 input values: n × steps), got 15626',
    );
    expect(make({ n: 2.5 })).toThrow(DataError);
    expect(make({ stride: 4 })).toThrow('melville: option "stride" is not used by this data set; allowed options: n, steps');
    expect(make({ symbols: 4 })).toThrow(/option "symbols" is not used/);
    expect(make({ fractions: { train: 0.5, validation: 0.25, test: 0.25 } })).toThrow(
      /melville: option "fractions" does not apply/,
    );
    expect(make({ standardize: true })).toThrow(/option "standardize" does not apply to sequence data sets/);
    expect(() => namedDataShape('melville', { steps: 200 })).toThrow(/option "steps"/);
  });
});
