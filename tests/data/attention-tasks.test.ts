/**
 * The attention tasks `recall` and `order`: answers checked by brute force on the generated
 * examples, determinism, balance (counting symbols tells nothing), the chance level of a
 * position-free predictor on `order`, level-file options and option errors.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, type Split } from '../../src/data/dataset.js';
import {
  makeDataset,
  namedDataShape,
  order,
  orderVocab,
  recall,
  recallVocab,
} from '../../src/data/index.js';
import { kernelRandom } from '../../src/data/random.js';
import { Issues } from '../../src/engine/spec-base.js';
import { dataRequest } from '../../src/levels/judge.js';
import { checkData } from '../../src/levels/schema-fields.js';
import type { Level } from '../../src/levels/types.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

const rand = (seed = 1) => kernelRandom(module, seed);

function splits(d: Dataset): Split[] {
  return [d.train, d.validation, d.test];
}

function bytes(d: Dataset): string {
  const h = createHash('sha256');
  for (const s of splits(d)) h.update(Buffer.from(s.x.buffer)).update(Buffer.from(s.y.buffer));
  return h.digest('hex');
}

/** Every example of a data set as [tokens, answer]. */
function examples(d: Dataset): [number[], number][] {
  const T = d.sequence!.steps;
  const out: [number[], number][] = [];
  for (const s of splits(d)) {
    for (let i = 0; i < s.n; i++) out.push([Array.from(s.x.subarray(i * T, (i + 1) * T)), s.y[i]!]);
  }
  return out;
}

/** How often each class is the answer, as shares. */
function shares(d: Dataset): number[] {
  const c = new Array<number>(d.outputs).fill(0);
  const all = examples(d);
  for (const [, y] of all) c[y]!++;
  return c.map((v) => v / all.length);
}

describe('recall', () => {
  it('asks for the value that followed the last key, by brute force on every example', () => {
    for (const [seed, o] of [
      [1, {}],
      [2, { steps: 40, pairs: 6, keys: 10, values: 5, distractors: 2 }],
      [3, { steps: 3, pairs: 1, keys: 2, values: 2, distractors: 1 }],
    ] as const) {
      const d = recall(rand(seed), o);
      const T = d.sequence!.steps;
      const P = (o as { pairs?: number }).pairs ?? 4;
      const V = d.outputs;
      const vocab = d.sequence!.vocab!;
      const wrong: string[] = [];
      examples(d).forEach(([x, y], i) => {
        const query = x[T - 1]!;
        if (!/^[A-Z]$/.test(vocab[query]!)) wrong.push(`${i}: the last token ${vocab[query]} is not a key`);
        // The query key occurs exactly once before, in a key slot; its value is the answer.
        const at = x.slice(0, T - 1).flatMap((t, p) => (t === query ? [p] : []));
        if (at.length !== 1 || at[0]! % 2 !== 0 || at[0]! >= 2 * P) wrong.push(`${i}: key at ${at.join(',')}`);
        else if (x[at[0]! + 1] !== y) wrong.push(`${i}: answer ${y}, value ${x[at[0]! + 1]}`);
        if (y >= V || x.some((t, p) => p < 2 * P && p % 2 === 1 && t >= V)) wrong.push(`${i}: value out of range`);
        const keys = x.filter((_, p) => p < 2 * P && p % 2 === 0);
        if (new Set(keys).size !== P) wrong.push(`${i}: repeated keys`);
        if (x.some((t, p) => p >= 2 * P && p < T - 1 && !/^[a-z]$/.test(vocab[t]!))) wrong.push(`${i}: filler`);
        if (T - 1 - at[0]! < T - 2 * P + 1) wrong.push(`${i}: the key is too near`);
      });
      expect(wrong.slice(0, 5)).toEqual([]);
    }
  });

  it('has the documented vocabulary, shape and default sizes', () => {
    const d = makeDataset('recall', { seed: 1, module });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([1400, 300, 300]);
    expect(d).toMatchObject({ name: 'recall', task: 'multiclass', inputs: 24, outputs: 8 });
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(d.sequence).toEqual({ steps: 24, features: 1, vocab: recallVocab(8, 8, 4), perPosition: false });
    expect(recallVocab(3, 2, 2)).toEqual(['0', '1', 'A', 'B', 'C', 'y', 'z']);
    expect(namedDataShape('recall', { steps: 30, values: 4 })).toEqual({
      inputs: 30,
      outputs: 4,
      task: 'multiclass',
      dataName: 'recall',
      sequence: { steps: 30, features: 1, vocab: 16, perPosition: false },
    });
  });

  it('is the same for a seed and different for another', () => {
    expect(bytes(recall(rand(9)))).toBe(bytes(recall(rand(9))));
    expect(bytes(recall(rand(9)))).not.toBe(bytes(recall(rand(10))));
  });

  it('has uniform answers, and a bag of tokens without their order does not find them', () => {
    const d = recall(rand(4), { n: 8000 });
    for (const p of shares(d)) expect(Math.abs(p - 1 / 8)).toBeLessThan(0.02);
    // A predictor that sees which tokens occur and how often, and the query, but not where:
    // it cannot pair the key with its value, so the best it can do is a present value.
    let hits = 0;
    const all = examples(d);
    for (const [x, y] of all) {
      const counts = new Array<number>(8).fill(0);
      for (const t of x) if (t < 8) counts[t]!++;
      const guess = counts.indexOf(Math.max(...counts));
      if (guess === y) hits++;
    }
    expect(hits / all.length).toBeLessThan(0.45);
  });

  it('rejects bad options with a message naming the field and the range', () => {
    const make = (o: object) => () => recall(rand(), o);
    expect(make({ pairs: 4, steps: 8 })).toThrow(
      'recall: option "pairs" must be an integer from 1 to 3 (2 × pairs + 1 query must fit in steps 8), got 4',
    );
    expect(make({ pairs: 5, keys: 4 })).toThrow(
      'recall: option "pairs" must be an integer from 1 to 4 (each pair has its own key, and keys is 4), got 5',
    );
    expect(make({ pairs: 0 })).toThrow(/option "pairs" must be an integer from 1 to 8/);
    expect(make({ steps: 2 })).toThrow('recall: option "steps" must be at least 3 (one pair and the query), got 2');
    expect(make({ steps: 129 })).toThrow('recall: option "steps" must be an integer from 2 to 128, got 129');
    expect(make({ keys: 1 })).toThrow('recall: option "keys" must be an integer from 2 to 26, got 1');
    expect(make({ values: 11 })).toThrow('recall: option "values" must be an integer from 2 to 10, got 11');
    expect(make({ distractors: 0 })).toThrow('recall: option "distractors" must be an integer from 1 to 26, got 0');
    expect(make({ n: 5 })).toThrow(/recall: option "n" must be an integer from 10 to/);
    expect(make({ position: 3 })).toThrow(
      'recall: option "position" is not used by this data set; allowed options: n, steps, pairs, keys, values, distractors',
    );
  });
});

