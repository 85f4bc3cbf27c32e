/**
 * The epilogue's ladder: the same character-level transformer on the same Moby-Dick windows, in
 * five widths and depths from about 10 thousand to about 350 thousand parameters, each trained
 * with the same optimizer, batch and number of steps. What changes up the ladder is the size
 * alone, so the validation losses show how loss falls with size; `fitPowerLaw` draws the line
 * through them and reads it at the sizes of real language models. No Phaser here: the scene
 * presents it, the browser tests and the command line can run it.
 */
import type { ModelSpec } from '../engine/spec.js';
import { trainingFlops } from '../engine/scaling.js';
import type { DataRequest } from '../engine/trainer.js';

/** One rung: a transformer of `blocks` blocks of width `dim` with `heads` heads. */
export interface Rung {
  readonly id: string;
  readonly name: string;
  readonly dim: number;
  readonly blocks: number;
  readonly heads: number;
}

/** The rungs, smallest first. */
export const LADDER: readonly Rung[] = Object.freeze([
  { id: 'tiny', name: 'Tiny', dim: 24, blocks: 1, heads: 2 },
  { id: 'small', name: 'Small', dim: 32, blocks: 2, heads: 4 },
  { id: 'medium', name: 'Medium', dim: 48, blocks: 2, heads: 4 },
  { id: 'large', name: 'Large', dim: 64, blocks: 2, heads: 4 },
  { id: 'huge', name: 'Huge', dim: 96, blocks: 3, heads: 4 },
]);

/** What every rung trains on: Moby-Dick, 32-character windows, the level's seed. */
export const LADDER_DATA: DataRequest = Object.freeze({ name: 'melville', seed: 1 }) as DataRequest;
/** Characters a window holds (the `melville` default). */
export const LADDER_CONTEXT = 32;
export const LADDER_BATCH = 16;
export const LADDER_SEED = 1;
/** Adam's step size, the same for every rung (it suits them all, the biggest included). */
export const LADDER_LR = 0.003;

/** How long each rung trains: the full ladder, or a quick look that shows the trend less well. */
export const LADDER_LENGTHS = Object.freeze({ full: 3000, quick: 300 });
export type LadderLength = keyof typeof LADDER_LENGTHS;

/** The network of a rung: embedding, learned positions, the blocks, a final norm and the head. */
export function rungSpec(rung: Rung, vocab: number): ModelSpec {
  return {
    layers: [
      { type: 'embedding', dim: rung.dim },
      { type: 'posenc', kind: 'learned' },
      ...Array.from({ length: rung.blocks }, () => ({ type: 'transformer', heads: rung.heads })),
      { type: 'layernorm' },
      { type: 'dense', units: vocab },
    ],
  } as ModelSpec;
}

/** The optimizer settings of every rung. */
export const LADDER_OPTIONS = Object.freeze({
  optimizer: 'adam',
  lr: LADDER_LR,
  batch: LADDER_BATCH,
});

/** Training compute of a rung after `steps` steps, in FLOPs (`trainingFlops`). */
export function rungFlops(params: number, steps: number): number {
  return trainingFlops(params, steps * LADDER_BATCH * LADDER_CONTEXT);
}

/**
 * Real language models to read the fitted line at, by parameter count (as their papers give
 * it). Their own losses are not comparable with ours: they predict word pieces, not characters,
 * of far more and other text. The line says only where our own trend would point.
 */
export const KNOWN_MODELS: readonly {
  name: string;
  params: number;
  year: number;
  /** Training compute in FLOPs where its paper gives it (GPT-3: 3,640 petaflop/s-days). */
  flops?: number;
}[] = Object.freeze([
  { name: 'GPT-2 small', params: 124e6, year: 2019 },
  { name: 'GPT-2', params: 1.5e9, year: 2019 },
  { name: 'GPT-3', params: 175e9, year: 2020, flops: 3.14e23 },
]);

/**
 * Whether the epilogue is open: once a level of the last chapter has a star, the player has
 * trained a transformer and can read what growing one does.
 */
export function epilogueOpen(
  levels: readonly { id: string; chapter: number }[],
  starsByLevel: Readonly<Record<string, number>>,
): boolean {
  const last = Math.max(...levels.map((l) => l.chapter));
  return levels.some((l) => l.chapter === last && (starsByLevel[l.id] ?? 0) > 0);
}
