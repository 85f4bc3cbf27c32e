/**
 * The command line's arguments: the flags it knows, parsed with Node's own strict
 * `util.parseArgs` (a repeated flag, `--json=false`, an empty value are errors), numbers read in
 * decimal only, and the usage text. Every mistake is a `UsageError` naming the flag.
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { DATASET_NAMES, SEQUENCE_NAMES } from '../data/index.js';
import { clip } from '../engine/limits.js';
import { DECIMAL } from '../engine/format.js';
import { OPTIMIZERS, type TrainOptions } from '../engine/options.js';

/** A mistake in the arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export const USAGE = `Usage:
  neural-journey train --spec FILE --data NAME|FILE.csv [--target COLUMN]
                       [--optimizer ${OPTIMIZERS.join('|')}] [--lr X] [--batch N]
                       [--steps N] [--seed N] [--l2 X] [--l1 X] [--clip X]
                       [--momentum X] [--nesterov] [--beta1 X] [--beta2 X] [--alpha X]
                       [--eps X] [--weight-decay X]
                       [--load MODEL [--fresh-state]] [--save MODEL] [--json]
  neural-journey race  --spec FILE --data NAME|FILE.csv [--target COLUMN]
                       --optimizers sgd,adam,… (1 to 4) [--lr X or X,Y,… (one per optimizer)]
                       [--steps N] [--seed N] [--batch N] [the optimizer settings above] [--json]
  neural-journey eval  --load MODEL --data NAME|FILE.csv [--target COLUMN] [--seed N] [--json]
  neural-journey sample --load MODEL [--prompt TEXT] [--length N] [--temperature X]
                       [--top-k N] [--count N] [--seed N] [--json]
  neural-journey serve [--port N] [--db FILE] [--host H]

Data names: ${DATASET_NAMES.join(', ')}; sequences: ${SEQUENCE_NAMES.join(', ')};
  or a CSV file with a header row.
Optimizer settings: --momentum and --nesterov (momentum), --beta1 and --beta2 (adam, adamw),
  --alpha (rmsprop), --eps (rmsprop, adam, adamw), --weight-decay (adamw).
--load continues a saved model, with its optimizer state when the file has one;
  --fresh-state starts the optimizer afresh from the saved weights.
race trains one network with each optimizer from the same starting weights on the same
  batches and reports each lane's curve (every 25 steps) and its start and final weightsHash;
  a lane that diverges stops and is reported in the results (exit code 0).
sample writes text with a model trained on symbols (names, text): each next symbol is drawn
  from its predictions, --temperature (default 1; 0 always the likeliest) and --top-k (default
  0: any symbol) shape the draw; --count samples, each from seed, seed+1, …
serve runs the classroom server (default port 8080, database classroom.db, host 127.0.0.1;
  --host 0.0.0.0 lets the class's computers reach it): the built game (npm run build) and
  the teacher's dashboard at /teacher.html.
Exit codes: 0 done, 1 an unexpected failure (a bug), 2 bad arguments or files,
  3 the training diverged (NaN or Inf).`;

/** Every flag, for `util.parseArgs`: values are strings (numbers are checked later). */
export const FLAGS = {
  spec: { type: 'string' },
  data: { type: 'string' },
  target: { type: 'string' },
  optimizer: { type: 'string' },
  optimizers: { type: 'string' },
  lr: { type: 'string' },
  batch: { type: 'string' },
  steps: { type: 'string' },
  seed: { type: 'string' },
  l2: { type: 'string' },
  l1: { type: 'string' },
  clip: { type: 'string' },
  momentum: { type: 'string' },
  nesterov: { type: 'boolean' },
  beta1: { type: 'string' },
  beta2: { type: 'string' },
  alpha: { type: 'string' },
  eps: { type: 'string' },
  'weight-decay': { type: 'string' },
  load: { type: 'string' },
  'fresh-state': { type: 'boolean' },
  save: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
  port: { type: 'string' },
  db: { type: 'string' },
  host: { type: 'string' },
  prompt: { type: 'string' },
  length: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  count: { type: 'string' },
} as const satisfies Record<string, { type: 'string' | 'boolean' }>;
export type FlagName = keyof typeof FLAGS;

const FLAG_LIST = Object.keys(FLAGS)
  .map((f) => `--${f}`)
  .join(', ');

function isFlag(name: string): name is FlagName {
  return Object.hasOwn(FLAGS, name);
}

/** The numeric training options and their flags; `integer` ones must be whole numbers. */
export const OPTION_FLAGS: ReadonlyArray<{
  flag: FlagName;
  key: keyof TrainOptions;
  integer: boolean;
}> = [
  { flag: 'lr', key: 'lr', integer: false },
  { flag: 'batch', key: 'batch', integer: true },
  { flag: 'l2', key: 'l2', integer: false },
  { flag: 'l1', key: 'l1', integer: false },
  { flag: 'clip', key: 'clip', integer: false },
  { flag: 'momentum', key: 'momentum', integer: false },
  { flag: 'beta1', key: 'beta1', integer: false },
  { flag: 'beta2', key: 'beta2', integer: false },
  { flag: 'alpha', key: 'alpha', integer: false },
  { flag: 'eps', key: 'eps', integer: false },
  { flag: 'weight-decay', key: 'weightDecay', integer: false },
];