describe('order', () => {
  it('asks for the symbol at the given position, by brute force on every example', () => {
    for (const [seed, o] of [
      [1, {}],
      [2, { steps: 12, symbols: 3, position: 11 }],
      [3, { steps: 2, symbols: 2, position: 1 }],
    ] as const) {
      const d = order(rand(seed), o);
      const p = (o as { position?: number }).position ?? 4;
      const wrong = examples(d).filter(([x, y]) => x[p - 1] !== y);
      expect(wrong).toEqual([]);
    }
  });

  it('has the documented vocabulary, shape and default sizes', () => {
    const d = makeDataset('order', { seed: 1, module });
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([1400, 300, 300]);
    expect(d).toMatchObject({ name: 'order', task: 'multiclass', inputs: 16, outputs: 4 });
    expect(d.classNames).toEqual(['A', 'B', 'C', 'D']);
    expect(d.targetName).toBe('the symbol at position 4');
    expect(d.sequence).toEqual({ steps: 16, features: 1, vocab: orderVocab(4), perPosition: false });
    expect(namedDataShape('order', { steps: 24, symbols: 6, position: 20 })).toMatchObject({
      inputs: 24,
      outputs: 6,
      sequence: { steps: 24, features: 1, vocab: 6, perPosition: false },
    });
  });

  it('is the same for a seed and different for another', () => {
    expect(bytes(order(rand(9)))).toBe(bytes(order(rand(9))));
    expect(bytes(order(rand(9)))).not.toBe(bytes(order(rand(10))));
  });

  it('holds every symbol equally often in every example, so counts carry no information', () => {
    const d = order(rand(5), { n: 8000, steps: 16, symbols: 4 });
    const uneven = examples(d).filter(([x]) => [0, 1, 2, 3].some((k) => x.filter((t) => t === k).length !== 4));
    expect(uneven).toEqual([]);
    for (const p of shares(d)) expect(Math.abs(p - 1 / 4)).toBeLessThan(0.02);
    // Every position holds every symbol about equally often: no position but p tells the answer.
    const all = examples(d);
    for (let t = 0; t < 16; t++) {
      const agree = all.filter(([x, y]) => x[t] === y).length / all.length;
      expect(agree, `position ${t + 1}`).toBeCloseTo(t === 3 ? 1 : 0.2, 1);
    }
  });

  it('is at chance for a predictor without positions, and solved by one with them', () => {
    const d = order(rand(6), { n: 6000 });
    const T = 16;
    const bag = (s: Split, i: number): string => {
      const counts = [0, 0, 0, 0];
      for (let t = 0; t < T; t++) counts[s.x[i * T + t]!]!++;
      return counts.join(',');
    };
    // Fit the best position-free predictor on the training split: for each multiset of tokens
    // (all one here), the most frequent answer; then score it on the test split.
    const table = new Map<string, number[]>();
    for (let i = 0; i < d.train.n; i++) {
      const key = bag(d.train, i);
      const votes = table.get(key) ?? [0, 0, 0, 0];
      votes[d.train.y[i]!]!++;
      table.set(key, votes);
    }
    expect(table.size).toBe(1);
    let bagHits = 0;
    let posHits = 0;
    for (let i = 0; i < d.test.n; i++) {
      const votes = table.get(bag(d.test, i)) ?? [1, 0, 0, 0];
      if (votes.indexOf(Math.max(...votes)) === d.test.y[i]) bagHits++;
      if (d.test.x[i * T + 3] === d.test.y[i]) posHits++;
    }
    expect(Math.abs(bagHits / d.test.n - 0.25)).toBeLessThan(0.05);
    expect(posHits).toBe(d.test.n);
  });

  it('rejects bad options with a message naming the field and the range', () => {
    const make = (o: object) => () => order(rand(), o);
    expect(make({ symbols: 5 })).toThrow(
      'order: option "symbols" must divide steps (16) evenly, so that every symbol occurs equally often; allowed: 2, 4, 8, 16, got 5',
    );
    expect(make({ steps: 17, symbols: 2 })).toThrow(
      'order: option "symbols" must divide steps (17) evenly, so that every symbol occurs equally often; allowed: 17, got 2',
    );
    expect(make({ symbols: 27 })).toThrow('order: option "symbols" must be an integer from 2 to 26, got 27');
    expect(make({ position: 16 })).toThrow(
      'order: option "position" must be an integer from 1 to 15 (before the last of steps 16), got 16',
    );
    expect(make({ position: 0 })).toThrow(/option "position" must be an integer from 1 to 15/);
    expect(make({ steps: 1 })).toThrow('order: option "steps" must be an integer from 2 to 128, got 1');
    expect(make({ n: 200_000 })).toThrow(/order: option "n" must be an integer from 10 to 100000/);
    expect(make({ pairs: 2 })).toThrow(
      'order: option "pairs" is not used by this data set; allowed options: n, steps, symbols, position',
    );
  });
});

