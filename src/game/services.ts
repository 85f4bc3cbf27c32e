/**
 * The game's long-lived services, made once at boot and shared by every scene: the one training
 * worker, the save store over localStorage, and what the URL hash carried (a shared draft,
 * teacher flags, a notice about a damaged link). No Phaser here: scenes ask for `services()`;
 * `main.ts` calls `bootServices()` before the game starts.
 *
 * Why a module-level singleton instead of Phaser's registry: the values are typed, there is
 * exactly one of each per page, and the browser tests reach the same trainer through
 * `window.neuralJourney`.
 */
import { startTrainer, type TrainerClient } from '../web/trainer-client.js';
import { SaveStore, browserStorage } from './state/saves.js';
import { decodeHash, type DecodedHash } from './state/share.js';
import type { GraphLayout } from './objects/network-graph.js';
import { loadMembership, saveMembership, type Membership } from './state/classroom.js';
import { CONTROLS, type Control, type TeacherFlags } from './state/teacher.js';

export interface Services {
  /** The one worker-backed trainer (Comlink); every scene that trains uses it. */
  readonly trainer: TrainerClient;
  /** Progress, kept solutions and settings, saved in localStorage (memory only if blocked). */
  readonly saves: SaveStore;
  /** The URL hash as decoded at boot (shared draft, teacher flags, target, notice). */
  readonly hash: DecodedHash;
}

let current: Services | null = null;
/** Messages for the player not yet shown (save problems, a damaged link). */
const pending: string[] = [];

/** Creates the services; called once by `main.ts` before Phaser starts. Idempotent. */
export function bootServices(hash: string = location.hash): Services {
  if (current) return current;
  const { trainer } = startTrainer();
  const saves = new SaveStore(browserStorage());
  const decoded = decodeHash(hash);
  pending.push(...saves.notices);
  if (decoded.notice) pending.push(decoded.notice);
  current = { trainer, saves, hash: decoded };
  membership = loadMembership(browserStorage());
  return current;
}

let membership: Membership | null = null;

/** The class this browser joined, or null. */
export function currentClass(): Membership | null {
  return membership;
}

/** Joins (or, with null, leaves) a class: kept in the browser for the next visit. */
export function setClass(m: Membership | null): void {
  membership = m;
  saveMembership(browserStorage(), m);
}

/** The controls the joined class hides or locks on `levelId` (none off its levels). */
export function classFixed(levelId: string | null): Set<Control> {
  const m = membership;
  if (!m || levelId === null || !m.info.levels.includes(levelId)) return new Set();
  return new Set(
    [...m.info.hide, ...m.info.lock].filter((c): c is Control =>
      (CONTROLS as readonly string[]).includes(c),
    ),
  );
}

/**
 * What the player may change on `levelId`: the teacher flags of the link, and on a level of the
 * joined class also the class's (a class hides or locks controls on its own levels only).
 */
export function teacherFlags(levelId: string | null): TeacherFlags {
  const link = services().hash.teacher;
  const m = membership;
  if (!m || levelId === null || !m.info.levels.includes(levelId)) return link;
  const known = (list: string[]): Control[] =>
    list.filter((c): c is Control => (CONTROLS as readonly string[]).includes(c));
  return {
    hide: new Set([...link.hide, ...known(m.info.hide)]),
    lock: new Set([...link.lock, ...known(m.info.lock)]),
  };
}

/** The services made at boot. Throws if called before `bootServices` (a programming error). */
export function services(): Services {
  if (!current) throw new Error('services() called before bootServices()');
  return current;
}

/**
 * Returns the player messages not shown yet and forgets them, so each is shown once (the Title
 * scene shows them as notices). Later save failures are read from `saves.notices` too.
 */
export function takeNotices(): string[] {
  const saves = current?.saves;
  if (saves) {
    for (const notice of saves.notices) if (!pending.includes(notice)) pending.push(notice);
    saves.notices.length = 0;
  }
  return pending.splice(0, pending.length);
}

let ready = false;

/** Boot calls this once the font is loaded and the trainer has answered. */
export function markReady(): void {
  ready = true;
}

/** Whether Boot finished (the test hook's `ready`). */
export function isReady(): boolean {
  return ready;
}

/** Queues a message for the player (shown by the next scene that shows notices). */
export function addNotice(text: string): void {
  if (!pending.includes(text)) pending.push(text);
}

/** How the last training run stands, as the browser tests' hook reports it. */
export interface TrainingProgress {
  step: number;
  loss: number | null;
  done: boolean;
  passed: boolean;
  diverged: string | null;
  /** The previous era's model beside the run: the step it is shown at, and whether it missed. */
  ghost: { step: number; missed: boolean } | null;
}

let training: TrainingProgress | null = null;

