import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, parseOptions } from '../../src/engine/options.js';
import { EVAL_ROWS, planArena, REGIONS } from '../../src/engine/plan.js';
import { LIMITS } from '../../src/engine/limits.js';
import { HEADER_WORDS, RECORDS } from '../../src/engine/records.js';
import { buildNetwork, parseSpec, SpecError } from '../../src/engine/spec.js';

const spec = parseSpec({
  layers: [
    { type: 'dense', units: 16, activation: 'relu' },
    { type: 'dropout', rate: 0.25 },
    { type: 'dense', units: 3 },
  ],
});
const net = buildNetwork(spec, { inputs: 5, outputs: 3, task: 'multiclass' });
const sizes = { inputs: 5, targetWidth: 1, train: 101, validation: 21, test: 22 };

describe('planArena', () => {
  for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
    it(`lays out aligned, disjoint tensors whose sizes add up (${optimizer})`, () => {
      const plan = planArena(net, parseOptions({ optimizer, batch: 7 }), sizes);
      const sorted = [...plan.tensors].sort((a, b) => a.offset - b.offset);
      let end = 0;
      for (const t of sorted) {
        expect(t.offset % 16, t.name).toBe(0);
        expect(t.offset, `${t.name} overlaps its predecessor`).toBeGreaterThanOrEqual(end);
        const bytes = t.dtype === 'u8' ? t.length : t.length * 4;
        expect(t.length).toBe(t.shape.reduce((a, b) => a * b, 1));
        end = t.offset + bytes;
        const region = plan.regions[t.region];
        expect(t.offset).toBeGreaterThanOrEqual(region.start);
        expect(end).toBeLessThanOrEqual(region.end);
      }
      expect(end).toBeLessThanOrEqual(plan.totalBytes);
      // Regions follow each other without gaps, in the documented order.
      for (let i = 1; i < REGIONS.length; i++) {
        expect(plan.regions[REGIONS[i]!].start).toBe(plan.regions[REGIONS[i - 1]!].end);
      }
      // Parameters: 5·16+16 + 16·3+3 = 147 values, in state-dict order.
      expect(plan.params.map((t) => [t.name, t.shape])).toEqual([
        ['0.weight', [16, 5]],
        ['0.bias', [16]],
        ['3.weight', [3, 16]],
        ['3.bias', [3]],
      ]);
      expect(plan.params.reduce((n, t) => n + t.length, 0)).toBe(net.totalParams);
      // Gradients mirror parameters at a constant offset (the kernel relies on it for L2).
      const shift = plan.regions.grads.start - plan.regions.params.start;
      for (const p of plan.params)
        expect(plan.byName.get(`${p.name}.grad`)!.offset).toBe(p.offset + shift);
      const state = plan.tensors.filter((t) => t.region === 'optimizer');
      expect(state).toHaveLength({ sgd: 0, momentum: 1, adam: 2 }[optimizer]);
      for (const s of state) expect(s.length).toBe(plan.paramSlots);
      expect(plan.rows).toBe(101);
    });
  }

  it('plans the input features as an activation and one more op record', () => {
    const layers = [
      { type: 'dense', units: 8, activation: 'tanh' },
      { type: 'dense', units: 1 },
    ];
    const two = { inputs: 2, outputs: 1, task: 'binary' as const };
    const plain = buildNetwork(parseSpec({ layers }), two);
    const expanded = buildNetwork(parseSpec({ features: ['x1x1', 'x2x2', 'sinx1'], layers }), two);
    const data = { inputs: 2, targetWidth: 1, train: 50, validation: 10, test: 10 };
    const a = planArena(plain, DEFAULT_OPTIONS, data);
    const b = planArena(expanded, DEFAULT_OPTIONS, data);
    expect(a.byName.has('features')).toBe(false);
    expect(b.byName.get('features')).toMatchObject({ region: 'acts', shape: [b.rows, 3] });
    expect(b.byName.get('input')!.shape).toEqual([b.rows, 2]);
    expect(b.byName.get('0.weight')!.shape).toEqual([8, 3]);
    // Three op records, their addresses and two weights in the penalty list; then the features
    // record with its three codes.
    const three = 2 * RECORDS.dense.words + RECORDS.act.words + 3 + 2 * 2;
    expect(a.byName.get('program')!.length).toBe(HEADER_WORDS + three);
    expect(b.byName.get('program')!.length).toBe(
      HEADER_WORDS + three + RECORDS.features.words + 3 + 1,
    );
    // No gradient is planned for the features: nothing flows back to the data.
    expect(b.tensors.filter((t) => t.region === 'actGrads').map((t) => t.name)).toEqual(
      a.tensors.filter((t) => t.region === 'actGrads').map((t) => t.name),
    );
  });

  it('refuses an arena over the cap with the numbers', () => {
    const wide = buildNetwork(
      parseSpec({
        layers: [
          { type: 'dense', units: 4096 },
          { type: 'dense', units: 1 },
        ],
      }),
      {
        inputs: 900,
        outputs: 1,
        task: 'regression',
      },
    );
    expect(() =>
      planArena(
        wide,
        { ...DEFAULT_OPTIONS, batch: 4096 },
        { inputs: 900, targetWidth: 1, train: 200000, validation: 0, test: 0 },
      ),
    ).toThrow(SpecError);
    try {
      planArena(
        wide,
        { ...DEFAULT_OPTIONS, batch: 4096 },
        { inputs: 900, targetWidth: 1, train: 200000, validation: 0, test: 0 },
      );
    } catch (error) {
      expect((error as Error).message).toMatch(
        /need \d+\.\d MiB of memory; the limit is 512\.0 MiB/,
      );
    }
  });
});

