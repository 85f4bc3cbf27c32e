/**
 * What the trainer (`trainer.ts`) takes and gives: the data requests, the reports and the
 * `TrainerApi` itself, as plain structured-clone-friendly types, kept apart from the
 * implementation so the game and the worker can read them without it.
 */
import type { LayerSummary } from './spec.js';
import type { TrainOptions } from './options.js';
import type { PowerLaw, ScalingPoint } from './scaling.js';
import type { ImageProgress, ImageRows } from './image-assets.js';
import type {
  CurvePoint,
  Landscape,
  LandscapeOptions,
  LaneNode,
  LaneStep,
  RaceReport,
  RaceSettings,
  SnapshotReport,
  UpdateRecord,
} from './race.js';
import type {
  Evaluation,
  Learner,
  Snapshot,
  SplitName,
  StepResult,
  TensorInfo,
} from './learner.js';
import type { SampleOptions } from './learner-types.js';
import type { AttentionMap } from './attention-state.js';
import type { RecurrentState } from './recurrent-state.js';
import type { Dataset } from '../data/dataset.js';

/**
 * Which data to train on: a generator, a bundled set or an image set (`digits`,
 * `fashion-mnist`: downloaded once, split by the seed) by name, CSV text the player chose, or
 * a text file the player chose, learned one character at a time (`textDataset`: `steps`
 * characters per window, default 16).
 */
export type DataRequest =
  | {
      name: string;
      seed: number;
      n?: number;
      noise?: number;
      arms?: number;
      far?: number;
      /** Bundled sets only: the feature columns to keep, e.g. two measurements to plot. */
      features?: string[];
      /**
       * The share of rows used for training, 0.1 to 0.9 (`TRAIN_SHARE_RANGE`); the rest is
       * split equally between validation and test. Absent: the usual 70/15/15.
       */
      train?: number;
      /** Image sets only: validation and test images moved by up to this many pixels (`shift`). */
      shift?: number;
      /** Sequence sets only (`SEQUENCE_OPTIONS` says which reads which): steps per example, … */
      steps?: number;
      symbols?: number;
      distractors?: number;
      perPosition?: boolean;
      stride?: number;
      delay?: number;
      pairs?: number;
      keys?: number;
      values?: number;
      position?: number;
    }
  | { csv: string; seed: number; target?: string; fileName?: string }
  | { text: string; seed: number; fileName?: string; steps?: number };

/** How regression targets were scaled for training, to show values in the data's own units. */
export interface TargetScale {
  mean: number;
  std: number;
}

/** What the trainer says about a data set: its shape, its splits and its classes. */
export interface DataInfo {
  name: string;
  task: Dataset['task'];
  inputs: number;
  outputs: number;
  rows: Record<SplitName, number>;
  /** Names of the classes (bundled sets, a CSV's labels); absent for numbered classes. */
  classNames?: string[];
  /** The first target's scaling when targets were standardised for training, else null. */
  targetScale: TargetScale | null;
  /** Image data: the per-example shape and the pixel scale (input = pixel × scale). */
  image?: { channels: number; height: number; width: number; scale: number };
  /** Sequence data: how its rows are laid out over time, and a few examples to show. */
  sequence?: SequenceDataInfo;
}

/** Most validation examples `DataInfo.sequence` carries: what a view lets the player pick from. */
export const SEQUENCE_EXAMPLES = 8;

/** `Dataset.sequence` as the trainer reports it, with the first validation examples. */
export interface SequenceDataInfo {
  steps: number;
  /** Values per step (1 for token ids). */
  features: number;
  /** Token data: the symbol of each id. */
  vocab?: string[];
  /** The symbol between the items of a token stream (a name's end), if any. */
  separator?: string;
  /** Whether there is a target at every step (else one after the last). */
  perPosition: boolean;
  /**
   * The first `count` (≤ SEQUENCE_EXAMPLES) validation examples as the network sees them:
   * x [count, inputs], y [count, targets per example] (as in the split).
   */
  examples: { count: number; x: Float32Array; y: Float32Array };
}

