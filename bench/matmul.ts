// matmul.ts — M, K, N: kernel matmul throughput in GFLOP/s (2·M·K·N flops per call).
/**
 * The kernel's matmuls at 64³ and 256³ in the three layouts (nn, nt, tn), for the SIMD build and
 * the scalar build, plus the register-only `peak_loop` of the SIMD build that the matmul rows are
 * judged against. Row names are what `run.ts` looks up: 'peak loop', 'simd nn 256',
 * 'scalar nn 256', …
 */
import { ensureMemory, instantiateKernel, type KernelExports } from '../src/engine/kernel.js';
import { loadKernelModule, type KernelVariant } from '../src/node/kernel-file.js';
import { measure, type BenchOptions, type BenchResult } from './harness.js';

const GROUP = 'matmul';
const SIZES = [64, 256] as const;
const FORMS = ['nn', 'nt', 'tn'] as const;

/** Flops per timed sample: ~50 ms of work per sample at the expected speeds (SIMD ~45 GFLOP/s). */
const SAMPLE_FLOPS: Record<KernelVariant, number> = { simd: 2e9, scalar: 3e8 };
/** Quick mode: one 256³ call (or a few 64³ ones) per sample, to exercise the code only. */
const QUICK_FLOPS = 4e7;
/** peak_loop iterations per sample (56 flops each in the SIMD build: ~1.1 GFLOP, ~25 ms). */
const PEAK_ITERATIONS = 2e7;
const QUICK_PEAK_ITERATIONS = 2e5;

/** A, B and out of the largest size in kernel memory (byte addresses). */
interface Buffers {
  a: number;
  b: number;
  out: number;
}

/** Lays out the buffers above the static data and fills A and B with test data. */
function setup(k: KernelExports): Buffers {
  const n = Math.max(...SIZES);
  const bytes = n * n * 4;
  const a = (k.heap_base() + 15) & ~15;
  const b = a + bytes;
  const out = b + bytes;
  ensureMemory(k, out + bytes);
  // Values in [-1, 1) from an LCG: no zeros or denormals to flatter or slow the arithmetic.
  const values = new Float32Array(k.memory.buffer, a, 2 * n * n);
  let s = 12345;
  for (let i = 0; i < values.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = (s / 4294967296) * 2 - 1 || 0.5;
  }
  return { a, b, out };
}

/**
 * Calls every measured function a little so V8 queues it for its optimising tier: the first calls
 * run baseline Liftoff code, several times slower for SIMD, and one long call (a peak_loop sample)
 * cannot switch tiers midway.
 */
function warmUp(k: KernelExports, { a, b, out }: Buffers): void {
  for (let r = 0; r < 20; r++) {
    k.peak_loop(1000);
    for (const form of FORMS) k[`matmul_${form}`](out, a, b, 64, 64, 64, 0);
  }
}

/** The matmul rows of one build: '<variant> <form> <size>'. */
function matmulRows(
  variant: KernelVariant,
  k: KernelExports,
  { a, b, out }: Buffers,
  options: BenchOptions,
): BenchResult[] {
  const results: BenchResult[] = [];
  for (const n of SIZES) {
    const flops = 2 * n * n * n;
    const work = options.quick ? QUICK_FLOPS : SAMPLE_FLOPS[variant];
    const calls = Math.max(1, Math.round(work / flops));
    for (const form of FORMS) {
      const fn = k[`matmul_${form}`];
      const sample = (): number => {
        for (let c = 0; c < calls; c++) fn(out, a, b, n, n, n, 0);
        return calls * flops;
      };
      results.push(measure(GROUP, `${variant} ${form} ${n}`, 'GFLOP/s', sample, options, 1e-9));
    }
  }
  return results;
}

/**
 * Runs the matmul benchmark: the peak loop row first, then the SIMD rows, then the scalar rows.
 * Each build gets its own kernel instance.
 */
export async function benchMatmul(options: BenchOptions): Promise<BenchResult[]> {
  const simd = instantiateKernel(await loadKernelModule('simd'));
  const scalar = instantiateKernel(await loadKernelModule('scalar'));
  const simdBuffers = setup(simd);
  const scalarBuffers = setup(scalar);
  warmUp(simd, simdBuffers);
  warmUp(scalar, scalarBuffers);
  // Let the background optimising compiles finish before anything is timed.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const iterations = options.quick ? QUICK_PEAK_ITERATIONS : PEAK_ITERATIONS;
  const perIteration = simd.peak_flops_per_iteration();
  const peak = measure(
    GROUP,
    'peak loop',
    'GFLOP/s',
    () => {
      simd.peak_loop(iterations);
      return iterations * perIteration;
    },
    options,
    1e-9,
  );
  return [
    peak,
    ...matmulRows('simd', simd, simdBuffers, options),
    ...matmulRows('scalar', scalar, scalarBuffers, options),
  ];
}
