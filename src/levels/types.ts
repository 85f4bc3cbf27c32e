/**
 * The shape of a level file (`levels/*.json`) once validated by `src/levels/schema.ts`. A level
 * is a small override of documented defaults: its data, the blocks and settings the player may
 * use, the goal and the budget, plus a `reference` network that proves it can be won and a
 * `naive` one (the previous era's idea) that proves it teaches something new.
 */
import type { ModelSpec, Activation, Loss } from '../engine/spec.js';
import type { OptimizerName, TrainOptions } from '../engine/options.js';
import type { SplitName } from '../engine/learner.js';
import type { DataRequest } from '../engine/trainer.js';
import type { Teaches } from './teaches.js';
import type { ExtraBlock } from './blocks.js';

/**
 * TensorFlow Playground's data controls as a level may open them: the number of points, the
 * noise and the share of points used for training. Left out, the level's own data.
 */
export interface DataSettings {
  n?: number;
  noise?: number;
  train?: number;
}

/** The data controls a level opens, each with its range and its starting value. */
export type DataControls = Partial<Record<keyof DataSettings, RangeSetting>>;

/**
 * A network, its full training options and a seed: what one press of Train runs; and, where a
 * level opens data controls, the data settings the player chose.
 */
export interface Setup {
  spec: ModelSpec;
  options: TrainOptions;
  seed: number;
  data?: DataSettings;
}

/** One training setup: a network, its options, a seed and a number of steps. */
export interface LevelRun {
  spec: ModelSpec;
  options: Partial<TrainOptions>;
  seed: number;
  steps: number;
  /** Data settings within the level's open data controls; left out, the level's own data. */
  data?: DataSettings;
}

/** A hyperparameter as the workbench shows it: its starting value and whether it is locked. */
export interface Setting<T> {
  value: T;
  locked: boolean;
}

/** A numeric setting also has its allowed range (the learning rate slider is logarithmic). */
export interface RangeSetting extends Setting<number> {
  min: number;
  max: number;
}

export interface LevelGoal {
  /** `loss` must fall to or below the threshold; `accuracy` must reach or pass it. */
  metric: 'loss' | 'accuracy';
  split: SplitName;
  threshold: number;
  /**
   * When true, training always runs the whole budget and the goal is judged once, at the end.
   * Left out (or false), the game checks the goal every few steps and stops as soon as it is met.
   * Overfitting levels need the end: stopping early is itself a cure for overfitting, so a goal
   * met at any check would let an overfitting network pass on its way up.
   */
  atEnd?: boolean;
}

export interface Level {
  /** Stable id used in saves and share URLs, e.g. `c2-xor`. */
  id: string;
  chapter: number;
  /** Position within the chapter, from 1. */
  order: number;
  title: string;
  /** The milestone year the map shows, and one sentence of what changed then. */
  year: number;
  milestone: string;
  /** The idea of the level, in our own plain words (≤ 120 words). */
  briefing: string;
  /** Which interactive figure the briefing shows (see the Briefing scene). */
  figure:
    | 'drag-line'
    | 'sigmoid-squash'
    | 'xor-grid'
    | 'hidden-units'
    | 'optimizer-race'
    | 'overfit-curve'
    | 'filter-slide'
    | 'param-count'
    | 'stride-padding'
    | 'pool-patch'
    | 'batch-norm'
    | 'rnn-unroll'
    | 'lstm-gates'
    | 'query-keys';
  /** The data by name, with the options of its generator or bundled set (see `DataRequest`). */
  data: Extract<DataRequest, { name: string }>;
  /**
   * Data controls the player may change (noise, points, training share), each within its range;
   * left out, the data is fixed. "New data" is the sandbox's only: a level's points are the
   * same for every player, so scores compare.
   */
  dataControls?: DataControls;
  /** What the workbench offers; any other layer type of the registry when set to true. */
  blocks: Partial<Record<ExtraBlock, boolean>> & {
    dense: boolean;
    dropout: boolean;
    activations: Activation[];
    maxLayers: number;
    maxUnits: number;
    /** The losses the player may choose from; left out, only the task's own loss. */
    losses?: Loss[];
    /** Layer types that stay exactly as the start has them (blocks go around them); left out, none. */
    keep?: ExtraBlock[];
    /** A budget of parameters the whole network must stay within; left out, none. */
    maxParams?: number;
    /** A budget of multiply-adds per example (one forward pass); left out, none. */
    maxMacs?: number;
  };
  settings: {
    optimizer: Setting<OptimizerName> & { choices: OptimizerName[] };
    lr: RangeSetting;
    batch: RangeSetting;
    l2: RangeSetting;
    /**
     * Gradient clipping by global norm (0 off), where the level opens it; left out, off and no
     * control.
     */
    clip?: RangeSetting;
  };
  /** The network the workbench starts with. */
  start: ModelSpec;
  goal: LevelGoal;
  /** Hard step limit: training stops here and the goal is judged. */
  stepBudget: number;
  /** Extra stars: two for also staying at or under `params`, three for also finishing within `steps`. */
  stars: { params: number; steps: number };
  /** The idea this level introduces, as a rule the level audit checks setups against. */
  teaches: Teaches;
  reference: LevelRun;
  /**
   * The previous era's model: `title` names it in a few words ("plain SGD"), `lesson` says in
   * one or two sentences why it misses the goal; the training view shows both beside the run.
   */
  naive: LevelRun & { title: string; lesson: string };
}

/**
 * How a finished run went, beyond its verdict: what the Result's advice reads to tell how it
 * failed (diverged, still falling at the budget, stuck from the start, overfitting, close).
 * Points are in step order; losses are the task's own loss in training units.
 */
export interface RunOutcome {
  passed: boolean;
  /** The run stopped because a loss, gradient or weight stopped being a finite number. */
  diverged: boolean;
  /** Steps trained, and the most the level allowed. */
  steps: number;
  budget: number;
  /** The goal metric on the goal split at the end (NaN when there is none). */
  goalValue: number;
  /** Mean training loss of each chunk of steps, at the step the chunk ended. */
  train: { step: number; loss: number }[];
  /** Validation loss at each goal check. */
  validation: { step: number; loss: number }[];
}

/** What happened in one attempt, as the rules judge it. */
export interface Attempt {
  levelId: string;
  spec: ModelSpec;
  options: TrainOptions;
  seed: number;
  /** The data settings chosen, where the level opens data controls. */
  data?: DataSettings;
  /** Steps trained when the goal was met, or the budget when it was not. */
  steps: number;
  params: number;
  /** The goal metric's value on the goal split at the end. */
  achieved: number;
  passed: boolean;
  /** 0–3. */
  stars: number;
}