/** What `create` reports back: enough for a workbench to draw the network. */
export interface LearnerInfo {
  summary: LayerSummary[];
  totalParams: number;
  tensors: TensorInfo[];
  data: DataInfo;
}

/** A look at a data set before any network exists: its shape, names and some training rows. */
export interface DataPreview extends DataInfo {
  featureNames: string[];
  targetName: string;
  /** Up to PREVIEW_ROWS training rows as the network sees them: x [rows, inputs], y [rows]. */
  x: Float32Array;
  y: Float32Array;
  /** Smallest and largest value of each feature over the whole training split. */
  min: number[];
  max: number[];
}

/** Most training rows a preview carries: enough to see the shape of the data. */
export const PREVIEW_ROWS = 300;

/** A run trained start to end on the side: the previous era's model, to show it failing. */
export interface GhostRun {
  /** At every goal check: the step, the mean training loss since the last check, the validation loss and the goal metric on the goal split (NaN for a missing accuracy). */
  checks: { step: number; train: number; validation: number; goal: number }[];
  /** Predictions over the grid handed in, at every check (empty without a grid). */
  frames: { step: number; out: Float32Array }[];
  diverged: boolean;
  params: number;
}

export interface TrainerApi {
  create(spec: unknown, data: DataRequest, options: unknown, seed: number): Promise<LearnerInfo>;
  step(n: number): StepResult;
  evaluate(split: SplitName): Evaluation;
  predict(x: Float32Array): Float32Array;
  probe(x: Float32Array, names: string[]): Record<string, Float32Array>;
  read(name: string): Float32Array | Int32Array | Uint8Array;
  /**
   * Sets one parameter element by hand (`Learner.setParam`): `name` a parameter such as
   * `0.weight`, `index` its position in the row-major values, `value` finite with |value| ≤ 1e6.
   */
  write(name: string, index: number, value: number): void;
  snapshot(): Snapshot;
  restore(snapshot: Snapshot): void;
  reset(): void;
  weightsHash(): Promise<string>;
  /** The network, options and seed the current learner trains, and its step: what really runs. */
  describe(): ReturnType<Learner['describe']>;
  /** Shape, names and some rows of a data set, without touching the current learner. */
  preview(data: DataRequest): Promise<DataPreview>;
  /** The last image set download (for a progress bar while `create` waits), or null. */
  imageProgress(): ImageProgress | null;
  /**
   * `count` examples of the current learner's image data from row `start` of `split` (fewer at
   * the split's end), for galleries and feature maps. Throws for table data.
   */
  images(split: SplitName, start: number, count: number): ImageRows;
  /**
   * The first `count` training examples of an image set (downloaded on the first call; see
   * `imageProgress`) and what the trainer says about the set, without touching the learner.
   */
  imagePreview(data: DataRequest, count: number): Promise<ImageRows & { data: DataInfo }>;
  /**
   * Trains `run` to its end in a learner of its own, checking every `every` steps as a level does
   * (`split` and `metric` of its goal), and predicting over `grid` at each check. The current
   * learner is left as it was.
   */
  ghost(
    run: { spec: unknown; options: unknown; seed: number; steps: number },
    data: DataRequest,
    goal: { split: SplitName; metric: 'loss' | 'accuracy'; every: number },
    grid: Float32Array | null,
  ): Promise<GhostRun>;
  dispose(): void;
  /**
   * The gradient's health of the latest training step: per recurrent layer (its module path,
   * `1`), ‖∂L/∂h(t)‖ at every step t; empty before the first step or without a recurrent layer.
   */
  gradientHealth(): { layer: string; norms: Float32Array }[];
  /**
   * Example `index` of `split` through the network: the recurrent layer `layer`'s hidden state
   * at every step (an LSTM's cell and gates, a GRU's gates), each [T, H]. Sequence data only.
   */
  recurrentState(split: SplitName, index: number, layer: string): RecurrentState;
  /**
   * Example `index` of `split` through the network: every attention layer's weights [H, T, T]
   * (row t: how much position t took from each s ≤ t). Empty without attention. Sequence data only.
   */
  attention(split: SplitName, index: number): AttentionMap[];
  /**
   * `length` (1 to SAMPLE_MAX) tokens drawn after `promptIds` (1 to SAMPLE_MAX ids) by the
   * learner's `sample`: a network that reads symbols and predicts the next at every step.
   */
  sample(promptIds: number[], length: number, options: SampleOptions): number[];
  /**
   * Fits L = a·x^(−alpha) through `points` and reads the line at each of `at`, with the kernel's
   * log and exp (`fitPowerLaw`): the scaling epilogue's fit and its extrapolation.
   */
  powerLaw(points: ScalingPoint[], at: number[]): Promise<{ law: PowerLaw; at: number[] }>;

