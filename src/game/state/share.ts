/**
 * Share links: the URL hash holds the level (or sandbox data set), the network, the training
 * options and the seed, every one by name so a person can read and edit it, as in TensorFlow
 * Playground:
 *
 *   #level=c2-xor&layers=dense:4:tanh,dense:1&optimizer=adam&lr=0.03&batch=32&l2=0&seed=7
 *
 * A sandbox link also carries Playground's data and view settings (`points`, `noise`, `train`,
 * `dataseed`, `testdata`, `discretize`) and the feature inputs (`features=x1x1,x2x2`).
 *
 * Decoding is strict: every value goes through `parseSpec` / `parseOptions` (so the caps and
 * ranges are the engine's own) and any problem refuses the whole draft with a notice in player
 * words, never a half-applied one. The format is documented in `docs/sharing.md`.
 */
import type { Draft } from '../scenes/keys.js';
import { LIMITS } from '../../engine/limits.js';
import { encodeLayer, readLayers } from './share-layers.js';
import { Issues, SpecError, checkInt, parseSpec, type ModelSpec } from '../../engine/spec.js';
import { DEFAULT_OPTIONS, parseOptions, type TrainOptions } from '../../engine/options.js';
import { HIDDEN_OPTIONS } from '../../levels/rules.js';
import type { DataSettings } from '../../levels/types.js';
import { SEED_MAX, formatNumber, quote, readNumber } from './link-values.js';
import {
  decodeBranches,
  decodeLanes,
  encodeBranches,
  encodeLanes,
  type Branch,
  type Lane,
} from './lanes.js';
import {
  SANDBOX_KEYS,
  encodeSandbox,
  readSandbox,
  type DataOptions,
  type ViewFlags,
} from './share-sandbox.js';

export { DEFAULT_VIEW, type DataOptions, type ViewFlags } from './share-sandbox.js';
import { noTeacherFlags, parseTeacher, type TeacherFlags } from './teacher.js';

/**
 * What a share link carries. Exactly one of `levelId` (a level), `data` (a sandbox data set),
 * `csv` (the sandbox with the player's own file, named but not carried: a link cannot hold the
 * file, so the game asks for it again) and `text` (the same for a text file learned one
 * character at a time) is set.
 */
export interface SharedState {
  levelId: string | null;
  data: string | null;
  csv?: string | null;
  /** A player's text file, by name only, like `csv`. */
  text?: string | null;
  draft: Draft;
  /** With `data`: how the sandbox generates it (each left out takes the data set's default). */
  dataOptions?: DataOptions;
  /** With `data` or `csv`: how the training view draws the data and the answer. */
  view?: ViewFlags;
  /** An optimizer race of the draft's network: its lanes (the link then opens the lab). */
  lanes?: Lane[];
  /** The race's branches, replayed at their steps. */
  branches?: Branch[];
}

/** Level ids and data-set names in links: short, lowercase, URL-safe. Validity is the caller's. */
export const NAME_PATTERN = /^[a-z0-9-]{1,40}$/;

/** A CSV or text file's name in a link: any characters, this long at most. */
export const MAX_CSV_NAME = 80;

/** Longer hashes are refused unread: a 64-layer network with every option fits in far less. */
export const MAX_HASH_LENGTH = 8000;

/** Options always written, in this order, so every link shows the settings players change. */
const MAIN_OPTIONS = ['optimizer', 'lr', 'batch', 'l2'] as const;
/**
 * Options written only when they differ from `DEFAULT_OPTIONS`, keeping links short: L1 (only
 * the sandbox has it) and the ones no workbench shows (a link with them is read, then the
 * workbench's rules set them back).
 */
const EXTRA_OPTIONS = ['l1', 'clip', ...HIDDEN_OPTIONS] as const;
const OPTION_KEYS: readonly string[] = [...MAIN_OPTIONS, ...EXTRA_OPTIONS];
const STATE_KEYS: readonly string[] = [
  'level',
  'data',
  'csv',
  'text',
  'layers',
  'inputs',
  'loss',
  'features',
  ...OPTION_KEYS,
  'seed',
  ...SANDBOX_KEYS,
  'lanes',
  'branches',
];
const TEACHER_KEYS: readonly string[] = ['hide', 'lock'];
const KNOWN_KEYS: readonly string[] = [...STATE_KEYS, ...TEACHER_KEYS];

/** How option fields are named in notices, with their article. */
const OPTION_LABELS: Record<keyof TrainOptions, string> = {
  optimizer: 'an optimizer',
  lr: 'a learning rate',
  batch: 'a batch size',
  l2: 'an L2 penalty',
  l1: 'an L1 penalty',
  clip: 'a gradient clip',
  momentum: 'a momentum',
  nesterov: 'a Nesterov setting',
  beta1: 'a beta1',
  beta2: 'a beta2',
  alpha: 'an RMSProp alpha',
  eps: 'an epsilon',
  weightDecay: 'a weight decay',
};

