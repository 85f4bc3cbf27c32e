// conv.ts — B batch, C in channels, H×W input, OC filters, K×K kernel: conv2d throughput in GFLOP/s.
/**
 * The two convolutions of the game's small CNN (batch 32, 28×28×1 → conv 3×3×16 → pool 2 →
 * conv 3×3×32, valid padding), each one forward plus one backward (weight, bias and, for the
 * second layer, input gradient) of the SIMD build; `npm run bench` runs them after the matmul
 * rows and their peak loop. Flops count 2 per multiply-add of the forward, the weight gradient
 * and the input gradient. Row names: 'conv 28x28x1→16 fwd+bwd', 'conv 13x13x16→32 fwd+bwd'.
 *
 * Run on its own: `npx tsc -p tsconfig.node.json && node dist/bench/conv.js`.
 */
import { pathToFileURL } from 'node:url';
import { ensureMemory, instantiateKernel, type KernelExports } from '../src/engine/kernel.js';
import { loadKernelModule } from '../src/node/kernel-file.js';
import { measure, type BenchOptions, type BenchResult } from './harness.js';

const GROUP = 'conv';

/** One benchmarked layer; `dinp` false for a first layer, which needs no input gradient. */
interface Layer {
  name: string;
  B: number;
  C: number;
  H: number;
  W: number;
  OC: number;
  K: number;
  S: number;
  P: number;
  dinp: boolean;
}

const LAYERS: readonly Layer[] = [
  {
    name: 'conv 28x28x1→16 fwd+bwd',
    B: 32,
    C: 1,
    H: 28,
    W: 28,
    OC: 16,
    K: 3,
    S: 1,
    P: 0,
    dinp: false,
  },
  {
    name: 'conv 13x13x16→32 fwd+bwd',
    B: 32,
    C: 16,
    H: 13,
    W: 13,
    OC: 32,
    K: 3,
    S: 1,
    P: 0,
    dinp: true,
  },
];

/** Flops per timed sample: ~50 ms of work at ~20 GFLOP/s. */
const SAMPLE_FLOPS = 1e9;
const QUICK_FLOPS = 2e7;

/** Buffers of one layer in kernel memory, laid out from `base`; returns them and the end. */
function buffers(k: KernelExports, l: Layer, base: number) {
  const OH = (l.H + 2 * l.P - l.K) / l.S + 1;
  const OW = (l.W + 2 * l.P - l.K) / l.S + 1;
  const sizes = {
    inp: l.B * l.C * l.H * l.W,
    w: l.OC * l.C * l.K * l.K,
    b: l.OC,
    out: l.B * l.OC * OH * OW,
    col: k.conv2d_col_floats(l.B, l.C, l.H, l.W, l.OC, l.K, l.S, l.P),
  };
  let top = (base + 15) & ~15;
  const at = (n: number): number => {
    const p = top;
    top += (n * 4 + 15) & ~15;
    return p;
  };
  const p = {
    inp: at(sizes.inp),
    dinp: at(sizes.inp),
    w: at(sizes.w),
    dw: at(sizes.w),
    b: at(sizes.b),
    db: at(sizes.b),
    out: at(sizes.out),
    dout: at(sizes.out),
    col: at(sizes.col),
  };
  ensureMemory(k, top);
  // Values in [-1, 1) from an LCG: no zeros or denormals to flatter or slow the arithmetic.
  let s = 12345;
  const fill = (ptr: number, n: number): void => {
    const v = new Float32Array(k.memory.buffer, ptr, n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      v[i] = (s / 4294967296) * 2 - 1 || 0.5;
    }
  };
  fill(p.inp, sizes.inp);
  fill(p.w, sizes.w);
  fill(p.b, sizes.b);
  fill(p.dout, sizes.out);
  const flops = 2 * l.OC * l.C * l.K * l.K * OH * OW * l.B * (l.dinp ? 3 : 2);
  return { p, flops, end: top };
}

/** One fwd+bwd row per layer (SIMD build), in GFLOP/s: compare with matmul.ts's peak loop. */
export async function benchConv(options: BenchOptions): Promise<BenchResult[]> {
  const k = instantiateKernel(await loadKernelModule('simd'));
  let base = k.heap_base();
  const layers = LAYERS.map((l) => {
    const b = buffers(k, l, base);
    base = b.end;
    const step = (): void => {
      const { p } = b;
      k.conv2d_forward(p.out, p.inp, p.w, p.b, p.col, l.B, l.C, l.H, l.W, l.OC, l.K, l.S, l.P);
      k.conv2d_backward(
        l.dinp ? p.dinp : 0,
        p.dw,
        p.db,
        p.dout,
        p.inp,
        p.w,
        p.col,
        l.B,
        l.C,
        l.H,
        l.W,
        l.OC,
        l.K,
        l.S,
        l.P,
      );
    };
    return { l, flops: b.flops, step };
  });
  // Queue everything for V8's optimising tier before timing (see matmul.ts).
  for (let r = 0; r < 20; r++) {
    k.peak_loop(1000);
    for (const { step } of layers) step();
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const results: BenchResult[] = [];
  for (const { l, flops, step } of layers) {
    const calls = Math.max(1, Math.round((options.quick ? QUICK_FLOPS : SAMPLE_FLOPS) / flops));
    const sample = (): number => {
      for (let c = 0; c < calls; c++) step();
      return calls * flops;
    };
    results.push(measure(GROUP, l.name, 'GFLOP/s', sample, options, 1e-9));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.slice(2).includes('--quick');
  for (const r of await benchConv({ quick })) {
    console.log(`${r.name.padEnd(28)} ${r.median.toFixed(2).padStart(8)} ${r.unit}`);
  }
}
