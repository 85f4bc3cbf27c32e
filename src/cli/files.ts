/**
 * The command line's files: spec, CSV and model files read with their size checked first, a
 * model file written only where it can be, the data a run names (a set by name or a CSV), and
 * what a model file records about that data so `eval` can warn when it differs. Every problem is
 * an `InputError` (or a `UsageError`) with the path and the reason in plain words.
 */
import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  DATASET_NAMES,
  SEQUENCE_NAMES,
  IMAGE_SET_NAMES,
  isImageSetName,
  makeCsvDataset,
  makeDataset,
  prepareDataset,
  type ImageDataset,
} from '../data/index.js';
import { loadImageDataset } from '../node/image-data.js';
import { DataError, type Dataset } from '../data/dataset.js';
import { LIMITS, clip, clipPath, overLimit } from '../engine/limits.js';
import {
  ModelFileError,
  decodeModel,
  type ModelData,
  type ModelFile,
  type ModelScale,
} from '../engine/model-file.js';
import { UsageError } from './args.js';

/** A problem with a file or the data the arguments point at: printed as is, exit code 2. */
export class InputError extends Error {}

/** An operating-system error code in plain words, for messages about files. */
function reason(error: unknown, writing: boolean): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return writing ? 'its folder does not exist' : 'no such file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EIO':
      return 'an input/output error (this place does not hold ordinary files)';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open';
    default:
      return code ?? clip(String((error as Error).message ?? error), 200);
  }
}

/**
 * Reads a text file after checking with `stat` that it is a file no bigger than `limit` bytes,
 * so a mistaken path to a video or a disk image is refused at once instead of filling memory.
 */
export async function readText(path: string, what: string, limit: number): Promise<string> {
  const shown = `${what} "${clipPath(path)}"`;
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError(`cannot read ${shown}: ${reason(error, false)}`);
  }
  if (info.isDirectory()) throw new InputError(`cannot read ${shown}: it is a folder, not a file`);
  if (!info.isFile()) throw new InputError(`cannot read ${shown}: it is not an ordinary file`);
  if (info.size > limit) {
    throw new InputError(`${shown} ${overLimit(info.size, limit)}`);
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${shown}: ${reason(error, false)}`);
  }
}

export async function readJson(path: string, what: string, limit: number): Promise<unknown> {
  const text = await readText(path, what, limit);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${what} "${clipPath(path)}" is not valid JSON: ${clip((error as Error).message, 200)}`,
    );
  }
}

/** Reads and decodes a model file; its problems are reported under its name. */
export async function readModel(path: string): Promise<ModelFile> {
  const text = await readText(path, 'the model file', LIMITS.maxModelFileBytes);
  try {
    return decodeModel(text);
  } catch (error) {
    if (error instanceof ModelFileError) {
      throw new InputError(error.issues.map((line) => `${clipPath(path)}: ${line}`).join('\n'));
    }
    throw error;
  }
}

/**
 * Checks before training that `--save` can be written: an existing file must not be a folder
 * and must be writable, a new one needs an existing, writable folder. The write itself can still
 * fail (a full disk); `saveModel` reports that too.
 */
export async function checkSavePath(path: string): Promise<void> {
  const fail = (error: unknown): InputError =>
    new InputError(`cannot write the model file "${clipPath(path)}": ${reason(error, true)}`);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(error);
  }
  try {
    if (info) {
      if (info.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
      await access(path, constants.W_OK);
    } else {
      const folder = await stat(dirname(path));
      if (!folder.isDirectory())
        throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      await access(dirname(path), constants.W_OK);
    }
  } catch (error) {
    throw fail(error);
  }
}

export async function saveModel(path: string, text: string): Promise<string | null> {
  try {
    await writeFile(path, text);
    return null;
  } catch (error) {
    return `cannot write the model file "${clipPath(path)}": ${reason(error, true)}`;
  }
}

export function isCsv(data: string): boolean {
  return data.toLowerCase().endsWith('.csv');
}

/**
 * Builds the data `--data` names. For a CSV, `model` is the data record of a loaded model file:
 * its regression target is standardised exactly when the model's was (files written before
 * targets were standardised have no `targetStandardization`, and their networks predict raw
 * numbers), else by default.
 */
