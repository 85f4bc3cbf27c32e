/**
 * The Training scene: the network learns live while the player watches. It is the shell around
 * the run: the header and the run bar (play, pause, single step, reset to the same starting
 * weights, speed), the loss chart with the goal's target and the numbers (`training-frame.ts`),
 * and in the panels around them the pictures of the network that the kind of data calls for —
 * points in the plane, a curve, a table, images — each a `RunView` of its own (objects/views/).
 *
 * The game loop: one `step(n)` call in flight at a time (the worker does the arithmetic; the
 * main thread only draws), with `n` sized from the chosen speed and the measured step time so
 * frames stay smooth; the goal split is evaluated every CHECK_EVERY steps (chunks never cross a
 * check), and the run's `RunJudge` — the one `runLevel` stops by — ends it as soon as the goal
 * is met, at the step budget, or when it diverges. A level run then becomes an Attempt that is
 * saved at once; the view stays (the player looks at what the network learned) until the player
 * asks for the Result. A diverged run stops and says why, with a "rewind and lower the learning
 * rate" action — or, where the learning rate is the level's idea, the way back to the workbench
 * to choose one.
 *
 * Beside the run, the previous era's model trained on the same data (`ghost.ts`) keeps pace:
 * its goal metric at the same step, its picture in the view, its loss curve in grey when the
 * losses are of one kind, and the level's lesson once it has missed.
 */