  /**
   * Starts an optimizer race beside the current learner (which it leaves alone; a race made
   * earlier is disposed): `lanes` (1 to 4) overlay `base` with each lane's optimizer and
   * settings; all lanes share the network, the data, the seed and the base's batch size, so they
   * start from the same weights (`startHashes` are identical) and see the same batches.
   * `settings`: `snapshotEvery` (default 25) and `memoryCapBytes` (default 32 MiB).
   */
  raceCreate(
    spec: unknown,
    data: DataRequest,
    base: Partial<TrainOptions>,
    lanes: Partial<TrainOptions>[],
    seed: number,
    settings?: RaceSettings,
  ): Promise<RaceInfo>;
  /**
   * Advances every lane `n` steps, none past step `until` (a budget) when given; a lane that
   * diverged stays stopped and says so.
   */
  raceStep(n: number, until?: number): LaneStep[];
  /** Every lane's curve: a point (step, mean batch loss since the last, validation loss) per 25 steps. */
  raceCurves(): RaceCurve[];
  /**
   * One lane's update records, one per 25 steps: per weight tensor a histogram of |Δw| per
   * weight per step (`edges`: 20 log-spaced bins from 1e-8 to 1, plus counts below and above),
   * the median |Δw|, the median |g| and their ratio, the effective learning rate.
   */
  raceUpdates(lane: number): { lane: number; edges: number[]; records: UpdateRecord[] };
  /** The snapshots kept: steps per lane, bytes used, the cap, the count, bytes per snapshot. */
  raceSnapshots(): SnapshotReport;
  /** Puts a lane back to its latest snapshot at or before `step`; returns that snapshot's step. */
  raceRewind(lane: number, step: number): number;
  /**
   * Adds a lane branching from `lane`'s latest snapshot at or before `step` with `options`
   * overlaid on the parent's: the same optimizer keeps its state, another starts fresh. At most
   * 4 branches per race. Returns the new lane's number.
   */
  raceBranch(lane: number, step: number, options: Partial<TrainOptions>): number;
  /** The race tree: each lane's parent (null for a starting lane), branch step and options. */
  raceTree(): LaneNode[];
  /**
   * The training loss on a grid around a lane's current weights: two filter-normalised random
   * directions (biases not moved), or with `axes: 'params'` the exact (weight, bias) plane of a
   * two-parameter network; with every lane's path on it. See `Race.landscape`.
   */
  raceLandscape(lane: number, options?: LandscapeOptions): Landscape;
  /** weightsHash of every lane now. */
  raceHashes(): Promise<string[]>;
  /** Every lane's loss and accuracy over a whole split now (no dropout). */
  raceEvaluate(split: SplitName): Array<{ lane: number; loss: number; accuracy: number | null }>;
  /**
   * Every lane's options, curve, start and current weightsHash, step and divergence: the report
   * the command line's `race` prints (the same code).
   */
  raceReport(): Promise<RaceReport>;
  /** Ends the race and frees its lanes; the trainer's own learner stays. */
  raceDispose(): void;
}

/** What `raceCreate` reports: the lanes, their common start, the network, the data. */
export interface RaceInfo {
  lanes: LaneNode[];
  startHashes: string[];
  summary: LayerSummary[];
  totalParams: number;
  tensors: TensorInfo[];
  data: DataInfo;
}

/** One lane's curve as `raceCurves` gives it. */
export interface RaceCurve {
  lane: number;
  step: number;
  diverged: StepResult['diverged'];
  points: CurvePoint[];
}
