/**
 * Character data sets: the bundled names (asset, fixed split by hash, windows over each split's
 * stream) and a player's text (vocabulary, contiguous chunks, windows), plus their errors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, type Dataset, type Split } from '../../src/data/dataset.js';
import {
  MAX_TEXT_VOCAB,
  NAMES_VOCAB,
  charWindows,
  makeDataset,
  nameHash,
  nameLists,
  nameSplit,
  namesDataset,
  textDataset,
  windowCount,
} from '../../src/data/index.js';
import { kernelRandom } from '../../src/data/random.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

const rand = (seed = 1) => kernelRandom(module, seed);

function splits(d: Dataset): Split[] {
  return [d.train, d.validation, d.test];
}

/** A digest of every x and y value: deep equality on megabytes of Buffer is slow. */
function bytes(d: Dataset): string {
  const h = createHash('sha256');
  for (const s of splits(d)) h.update(Buffer.from(s.x.buffer)).update(Buffer.from(s.y.buffer));
  return h.digest('hex');
}

/** Checks ids and the shift, and returns each window as text: x followed by y's last id. */
function windows(d: Dataset, s: Split): string[] {
  const T = d.sequence!.steps;
  const vocab = d.sequence!.vocab!;
  expect(s.x.length).toBe(s.n * T);
  expect(s.y.length).toBe(s.n * T);
  const isId = (v: number) => Number.isInteger(v) && v >= 0 && v < vocab.length;
  expect(s.x.every(isId) && s.y.every(isId)).toBe(true);
  const out: string[] = [];
  const unshifted: number[] = [];
  for (let i = 0; i < s.n; i++) {
    for (let t = 0; t + 1 < T; t++) {
      if (s.y[i * T + t] !== s.x[i * T + t + 1]) unshifted.push(i);
    }
    const ids = [...s.x.subarray(i * T, (i + 1) * T), s.y[(i + 1) * T - 1]];
    out.push(ids.map((id) => vocab[id]).join(''));
  }
  expect(unshifted).toEqual([]);
  return out;
}

describe('the bundled names', () => {
  it('are 4,925 distinct sorted lower-case names with attribution', () => {
    const l = nameLists();
    expect(l.all).toHaveLength(4925);
    expect(l.all.every((n) => /^[a-z]{2,12}$/.test(n))).toBe(true);
    expect(l.all.every((n, i) => i === 0 || l.all[i - 1] < n)).toBe(true);
    expect(l.all.slice(0, 3)).toEqual(['aaren', 'aarika', 'abagael']);
    expect(l.all).not.toContain('ann-marie');
    expect(l.source).toMatch(/Moby Word II/);
    expect(l.licence).toMatch(/PDDL/);
  });

  it('split by a fixed hash of the name: disjoint, about 80/10/10, known names in their place', () => {
    const l = nameLists();
    expect([l.train.length, l.validation.length, l.test.length]).toEqual([3883, 545, 497]);
    expect(l.train.length + l.validation.length + l.test.length).toBe(l.all.length);
    const train = new Set(l.train);
    expect(l.validation.some((n) => train.has(n))).toBe(false);
    expect(l.test.some((n) => train.has(n) || l.validation.includes(n))).toBe(false);
    for (const key of ['train', 'validation', 'test'] as const) {
      expect(l[key].every((n) => nameSplit(n) === key)).toBe(true);
    }
    // The hash is FNV-1a plus MurmurHash3's final mix; its value fixes every split for good.
    expect(nameHash('anna')).toBe(3191696525);
    expect(nameHash('mary')).toBe(2236006048);
    expect(nameHash('abby')).toBe(2383700829);
    expect(nameSplit('anna')).toBe('train');
    expect(nameSplit('emma')).toBe('train');
    expect(nameSplit('mary')).toBe('validation');
    expect(nameSplit('alice')).toBe('validation');
    expect(nameSplit('abby')).toBe('test');
    expect(l.validation).toContain('mary');
    expect(l.test).toContain('abby');
  });
});

