/**
 * What the Training scene asks of the pictures of a run, whatever the data: one implementation
 * per kind of data (points in the plane, a curve over one input, a table of many columns,
 * images), chosen by `viewFor` (./index.ts). The scene is only the shell around them: the run
 * bar, the loss chart, the numbers and the run loop; everything drawn from the network itself
 * lives behind this interface, so a new kind of data is a new view, not new branches in the
 * scene.
 */
import type { LearnerInfo } from '../../../engine/trainer.js';
import type { ModelSpec } from '../../../engine/spec.js';
import type { Level } from '../../../levels/types.js';
import type { Ghost } from '../../ghost.js';
import type { ViewFlags } from '../../state/share.js';
import type { Editing } from '../plane-views.js';

export type { Editing };

/** What a view is built from: the learner's shape and what the player set up around it. */
export interface RunViewOptions {
  info: LearnerInfo;
  spec: ModelSpec;
  /** The level, or null in the sandbox (no old way to show, the pictures a little larger). */
  level: Level | null;
  /** The sandbox's view check boxes (levels draw the training points, smoothly). */
  view: ViewFlags;
  /** Hand-editing of weights and biases: the sandbox only (a level's run is judged as trained). */
  editing: Editing | null;
}

/** The previous era's model as the view shows it now, for the browser tests' hook. */
export interface GhostShown {
  step: number;
  missed: boolean;
}

export interface RunView {
  /**
   * Draws the view's pictures into the scene's three panels once the learner exists, reading
   * from the worker what they need (the data, the starting weights).
   */
  build(): Promise<void>;
  /**
   * Redraws from the worker for the run's `step`. `force` asks for a redraw now (paused, reset,
   * finished); without it a view may skip or defer one that comes too soon after the last.
   */
  refresh(force: boolean, step: number): Promise<void>;
  /** Whether the run loop should read the first weight and bias after every chunk. */
  readonly followsPath: boolean;
  /** The first weight and bias after a chunk (only asked for when `followsPath`). */
  addPathPoint(w: number, b: number): void;
  /** The run went back to its first step (reset or rewind): what it drew of its way goes. */
  restart(): void;
  /**
   * Puts the previous era's model under the left picture, keeping pace with the run; `format`
   * writes its goal metric as the scene does.
   */
  showGhost(ghost: Ghost, format: (value: number) => string): void;
  /** Moves the old way to the run's step (its run over: `Infinity`). */
  followGhost(step: number): void;
  /** What the old way shows now, or null without one. */
  readonly ghostShown: GhostShown | null;
}
