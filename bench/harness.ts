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

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
