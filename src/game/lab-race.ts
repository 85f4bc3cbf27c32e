/**
 * The lab's side of an optimizer race in the worker (`raceCreate` and the other `race*` calls of
 * the trainer): it starts the race, steps it, checks each lane against the level's goal after
 * every chunk (the same split and metric the level is judged on), and gathers what the lab draws
 * — curves, the tree, the chosen lane's update sizes, the player's best saved run as a ghost —
 * in one round of requests.
 */
import type { DataRequest, TrainerApi } from '../engine/trainer.js';
import type { ModelSpec } from '../engine/spec.js';
import type { TrainOptions } from '../engine/options.js';
import type { Landscape, LayerUpdates } from '../engine/race.js';
import { CHECK_EVERY, goalValue, meetsGoal } from '../levels/index.js';
import type { Level } from '../levels/types.js';
import type { Lane } from './state/lanes.js';
import type { LanePoint } from './objects/lane-chart.js';
import { services } from './services.js';

export type Trainer = {
  [K in keyof TrainerApi]: (
    ...args: Parameters<TrainerApi[K]>
  ) => Promise<Awaited<ReturnType<TrainerApi[K]>>>;
};

/** One lane as the lab shows it. */
export interface LaneView {
  lane: Lane;
  parent: number | null;
  fromStep: number;
  step: number;
  diverged: boolean;
  curve: { step: number; validation: number }[];
  /** The first step the lane met the level's goal, or null (always null in the sandbox). */
  goalAt: number | null;
  /** The goal metric at the lane's last check, or null in the sandbox. */
  goalValue: number | null;
}

export interface RaceState {
  startHashes: string[];
  lanes: LaneView[];
  /** The furthest step any lane reached: the timeline's end. */
  maxStep: number;
  /** The chosen lane's latest update sizes, per layer. */
  updates: LayerUpdates[];
  /** The chosen lane's first recorded update sizes, per layer: how they changed over time. */
  firstUpdates: LayerUpdates[];
  /** Every record of the chosen lane's update sizes, oldest first (one per 25 steps). */
  history: LayerUpdates[][];
  /** Histogram bin edges of `updates`. */
  edges: number[];
  ghost: LanePoint[];
  /** The snapshots the timeline can go back to: how many, and the memory they take of the cap. */
  snapshots: { count: number; bytes: number; capBytes: number };
}

export interface RaceSetup {
  spec: ModelSpec;
  data: DataRequest;
  base: TrainOptions;
  lanes: Lane[];
  seed: number;
  level: Level | null;
}

export class RaceClient {
  /** Per lane: (step, goal value) at every chunk, for "who met the goal first". */
  private readonly checks = new Map<number, { step: number; value: number }[]>();
  private ghost: LanePoint[] = [];

  private constructor(
    private readonly trainer: Trainer,
    private readonly setup: RaceSetup,
    readonly startHashes: string[],
  ) {}

  static async create(trainer: Trainer, setup: RaceSetup): Promise<RaceClient> {
    const info = await trainer.raceCreate(
      setup.spec,
      setup.data,
      setup.base,
      setup.lanes.map((l) => ({ ...l })),
      setup.seed,
      { snapshotEvery: CHECK_EVERY },
    );
    const client = new RaceClient(trainer, setup, info.startHashes);
    void client.loadGhost();
    return client;
  }

  /** The player's best saved run of the level, retrained on the side, as a grey curve. */
  private async loadGhost(): Promise<void> {
    const level = this.setup.level;
    const best = level ? services().saves.progress(level.id).best : null;
    if (!level || !best) return;
    const run = await this.trainer.ghost(
      { spec: best.spec, options: best.options, seed: best.seed, steps: best.steps },
      this.setup.data,
      { split: 'validation', metric: 'loss', every: CHECK_EVERY },
      null,
    );
    this.ghost = run.checks.map((c) => ({ step: c.step, value: c.validation }));
  }

  /**
   * Steps every lane `n` more, none past `until` (the budget, or a branch to replay first);
   * true once every lane has run the `budget` or stopped.
   */
  async step(n: number, until: number, budget: number): Promise<boolean> {
    const steps = await this.trainer.raceStep(n, until);
    const level = this.setup.level;
    if (level) {
      const evaluation = await this.trainer.raceEvaluate(level.goal.split);
      for (const e of evaluation) {
        const at = steps.find((s) => s.lane === e.lane)?.step ?? 0;
        const list = this.checks.get(e.lane) ?? [];
        list.push({ step: at, value: goalValue(level.goal, e) });
        this.checks.set(e.lane, list);
      }
    }
    return steps.every((s) => s.diverged !== null || s.step >= budget);
  }

  /** Everything the lab draws, for the chosen lane `selected`. */
  async state(selected: number): Promise<RaceState> {
    const [curves, tree, updates, snaps] = await Promise.all([
      this.trainer.raceCurves(),
      this.trainer.raceTree(),
      this.trainer.raceUpdates(selected).catch(() => null),
      this.trainer.raceSnapshots(),
    ]);
    const level = this.setup.level;
    const lanes = tree.map((node): LaneView => {
      const c = curves.find((x) => x.lane === node.lane);
      const checks = this.checks.get(node.lane) ?? [];
      const met = level ? checks.find((k) => meetsGoal(level.goal, k.value)) : undefined;
      return {
        lane: node.options,
        parent: node.parent,
        fromStep: node.fromStep,
        step: c?.step ?? 0,
        diverged: Boolean(c?.diverged),
        curve: (c?.points ?? []).map((p) => ({ step: p.step, validation: p.validationLoss })),
        goalAt: met?.step ?? null,
        goalValue: checks.at(-1)?.value ?? null,
      };
    });
    return {
      startHashes: this.startHashes,
      lanes,
      maxStep: Math.max(0, ...lanes.map((l) => l.step)),
      updates: updates?.records.at(-1)?.layers ?? [],
      firstUpdates: updates?.records[0]?.layers ?? [],
      history: (updates?.records ?? []).map((r) => r.layers),
      edges: updates?.edges ?? [],
      ghost: this.ghost,
      snapshots: { count: snaps.count, bytes: snaps.bytes, capBytes: snaps.capBytes },
    };
  }

  /** The lane back at its latest snapshot at or before `step`; its goal checks trimmed too. */
  async rewind(lane: number, step: number): Promise<number> {
    const at = await this.trainer.raceRewind(lane, step);
    this.checks.set(
      lane,
      (this.checks.get(lane) ?? []).filter((k) => k.step <= at),
    );
    return at;
  }

  /** A new lane from `lane` at `step` with `options`; returns its number and where it starts. */
  async branch(
    lane: number,
    step: number,
    options: Lane,
  ): Promise<{ lane: number; fromStep: number }> {
    const child = await this.trainer.raceBranch(lane, step, { ...options });
    const tree = await this.trainer.raceTree();
    const node = tree.find((n) => n.lane === child);
    const fromStep = node?.fromStep ?? step;
    this.checks.set(
      child,
      (this.checks.get(lane) ?? []).filter((k) => k.step <= fromStep),
    );
    return { lane: child, fromStep };
  }

  /** A slice of the loss around the lane's weights (the exact plane for a two-weight network). */
  landscape(lane: number, twoParams: boolean): Promise<Landscape> {
    return this.trainer.raceLandscape(lane, {
      resolution: 25,
      span: 1,
      axes: twoParams ? 'params' : 'random',
    });
  }

  async dispose(): Promise<void> {
    await this.trainer.raceDispose();
  }
}
