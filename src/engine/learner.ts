/**
 * A learner: one network, its optimizer and its data in one kernel instance.
 * create → step(n) → evaluate / predict / read → snapshot / restore → dispose. The same class
 * runs in Node (tests, the command line, the verifier) and behind Comlink in a Web Worker.
 * After the constructor nothing allocates kernel memory again, so typed-array views made here
 * stay valid and training allocates no JS buffers.
 */
import type { Split } from '../data/dataset.js';
import { Arena, type Snapshot } from './arena.js';
import {
  checkLearnerData,
  sequenceShape,
  checkSeed,
  hashParams,
  type Evaluation,
  type LearnerData,
  type SampleOptions,
  type SplitName,
  type StepResult,
  type TensorInfo,
} from './learner-types.js';
import { gradientOf, lossOf, predict, probe, sample } from './inspect.js';
import { gradientHealth, recurrentState, type RecurrentState } from './recurrent-state.js';
import { attentionMaps, type AttentionMap } from './attention-state.js';
import { LIMITS } from './limits.js';
import { parseOptions, type TrainOptions } from './options.js';
import { HISTORY_CAPACITY, planArena, type Plan } from './plan.js';
import { H, writeProgram } from './program.js';
import { DivergenceWatch, type Divergence } from './divergence.js';
import { formatShort as fmt } from './format.js';
import {
  checkBuffers,
  checkStateDict,
  checkTrainingState,
  readTrainingState,
  type StateDictEntry,
  type TrainingState,
} from './training-state.js';
import {
  INITS,
  SpecError,
  buildNetwork,
  parseSpec,
  Issues,
  checkChoice,
  show,
  type LayerSummary,
  type Network,
} from './spec.js';

const SPLIT_INDEX: Record<SplitName, number> = { train: 0, validation: 1, test: 2 };

/** Kernel codes of the schemes a spec cannot choose, which op types declare for their parameters. */
const INIT_CODE = { ones: 5, recurrent: 6, normal: 7, gpt: 8 } as const;

/** Largest magnitude `setParam` writes: far beyond any trained weight, far below overflow. */
const MAX_PARAM = 1e6;

/** The training stream gets its own seed so that changing dropout never changes the init. */
const TRAIN_STREAM = 0x9e3779b9;

export class Learner {
  readonly network: Network;
  readonly options: TrainOptions;
  readonly plan: Plan;
  readonly seed: number;
  private readonly arena: Arena;
  /** The program header (the kernel's counters and results), as words and as f64 pairs. */
  private readonly words: Int32Array;
  private readonly f64: Float64Array;
  private readonly histLoss: Float32Array;
  private readonly histNorm: Float32Array;
  private readonly histCorrect: Int32Array;
  /** Every parameter slot (padding included, which stays 0), for the finiteness check. */
  private readonly paramBlock: Float32Array;
  /** The regression targets' standardisation, to report losses in the data's own units. */
  private readonly targetScale: {
    readonly mean: readonly number[];
    readonly std: readonly number[];
  } | null;
  private readonly initial: Snapshot;
  private readonly result: StepResult = {
    step: 0,
    ran: 0,
    trainLoss: NaN,
    lastLoss: NaN,
    trainAccuracy: null,
    gradNorm: 0,
    diverged: null,
  };
  /** Row of the recurrent layers' health histories that holds the latest step, or −1: none yet. */
  private healthSlot = -1;
  /** What tells an overshooting learning rate from an exploding gradient, and the divergence. */
  private readonly watch = new DivergenceWatch();

