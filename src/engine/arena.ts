/**
 * One kernel instance and the arena the planner laid out in its memory: the program, and named
 * typed-array views of every tensor. Memory is grown once, here, so views made later stay valid
 * and training allocates nothing. A snapshot is two byte ranges: the parameters, and everything
 * from the optimizer state to the buffers (counters, PRNGs, shuffle order, running statistics).
 */
import { ensureMemory, instantiateKernel, type KernelExports } from './kernel.js';
import type { Plan, Tensor } from './plan.js';
import { HEADER_WORDS } from './records.js';

/** Saved state for rewinding: parameters, optimizer state, PRNGs, shuffle order, counters, buffers. */
export interface Snapshot {
  params: ArrayBuffer;
  state: ArrayBuffer;
}

export class Arena {
  /** Absolute address of the arena (16-byte aligned, above the kernel's static data). */
  readonly base: number;
  /** Absolute address of the program. */
  readonly program: number;
  /** The program header as words and as f64 pairs. */
  readonly words: Int32Array;
  readonly f64: Float64Array;
  private kernel: KernelExports | null;

  constructor(
    module: WebAssembly.Module,
    readonly plan: Plan,
    writeProgram: (memory: ArrayBuffer, base: number) => number,
  ) {
    const kernel = instantiateKernel(module);
    this.kernel = kernel;
    this.base = Math.ceil(kernel.heap_base() / 16) * 16;
    ensureMemory(kernel, this.base + plan.totalBytes);
    this.program = writeProgram(kernel.memory.buffer, this.base);
    this.words = new Int32Array(kernel.memory.buffer, this.program, HEADER_WORDS);
    this.f64 = new Float64Array(kernel.memory.buffer, this.program, HEADER_WORDS / 2);
  }

  live(): KernelExports {
    if (!this.kernel) throw new Error('this learner was disposed');
    return this.kernel;
  }

  ptr(name: string): number {
    return this.base + this.tensor(name).offset;
  }

  tensor(name: string): Tensor {
    const t = this.plan.byName.get(name);
    if (!t) throw new Error(`no tensor named "${name}"`);
    return t;
  }

  view(name: string): Float32Array | Int32Array | Uint8Array {
    const t = this.tensor(name);
    const buffer = this.live().memory.buffer;
    const at = this.base + t.offset;
    if (t.dtype === 'u8') return new Uint8Array(buffer, at, t.length);
    return t.dtype === 'i32'
      ? new Int32Array(buffer, at, t.length)
      : new Float32Array(buffer, at, t.length);
  }

  /** Copies data into a tensor after checking its length and its kind (u8 pixels or floats). */
  copyIn(name: string, values: Float32Array | Uint8Array, expected: number, path: string): void {
    if (values.length !== expected)
      throw new Error(`data ${path} must hold ${expected} values, got ${values.length}`);
    const view = this.view(name);
    if (view instanceof Uint8Array !== values instanceof Uint8Array) {
      throw new Error(
        `data ${path} must be ${view instanceof Uint8Array ? 'u8 pixels' : 'float32 values'}`,
      );
    }
    view.set(values);
  }

  snapshot(): Snapshot {
    const mem = this.live().memory.buffer;
    const { params, optimizer, buffers } = this.plan.regions;
    return {
      params: mem.slice(this.base + params.start, this.base + params.end),
      state: mem.slice(this.base + optimizer.start, this.base + buffers.end),
    };
  }

  /** Throws unless `snapshot` has this arena's sizes. */
  checkSnapshot(snapshot: Snapshot): void {
    const { params, optimizer, buffers } = this.plan.regions;
    if (
      snapshot.params.byteLength !== params.end - params.start ||
      snapshot.state.byteLength !== buffers.end - optimizer.start
    ) {
      throw new Error('this snapshot belongs to a different network or optimizer');
    }
  }

  restore(snapshot: Snapshot): void {
    this.checkSnapshot(snapshot);
    const mem = this.live().memory.buffer;
    const { params, optimizer } = this.plan.regions;
    new Uint8Array(mem, this.base + params.start).set(new Uint8Array(snapshot.params));
    new Uint8Array(mem, this.base + optimizer.start).set(new Uint8Array(snapshot.state));
  }

  /**
   * A tensor of the state range as it is in `snapshot` (a view into the snapshot's copy), to
   * read a snapshot without restoring it.
   */
  snapshotView(snapshot: Snapshot, name: string): Float32Array | Int32Array {
    const t = this.tensor(name);
    const at = t.offset - this.plan.regions.optimizer.start;
    return t.dtype === 'i32'
      ? new Int32Array(snapshot.state, at, t.length)
      : new Float32Array(snapshot.state, at, t.length);
  }

  dispose(): void {
    this.kernel = null;
  }
}
