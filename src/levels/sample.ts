/**
 * Random setups from everything a workbench allows, the way a curious player might build them:
 * the layer count, widths from the workbench's unit steps, every offered activation (or none),
 * dropout blocks wherever they fit, every offered loss and optimizer, each open setting over its
 * whole range (the ends included, as a player who drags a slider to its stop), seeds 1 to 5.
 * The level audit draws from here. Randomness comes from the kernel (`DataRandom`).
 */
import type { DataRandom } from '../data/random.js';
import type {
  Activation,
  DenseLayer,
  Init,
  LayerSpec,
  ModelSpec,
  TaskShape,
} from '../engine/spec.js';
import { buildNetwork, parseSpec } from '../engine/spec.js';
import { LAYERS, type LayerType } from '../engine/ops/index.js';
import { EXTRA_BLOCKS } from './blocks.js';
import { sampleGptSpec } from './sample-gpt.js';
import {
  DROPOUT_MAX,
  DROPOUT_STEP,
  UNIT_STEPS,
  checkSpec,
  startSetup,
  type WorkbenchRules,
} from './rules.js';
import type { DataSettings, RangeSetting, Setup } from './types.js';

/** The seeds a sampled setup uses: a player rarely goes further than the first few. */
export const SAMPLE_SEEDS = 5;

type Rand = Pick<DataRandom, 'uniform' | 'below'>;

function pick<T>(rand: Rand, list: readonly T[]): T {
  return list[rand.below(list.length)]!;
}

/**
 * A value of a numeric setting: its locked value, else one of its ends now and then (a slider
 * pushed to the stop), else log-uniform over the range when the range is positive (the
 * learning-rate and batch sliders are logarithmic) and uniform otherwise.
 */
function sampleRange(rand: Rand, s: RangeSetting, integer: boolean): number {
  if (s.locked || s.min === s.max) return s.value;
  const r = rand.uniform();
  let v: number;
  if (r < 0.15) v = s.min;
  else if (r < 0.25) v = s.max;
  else if (s.min > 0) v = s.min * (s.max / s.min) ** rand.uniform();
  else v = s.min + (s.max - s.min) * rand.uniform();
  return integer ? Math.min(s.max, Math.max(s.min, Math.round(v))) : v;
}

/** The activations a hidden layer may take: none, or any offered one but softmax. */
function hiddenActivations(rules: WorkbenchRules): (Activation | undefined)[] {
  return [
    undefined,
    ...rules.blocks.activations.filter((a) => a !== 'softmax' && a !== 'identity'),
  ];
}

/** The output layer's activation: none, or the squashing one the task allows, when offered. */
function outputActivations(
  rules: WorkbenchRules,
  task: TaskShape['task'],
): (Activation | undefined)[] {
  const squash = task === 'multiclass' ? 'softmax' : task === 'binary' ? 'sigmoid' : null;
  return squash && rules.blocks.activations.includes(squash) ? [undefined, squash] : [undefined];
}

function dense(units: number, activation: Activation | undefined): DenseLayer {
  return activation ? { type: 'dense', units, activation } : { type: 'dense', units };
}

/** The image blocks a curious player stacks before the flatten: every offered one but these. */
const NOT_STACKED = new Set<string>(['dropout', 'flatten', 'add', 'transformer', 'posenc']);
/** Most image blocks a sampled stack has (a player rarely builds more). */
const MAX_STACK = 6;

/** The narrowest hidden dense layer a sampled image network has: one unit squeezes ten classes
 * through a slit no player keeps. */
const HEAD_MIN = 2;

/** How often a sampled block keeps each field as the palette adds it, as a player often does. */
const KEEP_EXAMPLE = 0.6;

/**
 * One image block of `type` as a player sets it: the palette's example, with each integer
 * field either left as added or moved to one of the workbench's steps (widths capped by
 * `maxUnits`; a field the example leaves out stays at its default as often), and the
 * activation none or any offered hidden one. Other fields keep the example's value.
 */