  constructor(
    module: WebAssembly.Module,
    specJson: unknown,
    data: LearnerData,
    optionsJson: unknown,
    seed: number,
  ) {
    this.seed = checkSeed(seed);
    const spec = parseSpec(specJson);
    this.options = parseOptions(optionsJson);
    checkLearnerData(data, this.options.batch);
    this.targetScale = data.task === 'regression' ? (data.targetStandardization ?? null) : null;
    if (
      this.targetScale &&
      (this.targetScale.mean.length !== data.outputs ||
        this.targetScale.std.length !== data.outputs)
    ) {
      throw new SpecError([
        `data.targetStandardization must hold one mean and one std per target (${data.outputs})`,
      ]);
    }
    const image = data.image ?? null;
    this.network = buildNetwork(spec, {
      inputs: data.inputs,
      ...(image ? { inputShape: [image.channels, image.height, image.width] } : {}),
      outputs: data.outputs,
      task: data.task,
      dataName: data.name,
      ...(data.sequence ? { sequence: sequenceShape(data.sequence) } : {}),
    });
    const targetWidth = this.network.positions * (data.task === 'multiclass' ? 1 : data.outputs);
    this.plan = planArena(this.network, this.options, {
      inputs: data.inputs,
      targetWidth,
      train: data.train.n,
      validation: data.validation.n,
      test: data.test.n,
      pixels: image !== null,
    });

    this.arena = new Arena(module, this.plan, (memory, base) =>
      writeProgram(memory, base, this.plan, this.network, this.options, image?.scale ?? 0),
    );
    const kernel = this.arena.live();
    const buffer = kernel.memory.buffer;
    this.words = this.arena.words;
    this.f64 = this.arena.f64;
    this.histLoss = this.arena.view('history.loss') as Float32Array;
    this.histNorm = this.arena.view('history.gradNorm') as Float32Array;
    this.histCorrect = this.arena.view('history.correct') as Int32Array;
    this.paramBlock = new Float32Array(
      buffer,
      this.arena.base + this.plan.regions.params.start,
      this.plan.paramSlots,
    );

    for (const split of ['train', 'validation', 'test'] as const) {
      this.arena.copyIn(`${split}.x`, data[split].x, data[split].n * data.inputs, `${split}.x`);
      this.arena.copyIn(`${split}.y`, data[split].y, data[split].n * targetWidth, `${split}.y`);
    }
    const order = this.arena.view('order') as Int32Array;
    for (let i = 0; i < order.length; i++) order[i] = i;
    kernel.rng_seed(this.arena.ptr('rng.init'), this.seed);
    kernel.rng_seed(this.arena.ptr('rng.train'), (this.seed ^ TRAIN_STREAM) >>> 0);
    for (const p of this.plan.params) {
      const { decl } = p;
      const scheme =
        decl.init in INIT_CODE
          ? INIT_CODE[decl.init as keyof typeof INIT_CODE]
          : INITS.indexOf(decl.init as (typeof INITS)[number]);
      // Biases start at 0 without a draw, as before; every other scheme goes through the kernel.
      if (decl.init === 'zeros' && !decl.decay) continue;
      kernel.init_weights(
        this.arena.ptr(p.name),
        p.length,
        decl.fanIn,
        decl.fanOut,
        scheme,
        this.arena.ptr('rng.init'),
      );
    }
    for (const b of this.plan.buffers) {
      const buffer = kernel.memory.buffer;
      const at = this.arena.base + b.offset;
      if (b.dtype === 'i32') new Int32Array(buffer, at, b.length).fill(b.fill);
      else new Float32Array(buffer, at, b.length).fill(b.fill);
    }
    this.initial = this.snapshot();
  }

  /**
   * Runs `n` training steps (in as few kernel calls as the history buffer allows). After the
   * last one the weights are checked: an update that left a weight infinite or NaN is reported
   * as a divergence (`quantity: 'weights'`) like a loss or gradient the kernel caught.
   */
  step(n = 1): StepResult {
    const k = this.arena.live();
    const r = this.result;
    if (n > LIMITS.maxStepCount - this.words[H.STEP]!) {
      throw new RangeError(
        `${n} more steps would take the step counter (${this.words[H.STEP]}) past ${LIMITS.maxStepCount}, the most it can hold`,
      );
    }
    if (this.watch.found) {
      r.ran = 0;
      r.diverged = this.watch.found;
      return r;
    }
    let ran = 0;
    let lossSum = 0;
    let correctSum = 0;
    while (ran < n) {
      const chunk = Math.min(n - ran, HISTORY_CAPACITY);
      const done = k.program_train(this.arena.program, chunk);
      for (let i = 0; i < done; i++) {
        lossSum += this.histLoss[i]!;
        correctSum += this.histCorrect[i]!;
      }
      this.watch.observe(this.histLoss, this.histNorm, done);
      // A step stopped for its gradient ran backward: its health row shows the explosion.
      const stopped = done < chunk && this.words[H.STATUS] === 2;
      if (done > 0 || stopped) this.healthSlot = stopped ? done : done - 1;
      if (done > 0) {
        r.lastLoss = this.histLoss[done - 1]!;
        r.gradNorm = this.histNorm[done - 1]!;
      }
      ran += done;
      if (done < chunk) {
        // The kernel stops a chunk at the first step whose loss or gradient is not finite.
        const quantity = this.words[H.STATUS] === 1 ? 'loss' : 'gradient';
        this.watch.record(quantity, this.words[H.STEP]! + 1, r.gradNorm, this.options.lr);
        break;
      }
    }
    if (!this.watch.found && ran > 0 && !this.paramsFinite()) {
      this.watch.record('weights', this.words[H.STEP]!, r.gradNorm, this.options.lr);
    }
    r.step = this.words[H.STEP]!;
    r.ran = ran;
    r.trainLoss = ran > 0 ? lossSum / ran : NaN;
    r.trainAccuracy =
      this.network.task === 'regression' || ran === 0
        ? null
        : correctSum / (ran * this.options.batch * this.answersPerRow());
    r.diverged = this.watch.found;
    return r;
  }

