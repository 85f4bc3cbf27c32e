/**
 * The Optimizer lab: the same network raced with up to four optimizers, every lane from the
 * same starting weights and through the same batches (the start hashes show it), trained side
 * by side in the worker; overlaid validation curves, who reached the goal first and when, and the
 * player's best saved run as a grey ghost. For the chosen lane: how big each weight's update is,
 * per layer, and the effective learning rate — why the lanes differ. A timeline scrubs back
 * through the kept snapshots: rewind a lane there, or branch a new lane from there with other
 * settings (the branches show as a small tree). A loss landscape shows a 2-D slice of the loss
 * around a lane's weights, with every lane's path on it. The whole race is in the link.
 */
import * as Phaser from 'phaser';
import { CHECK_EVERY, dataRequest, levelById, rulesOf, sandboxRules } from '../../levels/index.js';
import type { Level } from '../../levels/types.js';
import type { DataRequest } from '../../engine/trainer.js';
import { dataShape } from '../data-shape.js';
import { LaneChart, LANE_COLORS, LANE_CSS, type LanePoint } from '../objects/lane-chart.js';
import { buildLaneEditor } from '../objects/lane-editor.js';
import { UpdateView } from '../objects/update-view.js';
import { LandscapeView } from '../objects/landscape-view.js';
import { RaceClient, type RaceState } from '../lab-race.js';
import { reportLab, services, teacherFlags } from '../services.js';
import { isEditable, type Control } from '../state/teacher.js';
import { showAddress } from '../state/address.js';
import { MAX_LANES, laneName, makeLane, type Branch, type Lane } from '../state/lanes.js';
import { COLORS, CSS, RADIUS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { Slider } from '../ui/slider.js';
import { formatMetric, goalTarget } from './level-text.js';
import { SCENES, type Draft, type LabData } from './keys.js';

/** Steps per tick of the race (each lane), and the lab's step budget in the sandbox. */
const CHUNK = CHECK_EVERY;
const SANDBOX_LAB_STEPS = 2000;

export class Lab extends Phaser.Scene {
  private level: Level | null = null;
  private request!: DataRequest;
  private draft!: Draft;
  private lanes: Lane[] = [];
  /** The branches made in this race (their lanes are the last ones of `lanes`). */
  private branches: Branch[] = [];
  /** Branches of a shared race still to replay, at their steps. */
  private pending: Branch[] = [];
  private linkBranches: Branch[] = [];
  private selected = 0;
  private budget = 1000;
  private race: RaceClient | null = null;
  private state: RaceState | null = null;
  private running = false;
  private busy = false;
  private dirty = true;
  private editor: Phaser.GameObjects.GameObject[] = [];
  private chart!: LaneChart;
  private summary!: Phaser.GameObjects.Text;
  private swatches!: Phaser.GameObjects.Graphics;
  private status!: Phaser.GameObjects.Text;
  private playButton!: Button;
  private timeline!: Slider;
  private timelineStep = 0;
  private snapText!: Phaser.GameObjects.Text;
  private updates!: UpdateView;
  private landscape!: LandscapeView;

  constructor() {
    super(SCENES.lab);
  }

  init(data: LabData): void {
    this.level = data.levelId ? (levelById(data.levelId) ?? null) : null;
    this.draft = structuredClone(data.draft);
    this.request = this.level ? dataRequest(this.level, this.draft.data) : data.data!;
    this.budget = this.level?.stepBudget ?? SANDBOX_LAB_STEPS;
    const lr = this.draft.options.lr;
    this.lanes = data.lanes?.length
      ? structuredClone(data.lanes)
      : [makeLane('sgd', lr), makeLane('momentum', lr), makeLane('adam', lr)];
    this.linkBranches = structuredClone(data.branches ?? []);
    this.branches = [];
    this.pending = [];
    this.selected = 0;
    this.race = null;
    this.state = null;
    this.running = false;
    this.busy = false;
    this.dirty = true;
    this.editor = [];
    this.timelineStep = 0;
  }

  create(): void {
    this.cameras.main.setBackgroundColor(COLORS.background);
    new Button(this, {
      x: 16,
      y: 14,
      label: 'Workbench',
      icon: 'build',
      variant: 'ghost',
      tooltip: 'Back to the workbench with this network',
      onClick: () => this.leave(),
    });
    this.add.text(
      170,
      10,
      `Optimizer lab · ${this.level?.title ?? 'Sandbox'}`,
      textStyle(TEXT.title, CSS.text, 600),
    );
    this.add.text(
      170,
      48,
      this.level
        ? `Goal: ${goalTarget(this.level)} · ${this.budget} steps`
        : `${this.budget} steps`,
      textStyle(TEXT.small, CSS.textDim),
    );
    this.playButton = new Button(this, {
      x: 900,
      y: 14,
      width: 150,
      label: 'Race',
      icon: 'play',
      variant: 'primary',
      tooltip: 'Train every lane side by side (Space)',
      onClick: () => void this.togglePlay(),
    });
    new Button(this, {
      x: 1064,
      y: 14,
      width: 190,
      label: 'Start over',
      icon: 'reset',
      tooltip: 'Every lane back to the same starting weights',
      onClick: () => void this.startOver(false),
    });
    for (const [x, w] of [
      [16, 440],
      [472, 396],
      [884, 380],
    ] as const) {
      this.add.graphics().fillStyle(COLORS.panel, 1).fillRoundedRect(x, 76, w, 632, RADIUS);
    }
    this.add.text(32, 88, 'Lanes', textStyle(TEXT.label, CSS.text, 600));
    this.add.text(488, 88, 'Validation loss', textStyle(TEXT.label, CSS.text, 600));
    const target = this.level?.goal.metric === 'loss' ? this.level.goal.threshold : null;
    this.chart = new LaneChart(this, {
      x: 540,
      y: 122,
      width: 310,
      height: 190,
      steps: this.budget,
      target,
    });
    this.swatches = this.add.graphics();
    this.summary = this.add
      .text(488, 336, '', textStyle(TEXT.small, CSS.text))
      .setLineSpacing(4)
      .setWordWrapWidth(364);
    this.add.text(488, 520, 'Timeline', textStyle(TEXT.label, CSS.text, 600));
    this.snapText = this.add.text(852, 524, '', textStyle(TEXT.small, CSS.textDim)).setOrigin(1, 0);
    this.timeline = new Slider(this, {
      x: 488,
      y: 548,
      width: 364,
      label: 'Step',
      min: 0,
      max: this.budget,
      step: CHUNK,
      value: 0,
      format: (v) => String(Math.round(v)),
      tooltip: 'Pick a step the snapshots kept: rewind a lane there, or branch from there',
      onChange: (v) => {
        this.timelineStep = v;
        this.chart.setCursor(v);
      },
    });
    new Button(this, {
      x: 488,
      y: 612,
      width: 176,
      label: 'Rewind lane',
      icon: 'back',
      tooltip:
        'Put the chosen lane back to the timeline’s step (the latest snapshot at or before it)',
      onClick: () => void this.rewind(),
    });
    new Button(this, {
      x: 676,
      y: 612,
      width: 176,
      label: 'Branch here',
      icon: 'plus',
      tooltip:
        'A new lane from the chosen lane at the timeline’s step, with the settings now in the lane list',
      onClick: () => void this.branch(),
    });
    this.status = this.add
      .text(488, 664, '', textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(364);
    this.updates = new UpdateView(this, { x: 900, y: 88, width: 348 });
    this.landscape = new LandscapeView(this, {
      x: 900,
      y: 400,
      size: 200,
      onCompute: () => void this.computeLandscape(),
    });
    this.buildEditor();
    this.input.keyboard?.on('keydown-SPACE', () => void this.togglePlay());
    this.events.once('shutdown', () => {
      this.running = false;
      void this.race?.dispose();
    });
    this.showAddress();
    void this.startOver(true);
  }

  override update(): void {
    if (this.running && !this.busy) void this.tick();
  }

  private buildEditor(): void {
    for (const o of this.editor) o.destroy();
    const rules = this.level ? rulesOf(this.level) : sandboxRules(dataShape(this.request));
    this.editor = buildLaneEditor(this, {
      x: 32,
      y: 122,
      width: 408,
      lanes: this.lanes,
      lr: { min: rules.settings.lr.min, max: rules.settings.lr.max },
      // A teacher's link (or class) that fixes the optimizer or the rate fixes the lanes too.
      locked: ['optimizer', 'lr'].some(
        (c) => !isEditable(c as Control, teacherFlags(this.level?.id ?? null), false),
      ),
      selected: () => this.selected,
      onSelect: (i) => {
        this.selected = i;
        this.buildEditor();
        void this.refresh();
      },
      onChange: () => {
        this.dirty = true;
        this.running = false;
        this.playButton.setLabel('Race').setIcon('play');
        this.buildEditor();
        this.showAddress();
        this.say(
          this.started()
            ? 'Settings changed. Start over races them from the first step; Branch here tries the chosen lane’s from the timeline’s step.'
            : 'Settings changed: press Race.',
        );
      },
    });
  }

  /**
   * A fresh race of the current lanes: same spec, data and seed, so the same start. With
   * `replay`, the shared link's branches are made again at their steps; otherwise every lane,
   * branches too, starts from step 0.
   */
  private async startOver(replay: boolean): Promise<void> {
    this.running = false;
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    this.branches = [];
    this.pending = replay ? structuredClone(this.linkBranches) : [];
    if (!replay) this.linkBranches = [];
    await this.race?.dispose();
    this.say('Preparing the lanes…');
    try {
      this.race = await RaceClient.create(
        services().trainer as unknown as Parameters<typeof RaceClient.create>[0],
        {
          spec: this.draft.spec,
          data: this.request,
          base: this.draft.options,
          lanes: this.lanes,
          seed: this.draft.seed,
          level: this.level,
        },
      );
    } catch (error) {
      this.race = null;
      this.say(`⚠ ${(error as Error).message}`);
      return;
    }
    if (!this.scene.isActive()) return;
    this.dirty = false;
    await this.refresh();
    const hashes = this.state?.startHashes ?? [];
    const same = hashes.every((h) => h === hashes[0]);
    this.say(
      same
        ? `Every lane starts from the same weights (start hash ${hashes[0]?.slice(0, 10) ?? '?'}…) and sees the same batches. Press Race.`
        : '⚠ The lanes do not start from the same weights.',
    );
  }

  /** Whether the race has trained any step (then Race goes on; before, it starts anew). */
  private started(): boolean {
    return (this.state?.maxStep ?? 0) > 0;
  }

  private async togglePlay(): Promise<void> {
    if (this.dirty && !this.started()) await this.startOver(false);
    this.running = !this.running && this.race !== null;
    this.playButton
      .setLabel(this.running ? 'Pause' : 'Race')
      .setIcon(this.running ? 'pause' : 'play');
  }

  private async tick(): Promise<void> {
    this.busy = true;
    try {
      const race = this.race;
      if (!race) return;
      const next = this.pending[0];
      const until = next ? Math.min(next.step, this.budget) : this.budget;
      const done = await race.step(CHUNK, until, this.budget);
      await this.refresh();
      // A shared race's branch is made again once its parent reaches the step it was made at.
      if (next && (this.state?.lanes[next.parent]?.step ?? 0) >= next.step) {
        this.pending.shift();
        await race.branch(next.parent, next.step, next.lane);
        this.branches.push(next);
        this.lanes.push({ ...next.lane });
        this.buildEditor();
        await this.refresh();
        return;
      }
      if (done) {
        this.running = false;
        this.playButton.setLabel('Race').setIcon('play');
        this.say(
          'Every lane has run its budget (or stopped): scrub the timeline to rewind or branch.',
        );
      }
    } catch (error) {
      this.running = false;
      this.say(`⚠ ${(error as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /** Reads the race and redraws the curves, the summary, the update sizes and the tree. */
  private async refresh(): Promise<void> {
    const race = this.race;
    if (!race) return;
    const state = await race.state(this.selected);
    if (!this.scene.isActive()) return;
    this.state = state;
    const curves: LanePoint[][] = state.lanes.map((l) =>
      l.curve.map((p) => ({ step: p.step, value: p.validation })),
    );
    this.chart.set(
      curves,
      state.lanes.map((l) => l.goalAt),
    );
    this.timeline.setValue(Math.min(this.timelineStep, state.maxStep));
    const mib = (b: number): string => (b / 1048576).toFixed(1);
    this.snapText.setText(
      `${state.snapshots.count} snapshots · ${mib(state.snapshots.bytes)} of ${mib(state.snapshots.capBytes)} MiB`,
    );
    const lines = state.lanes.map((l, i) => {
      const last = l.curve.at(-1);
      const score =
        this.level && l.goalValue !== null
          ? formatMetric(this.level, l.goalValue)
          : last
            ? last.validation.toPrecision(3)
            : '—';
      const parent = l.parent === null ? '' : ` ← lane ${l.parent + 1} at step ${l.fromStep}`;
      return `${i + 1}. ${laneName(l.lane)}${parent}: step ${l.step}, ${score}${l.goalAt !== null ? `, goal at step ${l.goalAt}` : ''}${l.diverged ? ' (diverged)' : ''}`;
    });
    const winner = state.lanes
      .map((l, i) => ({ i, at: l.goalAt }))
      .filter((w) => w.at !== null)
      .sort((a, b) => a.at! - b.at!)[0];
    lines.push(
      this.level
        ? winner
          ? `First to the goal: lane ${winner.i + 1}, ${laneName(state.lanes[winner.i]!.lane)}, at step ${winner.at}.`
          : 'No lane has met the goal yet.'
        : '',
    );
    this.summary.setText(lines.join('\n'));
    reportLab({
      startHashes: state.startHashes,
      lanes: state.lanes.map((l) => ({
        name: laneName(l.lane),
        step: l.step,
        parent: l.parent,
        goalAt: l.goalAt,
        points: l.curve.length,
        validation: l.curve.at(-1)?.validation ?? null,
      })),
      winner: winner?.i ?? null,
    });
    // Each lane's line in its colour: a swatch per line beside the text.
    const sw = this.swatches.clear();
    state.lanes.forEach((_, i) => {
      sw.fillStyle(LANE_COLORS[i % 4]!, 1).fillRect(478, 340 + i * 20, 6, 14);
    });
    this.updates.show(
      state.updates,
      this.selected,
      LANE_CSS[this.selected % 4]!,
      state.firstUpdates,
      state.history,
    );
    this.chart.setGhost(state.ghost);
  }

  private async rewind(): Promise<void> {
    if (!this.race) return;
    const at = await this.race.rewind(this.selected, this.timelineStep);
    this.say(`Lane ${this.selected + 1} is back at step ${at}.`);
    await this.refresh();
  }

  private async branch(): Promise<void> {
    const state = this.state;
    if (!this.race || !state) return;
    if (state.lanes.length >= MAX_LANES) {
      this.say(`The lab races ${MAX_LANES} lanes at most: remove one (and start over) to branch.`);
      return;
    }
    const settings = this.lanes[this.selected]!;
    const parent = this.selected;
    try {
      const { lane, fromStep } = await this.race.branch(parent, this.timelineStep, settings);
      // The lane list follows the race: the branch is a lane of its own from now on.
      this.lanes = state.lanes.map((l) => l.lane);
      this.lanes.push({ ...settings });
      this.branches.push({ parent, step: fromStep, lane: { ...settings } });
      this.linkBranches = [...this.branches];
      this.showAddress();
      this.selected = lane;
      this.dirty = false;
      this.buildEditor();
      this.say(
        `Lane ${lane + 1} branches from lane ${parent + 1} at step ${fromStep} as ${laneName(settings)}. Press Race to go on.`,
      );
    } catch (error) {
      this.say(`⚠ ${(error as Error).message}`);
    }
    await this.refresh();
  }

  private async computeLandscape(): Promise<void> {
    if (!this.race) return;
    this.say('Computing the loss around the chosen lane’s weights…');
    const slice = await this.race.landscape(this.selected, this.twoParams());
    if (!this.scene.isActive()) return;
    this.landscape.show(slice);
    this.say('The landscape: brighter is lower loss; each lane’s path is drawn in its colour.');
  }

  /** A network of one weight and one bias: its landscape is the exact (w, b) plane. */
  private twoParams(): boolean {
    const layers = this.draft.spec.layers;
    return (
      layers.length === 1 &&
      layers[0]!.type === 'dense' &&
      layers[0]!.units === 1 &&
      dataShape(this.request).inputs === 1
    );
  }

  private say(text: string): void {
    this.status.setText(text);
  }

  private showAddress(): void {
    const levelId = this.level?.id ?? null;
    const data = levelId ? null : 'name' in this.request ? this.request.name : null;
    showAddress(
      {
        kind: 'run',
        state: {
          levelId,
          data,
          draft: this.draft,
          lanes: this.lanes.slice(0, this.lanes.length - this.branches.length),
          branches: [...this.branches, ...this.pending],
        },
      },
      services().hash.teacher,
    );
  }

  private leave(): void {
    this.scene.start(SCENES.workbench, {
      levelId: this.level?.id ?? null,
      draft: this.draft,
      ...(this.level ? {} : { data: this.request }),
    });
  }
}
