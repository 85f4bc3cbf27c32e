/**
 * The Training scene: the network learns live while the player watches. Play, pause, single
 * step, reset to the same starting weights, speed 1×–8×; loss curves with the goal's target;
 * for 2-D tasks the decision boundary with the data on top and one small map per first-layer
 * neuron; for a one-weight line fit the loss landscape with gradient descent's path; predicted
 * against true values for regression; a confusion matrix for classes; a network diagram whose
 * edges follow the weights.
 *
 * The game loop: one `step(n)` call in flight at a time (the worker does the arithmetic; the
 * main thread only draws), with `n` sized from the chosen speed and the measured step time so
 * frames stay smooth; the goal split is evaluated every CHECK_EVERY steps (chunks never cross a
 * check), training stops as soon as the goal is met or at the step budget, and a level run then
 * becomes an Attempt that is saved at once; the view stays (the player looks at what the network
 * learned) until the player asks for the Result. A diverged run stops and says why, with a
 * "rewind and lower the learning rate" action — or, where the learning rate is the level's idea,
 * the way back to the workbench to choose one.
 *
 * Beside the run, the previous era's model trained on the same data (`ghost.ts`) keeps pace:
 * its goal metric at the same step, its boundary on a small map, its loss curve in grey when the
 * losses are of one kind, and the level's lesson once it has missed.
 */
import * as Phaser from 'phaser';
import type { Divergence, SplitName } from '../../engine/learner.js';
import type { DataRequest, LearnerInfo } from '../../engine/trainer.js';
import { defaultLoss } from '../../engine/spec.js';
import {
  CHECK_EVERY,
  checkGoal,
  conformSetup,
  dataRequest,
  goalMet,
  levelById,
  rulesOf,
  starsFor,
} from '../../levels/index.js';
import type { Attempt, Level, RunOutcome } from '../../levels/types.js';
import { ghostFor, type Ghost } from '../ghost.js';
import { GhostStrip } from '../objects/ghost-strip.js';
import { Confusion, confusionCounts } from '../objects/confusion.js';
import {
  CLASS_COLORS,
  Heatmap,
  drawMarker,
  extentOf,
  gridInputs,
  type Extent,
} from '../objects/heatmap.js';
import { Landscape } from '../objects/landscape.js';
import { LossChart, fmt } from '../objects/loss-chart.js';
import { NetworkView } from '../objects/network-view.js';
import { NeuronMaps } from '../objects/neuron-maps.js';
import { Scatter } from '../objects/scatter.js';
import { addNotice, reportTraining, services, type TrainingProgress } from '../services.js';
import { SPEEDS } from '../state/saves.js';
import { isEditable } from '../state/teacher.js';
import {
  COLORS,
  CSS,
  HEIGHT,
  MOTION,
  RADIUS,
  TEXT,
  WIDTH,
  diverging,
  reducedMotion,
  textStyle,
  viridis,
} from '../theme.js';
import { Button } from '../ui/button.js';
import { Choice } from '../ui/choice.js';
import { FocusManager } from '../ui/focus.js';
import { formatNumber } from '../ui/slider.js';
import { SCENES, type Draft, type ResultData, type TrainingData } from './keys.js';

/** Steps per second at 1×; the speed setting multiplies it (8× ≈ 800 steps a second). */
const STEPS_PER_SECOND = 100;
/** A step call taking longer than this shrinks the next chunk (the worker's time, plus latency). */
const STEP_TIME_BUDGET_MS = 40;
/** Most steps one call may run: keeps each answer quick so pause and the pictures stay responsive. */
const MAX_CHUNK = 400;
/** Pictures (grid predictions, probes, weights) refresh at most this often. */
const VISUAL_EVERY_MS = 120;
/** Boundary map resolution (cells per side) and neuron map resolution. */
const GRID = 48;
const NEURON_GRID = 28;
/** Points drawn on the boundary map: enough to see the shape, few enough to stay readable. */
const MAX_POINTS = 500;

type Phase = 'loading' | 'paused' | 'running' | 'done' | 'diverged' | 'error';

export class Training extends Phaser.Scene {
  private levelId: string | null = null;
  private level: Level | null = null;
  private draft!: Draft;
  private request!: DataRequest;
  private info: LearnerInfo | null = null;
  private phase: Phase = 'loading';
  private busy = false;
  private stepCount = 0;
  private stepBudget = 1000;
  /** Upper bound on steps per call, learned from how long calls take. */
  private chunk = 8;
  private lastTick = 0;
  private latency = Infinity;
  private lastVisual = 0;
  private lastLoss: number | null = null;
  private trainAccuracy: number | null = null;
  private validation: { loss: number; accuracy: number | null } | null = null;
  private goalValue: { loss: number; accuracy: number | null } | null = null;
  private passed = false;
  private speed = 1;

  private chart!: LossChart;
  private metrics!: Phaser.GameObjects.Text;
  private status!: Phaser.GameObjects.Text;
  private playButton!: Button;
  private stepButton!: Button;
  private resetButton!: Button;
  private boundary: Heatmap | null = null;
  private extent: Extent | null = null;
  private grid: Float32Array | null = null;
  private neurons: NeuronMaps | null = null;
  private neuronTensor: string | null = null;
  private landscape: Landscape | null = null;
  private fitPlot: Phaser.GameObjects.Graphics | null = null;
  private fitArea = { left: 56, top: 122, size: 380 };
  private fitData: { x: Float32Array; y: Float32Array } | null = null;
  private scatter: Scatter | null = null;
  private confusion: Confusion | null = null;
  private network: NetworkView | null = null;
  private denseModules: number[] = [];
  private overlay: Phaser.GameObjects.Container | null = null;
  private validationSet: { x: Float32Array; y: Float32Array } | null = null;
  private ghost: Ghost | null = null;
  /** Lowest point drawn in the left panel so far: the ghost strip goes under it. */
  private leftBottom = 0;
  private ghostStrip: GhostStrip | null = null;
  private ghostLegend!: Phaser.GameObjects.Text;
  /** The run so far, for the Result's advice: train loss per chunk, validation loss per check. */
  private outcome: Pick<RunOutcome, 'train' | 'validation'> = { train: [], validation: [] };
  /** Steps owed to the clock below one per frame (the slow speeds). */
  private carry = 0;
  /** The recorded attempt of a finished level run, shown when the player asks for the Result. */
  private result: ResultData | null = null;

