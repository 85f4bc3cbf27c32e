/**
 * What a workbench allows, for a level or for the sandbox, and the one function that makes any
 * incoming setup (a share link, a teacher link, a kept solution, a save from an older version)
 * obey it: `conformSetup`. The workbench shows the conformed setup and the Training scene trains
 * exactly it, so what the player sees is what trains and no link can lift a level's lock or
 * range. Pure: no Phaser, no DOM.
 */
import { namedDataShape } from '../data/index.js';
import { DEFAULT_OPTIONS, OPTIMIZERS, type TrainOptions } from '../engine/options.js';
import { LAYERS } from '../engine/ops/index.js';
import type { ExtraBlock } from './blocks.js';
import {
  buildNetwork,
  defaultLoss,
  type Network,
  type Activation,
  type DenseLayer,
  type Loss,
  type ModelSpec,
  type SequenceShape,
  type TaskShape,
} from '../engine/spec.js';
import { optimizerName } from './teaches.js';
import { GENERATOR_DEFAULTS, isGeneratorName } from '../data/index.js';
import type { DataControls, DataSettings, Level, RangeSetting, Setup } from './types.js';

/** Unit counts the workbench's −/+ buttons step through (capped by `maxUnits`). */
export const UNIT_STEPS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256] as const;
/** The dropout block's range and step in the workbench: 0 to 90% in 5% steps. */
export const DROPOUT_MAX = 0.9;
export const DROPOUT_STEP = 0.05;
/** A new dropout block's rate. */
export const DROPOUT_DEFAULT = 0.2;
/** The seed slider's range: small numbers a player can type, say and share. */
export const SEED_RANGE = { min: 0, max: 999 } as const;

/** The blocks a workbench offers. `losses` lists the losses the player may choose from. */
export interface Blocks extends Partial<Record<ExtraBlock, boolean>> {
  dense: boolean;
  dropout: boolean;
  activations: Activation[];
  maxLayers: number;
  maxUnits: number;
  losses: Loss[];
  /** Whether the player may pick feature inputs (x₁², sin x₁, …): the sandbox on 2-D data only. */
  features: boolean;
  /** Layer types that stay exactly as the start network has them: blocks go around them. */
  keep?: ExtraBlock[];
  /** A budget of parameters (weights and biases) the whole network must stay within. */
  maxParams?: number;
  /** A budget of multiply-adds per example for one forward pass of the whole network. */
  maxMacs?: number;
}

/** Everything a workbench lets the player set, and what it starts from. */
export interface WorkbenchRules {
  blocks: Blocks;
  /** A level's settings; `l1` only where there is an L1 control (the sandbox). */
  settings: Level['settings'] & { l1?: RangeSetting };
  /** The network the workbench starts from (and keeps when dense layers are fixed). */
  start: ModelSpec;
  stepBudget: number;
  /** The data controls open here (a level's `dataControls`; none in the sandbox, whose data
   * page sets the data itself). */
  data: DataControls;
  /** The data's shape, which the parameter and multiply-add budgets are counted against. */
  shape: TaskShape | null;
}

/** The workbench rules of a level (the losses it offers depend on its data's task). */
export function rulesOf(level: Level): WorkbenchRules {
  const shape = namedDataShape(level.data.name, level.data);
  const task = shape?.task ?? 'regression';
  return {
    blocks: {
      ...level.blocks,
      losses: level.blocks.losses ?? [defaultLoss(task)],
      // Hand-made features would solve the chapter 2 puzzles without a hidden layer.
      features: false,
    },
    settings: level.settings,
    start: level.start,
    stepBudget: level.stepBudget,
    data: level.dataControls ?? {},
    shape,
  };
}

/** The data settings as a player reads them, for the notices of `conformSetup`. */
export const DATA_WORDS: Record<keyof DataSettings, string> = {
  n: 'number of points',
  noise: 'noise',
  train: 'share of points used for training',
};

