/**
 * The data entry point: names to data sets. Levels name a set ("xor", "iris") or hand in a
 * player's CSV; the engine gets a `Dataset` with train/validation/test splits. Runs anywhere the
 * kernel runs (Node, a Web Worker): no DOM, no file system.
 *
 * `makeDataset` is synchronous on purpose: generators run in microseconds to milliseconds and
 * the bundled sets are already in the module graph, so there is nothing to await; the caller
 * (worker or test) already holds the compiled kernel module it passes in.
 */
import {
  BUNDLED_NAMES,
  BUNDLED_SHAPES,
  bundledTable,
  isBundledName,
  selectFeatures,
} from './bundled.js';
import { parseCsv, type CsvOptions } from './csv.js';
import { DataError, type Dataset } from './dataset.js';
import {
  GENERATOR_DEFAULTS,
  GENERATOR_NAMES,
  GENERATORS,
  isGeneratorName,
  type GeneratorOptions,
} from './generators.js';
import { sequenceShape } from '../engine/learner-types.js';
import type { TaskShape } from '../engine/spec.js';
import { kernelRandom } from './random.js';
import { ATTENTION_TASKS } from './attention-tasks.js';
import { IMAGE_SETS, isImageSetName, shiftedShape } from './images.js';
import { MELVILLE_SPEC } from './melville.js';
import { NAMES_SPEC } from './names.js';
import {
  SEQUENCE_GENERATORS,
  type SequenceOptions,
  type SequenceSetName,
  type SequenceSpec,
} from './sequences.js';
import { buildDataset, type BuildOptions } from './split.js';

export * from './attention-tasks.js';
export * from './bundled.js';
export * from './csv.js';
export * from './dataset.js';
export * from './generators.js';
export * from './image-fetch.js';
export * from './images.js';
export * from './melville.js';
export * from './names.js';
export * from './random.js';
export * from './sequences.js';
export * from './split.js';

/**
 * The table data sets `makeDataset` accepts and level files may name: the generators, then the
 * bundled real sets. The sequence sets (`SEQUENCE_NAMES`) are listed apart: their examples are
 * laid out over time (`Dataset.sequence`), which a network must be built for.
 */
export const DATASET_NAMES: readonly string[] = Object.freeze([...GENERATOR_NAMES, ...BUNDLED_NAMES]);

/**
 * Names of the sequence data sets: the generated tasks, the attention tasks, then the bundled
 * character sets.
 */
export type SequenceName = SequenceSetName;

/**
 * The registry `makeDataset` and `namedDataShape` resolve sequence names through: the generated
 * tasks of `sequences.ts`, the attention tasks of `attention-tasks.ts` (`recall`, `order`) and
 * the character sets `names` (`names.ts`) and `melville` (`melville.ts`). Those modules import
 * `sequences.ts`, so they are gathered here rather than in `SEQUENCE_GENERATORS`.
 */
export const SEQUENCE_SETS: Readonly<Record<SequenceName, SequenceSpec>> = Object.freeze({
  ...SEQUENCE_GENERATORS,
  ...ATTENTION_TASKS,
  names: NAMES_SPEC,
  melville: MELVILLE_SPEC,
});

/**
 * Sequence data set names in registry order: sine, adding, remember, echo, parity, recall,
 * order, names, melville.
 */
export const SEQUENCE_NAMES: readonly SequenceName[] = Object.freeze(
  Object.keys(SEQUENCE_SETS) as SequenceName[],
);

/** Type guard used by `makeDataset` to tell sequence names from the others. */
export function isSequenceName(name: string): name is SequenceName {
  return Object.prototype.hasOwnProperty.call(SEQUENCE_SETS, name);
}

/**
 * Inputs, outputs and task of a named data set, known without generating it: what the level
 * validator and the workbench need to check a network against its data. Null for an unknown
 * name. `arms` is the spiral generator's class count. Every generator but `line` has the two
 * inputs x1, x2 (the regression surfaces `plane` and `bump` too, with one output). A sequence
 * set has inputs = steps × features (from `steps` and, for `remember`, `symbols`) and its
 * outputs per step; bad sequence options throw the DataError `makeDataset` would.
 */
export function namedDataShape(
  name: string,
  options: { arms?: number; features?: readonly string[]; shift?: number } & Omit<
    SequenceOptions,
    'n'
  > = {},
): TaskShape | null {
  if (isSequenceName(name)) {
    const s = SEQUENCE_SETS[name].shape(options);
    return {
      inputs: s.inputs,
      outputs: s.outputs,
      task: s.task,
      dataName: name,
      sequence: sequenceShape(s.sequence),
    };
  }
  if (isGeneratorName(name)) {
    const task = GENERATORS[name].task;
    const classes = name === 'spiral' ? (options.arms ?? GENERATOR_DEFAULTS.spiral.arms ?? 3) : 2;
    return {
      inputs: name === 'line' ? 1 : 2,
      outputs: task === 'multiclass' ? classes : 1,
      task,
      dataName: name,
    };
  }
  if (isImageSetName(name)) {
    const s = IMAGE_SETS[name];
    const inputShape = shiftedShape(s, options.shift);
    return {
      inputs: inputShape[0] * inputShape[1] * inputShape[2],
      inputShape,
      outputs: s.classes,
      task: 'multiclass',
      dataName: name,
    };
  }
  if (isBundledName(name)) {
    const s = BUNDLED_SHAPES[name];
    return {
      inputs: options.features?.length ?? s.inputs,
      outputs: s.task === 'multiclass' ? (s.classes ?? 2) : 1,
      task: s.task,
      dataName: name,
    };
  }
  return null;
}