  constructor() {
    super(SCENES.training);
  }

  init(data: TrainingData): void {
    this.levelId = data.levelId;
    this.level = data.levelId ? (levelById(data.levelId) ?? null) : null;
    this.draft = structuredClone(data.draft);
    if (this.level) {
      // What trains is what the level allows, even if a caller skipped the Workbench.
      const { setup, changes } = conformSetup(rulesOf(this.level), this.draft);
      if (changes.length) addNotice(`Trained as this level allows: ${changes.join('; ')}.`);
      this.draft = setup;
    }
    this.request = this.level ? dataRequest(this.level) : data.data!;
    this.stepBudget = this.level?.stepBudget ?? 5000;
    this.phase = 'loading';
    this.busy = false;
    this.stepCount = 0;
    this.passed = false;
    this.info = null;
    this.chunk = 8;
    this.lastTick = 0;
    this.lastVisual = 0;
    this.latency = Infinity;
    this.boundary = this.neurons = this.landscape = this.fitPlot = null;
    this.scatter = this.confusion = this.network = this.overlay = null;
    this.fitData = this.validationSet = this.grid = this.extent = null;
    this.neuronTensor = null;
    this.denseModules = [];
    this.ghost = null;
    this.ghostStrip = null;
    this.leftBottom = 0;
    this.outcome = { train: [], validation: [] };
    this.carry = 0;
    this.result = null;
  }