/** A level's own value of each data setting (from its `data`): where a data control starts. */
export function levelDataValue(d: Level['data'], key: keyof DataSettings): number {
  const defaults = isGeneratorName(d.name) ? GENERATOR_DEFAULTS[d.name] : null;
  if (key === 'train') return d.train ?? DEFAULT_TRAIN_SHARE;
  return d[key] ?? defaults?.[key] ?? NaN;
}

/** The share of points a level trains on when its data says nothing (70/15/15). */
export const DEFAULT_TRAIN_SHARE = 0.7;

/** Most steps a sandbox run takes: there is no goal to stop it. */
export const SANDBOX_STEPS = 5000;

/** TensorFlow Playground's regularisation rates: the stops of the sandbox's L1 and L2 sliders. */
export const PENALTY_STOPS = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;

/** The gradient clip's stops on the workbench: off, then a few lengths a player can compare. */
export const CLIP_STOPS = [0, 0.25, 0.5, 1, 2, 5] as const;

/**
 * The values the gradient-clip slider offers for a level's `settings.clip`: the stops within its
 * range, the range's own ends and the value shown now (so a link's clip stays as it is).
 */
export function clipStops(range: RangeSetting, value: number): number[] {
  const within = CLIP_STOPS.filter((v) => v >= range.min && v <= range.max);
  return [...new Set([...within, range.min, range.max, range.value, value])]
    .filter((v) => v >= range.min && v <= range.max)
    .sort((a, b) => a - b);
}

/** A gradient clip as the player reads it: "off" for 0, else the largest gradient length. */
export function clipWords(value: number): string {
  return value > 0 ? String(value) : 'off';
}

/**
 * The sandbox: everything the engine trains, within sizes that stay smooth live, and every loss
 * that fits the data (squared error on a yes/no task is the chapter 1 straight line).
 */
export function sandboxRules(shape: TaskShape | null): WorkbenchRules {
  if (shape?.sequence) return sequenceRules(shape, shape.sequence);
  const task = shape?.task ?? 'regression';
  // Image data: the convolution blocks, and a small CNN to start from.
  const images = (shape?.inputShape?.length ?? 1) === 3;
  const outputs = shape?.outputs ?? 1;
  return {
    blocks: {
      dense: true,
      dropout: true,
      ...(images
        ? { conv2d: true, maxpool2d: true, avgpool2d: true, batchnorm: true, flatten: true }
        : {}),
      activations: ['relu', 'tanh', 'sigmoid', 'leaky_relu'],
      maxLayers: images ? 12 : 8,
      maxUnits: 64,
      losses: task === 'binary' ? ['bce', 'mse'] : [defaultLoss(task)],
      features: shape?.inputs === 2,
    },
    settings: {
      optimizer: { value: 'adam', locked: false, choices: [...OPTIMIZERS] },
      // Playground's learning rates, 0.00001 to 10 (the top ones diverge: the game says why).
      lr: { value: images ? 0.003 : 0.01, locked: false, min: 1e-5, max: 10 },
      batch: { value: 32, locked: false, min: images ? 2 : 1, max: 256 },
      l2: { value: 0, locked: false, min: 0, max: 10 },
      l1: { value: 0, locked: false, min: 0, max: 10 },
    },
    start: images
      ? {
          layers: [
            { type: 'conv2d', filters: 8, kernel: 3, padding: 1, activation: 'relu' },
            { type: 'maxpool2d', size: 2 },
            { type: 'flatten' },
            { type: 'dense', units: outputs },
          ],
        }
      : {
          layers: [
            { type: 'dense', units: 8, activation: 'tanh' },
            { type: 'dense', units: outputs },
          ],
        },
    stepBudget: SANDBOX_STEPS,
    data: {},
    shape,
  };
}

/** Hidden units of the sandbox's starting LSTM, and the most a dense layer may have there. */
export const SANDBOX_SEQUENCE_HIDDEN = 64;
export const SANDBOX_SEQUENCE_MAX_UNITS = 128;
/** Values per symbol of the starting embedding. */
export const SANDBOX_EMBEDDING_DIM = 16;

