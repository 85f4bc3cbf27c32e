import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../src/engine/ops/index.js';
import { buildNetwork, type LayerSpec } from '../../src/engine/spec.js';
import {
  blockTitle,
  boolOf,
  chipLabels,
  resize,
  stepField,
} from '../../src/game/objects/block-fields.js';
import { assessDraft, blockInfo } from '../../src/game/objects/network-facts.js';
import { outputLine, paletteEntries } from '../../src/game/scenes/workbench-text.js';
import { levelById, rulesOf } from '../../src/levels/index.js';
import { checkSpec, clipStops, clipWords, startSetup } from '../../src/levels/rules.js';

const level = levelById('c5-switch')!;
const rules = rulesOf(level);
const shape = rules.shape!;

const layer = (l: Record<string, unknown>): LayerSpec => l as unknown as LayerSpec;

describe('the recurrent and token blocks', () => {
  it('are offered by the palette with the registry’s short names and blurbs', () => {
    const entries = paletteEntries(rules.blocks, new Set());
    expect(entries.map((e) => e.label)).toEqual(['Dense', 'Embed', 'One-hot', 'RNN']);
    expect(entries[3]!.tooltip).toBe(`Add ${LAYERS.rnn.blurb}`);
  });

  it('show the hidden size and a switch for every step, both ways', () => {
    const rnn = layer({ type: 'rnn', hidden: 8, sequences: true });
    expect(blockTitle(rnn)).toBe('RNN');
    expect(chipLabels(rnn, null).map((c) => c.text)).toEqual(['hidden size 8', 'every step']);
    expect(stepField(rnn, 'sequences', 1, true)).toBe(true);
    expect(chipLabels(rnn, null).map((c) => c.text)).toEqual(['hidden size 8', 'last step']);
    // Left out, a recurrent layer hands on only its last step (the registry's default).
    const bare = layer({ type: 'lstm', hidden: 8 });
    expect(boolOf(bare, 'sequences')).toBe(false);
    stepField(bare, 'sequences', 1, true);
    expect(boolOf(bare, 'sequences')).toBe(true);
    // A convolution's bias still shows only when it is off.
    expect(chipLabels(layer({ type: 'conv2d', filters: 8, kernel: 3 }), null)[0]!.text).toBe(
      '8 filters',
    );
  });

  it('step the hidden size within the level’s largest width', () => {
    const gru = layer({ type: 'gru', hidden: 16 });
    resize(gru, 1, 32);
    expect((gru as unknown as { hidden: number }).hidden).toBe(24);
    resize(gru, 1, 32);
    resize(gru, 1, 32);
    expect((gru as unknown as { hidden: number }).hidden).toBe(32);
    resize(gru, -1, 32);
    expect((gru as unknown as { hidden: number }).hidden).toBe(24);
    const embed = layer({ type: 'embedding', dim: 16 });
    resize(embed, -1, 32);
    expect((embed as unknown as { dim: number }).dim).toBe(12);
    // A link asking for more is refused by the level's rules.
    const wide = { layers: [layer({ type: 'onehot' }), layer({ type: 'rnn', hidden: 64 })] };
    expect(checkSpec(rules, wide)).toContain(
      'Layer 2 has a hidden size of 64; this level allows at most 32.',
    );
  });

  it('write the engine’s shapes and counts: [10, 8] for every step, [8] for the last', () => {
    const spec = (cell: string, sequences: boolean) => ({
      layers: [
        layer({ type: 'onehot' }),
        layer({ type: cell, hidden: 8, sequences }),
        layer({ type: 'dense', units: 1 }),
      ],
    });
    const lstm = buildNetwork(spec('lstm', true), shape);
    expect(blockInfo(lstm, 1)).toEqual({
      shape: [10, 8],
      params: 384,
      formula: '4×(8×(2+8) + 2×8) = 384',
      macs: 10 * 4 * 8 * (2 + 8),
    });
    expect(blockInfo(lstm, 0)!.shape).toEqual([10, 2]);
    const rnn = buildNetwork(spec('rnn', true), shape);
    expect(blockInfo(rnn, 1)!.formula).toBe('8×(2+8) + 2×8 = 96');
    // The last step only: the shape is [8], and this data wants an answer at each step.
    const last = assessDraft(rules, shape, spec('gru', false), 32, null);
    expect(last.problems.join(' ')).toMatch(/every step/);
  });

  it('say plainly where an embedding or a one-hot must go', () => {
    const spec = (first: string, second: Record<string, unknown>) => ({
      layers: [
        layer({ type: first, dim: 4 }),
        layer(second),
        layer({ type: 'rnn', hidden: 8, sequences: true }),
        layer({ type: 'dense', units: 1 }),
      ],
    });
    const embed = assessDraft(
      rules,
      shape,
      spec('onehot', { type: 'embedding', dim: 4 }),
      32,
      null,
    );
    expect(embed.problems).toContain(
      'Layer 2: an embedding must be the first layer: it reads the symbols themselves',
    );
    expect(embed.perLayer.get(1)).toBe(
      'an embedding must be the first layer: it reads the symbols themselves',
    );
    const onehot = assessDraft(rules, shape, spec('embedding', { type: 'onehot' }), 32, null);
    expect(onehot.problems).toContain(
      'Layer 2: one-hot must be the first layer: it reads the symbols themselves',
    );
  });

  it('tell what the output must be on data answered at every step', () => {
    expect(outputLine(shape)).toBe(
      '↓ output: the last dense layer needs 1 unit (a yes/no score) at each of the 10 steps',
    );
  });
});

