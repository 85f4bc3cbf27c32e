import { describe, expect, it } from 'vitest';
import {
  budgetShown,
  compactCount,
  firstFit,
  macsLabel,
  macsTotal,
  rowVariants,
  stackLevels,
} from '../../src/game/objects/cost-text.js';
import { namedDataShape } from '../../src/data/index.js';
import { buildNetwork, parseSpec } from '../../src/engine/spec.js';
import { assessDraft, contextLine, contextMemory } from '../../src/game/objects/network-facts.js';
import { sandboxRules, type WorkbenchRules } from '../../src/levels/rules.js';
import type { ModelSpec, TaskShape } from '../../src/engine/spec.js';

describe('what the workbench says a network costs', () => {
  it('writes counts in at most three figures', () => {
    expect(
      [0, 7, 812, 999, 1000, 4608, 5600, 50_176, 99_949, 113_000, 999_499, 999_500, 1_234_567].map(
        compactCount,
      ),
    ).toEqual([
      '0',
      '7',
      '812',
      '999',
      '1k',
      '4.6k',
      '5.6k',
      '50.2k',
      '99.9k',
      '113k',
      '999k',
      '1M',
      '1.2M',
    ]);
  });

  it("labels a block's multiply-adds, and nothing for a block that computes none", () => {
    expect(macsLabel(5600)).toBe('5.6k mult-adds');
    expect(macsLabel(160)).toBe('160 mult-adds');
    expect(macsLabel(2_220_608, true)).toBe('×+ 2.2M');
    expect(macsLabel(0)).toBeNull();
    expect(macsTotal(31_000)).toBe('31,000 multiply-adds per image');
    expect(macsTotal(null)).toBe('');
  });

  it('shows a budget as the total against it, in words as well as colour', () => {
    const within = budgetShown('params', 310, 400);
    expect(within).toMatchObject({
      title: 'Parameters',
      value: '310 / 400',
      status: '90 to spare',
      over: false,
    });
    expect(within.fill).toBeCloseTo((310 / 400) * within.mark);
    const over = budgetShown('macs', 43_000, 40_000);
    expect(over).toMatchObject({
      title: 'Multiply-adds',
      value: '43,000 / 40,000',
      status: '⚠ 3,000 over the budget per image',
      over: true,
    });
    expect(over.fill).toBeGreaterThan(over.mark);
    // Far over: the bar is full, not past its end.
    expect(budgetShown('macs', 400_000, 40_000).fill).toBe(1);
    expect(budgetShown('params', null, 400)).toMatchObject({
      value: '— / 400',
      fill: 0,
      over: false,
    });
  });

  it("words a block's second row fullest first, and the stack alike", () => {
    const rows = rowVariants([8, 8, 8], 80, '8×1×3×3 + 8 = 80', 4608, false);
    expect(rows[0]).toEqual({
      shape: 'output [8, 8, 8]',
      badge: '80 params',
      formula: '8×1×3×3 + 8 = 80',
      cost: '4.6k mult-adds',
    });
    expect(rows.map((r) => [r.shape, r.formula, r.cost])).toEqual([
      ['output [8, 8, 8]', '8×1×3×3 + 8 = 80', '4.6k mult-adds'],
      ['output [8, 8, 8]', '= 8×1×3×3 + 8', '4.6k mult-adds'],
      ['[8, 8, 8]', '= 8×1×3×3 + 8', '4.6k mult-adds'],
      ['[8, 8, 8]', '= 8×1×3×3 + 8', '×+ 4.6k'],
      ['[8, 8, 8]', '8×1×3×3+8', '×+ 4.6k'],
      ['[8, 8, 8]', '', '×+ 4.6k'],
    ]);
    // A flatten: no formula, no cost; a layer with a problem says so after its shape.
    const flat = rowVariants([128], 0, '0', 0, true)[0]!;
    expect(flat).toEqual({
      shape: 'output [128] ⚠ check below',
      badge: '0 params',
      formula: '',
      cost: '',
    });
    expect(firstFit([500, 420, 380], 400)).toBe(2);
    expect(firstFit([500, 480], 400)).toBe(1);
    expect(stackLevels([0, 1, 0])).toEqual([1, 1, 1]);
    expect(stackLevels([0, 4, 2])).toEqual([2, 4, 2]);
    expect(stackLevels([])).toEqual([]);
  });
});