/** The Training scene calls this after every chunk of steps and when the run ends. */
export function reportTraining(progress: TrainingProgress): void {
  training = progress;
}

/** The last reported progress, or null before the first run. */
export function trainingProgress(): TrainingProgress | null {
  return training;
}

/** What the Training view's network graph shows, for the browser tests' hook. */
export interface PicturesShown {
  /** Where each node, weight and bias is drawn (game coordinates). */
  graph: GraphLayout;
  /** Per column of the graph: whether its maps were painted with anything but zeros. */
  columns: { title: string; units: number; painted: boolean }[];
  /** The sum of the boundary's last predictions over its grid: changes when the answer does. */
  boundary?: number;
}

let pictures: PicturesShown | null = null;

/** The pictures call this after every repaint. */
export function reportPictures(shown: Partial<PicturesShown>): void {
  pictures = {
    ...(pictures ?? { graph: { nodes: [], weights: [], biases: [] }, columns: [] }),
    ...shown,
  };
}

/** The last reported pictures, or null before any graph was drawn. */
export function picturesShown(): PicturesShown | null {
  return pictures;
}

/** How the optimizer lab's race stands, for the browser tests' hook. */
export interface LabShown {
  startHashes: string[];
  lanes: {
    name: string;
    step: number;
    parent: number | null;
    goalAt: number | null;
    points: number;
    validation: number | null;
  }[];
  /** The lane that met the goal first, or null. */
  winner: number | null;
}

let lab: LabShown | null = null;

export function reportLab(shown: LabShown): void {
  lab = shown;
}

export function labShown(): LabShown | null {
  return lab;
}

/** How the epilogue's ladder and plot stand (for the browser tests). */
export interface ScalingShown {
  length: 'full' | 'quick';
  axis: 'params' | 'compute';
  running: boolean;
  rungs: { id: string; params: number | null; loss: number | null }[];
  /** Dots the plot drew. */
  plotted: number;
  /** The fitted slope, or null before two rungs are trained. */
  alpha: number | null;
  /** The line's loss at each known model, by name (null without a fit). */
  predicted: Record<string, number | null>;
}

let scaling: ScalingShown | null = null;

export function reportScaling(shown: ScalingShown): void {
  scaling = shown;
}

export function scalingShown(): ScalingShown | null {
  return scaling;
}

/** A download the player waits for, as its progress bar shows it (for the browser tests). */
export interface ProgressShown {
  label: string;
  loadedBytes: number;
  totalBytes: number;
  /** Updates the bar has shown. */
  updates: number;
  /** Whether the bar is still on screen. */
  visible: boolean;
}

let progressShown: ProgressShown | null = null;

/** Progress bars report each update here, and `visible: false` when they go. */
export function reportProgress(shown: Omit<ProgressShown, 'updates'>): void {
  progressShown = { ...shown, updates: (progressShown?.updates ?? 0) + 1 };
}

/** The last progress bar's state, or null before any. */
export function progressOf(): ProgressShown | null {
  return progressShown;
}

/** What the journey map shows of each level node, for the browser tests' hook. */
export interface MapShown {
  levels: { id: string; chapter: number; unlocked: boolean; stars: number }[];
  /** The epilogue's stop: open, and starred once the whole ladder is trained. */
  epilogue: { open: boolean; done: boolean };
}

let mapState: MapShown | null = null;

/** The journey map calls this when it draws its nodes. */
export function reportMap(shown: MapShown): void {
  mapState = shown;
}

/** The journey map as last drawn, or null before the first. */
export function mapShown(): MapShown | null {
  return mapState;
}

/** What the workbench shows of the network's cost and problems, for the browser tests' hook. */
export interface WorkbenchShown {
  /** The network's totals, or null while it cannot be built. */
  params: number | null;
  macs: number | null;
  /** The level's budgets, or null where it sets none. */
  maxParams: number | null;
  maxMacs: number | null;
  /** The problems listed (each without its ⚠); Train is enabled only when there are none. */
  problems: string[];
  trainable: boolean;
  /**
   * Per block, top to bottom: its focus label, the multiply-adds it shows ('' for none) and its
   * clickable field chips (kernel, stride …) where they rest, in game coordinates.
   */
  blocks: { label: string; cost: string; fields: FieldChipShown[] }[];
}

/** One clickable field chip of a workbench block: its field, its words and its rectangle. */
export interface FieldChipShown {
  name: string;
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

let workbenchState: WorkbenchShown | null = null;

/** The Workbench calls this after every edit. */
export function reportWorkbench(shown: WorkbenchShown): void {
  workbenchState = shown;
}

/** The workbench as last shown, or null before the first. */
export function workbenchShown(): WorkbenchShown | null {
  return workbenchState;
}
