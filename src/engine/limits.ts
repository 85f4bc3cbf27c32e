/**
 * The documented caps of the engine. A spec or data set beyond them is refused before anything
 * is allocated, with the numbers in the message, so an absurd request never hangs a tab or
 * exhausts a worker's memory. `docs/limits.md` lists the same numbers for players and teachers.
 */
export const LIMITS = {
  /** Units of one dense layer. */
  maxUnits: 4096,
  /** Layers in one spec (dense, dropout and activation blocks together). */
  maxLayers: 64,
  /** Input features per example. */
  maxInputs: 4096,
  /** Trainable parameters of the whole network. */
  maxParams: 4_000_000,
  /** Bytes of the whole arena: parameters, gradients, optimizer state, activations and data. */
  maxArenaBytes: 512 * 1024 * 1024,
  /** Rows in one training batch. */
  maxBatch: 4096,
  /** Rows of one data split. */
  maxRows: 200_000,
  /** Steps of one command-line run or one level budget. */
  maxSteps: 10_000_000,
} as const;
