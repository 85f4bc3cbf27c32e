/**
 * Our model files (format 2) against PyTorch itself (`modelfile.py`, run with Debian's
 * /usr/bin/python3 and python3-torch): the network's `nn.Sequential`, built from the modules the
 * op registry declares, loads the file with `load_state_dict(strict=True)` and must give our
 * outputs and loss — an MLP, a CNN with batch norm in evaluation mode, and the same CNN in
 * training mode for one SGD step (parameters, running statistics and batch count after it) —
 * and the reverse: a CNN made in PyTorch, written as our model file, is evaluated here and by
 * our command line with the same outputs as in torch.
 *
 * Without PyTorch the test is skipped with a message, except when the CI variable is set.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { makeDataset } from '../../src/data/index.js';
import { torchModules } from '../../src/engine/graph.js';
import { Learner, type LearnerData } from '../../src/engine/learner.js';
import { decodeModel, encodeModel } from '../../src/engine/model-file.js';
import { parseOptions } from '../../src/engine/options.js';
import { loadImageDataset } from '../../src/node/image-data.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
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

/** All rows of a split as the network sees them (pixels scaled), and its targets. */
function rows(data: LearnerData, split: 'train' | 'test'): { x: number[]; y: number[]; n: number } {
  const s = data[split];
  const scale = data.image?.scale ?? 1;
  return { x: Array.from(s.x, (v) => Math.fround(v * scale)), y: Array.from(s.y), n: s.n };
}

function shapeOf(data: LearnerData, n: number): number[] {
  return data.image
    ? [n, data.image.channels, data.image.height, data.image.width]
    : [n, data.inputs];
}

function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  label: string,
): void {
  expect(got.length, label).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!) / (Math.abs(want[i]!) + 1e-3);
    worst = Math.max(worst, err);
    if (!(err <= tol))
      throw new Error(`${label}[${i}]: ours ${got[i]} vs torch ${want[i]} (relative ${err})`);
  }
}

function fileOf(learner: Learner, data: LearnerData, seed: number): string {
  return encodeModel({
    spec: learner.network.spec,
    optimizer: learner.options,
    step: learner.stepCount,
    params: learner.stateDict(),
    buffers: learner.bufferDict(),
    data: { name: data.name, seed },
  });
}

function modulesOf(learner: Learner): string[] {
  const n = learner.network;
  return torchModules(n.graph, n.summary, n.folded);
}