describe('names', () => {
  it('has the 27-symbol vocabulary and next-character windows', () => {
    expect(NAMES_VOCAB).toEqual(['.', ...'abcdefghijklmnopqrstuvwxyz']);
    const d = namesDataset(rand(1));
    expect(d.task).toBe('multiclass');
    expect(d.outputs).toBe(27);
    expect(d.classNames).toEqual(NAMES_VOCAB);
    expect(d.inputs).toBe(16);
    expect(d.sequence).toEqual({ steps: 16, features: 1, vocab: NAMES_VOCAB, separator: '.', perPosition: true });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([3441, 482, 439]);
    for (const s of splits(d)) windows(d, s);
  });

  it('keeps each split to its own names, whatever the seed', () => {
    const l = nameLists();
    for (const seed of [1, 2]) {
      const d = namesDataset(rand(seed), { steps: 20, stride: 10 });
      splits(d).forEach((s, k) => {
        const key = (['train', 'validation', 'test'] as const)[k];
        const own = new Set(l[key]);
        const found = new Set<string>();
        const texts = windows(d, s);
        // The first window starts with the leading '.'; the last ends with the closing one.
        expect(texts.some((w) => w.startsWith('.'))).toBe(true);
        expect(texts[texts.length - 1].endsWith('.')).toBe(true);
        const foreign: string[] = [];
        for (const w of texts) {
          // Whole names: between two separators inside one window.
          for (const name of w.split('.').slice(1, -1)) {
            if (!own.has(name)) foreign.push(name);
            found.add(name);
          }
        }
        expect(foreign).toEqual([]);
        expect(found.size).toBeGreaterThan(own.size * 0.5);
      });
    }
  });

  it('is seeded: same seed same bytes, another seed another order of names', () => {
    const d = namesDataset(rand(3));
    expect(bytes(namesDataset(rand(3)))).toEqual(bytes(d));
    expect(bytes(namesDataset(rand(4)))).not.toEqual(bytes(d));
    // The streams are shuffled, not alphabetical.
    const first = windows(d, d.train).slice(0, 20).join('');
    expect(first.startsWith('.aaren.aarika.')).toBe(false);
  });

  it('cuts windows at the stride, plus one that ends at the end of the stream', () => {
    const w = charWindows(Int32Array.from({ length: 10 }, (_, i) => i), 4, 3);
    expect(w.n).toBe(3);
    expect(Array.from(w.x)).toEqual([0, 1, 2, 3, 3, 4, 5, 6, 5, 6, 7, 8]);
    expect(Array.from(w.y)).toEqual([1, 2, 3, 4, 4, 5, 6, 7, 6, 7, 8, 9]);
    expect(windowCount(10, 4, 3)).toBe(3);
    expect(windowCount(9, 4, 2)).toBe(3); // starts 0, 2, 4: the grid reaches the end
    expect(windowCount(4, 4, 1)).toBe(0);
    const d = namesDataset(rand(1), { steps: 7 });
    const half = namesDataset(rand(1), { steps: 7, stride: 4 });
    expect(bytes(half)).toEqual(bytes(d)); // default stride ⌈7 / 2⌉ = 4
    const one = namesDataset(rand(1), { steps: 7, stride: 7 });
    expect(one.train.n).toBeLessThan(d.train.n * 0.6);
  });

  it('rejects bad or foreign options, naming what is allowed', () => {
    expect(() => namesDataset(rand(), { stride: 0 })).toThrow(
      'names: option "stride" must be an integer from 1 to 16 (the steps), got 0',
    );
    expect(() => namesDataset(rand(), { steps: 8, stride: 9 })).toThrow(/from 1 to 8 \(the steps\), got 9/);
    expect(() => namesDataset(rand(), { steps: 129 })).toThrow(
      'names: option "steps" must be an integer from 2 to 128, got 129',
    );
    expect(() => namesDataset(rand(), { n: 100 })).toThrow(
      'names: option "n" is not used by this data set; allowed options: steps, stride',
    );
    expect(() => makeDataset('names', { seed: 1, module, fractions: { train: 0.5, validation: 0.25, test: 0.25 } })).toThrow(
      'names: option "fractions" does not apply',
    );
    expect(() => namesDataset(rand(), { steps: 128, stride: 1 })).toThrow(
      /names: \d+ windows of 128 steps are \d+ input values; at most 2000000 are allowed: use a larger stride \(now 1\), fewer steps/,
    );
    expect(makeDataset('names', { seed: 1, module, steps: 32, stride: 4 }).inputs).toBe(32);
  });
});