function sampleBlock(rules: WorkbenchRules, type: LayerType, rand: Rand): LayerSpec {
  const def = LAYERS[type];
  const layer: Record<string, unknown> = { ...def.example };
  for (const [name, field] of Object.entries(def.fields)) {
    if (field.kind === 'int' && field.steps) {
      if (rand.uniform() < KEEP_EXAMPLE) continue;
      const cap = name === def.widthField ? rules.blocks.maxUnits : field.max;
      layer[name] = pick(
        rand,
        field.steps.filter((v) => v <= cap),
      );
    } else if (field.kind === 'choice' && name === 'activation') {
      const act = pick(rand, hiddenActivations(rules));
      if (act === undefined) delete layer[name];
      else layer[name] = act;
    }
  }
  return layer as unknown as LayerSpec;
}

/** None to `room` offered blocks, a convolution first more often than not. */
function sampleStack(
  rules: WorkbenchRules,
  kinds: readonly LayerType[],
  room: number,
  rand: Rand,
): LayerSpec[] {
  const stack: LayerSpec[] = [];
  const count = kinds.length ? rand.below(room + 1) : 0;
  for (let i = 0; i < count; i++) {
    const first = i === 0 && rules.blocks.conv2d === true && rand.uniform() < 0.7;
    stack.push(sampleBlock(rules, first ? 'conv2d' : pick(rand, kinds), rand));
  }
  return stack;
}

/** The start's kept layers in their order, with blocks of the other offered kinds after them. */
function sampleAroundKept(
  rules: WorkbenchRules,
  kinds: readonly LayerType[],
  rand: Rand,
): LayerSpec[] {
  const keep = new Set<string>(rules.blocks.keep);
  const free = kinds.filter((t) => !keep.has(t));
  // Half the players who add a block put the same one after every kept layer.
  const habit = free.length && rand.uniform() < 0.5 ? pick(rand, free) : null;
  const stack: LayerSpec[] = [];
  for (const layer of rules.start.layers) {
    if (!keep.has(layer.type)) continue;
    stack.push(structuredClone(layer));
    if (habit) stack.push(sampleBlock(rules, habit, rand));
    else {
      while (free.length && rand.uniform() < 0.35) {
        stack.push(sampleBlock(rules, pick(rand, free), rand));
      }
    }
  }
  return stack;
}

/**
 * A network for image data: a stack of the offered image blocks (none to `MAX_STACK`, a
 * convolution first more often than not), a flatten, the hidden dense layers (free when dense
 * layers are open, else the start's) and the output layer.
 */
function sampleImageSpec(rules: WorkbenchRules, shape: TaskShape, rand: Rand): ModelSpec {
  const b = rules.blocks;
  const kinds = EXTRA_BLOCKS.filter((t) => !NOT_STACKED.has(t) && b[t] === true);
  const units = UNIT_STEPS.filter((u) => u >= HEAD_MIN && u <= b.maxUnits);
  const startDense = rules.start.layers.filter((l): l is DenseLayer => l.type === 'dense');
  const heads = rand.uniform() < 0.5 ? 0 : rand.uniform() < 0.7 ? 1 : 2;
  const hidden: LayerSpec[] = b.dense
    ? Array.from({ length: units.length ? heads : 0 }, () =>
        dense(pick(rand, units), pick(rand, hiddenActivations(rules))),
      )
    : startDense.slice(0, -1).map((l) => structuredClone(l));
  const room = Math.max(0, Math.min(MAX_STACK, b.maxLayers - hidden.length - 2));
  const stack = b.keep?.length
    ? sampleAroundKept(rules, kinds, rand)
    : sampleStack(rules, kinds, room, rand);
  const init = b.dense ? undefined : startDense.at(-1)?.init;
  const output = dense(shape.outputs, pick(rand, outputActivations(rules, shape.task)));
  const layers: LayerSpec[] = [
    ...stack,
    { type: 'flatten' },
    ...hidden,
    init ? { ...output, init } : output,
  ];
  const spec: ModelSpec = { layers };
  if (b.losses.length > 1) spec.loss = pick(rand, b.losses);
  return spec;
}

