/**
 * Argument parsing (Node's util.parseArgs in strict mode): every refusal is exit code 2 with a
 * message naming the flag, and the optimizer flags reach the training options.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { run } from '../../src/cli/main.js';

const xor = ['train', '--spec', 'examples/xor.json', '--data', 'xor'];

describe('arguments are parsed strictly', () => {
  const cases: Array<[string[], string | RegExp]> = [
    [[...xor, '--steps', '5', '--steps', '6'], '--steps is given twice; give each flag once'],
    [[...xor, '--json', '--json'], '--json is given twice'],
    [[...xor, '--json=false'], '--json is a switch and takes no value, got "--json=false"'],
    [[...xor, '--nesterov=true'], '--nesterov is a switch and takes no value'],
    [[...xor, '--save', ''], '--save needs a value, got an empty one'],
    [[...xor, '--save='], '--save needs a value, got an empty one'],
    [[...xor, '--save'], '--save needs a value'],
    [[...xor, '--save', '--json'], '--save needs a value'],
    [[...xor, '--lr', '0x10'], '--lr must be a number, got "0x10" (write it in decimal)'],
    [[...xor, '--steps', '0b11'], '--steps must be an integer, got "0b11" (write it in decimal)'],
    [[...xor, '--steps', '0o17'], '--steps must be an integer, got "0o17"'],
    [[...xor, '--steps', '12abc'], '--steps must be an integer, got "12abc"'],
    [[...xor, '--lr', '0.1x'], '--lr must be a number, got "0.1x"'],
    [[...xor, '--lr', ' 0.1'], '--lr must be a number, got " 0.1"'],
    [[...xor, '--lr', 'Infinity'], '--lr must be a number, got "Infinity"'],
    [[...xor, '--lr', '1e400'], '--lr must be a number, got "1e400"'],
    [[...xor, '--batch', '3.5'], '--batch must be an integer, got "3.5"'],
    [[...xor, '--seed', '-1'], '--seed must be an integer from 0 to 4294967295, got -1'],
    [[...xor, '-s', 'x'], 'unexpected argument "-s" (flags start with --'],
    [[...xor, 'extra'], 'unexpected argument "extra" after the command "train"'],
    [['--json'], 'the command comes first: train, eval, race, sample or serve'],
    [[...xor, '--beta1', '1'], '--beta1 must be a number from 0 up to (not including) 1, got 1'],
    [[...xor, '--beta2', '-0.5'], '--beta2 must be a number from 0 up to (not including) 1'],
    [[...xor, '--momentum', '2'], '--momentum must be a number from 0 up to (not including) 1'],
    [[...xor, '--eps', '0'], '--eps must be a number from 1e-12 to 1, got 0'],
    [[...xor, '--weight-decay', '2'], '--weight-decay must be a number from 0 to 1, got 2'],
    [[...xor, '--alpha', '1.5'], '--alpha must be a number from 0 up to (not including) 1'],
    [[...xor, '--fresh-state'], '--fresh-state applies only with --load MODEL'],
  ];
  for (const [args, message] of cases) {
    it(args.slice(5).join(' ') || args.join(' '), async () => {
      const out = await run(args);
      expect(out.code).toBe(2);
      expect(out.stdout).toBe('');
      if (typeof message === 'string') expect(out.stderr).toContain(message);
      else expect(out.stderr).toMatch(message);
      expect(out.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    });
  }

  it('accepts --name=value, a negative number after its flag, and exponents', () => {
    const { command, flags } = parseArgs(['train', '--lr=1e-2', '--seed', '-0', '--json']);
    expect(command).toBe('train');
    expect(Object.fromEntries(flags)).toEqual({ lr: '1e-2', seed: '-0', json: 'true' });
  });

  it('no arguments, or --help, print the usage with every exit code', async () => {
    for (const args of [[], ['--help'], ['help'], ['train', '--help']]) {
      const out = await run(args);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('Usage:');
    }
    const usage = (await run([])).stdout;
    for (const flag of [
      '--momentum',
      '--nesterov',
      '--beta1',
      '--beta2',
      '--eps',
      '--weight-decay',
      '--alpha',
      '--fresh-state',
    ]) {
      expect(usage).toContain(flag);
    }
    expect(usage).toMatch(/0 done, 1 an unexpected failure.*2 bad arguments or files/s);
    expect(usage).toContain('3 the training diverged');
  });
});

describe('optimizer flags reach the training options', () => {
  async function options(...extra: string[]): Promise<Record<string, unknown>> {
    const out = await run([...xor, '--steps', '20', '--json', ...extra]);
    expect(out.code).toBe(0);
    return JSON.parse(out.stdout);
  }

  it('--momentum and --nesterov set the momentum optimizer, and change the result', async () => {
    const plain = await options('--optimizer', 'momentum', '--lr', '0.1');
    const tuned = await options('--optimizer', 'momentum', '--lr', '0.1', '--momentum', '0.5');
    const nesterov = await options('--optimizer', 'momentum', '--lr', '0.1', '--nesterov');
    expect(tuned['optimizer']).toMatchObject({ optimizer: 'momentum', momentum: 0.5 });
    expect(nesterov['optimizer']).toMatchObject({ nesterov: true, momentum: 0.9 });
    const hashes = new Set([plain, tuned, nesterov].map((r) => r['weightsHash']));
    expect(hashes.size).toBe(3);
  });

  it('--beta1, --beta2, --eps and --weight-decay set Adam(W)', async () => {
    const r = await options(
      '--optimizer',
      'adamw',
      '--beta1',
      '0.8',
      '--beta2',
      '0.99',
      '--eps',
      '1e-6',
      '--weight-decay',
      '0.1',
      '--alpha',
      '0.9',
    );
    expect(r['optimizer']).toMatchObject({
      optimizer: 'adamw',
      beta1: 0.8,
      beta2: 0.99,
      eps: 1e-6,
      weightDecay: 0.1,
      alpha: 0.9,
    });
    const defaults = await options('--optimizer', 'adamw');
    expect(r['weightsHash']).not.toBe(defaults['weightsHash']);
  });
});

describe('echoed values are cut to a readable length', () => {
  it('a spec with a long unknown field name and a long bad value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nj-args-'));
    const spec = join(dir, 'spec.json');
    const long = 'k'.repeat(5000);
    await writeFile(
      spec,
      JSON.stringify({ layers: [{ type: 'dense', units: 1, activation: long }], [long]: 1 }),
    );
    const out = await run(['train', '--spec', spec, '--data', 'xor']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${spec}: ${'k'.repeat(60)}… is not a known field`);
    expect(out.stderr).toContain(`layers[0].activation must be one of`);
    expect(out.stderr).toContain(`got "${'k'.repeat(60)}…"`);
    expect(out.stderr).not.toContain('k'.repeat(61));
  });

  it('a long value, command or option name is shown with its first 60 characters and …', async () => {
    const long = 'x'.repeat(500);
    for (const args of [[...xor, '--lr', long], [long], [...xor, `--${long}`]]) {
      const out = await run(args);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`${'x'.repeat(60)}…`);
      expect(out.stderr).not.toContain('x'.repeat(61));
    }
  });
});