const CNN = {
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, padding: 1 },
    { type: 'batchnorm' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxpool2d', size: 2 },
    { type: 'conv2d', filters: 6, kernel: 3, bias: false, activation: 'relu' },
    { type: 'avgpool2d', size: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

let module: WebAssembly.Module;
let digits: LearnerData;
beforeAll(async () => {
  module = await loadKernelModule('simd');
  digits = await loadImageDataset('digits', { module, seed: 3 });
});

describe('our model files in PyTorch', () => {
  it('the CNN is the nn.Sequential the registry names', () => {
    const learner = new Learner(module, CNN, digits, { batch: 32 }, 1);
    expect(modulesOf(learner)).toEqual([
      'nn.Conv2d(1, 4, kernel_size=3, padding=1)',
      'nn.BatchNorm2d(4)',
      'nn.ReLU()',
      'nn.MaxPool2d(kernel_size=2)',
      'nn.Conv2d(4, 6, kernel_size=3, bias=False)',
      'nn.ReLU()',
      'nn.AvgPool2d(kernel_size=2)',
      'nn.Flatten()',
      'nn.Linear(6, 10)',
      'nn.Softmax(dim=1)',
    ]);
  });

  it('an MLP gives the same outputs and loss', ({ skip }) => {
    needTorch(skip);
    const data = makeDataset('iris', { module, seed: 4 });
    const spec = {
      layers: [
        { type: 'dense', units: 8, activation: 'tanh' },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: 3 },
      ],
    };
    const learner = new Learner(module, spec, data, { optimizer: 'adam', lr: 0.02, batch: 16 }, 5);
    learner.step(50);
    const test = rows(data, 'test');
    const t = torch({
      modules: modulesOf(learner),
      folded: false,
      loss: 'cce',
      model: fileOf(learner, data, 4),
      x: test.x,
      shape: shapeOf(data, test.n),
      y: test.y,
      order: null,
      lr: 0,
    });
    expectClose(learner.predict(Float32Array.from(test.x)), t.probs, 1e-5, 'iris probabilities');
    expectClose([learner.evaluate('test').loss], [t.loss], 1e-5, 'iris test loss');
  });

  it('a CNN with batch norm in evaluation mode gives the same outputs and loss', ({ skip }) => {
    needTorch(skip);
    const learner = new Learner(module, CNN, digits, { optimizer: 'adam', lr: 0.01, batch: 32 }, 6);
    learner.step(60);
    const running = learner.bufferDict();
    expect(Array.from(running[1]!.values).some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
    expect(running[2]!.values[0]).toBe(60);
    const test = rows(digits, 'test');
    const t = torch({
      modules: modulesOf(learner),
      folded: true,
      loss: 'cce',
      model: fileOf(learner, digits, 3),
      x: test.x,
      shape: shapeOf(digits, test.n),
      y: test.y,
      order: null,
      lr: 0,
    });
    expectClose(learner.predict(Float32Array.from(test.x)), t.probs, 2e-5, 'digits probabilities');
    expectClose([learner.evaluate('test').loss], [t.loss], 2e-5, 'digits test loss');
  });

  it('the CNN in training mode takes the same SGD step: loss, parameters, running statistics', ({
    skip,
  }) => {
    needTorch(skip);
    const trained = new Learner(module, CNN, digits, { optimizer: 'adam', lr: 0.01, batch: 32 }, 7);
    trained.step(30);
    const text = fileOf(trained, digits, 3);
    const saved = decodeModel(text);
    const learner = new Learner(module, CNN, digits, { optimizer: 'sgd', lr: 0.1, batch: 32 }, 8);
    learner.loadStateDict(saved.params, saved.step, saved.buffers);
    const r = learner.step(1);
    const order = Array.from(learner.trainingState().order.slice(0, 32));
    const train = rows(digits, 'train');
    const t = torch({
      modules: modulesOf(learner),
      folded: true,
      loss: 'cce',
      model: text,
      x: train.x,
      shape: shapeOf(digits, train.n),
      y: train.y,
      order,
      lr: 0.1,
    });
    expectClose([r.lastLoss], [t.trainLoss!], 1e-5, 'batch loss');
    for (const p of [...learner.stateDict(), ...learner.bufferDict()]) {
      expectClose(p.values, t.state[p.name]!, 1e-4, p.name);
    }
    expect(Object.keys(t.state).sort()).toEqual(
      [...learner.stateDict(), ...learner.bufferDict()].map((p) => p.name).sort(),
    );
  });
});

describe('a PyTorch model in our engine and command line', () => {
  it('evaluates to the outputs torch computes', async ({ skip }) => {
    needTorch(skip);
    const shell = new Learner(module, CNN, digits, { batch: 32 }, 1);
    const test = rows(digits, 'test');
    const t = torch({
      modules: modulesOf(shell),
      folded: true,
      loss: 'cce',
      model: null,
      seed: 11,
      x: test.x,
      shape: shapeOf(digits, test.n),
      y: test.y,
      order: null,
      lr: 0,
    });
    const tensors = (names: { name: string; shape: number[] }[]) =>
      names.map((p) => ({
        name: p.name,
        shape: p.shape,
        values: p.name.endsWith('num_batches_tracked')
          ? Int32Array.from(t.state[p.name]!)
          : Float32Array.from(t.state[p.name]!),
      }));
    const text = encodeModel({
      spec: shell.network.spec,
      optimizer: parseOptions({ batch: 32 }),
      step: 0,
      params: tensors(shell.stateDict()) as never,
      buffers: tensors(shell.bufferDict()),
      data: { name: 'digits', seed: 3 },
    });
    const file = decodeModel(text);
    shell.loadStateDict(file.params, 0, file.buffers);
    expectClose(
      shell.predict(Float32Array.from(test.x)),
      t.probs,
      2e-5,
      'probabilities of the torch model',
    );
    const path = join(mkdtempSync(join(tmpdir(), 'nj-torch-')), 'from-torch.json');
    writeFileSync(path, text);
    const out = await run(['eval', '--load', path, '--data', 'digits', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout) as { test: { loss: number } };
    expectClose([report.test.loss], [t.loss], 2e-5, 'test loss from the command line');
  });
});