describe('program layout', () => {
  it('is generated for the engine and the kernel from one table, and both files are current', () => {
    const script = new URL('../../scripts/gen-records.mjs', import.meta.url);
    expect(() => execFileSync(process.execPath, [script.pathname, '--check'])).not.toThrow();
  });
});

describe('planArena for images', () => {
  const image = { inputs: 784, inputShape: [1, 28, 28], outputs: 10, task: 'multiclass' as const };
  const cnn = buildNetwork(
    parseSpec({
      layers: [
        { type: 'conv2d', filters: 16, kernel: 3, padding: 1, bias: false },
        { type: 'batchnorm' },
        { type: 'activation', activation: 'relu' },
        { type: 'maxpool2d', size: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ],
    }),
    image,
  );
  const data = {
    inputs: 784,
    targetWidth: 1,
    train: 12000,
    validation: 2000,
    test: 2000,
    pixels: true,
  };

  it('sizes every buffer from rows × its shape, keeps pixels as u8 and flatten as an alias', () => {
    const plan = planArena(cnn, parseOptions({ batch: 32 }), data);
    const rows = plan.rows;
    expect(plan.byName.get('input')!.shape).toEqual([rows, 1, 28, 28]);
    expect(plan.byName.get('0.out')!.shape).toEqual([rows, 16, 28, 28]);
    expect(plan.byName.get('3.out')!.shape).toEqual([rows, 16, 14, 14]);
    expect(plan.byName.get('3.arg')).toMatchObject({ dtype: 'i32', shape: [rows, 16, 14, 14] });
    expect(plan.byName.get('1.istd')!.shape).toEqual([16]);
    expect(plan.byName.get('train.x')).toMatchObject({ dtype: 'u8', shape: [12000, 784] });
    // flatten moves nothing: its output and gradient are the pooled map's bytes.
    const flat = plan.byName.get('4.out')!;
    expect(flat.shape).toEqual([rows, 3136]);
    expect(flat.offset).toBe(plan.byName.get('3.out')!.offset);
    expect(plan.byName.get('4.out.grad')!.offset).toBe(plan.byName.get('3.out.grad')!.offset);
    expect(plan.tensors.some((t) => t.name === '4.out')).toBe(false);
    // Running statistics sit in their own region, between the state and the activations.
    expect(plan.buffers.map((b) => [b.name, b.region, b.fill])).toEqual([
      ['1.running_mean', 'buffers', 0],
      ['1.running_var', 'buffers', 1],
      ['1.num_batches_tracked', 'buffers', 0],
    ]);
    // The first op reads the data: no gradient is planned for the input.
    expect(plan.byName.has('input.grad')).toBe(false);
    expect(plan.byName.get('0.scratch')!.length).toBe(Math.max(9 * (784 + 16), 30 * 30 + 9));
  });

  it('shrinks the evaluation chunk of a large network to fit the memory cap, never below the batch', () => {
    // 1×1 convolutions: few multiply-adds, but 4 MB of activations and gradients per row.
    const pointwise = { type: 'conv2d', filters: 64, kernel: 1, activation: 'relu' };
    const wide = buildNetwork(
      parseSpec({
        layers: [
          ...Array.from({ length: 5 }, () => pointwise),
          { type: 'flatten' },
          { type: 'dense', units: 10 },
        ],
      }),
      image,
    );
    const plan = planArena(wide, parseOptions({ batch: 16 }), data);
    expect(plan.rows).toBeLessThan(EVAL_ROWS);
    expect(plan.rows).toBeGreaterThanOrEqual(16);
    expect(plan.totalBytes).toBeLessThanOrEqual(LIMITS.maxArenaBytes);
    expect(planArena(cnn, parseOptions({ batch: 32 }), data).rows).toBe(EVAL_ROWS);
    // A batch that cannot fit at all is refused with the memory it needs.
    expect(() => planArena(wide, parseOptions({ batch: 512 }), data)).toThrow(
      /need \d+\.\d MiB of memory; the limit is 512\.0 MiB/,
    );
  });

  it('refuses a batch of one for batch norm over features (it averages over the batch)', () => {
    const bn = buildNetwork(
      parseSpec({
        layers: [{ type: 'dense', units: 4 }, { type: 'batchnorm' }, { type: 'dense', units: 1 }],
      }),
      { inputs: 2, outputs: 1, task: 'binary' },
    );
    const small = { inputs: 2, targetWidth: 1, train: 10, validation: 0, test: 0 };
    expect(() => planArena(bn, parseOptions({ batch: 1 }), small)).toThrow(
      'options.batch must be at least 2 for the batchnorm of layers[1] (it averages over the batch), got 1',
    );
  });
});
