/**
 * Recurrent networks against PyTorch (`modelfile.py`, Debian's python3-torch): an RNN, an LSTM
 * and a GRU network trained here are written as our model files, loaded into the
 * `nn.Sequential` the registry names (nn.RNN/LSTM/GRU batch first, wrapped to return every step
 * or the last one, as docs/model-format.md defines) with strict names and shapes, and must give
 * our outputs and loss; then each takes one SGD step here and in torch from the same weights on
 * the same rows, and every parameter must agree after it. Token inputs go through nn.Embedding
 * or one-hot; per-position losses average over every step as CrossEntropyLoss over [B·T, V].
 *
 * Without PyTorch the test is skipped with a message, except when the CI variable is set.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { torchModules } from '../../src/engine/graph.js';
import { Learner, type LearnerData } from '../../src/engine/learner.js';
import { encodeModel } from '../../src/engine/model-file.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { testValues } from '../kernel/harness.js';
import { PYTHON, needTorch } from './torch.js';

const SCRIPT = fileURLToPath(new URL('./modelfile.py', import.meta.url));

interface TorchResult {
  loss: number;
  probs: number[];
  state: Record<string, number[]>;
  trainLoss: number | null;
}

function torch(job: Record<string, unknown>): TorchResult {
  const r = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify(job),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`modelfile.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TorchResult;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label: string) {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!) / (Math.abs(want[i]!) + 1e-3);
    if (!(err <= tol))
      throw new Error(`${label}[${i}]: ours ${got[i]} vs torch ${want[i]} (relative ${err})`);
  }
}

/** A sequence task with a pattern to learn: tokens or two values per step. */
function task(kind: 'tokens' | 'values', perPosition: boolean, steps: number, n = 96): LearnerData {
  const vocab = 5;
  const split = (seed: number) => {
    const x =
      kind === 'tokens'
        ? Float32Array.from(testValues(n * steps, seed), (v) => Math.floor((v + 1) * 2.5) % vocab)
        : testValues(n * steps * 2, seed);
    const y = new Float32Array(perPosition ? n * steps : n);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < steps; t++) {
        const here = kind === 'tokens' ? x[i * steps + t]! : x[(i * steps + t) * 2]!;
        const first = kind === 'tokens' ? x[i * steps]! : x[i * steps * 2]!;
        if (perPosition) {
          y[i * steps + t] = kind === 'tokens' ? (here + first) % 3 : here * 0.5 + first * 0.3;
        }
      }
      if (!perPosition) y[i] = kind === 'tokens' ? x[i * steps]! % 3 : x[i * steps * 2]!;
    }
    return { x, y, n };
  };
  return {
    name: 'patterns',
    task: kind === 'tokens' ? 'multiclass' : 'regression',
    inputs: kind === 'tokens' ? steps : steps * 2,
    outputs: kind === 'tokens' ? 3 : 1,
    train: split(1),
    validation: split(2),
    test: split(3),
    sequence: {
      steps,
      features: kind === 'tokens' ? 1 : 2,
      perPosition,
      ...(kind === 'tokens' ? { vocab: ['a', 'b', 'c', 'd', 'e'] } : {}),
    },
  };
}

interface Case {
  name: string;
  layers: unknown[];
  data: () => LearnerData;
  modules: string[];
}

const CASES: Case[] = [
  {
    name: 'embedding → RNN at every step → dense at every step',
    layers: [
      { type: 'embedding', dim: 4 },
      { type: 'rnn', hidden: 6, sequences: true },
      { type: 'dense', units: 3 },
    ],
    data: () => task('tokens', true, 7),
    modules: ['nn.Embedding(5, 4)', 'RNN(4, 6, sequences=True)', 'nn.Linear(6, 3)'],
  },
  {
    name: 'one-hot → LSTM on its last step → dense',
    layers: [{ type: 'onehot' }, { type: 'lstm', hidden: 5 }, { type: 'dense', units: 3 }],
    data: () => task('tokens', false, 9),
    modules: ['OneHot(5)', 'LSTM(5, 5)', 'nn.Linear(5, 3)'],
  },
  {
    name: 'GRU at every step over two values → tanh → dense (squared error per step)',
    layers: [
      { type: 'gru', hidden: 6, sequences: true },
      { type: 'activation', activation: 'tanh' },
      { type: 'dense', units: 1 },
    ],
    data: () => task('values', true, 6),
    modules: ['GRU(2, 6, sequences=True)', 'nn.Tanh()', 'nn.Linear(6, 1)'],
  },
];

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule('simd');
});

function jobOf(learner: Learner, data: LearnerData, split: 'train' | 'test') {
  const s = data[split];
  const tokens = data.sequence?.vocab !== undefined;
  const n = learner.network;
  return {
    modules: torchModules(n.graph, n.summary, n.folded),
    folded: n.folded !== null,
    loss: n.spec.loss,
    tokens,
    model: encodeModel({
      spec: n.spec,
      optimizer: learner.options,
      step: learner.stepCount,
      params: learner.stateDict(),
    }),
    x: Array.from(s.x),
    shape: tokens ? [s.n, data.inputs] : [s.n, data.inputs / 2, 2],
    y: Array.from(s.y),
  };
}

describe('recurrent networks in PyTorch', () => {
  for (const c of CASES) {
    it(`${c.name}: the modules, outputs and loss, and one SGD step`, ({ skip }) => {
      const data = c.data();
      const trained = new Learner(
        module,
        { layers: c.layers },
        data,
        { optimizer: 'adam', lr: 0.02, batch: 16 },
        3,
      );
      const n = trained.network;
      expect(torchModules(n.graph, n.summary, n.folded)).toEqual(c.modules);
      needTorch(skip);
      trained.step(40);
      const t = torch({ ...jobOf(trained, data, 'test'), order: null, lr: 0 });
      const test = data.test;
      expectClose(trained.predict(Float32Array.from(test.x)), t.probs, 1e-4, `${c.name} outputs`);
      expectClose([trained.evaluate('test').loss], [t.loss], 2e-5, `${c.name} test loss`);

      const learner = new Learner(
        module,
        { layers: c.layers },
        data,
        { optimizer: 'sgd', lr: 0.5, batch: 16 },
        4,
      );
      learner.loadStateDict(trained.stateDict(), 0);
      const before = jobOf(learner, data, 'train');
      const r = learner.step(1);
      const order = Array.from(learner.trainingState().order.slice(0, 16));
      const s = torch({ ...before, order, lr: 0.5 });
      expectClose([r.lastLoss], [s.trainLoss!], 1e-5, `${c.name} batch loss`);
      for (const p of learner.stateDict()) expectClose(p.values, s.state[p.name]!, 1e-4, p.name);
      expect(Object.keys(s.state).sort()).toEqual(
        learner
          .stateDict()
          .map((p) => p.name)
          .sort(),
      );
    });
  }
});