  create(): void {
    this.cameras.main.setBackgroundColor(COLORS.background);
    const settings = services().saves.settings();
    this.speed = settings.speed;
    const teacher = services().hash.teacher;

    new Button(this, {
      x: 16,
      y: 14,
      label: 'Workbench',
      icon: 'build',
      variant: 'ghost',
      tooltip: 'Stop and go back to change the network',
      onClick: () => this.backToWorkbench(this.draft),
    });
    this.add.text(170, 10, this.level?.title ?? 'Sandbox', textStyle(TEXT.title, CSS.text, 600));
    this.add.text(170, 48, this.goalLine(), textStyle(TEXT.small, CSS.textDim));

    this.playButton = new Button(this, {
      x: 612,
      y: 14,
      width: 110,
      label: 'Play',
      icon: 'play',
      variant: 'primary',
      tooltip: 'Train continuously (Space)',
      onClick: () => this.togglePlay(),
    });
    this.stepButton = new Button(this, {
      x: 728,
      y: 14,
      width: 84,
      label: 'Step',
      icon: 'step',
      tooltip: 'Train exactly one step, then stop (S)',
      onClick: () => void this.singleStep(),
    });
    this.resetButton = new Button(this, {
      x: 818,
      y: 14,
      width: 92,
      label: 'Reset',
      icon: 'reset',
      tooltip: 'Back to the same starting weights, to compare changes fairly (R)',
      onClick: () => void this.resetRun(),
    });
    if (!teacher.hide.has('speed')) {
      new Choice<number>(this, {
        x: 918,
        y: 18,
        options: SPEEDS.map((s) => ({
          value: s,
          label: s === 0.25 ? '¼×' : `${s}×`,
          tooltip:
            s < 1 ? `Train slowly: ${s * STEPS_PER_SECOND} steps a second` : `Train ${s}× as fast`,
        })),
        value: this.speed,
        tooltip: 'Training speed (how many steps per frame)',
        locked: !isEditable('speed', teacher, false),
        onChange: (v) => {
          this.speed = v;
          services().saves.updateSettings({ speed: v });
        },
      });
    }
    new Button(this, {
      x: 1168,
      y: 14,
      width: 96,
      label: 'Log',
      tooltip: 'Switch the loss axis between linear and logarithmic',
      onClick: () => {
        const on = !services().saves.settings().logScale;
        services().saves.updateSettings({ logScale: on });
        this.chart.setLogScale(on);
      },
    });

    this.panel(16, 76, 440, 632);
    this.panel(472, 76, 396, 632);
    this.panel(884, 76, 380, 632);
    this.add.text(488, 88, 'Loss', textStyle(TEXT.label, CSS.text, 600));
    const target =
      this.level && this.level.goal.metric === 'loss' ? this.level.goal.threshold : null;
    this.chart = new LossChart(this, {
      x: 540,
      y: 122,
      width: 310,
      height: 200,
      stepBudget: this.stepBudget,
      target,
      logScale: settings.logScale,
    });
    const legend = this.add.graphics();
    legend.lineStyle(2.5, COLORS.loss, 1).lineBetween(488, 362, 512, 362);
    legend
      .lineStyle(2, COLORS.data, 1)
      .lineBetween(612, 362, 620, 362)
      .lineBetween(626, 362, 634, 362);
    this.add.text(518, 352, 'train', textStyle(TEXT.small, CSS.loss));
    this.add.text(640, 352, 'validation (dashed)', textStyle(TEXT.small, CSS.data));
    this.ghostLegend = this.add
      .text(488, 372, '┄ grey: the old way, validation', textStyle(TEXT.small, CSS.textDim))
      .setVisible(false);
    this.metrics = this.add.text(488, 396, '', textStyle(TEXT.body, CSS.text)).setLineSpacing(4);
    this.status = this.add
      .text(488, 500, 'Preparing the network…', textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(364);

    this.input.keyboard?.on('keydown', (e: KeyboardEvent) => {
      if (e.key === ' ' && !FocusManager.peek(this)?.current) {
        e.preventDefault();
        this.togglePlay();
      } else if (e.key === 's' || e.key === 'S') void this.singleStep();
      else if (e.key === 'r' || e.key === 'R') void this.resetRun();
    });
    this.events.once('shutdown', () => {
      this.phase = 'done';
    });
    FocusManager.for(this).focus(this.playButton, false);
    this.updateButtons();
    void this.start();
  }

  override update(time: number): void {
    if (this.phase === 'running' && !this.busy) void this.tick(time);
  }

  /** Creates the worker's learner for the draft; on a refusal shows why and returns false. */
  private async createLearner(): Promise<boolean> {
    try {
      this.info = await services().trainer.create(
        this.draft.spec,
        this.request,
        this.draft.options,
        this.draft.seed,
      );
      return true;
    } catch (error) {
      this.phase = 'error';
      this.status.setText(`⚠ ${(error as Error).message}`).setColor(CSS.warning);
      this.updateButtons();
      return false;
    }
  }

  /** Makes the learner (same seed → same starting weights) and the pictures the data calls for. */
  private async start(): Promise<void> {
    // Asked for first: usually the Workbench has had it trained already, so it costs nothing.
    const ghost = this.level ? ghostFor(this.level).catch(() => null) : Promise.resolve(null);
    if (!(await this.createLearner()) || !this.info || !this.scene.isActive()) return;
    await this.buildViews(this.info);
    this.ghost = await ghost;
    if (!this.scene.isActive()) return;
    this.showGhost();
    const scale = this.info.data.targetScale;
    if (scale) {
      this.ghostLegend
        .setText(`Scaled losses: the targets were divided by ${fmt(scale.std)}`)
        .setVisible(true);
    }
    this.phase = 'paused';
    this.status.setText('Ready. Press Play (or Space) to train.').setColor(CSS.textDim);
    this.publish();
    await this.refreshVisuals(true);
    this.updateButtons();
    this.togglePlay();
  }

  private async buildViews(info: LearnerInfo): Promise<void> {
    const trainer = services().trainer;
    const { inputs, task, outputs } = info.data;
    const spec = this.draft.spec;
    const classes = task === 'multiclass' ? outputs : task === 'binary' ? 2 : 0;
    const lineFit =
      inputs === 1 &&
      spec.layers.length === 1 &&
      spec.layers[0]!.type === 'dense' &&
      spec.layers[0]!.units === 1;
    this.denseModules = info.summary.filter((r) => r.kind === 'dense').map((r) => r.module);
    const x = (await trainer.read('train.x')) as Float32Array;
    const y = (await trainer.read('train.y')) as Float32Array;
    const vx = (await trainer.read('validation.x')) as Float32Array;
    const vy = (await trainer.read('validation.y')) as Float32Array;
    this.validationSet = { x: vx, y: vy };
    const rows = x.length / inputs;
    const yWidth = y.length / rows;
    const labels = new Float32Array(rows);
    for (let i = 0; i < rows; i++) labels[i] = y[i * yWidth]!;

    // Left panel: what the network computes over its input space; on a level the picture is a
    // little smaller, to leave room under it for the old way's strip.
    const size = this.level ? 330 : 380;
    const below = 122 + size + 10;
    if (lineFit) {
      this.title(32, 'Loss landscape: MSE over (w, b)');
      this.landscape = new Landscape(this, { x: 56 + (380 - size) / 2, y: 122, size });
      const w = (await trainer.read('0.weight')) as Float32Array;
      const b = (await trainer.read('0.bias')) as Float32Array;
      this.landscape.setData(x, labels, w[0]!, b[0]!);
      this.caption(
        32,
        below + 18,
        'Bands are equal-loss contours (brighter = lower loss). The purple line is the path gradient descent took; the orange dot is where the weights are now.',
      );
    } else if (inputs === 2) {
      this.title(32, classes ? 'Decision boundary' : 'Prediction over the input plane');
      this.extent = extentOf(x);
      this.grid = gridInputs(this.extent, GRID);
      this.boundary = new Heatmap(this, {
        x: 46 + (380 - size) / 2,
        y: 122,
        size,
        resolution: GRID,
      });
      const step = Math.max(1, Math.ceil(rows / MAX_POINTS));
      const px: number[] = [];
      const pc: number[] = [];
      for (let i = 0; i < rows; i += step) {
        px.push(x[2 * i]!, x[2 * i + 1]!);
        pc.push(classes ? labels[i]! : 0);
      }
      this.boundary.plotPoints(px, classes ? pc : null, this.extent);
      this.legend(classes, below);
    } else if (inputs === 1) {
      this.title(32, 'The data and the network’s curve');
      this.fitData = { x, y: labels };
      this.fitArea = { left: 56 + (380 - size) / 2, top: 122, size };
      this.fitPlot = this.add.graphics();
      this.caption(
        32,
        below,
        'Blue dots: the training data. Orange line: what the network predicts for each x.',
      );
    } else if (classes) {
      this.title(32, 'Confusion matrix (validation)');
      const side = size - 20;
      this.confusion = new Confusion(this, { x: 56, y: 130, size: side, classes });
      const bottom = this.caption(
        32,
        130 + side + 10,
        'Rows: the true class; columns: the network’s answer. The outlined diagonal is correct.',
      );
      this.legend(classes, bottom + 8, false);
    } else {
      this.title(32, 'Predicted vs true (validation)');
      this.scatter = new Scatter(this, { x: 66, y: 130, size: size - 30 });
      this.leftBottom = 130 + size - 30 + 26;
    }

    // Right panel: inside the network.
    const firstDense = info.summary.find((r) => r.kind === 'dense');
    const hidden = firstDense ? info.summary.filter((r) => r.layer === firstDense.layer) : [];
    const hasHidden = info.summary.filter((r) => r.kind === 'dense').length > 1;
    let rightY = 122;
    let rightUsed = false;
    if (inputs === 2 && hasHidden && hidden.length) {
      const names = new Set(info.tensors.map((t) => t.name));
      const last = [...hidden].reverse().find((r) => names.has(`${r.module}.out`));
      if (last) {
        this.neuronTensor = `${last.module}.out`;
        const units = last.outputShape[0] ?? 1;
        this.title(900, `First hidden layer: ${units} neurons`);
        this.neurons = new NeuronMaps(this, {
          x: 904,
          y: 122,
          width: 344,
          count: units,
          resolution: NEURON_GRID,
          max: 16,
        });
        rightY = 122 + this.neurons.height + 8;
        rightUsed = true;
        this.add
          .text(
            904,
            rightY,
            'Each map: one neuron’s output over the plane (blue −, orange +)',
            textStyle(TEXT.small, CSS.textDim),
          )
          .setWordWrapWidth(344);
        rightY += 48;
      }
    }
    if (classes && !this.confusion && rightY < 430) {
      this.add.text(900, rightY, 'Confusion (validation)', textStyle(TEXT.label, CSS.text, 600));
      const size = Math.min(220, 690 - rightY - 36);
      this.confusion = new Confusion(this, { x: 904, y: rightY + 30, size, classes });
      rightUsed = true;
    } else if (lineFit) {
      this.title(900, 'The data and the line');
      this.fitData = { x, y: labels };
      this.fitArea = { left: 924, top: 122, size: 320 };
      this.fitPlot = this.add.graphics();
      rightUsed = true;
      this.caption(
        900,
        460,
        'Blue dots: the training data. Orange: the line y = w·x + b that the weights draw now.',
        344,
      );
    } else if (!classes && !this.scatter && rightY < 430) {
      this.add.text(
        900,
        rightY,
        'Predicted vs true (validation)',
        textStyle(TEXT.label, CSS.text, 600),
      );
      const size = Math.min(240, 680 - rightY - 56);
      this.scatter = new Scatter(this, { x: 930, y: rightY + 34, size });
      rightUsed = true;
    }

    if (!rightUsed) this.summaryPanel(info);

    // Middle panel, bottom: the network itself, breathing.
    const widths = [
      inputs,
      ...info.summary.filter((r) => r.kind === 'dense').map((r) => r.outputShape[0] ?? 1),
    ];
    this.add.text(
      488,
      540,
      'Weights (thickness = size, colour = sign)',
      textStyle(TEXT.small, CSS.textDim),
    );
    this.network = new NetworkView(this, { x: 500, y: 566, width: 340, height: 118, widths });
  }

  /**
   * Puts the previous era's model beside the run: the strip under the left picture, and its
   * validation loss on the chart when it is scored by the same loss as the player's network.
   */
  private showGhost(): void {
    const ghost = this.ghost;
    const info = this.info;
    if (!ghost || !info || !this.level) return;
    const task = info.data.task;
    const outputs = info.data.outputs;
    this.ghostStrip = new GhostStrip(this, {
      x: 32,
      y: this.leftBottom + 12,
      width: 408,
      ghost,
      format: (v) => this.metricText(v),
      paint:
        ghost.picture === 'plane'
          ? (map, out) => this.paintBoundary(map, out, task, outputs)
          : null,
    });
    const loss = (spec: Draft['spec']): string => spec.loss ?? defaultLoss(task);
    if (loss(this.level.naive.spec) === loss(this.draft.spec)) {
      this.chart.setGhost(ghost.run.checks.map((c) => ({ step: c.step, value: c.validation })));
      this.ghostLegend.setVisible(true);
    }
    this.publish();
  }

  /** Moves the ghost to the player's step: its strip, its chart curve and its line. */
  private followGhost(): void {
    this.ghostStrip?.update(this.stepCount);
    this.chart.showGhostUntil(this.stepCount);
  }

  /** The ghost's prediction over the fit plot's x values at the player's step, if it has one. */
  private ghostCurve(): Float32Array | null {
    const g = this.ghost;
    if (!g || g.picture !== 'curve') return null;
    let frame: Float32Array | null = null;
    for (const f of g.run.frames) if (f.step <= this.stepCount) frame = f.out;
    return frame;
  }

  /** One chunk of training; at most one call in flight. */
  private async tick(time: number): Promise<void> {
    this.busy = true;
    try {
      // Steps follow the clock, not the frame count: the speed setting is steps per second, and
      // a slow frame or a slow round trip to the worker gets a bigger next chunk, not a slower run.
      const elapsed = this.lastTick ? Math.min(time - this.lastTick, 250) : 16;
      this.lastTick = time;
      // Below a step a frame (the slow speeds) the clock's fractions add up until a step is due.
      this.carry += (STEPS_PER_SECOND * this.speed * elapsed) / 1000;
      const wanted = Math.floor(this.carry);
      if (wanted < 1) return;
      this.carry -= wanted;
      await this.runSteps(Math.min(wanted, this.chunk));
      if (this.phase === 'running' && time - this.lastVisual >= VISUAL_EVERY_MS) {
        this.lastVisual = time;
        await this.refreshVisuals(false);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Runs up to `n` steps without crossing a goal check or the budget; checks and stops. */
  private async runSteps(n: number): Promise<void> {
    const trainer = services().trainer;
    // Cut `n` steps at every goal check (and the budget): chunk, check, chunk, check …
    const chunks: number[] = [];
    for (let at = this.stepCount, left = Math.max(1, n); left > 0 && at < this.stepBudget;) {
      const nextCheck = (Math.floor(at / CHECK_EVERY) + 1) * CHECK_EVERY;
      const c = Math.min(left, nextCheck - at, this.stepBudget - at);
      chunks.push(c);
      at += c;
      left -= c;
    }
    if (!chunks.length) return;
    const split: SplitName = this.level?.goal.split ?? 'validation';
    const t0 = performance.now();
    // All calls go out at once and the worker runs them in order, so a fast speed costs one
    // round trip per frame instead of two per check. If the goal turns out met before the last
    // chunk, the run is rewound to the snapshot and replayed to exactly that step (the learner
    // is deterministic), so "stop as soon as the goal is met" still holds.
    const snapshot = chunks.length > 1 ? trainer.snapshot() : null;
    let at = this.stepCount;
    const calls = chunks.map((c) => {
      at += c;
      const checks = at % CHECK_EVERY === 0 || at >= this.stepBudget;
      return {
        step: trainer.step(c),
        goal: checks ? trainer.evaluate(split) : null,
        validation: checks && split !== 'validation' ? trainer.evaluate('validation') : null,
        landscape: this.landscape
          ? Promise.all([trainer.read('0.weight'), trainer.read('0.bias')])
          : null,
      };
    });
    const results = await Promise.all(
      calls.map(async (c) => ({
        step: await c.step,
        goal: await c.goal,
        validation: await c.validation,
        landscape: await c.landscape,
      })),
    );
    const took = performance.now() - t0;
    const count = chunks.reduce((a, b) => a + b, 0);
    // A batch's time is latency (the message round trip, at least a frame when the page is busy)
    // plus the worker's compute. Only compute should limit the chunk, so estimate latency as the
    // fastest batch seen and size the next one from the per-step cost above it.
    this.latency = Math.min(this.latency * 1.02 + 0.1, took);
    const perStep = Math.max(took - this.latency, 0) / count;
    this.chunk = Phaser.Math.Clamp(
      Math.floor(STEP_TIME_BUDGET_MS / Math.max(perStep, 0.02)),
      1,
      MAX_CHUNK,
    );
    if (!this.scene.isActive() || this.phase === 'loading') return;

    for (let k = 0; k < results.length; k++) {
      const { step: r, goal, validation, landscape } = results[k]!;
      this.stepCount = r.step;
      if (r.ran > 0 && Number.isFinite(r.trainLoss)) {
        this.lastLoss = r.trainLoss;
        this.trainAccuracy = r.trainAccuracy;
        this.chart.addTrain(r.step, r.trainLoss);
        this.outcome.train.push({ step: r.step, loss: r.trainLoss });
      }
      if (r.diverged) {
        this.onDiverged(r.diverged);
        return;
      }
      if (landscape) this.landscape?.addPoint(landscape[0]![0]!, landscape[1]![0]!);
      if (!goal) continue;
      this.goalValue = { loss: goal.loss, accuracy: goal.accuracy };
      const val = validation ?? goal;
      this.validation = { loss: val.loss, accuracy: val.accuracy };
      this.chart.addValidation(this.stepCount, val.loss);
      this.outcome.validation.push({ step: this.stepCount, loss: val.loss });
      this.followGhost();
      const verdict = this.level
        ? checkGoal(this.level.goal, goal, this.stepCount, this.stepBudget)
        : this.stepCount >= this.stepBudget
          ? 'failed'
          : 'continue';
      if (verdict !== 'continue') {
        if (k < results.length - 1 && snapshot) {
          await trainer.restore(await snapshot);
          const replay = chunks.slice(0, k + 1).reduce((a, b) => a + b, 0);
          await trainer.step(replay);
        }
        await this.finish(verdict === 'passed');
        return;
      }
    }
    this.chart.redraw();
    this.showMetrics();
    this.publish();
  }

  private async finish(passed: boolean): Promise<void> {
    this.phase = 'done';
    this.passed = passed;
    this.chart.redraw();
    this.showMetrics();
    await this.refreshVisuals(true);
    this.updateButtons();
    this.publish();
    const level = this.level;
    if (!level || !this.info || !this.goalValue) {
      this.status
        .setText(
          `Done: ${this.stepCount} steps trained. Go back to the workbench to try another network.`,
        )
        .setColor(CSS.text);
      return;
    }
    const achieved =
      level.goal.metric === 'loss' ? this.goalValue.loss : (this.goalValue.accuracy ?? NaN);
    const attempt: Attempt = {
      levelId: level.id,
      spec: this.draft.spec,
      options: this.draft.options,
      seed: this.draft.seed,
      steps: this.stepCount,
      params: this.info.totalParams,
      achieved,
      passed,
      stars: starsFor(level, passed, this.info.totalParams, this.stepCount),
    };
    services().saves.record(attempt);
    this.ghostStrip?.finish();
    this.chart.showGhostUntil(Infinity);
    this.chart.redraw();
    this.result = {
      attempt,
      outcome: {
        passed,
        diverged: false,
        steps: this.stepCount,
        budget: this.stepBudget,
        goalValue: achieved,
        train: [...this.outcome.train],
        validation: [...this.outcome.validation],
      },
    };
    this.status
      .setText(
        passed
          ? `★ Goal met at step ${this.stepCount}! Look at what the network learned, then press Result for your stars.`
          : `Step budget used up: the goal was not met (${this.metricText(achieved)}). Press Result to see why and what to try.`,
      )
      .setColor(passed ? CSS.success : CSS.text);
    this.updateButtons();
    this.publish();
    FocusManager.for(this).focus(this.playButton, false);
  }

  /** Opens the Result of the finished run (the Play button turns into this when a run ends). */
  private showResult(): void {
    if (this.result) this.scene.start(SCENES.result, this.result);
  }

  /**
   * Stops a run whose numbers blew up and says why in words that fit this workbench: the fix it
   * offers is one the player can make here, and where finding the learning rate is the level's
   * own task (chapter 0) it does not hand out a rate that would win.
   */
  private onDiverged(d: Divergence): void {
    this.phase = 'diverged';
    const step = d.step;
    this.status.setText(`⚠ Stopped at step ${step}: the loss exploded.`).setColor(CSS.warning);
    this.updateButtons();
    this.chart.redraw();
    this.showMetrics();
    const teacher = services().hash.teacher;
    const lrRange = this.level?.settings.lr;
    const canLower =
      isEditable('lr', teacher, lrRange?.locked ?? false) &&
      (lrRange ? lrRange.min < this.draft.options.lr : true);
    const lrIsIdea = this.level?.teaches.rule.some((c) => c.kind === 'learning-rate') ?? false;
    const what = d.quantity === 'weights' ? 'weights' : d.quantity;
    const cause =
      d.cause === 'exploding-gradient'
        ? 'The gradient grew and grew until it exploded.'
        : `Each update overshot, so the loss blew up: a learning rate of ${formatNumber(this.draft.options.lr)} is too big here.`;
    const fix = lrIsIdea
      ? 'Go back and choose a smaller learning rate yourself: finding one that works is what this level is about.'
      : canLower
        ? 'Rewind to the same starting weights with a rate ten times smaller, or go back and change it.'
        : isEditable('layers', teacher, !(this.level?.blocks.dense ?? true))
          ? 'The learning rate is fixed here, so go back to the workbench and change the network.'
          : 'The learning rate is fixed here: reset and try another seed on the workbench.';
    const message = `The ${what} stopped being a number at step ${step}. ${cause} ${fix}`;
    this.publish(message);
    const w = 620;
    const body = this.add
      .text(24, 52, message, textStyle(TEXT.body, CSS.text))
      .setWordWrapWidth(w - 48)
      .setLineSpacing(3);
    const h = Math.ceil(body.height) + 52 + 92;
    const c = this.add.container((WIDTH - w) / 2, (HEIGHT - h) / 2).setDepth(100);
    const g = this.add.graphics();
    g.fillStyle(COLORS.panelRaised, 0.98).fillRoundedRect(0, 0, w, h, RADIUS);
    g.lineStyle(2, COLORS.warning, 1).strokeRoundedRect(0, 0, w, h, RADIUS);
    const head = this.add.text(
      24,
      18,
      '⚠ The loss exploded',
      textStyle(TEXT.label, CSS.warning, 600),
    );
    c.add([g, head, body]);
    this.overlay = c;
    const lower = Math.max(this.level?.settings.lr.min ?? 1e-6, this.draft.options.lr / 10);
    const rewind = new Button(this, {
      x: (WIDTH - w) / 2 + 24,
      y: (HEIGHT + h) / 2 - 64,
      width: 340,
      label: `Rewind, learning rate ${fmt(lower)}`,
      icon: 'reset',
      variant: 'primary',
      disabled: !canLower || lrIsIdea || lower >= this.draft.options.lr,
      tooltip: lrIsIdea
        ? 'Finding the learning rate is this level’s task: choose it on the workbench'
        : canLower
          ? 'Start again from the same weights with a 10× smaller learning rate'
          : 'The learning rate cannot be changed here',
      onClick: () => void this.rewind(lower),
    }).setDepth(101);
    rewind.setVisible(canLower && !lrIsIdea);
    const back = new Button(this, {
      x: (WIDTH + w) / 2 - 24 - 200,
      y: (HEIGHT + h) / 2 - 64,
      width: 200,
      label: 'Workbench',
      icon: 'build',
      tooltip: 'Go back and change the network or settings',
      onClick: () => this.backToWorkbench(this.draft),
    }).setDepth(101);
    this.overlayButtons = [rewind, back];
    FocusManager.for(this).focus(rewind.visible && !rewind.disabled ? rewind : back, true);
    if (!reducedMotion()) {
      c.setAlpha(0);
      this.tweens.add({ targets: c, alpha: 1, duration: MOTION.normal, ease: MOTION.ease });
    }
  }

  private overlayButtons: Button[] = [];

  /** Same seed, a 10× smaller learning rate, from the start: the fix the message suggests. */
  private async rewind(lr: number): Promise<void> {
    this.draft.options.lr = lr;
    this.closeOverlay();
    this.phase = 'loading';
    this.status.setText('Rewinding…');
    if (!(await this.createLearner())) return;
    this.clearRun();
    this.phase = 'paused';
    await this.refreshVisuals(true);
    this.togglePlay();
  }

  private closeOverlay(): void {
    this.overlay?.destroy();
    this.overlay = null;
    for (const b of this.overlayButtons) b.destroy();
    this.overlayButtons = [];
  }

  private togglePlay(): void {
    if (this.phase === 'done') return this.showResult();
    if (this.phase === 'running') {
      this.phase = 'paused';
      this.status.setText('Paused. Press Play (or Space) to go on, or Step for one step.');
      this.status.setColor(CSS.textDim);
    } else if (this.phase === 'paused') {
      this.phase = 'running';
      this.status.setText('Training…').setColor(CSS.textDim);
    }
    this.updateButtons();
    this.publish();
  }

  private async singleStep(): Promise<void> {
    if (this.phase === 'running') this.phase = 'paused';
    if (this.phase !== 'paused' || this.busy) return this.updateButtons();
    this.busy = true;
    try {
      await this.runSteps(1);
      await this.refreshVisuals(true);
    } finally {
      this.busy = false;
      this.updateButtons();
    }
  }

  /** Back to the very same starting weights (trainer.reset), so one change compares fairly. */
  private async resetRun(): Promise<void> {
    if (this.phase === 'loading' || this.phase === 'error' || !this.info) return;
    // Wait for a chunk in flight, so its result cannot land after the reset.
    this.phase = 'paused';
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    await services().trainer.reset();
    this.closeOverlay();
    this.clearRun();
    this.phase = 'paused';
    this.status
      .setText('Reset to the same starting weights. Press Play to train again.')
      .setColor(CSS.textDim);
    await this.refreshVisuals(true);
    this.updateButtons();
  }

  private clearRun(): void {
    this.stepCount = 0;
    this.lastLoss = null;
    this.trainAccuracy = null;
    this.validation = null;
    this.goalValue = null;
    this.passed = false;
    this.result = null;
    this.outcome = { train: [], validation: [] };
    this.carry = 0;
    this.chart.clear();
    this.followGhost();
    this.landscape?.resetPath();
    this.showMetrics();
    this.publish();
  }

  /**
   * Redraws the pictures from the worker: grid predictions, probes, weights, validation. All
   * requests go out at once (Comlink queues them in the worker), so a refresh costs one round
   * trip, not one per picture.
   */
  private async refreshVisuals(force: boolean): Promise<void> {
    if (!this.info) return;
    const trainer = services().trainer;
    const { task, outputs, inputs } = this.info.data;
    const none = Promise.resolve(null);
    const [grid, acts, val, weights] = await Promise.all([
      this.boundary && this.grid ? trainer.predict(this.grid) : none,
      this.neurons && this.neuronTensor && this.extent
        ? trainer.probe(gridInputs(this.extent, NEURON_GRID), [this.neuronTensor])
        : none,
      (this.confusion || this.scatter) && this.validationSet
        ? trainer.predict(this.validationSet.x)
        : none,
      this.network ? Promise.all(this.denseModules.map((m) => trainer.read(`${m}.weight`))) : none,
    ]);
    if (!this.scene.isActive()) return;
    if (grid && this.boundary) this.paintBoundary(this.boundary, grid, task, outputs);
    const a = acts && this.neuronTensor ? acts[this.neuronTensor] : undefined;
    if (a) this.neurons?.update(a);
    if (this.landscape && force && this.stepCount === 0) this.landscape.resetPath();
    if (this.fitPlot && this.fitData) await this.paintFit();
    if (val && this.validationSet) {
      const rows = this.validationSet.x.length / inputs;
      const yWidth = this.validationSet.y.length / rows;
      const truth = new Float32Array(rows);
      for (let i = 0; i < rows; i++) truth[i] = this.validationSet.y[i * yWidth]!;
      if (this.confusion)
        this.confusion.update(confusionCounts(truth, val, task === 'multiclass' ? outputs : 2));
      if (this.scatter) {
        const width = val.length / rows;
        const pred = new Float32Array(rows);
        for (let i = 0; i < rows; i++) pred[i] = val[i * width]!;
        // In the data's own units when the targets were standardised for training.
        const scale = this.info?.data.targetScale;
        if (scale) {
          for (let i = 0; i < rows; i++) {
            truth[i] = truth[i]! * scale.std + scale.mean;
            pred[i] = pred[i]! * scale.std + scale.mean;
          }
        }
        this.scatter.update(truth, pred);
      }
    }
    if (weights) this.network?.update(weights as Float32Array[]);
  }

  /** Colours a map from predictions over its grid: the class, how sure, or the value. */
  private paintBoundary(
    map: Heatmap,
    out: Float32Array,
    task: LearnerInfo['data']['task'],
    outputs: number,
  ): void {
    const n = map.options.resolution;
    if (task === 'multiclass') {
      map.fill((r, c) => {
        const i = (r * n + c) * outputs;
        let best = 0;
        let second = -Infinity;
        for (let k = 1; k < outputs; k++) {
          if (out[i + k]! > out[i + best]!) {
            second = out[i + best]!;
            best = k;
          } else second = Math.max(second, out[i + k]!);
        }
        // Probabilities: the lead of the top class over the runner-up is how sure the net is.
        const confidence = out[i + best]! - second;
        return mix(
          COLORS.panelRaised,
          CLASS_COLORS[best % CLASS_COLORS.length]!,
          0.25 + 0.55 * confidence,
        );
      });
    } else if (task === 'binary') {
      // predict gives probabilities for yes/no tasks: 0.5 is the boundary, grey on the scale.
      map.fill((r, c) => darken(diverging(2 * out[r * n + c]! - 1)));
    } else {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n * n; i++) {
        lo = Math.min(lo, out[i * outputs]!);
        hi = Math.max(hi, out[i * outputs]!);
      }
      map.fill((r, c) => viridis((out[(r * n + c) * outputs]! - lo) / Math.max(hi - lo, 1e-9)));
    }
  }

  /** 1-D regression: the data as dots and the network's prediction as a curve over x. */
  private async paintFit(): Promise<void> {
    const { x, y } = this.fitData!;
    const { left, top, size } = this.fitArea;
    let xl = Infinity;
    let xh = -Infinity;
    let yl = Infinity;
    let yh = -Infinity;
    for (let i = 0; i < x.length; i++) {
      xl = Math.min(xl, x[i]!);
      xh = Math.max(xh, x[i]!);
      yl = Math.min(yl, y[i]!);
      yh = Math.max(yh, y[i]!);
    }
    const padY = (yh - yl || 1) * 0.15;
    yl -= padY;
    yh += padY;
    const xs = new Float32Array(64);
    for (let i = 0; i < 64; i++) xs[i] = xl + ((xh - xl) * i) / 63;
    const pred = await services().trainer.predict(xs);
    const px = (v: number): number => left + ((v - xl) / (xh - xl || 1)) * size;
    const py = (v: number): number =>
      Phaser.Math.Clamp(top + size - ((v - yl) / (yh - yl)) * size, top, top + size);
    const g = this.fitPlot!.clear();
    g.lineStyle(1, COLORS.line, 1).strokeRect(left, top, size, size);
    g.fillStyle(COLORS.data, 0.8);
    for (let i = 0; i < x.length; i++) g.fillCircle(px(x[i]!), py(y[i]!), 2.5);
    g.lineStyle(3, COLORS.weights, 1).beginPath();
    const width = pred.length / 64;
    g.moveTo(px(xs[0]!), py(pred[0]!));
    for (let i = 1; i < 64; i++) g.lineTo(px(xs[i]!), py(pred[i * width]!));
    g.strokePath();
    // The old way's line at the same step, in grey, over the same x values.
    const ghost = this.ghostCurve();
    const gx = this.ghost?.xs;
    if (ghost && gx) {
      g.lineStyle(2, COLORS.textDim, 1).beginPath();
      g.moveTo(px(gx[0]!), py(ghost[0]!));
      for (let i = 1; i < gx.length; i++) g.lineTo(px(gx[i]!), py(ghost[i]!));
      g.strokePath();
    }
  }

  private showMetrics(): void {
    const lines = [
      `Step ${this.stepCount} of ${this.stepBudget}`,
      `Train loss ${this.lastLoss === null ? '—' : fmt(this.lastLoss)}` +
        (this.trainAccuracy !== null ? ` · accuracy ${pct(this.trainAccuracy)}` : ''),
      `Validation loss ${this.validation ? fmt(this.validation.loss) : '—'}` +
        (this.validation?.accuracy != null ? ` · accuracy ${pct(this.validation.accuracy)}` : ''),
    ];
    // Targets standardised for training (a CSV's prices, say): say the error in the data's units.
    const scale = this.info?.data.targetScale;
    if (scale && this.validation) {
      const loss = Math.max(this.validation.loss, 0);
      const rms = Math.sqrt(loss) * scale.std;
      lines.push(`In the data's units: ${fmt(loss * scale.std ** 2)}, miss ≈ ${fmt(rms)}`);
    }
    if (this.level && this.goalValue) {
      const g = this.level.goal;
      const v = g.metric === 'loss' ? this.goalValue.loss : this.goalValue.accuracy;
      const met = goalMet(g, this.goalValue);
      lines.push(
        `Goal (${g.split} ${g.metric}): ${v === null ? '—' : this.metricText(v)} ${met ? '✓ met' : this.phase === 'done' ? '✗ not met' : '· not yet'}`,
      );
    }
    this.metrics.setText(lines.join('\n'));
  }

  private metricText(v: number): string {
    return this.level?.goal.metric === 'accuracy' ? pct(v) : fmt(v);
  }

  private updateButtons(): void {
    const p = this.phase;
    const result = p === 'done' && this.result !== null;
    this.playButton
      .setLabel(result ? 'Result' : p === 'running' ? 'Pause' : 'Play')
      .setIcon(result ? 'next' : p === 'running' ? 'pause' : 'play');
    this.playButton.setTooltip(
      result
        ? 'See the stars, the numbers and what to try next (Space)'
        : p === 'running'
          ? 'Pause training (Space)'
          : p === 'paused'
            ? 'Train continuously (Space)'
            : p === 'done'
              ? 'The run is over: Reset to train again from the same start'
              : p === 'diverged'
                ? 'The run stopped: rewind or go back to the workbench'
                : 'Wait for the network to be ready',
    );
    this.playButton.setDisabled(p !== 'running' && p !== 'paused' && !result);
    this.stepButton.setDisabled(p !== 'running' && p !== 'paused');
    this.stepButton.setTooltip(
      p === 'running' || p === 'paused'
        ? 'Train exactly one step, then stop (S)'
        : 'The run is over: Reset to train again from the same start',
    );
    this.resetButton.setDisabled(p === 'loading' || p === 'error');
  }

  /** Progress for the browser tests, on the shell's hook when it can take it. */
  private publish(diverged: string | null = null): void {
    const progress: TrainingProgress = {
      step: this.stepCount,
      loss: this.lastLoss,
      done: this.phase === 'done' || this.phase === 'diverged',
      passed: this.passed,
      diverged: diverged ?? (this.phase === 'diverged' ? 'diverged' : null),
      ghost: this.ghostStrip ? { ...this.ghostStrip.shown } : null,
    };
    reportTraining(progress);
  }

  /** Back to edit; the draft carries a rewound learning rate, and the Workbench re-shares it. */
  private backToWorkbench(draft: Draft): void {
    this.phase = 'done';
    this.scene.start(SCENES.workbench, {
      levelId: this.levelId,
      draft,
      data: this.level ? undefined : this.request,
    });
  }

  private goalLine(): string {
    const l = this.level;
    if (!l) return `Free play · ${this.stepBudget} steps at most`;
    const g = l.goal;
    const what =
      g.metric === 'accuracy'
        ? `${g.split} accuracy ≥ ${pct(g.threshold)}`
        : `${g.split} loss ≤ ${fmt(g.threshold)}`;
    return `Goal: ${what} ${g.atEnd ? 'after' : 'within'} ${l.stepBudget} steps`;
  }

  /** Fills an otherwise empty right panel with the layer table: shapes and parameter formulas. */
  private summaryPanel(info: LearnerInfo): void {
    this.title(900, 'The network, layer by layer');
    const lines = [`input [${info.data.inputs}]`];
    for (const r of info.summary) {
      if (r.kind === 'dense')
        lines.push(`dense → [${r.outputShape.join(', ')}]   ${r.formula} parameters`);
      else if (r.kind === 'dropout') lines.push(`dropout → [${r.outputShape.join(', ')}]`);
      else lines.push(`activation → [${r.outputShape.join(', ')}]`);
    }
    lines.push('', `${info.totalParams} parameters in all`);
    this.add
      .text(904, 126, lines.join('\n'), textStyle(TEXT.body, CSS.text))
      .setLineSpacing(6)
      .setWordWrapWidth(344);
    this.caption(
      900,
      420,
      `Data: ${info.data.name} · ${info.data.rows.train} training rows, ${info.data.rows.validation} validation, ${info.data.rows.test} test.`,
      344,
    );
  }

  private panel(x: number, y: number, w: number, h: number): void {
    this.add.graphics().fillStyle(COLORS.panel, 1).fillRoundedRect(x, y, w, h, RADIUS);
  }

  private title(x: number, text: string): void {
    this.add.text(x, 88, text, textStyle(TEXT.label, CSS.text, 600));
  }

  /** A caption under a picture; returns its bottom edge, and keeps the left panel's lowest. */
  private caption(x: number, y: number, text: string, wrap = 404): number {
    const t = this.add
      .text(x, y, text, textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(wrap)
      .setLineSpacing(3);
    const bottom = t.y + t.height;
    if (x < 472) this.leftBottom = Math.max(this.leftBottom, bottom);
    return bottom;
  }

  /** Class markers with their names: the key of the boundary map and of the confusion matrix. */
  private legend(classes: number, y: number, boundaryCaption = true): void {
    const g = this.add.graphics();
    if (!classes) return;
    const names = this.info?.data.classNames;
    let x = 40;
    for (let k = 0; k < Math.min(classes, 7); k++) {
      drawMarker(g, k, x, y + 10, 6);
      const label = this.add.text(x + 10, y, names?.[k] ?? `${k}`, textStyle(TEXT.small, CSS.text));
      x += Math.max(58, label.width + 32);
    }
    this.leftBottom = Math.max(this.leftBottom, y + 22);
    if (!boundaryCaption) return;
    this.caption(
      32,
      y + 26,
      'Markers: the true class of each training point (colour and shape). Background: the network’s answer; paler = less sure.',
    );
  }
}

function pct(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

function mix(a: number, b: number, t: number): number {
  const ch = (c: number, s: number): number => (c >> s) & 255;
  const lerp = (s: number): number => Math.round(ch(a, s) + (ch(b, s) - ch(a, s)) * t);
  return (lerp(16) << 16) | (lerp(8) << 8) | lerp(0);
}

/** Dims a map colour so the data markers on top stay readable. */
function darken(c: number): number {
  return mix(COLORS.background, c, 0.8);
}