/** Flags that shape training, so they do not apply to eval. */
export const TRAIN_ONLY: readonly FlagName[] = [
  'spec',
  'steps',
  'save',
  'optimizer',
  'nesterov',
  'fresh-state',
  ...OPTION_FLAGS.map((o) => o.flag),
];

/** The flags of `race` only. */
export const RACE_ONLY: readonly FlagName[] = ['optimizers'];

/** The flags `race` refuses: it trains from the start and saves nothing. */
export const NOT_RACE: readonly FlagName[] = ['optimizer', 'load', 'fresh-state', 'save'];

/**
 * Reads a comma-separated flag (`--optimizers sgd,adam`), each item trimmed and non-empty;
 * undefined when the flag is absent.
 */
export function listFlag(flags: Map<string, string>, name: FlagName): string[] | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new UsageError(
      `--${name} must be a comma-separated list without empty items, got "${clip(text)}"`,
    );
  }
  return items;
}

/** The flags of `sample`, which apply to no other command. */
export const SAMPLE_FLAGS: readonly FlagName[] = [
  'prompt',
  'length',
  'temperature',
  'top-k',
  'count',
];

/** The flags of `serve`, which apply to no other command. */
export const SERVE_FLAGS: readonly FlagName[] = ['port', 'db', 'host'];

/** Rewrites `options.weightDecay` in an engine message as the flag the user types. */
export function flagNames(message: string): string {
  return message.replace(/options\.(\w+)/g, (whole, key: string) => {
    if (key === 'nesterov') return '--nesterov';
    if (key === 'optimizer') return '--optimizer';
    const known = OPTION_FLAGS.find((o) => o.key === key);
    return known ? `--${known.flag}` : whole;
  });
}

/**
 * Parses the arguments with Node's `util.parseArgs` in strict mode: a command, then `--name
 * value`, `--name=value` or `--switch`. Unknown flags, a switch given a value (`--json=false`),
 * a missing or empty value and a flag given twice are usage errors naming the flag. A negative
 * number may follow its flag (`--seed -1` reads as `--seed=-1`), so range checks can say what
 * is allowed instead of "missing value".
 */
export function parseArgs(argv: readonly string[]): {
  command: string;
  flags: Map<string, string>;
} {
  const args = joinNegativeNumbers(argv);
  let tokens;
  try {
    tokens = nodeParseArgs({
      args,
      options: FLAGS,
      strict: true,
      allowPositionals: true,
      tokens: true,
    }).tokens;
  } catch (error) {
    throw new UsageError(explainParseError(args, error as Error));
  }
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
    } else if (token.kind === 'option') {
      const name = token.name;
      if (flags.has(name)) throw new UsageError(`--${name} is given twice; give each flag once`);
      if (FLAGS[name as FlagName].type === 'string') {
        const value = token.value ?? '';
        if (value.trim() === '') throw new UsageError(`--${name} needs a value, got an empty one`);
        flags.set(name, value);
      } else {
        flags.set(name, 'true');
      }
    }
  }
  const [command, ...extra] = positionals;
  if (extra.length) {
    throw new UsageError(
      `unexpected argument "${clip(extra[0]!)}" after the command "${clip(command!)}" (flags start with --)`,
    );
  }
  if (command === undefined) {
    if (flags.size === 0 || flags.has('help')) return { command: 'help', flags };
    throw new UsageError('the command comes first: train, eval, race, sample or serve');
  }
  return { command, flags };
}

/** `--flag -5` → `--flag=-5` for value flags, so a negative number is read as the value. */
function joinNegativeNumbers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    const next = argv[i + 1];
    if (isFlag(name) && FLAGS[name].type === 'string' && next && /^-\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Finds which argument `util.parseArgs` refused and says why, naming the flag. */
function explainParseError(args: readonly string[], error: Error): string {
  const { tokens } = nodeParseArgs({
    args: [...args],
    options: FLAGS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (!t.rawName.startsWith('--')) {
      return `unexpected argument "${clip(args[t.index]!)}" (flags start with --, as in --help)`;
    }
    if (!isFlag(t.name)) return `unknown option --${clip(t.name)} (known: ${FLAG_LIST})`;
    if (FLAGS[t.name].type === 'boolean' && t.value !== undefined) {
      return `--${t.name} is a switch and takes no value, got "${clip(`--${t.name}=${t.value}`)}" (leave the flag out to turn it off)`;
    }
    if (FLAGS[t.name].type === 'string' && (t.value === undefined || t.value.startsWith('-'))) {
      const dash =
        t.value !== undefined && !t.value.startsWith('--')
          ? ` (to give one that starts with a dash, write --${t.name}=${clip(t.value)})`
          : '';
      return `--${t.name} needs a value${dash}`;
    }
  }
  return clip(error.message.split('\n')[0]!, 200);
}

/** Reads a numeric flag, checking it is a finite decimal number (an integer when asked). */
export function numberFlag(
  flags: Map<string, string>,
  name: FlagName,
  integer: boolean,
): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    const hint = /^[+-]?0[xbo]/i.test(text) ? ' (write it in decimal)' : '';
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer' : 'a number'}, got "${clip(text)}"${hint}`,
    );
  }
  return value;
}

/** Checks `--seed`; the default comes from the model file when there is one. */
export function seedFlag(flags: Map<string, string>, fallback: number): number {
  const seed = numberFlag(flags, 'seed', true) ?? fallback;
  if (seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
  return seed;
}