export async function loadData(
  module: WebAssembly.Module,
  flags: Map<string, string>,
  seed: number,
  target: string | undefined,
  model: ModelData | undefined,
): Promise<Dataset | ImageDataset> {
  const data = flags.get('data');
  if (!data) throw new UsageError('--data is required (a data set name or a CSV file)');
  if (isCsv(data)) {
    const text = await readText(data, 'the CSV file', LIMITS.maxCsvBytes);
    const standardizeTarget = model ? model.targetStandardization !== undefined : undefined;
    try {
      return makeCsvDataset(text, {
        module,
        seed,
        target,
        name: basename(data),
        standardizeTarget,
      });
    } catch (error) {
      if (error instanceof DataError) {
        throw new InputError(`${clipPath(data)}: ${error.message}`);
      }
      throw error;
    }
  }
  if (flags.has('target')) throw new UsageError('--target applies to CSV files only');
  if (isImageSetName(data)) return loadImageDataset(data, { module, seed });
  try {
    await prepareDataset(data);
    return makeDataset(data, { module, seed });
  } catch (error) {
    if (
      error instanceof DataError &&
      !DATASET_NAMES.includes(data) &&
      !(SEQUENCE_NAMES as readonly string[]).includes(data)
    ) {
      throw new InputError(
        `unknown data set ${JSON.stringify(clip(data))}; allowed: ${[...DATASET_NAMES, ...IMAGE_SET_NAMES, ...SEQUENCE_NAMES].join(', ')} or a .csv file`,
      );
    }
    throw error;
  }
}

/** What a model file records about its data, for the current run. */
export function dataRecord(
  data: Dataset | ImageDataset,
  seed: number,
  target: string | undefined,
): ModelData {
  const record: ModelData = { name: data.name, seed };
  if (target !== undefined) record.target = target;
  const scale = (s: Dataset['standardization'] | undefined): ModelScale | undefined =>
    s ? { mean: [...s.mean], std: [...s.std] } : undefined;
  const features = scale(data.standardization);
  const targets = scale(data.targetStandardization);
  if (features) record.standardization = features;
  if (targets) record.targetStandardization = targets;
  const seq = 'sequence' in data ? data.sequence : undefined;
  if (seq?.vocab) record.vocab = [...seq.vocab];
  if (seq?.separator !== undefined) record.separator = seq.separator;
  return record;
}

function describeData(d: ModelData): string {
  return `${clip(d.name)}${d.target !== undefined ? ` (target ${clip(d.target)})` : ''}, seed ${d.seed}`;
}

function sameScale(a: ModelScale | undefined, b: ModelScale | undefined): boolean {
  if (!a || !b) return !a && !b;
  const same = (x: number[], y: number[]): boolean =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.mean, b.mean) && same(a.std, b.std);
}

/**
 * Warnings when a loaded model meets other data than it was trained on: another set, seed or
 * target, or the same names with other standardisation (a CSV edited since). Empty when the
 * file does not say what it was trained on.
 */
export function dataWarnings(
  path: string,
  saved: ModelData | undefined,
  now: ModelData,
  verb: string,
): string[] {
  if (!saved) return [];
  const file = clipPath(path);
  if (saved.name !== now.name || saved.seed !== now.seed || saved.target !== now.target) {
    return [
      `${file} was trained on ${describeData(saved)}; ${verb} ${describeData(now)}, which is other data (the splits and the scores differ)`,
    ];
  }
  // Files written before the scales were recorded have none: nothing to compare then.
  const warnings: string[] = [];
  if (saved.standardization && !sameScale(saved.standardization, now.standardization)) {
    warnings.push(
      `the features of ${describeData(now)} are standardised differently from when ${file} was trained: the data changed since`,
    );
  }
  if (
    saved.targetStandardization &&
    !sameScale(saved.targetStandardization, now.targetStandardization)
  ) {
    warnings.push(
      `the targets of ${describeData(now)} are standardised differently from when ${file} was trained: the data changed since`,
    );
  }
  return warnings;
}
