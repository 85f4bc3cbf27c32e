/**
 * The L1 penalty against PyTorch: a 2-8-1 tanh network trained a few full-batch steps in the
 * engine's learner, and the same network from the same initial weights in PyTorch
 * (`oracle.py`, run with Debian's /usr/bin/python3 and its python3-torch), with the loss written
 * out as BCE + λ1·Σ|W| (+ λ2/2·Σ W²) over the weights only. Both must agree on every parameter
 * after every step to float32 rounding, for SGD and Adam, L1 alone and beside L2, and through
 * the input features.
 *
 * Without PyTorch the test is skipped with a message, except when the CI variable is set: CI
 * must have it (`.ci/run` installs python3-torch), so there it fails instead.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { Learner } from '../../src/engine/learner.js';
import type { FeatureName } from '../../src/engine/spec.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { PYTHON, needTorch } from './torch.js';

const ORACLE = fileURLToPath(new URL('./oracle.py', import.meta.url));

let module: WebAssembly.Module;
let data: Dataset;
beforeAll(async () => {
  module = await loadKernelModule('simd');
  data = makeDataset('moons', { module, seed: 2, n: 120, noise: 0.1 });
});

interface Case {
  label: string;
  options: Record<string, unknown>;
  features?: FeatureName[];
}

const STEPS = 5;

/** Trains one case here, step by step, and collects what the oracle needs to do the same. */
function ours(c: Case) {
  const spec = {
    ...(c.features ? { features: c.features } : {}),
    layers: [
      { type: 'dense', units: 8, activation: 'tanh' },
      { type: 'dense', units: 1 },
    ],
  };
  const s = new Learner(module, spec, data, { ...c.options, batch: data.train.n }, 7);
  const params = Object.fromEntries(
    s.stateDict().map((p) => [p.name, { shape: p.shape, values: Array.from(p.values) }]),
  );
  const orders: number[][] = [];
  const history: Record<string, Float32Array>[] = [];
  for (let k = 0; k < STEPS; k++) {
    s.step(1);
    // The batch is the whole training set, shuffled afresh for each step: the order it ran in.
    orders.push(Array.from(s.trainingState().order));
    history.push(Object.fromEntries(s.stateDict().map((p) => [p.name, p.values])));
  }
  const rows = (a: Float32Array, w: number) =>
    Array.from({ length: a.length / w }, (_, r) => Array.from(a.subarray(r * w, (r + 1) * w)));
  const request = {
    spec: s.network.spec,
    params,
    x: rows(data.train.x, 2),
    y: rows(data.train.y, 1),
    orders,
    optimizer: s.options,
    l1: s.options.l1,
    l2: s.options.l2,
  };
  return { request, history };
}

const CASES: Case[] = [
  { label: 'SGD, L1', options: { optimizer: 'sgd', lr: 0.5, l1: 0.02 } },
  { label: 'SGD, L1 and L2', options: { optimizer: 'sgd', lr: 0.5, l1: 0.02, l2: 0.1 } },
  { label: 'Adam, L1', options: { optimizer: 'adam', lr: 0.01, l1: 0.02 } },
  { label: 'Adam, L1 and L2', options: { optimizer: 'adam', lr: 0.01, l1: 0.01, l2: 0.05 } },
  {
    label: 'Adam, L1, through input features',
    options: { optimizer: 'adam', lr: 0.01, l1: 0.02 },
    features: ['x1', 'x2', 'x1x1', 'x2x2', 'x1x2', 'sinx1', 'sinx2'],
  },
];

describe('L1 against PyTorch', () => {
  it('every parameter after every step agrees with torch to float32 rounding', (ctx) => {
    needTorch((note) => ctx.skip(note));
    const runs = CASES.map(ours);
    const out = spawnSync(PYTHON, [ORACLE], {
      input: JSON.stringify({ cases: runs.map((r) => r.request) }),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(out.status, out.stderr).toBe(0);
    const torch = JSON.parse(out.stdout) as { cases: { params: Record<string, number[]>[] }[] };
    const report: string[] = [];
    CASES.forEach((c, i) => {
      let worstAbs = 0;
      let worstRel = 0;
      let moved = 0;
      runs[i]!.history.forEach((step, k) => {
        for (const [name, values] of Object.entries(step)) {
          const want = torch.cases[i]!.params[k]![name]!;
          expect(want, `${c.label} step ${k + 1} ${name}`).toHaveLength(values.length);
          values.forEach((v, j) => {
            const d = Math.abs(v - want[j]!);
            worstAbs = Math.max(worstAbs, d);
            worstRel = Math.max(worstRel, d / Math.max(1, Math.abs(want[j]!)));
            expect(
              d,
              `${c.label} step ${k + 1} ${name}[${j}]: ${v} vs torch ${want[j]}`,
            ).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[j]!)));
          });
        }
      });
      // Training moved the weights far beyond the tolerance: the agreement is not a standing start.
      const initial = runs[i]!.request.params;
      for (const [name, p] of Object.entries(initial)) {
        const last = runs[i]!.history[STEPS - 1]![name]!;
        moved = Math.max(moved, ...p.values.map((w, j) => Math.abs(last[j]! - w)));
      }
      expect(moved, c.label).toBeGreaterThan(1e-3);
      report.push(
        `${c.label}: worst |Δ| ${worstAbs.toExponential(2)} (relative ${worstRel.toExponential(2)})`,
      );
    });
    console.log(`torch oracle, ${STEPS} full-batch steps:\n  ${report.join('\n  ')}`);
  });

  it('without the penalty term in torch the weights would differ: the test can fail', (ctx) => {
    needTorch((note) => ctx.skip(note));
    const run = ours(CASES[0]!);
    const out = spawnSync(PYTHON, [ORACLE], {
      input: JSON.stringify({ cases: [{ ...run.request, l1: 0 }] }),
      encoding: 'utf8',
    });
    expect(out.status, out.stderr).toBe(0);
    const torch = JSON.parse(out.stdout) as { cases: { params: Record<string, number[]>[] }[] };
    const want = torch.cases[0]!.params[STEPS - 1]!['0.weight']!;
    const got = run.history[STEPS - 1]!['0.weight']!;
    const gap = Math.max(...want.map((w, j) => Math.abs(w - got[j]!)));
    expect(gap).toBeGreaterThan(1e-3);
  });
});
