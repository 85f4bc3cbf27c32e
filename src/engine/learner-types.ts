/**
 * The learner's public types, the data it accepts and the checks on them, and the weights hash:
 * what the command line, the worker, the race and the classroom server share with the learner.
 */
import type { Dataset, SequenceInfo } from '../data/dataset.js';
import type { Divergence } from './divergence.js';
import { LIMITS } from './limits.js';
import type { Tensor } from './plan.js';
import { Issues, SpecError, checkInt, type SequenceShape } from './spec.js';

export type SplitName = 'train' | 'validation' | 'test';

/** What `step(n)` reports. The object is reused between calls: copy what you keep. */
export interface StepResult {
  /** Steps completed since the start (or the restored snapshot). */
  step: number;
  /** Steps this call ran; fewer than asked only when the run diverged. */
  ran: number;
  /** Mean of the batch losses of this call's steps. */
  trainLoss: number;
  /** The last batch's loss. */
  lastLoss: number;
  /** Fraction of correct answers over this call's batches (classification), else null. */
  trainAccuracy: number | null;
  /** Global gradient norm of the last step (before clipping). */
  gradNorm: number;
  diverged: Divergence | null;
}

export interface Evaluation {
  split: SplitName;
  loss: number;
  accuracy: number | null;
  rows: number;
  /**
   * For a model that names the next symbol at every step: e^loss, the number of symbols it is
   * still as unsure between as if it picked among them evenly. Null otherwise.
   */
  perplexity?: number | null;
}

/** Public description of a tensor for the UI and model files. */
export interface TensorInfo {
  name: string;
  region: Tensor['region'];
  shape: number[];
}

/** Checks a seed: an integer the kernel PRNG can take. */
export function checkSeed(seed: unknown, path = 'seed'): number {
  const issues = new Issues();
  checkInt(issues, path, seed, 0, 0xffffffff);
  issues.throwIfAny();
  return seed as number;
}

/**
 * The data a learner trains on: a `Dataset` of float rows, or image data whose inputs are u8
 * pixels (`image` says their shape and the scale that turns a pixel into an input value).
 */
export interface LearnerData {
  readonly name: string;
  readonly task: Dataset['task'];
  readonly inputs: number;
  readonly outputs: number;
  readonly train: {
    readonly x: Float32Array | Uint8Array;
    readonly y: Float32Array;
    readonly n: number;
  };
  readonly validation: LearnerData['train'];
  readonly test: LearnerData['train'];
  readonly image?: {
    readonly channels: number;
    readonly height: number;
    readonly width: number;
    readonly scale: number;
  };
  readonly targetStandardization?: Dataset['targetStandardization'];
  /** Sequence data: steps, and token ids (a vocabulary) or values per step. */
  readonly sequence?: Dataset['sequence'];
}

/** The engine's view of a sequence data set's layout. */
export function sequenceShape(seq: SequenceInfo): SequenceShape {
  return {
    steps: seq.steps,
    features: seq.features,
    ...(seq.vocab ? { vocab: seq.vocab.length } : {}),
    perPosition: seq.perPosition,
  };
}

/** How `Learner.sample` draws each next token. */
export interface SampleOptions {
  /** Divides the scores before the softmax: below 1 bolder, above 1 wilder; 0 always the likeliest. */
  temperature: number;
  /** Only the k likeliest tokens may be drawn; 0: any. */
  topK: number;
  seed: number;
  /** A token id that ends the sample (the end of a name). */
  stop?: number;
}

/** Checks the data's split sizes against the limits and the batch size. */
export function checkLearnerData(data: LearnerData, batch: number): void {
  for (const split of ['train', 'validation', 'test'] as const) {
    if (data[split].n > LIMITS.maxRows) {
      throw new SpecError([
        `data.${split} has ${data[split].n} rows; the limit is ${LIMITS.maxRows}`,
      ]);
    }
  }
  if (data.train.n < 1) throw new SpecError(['data.train must hold at least one row']);
  if (data.sequence) checkSequence(data);
  if (batch > data.train.n) {
    throw new SpecError([
      `options.batch must be at most ${data.train.n}, the rows of the training split, got ${batch}`,
    ]);
  }
}

/**
 * Checks a sequence data set's layout against its sizes, and that every token id is a whole
 * number within the vocabulary: an embedding indexes its table with them.
 */
function checkSequence(data: LearnerData): void {
  const seq = data.sequence!;
  const perStep = seq.vocab ? 1 : seq.features;
  if (!Number.isInteger(seq.steps) || seq.steps < 1 || seq.steps * perStep !== data.inputs) {
    throw new SpecError([
      `data.sequence.steps (${seq.steps}) × ${seq.vocab ? 'one id' : `${seq.features} values`} per step must equal data.inputs (${data.inputs})`,
    ]);
  }
  if (!seq.vocab) return;
  const V = seq.vocab.length;
  for (const split of ['train', 'validation', 'test'] as const) {
    const x = data[split].x;
    for (let i = 0; i < data[split].n * data.inputs; i++) {
      const id = x[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new SpecError([
          `data.${split}.x[${i}] must be a token id, a whole number from 0 to ${V - 1}, got ${id}`,
        ]);
      }
    }
  }
}

/** SHA-256 (hex) over float32 arrays concatenated as little-endian bytes. */
export async function hashParams(arrays: readonly Float32Array[]): Promise<string> {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  const bytes = new Uint8Array(all.buffer);
  if (!littleEndian()) {
    for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  }
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}
