/**
 * An optimizer race: up to four learners ("lanes") on the same network, data and seed, so every
 * lane starts from the same weights and sees the same batches in the same order; only the
 * optimizer and its settings differ. A race records what the Optimizer Lab shows: each lane's
 * loss curve, the size of its updates per layer, snapshots to rewind to and branch from, and
 * the paths the loss landscape (`landscape.ts`) draws around a lane's weights.
 */
import { CHECK_EVERY } from '../levels/judge.js';
import {
  Learner,
  hashParams,
  type Divergence,
  type LearnerData,
  type Snapshot,
  type SplitName,
} from './learner.js';
import { parseOptions, type TrainOptions } from './options.js';
import { SpecError } from './spec.js';
import {
  sliceLandscape,
  type Landscape,
  type LandscapeOptions,
  type ParamPath,
} from './landscape.js';

export { MAX_RESOLUTION, type Landscape, type LandscapeOptions } from './landscape.js';

/** Most lanes a race starts with. */
export const MAX_LANES = 4;
/** Most lanes `branch` may add on top of the starting ones (a race holds at most 8 lanes). */
export const MAX_BRANCHES = 4;
/** The update histograms' bins: `HIST_BINS` log-spaced bins from `HIST_MIN` to `HIST_MAX`. */
export const HIST_BINS = 20;
export const HIST_MIN = 1e-8;
export const HIST_MAX = 1;
/**
 * Most weights of one tensor measured per step: a larger tensor is measured on a fixed, evenly
 * strided subset of this many weights (every k-th), so measuring stays cheap for big layers.
 */
export const MAX_TRACKED_WEIGHTS = 4096;
/** Defaults of the race's memory settings. */
export const DEFAULT_SNAPSHOT_EVERY = 25;
export const DEFAULT_MEMORY_CAP = 32 * 1024 * 1024;

export interface RaceSettings {
  /** Snapshot every lane whenever its step is a multiple of this (default 25); step 0 always. */
  snapshotEvery?: number;
  /** Most bytes all lanes' snapshots may hold together (default 32 MiB); see `Race.snapshots`. */
  memoryCapBytes?: number;
}

/** A point of a lane's curve, at every CHECK_EVERY steps. */
export interface CurvePoint {
  step: number;
  /** Mean batch loss of the steps since the previous point (or since a rewind / the branch). */
  trainLoss: number;
  /** Loss over the whole validation split (no dropout) at this step. */
  validationLoss: number;
}

/** One lane's answer to `step(n)`. */
export interface LaneStep {
  lane: number;
  step: number;
  /** Mean batch loss of this call's steps (NaN when the lane ran none). */
  trainLoss: number;
  diverged: Divergence | null;
}

/** How big one layer's updates were over a CHECK_EVERY interval. */
export interface LayerUpdates {
  /** The weight tensor, e.g. `0.weight` (biases are left out). */
  name: string;
  /**
   * Weights measured per step: all of them, or every `stride`-th one for a tensor of more than
   * `MAX_TRACKED_WEIGHTS`.
   */
  tracked: number;
  stride: number;
  /**
   * Counts of |Δw| per weight per step over the interval (every tracked weight at every step
   * is one sample) in `HIST_BINS` log-spaced bins: bin i holds [edges[i], edges[i + 1]).
   */
  counts: number[];
  /** Samples below `HIST_MIN` (0 included) and at or above `HIST_MAX`. */
  below: number;
  above: number;
  /**
   * Median |Δw| and median |g| over the same samples. g is the gradient the optimizer used for
   * that step, read from the learner's gradient buffer after the step: the batch gradient with
   * the L2/L1 terms added and clipping applied, so SGD's Δw is exactly lr·g (AdamW's decoupled
   * weight decay is in Δw but not in g).
   */
  medianUpdate: number;
  medianGrad: number;
  /**
   * medianUpdate / medianGrad: the step size the optimizer really took per unit of gradient.
   * For SGD it is the learning rate; Adam's is set per weight, so it drifts as gradients shrink.
   * NaN when the median gradient is 0.
   */
  effectiveLr: number;
}

/** A lane's update record at the end of one interval. */
export interface UpdateRecord {
  /** The step that closed the interval. */
  step: number;
  /** Steps in the interval (fewer than CHECK_EVERY after a rewind, a branch or a divergence). */
  steps: number;
  layers: LayerUpdates[];
}