describe('assessDraft', () => {
  const shape: TaskShape = { inputs: 64, inputShape: [1, 8, 8], outputs: 10, task: 'multiclass' };
  const cnn = (filters: number): ModelSpec => ({
    layers: [
      { type: 'conv2d', filters, kernel: 3, padding: 1, activation: 'relu' },
      { type: 'maxpool2d', size: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ],
  });
  const budgeted = (maxParams: number, maxMacs: number): WorkbenchRules => {
    const rules = sandboxRules(shape);
    return { ...rules, blocks: { ...rules.blocks, maxParams, maxMacs } };
  };

  it('builds the network and counts its cost', () => {
    const { network, problems } = assessDraft(sandboxRules(shape), shape, cnn(4), 32, null);
    expect(problems).toEqual([]);
    expect(network?.totalParams).toBe(690);
    // 4 filters × 8×8 × 3×3, then 64 × 10.
    expect(network?.totalMacs).toBe(4 * 64 * 9 + 640);
  });

  it('lists the budgets a network goes over', () => {
    const { network, problems } = assessDraft(budgeted(800, 3500), shape, cnn(8), 32, null);
    expect(network?.totalParams).toBe(1370);
    expect(problems).toEqual([
      'This level allows at most 800 parameters; this network has 1,370.',
      'This level allows at most 3,500 multiply-adds per image; this network needs 5,888.',
    ]);
    expect(assessDraft(budgeted(800, 3500), shape, cnn(4), 32, null).problems).toEqual([]);
  });

  it('names the layer whose stride does not fit, and still shows what can be built', () => {
    const spec: ModelSpec = {
      layers: [
        { type: 'conv2d', filters: 4, kernel: 5, stride: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ],
    };
    const { network, problems, perLayer } = assessDraft(sandboxRules(shape), shape, spec, 32, null);
    expect(network).toBeNull();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^Layer 1/);
    expect(perLayer.has(0)).toBe(true);
  });

  it('refuses a batch larger than the training rows once they are known', () => {
    const { problems } = assessDraft(sandboxRules(shape), shape, cnn(4), 64, 50);
    expect(problems).toEqual([
      'The batch of 64 is larger than the 50 training rows; make it 50 or less.',
    ]);
  });
});

describe('what a longer context costs', () => {
  const shape = namedDataShape('melville')!;
  const build = (layers: unknown[]) => buildNetwork(parseSpec({ layers }), shape);

  it('doubles for per-step layers and grows faster with attention', () => {
    const perStep = contextMemory(
      build([
        { type: 'embedding', dim: 16 },
        { type: 'dense', units: 35 },
      ]),
      shape,
      32,
    )!;
    // Values [32, 16] and [32, 35] per window, and their gradients, for 32 windows of 4 bytes.
    expect(perStep.steps).toBe(32);
    expect(perStep.bytes).toBe(2 * 4 * 32 * 32 * (16 + 35));
    expect(perStep.twiceBytes).toBe(2 * perStep.bytes);
    const attention = contextMemory(
      build([
        { type: 'embedding', dim: 32 },
        { type: 'posenc', kind: 'learned' },
        { type: 'transformer', heads: 4 },
        { type: 'layernorm' },
        { type: 'dense', units: 35 },
      ]),
      shape,
      32,
    )!;
    expect(attention.twiceBytes / attention.bytes).toBeGreaterThan(2.1);
    expect(attention.twiceBytes / attention.bytes).toBeLessThan(4);
  });

  it('says it in words, and nothing for data without steps', () => {
    const net = build([
      { type: 'embedding', dim: 16 },
      { type: 'dense', units: 35 },
    ]);
    expect(contextLine(net, shape, 32)).toBe(
      'Context: 32 symbols · a batch of 32 needs 0.42 MB to train; 64 symbols would need 0.84 MB',
    );
    const xor = namedDataShape('xor')!;
    expect(
      contextLine(buildNetwork(parseSpec({ layers: [{ type: 'dense', units: 1 }] }), xor), xor, 32),
    ).toBeNull();
  });
});