/**
 * The sandbox on sequence data (a player's text, the names, the generated sequence tasks): the
 * recurrent blocks and dense, dropout; for symbols (a vocabulary) also embedding and one-hot.
 * It starts from embedding(16) → LSTM(64, every step) → dense(one output per symbol) for text,
 * LSTM(64) → dense for numbers over time; the LSTM answers at every step when the data is
 * scored at every step (`perPosition`), else on its last step. Learning rate 0.01 (Adam).
 */
function sequenceRules(shape: TaskShape, seq: SequenceShape): WorkbenchRules {
  const tokens = seq.vocab !== undefined;
  const recurrent = {
    type: 'lstm',
    hidden: SANDBOX_SEQUENCE_HIDDEN,
    ...(seq.perPosition ? { sequences: true } : {}),
  } as const;
  return {
    blocks: {
      dense: true,
      dropout: true,
      ...(tokens ? { embedding: true, onehot: true } : {}),
      rnn: true,
      lstm: true,
      gru: true,
      activations: ['relu', 'tanh', 'sigmoid', 'leaky_relu'],
      maxLayers: 8,
      maxUnits: SANDBOX_SEQUENCE_MAX_UNITS,
      losses: shape.task === 'binary' ? ['bce', 'mse'] : [defaultLoss(shape.task)],
      features: false,
    },
    settings: {
      optimizer: { value: 'adam', locked: false, choices: [...OPTIMIZERS] },
      lr: { value: 0.01, locked: false, min: 1e-5, max: 10 },
      batch: { value: 32, locked: false, min: 1, max: 256 },
      l2: { value: 0, locked: false, min: 0, max: 10 },
      l1: { value: 0, locked: false, min: 0, max: 10 },
    },
    start: {
      layers: [
        ...(tokens ? [{ type: 'embedding', dim: SANDBOX_EMBEDDING_DIM } as const] : []),
        recurrent,
        { type: 'dense', units: shape.outputs },
      ],
    },
    stepBudget: SANDBOX_STEPS,
    data: {},
    shape,
  };
}

/** The setup a workbench starts from: its start network, its settings' values, seed 1. */
export function startSetup(rules: WorkbenchRules): Setup {
  const s = rules.settings;
  return {
    spec: structuredClone(rules.start),
    options: {
      ...DEFAULT_OPTIONS,
      optimizer: s.optimizer.value,
      lr: s.lr.value,
      batch: s.batch.value,
      l2: s.l2.value,
      l1: s.l1?.value ?? 0,
      clip: s.clip?.value ?? 0,
    },
    seed: 1,
  };
}

/**
 * The rules `spec` breaks, in plain words for the player ("This level allows at most 3 layers;
 * this network has 4."). Empty when the network is allowed. Shape errors (a wrong output width)
 * are the engine's: `buildNetwork` reports those.
 *
 * `maxLayers` counts every block (dense, dropout, activation), like the engine's limit, because
 * each is a block the player places. `identity` (no activation) is always allowed. When
 * `blocks.dense` is false the dense layers stay as in `start`: the same count, the same units and
 * the same hidden activations; only the output layer may add or drop its squash (a sigmoid or a
 * softmax, when offered). The player then tunes the settings, the output and the blocks around
 * the layers, not the network itself. A loss the spec names must be one the workbench offers.
 */
