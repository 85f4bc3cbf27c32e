/**
 * The documented caps of the engine. A spec or data set beyond them is refused before anything
 * is allocated, with the numbers in the message, so an absurd request never hangs a tab or
 * exhausts a worker's memory. `docs/limits.md` lists the same numbers for players and teachers.
 */

/** Trainable parameters of the whole network (also sizes the largest model file). */
const MAX_PARAMS = 4_000_000;

export const LIMITS = {
  /** Units of one dense layer. */
  maxUnits: 4096,
  /** Layers in one spec (dense, dropout and activation blocks together). */
  maxLayers: 64,
  /** Input features per example. */
  maxInputs: 4096,
  /** Trainable parameters of the whole network. */
  maxParams: MAX_PARAMS,
  /**
   * Multiply-adds of one example's forward pass: about a second a training step of 32 at this
   * machine's speed, and 18 times the Fashion-MNIST example's CNN.
   */
  maxMacs: 20_000_000,
  /** Bytes of the whole arena: parameters, gradients, optimizer state, activations and data. */
  maxArenaBytes: 512 * 1024 * 1024,
  /** Rows in one training batch. */
  maxBatch: 4096,
  /** Rows of one data split. */
  maxRows: 200_000,
  /** Steps of one command-line run or one level budget. */
  maxSteps: 10_000_000,
  /**
   * The largest step count a learner or a model file may hold: 2³¹ − 1, the most the kernel's
   * signed 32-bit step counter (and Adam's update counter) can count to without wrapping.
   */
  maxStepCount: 2_147_483_647,
  /** Tokens one `sample` call may generate. */
  maxSampleLength: 2000,
  /** Bytes of a spec file: a 64-layer spec is a few kilobytes, so 1 MiB is generous. */
  maxSpecFileBytes: 1024 * 1024,
  /**
   * Bytes of a CSV file (or characters of CSV text): the 10 million cells the CSV loader accepts
   * at about 10 bytes each (`-0.123456,`), and far below the longest string JavaScript can hold.
   */
  maxCsvBytes: 100 * 1024 * 1024,
  /**
   * Characters of a text learned one character at a time (a player's .txt file): 2 million,
   * a long novel; the windows of a much longer text would not fit a data set anyway.
   */
  maxTextChars: 2_000_000,
  /**
   * Bytes of a model file: 32 per parameter of the largest network, room for the parameters and
   * two optimizer-state buffers in base64 (16 bytes per parameter in all), or the parameters
   * written as a plain list of numbers (up to about 25 bytes each).
   */
  maxModelFileBytes: MAX_PARAMS * 32,
  /** Characters of a value (a name, a path, a cell) echoed in an error message. */
  maxEcho: 60,
} as const;

/**
 * A value as it appears in an error message: cut to `LIMITS.maxEcho` characters plus "…", so a
 * pasted megabyte of text or a mistyped path never floods the screen.
 */
export function clip(value: string, max: number = LIMITS.maxEcho): string {
  if (value.length <= max) return value;
  // Never split a surrogate pair (an emoji in a cell) in half.
  const end = isHighSurrogate(value.charCodeAt(max - 1)) ? max - 1 : max;
  return `${value.slice(0, end)}…`;
}

/** Like `clip`, but keeps the end of a file path, where the file's own name is. */
export function clipPath(path: string, max: number = LIMITS.maxEcho): string {
  if (path.length <= max) return path;
  const start = path.length - max;
  return `…${path.slice(isHighSurrogate(path.charCodeAt(start - 1)) ? start + 1 : start)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A byte count for messages: "1.0 MiB", "512.0 KiB", "300 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/**
 * "is 2.3 MiB; the limit is 1.0 MiB" for a size over its limit, in exact bytes when the two
 * would otherwise read the same ("is 1048577 bytes; the limit is 1048576 bytes").
 */
export function overLimit(size: number, limit: number): string {
  const a = formatBytes(size);
  const b = formatBytes(limit);
  return a === b
    ? `is ${size} bytes; the limit is ${limit} bytes (${b})`
    : `is ${a}; the limit is ${b}`;
}

/** Steps one `program_train` call may run; the learner splits longer requests. */
export const HISTORY_CAPACITY = 1024;