/** A node of the race tree: starting lanes have `parent` null and `fromStep` 0. */
export interface LaneNode {
  lane: number;
  parent: number | null;
  fromStep: number;
  /** The lane's full options. */
  options: TrainOptions;
  /** Whether a branch kept its parent's optimizer state (same optimizer) or started fresh. */
  optimizerState: 'start' | 'kept' | 'fresh';
}

export interface SnapshotReport {
  lanes: Array<{ lane: number; steps: number[] }>;
  bytes: number;
  capBytes: number;
  count: number;
  /** Bytes of one snapshot of each lane. */
  bytesPerSnapshot: number[];
}

/** What `Race.report` says about every lane. */
export interface RaceReport {
  lanes: Array<{
    lane: number;
    parent: number | null;
    fromStep: number;
    options: TrainOptions;
    step: number;
    startHash: string;
    finalHash: string;
    diverged: Divergence | null;
    curve: CurvePoint[];
  }>;
}

interface Lane {
  id: number;
  learner: Learner;
  options: TrainOptions;
  parent: number | null;
  fromStep: number;
  optimizerState: LaneNode['optimizerState'];
  curve: CurvePoint[];
  updates: UpdateRecord[];
  snapshots: Array<{ step: number; snap: Snapshot }>;
  snapshotBytes: number;
  /** Batch losses since the last curve point. */
  lossSum: number;
  lossSteps: number;
  /** Update and gradient samples since the last curve point, per weight tensor. */
  acc: Accumulator[];
  diverged: Divergence | null;
}

interface Accumulator {
  name: string;
  offset: number;
  length: number;
  stride: number;
  tracked: number;
  counts: number[];
  below: number;
  above: number;
  /** |Δw| and |g| of every weight at every step of the interval (at most CHECK_EVERY steps). */
  updates: Float32Array;
  grads: Float32Array;
  filled: number;
}

const LOG_MIN = Math.log10(HIST_MIN);
const LOG_WIDTH = (Math.log10(HIST_MAX) - LOG_MIN) / HIST_BINS;

/** The bin edges of the update histograms (`HIST_BINS + 1` values). */
export function histogramEdges(): number[] {
  return Array.from({ length: HIST_BINS + 1 }, (_, i) => 10 ** (LOG_MIN + i * LOG_WIDTH));
}

/** The median of the values (the mean of the middle two for an even count); NaN for none. */
export function median(values: Float32Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const work = values.slice();
  const hi = select(work, n >> 1);
  if (n % 2) return hi;
  // After selecting, every value left of n/2 is at most `hi`: the lower middle is their largest.
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (work[i]! > lo) lo = work[i]!;
  return (lo + hi) / 2;
}

/** Hoare's quickselect: the k-th smallest value, with `a` partitioned around it. */
function select(a: Float32Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}

export class Race {
  readonly seed: number;
  readonly snapshotEvery: number;
  readonly memoryCapBytes: number;
  /** The batch size every lane trains with (the base options'). */
  readonly batch: number;
  private readonly lanes: Lane[] = [];
  private readonly startCount: number;
  /** The options every lane shares (a copy of the caller's). */
  private readonly base: Partial<TrainOptions>;