describe('textDataset', () => {
  const poem =
    'The quick brown fox jumps over the lazy dog.\r\nPack my box with five dozen liquor jugs!\n'.repeat(20) +
    'How vexingly quick daft zebras jump; sphinx of black quartz, judge my vow. 🦊\n'.repeat(4);

  it('builds next-character windows over a sorted vocabulary of the distinct characters', () => {
    const d = textDataset(poem, { seed: 1, module, steps: 12 });
    const text = poem.replace(/\r\n/g, '\n');
    const chars = Array.from(text);
    const vocab = d.sequence!.vocab!;
    expect(vocab).toEqual([...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
    expect(vocab).not.toContain('\r');
    expect(vocab).toContain('🦊');
    expect(vocab[0]).toBe('\n');
    expect(d.name).toBe('text');
    expect(d.outputs).toBe(vocab.length);
    expect(d.classNames).toEqual(vocab);
    expect(d.sequence).toMatchObject({ steps: 12, features: 1, perPosition: true });
    // Contiguous 80/10/10 chunks of characters: every window lies inside its own chunk.
    const L = chars.length;
    const a = Math.floor(L * 0.8);
    const b = Math.floor(L * 0.9);
    const chunks = [chars.slice(0, a).join(''), chars.slice(a, b).join(''), chars.slice(b).join('')];
    splits(d).forEach((s, k) => {
      const texts = windows(d, s);
      expect(texts.every((w) => chunks[k].includes(w))).toBe(true);
      expect(s.n).toBe(windowCount(Array.from(chunks[k]).length, 12, 6));
    });
    // The test chunk's last characters are in a test window, and not in training.
    const tail = chars.slice(L - 13).join('');
    expect(windows(d, d.test)).toContain(tail);
  });

  it('is seeded: same seed same bytes, another seed another window order', () => {
    const d = textDataset(poem, { seed: 5, module, name: 'my poem' });
    expect(d.name).toBe('my poem');
    expect(bytes(textDataset(poem, { seed: 5, module, name: 'my poem' }))).toEqual(bytes(d));
    const other = textDataset(poem, { seed: 6, module });
    expect(bytes(other)).not.toEqual(bytes(d));
    expect(windows(other, other.train).sort()).toEqual(windows(d, d.train).sort());
  });

  it('explains what is wrong with the text', () => {
    const make = (text: string, steps = 16) => () => textDataset(text, { seed: 1, module, steps });
    expect(make('')).toThrow(DataError);
    expect(make('')).toThrow('text: the text is empty');
    expect(make('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toThrow(
      'the text uses only the character "a"; it needs at least 2 different characters',
    );
    const many = Array.from({ length: 100 }, (_, i) => String.fromCodePoint(0x100 + i)).join('').repeat(3);
    expect(make(many)).toThrow(
      `text: the text uses 100 different characters; at most ${MAX_TEXT_VOCAB} are allowed`,
    );
    expect(make('abcdefghij'.repeat(5))).toThrow(
      /text: the text is too short for windows of 16 steps: its 50 characters give chunks of 40, 5 and 5 characters \(80\/10\/10\) and each needs at least 17; use at least (\d+) characters or fewer steps/,
    );
    // The suggested length is exactly enough.
    let least = 0;
    try {
      make('ab'.repeat(20))();
    } catch (e) {
      least = Number(/use at least (\d+) characters/.exec((e as Error).message)![1]);
    }
    expect(least).toBe(166); // 132 + 17 + 17
    expect(() => make('ab'.repeat(83))()).not.toThrow();
    expect(make('ab'.repeat(83).slice(0, 165))).toThrow(/too short/);
    expect(() => textDataset('ab'.repeat(100), { seed: 1, module, stride: 20 })).toThrow(
      'text: option "stride" must be an integer from 1 to 16 (the steps), got 20',
    );
  });
});

const root = fileURLToPath(new URL('../..', import.meta.url));
const source = fileURLToPath(new URL('../../../shared/datasets/text/female-first-names-en.txt', import.meta.url));
const mobyDick = fileURLToPath(new URL('../../../shared/datasets/text/moby-dick.txt', import.meta.url));

describe('asset', () => {
  it.skipIf(!existsSync(source) || !existsSync(mobyDick))('is reproduced exactly by scripts/convert-text.mjs', () => {
    const out = execFileSync(process.execPath, ['scripts/convert-text.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    // The names and Moby-Dick (tests/data/melville.test.ts).
    expect(out.match(/up to date/g)).toHaveLength(2);
  });
});