/** Draws a player tries before settling for a network the rules refuse (the test then fails). */
const SPEC_DRAWS = 5000;

/**
 * A network within the rules, with the data's output width. Image data draws stacks of blocks,
 * and draws again until the stack fits the image, the level's caps and its budgets: a player
 * cannot train a network the workbench refuses.
 */
function sampleSpec(rules: WorkbenchRules, shape: TaskShape, rand: Rand): ModelSpec {
  const draw = shape.sequence
    ? sampleSequenceSpec
    : (shape.inputShape?.length ?? 1) === 3
      ? sampleImageSpec
      : null;
  if (!draw) return sampleTableSpec(rules, shape, rand);
  let spec = draw(rules, shape, rand);
  for (let i = 1; i < SPEC_DRAWS && !fits(rules, shape, spec); i++) spec = draw(rules, shape, rand);
  return spec;
}

/** The recurrent layer types of the registry. */
const RECURRENT = new Set<string>(['rnn', 'lstm', 'gru']);
/** The token layers, one of which reads symbols first. */
const TOKEN_INPUTS = ['onehot', 'embedding'] as const;

/**
 * A network for sequence data: for symbols, a one-hot or embedding layer first (whichever the
 * level offers); then none to a few offered blocks (recurrent layers of every offered kind,
 * dense layers applied at every step, dropout), or the start's kept layers with blocks around
 * them; the output layer. Every recurrent layer returns every step, but the last one of a task
 * with one answer per example, which returns its last step (or a flatten follows, where
 * offered). Shapes that do not fit are drawn again by the caller.
 */
function sampleSequenceSpec(rules: WorkbenchRules, shape: TaskShape, rand: Rand): ModelSpec {
  const b = rules.blocks;
  // Transformer blocks make the network GPT-shaped: half of the draws where they are offered,
  // the other half build from the other blocks (recurrent layers, dense at every step).
  if (b.transformer === true && shape.sequence!.vocab !== undefined && rand.uniform() < 0.5) {
    const head = (act: Activation | undefined) => dense(shape.outputs, act);
    return sampleGptSpec(rules, shape, rand, head, outputActivations(rules, shape.task));
  }
  const layers: LayerSpec[] = [];
  const inputs = TOKEN_INPUTS.filter((t) => b[t] === true);
  if (shape.sequence!.vocab !== undefined && inputs.length) {
    layers.push(sampleBlock(rules, pick(rand, inputs), rand));
  }
  const kinds = EXTRA_BLOCKS.filter(
    (t) => b[t] === true && !NOT_STACKED.has(t) && !(TOKEN_INPUTS as readonly string[]).includes(t),
  );
  const blocks: LayerType[] = b.dense ? ['dense', ...kinds] : kinds;
  const room = Math.max(0, Math.min(MAX_STACK, b.maxLayers - layers.length - 1));
  const middle = b.keep?.length
    ? sampleAroundKept(rules, blocks, rand)
    : Array.from({ length: blocks.length ? rand.below(room + 1) : 0 }, () => {
        const type = pick(rand, blocks);
        return type === 'dense'
          ? dense(
              pick(
                rand,
                UNIT_STEPS.filter((u) => u <= b.maxUnits),
              ),
              pick(rand, hiddenActivations(rules)),
            )
          : sampleBlock(rules, type, rand);
      });
  if (b.dropout && rand.uniform() < 0.3 && middle.length) {
    const rate =
      Math.round((1 + rand.below(Math.round(DROPOUT_MAX / DROPOUT_STEP))) * DROPOUT_STEP * 100) /
      100;
    middle.splice(1 + rand.below(middle.length), 0, { type: 'dropout', rate });
  }
  // Kept layers stay as the start has them; the others return every step but maybe the last.
  const kept = new Set<string>(b.keep);
  const recurrent = middle.filter((l) => RECURRENT.has(l.type) && !kept.has(l.type)) as {
    sequences?: boolean;
  }[];
  recurrent.forEach((l) => (l.sequences = true));
  const perPosition = shape.sequence!.perPosition;
  if (!perPosition) {
    const flatten = b.flatten === true && (recurrent.length === 0 || rand.uniform() < 0.3);
    if (flatten) middle.push({ type: 'flatten' });
    else if (recurrent.length) recurrent[recurrent.length - 1]!.sequences = false;
  }
  const output = dense(shape.outputs, pick(rand, outputActivations(rules, shape.task)));
  const spec: ModelSpec = { layers: [...layers, ...middle, output] };
  if (b.losses.length > 1) spec.loss = pick(rand, b.losses);
  return spec;
}