import * as Phaser from 'phaser';
import type { Divergence } from '../../engine/learner.js';
import type { DataRequest, LearnerInfo } from '../../engine/trainer.js';
import { defaultLoss } from '../../engine/spec.js';
import {
  SANDBOX_STEPS,
  conformSetup,
  dataRequest,
  levelById,
  rulesOf,
} from '../../levels/index.js';
import type { Level } from '../../levels/types.js';
import { ghostFor, type Ghost } from '../ghost.js';
import { LiveRun } from '../live-run.js';
import { RunPace, STEPS_PER_SECOND } from '../run-pace.js';
import { DivergenceDialog } from '../objects/divergence-dialog.js';
import { LossPanel, drawHeader } from '../objects/training-frame.js';
import { RunBar, type RunPhase } from '../objects/run-bar.js';
import { viewFor, type RunView } from '../objects/views/index.js';
import { NetworkGraph } from '../objects/network-graph.js';
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
import { COLORS, CSS } from '../theme.js';
import { FocusManager } from '../ui/focus.js';
import { formatLoss, formatNumber } from '../ui/format.js';
import { formatMetric } from './level-text.js';
import { divergenceAdvice, divergenceContext, metricsLines } from './training-text.js';
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
  private stepBudget = 1000;
  /** The run's numbers and its judge (the one `runLevel` stops by); new at every restart. */
  private run = new LiveRun(null, this.stepBudget);
  private pace = new RunPace();
  private lastVisual = 0;
  private speed = 1;
  /** The sandbox's view check boxes (shown test points, discretized answer). */
  private view: ViewFlags = { ...DEFAULT_VIEW };

  /** The loss chart, the numbers and the status line. */
  private loss!: LossPanel;
  private bar!: RunBar;
  /** The pictures the data calls for (`viewFor`), with the old way under them, once built. */
  private views: RunView | null = null;
  private overlay: DivergenceDialog | null = null;
  private ghost: Ghost | null = null;
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
    this.run = new LiveRun(this.level, this.stepBudget);
    this.info = null;
    this.pace = new RunPace();
    this.lastVisual = 0;
    this.views = this.overlay = null;
    this.ghost = null;
    this.result = null;
  }

  create(): void {
    this.cameras.main.setBackgroundColor(COLORS.background);
    const settings = services().saves.settings();
    this.speed = settings.speed;
    const teacher = teacherFlags(this.levelId);

    drawHeader(this, {
      level: this.level,
      stepBudget: this.stepBudget,
      onBack: () => this.backToWorkbench(this.draft),
    });

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
        this.loss.chart.setLogScale(on);
      },
    });
    this.loss = new LossPanel(this, {
      stepBudget: this.stepBudget,
      target: this.level && this.level.goal.metric === 'loss' ? this.level.goal.threshold : null,
      logScale: settings.logScale,
    });

    onKeyDown(this, (e) => {
      const current = FocusManager.peek(this)?.current;
      if (current instanceof NetworkGraph && current.key(e)) e.preventDefault();
      else this.bar.key(e, Boolean(current));
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
      this.loss.say(`⚠ ${(error as Error).message}`, CSS.warning);
      this.updateButtons();
      return false;
    }
  }

  /** Makes the learner (same seed → same starting weights) and the pictures the data calls for. */
  private async start(): Promise<void> {
    // Asked for first: usually the Workbench has had it trained already, so it costs nothing.
    const ghost = this.level ? ghostFor(this.level).catch(() => null) : Promise.resolve(null);
    if (!(await this.createLearner()) || !this.info || !this.scene.isActive()) return;
    this.views = viewFor(this, {
      info: this.info,
      spec: this.draft.spec,
      level: this.level,
      view: this.view,
      editing: this.level
        ? null
        : {
            canEdit: () => (this.phase === 'paused' || this.phase === 'done') && !this.busy,
            onEdited: (words) =>
              this.loss.say(words, words.startsWith('⚠') ? CSS.warning : CSS.text),
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
    if (scale) this.loss.showScale(formatLoss(scale.std));
    this.phase = 'paused';
    this.loss.say('Ready. Press Play (or Space) to train.');
    this.publish();
    await this.views?.refresh(true, this.run.step);
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
      this.loss.showGhostLoss(ghost.run.checks.map((c) => ({ step: c.step, value: c.validation })));
    }
    this.publish();
  }

  /** Moves the ghost to the player's `step`: its strip, its chart curve and its line. */
  private followGhost(step: number): void {
    this.views?.followGhost(step);
    this.loss.chart.showGhostUntil(step);
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
        await this.views?.refresh(false, this.run.step);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Trains up to `n` more steps (the run's judge stops it where it must) and draws them. */
  private async runSteps(n: number): Promise<void> {
    const run = this.run;
    const news = await run.advance(services().trainer, n, {
      readPoint: this.views?.followsPath ?? false,
      pace: this.pace,
      wanted: () => this.scene.isActive() && this.phase !== 'loading' && run === this.run,
    });
    if (!news.length) return;
    const chart = this.loss.chart;
    for (const c of news) {
      if (c.train !== null) chart.addTrain(c.step, c.train);
      if (c.divergence) return this.onDiverged(c.divergence);
      if (c.point) this.views?.addPathPoint(...c.point);
      if (c.validation === null) continue;
      chart.addValidation(c.step, c.validation);
      this.followGhost(c.step);
    }
    if (run.judge.verdict !== 'continue') return this.finish();
    chart.redraw();
    this.showMetrics();
    this.publish();
  }

  /** The run is over (goal met, or the budget used up): the view stays, the Attempt is saved. */
  private async finish(): Promise<void> {
    this.phase = 'done';
    const passed = this.run.judge.passed;
    const chart = this.loss.chart;
    chart.redraw();
    this.showMetrics();
    await this.views?.refresh(true, this.run.step);
    this.updateButtons();
    this.publish();
    const result = this.info ? this.run.result(this.draft, this.info.totalParams) : null;
    if (!result) {
      this.loss.say(
        `Done: ${this.run.step} steps trained. Go back to the workbench to try another network.`,
        CSS.text,
      );
      return;
    }
    services().saves.record(result.attempt);
    this.views?.followGhost(Infinity);
    chart.showGhostUntil(Infinity);
    chart.redraw();
    this.result = result;
    this.loss.say(
      passed
        ? `★ Goal met at step ${this.run.step}! Look at what the network learned, then press Result for your stars.`
        : `Step budget used up: the goal was not met (${this.metricText(result.attempt.achieved)}). Press Result to see why and what to try.`,
      passed ? CSS.success : CSS.text,
    );
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
    this.loss.say(`⚠ Stopped at step ${step}: the loss exploded.`, CSS.warning);
    this.updateButtons();
    this.loss.chart.redraw();
    this.showMetrics();
    const context = divergenceContext(
      this.level,
      this.draft.options.lr,
      teacherFlags(this.levelId),
    );
    const { message, rewindTo } = divergenceAdvice(d, context);
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
    this.loss.status.setText('Rewinding…');
    if (!(await this.createLearner())) return;
    this.clearRun();
    this.phase = 'paused';
    await this.views?.refresh(true, this.run.step);
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
      this.loss.say('Paused. Press Play (or Space) to go on, or Step for one step.');
    } else if (this.phase === 'paused') {
      this.phase = 'running';
      this.loss.say('Training…');
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
      await this.views?.refresh(true, this.run.step);
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
    this.loss.say('Reset to the same starting weights. Press Play to train again.');
    await this.views?.refresh(true, this.run.step);
    this.updateButtons();
  }

  private clearRun(): void {
    this.run = new LiveRun(this.level, this.stepBudget);
    this.result = null;
    this.pace.clearOwed();
    this.loss.chart.clear();
    this.followGhost(0);
    this.views?.restart();
    this.showMetrics();
    this.publish();
  }

  private showMetrics(): void {
    const numbers = this.run.numbers(this.info?.data.targetScale ?? null, this.phase === 'done');
    this.loss.metrics.setText(metricsLines(this.level, numbers).join('\n'));
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
      step: this.run.step,
      loss: this.run.lastLoss,
      done: this.phase === 'done' || this.phase === 'diverged',
      passed: this.phase === 'done' && this.run.judge.passed,
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
}