  /**
   * `base` holds the options every lane shares (the batch size among them), `lanes` 1 to 4
   * sets of per-lane options laid over it (optimizer, lr, momentum, nesterov, beta1, beta2,
   * weightDecay …). A lane may not set another batch size: the lanes would no longer see the
   * same batches. Throws a SpecError naming the lane for bad options.
   */
  constructor(
    private readonly module: WebAssembly.Module,
    private readonly spec: unknown,
    private readonly data: LearnerData,
    base: Partial<TrainOptions>,
    lanes: readonly Partial<TrainOptions>[],
    seed: number,
    settings: RaceSettings = {},
  ) {
    if (!Array.isArray(lanes) || lanes.length < 1 || lanes.length > MAX_LANES) {
      throw new SpecError([
        `lanes must hold 1 to ${MAX_LANES} sets of options, got ${Array.isArray(lanes) ? lanes.length : typeof lanes}`,
      ]);
    }
    const every = settings.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    if (!Number.isInteger(every) || every < 1 || every > 1e6) {
      throw new SpecError([
        `snapshotEvery must be an integer from 1 to 1000000, got ${String(every)}`,
      ]);
    }
    const cap = settings.memoryCapBytes ?? DEFAULT_MEMORY_CAP;
    if (!Number.isInteger(cap) || cap < 1 || cap > 2 ** 31) {
      throw new SpecError([
        `memoryCapBytes must be an integer from 1 to 2147483648, got ${String(cap)}`,
      ]);
    }
    this.base = { ...base };
    this.seed = seed;
    this.snapshotEvery = every;
    this.memoryCapBytes = cap;
    this.batch = parseOptions(base, 'base').batch;
    this.startCount = lanes.length;
    try {
      for (const [i, options] of lanes.entries()) {
        const lane = this.makeLane(options, `lanes[${i}]`, null, 0, 'start');
        this.lanes.push(lane);
      }
      this.checkRoom(0);
      for (const lane of this.lanes) this.takeSnapshot(lane);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  private makeLane(
    options: Partial<TrainOptions>,
    path: string,
    parent: number | null,
    fromStep: number,
    optimizerState: LaneNode['optimizerState'],
  ): Lane {
    if (
      options &&
      typeof options === 'object' &&
      'batch' in options &&
      options.batch !== this.batch
    ) {
      throw new SpecError([
        `${path}.batch must be the base's batch size (${this.batch}) so every lane sees the same batches, got ${String(options.batch)}`,
      ]);
    }
    const merged = parseOptions({ ...this.base, ...options, batch: this.batch }, path);
    const learner = new Learner(this.module, this.spec, this.data, merged, this.seed);
    const snap = learner.snapshot();
    const acc: Accumulator[] = learner.plan.params
      .filter((t) => t.decl.decay)
      .map((t) => {
        const stride = Math.ceil(t.length / MAX_TRACKED_WEIGHTS);
        const tracked = Math.ceil(t.length / stride);
        return {
          name: t.name,
          offset: t.offset / 4,
          length: t.length,
          stride,
          tracked,
          counts: new Array<number>(HIST_BINS).fill(0),
          below: 0,
          above: 0,
          updates: new Float32Array(tracked * CHECK_EVERY),
          grads: new Float32Array(tracked * CHECK_EVERY),
          filled: 0,
        };
      });
    return {
      id: this.lanes.length,
      learner,
      options: merged,
      parent,
      fromStep,
      optimizerState,
      curve: [],
      updates: [],
      snapshots: [],
      snapshotBytes: snap.params.byteLength + snap.state.byteLength,
      lossSum: 0,
      lossSteps: 0,
      acc,
      diverged: null,
    };
  }

  /** The cap must hold two snapshots of every lane (its first and its newest), `extra` included. */
  private checkRoom(extra: number): void {
    const need = 2 * (this.lanes.reduce((a, l) => a + l.snapshotBytes, 0) + extra);
    if (need > this.memoryCapBytes) {
      throw new SpecError([
        `memoryCapBytes (${this.memoryCapBytes}) must hold at least two snapshots of every lane (${need} bytes)`,
      ]);
    }
  }

  private lane(id: number): Lane {
    const lane = this.lanes[id];
    if (!Number.isInteger(id) || !lane) {
      throw new SpecError([
        `lane must be an integer from 0 to ${this.lanes.length - 1}, got ${String(id)}`,
      ]);
    }
    return lane;
  }

  /** Number of lanes (starting ones and branches). */
  get size(): number {
    return this.lanes.length;
  }

  /** The learner behind a lane (read-only use: training it directly bypasses the records). */
  learner(id: number): Learner {
    return this.lane(id).learner;
  }

  /** weightsHash of every starting lane at step 0: identical, since every lane has the same seed. */
  async startHashes(): Promise<string[]> {
    const out: string[] = [];
    for (const lane of this.lanes.slice(0, this.startCount)) {
      const first = lane.snapshots.find((s) => s.step === 0)!;
      const decoded = lane.learner.decodeSnapshot(first.snap);
      out.push(await hashParams(decoded.params.map((p) => p.values as Float32Array)));
    }
    return out;
  }

  /** weightsHash of every lane now. */
  async hashes(): Promise<string[]> {
    const out: string[] = [];
    for (const lane of this.lanes) out.push(await lane.learner.weightsHash());
    return out;
  }

  /**
   * Advances every lane `n` steps (0 to 100000), one step at a time so each step's update and
   * gradient can be measured; a lane that diverged stays where it stopped and reports its
   * divergence. At every multiple of CHECK_EVERY a lane adds a curve point and an update record.
   */
  step(n: number, until = Infinity): LaneStep[] {
    if (!Number.isInteger(n) || n < 0 || n > 100000) {
      throw new SpecError([`steps must be an integer from 0 to 100000, got ${String(n)}`]);
    }
    // With `until` (a step budget), no lane goes past it: a branch catches up, the others wait.
    return this.lanes.map((lane) =>
      this.advance(lane, Math.max(0, Math.min(n, until - lane.learner.stepCount))),
    );
  }

  private advance(lane: Lane, n: number): LaneStep {
    const learner = lane.learner;
    let sum = 0;
    let ran = 0;
    for (let i = 0; i < n && !lane.diverged; i++) {
      const before = learner.paramVector();
      const r = learner.step(1);
      if (r.ran === 0 || r.diverged) {
        lane.diverged = r.diverged ? { ...r.diverged } : null;
        break;
      }
      ran++;
      sum += r.trainLoss;
      lane.lossSum += r.trainLoss;
      lane.lossSteps++;
      this.measure(lane, before, learner.paramVector());
      const step = learner.stepCount;
      if (step % CHECK_EVERY === 0) this.check(lane);
      if (step % this.snapshotEvery === 0) this.takeSnapshot(lane);
    }
    if (!lane.diverged && ran > 0) {
      const found = learner.checkFinite();
      if (found) lane.diverged = { ...found };
    }
    return {
      lane: lane.id,
      step: learner.stepCount,
      trainLoss: ran > 0 ? sum / ran : NaN,
      diverged: lane.diverged,
    };
  }

  private measure(lane: Lane, before: Float32Array, after: Float32Array): void {
    for (const a of lane.acc) {
      const grad = lane.learner.read(`${a.name}.grad`);
      if (a.filled + a.tracked > a.updates.length) continue;
      for (let i = 0; i < a.length; i += a.stride) {
        const d = Math.abs(after[a.offset + i]! - before[a.offset + i]!);
        a.updates[a.filled] = d;
        a.grads[a.filled++] = Math.abs(grad[i]!);
        if (!(d >= HIST_MIN)) a.below++;
        else if (d >= HIST_MAX) a.above++;
        else
          a.counts[Math.min(HIST_BINS - 1, Math.floor((Math.log10(d) - LOG_MIN) / LOG_WIDTH))]!++;
      }
    }
  }

  /** Closes an interval: a curve point and an update record. */
  private check(lane: Lane): void {
    const step = lane.learner.stepCount;
    lane.curve.push({
      step,
      trainLoss: lane.lossSteps > 0 ? lane.lossSum / lane.lossSteps : NaN,
      validationLoss: lane.learner.evaluate('validation').loss,
    });
    lane.updates.push({
      step,
      steps: lane.lossSteps,
      layers: lane.acc.map((a) => {
        const medianUpdate = median(a.updates.subarray(0, a.filled));
        const medianGrad = median(a.grads.subarray(0, a.filled));
        return {
          name: a.name,
          tracked: a.tracked,
          stride: a.stride,
          counts: [...a.counts],
          below: a.below,
          above: a.above,
          medianUpdate,
          medianGrad,
          effectiveLr: medianGrad > 0 ? medianUpdate / medianGrad : NaN,
        };
      }),
    });
    this.clearInterval(lane);
  }

  private clearInterval(lane: Lane): void {
    lane.lossSum = 0;
    lane.lossSteps = 0;
    for (const a of lane.acc) {
      a.counts.fill(0);
      a.below = 0;
      a.above = 0;
      a.filled = 0;
    }
  }

  /** Mean loss and accuracy of every lane over a whole split. */
  evaluate(split: SplitName): Array<{ lane: number; loss: number; accuracy: number | null }> {
    return this.lanes.map((l) => {
      const e = l.learner.evaluate(split);
      return { lane: l.id, loss: e.loss, accuracy: e.accuracy };
    });
  }

  /** Every lane's curve (copies). */
  curves(): Array<{
    lane: number;
    step: number;
    diverged: Divergence | null;
    points: CurvePoint[];
  }> {
    return this.lanes.map((l) => ({
      lane: l.id,
      step: l.learner.stepCount,
      diverged: l.diverged ? { ...l.diverged } : null,
      points: l.curve.map((p) => ({ ...p })),
    }));
  }

  /** A lane's update records, one per CHECK_EVERY interval, with the histograms' bin edges. */
  updates(id: number): { lane: number; edges: number[]; records: UpdateRecord[] } {
    const lane = this.lane(id);
    return { lane: id, edges: histogramEdges(), records: structuredClone(lane.updates) };
  }

  /** The race tree: every lane with its parent and the step it branched from. */
  tree(): LaneNode[] {
    return this.lanes.map((l) => ({
      lane: l.id,
      parent: l.parent,
      fromStep: l.fromStep,
      options: { ...l.options },
      optimizerState: l.optimizerState,
    }));
  }

  /**
   * The snapshots kept: steps per lane, the bytes they hold, the cap. Thinning rule: after each
   * new snapshot, while the total is over the cap, the race drops the snapshot whose removal
   * leaves the smallest gap between its lane's neighbouring snapshots (ties: the oldest step,
   * then the lowest lane). A lane's first snapshot (step 0 or its branch point) and its newest
   * are never dropped, so recent history stays dense and old history thins out evenly.
   */
  snapshots(): SnapshotReport {
    let bytes = 0;
    let count = 0;
    for (const l of this.lanes) {
      bytes += l.snapshots.length * l.snapshotBytes;
      count += l.snapshots.length;
    }
    return {
      lanes: this.lanes.map((l) => ({ lane: l.id, steps: l.snapshots.map((s) => s.step) })),
      bytes,
      capBytes: this.memoryCapBytes,
      count,
      bytesPerSnapshot: this.lanes.map((l) => l.snapshotBytes),
    };
  }

  private takeSnapshot(lane: Lane): void {
    const step = lane.learner.stepCount;
    const last = lane.snapshots[lane.snapshots.length - 1];
    if (last && last.step === step) return;
    lane.snapshots.push({ step, snap: lane.learner.snapshot() });
    this.thin();
  }

  private thin(): void {
    let bytes = this.snapshots().bytes;
    while (bytes > this.memoryCapBytes) {
      let best: { lane: Lane; index: number; gap: number; step: number } | null = null;
      for (const lane of this.lanes) {
        const s = lane.snapshots;
        for (let i = 1; i < s.length - 1; i++) {
          const gap = s[i + 1]!.step - s[i - 1]!.step;
          if (!best || gap < best.gap || (gap === best.gap && s[i]!.step < best.step)) {
            best = { lane, index: i, gap, step: s[i]!.step };
          }
        }
      }
      if (!best) break;
      best.lane.snapshots.splice(best.index, 1);
      bytes -= best.lane.snapshotBytes;
    }
  }

  private snapshotAt(lane: Lane, step: number): { step: number; snap: Snapshot } {
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
      throw new SpecError([`step must be an integer of at least 0, got ${String(step)}`]);
    }
    let found: { step: number; snap: Snapshot } | undefined;
    for (const s of lane.snapshots) if (s.step <= step) found = s;
    if (!found) {
      throw new SpecError([
        `lane ${lane.id} has no snapshot at or before step ${step} (its first is at step ${lane.snapshots[0]?.step})`,
      ]);
    }
    return found;
  }

  /**
   * Puts a lane back to its latest snapshot at or before `step` (weights, optimizer state,
   * random streams, counters) and forgets what came after: its later snapshots, curve points and
   * update records. Training on repeats the same steps exactly. Returns the step it is now at.
   */
  rewind(id: number, step: number): number {
    const lane = this.lane(id);
    const s = this.snapshotAt(lane, step);
    lane.learner.restore(s.snap);
    lane.snapshots = lane.snapshots.filter((x) => x.step <= s.step);
    lane.curve = lane.curve.filter((p) => p.step <= s.step);
    lane.updates = lane.updates.filter((p) => p.step <= s.step);
    lane.diverged = null;
    this.clearInterval(lane);
    return s.step;
  }

  /**
   * Adds a lane that starts from `parent`'s latest snapshot at or before `step`: its weights,
   * its step count, its batch order and training random stream, with the parent's options
   * overlaid by `options` (the batch size stays the race's). With the same optimizer the child
   * keeps the parent's optimizer state (momentum, Adam's moments and step count); with another
   * optimizer it starts that optimizer fresh (zero state, bias corrections from 1) on the
   * parent's weights. At most `MAX_BRANCHES` branches per race. Returns the new lane's id.
   */
  branch(parentId: number, step: number, options: Partial<TrainOptions>): number {
    const parent = this.lane(parentId);
    if (this.lanes.length >= this.startCount + MAX_BRANCHES) {
      throw new SpecError([`a race holds at most ${MAX_BRANCHES} branches; rewind a lane instead`]);
    }
    const s = this.snapshotAt(parent, step);
    const decoded = parent.learner.decodeSnapshot(s.snap);
    const wanted = { ...parent.options, ...options, batch: this.batch };
    const same = parseOptions(wanted, 'options').optimizer === parent.options.optimizer;
    const lane = this.makeLane(wanted, 'options', parent.id, s.step, same ? 'kept' : 'fresh');
    try {
      this.checkRoom(lane.snapshotBytes);
      lane.learner.loadStateDict(decoded.params, decoded.step);
      if (same) lane.learner.loadTrainingState(decoded.state);
      else lane.learner.loadStreamState(decoded.state);
    } catch (error) {
      lane.learner.dispose();
      throw error;
    }
    this.lanes.push(lane);
    this.takeSnapshot(lane);
    return lane.id;
  }

  /**
   * The training loss (the whole training split, no dropout, without the L1/L2 penalties)
   * around a lane's current weights, on a `resolution` × `resolution` grid.
   *
   * `axes: 'random'` (default): two directions d1, d2 drawn from the kernel's random stream
   * (seed `seed`, default the race's) as standard normals, then filter-normalised as in Li et
   * al. 2018: in every weight tensor each output neuron's row of d is scaled to the norm of
   * that neuron's weight row; bias directions are 0 (the biases stay at the lane's values). The
   * grid point (a, b) has weights w + a·d1 + b·d2. Each lane's path is the least-squares
   * projection of w_t − w (w_t from its snapshots, then its current weights) onto (d1, d2).
   *
   * `axes: 'params'`: for a network with exactly two parameters (one weight and one bias), the
   * exact landscape over (weight, bias) centred on the lane's values; paths are the raw values.
   *
   * The lane's weights are put back afterwards; nothing else changes.
   */
  landscape(id: number, options: LandscapeOptions = {}): Landscape {
    const lane = this.lane(id);
    const paths = this.lanes.map((l): ParamPath => {
      const points: ParamPath['points'] = l.snapshots.map((snap) => ({
        step: snap.step,
        values: new Float32Array(snap.snap.params),
      }));
      if (points.at(-1)?.step !== l.learner.stepCount)
        points.push({ step: l.learner.stepCount, values: l.learner.paramVector() });
      return { lane: l.id, points };
    });
    return { lane: id, ...sliceLandscape(this.module, lane.learner, this.seed, options, paths) };
  }

  /**
   * Every lane's options, its curve, its weightsHash at its start (step 0, or its branch point)
   * and now, its step and its divergence: what the command line's `race` prints.
   */
  async report(): Promise<RaceReport> {
    const hashes = await this.hashes();
    const curves = this.curves();
    const lanes: RaceReport['lanes'] = [];
    for (const l of this.lanes) {
      const first = l.learner.decodeSnapshot(l.snapshots[0]!.snap);
      lanes.push({
        lane: l.id,
        parent: l.parent,
        fromStep: l.fromStep,
        options: { ...l.options },
        step: l.learner.stepCount,
        startHash: await hashParams(first.params.map((p) => p.values as Float32Array)),
        finalHash: hashes[l.id]!,
        diverged: curves[l.id]!.diverged,
        curve: curves[l.id]!.points,
      });
    }
    return { lanes };
  }

  /** Releases every lane's kernel instance. */
  dispose(): void {
    for (const l of this.lanes) l.learner.dispose();
    this.lanes.length = 0;
  }
}
