/**
 * The game's entry point (index.html loads it). It makes the services once (the training
 * worker, the save, the decoded URL hash), exposes a read-only test hook on
 * `window.neuralJourney`, and starts Phaser with the scene list.
 *
 * The hook keeps what the engine page offered the browser tests — `trainer` and `ready` — and
 * adds `scene`, the key of the scene on top, so tests can wait for a screen instead of sleeping.
 */
import * as Phaser from 'phaser';
import { COLORS, HEIGHT, WIDTH } from './theme.js';
import {
  SCENES,
  type BriefingData,
  type ResultData,
  type SandboxData,
  type TrainingData,
} from './scenes/keys.js';
import { services } from './services.js';
import { runAddress, showAddress, type Address } from './state/address.js';
import { FocusManager, type ControlInfo } from './ui/focus.js';
import {
  bootServices,
  isReady,
  labShown,
  scalingShown,
  type ScalingShown,
  mapShown,
  type MapShown,
  picturesShown,
  progressOf,
  type ProgressShown,
  trainingProgress,
  type LabShown,
  type PicturesShown,
  type TrainingProgress,
  type WorkbenchShown,
  workbenchShown,
} from './services.js';
import type { TrainerClient } from '../web/trainer-client.js';
import { Boot } from './scenes/boot.js';
import { Title } from './scenes/title.js';
import { JourneyMap } from './scenes/journey-map.js';
import { Briefing } from './scenes/briefing.js';
import { Workbench } from './scenes/workbench.js';
import { Training } from './scenes/training.js';
import { Result } from './scenes/result.js';
import { Sandbox } from './scenes/sandbox.js';
import { ClassJoin } from './scenes/class-join.js';
import { Lab } from './scenes/lab.js';
import { Scaling } from './scenes/scaling.js';

/** What the browser tests can read. Getters only: tests observe, scenes decide. */
export interface NeuralJourneyHook {
  readonly trainer: TrainerClient;
  /** True once the font is loaded and the trainer has answered (Boot sets it). */
  readonly ready: boolean;
  /** Key of the scene on top (one of SCENES), or null before the first scene starts. */
  readonly scene: string | null;
  /** Keys of all running scenes, bottom to top. */
  readonly scenes: readonly string[];
  /** The top scene's keyboard-focusable controls, labelled, in game coordinates (1280×720). */
  controls(): ControlInfo[];
  /** Progress of the Training scene's run, or null before the first one. */
  readonly training: TrainingProgress | null;
  /** What the Training view's network graph and boundary show, or null before the first. */
  readonly pictures: PicturesShown | null;
  /** How the optimizer lab's race stands, or null before the first. */
  readonly lab: LabShown | null;
  /** How the epilogue's ladder and plot stand, or null before it opens. */
  readonly scaling: ScalingShown | null;
  /** The last progress bar (a download), or null before any. */
  readonly progress: ProgressShown | null;
  /** The workbench's totals, budgets, problems and per-block costs, or null before the first. */
  readonly workbench: WorkbenchShown | null;
  /** The journey map's level nodes (open or locked, stars drawn), or null before the first. */
  readonly map: MapShown | null;
}

// Not a `declare global`: src/web/main.ts (the old engine page) declares its own shape, and
// only one of the two pages runs at a time.
const host = window as unknown as { neuralJourney: NeuralJourneyHook };

const { trainer } = bootServices(location.hash);

/**
 * WebGL when the browser draws it on a GPU; the Canvas renderer when WebGL would only be
 * emulated on the CPU (SwiftShader, llvmpipe: blocklisted drivers, many school machines, headless
 * browsers). Emulated WebGL costs tens of milliseconds a frame for this game's text and vector
 * drawing, which Canvas 2D does in a few.
 */
function pickRenderer(): number {
  const gl = document.createElement('canvas').getContext('webgl');
  if (!gl) return Phaser.CANVAS;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|software/i.test(renderer) ? Phaser.CANVAS : Phaser.WEBGL;
}

const game = new Phaser.Game({
  type: pickRenderer(),
  parent: 'game',
  width: WIDTH,
  height: HEIGHT,
  backgroundColor: COLORS.background,
  scale: {
    mode: Phaser.Scale.FIT,
    autoCenter: Phaser.Scale.CENTER_BOTH,
    width: WIDTH,
    height: HEIGHT,
  },
  // Boot first: Phaser starts the first scene of the list.
  scene: [
    Boot,
    Title,
    JourneyMap,
    Briefing,
    Workbench,
    Training,
    Result,
    Sandbox,
    ClassJoin,
    Lab,
    Scaling,
  ],
  // Text and vector graphics, no pixel art: keep smoothing on.
  antialias: true,
});

function runningKeys(): string[] {
  return game.scene.getScenes(true).map((scene) => scene.scene.key);
}

host.neuralJourney = Object.freeze({
  trainer,
  get ready() {
    return isReady();
  },
  get scene() {
    return runningKeys().at(-1) ?? null;
  },
  get scenes() {
    return runningKeys();
  },
  controls() {
    const top = game.scene.getScenes(true).at(-1);
    return top ? (FocusManager.peek(top)?.describe() ?? []) : [];
  },
  get training() {
    return trainingProgress();
  },
  get pictures() {
    return picturesShown();
  },
  get lab() {
    return labShown();
  },
  get scaling() {
    return scalingShown();
  },
  get progress() {
    return progressOf();
  },
  get workbench() {
    return workbenchShown();
  },
  get map() {
    return mapShown();
  },
});

/**
 * Where each scene puts the address bar when it opens, from the data it was started with. The
 * Workbench and the Sandbox keep it up to date themselves as the player edits; Boot leaves the
 * link it is reading alone.
 */
const ADDRESSES: Partial<Record<string, (data: unknown) => Address>> = {
  [SCENES.title]: () => ({ kind: 'home' }),
  [SCENES.map]: () => ({ kind: 'home' }),
  [SCENES.sandbox]: (data) => {
    const awaiting = (data as SandboxData).awaiting;
    if (!awaiting) return { kind: 'home' };
    const kind = awaiting.format ?? 'csv';
    const request =
      kind === 'text'
        ? { text: '', seed: 1, fileName: awaiting.fileName }
        : { csv: '', seed: 1, fileName: awaiting.fileName };
    return awaiting.draft
      ? runAddress(null, request, awaiting.draft)
      : { kind, fileName: awaiting.fileName };
  },
  [SCENES.briefing]: (data) => ({ kind: 'level', levelId: (data as BriefingData).levelId }),
  [SCENES.training]: (data) => {
    const d = data as TrainingData;
    return runAddress(d.levelId, d.data, d.draft, d.view);
  },
  [SCENES.result]: (data) => {
    const { attempt } = data as ResultData;
    const { spec, options, seed, data: chosen } = attempt;
    const draft = { spec, options, seed, ...(chosen ? { data: chosen } : {}) };
    return { kind: 'run', state: { levelId: attempt.levelId, data: null, draft } };
  },
};

// Scene keys are declared once in keys.ts; check the list here so a missing scene fails loudly.
game.events.once(Phaser.Core.Events.READY, () => {
  for (const key of Object.values(SCENES)) {
    const scene = game.scene.getScene(key);
    if (!scene) {
      console.warn(`scene ${key} is not registered yet`);
      continue;
    }
    const address = ADDRESSES[key];
    if (address) {
      scene.events.on(Phaser.Scenes.Events.CREATE, () =>
        showAddress(address(scene.sys.settings.data ?? {}), services().hash.teacher),
      );
    }
  }
});