describe('the attention tasks in level files', () => {
  const check = (data: object): string[] => {
    const issues = new Issues();
    checkData(issues, data);
    return issues.list;
  };

  it('accept their options and pass them to the trainer', () => {
    expect(check({ name: 'recall', seed: 1, steps: 32, pairs: 6, keys: 10, values: 6, distractors: 3 })).toEqual([]);
    expect(check({ name: 'order', seed: 1, steps: 12, symbols: 3, position: 5 })).toEqual([]);
    expect(check({ name: 'melville', seed: 1, steps: 64, n: 4000 })).toEqual([]);
    const level = { data: { name: 'recall', seed: 3, steps: 32, pairs: 6, keys: 10, values: 6 } } as unknown as Level;
    expect(dataRequest(level)).toEqual({ name: 'recall', seed: 3, steps: 32, pairs: 6, keys: 10, values: 6 });
    const o = { data: { name: 'order', seed: 3, position: 2 } } as unknown as Level;
    expect(dataRequest(o)).toEqual({ name: 'order', seed: 3, position: 2 });
  });

  it('report bad options under data, naming the option', () => {
    expect(check({ name: 'recall', seed: 1, steps: 8, pairs: 4 })).toEqual([
      'data recall: option "pairs" must be an integer from 1 to 3 (2 × pairs + 1 query must fit in steps 8), got 4',
    ]);
    expect(check({ name: 'order', seed: 1, symbols: 3 })[0]).toMatch(/order: option "symbols" must divide steps \(16\)/);
    expect(check({ name: 'order', seed: 1, pairs: 2 })[0]).toMatch(/pairs/);
    expect(check({ name: 'melville', seed: 1, stride: 2 })[0]).toMatch(/stride/);
  });
});