  /**
   * Checks what `step` cannot see cheaply: that every weight is a finite number and that the
   * loss over each whole split is too (weights near 1e20 are finite, but their squared errors
   * overflow). Returns the run's divergence, this one or an earlier one, or null; a divergence
   * found here stops later `step` calls like any other, until `restore`/`reset`. Meant for the
   * end of a run (the command line calls it before reporting or saving): it evaluates all splits.
   */
  checkFinite(): Divergence | null {
    if (this.watch.found) return this.watch.found;
    const step = this.stepCount;
    const { lr } = this.options;
    if (!this.paramsFinite()) return this.watch.record('weights', step, this.result.gradNorm, lr);
    for (const split of ['train', 'validation', 'test'] as const) {
      const e = this.evaluate(split);
      if (!Number.isFinite(e.loss)) {
        let largest = 0;
        for (let i = 0; i < this.paramBlock.length; i++) {
          largest = Math.max(largest, Math.abs(this.paramBlock[i]!));
        }
        return this.watch.record(
          'loss',
          step,
          this.result.gradNorm,
          lr,
          `After step ${step} the ${split} loss is not a finite number (the largest weight is ${fmt(largest)})`,
        );
      }
    }
    return null;
  }

  /** The loss of the first batch since the learner was made, restored or loaded (NaN before). */
  get firstBatchLoss(): number {
    return this.watch.firstBatchLoss;
  }

  /**
   * The regression targets' standardisation the learner trains on (from the data set), or null
   * when the targets are the data's own numbers (or the task is classification).
   */
  get targetStandardization(): {
    readonly mean: readonly number[];
    readonly std: readonly number[];
  } | null {
    return this.targetScale;
  }

  /**
   * The mean squared error of a split in the data's own units, undoing the target
   * standardisation: mean over rows and targets of ((prediction − target) · std)². Null when the
   * targets were not standardised (a regression loss is then already in the data's units).
   */
  lossInTargetUnits(split: SplitName): number | null {
    const scale = this.targetScale;
    if (!scale) return null;
    const rows = this.words[H.SPLITS + 3 * SPLIT_INDEX[split] + 2]!;
    if (rows === 0) return 0;
    const width = this.network.outputs;
    const predicted = this.predict(this.arena.view(`${split}.x`) as Float32Array, rows);
    const target = this.arena.view(`${split}.y`);
    let sum = 0;
    for (let i = 0; i < predicted.length; i++) {
      const d = (predicted[i]! - target[i]!) * scale.std[i % width]!;
      sum += d * d;
    }
    return sum / predicted.length;
  }

  private paramsFinite(): boolean {
    const block = this.paramBlock;
    for (let i = 0; i < block.length; i++) {
      if (!Number.isFinite(block[i]!)) return false;
    }
    return true;
  }

  /**
   * Yes/no answers per row are one per output (a network trained with squared error on a yes/no
   * task is scored the same way, its output read as yes above 0.5); a row of classes is one answer.
   */
  private answersPerRow(): number {
    const { network } = this;
    return network.positions * (network.task === 'multiclass' ? 1 : network.outputs);
  }