describe('the gradient clip', () => {
  it('steps off, 0.25, 0.5, 1, 2, 5 within the level’s range, with its ends and value', () => {
    expect(clipStops({ value: 0, locked: false, min: 0, max: 5 }, 0)).toEqual([
      0, 0.25, 0.5, 1, 2, 5,
    ]);
    expect(clipStops({ value: 1, locked: false, min: 0.5, max: 10 }, 3)).toEqual([
      0.5, 1, 2, 3, 5, 10,
    ]);
    expect(clipWords(0)).toBe('off');
    expect(clipWords(0.25)).toBe('0.25');
  });

  it('starts at the level’s value and is off where the level has no clip', () => {
    expect(startSetup(rules).options.clip).toBe(0);
    const clipped = {
      ...rules,
      settings: { ...rules.settings, clip: { value: 1, locked: false, min: 0, max: 5 } },
    };
    expect(startSetup(clipped).options.clip).toBe(1);
  });
});

describe('options a link or a spec sets, shown on their blocks', () => {
  it('shows attention dropout while it is on, and its chip switches it off', () => {
    const block = { type: 'transformer', heads: 4, attnDropout: 0.1 } as unknown as LayerSpec;
    const chip = chipLabels(block, null).find((c) => c.name === 'attnDropout')!;
    expect(chip.text).toBe('attention dropout 10%');
    expect(stepField(block, 'attnDropout', 1, true)).toBe(true);
    expect((block as unknown as Record<string, unknown>)['attnDropout']).toBeUndefined();
    expect(chipLabels(block, null).some((c) => c.name === 'attnDropout')).toBe(false);
  });

  it('shows a tied head while it is tied, and nothing on an ordinary dense layer', () => {
    const tied = { type: 'dense', units: 35, tied: true } as LayerSpec;
    expect(chipLabels(tied, null).find((c) => c.name === 'tied')?.text).toBe(
      'tied to the embedding',
    );
    expect(blockTitle(tied)).toBe('Dense 35 · no activation · tied');
    const plain = { type: 'dense', units: 35 } as LayerSpec;
    expect(chipLabels(plain, null).some((c) => c.name === 'tied')).toBe(false);
  });
});
