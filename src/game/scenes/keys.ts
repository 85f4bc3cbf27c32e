/**
 * The scene list, declared once, and what each scene's `init(data)` receives. Scenes hand off
 * with visible `this.scene.start(SCENES.x, data)` calls; nothing else crosses between them.
 */
import type { ModelSpec } from '../../engine/spec.js';
import type { TrainOptions } from '../../engine/options.js';
import type { Attempt, DataSettings, RunOutcome } from '../../levels/types.js';
import type { DataRequest } from '../../engine/trainer.js';
import type { ViewFlags } from '../state/share.js';
import type { Branch, Lane } from '../state/lanes.js';

export const SCENES = {
  boot: 'Boot',
  title: 'Title',
  map: 'JourneyMap',
  briefing: 'Briefing',
  workbench: 'Workbench',
  training: 'Training',
  result: 'Result',
  sandbox: 'Sandbox',
  classJoin: 'ClassJoin',
  lab: 'Lab',
  scaling: 'Scaling',
} as const;

/**
 * A network and settings being built: what the workbench edits and a share URL encodes; on a
 * level that opens data controls, also the data settings chosen (the sandbox's data is in its
 * data request instead).
 */
export interface Draft {
  spec: ModelSpec;
  options: TrainOptions;
  seed: number;
  data?: DataSettings;
}

export interface BriefingData {
  levelId: string;
}
export interface WorkbenchData {
  /** A level id, or null in the sandbox. */
  levelId: string | null;
  /** Start from this draft (a share URL, a kept solution, "retry") instead of the level's start. */
  draft?: Draft;
  /** Sandbox only: the data to train on. */
  data?: DataRequest;
  /** Where `draft` came from, named in the notice if it had to be changed; default a link. */
  source?: 'link' | 'save';
  /** Sandbox only: the training view's check boxes, kept for the run and the link. */
  view?: ViewFlags;
}
export interface TrainingData {
  levelId: string | null;
  draft: Draft;
  data?: DataRequest;
  view?: ViewFlags;
}
export interface SandboxData {
  /**
   * A `csv=` or `text=` link: the file it was made with (by name), which kind of file
   * (`format`, absent for a CSV), and its network if it had one.
   */
  awaiting?: { fileName: string; format?: 'text'; draft?: Draft };
  /** Back from the Workbench: the data picked before and the network built for it. */
  request?: DataRequest;
  draft?: Draft;
  view?: ViewFlags;
}
export interface ResultData {
  attempt: Attempt;
  /** How the run went, for the advice; absent when a result is shown without its run. */
  outcome?: RunOutcome;
}

/** The optimizer lab: a level's (or the sandbox's) network, and the lanes of a shared race. */
export interface LabData {
  levelId: string | null;
  draft: Draft;
  /** Sandbox only: the data to train on. */
  data?: DataRequest;
  lanes?: Lane[];
  branches?: Branch[];
}