  /**
   * The gradient's health along the sequence: for each recurrent layer (`1` for `1.weight_ih_l0`),
   * ‖∂L/∂h(t)‖ over the batch at every step t of the latest training step, or none before the
   * first. A plain RNN's norms fade toward the early steps (vanishing) or grow (exploding).
   */
  gradientHealth(): { layer: string; norms: Float32Array }[] {
    return gradientHealth(this.arena, this.healthSlot);
  }

  /**
   * Generates `length` tokens after `prompt` (token ids), one at a time: each is drawn from the
   * network's scores at the last position of the latest `steps` tokens, softened by `temperature`
   * (0: always the likeliest) and cut to the `topK` likeliest (0: all), with the kernel's PRNG
   * seeded by `seed`, so the same model, prompt and seed give the same tokens everywhere. Stops
   * early after `stop` (an id, e.g. the end of a name). Needs token data scored at every step.
   */
  sample(prompt: readonly number[], length: number, options: SampleOptions): number[] {
    return sample(this.arena, this.network, prompt, length, options);
  }

  /**
   * One sequence `x` [inputs] through the network: the recurrent layer `layer`'s hidden state at
   * every step, and an LSTM's cell and gates (a GRU's gates), for the game's heatmaps.
   */
  recurrentState(x: Float32Array, layer: string): RecurrentState {
    return recurrentState(this.arena, this.network, x, layer);
  }

  /** Every attention layer's weights [H, T, T] for one example (`attention-state.ts`). */
  attention(x: Float32Array): AttentionMap[] {
    return attentionMaps(this.arena, this.network, x);
  }

  /** What this learner trains: the network as built, its full options and its seed. */
  describe(): { spec: Network['spec']; options: TrainOptions; seed: number; step: number } {
    return {
      spec: structuredClone(this.network.spec),
      options: { ...this.options },
      seed: this.seed,
      step: this.stepCount,
    };
  }

  /** Mean loss and accuracy over a whole split, without dropout. */
  evaluate(split: SplitName): Evaluation {
    const k = this.arena.live();
    const loss = k.program_eval(this.arena.program, SPLIT_INDEX[split], 0);
    const rows = this.words[H.SPLITS + 3 * SPLIT_INDEX[split] + 2]!;
    const correct = this.words[H.EVAL_CORRECT]!;
    const accuracy =
      this.network.task === 'regression' || rows === 0
        ? null
        : correct / (rows * this.answersPerRow());
    const symbols = this.network.task === 'multiclass' && this.network.positions > 1;
    const perplexity = symbols && Number.isFinite(loss) ? k.exp_f64(loss) : null;
    return { split, loss, accuracy, rows, perplexity };
  }

  /**
   * Predictions for `rows` examples `x` [rows, inputs] (already standardised like the data):
   * probabilities for BCE/CCE, values for MSE, as a new [rows, outputs] array.
   */
  predict(x: Float32Array, rows = x.length / this.network.spec.inputs): Float32Array {
    return predict(this.arena, this.network, x, rows);
  }

  /**
   * Runs `x` [rows, inputs] forward (no dropout) and returns the rows of the named activation
   * tensors (e.g. `1.out`, or `features`, the input features of a spec that has them) as
   * [rows, values per example] arrays: what a per-neuron or per-feature heatmap draws.
   */
  probe(x: Float32Array, names: readonly string[]): Record<string, Float32Array> {
    return probe(this.arena, this.network, x, names);
  }