/**
 * The hash for a state, without the leading '#'. Values are plain names and numbers, which are
 * safe in a URL fragment unescaped, so the link stays readable. Append `encodeTeacher(flags)`
 * with '&' for a teacher link. Never throws; an invalid state gives a link `decodeHash` refuses.
 */
export function encodeShare(state: SharedState): string {
  const { spec, options, seed } = state.draft;
  const parts: string[] = [];
  if (state.levelId !== null) parts.push(`level=${encodeURIComponent(state.levelId)}`);
  if (state.data !== null) parts.push(`data=${encodeURIComponent(state.data)}`);
  if (state.csv) parts.push(`csv=${encodeURIComponent(state.csv)}`);
  if (state.text) parts.push(`text=${encodeURIComponent(state.text)}`);
  parts.push(`layers=${spec.layers.map(encodeLayer).join(',')}`);
  if (spec.inputs !== undefined) parts.push(`inputs=${formatNumber(spec.inputs)}`);
  if (spec.loss !== undefined) parts.push(`loss=${spec.loss}`);
  if (spec.features !== undefined) parts.push(`features=${spec.features.join(',')}`);
  const value = (v: unknown): string =>
    typeof v === 'number' ? formatNumber(v) : encodeURIComponent(String(v));
  for (const key of MAIN_OPTIONS) parts.push(`${key}=${value(options[key])}`);
  for (const key of EXTRA_OPTIONS) {
    if (!Object.is(options[key], DEFAULT_OPTIONS[key])) parts.push(`${key}=${value(options[key])}`);
  }
  parts.push(`seed=${formatNumber(seed)}`);
  const data =
    state.data !== null ? state.dataOptions : state.levelId !== null ? state.draft.data : undefined;
  parts.push(...encodeSandbox(data, state.view));
  if (state.lanes?.length) parts.push(`lanes=${encodeLanes(state.lanes)}`);
  if (state.lanes?.length && state.branches?.length)
    parts.push(`branches=${encodeBranches(state.branches)}`);
  return parts.join('&');
}

/** Where a link points, kept even when its draft is refused (see `DecodedHash.target`). */
export interface ShareTarget {
  levelId: string | null;
  data: string | null;
  csv?: string;
  text?: string;
}

export interface DecodedHash {
  /** The shared draft, or null when the hash has none or it was refused. */
  state: SharedState | null;
  teacher: TeacherFlags;
  /** What was wrong, in player words, ending with what happens instead; null when all is well. */
  notice: string | null;
  /**
   * The level or data set the link names, when that name is well formed, even if the draft was
   * refused: so the caller can keep the promise of the notice ("starting from the level's
   * default network") by opening that level. Null when the link names neither.
   */
  target: ShareTarget | null;
}

/** How an engine path is named in a notice: what it is, and where in the network. */
function label(path: string): { what: string; where: string } | null {
  const option = /^options\.(\w+)$/.exec(path);
  if (option) {
    const name = option[1] as keyof TrainOptions;
    return name in OPTION_LABELS ? { what: OPTION_LABELS[name], where: '' } : null;
  }
  const layer = /^layers\[(\d+)\]\.(\w+)$/.exec(path);
  if (layer) {
    const what =
      layer[2] === 'units' ? 'a unit count' : layer[2] === 'rate' ? 'a dropout rate' : null;
    return what ? { what, where: ` in layer ${Number(layer[1]) + 1}` } : null;
  }
  if (path === 'inputs') return { what: 'an input count', where: '' };
  if (path === 'loss') return { what: 'a loss', where: '' };
  if (/^features(\[\d+\])?$/.test(path)) return { what: 'a feature input list', where: '' };
  if (path === 'seed') return { what: 'a seed', where: '' };
  return null;
}

/**
 * Rewords an engine finding (`options.lr must be a number from 1e-7 to 10, got NaN`) for a
 * player ("The shared link has a learning rate of NaN; it must be a number from 1e-7 to 10."),
 * keeping the engine's range text so the caps never drift apart.
 */
function reword(issue: string): string {
  const space = issue.indexOf(' ');
  const path = issue.slice(0, space);
  const rest = issue.slice(space + 1);
  const cut = rest.lastIndexOf(', got ');
  const name = label(path);
  if (name && cut >= 0 && rest.startsWith('must ')) {
    return `The shared link has ${name.what} of ${rest.slice(cut + 6)}${name.where}; it ${rest.slice(0, cut)}.`;
  }
  if (path === 'layers') return `The shared link's network ${rest}.`;
  return `The shared link has a problem: ${issue}.`;
}