export function specViolations(
  blocks: Blocks,
  start: ModelSpec,
  spec: ModelSpec,
  shape: TaskShape | null = null,
): string[] {
  const out: string[] = [];
  const layers = spec.layers;
  if (layers.length > blocks.maxLayers) {
    out.push(
      `This level allows at most ${blocks.maxLayers} layer${blocks.maxLayers === 1 ? '' : 's'}; this network has ${layers.length}.`,
    );
  }
  const allowed = new Set<Activation>(['identity', ...blocks.activations]);
  const offered = blocks.activations.length ? blocks.activations.join(', ') : 'none';
  const refused = new Set<string>();
  layers.forEach((layer, i) => {
    if (layer.type === 'dense' && layer.units > blocks.maxUnits) {
      out.push(
        `Layer ${i + 1} has ${layer.units} units; this level allows at most ${blocks.maxUnits}.`,
      );
    } else if (layer.type !== 'dense') {
      // Any other layer whose field sets the output's width (a hidden size, an embedding's size).
      const def = LAYERS[layer.type];
      const width = def.widthField
        ? (layer as unknown as Record<string, unknown>)[def.widthField]
        : undefined;
      const field = def.widthField ? def.fields[def.widthField] : undefined;
      if (typeof width === 'number' && width > blocks.maxUnits) {
        out.push(
          `Layer ${i + 1} has a ${field?.label ?? def.widthField} of ${width}; this level allows at most ${blocks.maxUnits}.`,
        );
      }
    }
    // Every layer type but dense and activation is a block of its own the level must offer.
    const type = layer.type;
    if (type !== 'dense' && type !== 'activation' && blocks[type] !== true && !refused.has(type)) {
      refused.add(type);
      out.push(`This level has no ${LAYERS[type].label.toLowerCase()} block.`);
    }
    if (layer.type === 'dropout' && blocks.dropout && layer.rate > DROPOUT_MAX) {
      out.push(
        `Layer ${i + 1} drops ${Math.round(layer.rate * 100)}%; dropout may drop at most ${DROPOUT_MAX * 100}%.`,
      );
    }
    const fn = 'activation' in layer ? layer.activation : undefined;
    if (fn !== undefined && !allowed.has(fn) && !refused.has(fn)) {
      refused.add(fn);
      out.push(`This level does not offer the ${fn} activation (it offers: ${offered}).`);
    }
  });
  if (!blocks.dense && !sameDenseLayers(start, spec)) {
    out.push(`This level keeps the dense layers as they start (${describeDense(start)}).`);
  }
  for (const type of blocks.keep ?? []) {
    if (!sameKeptLayers(start, spec, type)) {
      const n = start.layers.filter((l) => l.type === type).length;
      out.push(
        `This level keeps its ${n} ${LAYERS[type].label.toLowerCase()} layer${n === 1 ? '' : 's'} as they start.`,
      );
    }
  }
  if (spec.features !== undefined && !blocks.features) {
    out.push(
      'This level has no feature inputs (x₁², sin x₁ and the like): the network reads the data as it is.',
    );
  }
  if (spec.loss !== undefined && !blocks.losses.includes(spec.loss)) {
    out.push(
      `This level does not offer the ${LOSS_WORDS[spec.loss]} loss (it offers: ${blocks.losses.map((l) => LOSS_WORDS[l]).join(', ')}).`,
    );
  }
  if (shape && (blocks.maxParams !== undefined || blocks.maxMacs !== undefined)) {
    out.push(...budgetViolations(blocks, spec, shape));
  }
  return out;
}

/** A count as the workbench writes it: 12,345. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * The budgets a network goes over: its parameters and its multiply-adds per example, counted
 * by the engine (`buildNetwork`). A network the engine cannot build breaks no budget here: its
 * shape error is the engine's to report.
 */