/** Whether the engine builds `spec` on this data and the workbench allows it. */
function fits(rules: WorkbenchRules, shape: TaskShape, spec: ModelSpec): boolean {
  try {
    buildNetwork(parseSpec(spec), shape);
  } catch {
    return false;
  }
  return checkSpec(rules, spec).length === 0;
}

/** A network of dense and dropout blocks for table and point data. */
function sampleTableSpec(rules: WorkbenchRules, shape: TaskShape, rand: Rand): ModelSpec {
  const b = rules.blocks;
  const units = UNIT_STEPS.filter((u) => u <= b.maxUnits);
  const hiddenActs = hiddenActivations(rules);
  // Hidden layers: free when dense layers are open, else exactly those of the start network
  // (whose output layer then keeps its initialisation too; only its squash is drawn).
  let hidden: LayerSpec[];
  let init: Init | undefined;
  if (b.dense) {
    const count = rand.below(b.maxLayers);
    hidden = Array.from({ length: count }, () =>
      dense(rand.uniform() < 0.1 ? b.maxUnits : pick(rand, units), pick(rand, hiddenActs)),
    );
  } else {
    const all = rules.start.layers.filter((l) => l.type === 'dense');
    hidden = all.slice(0, -1).map((l) => structuredClone(l));
    init = all.at(-1)?.init;
  }
  const layers: LayerSpec[] = [];
  // Dropout goes after hidden layers, as far as the layer budget allows.
  let room = b.maxLayers - hidden.length - 1;
  const wantsDropout = b.dropout && rand.uniform() < 0.6;
  const steps = Math.round(DROPOUT_MAX / DROPOUT_STEP);
  for (const h of hidden) {
    layers.push(h);
    if (wantsDropout && room > 0 && rand.uniform() < 0.7) {
      const rate = Math.round((1 + rand.below(steps)) * DROPOUT_STEP * 100) / 100;
      layers.push({ type: 'dropout', rate });
      room--;
    }
  }
  const output = dense(shape.outputs, pick(rand, outputActivations(rules, shape.task)));
  layers.push(init ? { ...output, init } : output);
  const spec: ModelSpec = { layers };
  if (b.losses.length > 1) spec.loss = pick(rand, b.losses);
  return spec;
}

/** One random setup a player could build on this workbench. */
export function sampleSetup(rules: WorkbenchRules, shape: TaskShape, rand: Rand): Setup {
  const base = startSetup(rules);
  const s = rules.settings;
  return {
    spec: sampleSpec(rules, shape, rand),
    options: {
      ...base.options,
      optimizer: s.optimizer.locked ? s.optimizer.value : pick(rand, s.optimizer.choices),
      lr: sampleRange(rand, s.lr, false),
      batch: sampleRange(rand, s.batch, true),
      l2: sampleRange(rand, s.l2, false),
      clip: s.clip ? sampleRange(rand, s.clip, false) : 0,
    },
    seed: 1 + rand.below(SAMPLE_SEEDS),
    ...sampleData(rules, rand),
  };
}

/** Data settings anywhere in the level's open data controls (none when it opens none). */
function sampleData(rules: WorkbenchRules, rand: Rand): { data?: DataSettings } {
  const data: DataSettings = {};
  for (const key of Object.keys(rules.data) as (keyof DataSettings)[]) {
    const range = rules.data[key]!;
    if (!range.locked && range.min < range.max) data[key] = sampleRange(rand, range, key === 'n');
  }
  return Object.keys(data).length ? { data } : {};
}