/** What a seeded data set needs: the seed, and the compiled kernel for random numbers and sin/cos. */
export interface SeedOptions {
  /** Integer 0..4294967295; fixes the generated points (if any) and the split. */
  readonly seed: number;
  /** The compiled kernel (`loadKernelModule()` in Node, the worker's fetched module in a browser). */
  readonly module: WebAssembly.Module;
}

/**
 * Options of `makeDataset`. `n`/`noise`/`arms`/`slope`/`intercept` apply to generators only (see
 * `GENERATORS` for which one reads which); giving them for a bundled set is an error. `steps`,
 * `symbols`, `distractors`, `perPosition`, `stride`, `delay`, `pairs`, `keys`, `values`,
 * `position` (and `n`, `noise`) apply to the sequence
 * sets (`SEQUENCE_OPTIONS` says which reads which), which are never standardised.
 * `standardize` defaults to false for generated sets (they are already centred and unit-scale, and
 * the player sees the same coordinates the network gets; a fitted line keeps its true slope) and
 * to true for bundled sets. `standardizeTarget` defaults to false for both: the levels on the
 * bundled regression set (diabetes) are written for its raw targets.
 */
export interface MakeDatasetOptions
  extends SeedOptions, GeneratorOptions, Omit<SequenceOptions, 'n' | 'noise'>, BuildOptions {
  /** Bundled sets only: keep just these feature columns, in this order (see `selectFeatures`). */
  readonly features?: readonly string[];
}

/**
 * Loads what `makeDataset(name)` needs and does not carry with the code (the Moby-Dick text of
 * `melville`); resolves at once for every other name. Whoever makes a data set by name awaits
 * this first: the trainer, the level runner, the command line and the tests.
 */
export async function prepareDataset(name: string): Promise<void> {
  if (isSequenceName(name)) await SEQUENCE_SETS[name].prepare?.();
}

/**
 * Resolves a data set name to a split `Dataset`. Called by the level loader and the trainer
 * worker. Generated sets and the split draw from one stream seeded with `seed`, so the same seed
 * gives bit-identical data in every environment. Unknown names throw a `DataError` listing the
 * allowed names.
 */
export function makeDataset(name: string, options: MakeDatasetOptions): Dataset {
  const {
    seed,
    module,
    fractions,
    standardize,
    standardizeTarget,
    stratify,
    features,
    ...generatorOptions
  } = options;
  if (isSequenceName(name)) {
    const ignored = Object.entries({ standardize, standardizeTarget, stratify, features }).find(
      ([, v]) => v !== undefined,
    );
    if (ignored) {
      throw new DataError(
        `${name}: option "${ignored[0]}" does not apply to sequence data sets (${SEQUENCE_NAMES.join(', ')})`,
      );
    }
    if (name === 'names' && fractions !== undefined) {
      throw new DataError(
        'names: option "fractions" does not apply: each name\'s split is fixed by its hash (about 80/10/10)',
      );
    }
    // melville rejects "fractions" itself: its split is fixed by blocks of the text.
    const rand = kernelRandom(module, seed);
    return SEQUENCE_SETS[name].make(rand, {
      ...generatorOptions,
      ...(fractions !== undefined ? { fractions } : {}),
    });
  }
  if (features !== undefined && !isBundledName(name)) {
    throw new DataError(`${name}: option "features" applies only to the bundled real data sets`);
  }
  if (isGeneratorName(name)) {
    const rand = kernelRandom(module, seed);
    const table = GENERATORS[name].generate(rand, generatorOptions);
    return buildDataset(table, rand, {
      fractions,
      standardize: standardize ?? false,
      standardizeTarget: standardizeTarget ?? false,
      stratify,
    });
  }
  if (isBundledName(name)) {
    const extra = Object.entries(generatorOptions).find(([, v]) => v !== undefined);
    if (extra) {
      throw new DataError(
        `${name}: option "${extra[0]}" applies only to generated data sets (${GENERATOR_NAMES.join(', ')})`,
      );
    }
    const table = selectFeatures(bundledTable(name), features);
    return buildDataset(table, kernelRandom(module, seed), {
      fractions,
      standardize,
      standardizeTarget: standardizeTarget ?? false,
      stratify,
    });
  }
  throw new DataError(
    `unknown data set ${JSON.stringify(String(name))}; allowed: ${DATASET_NAMES.join(', ')}; sequence data sets: ${SEQUENCE_NAMES.join(', ')}`,
  );
}

/** Options of `makeCsvDataset`: how to read the CSV, the seed, and how to split. */
export interface CsvDatasetOptions extends SeedOptions, CsvOptions, BuildOptions {}

/**
 * Parses a player's CSV (see `parseCsv` for the format and the task inference rule) and splits
 * and standardises it exactly like a bundled set (feature standardisation on by default), and
 * also standardises a regression target by default (`standardizeTarget`), because a CSV's
 * target is in the player's own units: prices in the hundreds of thousands would otherwise
 * need thousands of steps just to move the output to the mean. Called by the "bring your own
 * data" screen; throws `DataError` with line/column for bad input.
 */
export function makeCsvDataset(text: string, options: CsvDatasetOptions): Dataset {
  const { seed, module, fractions, standardize, standardizeTarget, stratify, target, task, name } =
    options;
  const rand = kernelRandom(module, seed);
  return buildDataset(parseCsv(text, { target, task, name }), rand, {
    fractions,
    standardize,
    standardizeTarget: standardizeTarget ?? true,
    stratify,
  });
}
