/**
 * `npm run bench` entry point (compiled to dist/bench/run.js). Runs, in this one process, the
 * kernel matmul rows (matmul.ts), our engine's MLP, CNN and recurrent training rows (engine.ts,
 * engine-cnn.ts, engine-rnn.ts), the TensorFlow.js reference rows (tfjs.ts, tfjs-transformer.ts)
 * and the jax-js and ConvNetJS ones (jaxjs.ts, jaxjs-transformer.ts, convnetjs.ts); prints them
 * as a table with the target ratios, and writes bench/results.json — or bench/results-quick.json
 * for `--quick`, so a CI smoke run never overwrites real figures. Missed targets are reported,
 * not fatal: the exit code stays 0 unless a benchmark itself throws (a crash, a tensor leak, the
 * wrong tfjs binary).
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchConvnetjs, convnetjsInfo } from './convnetjs.js';
import { benchConv } from './conv.js';
import { benchEngine } from './engine.js';
import { benchEngineCnn } from './engine-cnn.js';
import { benchEngineRnn } from './engine-rnn.js';
import type { BenchOptions, BenchResult } from './harness.js';
import { benchMatmul } from './matmul.js';
import { benchJaxjs, jaxjsInfo } from './jaxjs.js';
import { benchJaxjsTransformer } from './jaxjs-transformer.js';
import { benchEngineTransformer } from './engine-transformer.js';
import { benchTfjs, tfjsWasmInfo } from './tfjs.js';
import { benchTfjsTransformer } from './tfjs-transformer.js';

/**
 * The figures the issue sets, each the median of one row over the median of another. Throughput
 * ratios between rows measured in the same process are what carry across machines. A ratio with
 * target null is recorded only: its `targets` and `met` entries are null, and it is not counted
 * among the targets met.
 */
const RATIOS = {
  matmul256_nn_vs_peak: { num: 'simd nn 256', den: 'peak loop', target: 0.7 },
  matmul256_tn_vs_peak: { num: 'simd tn 256', den: 'peak loop', target: 0.5 },
  matmul256_nt_vs_peak: { num: 'simd nt 256', den: 'peak loop', target: 0.5 },
  simd_vs_scalar: { num: 'simd nn 256', den: 'scalar nn 256', target: 8 },
  mlp_small_vs_tfjs_wasm: {
    num: 'engine mlp 2-16-16-1',
    den: 'tfjs-wasm mlp 2-16-16-1',
    target: 40,
  },
  mlp_784_vs_tfjs_wasm: {
    num: 'engine mlp 784-128-10',
    den: 'tfjs-wasm mlp 784-128-10',
    target: 8,
  },
  cnn28_vs_peak: { num: 'engine cnn 28x28 GFLOP/s', den: 'peak loop', target: 0.3 },
  cnn28_vs_jaxjs: { num: 'engine cnn 28x28', den: 'jax-js cnn 28x28', target: 20 },
  cnn8_vs_convnetjs: { num: 'engine cnn 8x8', den: 'convnetjs cnn 8x8', target: 20 },
  cnn28_forward_vs_tfjs_wasm: {
    num: 'engine cnn 28x28 forward',
    den: 'tfjs-wasm cnn 28x28 forward',
    target: 1,
  },
  mlp_784_late_vs_early: {
    num: 'engine mlp 784-128-10 fashion steps 2500-3000',
    den: 'engine mlp 784-128-10 fashion steps 0-500',
    target: 0.9,
  },
  // Recurrent rows (rnn-flops.ts): LSTM/GRU/RNN(64) on one-hot tokens, T = 16, vocabulary 28.
  lstm_vs_tfjs_wasm: { num: 'engine lstm', den: 'tfjs-wasm lstm', target: 12 },
  lstm_vs_jaxjs: { num: 'engine lstm', den: 'jax-js lstm', target: 3 },
  // Recorded without a target: what fraction of the peak loop a training step reaches.
  lstm_vs_peak: { num: 'engine lstm GFLOP/s', den: 'peak loop', target: null },
  // The character transformer (transformer-flops.ts): V 28, T 32, D 64, 4 heads, 2 blocks.
  transformer_vs_tfjs_wasm: { num: 'engine transformer', den: 'tfjs-wasm transformer', target: 8 },
  transformer_vs_jaxjs: { num: 'engine transformer', den: 'jax-js transformer', target: 3 },
  transformer_vs_peak: { num: 'engine transformer GFLOP/s', den: 'peak loop', target: 0.35 },
  gru_vs_tfjs_wasm: { num: 'engine gru', den: 'tfjs-wasm gru', target: null },
  gru_vs_jaxjs: { num: 'engine gru', den: 'jax-js gru', target: null },
  rnn_vs_tfjs_wasm: { num: 'engine rnn', den: 'tfjs-wasm rnn', target: null },
  rnn_vs_jaxjs: { num: 'engine rnn', den: 'jax-js rnn', target: null },
} as const satisfies Record<string, { num: string; den: string; target: number | null }>;

type RatioKey = keyof typeof RATIOS;
const RATIO_KEYS = Object.keys(RATIOS) as RatioKey[];

