/**
 * The trainer API: the learner API as plain, structured-clone-friendly calls, so the same
 * object is exposed through Comlink in a Web Worker (`src/web/trainer.worker.ts`) and called
 * directly in Node. It owns one learner at a time and builds the data inside the worker, so only
 * small messages cross the thread boundary while training.
 */
import {
  fetchImageAsset,
  imageAssetUrl,
  imageDataset,
  isImageSetName,
  makeCsvDataset,
  makeDataset,
  prepareDataset,
  textDataset,
  trainFractions,
} from '../data/index.js';
import type { Dataset, ImageDataset } from '../data/dataset.js';
import { instantiateKernel, type KernelExports } from './kernel.js';
import { fitPowerLaw, powerLawAt } from './scaling.js';
import { ImageAssets, imageRows, type ImageLoader } from './image-assets.js';
import { Race } from './race.js';
import { Learner, type SplitName } from './learner.js';
import type {
  DataInfo,
  DataRequest,
  GhostRun,
  SequenceDataInfo,
  TargetScale,
  TrainerApi,
} from './trainer-api.js';
import { PREVIEW_ROWS, SEQUENCE_EXAMPLES } from './trainer-api.js';

export * from './trainer-api.js';

/** Per-feature smallest and largest training values: the frame of a plot of the data. */
function featureBounds(data: Dataset): { min: number[]; max: number[] } {
  const min = new Array<number>(data.inputs).fill(Infinity);
  const max = new Array<number>(data.inputs).fill(-Infinity);
  const x = data.train.x;
  for (let i = 0; i < x.length; i++) {
    const f = i % data.inputs;
    if (x[i]! < min[f]!) min[f] = x[i]!;
    if (x[i]! > max[f]!) max[f] = x[i]!;
  }
  return { min, max };
}

/** The first target's scaling, when the data's targets were standardised for training. */
function targetScale(data: Dataset | ImageDataset): TargetScale | null {
  const t = data.targetStandardization;
  return t ? { mean: t.mean[0]!, std: t.std[0]! } : null;
}

/** Longest prompt and sample the worker draws in one call: a few names, not a book. */
export const SAMPLE_MAX = 64;

const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];

/** The layout of sequence data and its first validation examples, for the views. */
function sequenceInfo(data: Dataset): SequenceDataInfo | undefined {
  const s = data.sequence;
  if (!s) return undefined;
  const v = data.validation;
  const count = Math.min(SEQUENCE_EXAMPLES, v.n);
  const yWidth = v.n > 0 ? v.y.length / v.n : 0;
  return {
    steps: s.steps,
    features: s.features,
    ...(s.vocab ? { vocab: [...s.vocab] } : {}),
    ...(s.separator !== undefined ? { separator: s.separator } : {}),
    perPosition: s.perPosition,
    examples: {
      count,
      x: v.x.slice(0, count * data.inputs),
      y: v.y.slice(0, count * yWidth),
    },
  };
}

/** What a learner's and a preview's answer say about the data alike. */
function dataInfo(data: Dataset | ImageDataset): DataInfo {
  return {
    name: data.name,
    task: data.task,
    inputs: data.inputs,
    outputs: data.outputs,
    rows: { train: data.train.n, validation: data.validation.n, test: data.test.n },
    ...(data.classNames ? { classNames: [...data.classNames] } : {}),
    targetScale: targetScale(data),
    ...('image' in data ? { image: { ...data.image } } : {}),
    ...(!('image' in data) && data.sequence ? { sequence: sequenceInfo(data) } : {}),
  };
}

/**
 * Makes a trainer. `loadModule` compiles the kernel once (from disk in Node, by `fetch` in the
 * browser); it is called lazily so the worker can answer messages right away.
 */
