import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/engine/limits.js';
import { buildNetwork } from '../../src/engine/spec.js';
import { createTrainer, type DataRequest } from '../../src/engine/trainer.js';
import { dataShape } from '../../src/game/data-shape.js';
import { runAddress } from '../../src/game/state/address.js';
import { decodeHash, encodeShare } from '../../src/game/state/share.js';
import { conformSetup, sandboxRules, startSetup } from '../../src/levels/rules.js';
import { namedDataShape } from '../../src/data/index.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

// A player's text file in the sandbox: the loader behind `DataRequest { text }`, the shape the
// workbench knows before the worker builds anything, the sandbox's rules for sequence data and
// the link, which names the file and cannot carry it.

const TEXT = 'the quick brown fox jumps over the lazy dog.\n'.repeat(40);
const request: DataRequest = { text: TEXT, seed: 1, fileName: 'fox' };

describe('the text loader', () => {
  const trainer = createTrainer(() => loadKernelModule('simd'));

  it('builds next-character windows in the worker, agreeing with the main thread shape', async () => {
    const shape = dataShape(request);
    expect(shape).toMatchObject({ inputs: 16, outputs: 29, task: 'multiclass', dataName: 'fox' });
    expect(shape.sequence).toEqual({ steps: 16, features: 1, vocab: 29, perPosition: true });
    const rules = sandboxRules(shape);
    const info = await trainer.create(rules.start, request, startSetup(rules).options, 1);
    expect(info.data).toMatchObject({ name: 'fox', task: 'multiclass', inputs: 16, outputs: 29 });
    expect(info.data.classNames?.[0]).toBe('\n');
    expect(info.data.rows.train).toBeGreaterThan(100);
    const before = trainer.evaluate('validation').loss;
    trainer.step(150);
    const after = trainer.evaluate('validation').loss;
    expect(before).toBeGreaterThan(Math.log(29) - 0.5);
    expect(after).toBeLessThan(before - 1);
  });

  it('takes the window length from the request', async () => {
    const shape = dataShape({ ...request, steps: 32 });
    expect(shape.inputs).toBe(32);
    const rules = sandboxRules(shape);
    const info = await trainer.create(rules.start, { ...request, steps: 32 }, {}, 1);
    expect(info.data.inputs).toBe(32);
  });

  it('refuses an empty, short, varied or too long text with a message, keeping the learner', async () => {
    const rules = sandboxRules(dataShape(request));
    await trainer.create(rules.start, request, {}, 1);
    const kept = trainer.evaluate('validation').loss;
    const refuse = (text: string) =>
      trainer.create(rules.start, { text, seed: 1, fileName: 'mine' }, {}, 1);
    await expect(refuse('')).rejects.toThrow(/mine: the text is empty/);
    await expect(refuse('hello there')).rejects.toThrow(
      /mine: the text is too short .* use at least \d+ characters/,
    );
    const varied = Array.from({ length: 120 }, (_, i) => String.fromCodePoint(0x100 + i))
      .join('')
      .repeat(3);
    await expect(refuse(varied)).rejects.toThrow(/120 different characters; at most 96/);
    await expect(refuse('ab'.repeat(LIMITS.maxTextChars / 2 + 1))).rejects.toThrow(
      new RegExp(
        `the text has ${LIMITS.maxTextChars + 2} characters; at most ${LIMITS.maxTextChars} are allowed`,
      ),
    );
    expect(() => dataShape({ text: 'aaaa'.repeat(50), seed: 1 })).toThrow(/only the character "a"/);
    // The player's network stays: the refused data never replaced it.
    expect(trainer.evaluate('validation').loss).toBe(kept);
  });
});

describe('the sandbox rules on sequence data', () => {
  it('offer the recurrent blocks and start from embedding → LSTM(every step) → dense(vocabulary)', () => {
    const shape = dataShape(request);
    const rules = sandboxRules(shape);
    expect(rules.blocks).toMatchObject({
      dense: true,
      dropout: true,
      embedding: true,
      onehot: true,
      rnn: true,
      lstm: true,
      gru: true,
      maxUnits: 128,
      features: false,
      losses: ['cce'],
    });
    expect(rules.blocks.conv2d).toBeUndefined();
    expect(rules.settings.lr.value).toBe(0.01);
    expect(rules.start.layers).toEqual([
      { type: 'embedding', dim: 16 },
      { type: 'lstm', hidden: 64, sequences: true },
      { type: 'dense', units: 29 },
    ]);
    const network = buildNetwork(rules.start, shape);
    expect(network.totalParams).toBeGreaterThan(0);
    expect(conformSetup(rules, startSetup(rules)).changes).toEqual([]);
  });

  it('start the names the same way, and numbers over time without a token layer', () => {
    const names = sandboxRules(namedDataShape('names')!);
    expect(names.start.layers.map((l) => l.type)).toEqual(['embedding', 'lstm', 'dense']);
    const adding = namedDataShape('adding')!;
    const rules = sandboxRules(adding);
    expect(rules.blocks.embedding).toBeUndefined();
    expect(rules.start.layers[0]).toMatchObject({ type: 'lstm', hidden: 64 });
    expect(() => buildNetwork(rules.start, adding)).not.toThrow();
  });

  it('leave the table and image sets as they were', () => {
    const plain = sandboxRules({ inputs: 2, outputs: 1, task: 'binary' });
    expect(plain.blocks.lstm).toBeUndefined();
    expect(plain.blocks.maxUnits).toBe(64);
  });
});

describe('a text sandbox link', () => {
  const rules = sandboxRules(dataShape(request));
  const draft = startSetup(rules);

  it('names the file but does not carry it, and reads back as a file to ask for', () => {
    const address = runAddress(null, request, draft);
    expect(address.kind).toBe('run');
    const state = (address as { state: Parameters<typeof encodeShare>[0] }).state;
    const link = encodeShare(state);
    expect(link).toMatch(
      /^text=fox&layers=embedding:dim=16,lstm:hidden=64:sequences=true,dense:29&/,
    );
    expect(link).not.toContain('quick');
    const decoded = decodeHash(link);
    expect(decoded.notice).toBeNull();
    expect(decoded.state).toMatchObject({ levelId: null, data: null, text: 'fox' });
    expect(decoded.state?.draft.spec).toEqual(draft.spec);
  });

  it('as a bare address names only the file', () => {
    expect(decodeHash('text=my%20poems')).toMatchObject({
      state: null,
      notice: null,
      target: { levelId: null, data: null, text: 'my poems' },
    });
  });

  it('refuses a name too long and a link naming two things', () => {
    const long = decodeHash(`text=${'x'.repeat(81)}&layers=dense:2`);
    expect(long.state).toBeNull();
    expect(long.notice).toMatch(/names a text file .*1 to 80 characters/);
    const two = decodeHash('text=a&csv=b&layers=dense:2');
    expect(two.state).toBeNull();
    expect(two.notice).toMatch(/a CSV file and a text file; it may name only one/);
  });
});