/** Runs an engine check; its findings, reworded, go to `problems` and the result is null. */
function engineCheck<T>(fn: () => T, problems: string[]): T | null {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    problems.push(...error.issues.map(reword));
    return null;
  }
}

/**
 * Fewest parameters the network can have whatever its data (one input unless it says more).
 * The engine counts the exact number once the data is known; this catches an absurd link
 * (64 layers of 4096 units) before anything else looks at it.
 */
function minParams(spec: ModelSpec): number {
  let width = spec.inputs ?? 1;
  let total = 0;
  for (const layer of spec.layers) {
    if (layer.type === 'dense') {
      total += width * layer.units + layer.units;
      width = layer.units;
    }
  }
  return total;
}

/**
 * Reads a hash (with or without '#'). An empty hash, or one with only teacher flags, gives
 * `state: null` and no notice. A hash that shares a draft must name a level or a data set and
 * a network; options it leaves out take `DEFAULT_OPTIONS` and a missing seed is 1 (the command
 * line's default), so a hand-written link may be short. Any problem — unknown key, repeated
 * key, bad number, unknown layer, activation or optimizer, values beyond the engine's caps —
 * refuses the draft (`state: null`) with a notice naming every problem. Teacher flags apply
 * either way; an unknown control name in them only adds to the notice.
 */
