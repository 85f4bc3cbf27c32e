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
import type { Divergence } from '../../engine/learner.js';
import type { DataRequest, LearnerInfo } from '../../engine/trainer.js';
import { defaultLoss } from '../../engine/spec.js';
import {
  CHECK_EVERY,
  SANDBOX_STEPS,
  checkGoal,
  conformSetup,
  dataRequest,
  goalValue,
  levelById,
  rulesOf,
  starsFor,
} from '../../levels/index.js';
import type { Attempt, Level, RunOutcome } from '../../levels/types.js';
import { ghostFor, type Ghost } from '../ghost.js';
import { runBatch } from '../run-batch.js';
import { RunPace, STEPS_PER_SECOND } from '../run-pace.js';
import { DivergenceDialog } from '../objects/divergence-dialog.js';
import { RunBar, type RunPhase } from '../objects/run-bar.js';
import { TrainingViews } from '../objects/training-views.js';
import { ImageViews } from '../objects/image-views.js';
import { NetworkGraph } from '../objects/network-graph.js';
import { LossChart } from '../objects/loss-chart.js';
import {
  addNotice,
  classFixed,
  reportTraining,
  services,
  teacherFlags,
  type TrainingProgress,
} from '../services.js';
import { isEditable } from '../state/teacher.js';
import { runAddress, showAddress } from '../state/address.js';
import { classLocks } from '../../levels/locks.js';
import { DEFAULT_VIEW, type ViewFlags } from '../state/share.js';
import { COLORS, CSS, RADIUS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';
import { formatLoss, formatNumber } from '../ui/format.js';
import { formatMetric, goalTarget, goalWhen } from './level-text.js';
import { divergenceAdvice, metricsLines } from './training-text.js';
import { SCENES, type Draft, type ResultData, type TrainingData } from './keys.js';
import { onKeyDown } from '../ui/keys.js';

/** Pictures (grid predictions, probes, weights) refresh at most this often. */
const VISUAL_EVERY_MS = 120;

export class Training extends Phaser.Scene {
  private levelId: string | null = null;
  private level: Level | null = null;
  private draft!: Draft;
  private request!: DataRequest;
  private info: LearnerInfo | null = null;
  private phase: RunPhase = 'loading';
  private busy = false;
  private stepCount = 0;
  private stepBudget = 1000;
  private pace = new RunPace();
  private lastVisual = 0;
  private lastLoss: number | null = null;
  private trainAccuracy: number | null = null;
  private validation: { loss: number; accuracy: number | null } | null = null;
  private goalCheck: { loss: number; accuracy: number | null } | null = null;
  private passed = false;
  private speed = 1;
  /** The sandbox's view check boxes (shown test points, discretized answer). */
  private view: ViewFlags = { ...DEFAULT_VIEW };

  private chart!: LossChart;
  private metrics!: Phaser.GameObjects.Text;
  private status!: Phaser.GameObjects.Text;
  private bar!: RunBar;
  /** The pictures: boundary, neurons, confusion, weights, the old way (once built). */
  private views: TrainingViews | ImageViews | null = null;
  private overlay: DivergenceDialog | null = null;
  private ghost: Ghost | null = null;
  private ghostLegend!: Phaser.GameObjects.Text;
  /** The run so far, for the Result's advice: train loss per chunk, validation loss per check. */
  private outcome: Pick<RunOutcome, 'train' | 'validation'> = { train: [], validation: [] };
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
      const rules = rulesOf(this.level);
      const conformed = conformSetup(rules, this.draft);
      const locked = classLocks(rules, classFixed(this.level.id), conformed.setup);
      const changes = [...conformed.changes, ...locked.changes];
      if (changes.length) addNotice(`Trained as this level allows: ${changes.join('; ')}.`);
      this.draft = locked.setup;
    }
    this.request = this.level ? dataRequest(this.level, this.draft.data) : data.data!;
    this.view = { ...(data.view ?? DEFAULT_VIEW) };
    this.stepBudget = this.level?.stepBudget ?? SANDBOX_STEPS;
    this.phase = 'loading';
    this.busy = false;
    this.stepCount = 0;
    this.passed = false;
    this.info = null;
    this.pace = new RunPace();
    this.lastVisual = 0;
    this.views = this.overlay = null;
    this.ghost = null;
    this.outcome = { train: [], validation: [] };
    this.result = null;
  }

  create(): void {
    this.cameras.main.setBackgroundColor(COLORS.background);
    const settings = services().saves.settings();
    this.speed = settings.speed;
    const teacher = teacherFlags(this.levelId);

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

    this.bar = new RunBar(this, {
      stepsPerSecond: STEPS_PER_SECOND,
      speed: this.speed,
      speedShown: !teacher.hide.has('speed'),
      speedLocked: !isEditable('speed', teacher, false),
      onPlay: () => this.togglePlay(),
      onStep: () => void this.singleStep(),
      onReset: () => void this.resetRun(),
      onSpeed: (v) => {
        this.speed = v;
        services().saves.updateSettings({ speed: v });
      },
      onLogScale: () => {
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

    onKeyDown(this, (e) => {
      const current = FocusManager.peek(this)?.current;
      if (current instanceof NetworkGraph && current.key(e)) e.preventDefault();
      else if (e.key === ' ' && !current) {
        e.preventDefault();
        this.togglePlay();
      } else if (e.key === 's' || e.key === 'S') void this.singleStep();
      else if (e.key === 'r' || e.key === 'R') void this.resetRun();
    });
    this.events.once('shutdown', () => {
      this.phase = 'done';
    });
    this.bar.focusPlay();
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
    // Image data gets its own pictures (filters, feature maps, a gallery); the rest the 2-D ones.
    this.views = new (this.info.data.image ? ImageViews : TrainingViews)(this, {
      info: this.info,
      spec: this.draft.spec,
      level: this.level,
      view: this.view,
      editing: this.level
        ? null
        : {
            canEdit: () => (this.phase === 'paused' || this.phase === 'done') && !this.busy,
            onEdited: (words) => {
              this.status.setText(words).setColor(words.startsWith('⚠') ? CSS.warning : CSS.text);
            },
            onView: (view) => {
              this.view = view;
              showAddress(
                runAddress(null, this.request, this.draft, view),
                services().hash.teacher,
              );
            },
          },
    });
    await this.views.build();
    this.ghost = await ghost;
    if (!this.scene.isActive()) return;
    this.showGhost();
    const scale = this.info.data.targetScale;
    if (scale) {
      this.ghostLegend
        .setText(`Scaled losses: the targets were divided by ${formatLoss(scale.std)}`)
        .setVisible(true);
    }
    this.phase = 'paused';
    this.status.setText('Ready. Press Play (or Space) to train.').setColor(CSS.textDim);
    this.publish();
    await this.views?.refresh(true, this.stepCount);
    this.updateButtons();
    this.togglePlay();
  }

  /**
   * Puts the previous era's model beside the run: the strip under the left picture, and its
   * validation loss on the chart when it is scored by the same loss as the player's network.
   */
  private showGhost(): void {
    const ghost = this.ghost;
    const info = this.info;
    if (!ghost || !info || !this.level || !this.views) return;
    this.views.showGhost(ghost, (v) => this.metricText(v));
    const task = info.data.task;
    const loss = (spec: Draft['spec']): string => spec.loss ?? defaultLoss(task);
    if (loss(this.level.naive.spec) === loss(this.draft.spec)) {
      this.chart.setGhost(ghost.run.checks.map((c) => ({ step: c.step, value: c.validation })));
      this.ghostLegend.setVisible(true);
    }
    this.publish();
  }

  /** Moves the ghost to the player's step: its strip, its chart curve and its line. */
  private followGhost(): void {
    this.views?.followGhost(this.stepCount);
    this.chart.showGhostUntil(this.stepCount);
  }

  /** One chunk of training; at most one call in flight. */
  private async tick(time: number): Promise<void> {
    this.busy = true;
    try {
      const due = this.pace.due(time, this.speed);
      if (due < 1) return;
      await this.runSteps(due);
      if (this.phase === 'running' && time - this.lastVisual >= VISUAL_EVERY_MS) {
        this.lastVisual = time;
        await this.views?.refresh(false, this.stepCount);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Runs up to `n` steps without crossing a goal check or the budget; checks and stops. */
  private async runSteps(n: number): Promise<void> {
    const t0 = performance.now();
    const batch = await runBatch(services().trainer, {
      from: this.stepCount,
      steps: n,
      checkEvery: CHECK_EVERY,
      budget: this.stepBudget,
      split: this.level?.goal.split ?? 'validation',
      readPoint: this.views?.landscape != null,
    });
    if (!batch.steps) return;
    this.pace.measured(performance.now() - t0, batch.steps);
    if (!this.scene.isActive() || this.phase === 'loading') return;

    const results = batch.results;
    for (let k = 0; k < results.length; k++) {
      const { step: r, goal, validation, point } = results[k]!;
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
      if (point) this.views?.landscape?.addPoint(...point);
      if (!goal) continue;
      this.goalCheck = { loss: goal.loss, accuracy: goal.accuracy };
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
        await batch.rewindTo(k);
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
    await this.views?.refresh(true, this.stepCount);
    this.updateButtons();
    this.publish();
    const level = this.level;
    if (!level || !this.info || !this.goalCheck) {
      this.status
        .setText(
          `Done: ${this.stepCount} steps trained. Go back to the workbench to try another network.`,
        )
        .setColor(CSS.text);
      return;
    }
    const achieved = goalValue(level.goal, this.goalCheck);
    const attempt: Attempt = {
      levelId: level.id,
      spec: this.draft.spec,
      options: this.draft.options,
      seed: this.draft.seed,
      ...(this.draft.data ? { data: this.draft.data } : {}),
      steps: this.stepCount,
      params: this.info.totalParams,
      achieved,
      passed,
      stars: starsFor(level, passed, this.info.totalParams, this.stepCount),
    };
    services().saves.record(attempt);
    this.views?.followGhost(Infinity);
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
    this.bar.focusPlay();
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
    const teacher = teacherFlags(this.levelId);
    const level = this.level;
    const lr = this.draft.options.lr;
    const { message, rewindTo } = divergenceAdvice(d, {
      lr,
      lrRange: level?.settings.lr ?? null,
      lrEditable: isEditable('lr', teacher, level?.settings.lr.locked ?? false),
      lrIsIdea: level?.teaches.rule.some((c) => c.kind === 'learning-rate') ?? false,
      layersEditable: isEditable('layers', teacher, !(level?.blocks.dense ?? true)),
    });
    this.publish(message);
    this.overlay = new DivergenceDialog(this, {
      message,
      rewind:
        rewindTo === null
          ? null
          : {
              label: `Rewind, learning rate ${formatNumber(rewindTo)}`,
              onClick: () => void this.rewind(rewindTo),
            },
      onBack: () => this.backToWorkbench(this.draft),
    });
  }

  /** Same seed, a 10× smaller learning rate, from the start: the fix the message suggests. */
  private async rewind(lr: number): Promise<void> {
    this.draft.options.lr = lr;
    this.closeOverlay();
    this.phase = 'loading';
    this.status.setText('Rewinding…');
    if (!(await this.createLearner())) return;
    this.clearRun();
    this.phase = 'paused';
    await this.views?.refresh(true, this.stepCount);
    this.togglePlay();
  }

  private closeOverlay(): void {
    this.overlay?.destroy();
    this.overlay = null;
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
      await this.views?.refresh(true, this.stepCount);
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
    await this.views?.refresh(true, this.stepCount);
    this.updateButtons();
  }

  private clearRun(): void {
    this.stepCount = 0;
    this.lastLoss = null;
    this.trainAccuracy = null;
    this.validation = null;
    this.goalCheck = null;
    this.passed = false;
    this.result = null;
    this.outcome = { train: [], validation: [] };
    this.pace.clearOwed();
    this.chart.clear();
    this.followGhost();
    this.views?.landscape?.resetPath();
    this.showMetrics();
    this.publish();
  }

  private showMetrics(): void {
    const lines = metricsLines(this.level, {
      step: this.stepCount,
      budget: this.stepBudget,
      trainLoss: this.lastLoss,
      trainAccuracy: this.trainAccuracy,
      validation: this.validation,
      goal: this.goalCheck,
      scale: this.info?.data.targetScale ?? null,
      over: this.phase === 'done',
    });
    this.metrics.setText(lines.join('\n'));
  }

  private metricText(v: number): string {
    return this.level ? formatMetric(this.level, v) : formatLoss(v);
  }

  private updateButtons(): void {
    this.bar.show(this.phase, this.result !== null);
  }

  /** Progress for the browser tests, on the shell's hook when it can take it. */
  private publish(diverged: string | null = null): void {
    const progress: TrainingProgress = {
      step: this.stepCount,
      loss: this.lastLoss,
      done: this.phase === 'done' || this.phase === 'diverged',
      passed: this.passed,
      diverged: diverged ?? (this.phase === 'diverged' ? 'diverged' : null),
      ghost: this.views?.ghostShown ?? null,
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
      view: this.view,
    });
  }

  private goalLine(): string {
    const l = this.level;
    if (!l) return `Free play · ${this.stepBudget} steps at most`;
    return `Goal: ${goalTarget(l)} ${goalWhen(l)}`;
  }

  private panel(x: number, y: number, w: number, h: number): void {
    this.add.graphics().fillStyle(COLORS.panel, 1).fillRoundedRect(x, y, w, h, RADIUS);
  }
}