async function main(): Promise<void> {
  const options: BenchOptions = { quick: process.argv.slice(2).includes('--quick') };
  const started = Date.now();
  const results: BenchResult[] = [];
  // Order: our kernels first, on a process no other library has touched yet; then the peers,
  // each before the ones likelier to disturb it. tfjs keeps the place its ratio rows were
  // measured in. jax-js (imported only when its turn comes) adds its wasm memory and some hundred
  // compiled kernels but little JavaScript garbage. The transformer peers (transformer-flops.ts)
  // follow their library's other rows, so those run as before.
  // ConvNetJS goes last: it allocates a fresh Float64Array volume per layer per example, leaving
  // the heap churned for whatever would follow.
  const suites: [string, (o: BenchOptions) => Promise<BenchResult[]>][] = [
    ['matmul', benchMatmul],
    ['conv', benchConv],
    ['engine', benchEngine],
    ['engine cnn', benchEngineCnn],
    ['engine rnn', benchEngineRnn],
    ['engine transformer', benchEngineTransformer],
    ['tfjs', benchTfjs],
    ['tfjs transformer', benchTfjsTransformer],
    ['jax-js', benchJaxjs],
    ['jax-js transformer', benchJaxjsTransformer],
    ['convnetjs', benchConvnetjs],
  ];
  for (const [label, suite] of suites) {
    const t0 = Date.now();
    console.log(`running ${label}${options.quick ? ' (quick)' : ''}…`);
    results.push(...(await suite(options)));
    console.log(`  ${label} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  const ratios = {} as Record<RatioKey, number | null>;
  const targets = {} as Record<RatioKey, number | null>;
  const met = {} as Record<RatioKey, boolean | null>;
  for (const key of RATIO_KEYS) {
    const { num, den } = RATIOS[key];
    const target: number | null = RATIOS[key].target;
    const a = find(results, num);
    const b = find(results, den);
    // A missing row (a suite renamed or skipped it) gives null and counts as missed.
    const ratio = a !== undefined && b !== undefined && b > 0 ? a / b : null;
    ratios[key] = ratio;
    targets[key] = target;
    met[key] = target === null ? null : ratio !== null && ratio >= target;
  }

  printTable(results);
  printRatios(ratios, targets, met, options.quick);

  const cpu = cpus();
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      node: process.version,
      platform: process.platform,
      arch: process.arch,
    },
    quick: options.quick,
    results,
    ratios,
    targets,
    met,
    // Which tfjs wasm binary the reference rows ran on (single-threaded SIMD, verified), and
    // what a CNN training step on it gave.
    tfjsWasm: tfjsWasmInfo() ?? null,
    // jax-js's version, device and worker count; ConvNetJS's version and which Adam ran.
    jaxjs: jaxjsInfo() ?? null,
    convnetjs: convnetjsInfo() ?? null,
  };
  const file = join(packageRoot(), 'bench', options.quick ? 'results-quick.json' : 'results.json');
  // Write then rename, so an interrupted run never leaves a truncated results file.
  writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
  console.log(`\nwrote ${file} (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
}

/** Median of the row named `name`; names are unique across suites by convention. */
function find(results: readonly BenchResult[], name: string): number | undefined {
  const rows = results.filter((r) => r.name === name);
  if (rows.length > 1)
    console.warn(`warning: ${rows.length} rows named '${name}', using the first`);
  return rows[0]?.median;
}

/** Three significant figures or so, without exponent notation for the usual ranges. */
function format(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function printTable(unordered: readonly BenchResult[]): void {
  // Rows of one group together (groups in order of first appearance, rows in run order), so the
  // engine's MLP rows sit next to the tfjs ones they are compared with.
  const groups = [...new Set(unordered.map((r) => r.group))];
  const results = groups.flatMap((g) => unordered.filter((r) => r.group === g));
  const rows = results.map((r) => [
    r.group,
    r.name,
    format(r.median),
    r.unit,
    `${format(Math.min(...r.samples))}–${format(Math.max(...r.samples))}`,
  ]);
  const header = ['group', 'name', 'median', 'unit', 'range (min–max)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // Numbers right-aligned, text left-aligned.
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  let group = results[0]?.group;
  for (const [i, row] of rows.entries()) {
    if (results[i]!.group !== group) {
      group = results[i]!.group;
      console.log('');
    }
    console.log(line(row));
  }
}

function printRatios(
  ratios: Record<RatioKey, number | null>,
  targets: Record<RatioKey, number | null>,
  met: Record<RatioKey, boolean | null>,
  quick: boolean,
): void {
  const width = Math.max(...RATIO_KEYS.map((k) => k.length));
  console.log('');
  console.log(`${'ratio'.padEnd(width)}     value  target  status    (numerator / denominator)`);
  for (const key of RATIO_KEYS) {
    const ratio = ratios[key];
    const value = ratio === null ? 'n/a' : format(ratio);
    const target = targets[key];
    const status =
      ratio === null ? 'MISSING' : target === null ? 'recorded' : met[key] ? 'MET' : 'missed';
    const { num, den } = RATIOS[key];
    console.log(
      `${key.padEnd(width)}  ${value.padStart(8)}  ${(target === null ? '—' : `≥${target}`).padStart(6)}  ` +
        `${status.padEnd(8)}  (${num} / ${den})`,
    );
  }
  const targeted = RATIO_KEYS.filter((k) => targets[k] !== null);
  const count = targeted.filter((k) => met[k]).length;
  console.log(`\ntargets met: ${count}/${targeted.length}`);
  if (quick) console.log('(quick run: too little work for the figures to mean anything)');
}

/** Nearest folder above this script holding package.json: the repo, from dist/ or from bench/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

await main();