export function decodeHash(hash: string): DecodedHash {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const result: DecodedHash = {
    state: null,
    teacher: noTeacherFlags(),
    notice: null,
    target: null,
  };
  if (text === '') return result;
  if (text.length > MAX_HASH_LENGTH) {
    result.notice =
      `The shared link is too long (${text.length} characters; at most ${MAX_HASH_LENGTH}), ` +
      'so it was ignored. Starting from the default network instead.';
    return result;
  }

  const problems: string[] = [];
  const values = new Map<string, string>();
  const teacherPairs: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    try {
      // decodeURIComponent, not URLSearchParams: a '+' in `1e+5` must stay a plus.
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      problems.push(`The shared link is damaged near ${quote(part)} (a broken %-escape).`);
      continue;
    }
    if (TEACHER_KEYS.includes(key)) {
      teacherPairs.push([key, value]);
    } else if (!KNOWN_KEYS.includes(key)) {
      problems.push(
        `The shared link has an unknown setting ${quote(key)} (known: ${KNOWN_KEYS.join(', ')}).`,
      );
    } else if (values.has(key)) {
      problems.push(`The shared link sets ${quote(key)} more than once.`);
    } else {
      values.set(key, value);
    }
  }

  const teacher = parseTeacher(new URLSearchParams(teacherPairs));
  result.teacher = teacher.flags;
  const finish = (fallback: string | null): DecodedHash => {
    const all = [
      ...problems,
      ...(problems.length && fallback ? [fallback] : []),
      ...teacher.errors,
    ];
    result.notice = all.length ? all.join(' ') : null;
    return result;
  };
  // Only teacher flags, or only unknown keys: there is no draft to refuse, so say no more.
  if (values.size === 0) return finish('Starting from the default network instead.');

  const level = values.get('level');
  const data = values.get('data');
  const csv = values.get('csv');
  const textFile = values.get('text');
  const fileOk = (name: string | undefined): name is string =>
    name !== undefined && name !== '' && name.length <= MAX_CSV_NAME;
  // A link that names only where to go (`#level=c2-xor`) is a plain address: no draft, no notice.
  if (
    values.size === 1 &&
    (level !== undefined || data !== undefined || csv !== undefined || textFile !== undefined)
  ) {
    if (level !== undefined && NAME_PATTERN.test(level))
      result.target = { levelId: level, data: null };
    else if (data !== undefined && NAME_PATTERN.test(data)) result.target = { levelId: null, data };
    else if (fileOk(csv)) result.target = { levelId: null, data: null, csv };
    else if (fileOk(textFile)) result.target = { levelId: null, data: null, text: textFile };
    if (result.target) return finish(null);
  }
  let fallback = 'Starting from the default network instead.';
  for (const [name, value] of [
    ['level', level],
    ['data set', data],
  ] as const) {
    if (value !== undefined && !NAME_PATTERN.test(value)) {
      problems.push(
        `The shared link names ${name === 'level' ? 'a level' : 'a data set'} ${quote(value)}, which is not a ${name} name ` +
          '(lowercase letters, digits and dashes, at most 40).',
      );
    }
  }
  for (const [what, value] of [
    ['a CSV file', csv],
    ['a text file', textFile],
  ] as const) {
    if (value !== undefined && !fileOk(value)) {
      problems.push(
        `The shared link names ${what} ${quote(value)}; a file name must have 1 to ${MAX_CSV_NAME} characters.`,
      );
    }
  }
  const levelOk = level !== undefined && NAME_PATTERN.test(level);
  const dataOk = data !== undefined && NAME_PATTERN.test(data);
  const csvOk = fileOk(csv);
  const textOk = fileOk(textFile);
  const named = [level, data, csv, textFile].filter((v) => v !== undefined).length;
  if (named > 1) {
    problems.push(
      textFile === undefined
        ? 'The shared link names more than one of a level, a data set and a CSV file; it may name only one.'
        : 'The shared link names more than one of a level, a data set, a CSV file and a text file; it may name only one.',
    );
  } else if (csvOk) {
    result.target = { levelId: null, data: null, csv };
    fallback = 'Opening the sandbox with its own starting network instead.';
  } else if (textOk) {
    result.target = { levelId: null, data: null, text: textFile };
    fallback = 'Opening the sandbox with its own starting network instead.';
  } else if (levelOk) {
    result.target = { levelId: level, data: null };
    fallback = 'Opening that level with its own starting network instead.';
  } else if (dataOk) {
    result.target = { levelId: null, data };
    fallback = 'Opening the sandbox with its own starting network instead.';
  } else if (named === 0) {
    problems.push(
      'The shared link names no level (level=…), data set (data=…) or CSV file (csv=…).',
    );
  }

  let spec: ModelSpec | null = null;
  const layersText = values.get('layers');
  if (layersText === undefined || layersText === '') {
    problems.push('The shared link has no network (layers=…).');
  } else {
    const layers = readLayers(layersText, problems);
    if (layers) {
      const raw: Record<string, unknown> = { layers };
      const inputs = values.get('inputs');
      const loss = values.get('loss');
      const features = values.get('features');
      if (inputs !== undefined) raw['inputs'] = readNumber(inputs);
      if (loss !== undefined) raw['loss'] = loss;
      if (features !== undefined) raw['features'] = features === '' ? [] : features.split(',');
      spec = engineCheck(() => parseSpec(raw), problems);
    }
  }
  if (spec && minParams(spec) > LIMITS.maxParams) {
    problems.push(
      `The shared link's network holds at least ${minParams(spec)} parameters; the limit is ${LIMITS.maxParams}.`,
    );
  }

  const rawOptions: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) {
    const value = values.get(key);
    if (value === undefined) continue;
    if (key === 'optimizer') rawOptions[key] = value;
    else if (key === 'nesterov')
      rawOptions[key] = value === 'true' ? true : value === 'false' ? false : value;
    else rawOptions[key] = readNumber(value);
  }
  const options = engineCheck(() => parseOptions(rawOptions, 'options'), problems);

  const seedText = values.get('seed');
  const seed = seedText === undefined ? 1 : readNumber(seedText);
  const seedIssues = new Issues();
  checkInt(seedIssues, 'seed', seed, 0, SEED_MAX);
  problems.push(...seedIssues.list.map(reword));

  const { dataOptions, view } = readSandbox(
    values,
    levelOk ? 'level' : dataOk ? 'data' : null,
    problems,
  );
  // A level link's data settings (readSandbox refused a data seed on it) go with its draft.
  const levelData: DataSettings = {};
  if (dataOptions.n !== undefined) levelData.n = dataOptions.n;
  if (dataOptions.noise !== undefined) levelData.noise = dataOptions.noise;
  if (dataOptions.train !== undefined) levelData.train = dataOptions.train;

  const lanesText = values.get('lanes');
  const lanes = lanesText === undefined ? null : decodeLanes(lanesText);
  if (lanes && 'error' in lanes) problems.push(lanes.error);
  const branchesText = values.get('branches');
  const branches =
    branchesText === undefined || !lanes || 'error' in lanes
      ? null
      : decodeBranches(branchesText, lanes.length);
  if (branches && 'error' in branches) problems.push(branches.error);
  if (branchesText !== undefined && !lanes)
    problems.push('The shared link has branches but no lanes (lanes=…).');

  if (problems.length || !spec || !options) return finish(fallback);
  result.state = {
    levelId: levelOk ? level : null,
    data: dataOk ? data : null,
    ...(csvOk ? { csv } : {}),
    ...(textOk ? { text: textFile } : {}),
    draft: {
      spec,
      options,
      seed: seed as number,
      ...(levelOk && Object.keys(levelData).length ? { data: levelData } : {}),
    },
    ...(dataOk && Object.keys(dataOptions).length ? { dataOptions } : {}),
    ...(view.showTest || view.discretize ? { view } : {}),
    ...(lanes && !('error' in lanes) ? { lanes } : {}),
    ...(branches && !('error' in branches) && branches.length ? { branches } : {}),
  };
  return finish(null);
}