function budgetViolations(blocks: Blocks, spec: ModelSpec, shape: TaskShape): string[] {
  let network: Network;
  try {
    network = buildNetwork(spec, shape);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (blocks.maxParams !== undefined && network.totalParams > blocks.maxParams) {
    out.push(
      `This level allows at most ${formatCount(blocks.maxParams)} parameters; this network has ${formatCount(network.totalParams)}.`,
    );
  }
  if (blocks.maxMacs !== undefined && network.totalMacs > blocks.maxMacs) {
    out.push(
      `This level allows at most ${formatCount(blocks.maxMacs)} multiply-adds per image; this network needs ${formatCount(network.totalMacs)}.`,
    );
  }
  return out;
}

/** Same layers of a kept type as the start: the same count, in order, with the same fields. */
function sameKeptLayers(start: ModelSpec, spec: ModelSpec, type: string): boolean {
  const of = (m: ModelSpec): string[] =>
    m.layers.filter((l) => l.type === type).map((l) => JSON.stringify(l, Object.keys(l).sort()));
  const a = of(start);
  const b = of(spec);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function denseLayers(spec: ModelSpec): DenseLayer[] {
  return spec.layers.filter((l): l is DenseLayer => l.type === 'dense');
}

/**
 * Same dense layers: count, units and initialisation everywhere (a level that starts its line at
 * zero keeps it there, so no seed can hand out a lucky start), and activations on all but the last.
 */
function sameDenseLayers(start: ModelSpec, spec: ModelSpec): boolean {
  const a = denseLayers(start);
  const b = denseLayers(spec);
  const act = (l: DenseLayer): Activation => l.activation ?? 'identity';
  return (
    a.length === b.length &&
    a.every(
      (l, i) =>
        l.units === b[i]!.units &&
        l.init === b[i]!.init &&
        (i === a.length - 1 || act(l) === act(b[i]!)),
    )
  );
}

/** "one layer of 1 unit", "2 layers: 32 units with relu, then 3 units". */
function describeDense(start: ModelSpec): string {
  const layers = denseLayers(start);
  const one = (l: DenseLayer, last: boolean): string =>
    `${l.units} unit${l.units === 1 ? '' : 's'}` +
    (!last && l.activation && l.activation !== 'identity' ? ` with ${l.activation}` : '');
  const zero = layers.every((l) => l.init === 'zeros') ? ', starting from zero weights' : '';
  return layers.length === 1
    ? `one layer of ${one(layers[0]!, true)}${zero}`
    : `${layers.length} layers: ${layers.map((l, i) => one(l, i === layers.length - 1)).join(', then ')}${zero}`;
}

/** Losses as a player reads them. */
export const LOSS_WORDS: Record<Loss, string> = {
  mse: 'squared error',
  bce: 'cross-entropy',
  cce: 'categorical cross-entropy',
};

/** The rules a network breaks on this workbench (see `specViolations`). */
export function checkSpec(rules: WorkbenchRules, spec: ModelSpec): string[] {
  return specViolations(rules.blocks, rules.start, spec, rules.shape);
}

/**
 * A copy of `spec` in which dense layers that name no initialisation take the start network's,
 * where the level keeps its dense layers: a link or a save written before the level fixed its
 * start says nothing about it, and means the level's own. A different one named is left for
 * `checkSpec` to refuse.
 */
function withStartInits(rules: WorkbenchRules, spec: ModelSpec): ModelSpec {
  const copy = structuredClone(spec);
  if (rules.blocks.dense) return copy;
  const start = denseLayers(rules.start);
  const layers = denseLayers(copy);
  if (layers.length !== start.length) return copy;
  layers.forEach((l, i) => {
    const init = start[i]!.init;
    if (l.init === undefined && init !== undefined) l.init = init;
  });
  return copy;
}

/** Options the workbench has no control for: a setup must leave them at their defaults. */
export const HIDDEN_OPTIONS = [
  'momentum',
  'nesterov',
  'beta1',
  'beta2',
  'alpha',
  'eps',
  'weightDecay',
] as const satisfies readonly (keyof TrainOptions)[];

const OPTION_WORDS: Record<(typeof HIDDEN_OPTIONS)[number], string> = {
  momentum: 'momentum',
  nesterov: 'Nesterov setting',
  beta1: 'beta1',
  beta2: 'beta2',
  alpha: 'RMSProp alpha',
  eps: 'epsilon',
  weightDecay: 'weight decay',
};

/** What `conformSetup` returns: the setup to show and train, and what it had to change. */
export interface Conformed {
  setup: Setup;
  /**
   * One short line per value that was not used: what was asked, what is used instead and why,
   * e.g. "learning rate 0.5 → 0.003 (fixed here)".
   */
  changes: string[];
}

/**
 * Makes a setup obey the rules: a network that breaks them is replaced by the start network,
 * and every setting outside its range (or off its locked value), every option the workbench
 * cannot show and a seed outside the slider are replaced by the workbench's own values.
 */
export function conformSetup(rules: WorkbenchRules, setup: Setup): Conformed {
  const changes: string[] = [];
  const s = rules.settings;
  const out: Setup = {
    spec: withStartInits(rules, setup.spec),
    options: { ...setup.options },
    seed: setup.seed,
  };
  const problems = checkSpec(rules, out.spec);
  if (problems.length) {
    out.spec = structuredClone(rules.start);
    changes.push(`network → the starting one: ${problems.join(' ')}`);
  }
  const opt = s.optimizer;
  if (
    !opt.choices.includes(out.options.optimizer) ||
    (opt.locked && out.options.optimizer !== opt.value)
  ) {
    const allowed = opt.locked ? [opt.value] : opt.choices;
    changes.push(
      `optimizer ${optimizerName(out.options.optimizer)} → ${optimizerName(opt.value)} (here: ${allowed.map(optimizerName).join(' or ')})`,
    );
    out.options.optimizer = opt.value;
  }
  const off: RangeSetting = { value: 0, locked: true, min: 0, max: 0 };
  const ranges: [
    keyof Pick<TrainOptions, 'lr' | 'batch' | 'l2' | 'l1' | 'clip'>,
    string,
    RangeSetting,
  ][] = [
    ['lr', 'learning rate', s.lr],
    ['batch', 'batch size', s.batch],
    ['l2', 'L2 penalty', s.l2],
    // No L1 control (every level): L1 stays off; no clip control: clipping stays off.
    ['l1', 'L1 penalty', s.l1 ?? off],
    ['clip', 'gradient clip', s.clip ?? off],
  ];
  for (const [key, words, range] of ranges) {
    const v = out.options[key];
    const ok = range.locked ? v === range.value : v >= range.min && v <= range.max;
    if (!ok) {
      const why =
        range === off
          ? 'no control for it here'
          : range.locked || range.min === range.max
            ? 'fixed here'
            : `here from ${range.min} to ${range.max}`;
      changes.push(`${words} ${String(v)} → ${range.value} (${why})`);
      out.options[key] = range.value;
    }
  }
  for (const key of HIDDEN_OPTIONS) {
    if (!Object.is(out.options[key], DEFAULT_OPTIONS[key])) {
      changes.push(
        `${OPTION_WORDS[key]} ${String(out.options[key])} → ${String(DEFAULT_OPTIONS[key])} (no control for it here)`,
      );
      (out.options as unknown as Record<string, unknown>)[key] = DEFAULT_OPTIONS[key];
    }
  }
  if (setup.data) {
    const kept: DataSettings = {};
    for (const key of Object.keys(setup.data) as (keyof DataSettings)[]) {
      const v = setup.data[key];
      if (v === undefined) continue;
      const range = rules.data[key];
      const ok =
        range !== undefined &&
        (range.locked ? v === range.value : v >= range.min && v <= range.max) &&
        (key !== 'n' || Number.isInteger(v));
      if (ok) kept[key] = v;
      else {
        const why = !range
          ? 'no control for it here'
          : range.locked || range.min === range.max
            ? 'fixed here'
            : `here from ${range.min} to ${range.max}`;
        const own = range ? String(range.value) : "the level's own";
        changes.push(`${DATA_WORDS[key] ?? key} ${String(v)} → ${own} (${why})`);
      }
    }
    if (Object.keys(kept).length) out.data = kept;
  }
  if (!Number.isInteger(out.seed) || out.seed < SEED_RANGE.min || out.seed > SEED_RANGE.max) {
    changes.push(
      `seed ${String(out.seed)} → 1 (the seed goes from ${SEED_RANGE.min} to ${SEED_RANGE.max})`,
    );
    out.seed = 1;
  }
  return { setup: out, changes };
}
