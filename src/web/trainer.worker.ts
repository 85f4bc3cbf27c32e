/**
 * The Web Worker shell: exposes the trainer through Comlink, synchronously at top level (a
 * top-level await here would lose the first messages). The kernel is fetched and compiled
 * lazily on the first `create`.
 */
import * as Comlink from 'comlink';
import wasmUrl from '../../build/kernel.wasm?url';
import { createTrainer } from '../engine/trainer.js';

Comlink.expose(
  createTrainer(async () => {
    const response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`could not load the kernel (${response.status})`);
    return WebAssembly.compile(await response.arrayBuffer());
  }),
);