export function createTrainer(
  loadModule: () => Promise<WebAssembly.Module>,
  loadImages: ImageLoader = (name, onProgress) =>
    fetchImageAsset(imageAssetUrl(name), name, { onProgress }),
): TrainerApi {
  let module: Promise<WebAssembly.Module> | null = null;
  const images = new ImageAssets(loadImages);
  let learner: Learner | null = null;
  /** The current learner's data (for `images`). */
  let current: Dataset | ImageDataset | null = null;
  let race: Race | null = null;
  /** A kernel instance of its own for `powerLaw`'s logarithms. */
  let mathKernel: KernelExports | null = null;
  const racing = (): Race => {
    if (!race) throw new Error('no race: call raceCreate first');
    return race;
  };
  const live = (): Learner => {
    if (!learner) throw new Error('no learner: call create first');
    return learner;
  };
  /** Example `index` of `split` of the current sequence data, checked, for `what`'s message. */
  const sequenceExample = (what: string, split: SplitName, index: number): Float32Array => {
    live();
    const data = current;
    if (!data || 'image' in data || !data.sequence)
      throw new Error(`${what}: the current data is not a sequence set`);
    if (!SPLITS.includes(split))
      throw new Error(`${what}: split must be one of ${SPLITS.join(', ')}, got ${split}`);
    const rows = data[split];
    if (!Number.isInteger(index) || index < 0 || index >= rows.n)
      throw new Error(
        `${what}: index must be a whole number from 0 to ${rows.n - 1}, got ${index}`,
      );
    const width = data.inputs;
    return rows.x.slice(index * width, (index + 1) * width);
  };
  const load = async (
    request: DataRequest,
  ): Promise<{ m: WebAssembly.Module; data: Dataset | ImageDataset }> => {
    module ??= loadModule();
    const m = await module;
    if ('name' in request && isImageSetName(request.name)) {
      const a = await images.asset(request.name);
      return { m, data: imageDataset(a, { module: m, seed: request.seed, shift: request.shift }) };
    }
    if ('text' in request) {
      const { text, seed, fileName, steps } = request;
      const name = fileName ?? 'text';
      return { m, data: textDataset(text, { module: m, seed, name, ...(steps ? { steps } : {}) }) };
    }
    if ('name' in request) await prepareDataset(request.name);
    const data =
      'csv' in request
        ? makeCsvDataset(request.csv, {
            module: m,
            seed: request.seed,
            target: request.target,
            name: request.fileName,
          })
        : makeDataset(request.name, {
            module: m,
            seed: request.seed,
            n: request.n,
            noise: request.noise,
            arms: request.arms,
            far: request.far,
            features: request.features,
            steps: request.steps,
            symbols: request.symbols,
            distractors: request.distractors,
            perPosition: request.perPosition,
            stride: request.stride,
            delay: request.delay,
            pairs: request.pairs,
            keys: request.keys,
            values: request.values,
            position: request.position,
            fractions: request.train === undefined ? undefined : trainFractions(request.train),
          });
    return { m, data };
  };
  return {
    async create(spec, request, options, seed) {
      const { m, data } = await load(request);
      // Built before the old one is dropped: a bad spec must not cost the player the network they had.
      const created = new Learner(m, spec, data, options, seed);
      learner?.dispose();
      learner = created;
      current = data;
      return {
        summary: created.summary,
        totalParams: created.network.totalParams,
        tensors: created.tensors(),
        data: dataInfo(data),
      };
    },
    imageProgress: () => images.progress,
    images(split, start, count) {
      if (!current || !('image' in current))
        throw new Error('images: the current data is not an image set');
      return imageRows(current, split, start, count);
    },
    async imagePreview(request, count) {
      const { data } = await load(request);
      if (!('image' in data)) throw new Error(`imagePreview: ${data.name} is not an image set`);
      return { ...imageRows(data, 'train', 0, count), data: dataInfo(data) };
    },
    async preview(request) {
      const { data } = await load(request);
      if ('image' in data)
        throw new Error('preview shows table data; an image set has no rows to list');
      const rows = Math.min(PREVIEW_ROWS, data.train.n);
      const yWidth = data.train.y.length / Math.max(1, data.train.n);
      const y = new Float32Array(rows);
      for (let i = 0; i < rows; i++) y[i] = data.train.y[i * yWidth]!;
      return {
        ...dataInfo(data),
        featureNames: [...data.featureNames],
        targetName: data.targetName,
        x: data.train.x.slice(0, rows * data.inputs),
        y,
        ...featureBounds(data),
      };
    },
    async ghost(run, request, goal, grid) {
      const { m, data } = await load(request);
      const side = new Learner(m, run.spec, data, run.options, run.seed);
      try {
        const checks: GhostRun['checks'] = [];
        const frames: GhostRun['frames'] = [];
        let diverged = false;
        while (side.stepCount < run.steps && !diverged) {
          const r = side.step(Math.min(goal.every, run.steps - side.stepCount));
          diverged = r.diverged !== null;
          const at = side.evaluate(goal.split);
          const validation = goal.split === 'validation' ? at : side.evaluate('validation');
          checks.push({
            step: r.step,
            train: r.trainLoss,
            validation: validation.loss,
            goal: goal.metric === 'loss' ? at.loss : (at.accuracy ?? NaN),
          });
          if (grid) frames.push({ step: r.step, out: side.predict(grid) });
        }
        return { checks, frames, diverged, params: side.network.totalParams };
      } finally {
        side.dispose();
      }
    },
    step: (n) => ({ ...live().step(n) }),
    evaluate: (split) => live().evaluate(split),
    predict: (x) => live().predict(x),
    probe: (x, names) => live().probe(x, names),
    read: (name) => live().read(name),
    write: (name, index, value) => live().setParam(name, index, value),
    snapshot: () => live().snapshot(),
    restore: (snapshot) => live().restore(snapshot),
    reset: () => live().reset(),
    weightsHash: () => live().weightsHash(),
    describe: () => live().describe(),
    gradientHealth: () => live().gradientHealth(),
    recurrentState(split, index, layer) {
      const x = sequenceExample('recurrentState', split, index);
      if (typeof layer !== 'string') throw new Error('recurrentState: layer must be a string');
      return live().recurrentState(x, layer);
    },
    attention(split, index) {
      return live().attention(sequenceExample('attention', split, index));
    },
    async powerLaw(points, at) {
      module ??= loadModule();
      const k = (mathKernel ??= instantiateKernel(await module));
      const math = { log: (x: number) => k.log_f64(x), exp: (x: number) => k.exp_f64(x) };
      const law = fitPowerLaw(points, math);
      return { law, at: at.map((x) => powerLawAt(law, x, math)) };
    },
    sample(promptIds, length, options) {
      const l = live();
      const ids = Array.isArray(promptIds) ? promptIds : [];
      if (!ids.length || ids.length > SAMPLE_MAX)
        throw new Error(`sample: the prompt must hold 1 to ${SAMPLE_MAX} token ids`);
      if (!Number.isInteger(length) || length < 1 || length > SAMPLE_MAX)
        throw new Error(`sample: length must be a whole number from 1 to ${SAMPLE_MAX}`);
      if (typeof options !== 'object' || options === null)
        throw new Error('sample: options must be {temperature, topK, seed, stop?}');
      const { temperature, topK, seed, stop } = options;
      return l.sample(ids, length, {
        temperature,
        topK,
        seed,
        ...(stop === undefined ? {} : { stop }),
      });
    },
    dispose() {
      learner?.dispose();
      learner = null;
      race?.dispose();
      race = null;
    },
    async raceCreate(spec, request, base, lanes, seed, settings) {
      const { m, data } = await load(request);
      const created = new Race(m, spec, data, base, lanes, seed, settings);
      race?.dispose();
      race = created;
      const first = created.learner(0);
      return {
        lanes: created.tree(),
        startHashes: await created.startHashes(),
        summary: first.summary,
        totalParams: first.network.totalParams,
        tensors: first.tensors(),
        data: dataInfo(data),
      };
    },
    raceStep: (n, until) => racing().step(n, until),
    raceCurves: () => racing().curves(),
    raceUpdates: (lane) => racing().updates(lane),
    raceSnapshots: () => racing().snapshots(),
    raceRewind: (lane, step) => racing().rewind(lane, step),
    raceBranch: (lane, step, options) => racing().branch(lane, step, options),
    raceTree: () => racing().tree(),
    raceLandscape: (lane, options) => racing().landscape(lane, options),
    raceHashes: () => racing().hashes(),
    raceEvaluate: (split) => racing().evaluate(split),
    raceReport: () => racing().report(),
    raceDispose() {
      race?.dispose();
      race = null;
    },
  };
}
export type { ImageLoader, ImageProgress, ImageRows } from './image-assets.js';
