/**
 * The main thread's handle on the training worker. Vite recognises only this literal
 * `new Worker(new URL(...), { type: 'module' })` form and bundles the worker from it.
 */
import * as Comlink from 'comlink';
import type { TrainerApi } from '../engine/trainer.js';

export type TrainerClient = Comlink.Remote<TrainerApi>;

/** Starts a worker and returns its trainer; `terminate` stops the thread. */
export function startTrainer(): { trainer: TrainerClient; terminate: () => void } {
  const worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module' });
  return { trainer: Comlink.wrap<TrainerApi>(worker), terminate: () => worker.terminate() };
}
