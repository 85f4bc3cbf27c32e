/**
 * Timing harness shared by every benchmark: a warm-up, then at least five timed repeats, reported
 * as the median rate. Peers run in the same process through the same harness, so only ratios
 * between rows are meaningful, never the absolute numbers of one machine.
 */
import { performance } from 'node:perf_hooks';

/** `quick` is the CI smoke run: same code paths, far less work, figures not meaningful. */
export interface BenchOptions {
  quick: boolean;
}

/** One benchmark row: the median of the repeats' rates, and every repeat for the record. */
export interface BenchResult {
  group: string;
  name: string;
  unit: string;
  median: number;
  samples: number[];
  /** Peer rows: the library build that produced the row, as checked at run time. */
  library?: LibraryInfo;
}

/** What a peer row ran on: package version and the backend it actually used. */
export interface LibraryInfo {
  name: string;
  version: string;
  /** e.g. `wasm (tfjs-backend-wasm-simd.wasm, 1 thread)`. */
  backend: string;
}

/** Repeats after the warm-up; the issue asks for a median of at least five. */
export const REPEATS = 7;

/**
 * Measures `sample`, which does a fixed amount of work and returns how much it did (flops,
 * steps …). Each repeat's rate is work / seconds; the median of the repeats is reported.
 * `scale` multiplies the work unit (1e-9 turns flop/s into GFLOP/s).
 */
export function measure(
  group: string,
  name: string,
  unit: string,
  sample: () => number,
  options: BenchOptions,
  scale = 1,
): BenchResult {
  const repeats = options.quick ? 5 : REPEATS;
  sample(); // warm-up: compilation tiers, caches, lazy allocations
  if (!options.quick) sample();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const work = sample();
    const seconds = (performance.now() - t0) / 1000;
    samples.push((work * scale) / seconds);
  }
  return { group, name, unit, median: median(samples), samples };
}

/**
 * Picks a repetition count so that one sample lasts about 200 ms (2 ms in quick mode): peers
 * differ by orders of magnitude, so a fixed count would either crawl on one or be timer noise on
 * another. The count is then fixed for every repeat, as `measure` expects. The first call pays
 * one-off costs (compilation, kernel setup, optimizer slots) and is not timed.
 */
export function calibrate(run: (reps: number) => void, options: BenchOptions): number {
  const targetMs = options.quick ? 2 : 200;
  run(1);
  for (let reps = 1; ; reps *= 4) {
    const t0 = performance.now();
    run(reps);
    const ms = performance.now() - t0;
    if (ms >= targetMs / 4 || reps >= 1 << 20) {
      return Math.max(1, Math.round((reps * targetMs) / Math.max(ms, 1e-3)));
    }
  }
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
