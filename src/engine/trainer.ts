/**
 * The trainer API: the learner API as plain, structured-clone-friendly calls, so the same
 * object is exposed through Comlink in a Web Worker (`src/web/trainer.worker.ts`) and called
 * directly in Node. It owns one learner at a time and builds the data inside the worker, so only
 * small messages cross the thread boundary while training.
 */
import { makeCsvDataset, makeDataset } from '../data/index.js';
import type { Dataset } from '../data/dataset.js';
import type { LayerSummary } from './spec.js';
import {
  Learner,
  type Evaluation,
  type Snapshot,
  type SplitName,
  type StepResult,
  type TensorInfo,
} from './learner.js';

/** Which data to train on: a generator or bundled set by name, or CSV text the player chose. */
export type DataRequest =
  | {
      name: string;
      seed: number;
      n?: number;
      noise?: number;
      arms?: number;
      far?: number;
      features?: string[];
    }
  | { csv: string; seed: number; target?: string; fileName?: string };

/** What `create` reports back: enough for a workbench to draw the network. */
export interface LearnerInfo {
  summary: LayerSummary[];
  totalParams: number;
  tensors: TensorInfo[];
  data: {
    name: string;
    task: Dataset['task'];
    inputs: number;
    outputs: number;
    rows: Record<SplitName, number>;
    /** Names of the classes (bundled sets, a CSV's labels); absent for numbered classes. */
    classNames?: string[];
  };
}

export interface TrainerApi {
  create(spec: unknown, data: DataRequest, options: unknown, seed: number): Promise<LearnerInfo>;
  step(n: number): StepResult;
  evaluate(split: SplitName): Evaluation;
  predict(x: Float32Array): Float32Array;
  probe(x: Float32Array, names: string[]): Record<string, Float32Array>;
  read(name: string): Float32Array | Int32Array;
  snapshot(): Snapshot;
  restore(snapshot: Snapshot): void;
  reset(): void;
  weightsHash(): Promise<string>;
  /** The network, options and seed the current learner trains, and its step: what really runs. */
  describe(): ReturnType<Learner['describe']>;
  dispose(): void;
}

/**
 * Makes a trainer. `loadModule` compiles the kernel once (from disk in Node, by `fetch` in the
 * browser); it is called lazily so the worker can answer messages right away.
 */
export function createTrainer(loadModule: () => Promise<WebAssembly.Module>): TrainerApi {
  let module: Promise<WebAssembly.Module> | null = null;
  let learner: Learner | null = null;
  const live = (): Learner => {
    if (!learner) throw new Error('no learner: call create first');
    return learner;
  };
  return {
    async create(spec, request, options, seed) {
      module ??= loadModule();
      const m = await module;
      const data =
        'csv' in request
          ? makeCsvDataset(request.csv, {
              module: m,
              seed: request.seed,
              target: request.target,
              name: request.fileName,
            })
          : await makeDataset(request.name, {
              module: m,
              seed: request.seed,
              n: request.n,
              noise: request.noise,
              arms: request.arms,
              far: request.far,
              features: request.features,
            });
      // Built before the old one is dropped: a bad spec must not cost the player the network they had.
      const created = new Learner(m, spec, data, options, seed);
      learner?.dispose();
      learner = created;
      return {
        summary: created.summary,
        totalParams: created.network.totalParams,
        tensors: created.tensors(),
        data: {
          name: data.name,
          task: data.task,
          inputs: data.inputs,
          outputs: data.outputs,
          rows: { train: data.train.n, validation: data.validation.n, test: data.test.n },
          ...(data.classNames ? { classNames: [...data.classNames] } : {}),
        },
      };
    },
    step: (n) => ({ ...live().step(n) }),
    evaluate: (split) => live().evaluate(split),
    predict: (x) => live().predict(x),
    probe: (x, names) => live().probe(x, names),
    read: (name) => live().read(name),
    snapshot: () => live().snapshot(),
    restore: (snapshot) => live().restore(snapshot),
    reset: () => live().reset(),
    weightsHash: () => live().weightsHash(),
    describe: () => live().describe(),
    dispose() {
      learner?.dispose();
      learner = null;
    },
  };
}