  /**
   * Writes one element of a parameter tensor, as a player who types a new value for a weight:
   * `name` is a parameter (`0.weight`, `2.bias` …), `index` a position in its row-major values
   * (0 to length − 1) and `value` a finite number with |value| ≤ 1e6, stored as float32. Nothing
   * else changes: the optimizer state, the step count and the starting weights `reset` returns
   * to stay as they were. Throws a SpecError naming what is allowed.
   */
  setParam(name: string, index: number, value: number): void {
    this.arena.live();
    const names = this.plan.params.map((t) => t.name);
    const issues = new Issues();
    if (!checkChoice(issues, 'setParam: name', name, names)) issues.throwIfAny();
    const t = this.arena.tensor(name);
    const last = t.length - 1;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > last) {
      issues.add(
        'setParam: index',
        `must be an integer from 0 to ${last} (${name} [${t.shape.join(', ')}] holds ${t.length} value${t.length === 1 ? '' : 's'}), got ${show(index)}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_PARAM) {
      issues.add(
        'setParam: value',
        `must be a finite number from -${MAX_PARAM} to ${MAX_PARAM}, got ${show(value)}`,
      );
    }
    issues.throwIfAny();
    (this.arena.view(name) as Float32Array)[index] = value;
  }

  /** Copy of a named tensor (parameters, gradients, activations, optimizer state …). */
  read(name: string): Float32Array | Int32Array | Uint8Array {
    return this.arena.view(name).slice();
  }

  /** Names, regions and shapes of every tensor, for the UI and for tests. */
  tensors(): TensorInfo[] {
    return this.plan.tensors.map((t) => ({ name: t.name, region: t.region, shape: t.shape }));
  }

  /** The per-layer summary with parameter counts and their formulas. */
  get summary(): LayerSummary[] {
    return this.network.summary;
  }

  /** The kernel's memory, for tests that check it never grows or moves during training. */
  get kernelMemory(): WebAssembly.Memory {
    return this.arena.live().memory;
  }

  get stepCount(): number {
    return this.words[H.STEP]!;
  }

  /** Parameters in PyTorch state-dict order, copied out. */
  stateDict(): Array<{ name: string; shape: number[]; values: Float32Array }> {
    return this.plan.params.map((t) => ({
      name: t.name,
      shape: t.shape,
      values: this.arena.view(t.name).slice() as Float32Array,
    }));
  }

  /** Non-trainable buffers (batch-norm running statistics) in state-dict order, copied out. */
  bufferDict(): Array<{ name: string; shape: number[]; values: Float32Array | Int32Array }> {
    return this.plan.buffers.map((t) => ({
      name: t.name,
      shape: t.shape,
      values: this.arena.view(t.name).slice() as Float32Array | Int32Array,
    }));
  }

  /**
   * Replaces the parameters (e.g. from a model file), after checking that names and shapes match
   * exactly, and the buffers when `buffers` is given (all of the network's, checked alike; left
   * as they are otherwise). Optimizer state is reset (`loadTrainingState`, called after this, brings a saved one
   * back); `step` sets the step counter, from 0 to `LIMITS.maxStepCount`.
   */
  loadStateDict(
    entries: readonly StateDictEntry[],
    step = 0,
    buffers?: readonly StateDictEntry[],
  ): void {
    const given = checkStateDict(entries, step, this.plan);
    const kept = buffers ? checkBuffers(buffers, this.plan) : null;
    if (kept) {
      for (const t of this.plan.buffers) this.arena.view(t.name).set(kept.get(t.name)!.values);
    }
    for (const t of this.plan.params)
      (this.arena.view(t.name) as Float32Array).set(given.get(t.name)!.values);
    const opt = this.plan.regions.optimizer;
    new Uint8Array(
      this.arena.live().memory.buffer,
      this.arena.base + opt.start,
      opt.end - opt.start,
    ).fill(0);
    this.words[H.STEP] = step;
    this.words[H.T] = 0;
    this.f64[H.BC1 / 2] = 1;
    this.f64[H.BC2 / 2] = 1;
    this.watch.clear();
  }

  /**
   * A copy of the optimizer state and the training counters (see `TrainingState`): with the
   * parameters and the step count, what continues this run bit-identically in a new learner
   * built from the same spec, data, options and seed.
   */
  trainingState(): TrainingState {
    return readTrainingState(this.plan, this.options.optimizer, (name) => this.arena.view(name));
  }

  /**
   * Brings back a `trainingState` (from a model file, say) after `loadStateDict` has set the
   * parameters and the step. Everything is checked first and nothing changes on a refusal: the
   * state must belong to this learner's optimizer, its buffers must match the parameters by
   * name and shape and hold finite numbers, and its shuffle order must be a permutation of this
   * data's training rows (state saved for other data is refused by its size).
   */
  loadTrainingState(state: TrainingState): void {
    const optimizer = this.options.optimizer;
    const wanted = checkTrainingState(state, optimizer, this.plan.params, this.words[H.NTRAIN]!);

    for (const [key, { param, given }] of wanted) {
      const [buffer] = key.split('/');
      (this.arena.view(`optimizer.${buffer}`) as Float32Array).set(given, param.offset / 4);
    }
    (this.arena.view('rng.train') as Int32Array).set(state.rng.map((w) => w | 0));
    (this.arena.view('order') as Int32Array).set(state.order);
    this.words[H.T] = state.t;
    this.f64[H.BC1 / 2] = state.beta1Power;
    this.f64[H.BC2 / 2] = state.beta2Power;
    this.words[H.CURSOR] = state.cursor;
  }

  /**
   * Brings back the shuffle position, the shuffle order and the training random stream of a
   * `trainingState` (checked as `loadTrainingState` does, nothing changes on a refusal) and
   * leaves the optimizer state as it is: after `loadStateDict`, that is a fresh optimizer on
   * the saved weights that still sees the same batches as the run it came from. The state may
   * belong to any optimizer; its buffers are ignored.
   */
  loadStreamState(state: TrainingState): void {
    const optimizer = this.options.optimizer;
    checkTrainingState({ ...state, optimizer, buffers: [] }, optimizer, [], this.words[H.NTRAIN]!);
    (this.arena.view('rng.train') as Int32Array).set(state.rng.map((w) => w | 0));
    (this.arena.view('order') as Int32Array).set(state.order);
    this.words[H.CURSOR] = state.cursor;
  }

  /**
   * Reads a snapshot taken by this learner without touching the learner: its parameters in
   * state-dict order, its step and its training state (as `trainingState` would have said then).
   */
  decodeSnapshot(snapshot: Snapshot): {
    params: StateDictEntry[];
    step: number;
    state: TrainingState;
  } {
    this.arena.checkSnapshot(snapshot);
    const params = this.plan.params.map((t) => ({
      name: t.name,
      shape: [...t.shape],
      values: new Float32Array(snapshot.params, t.offset, t.length).slice(),
    }));
    const view = (name: string): Float32Array | Int32Array =>
      this.arena.snapshotView(snapshot, name);
    const state = readTrainingState(this.plan, this.options.optimizer, view);
    return { params, step: (view('program') as Int32Array)[H.STEP]!, state };
  }

  /**
   * One batch's training loss and ∂loss/∂parameter of every parameter (see `inspect.ts`): the
   * whole-network gradient check. `draw` draws fresh dropout masks; without it the last ones stay.
   */
  gradientOf(
    x: Float32Array,
    y: Float32Array,
    draw = true,
  ): { loss: number; grads: Map<string, Float32Array> } {
    return gradientOf(this.arena, this.network, x, y, draw);
  }

  /** The training-mode loss of `x`, `y` at the current parameters with the last dropout masks. */
  lossOf(x: Float32Array, y: Float32Array): number {
    return lossOf(this.arena, this.network, x, y);
  }

  /** A copy of every parameter slot (padding included) as one flat array. */
  paramVector(): Float32Array {
    this.arena.live();
    return this.paramBlock.slice();
  }

  /**
   * Overwrites every parameter slot from a flat array of `paramVector`'s length (to probe the
   * loss at other weights and put them back). Nothing else changes: optimizer state, counters
   * and the random streams stay as they were.
   */
  setParamVector(values: Float32Array): void {
    this.arena.live();
    if (values.length !== this.paramBlock.length) {
      throw new Error(
        `setParamVector needs ${this.paramBlock.length} values, got ${values.length}`,
      );
    }
    this.paramBlock.set(values);
  }

  /**
   * SHA-256 (hex) of the parameters' little-endian float32 bytes in state-dict order, followed by
   * the buffers' (running statistics, batch counts) when the network has any.
   */
  async weightsHash(): Promise<string> {
    const buffers = this.bufferDict().map(
      (b) => new Float32Array(b.values.buffer, b.values.byteOffset, b.values.length),
    );
    return hashParams([...this.stateDict().map((p) => p.values), ...buffers]);
  }

  /** Saves everything a later `restore` needs to continue bit-identically from here. */
  snapshot(): Snapshot {
    return this.arena.snapshot();
  }

  /** Rewinds to a snapshot of this learner; also clears a divergence. */
  restore(snapshot: Snapshot): void {
    this.arena.restore(snapshot);
    this.watch.clear();
  }

  /** Back to the starting weights of this seed (the same ones, so one change can be compared fairly). */
  reset(): void {
    this.restore(this.initial);
  }

  /** Releases the kernel instance; the learner cannot be used afterwards. */
  dispose(): void {
    this.arena.dispose();
  }
}

export type { Divergence, Snapshot, Split, TrainingState };
export * from './learner-types.js';
