/**
 * TensorFlow.js reference rows: the same matmuls and MLP training steps as our engine, run by
 * `@tensorflow/tfjs-core` on the WebAssembly backend (XNNPACK, SIMD build, one thread) and on the
 * plain-JavaScript CPU backend; and the CNN 28×28 of cnn-flops.ts, trained on the CPU backend
 * and run forward only on the wasm one, which cannot train a convolution (see `benchTfjs`). The
 * wasm rows are the yardstick of the engine's targets (`mlp_*_vs_tfjs_wasm` in run.ts), so this
 * file is careful that the binary measured is the single-threaded SIMD one, and that the code is
 * what an ML-minded tfjs user would write: variables, `optimizer.minimize` inside `tf.tidy`, the
 * library's own loss functions.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  CNN28,
  CNN_BATCH,
  CNN_LEARNING_RATE,
  cnnBatches,
  cnnShapes,
  type CnnLayer,
  type CnnNet,
} from './cnn-flops.js';
import {
  GATES,
  RNN_BATCH,
  RNN_LEARNING_RATE,
  rnnBatches,
  rnnNet,
  type RnnNet,
} from './rnn-flops.js';
import {
  calibrate,
  measure,
  type BenchOptions,
  type BenchResult,
  type LibraryInfo,
} from './harness.js';

/** What the wasm backend actually loaded, checked rather than assumed. */
export interface TfjsWasmInfo {
  /** tfjs-core version, e.g. `4.22.0`. */
  version: string;
  /** File name of the `.wasm` binary whose bytes were instantiated (matched by SHA-256). */
  binary: string;
  /** `WASM_HAS_SIMD_SUPPORT` as the backend saw it when choosing the binary. */
  simd: boolean;
  /** `WASM_HAS_MULTITHREAD_SUPPORT` as the backend saw it; false selects a non-threaded build. */
  multithread: boolean;
  /** XNNPACK thread-pool size reported by the backend after init (`getThreadsCount()`). */
  threads: number;
  /** Whether the module's memory is a SharedArrayBuffer (only threaded builds have one). */
  sharedMemory: boolean;
  /**
   * What one training step of CNN 28×28 on this backend gave: null if it ran, else the error
   * (tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel). Set by `benchTfjs`.
   */
  convTrainingError?: string | null;
}

/** The binary every wasm row must come from: SIMD, no pthreads. */
const EXPECTED_BINARY = 'tfjs-backend-wasm-simd.wasm';
const WASM_BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

let wasmInfo: TfjsWasmInfo | undefined;

/** The wasm backend's loading record, once `benchTfjs` has initialised it (for the report). */
export function tfjsWasmInfo(): TfjsWasmInfo | undefined {
  return wasmInfo;
}

/**
 * Runs every tfjs row on both backends, wasm first. Rows: group 'matmul' (`tfjs-wasm nn 256`,
 * GFLOP/s), group 'mlp' (`tfjs-cpu mlp 784-128-10`, steps/s) and group 'cnn': `tfjs-wasm cnn
 * 28x28 forward` (batches/s of inference) and `tfjs-cpu cnn 28x28` (training steps/s). Then the
 * wasm backend is asked for one CNN training step; its error is recorded in `tfjsWasmInfo()`
 * (should a later tfjs train it, a `tfjs-wasm cnn 28x28` row is measured instead). The CNN rows
 * come after the existing ones of each backend, so those run exactly as they did before. Throws
 * if the wasm backend is not the single-threaded SIMD build or if any tensor outlives its
 * benchmark: a figure measured on the wrong binary, or inflated by a leak, must not reach
 * results.json silently.
 */
export async function benchTfjs(options: BenchOptions): Promise<BenchResult[]> {
  // Production mode: in tfjs 4.22 it only silences console warnings (e.g. the cpu backend's
  // "install tfjs-node" banner), but it is what a performance-minded user sets.
  tf.enableProdMode();
  registerGradients();
  const info = await initWasm();
  console.log(
    `tfjs ${info.version} wasm: ${info.binary}, simd=${info.simd}, ` +
      `multithread=${info.multithread}, threads=${info.threads}, sharedMemory=${info.sharedMemory}`,
  );
  const libraries: Record<'wasm' | 'cpu', LibraryInfo> = {
    wasm: {
      name: '@tensorflow/tfjs-core',
      version: info.version,
      backend: `wasm (${info.binary}, ${info.threads} thread)`,
    },
    cpu: {
      name: '@tensorflow/tfjs-core',
      version: info.version,
      backend: 'cpu (tfjs-backend-cpu, JavaScript)',
    },
  };
  const results: BenchResult[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    if (!(await tf.setBackend(backend)))
      throw new Error(`tfjs backend '${backend}' failed to init`);
    await tf.ready();
    const label = `tfjs-${backend}`;
    const rows: BenchResult[] = [];
    const start = tf.memory().numTensors;
    for (const n of [64, 256]) {
      for (const form of ['nn', 'tn', 'nt'] as const) {
        rows.push(benchMatmul(label, form, n, options));
      }
    }
    rows.push(benchMlp(label, SMALL, options));
    rows.push(benchMlp(label, MNIST, options));
    rows.push(
      backend === 'wasm'
        ? benchCnnForward(label, CNN28, options)
        : benchCnnTraining(label, CNN28, options),
    );
    // The recurrent rows come after the existing ones, so those run exactly as before; on wasm
    // only (the yardstick of `lstm_vs_tfjs_wasm`).
    if (backend === 'wasm') {
      for (const cell of ['lstm', 'gru', 'rnn'] as const) {
        rows.push(benchRnnTraining(label, rnnNet(cell), options));
      }
    }
    const end = tf.memory().numTensors;
    if (end !== start) throw new Error(`${label}: ${end - start} tensors leaked`);
    results.push(...rows.map((r) => ({ ...r, library: libraries[backend] })));
  }
  // Last, once every other row is measured: when a gradient kernel is missing, tfjs throws from
  // inside the backward pass and leaves the tape's saved tensors behind (24 here), which must not
  // sit in the wasm heap while rows run, nor trip their leak checks.
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  info.convTrainingError = tryCnnTraining(CNN28);
  const left = tf.memory().numTensors - before;
  console.log(
    `tfjs wasm cnn training: ${info.convTrainingError ?? 'ran'}` +
      (left > 0 ? ` (${left} tensors left behind by the failed step)` : ''),
  );
  if (info.convTrainingError === null) {
    results.push({ ...benchCnnTraining('tfjs-wasm', CNN28, options), library: libraries.wasm });
  }
  return results;
}

/**
 * tfjs-core's Node bundle (dist/tf-core.node.js, what `import '@tensorflow/tfjs-core'` loads)
 * registers no gradients: they live in `register_all_gradients`, which only the `@tensorflow/tfjs`
 * union package pulls in, and tfjs-core's ESM copy of it uses extensionless imports Node cannot
 * resolve. So `optimizer.minimize` fails with "gradient function not found". Decision: register
 * line-for-line ports of the 4.22 configs (tfjs-core/dist/gradients/*_grad.js) for the kernels the
 * two MLPs and the CNN differentiate, through the public API; they run exactly the ops the union
 * package would, so the figures are those of an ordinary `@tensorflow/tfjs` user. The conv and
 * pool configs call ops tfjs-core does not export (conv2DBackpropInput, conv2DBackpropFilter,
 * maxPoolGrad), so they run those ops' kernels through `tf.engine().runKernel` with the inputs and
 * attributes the ops pass (the ops only validate and reshape rank-3 input, and ours is rank 4).
 * Existing registrations (should the union package ever be installed) are left alone.
 */
export function registerGradients(): void {
  type Grads = Record<string, () => tf.Tensor>;
  type Save = Pick<tf.GradConfig, 'inputsToSave' | 'outputsToSave'>;
  // Every kernel here has one output, so dy is a single tensor.
  const config = (
    kernelName: string,
    save: Save,
    grads: (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => Grads,
  ): tf.GradConfig => ({
    kernelName,
    ...save,
    gradFunc: (dy, s, a) => grads(dy as tf.Tensor, s, a),
  });
  const inputs = { inputsToSave: ['a', 'b'] };
  const input = { inputsToSave: ['x'] };
  const output = { outputsToSave: [true] };
  const { getReductionAxes, assertAndGetBroadcastShape } = tf.broadcast_util;
  /** Sums `res` over the axes broadcasting added to `shape` (no reshape, as Multiply/RealDiv). */
  const unbroadcast = (res: tf.Tensor, shape: number[], out: number[]): tf.Tensor => {
    const axes = getReductionAxes(shape, out);
    return axes.length > 0 ? tf.reshape(tf.sum(res, axes), shape) : res;
  };
  /** Add/Sub form: always reshapes to the input's shape. */
  const reduceTo = (res: tf.Tensor, shape: number[], out: number[]): tf.Tensor => {
    const axes = getReductionAxes(shape, out);
    return tf.reshape(axes.length > 0 ? tf.sum(res, axes) : res, shape);
  };
  const configs: tf.GradConfig[] = [
    config(tf.BatchMatMul, inputs, (dy, [a, b], attrs) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) {
        return { a: () => tf.matMul(dy, b!, false, true), b: () => tf.matMul(a!, dy, true, false) };
      } else if (!transposeA && transposeB) {
        return {
          a: () => tf.matMul(dy, b!, false, false),
          b: () => tf.matMul(dy, a!, true, false),
        };
      } else if (transposeA && !transposeB) {
        return {
          a: () => tf.matMul(b!, dy, false, true),
          b: () => tf.matMul(a!, dy, false, false),
        };
      }
      return { a: () => tf.matMul(b!, dy, true, true), b: () => tf.matMul(dy, a!, true, true) };
    }),
    config(tf.Add, inputs, (dy, [a, b]) => {
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return { a: () => reduceTo(dy, a!.shape, out), b: () => reduceTo(dy, b!.shape, out) };
    }),
    config(tf.Sub, inputs, (dy, [a, b]) => {
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return {
        a: () => reduceTo(dy, a!.shape, out),
        b: () => {
          const axes = getReductionAxes(b!.shape, out);
          return tf.reshape(tf.neg(axes.length > 0 ? tf.sum(dy, axes) : dy), b!.shape);
        },
      };
    }),
    config(tf.Multiply, inputs, (dy, [a, b]) => {
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return {
        a: () => unbroadcast(tf.mul(dy, tf.cast(b!, 'float32')), a!.shape, out),
        b: () => unbroadcast(tf.mul(dy, tf.cast(a!, 'float32')), b!.shape, out),
      };
    }),
    config(tf.RealDiv, inputs, (dy, [a, b]) => {
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return {
        a: () => unbroadcast(tf.div(dy, tf.cast(b!, 'float32')), a!.shape, out),
        b: () => {
          const res = unbroadcast(tf.mul(dy, tf.cast(a!, 'float32')), b!.shape, out);
          return tf.neg(tf.div(res, tf.cast(tf.square(b!), 'float32')));
        },
      };
    }),
    config(tf.Tanh, output, (dy, [y]) => ({
      x: () => tf.mul(tf.sub(tf.scalar(1), tf.square(y!)), dy),
    })),
    config(tf.Relu, input, (dy, [x]) => ({ x: () => tf.mul(dy, tf.cast(tf.step(x!), 'float32')) })),
    config(tf.Abs, input, (dy, [x]) => ({
      x: () => tf.mul(dy, tf.step(tf.cast(x!, 'float32'), -1)),
    })),
    config(tf.Sigmoid, output, (dy, [y]) => ({
      x: () => tf.mul(dy, tf.mul(y!, tf.sub(tf.scalar(1), y!))),
    })),
    config(tf.Neg, {}, (dy) => ({ x: () => tf.neg(dy) })),
    config(tf.Exp, output, (dy, [y]) => ({ x: () => tf.mul(dy, y!) })),
    config(tf.Log1p, input, (dy, [x]) => ({ x: () => tf.div(dy, tf.add(x!, 1)) })),
    config(tf.Conv2D, { inputsToSave: ['x', 'filter'] }, (dy, [x, filter], attrs) => {
      const { dilations, strides, pad, dataFormat } = attrs as {
        dilations: number | [number, number];
        strides: number | [number, number];
        pad: unknown;
        dataFormat: string;
      };
      if (![dilations].flat().every((d) => d === 1)) {
        throw new Error(
          'Error in gradient of conv2D: dilation rates greater than 1 ' +
            `are not yet supported in gradients. Got dilations '${dilations}'`,
        );
      }
      const run = tf.engine().runKernel.bind(tf.engine());
      // As in conv2DGradConfig, the ops get no dimRoundingMode (left out here: undefined there).
      const shared = { strides, pad, dataFormat } as tf.NamedAttrMap;
      return {
        x: () =>
          run(tf.Conv2DBackpropInput, { dy, filter: filter! }, { ...shared, inputShape: x!.shape }),
        filter: () =>
          run(tf.Conv2DBackpropFilter, { x: x!, dy }, { ...shared, filterShape: filter!.shape }),
      };
    }),
    config(tf.MaxPool, { inputsToSave: ['x'], outputsToSave: [true] }, (dy, [x, y], attrs) => {
      const { filterSize, strides, pad } = attrs;
      return {
        x: () =>
          tf
            .engine()
            .runKernel(tf.MaxPoolGrad, { dy, input: x!, output: y! }, { filterSize, strides, pad }),
      };
    }),
    config(tf.Reshape, input, (dy, [x]) => ({ x: () => tf.reshape(dy, x!.shape) })),
    config(tf.Sum, input, (dy, [x], attrs) => {
      const expanded = x!.shape.slice();
      for (const axis of tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape)) {
        expanded[axis] = 1;
      }
      const derX = tf.mul(tf.reshape(dy, expanded), tf.ones(x!.shape, 'float32'));
      return { x: () => derX };
    }),
  ];
  // The recurrent rows' kernels with several outputs (dy a list) or inputs (grads by index).
  configs.push(
    {
      kernelName: tf.SplitV,
      gradFunc: (dy, _saved, attrs) => ({
        x: () => tf.concat(dy as tf.Tensor[], attrs.axis as number),
      }),
    },
    {
      kernelName: tf.Unpack,
      gradFunc: (dy, _saved, attrs) => ({
        value: () => tf.stack(dy as tf.Tensor[], attrs.axis as number),
      }),
    },
    {
      kernelName: tf.Pack,
      saveAllInputs: true,
      gradFunc: (dy, _saved, attrs) => {
        const derTensors = tf.unstack(dy as tf.Tensor, attrs.axis as number);
        return derTensors.map((t) => () => t) as unknown as Grads;
      },
    },
  );
  for (const c of configs) {
    if (tf.getGradient(c.kernelName) == null) tf.registerGradient(c);
  }
}

/**
 * Points `setWasmPaths` at the package's own dist folder (an absolute path: in Node the
 * Emscripten loader reads it with fs.readFileSync), asks for one XNNPACK thread, pins the
 * multithread flag off, then initialises the backend while recording the bytes handed to
 * `WebAssembly.instantiate`, so the binary is identified by content rather than inferred.
 *
 * How tfjs chooses (backend_wasm.js `getPathToWasmBinary`/`init`): threaded-SIMD when both
 * `WASM_HAS_SIMD_SUPPORT` and `WASM_HAS_MULTITHREAD_SUPPORT` are true, SIMD when only SIMD is,
 * plain otherwise. In Node the multithread flag already evaluates to false (tfjs issue #3830);
 * setting it explicitly keeps that true should a later tfjs change the default.
 */
export async function initWasm(): Promise<TfjsWasmInfo> {
  if (wasmInfo) return wasmInfo;
  const require = createRequire(import.meta.url);
  const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(distDir + sep);
  setThreadsCount(1);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;

  const byHash = new Map<string, string>();
  for (const name of WASM_BINARIES) byHash.set(sha256(readFileSync(join(distDir, name))), name);
  const instantiated: string[] = [];
  // Decision: wrap WebAssembly.instantiate only for the duration of the init; Emscripten looks it
  // up at call time, so this sees exactly the bytes compiled, whatever path resolution did.
  const wa = WebAssembly as unknown as { instantiate: (...args: unknown[]) => Promise<unknown> };
  const original = wa.instantiate;
  wa.instantiate = (...args: unknown[]) => {
    const source = args[0];
    if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
      instantiated.push(byHash.get(sha256(source)) ?? 'unknown binary');
    }
    return original.apply(WebAssembly, args);
  };
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to init');
    await tf.ready();
  } finally {
    wa.instantiate = original;
  }
  const module = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
  const info: TfjsWasmInfo = {
    version: tf.version_core,
    binary: instantiated.join(', ') || 'not observed (backend initialised earlier)',
    simd,
    multithread,
    threads: getThreadsCount(),
    sharedMemory: module.HEAPU8.buffer instanceof SharedArrayBuffer,
  };
  if (info.binary !== EXPECTED_BINARY || info.threads !== 1 || info.sharedMemory) {
    throw new Error(`tfjs wasm is not the single-threaded SIMD build: ${JSON.stringify(info)}`);
  }
  wasmInfo = info;
  return info;
}

function sha256(bytes: ArrayBuffer | ArrayBufferView): string {
  const view = ArrayBuffer.isView(bytes)
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
  return createHash('sha256').update(view).digest('hex');
}

/**
 * `tf.matMul` GFLOP/s on n×n operands; `tn`/`nt` transpose the first/second operand inside the
 * kernel call, as the backward pass of a dense layer does. All three forms use the same square
 * tensors, so only the transpose flags differ.
 *
 * What the wasm rows measure (tfjs-backend-wasm src/cc/batch_mat_mul_impl.cc): only nn goes to
 * XNNPACK, which caches its packed copy of `b` keyed on b's tensor id, so with the fixed `b` here
 * packing is paid once (as in inference with fixed weights); tn and nt take `slow_batch_matmul`,
 * a blocked scalar loop. In training, weights change every step, so packing recurs there.
 */
function benchMatmul(
  label: string,
  form: 'nn' | 'tn' | 'nt',
  n: number,
  options: BenchOptions,
): BenchResult {
  const rng = lcg(n * 7919 + form.charCodeAt(1));
  const a = tf.tensor2d(randomArray(n * n, rng), [n, n]);
  const b = tf.tensor2d(randomArray(n * n, rng), [n, n]);
  const transposeA = form === 'tn';
  const transposeB = form === 'nt';
  const run = (reps: number): void => {
    tf.tidy(() => {
      let c: tf.Tensor | undefined;
      for (let r = 0; r < reps; r++) {
        // Decision: free each product as soon as the next one exists, so the heap stays the
        // size of one result (the backend reuses the block) instead of growing by `reps`.
        c?.dispose();
        c = tf.matMul(a, b, transposeA, transposeB);
      }
      c!.dataSync(); // reads the last product back: all work has completed
    });
  };
  const reps = calibrate(run, options);
  const before = tf.memory().numTensors;
  const result = measure(
    'matmul',
    `${label} ${form} ${n}`,
    'GFLOP/s',
    () => {
      run(reps);
      return reps * 2 * n * n * n;
    },
    options,
    1e-9,
  );
  checkNoLeak(before, result.name);
  a.dispose();
  b.dispose();
  return result;
}

/** A multilayer perceptron benchmark: layer widths, activations, loss and data. */
interface MlpSpec {
  name: string;
  sizes: readonly number[];
  hidden: 'tanh' | 'relu';
  loss: 'sigmoid' | 'softmax';
  learningRate: number;
  /** Fills one batch: inputs [batch, sizes[0]] and targets [batch, last size]. */
  data: (rng: () => number, x: Float32Array, y: Float32Array) => void;
}

const BATCH = 32;
/** Distinct minibatches cycled through; fixed, built once, outside the timed region. */
const BATCHES = 8;

/** 2-16-16-1: XOR of the quadrant signs of points in [-1, 1]², binary cross-entropy. */
const SMALL: MlpSpec = {
  name: '2-16-16-1',
  sizes: [2, 16, 16, 1],
  hidden: 'tanh',
  loss: 'sigmoid',
  learningRate: 0.01,
  data: (rng, x, y) => {
    for (let i = 0; i < y.length; i++) {
      const u = rng() * 2 - 1;
      const v = rng() * 2 - 1;
      x[2 * i] = u;
      x[2 * i + 1] = v;
      y[i] = u * v > 0 ? 1 : 0;
    }
  },
};

/** 784-128-10: MNIST-shaped random pixels in [0, 1) and random one-hot classes. */
const MNIST: MlpSpec = {
  name: '784-128-10',
  sizes: [784, 128, 10],
  hidden: 'relu',
  loss: 'softmax',
  learningRate: 0.001,
  data: (rng, x, y) => {
    for (let i = 0; i < x.length; i++) x[i] = rng();
    for (let i = 0; i < BATCH; i++) y[i * 10 + Math.floor(rng() * 10)] = 1;
  },
};

/**
 * Training steps/s: one step is forward, backward and an Adam update on one minibatch of 32,
 * written the way the tfjs docs do it (weights as `tf.variable`, `optimizer.minimize` in
 * `tf.tidy`). Each sample ends by reading the last step's loss back with dataSync.
 */
function benchMlp(label: string, spec: MlpSpec, options: BenchOptions): BenchResult {
  const rng = lcg(spec.sizes.reduce((s, v) => s * 31 + v, 17));
  const inputs = spec.sizes[0]!;
  const outputs = spec.sizes[spec.sizes.length - 1]!;
  const batches: { x: tf.Tensor2D; y: tf.Tensor2D }[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const x = new Float32Array(BATCH * inputs);
    const y = new Float32Array(BATCH * outputs);
    spec.data(rng, x, y);
    batches.push({ x: tf.tensor2d(x, [BATCH, inputs]), y: tf.tensor2d(y, [BATCH, outputs]) });
  }
  // Glorot-uniform weights from the seeded LCG, zero biases.
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  for (let l = 0; l + 1 < spec.sizes.length; l++) {
    const fanIn = spec.sizes[l]!;
    const fanOut = spec.sizes[l + 1]!;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = randomArray(fanIn * fanOut, rng).map((v) => v * limit);
    // tf.variable copies its initial value; the tidy frees those temporaries (not variables).
    weights.push(tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, fanOut]))));
    biases.push(tf.tidy(() => tf.variable(tf.zeros([fanOut]))));
  }
  const vars = [...weights, ...biases];
  const optimizer = tf.train.adam(spec.learningRate);

  const lossOf = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => {
    let h: tf.Tensor = x;
    for (let l = 0; l < weights.length; l++) {
      h = tf.add(tf.matMul(h, weights[l]!), biases[l]!);
      if (l + 1 < weights.length) h = spec.hidden === 'tanh' ? tf.tanh(h) : tf.relu(h);
    }
    return spec.loss === 'sigmoid'
      ? tf.losses.sigmoidCrossEntropy(y, h)
      : tf.losses.softmaxCrossEntropy(y, h);
  };
  let step = 0;
  const run = (steps: number): void => {
    let loss = 0;
    for (let s = 0; s < steps; s++) {
      const { x, y } = batches[step++ % BATCHES]!;
      const last = s === steps - 1;
      const cost = tf.tidy(() => optimizer.minimize(() => lossOf(x, y), last, vars) ?? undefined);
      if (cost) {
        loss = cost.dataSync()[0]!;
        cost.dispose();
      }
    }
    if (!Number.isFinite(loss)) throw new Error(`${label} mlp ${spec.name}: loss is ${loss}`);
  };
  // Calibration also runs the first steps, which create Adam's moment variables: the tensor count
  // is only expected to be stable from then on.
  const steps = calibrate(run, options);
  const before = tf.memory().numTensors;
  const result = measure(
    'mlp',
    `${label} mlp ${spec.name}`,
    'steps/s',
    () => {
      run(steps);
      return steps;
    },
    options,
  );
  checkNoLeak(before, result.name);
  optimizer.dispose();
  for (const v of vars) v.dispose();
  for (const { x, y } of batches) {
    x.dispose();
    y.dispose();
  }
  return result;
}

/** A CNN of cnn-flops.ts as tfjs variables and a forward function, NHWC throughout. */
interface TfCnn {
  vars: tf.Variable[];
  /** Logits [batch, classes] of an NHWC batch. */
  predict: (x: tf.Tensor4D) => tf.Tensor2D;
}

/**
 * Builds `net` the way the tfjs docs' low-level examples do: weights as `tf.variable`
 * (Glorot-uniform from the seeded LCG, the Keras default; zero biases), `tf.conv2d` with the
 * padding named ('valid' for 0, 'same' for size/2), `tf.relu`, `tf.maxPool`, `tf.reshape` to
 * flatten, `tf.matMul` for the dense layer.
 */
function buildCnn(net: CnnNet, rng: () => number): TfCnn {
  const shapes = cnnShapes(net.layers);
  const vars: tf.Variable[] = [];
  const glorot = (shape: number[], fanIn: number, fanOut: number): tf.Variable => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const size = shape.reduce((a, b) => a * b, 1);
    const v = tf.tidy(() =>
      tf.variable(
        tf.tensor(
          randomArray(size, rng).map((u) => u * limit),
          shape,
        ),
      ),
    );
    vars.push(v);
    return v;
  };
  const zeros = (n: number): tf.Variable => {
    const v = tf.tidy(() => tf.variable(tf.zeros([n])));
    vars.push(v);
    return v;
  };
  type Op = (h: tf.Tensor) => tf.Tensor;
  const ops: Op[] = [];
  net.layers.forEach((layer: CnnLayer, i) => {
    const [inC, inH, inW] = shapes[i - 1] ?? [0, 0, 0];
    if (layer.type === 'conv') {
      const k = layer.size;
      const w = glorot([k, k, inC, layer.filters], k * k * inC, k * k * layer.filters);
      const b = zeros(layer.filters);
      const pad = layer.pad === 0 ? 'valid' : 2 * layer.pad === k - 1 ? 'same' : layer.pad;
      ops.push((h) => tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, w as tf.Tensor4D, 1, pad), b)));
    } else if (layer.type === 'maxpool') {
      ops.push((h) => tf.maxPool(h as tf.Tensor4D, layer.size, layer.stride, 'valid'));
    } else if (layer.type === 'dense') {
      const fanIn = inC * inH * inW;
      const w = glorot([fanIn, layer.units], fanIn, layer.units);
      const b = zeros(layer.units);
      const last = i === net.layers.length - 1;
      ops.push((h) => {
        const z = tf.add(tf.matMul(h.rank > 2 ? tf.reshape(h, [h.shape[0]!, fanIn]) : h, w), b);
        return last ? z : tf.relu(z);
      });
    }
  });
  return { vars, predict: (x) => ops.reduce((h: tf.Tensor, op) => op(h), x) as tf.Tensor2D };
}

/** `count` fixed NHWC minibatches of `net` as tensors: x [32, h, w, c], one-hot y [32, classes]. */
function cnnTensors(net: CnnNet, count: number): { x: tf.Tensor4D; y: tf.Tensor2D }[] {
  const [c, h, w] = cnnShapes(net.layers)[0]!;
  if (c !== 1) throw new Error('cnnTensors: channel-major data is NHWC only for one channel');
  return cnnBatches(net, count, 15485863 + net.layers.length).map((b) => ({
    x: tf.tensor4d(b.x, [CNN_BATCH, h, w, c]),
    y: tf.tensor2d(b.oneHot, [CNN_BATCH, net.classes]),
  }));
}

/** One training step: `optimizer.minimize` of softmax cross-entropy inside `tf.tidy`. */
function cnnStep(
  model: TfCnn,
  optimizer: tf.Optimizer,
  batch: { x: tf.Tensor4D; y: tf.Tensor2D },
  returnCost: boolean,
): tf.Scalar | undefined {
  return tf.tidy(
    () =>
      optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(batch.y, model.predict(batch.x)),
        returnCost,
        model.vars,
      ) ?? undefined,
  );
}

/** Training steps/s of `net` (Adam, lr 1e-3, batch 32), as benchMlp measures the MLPs. */
function benchCnnTraining(label: string, net: CnnNet, options: BenchOptions): BenchResult {
  const model = buildCnn(net, lcg(net.layers.length * 7 + 3));
  const batches = cnnTensors(net, BATCHES);
  const optimizer = tf.train.adam(CNN_LEARNING_RATE);
  let step = 0;
  const run = (steps: number): void => {
    let loss = 0;
    for (let s = 0; s < steps; s++) {
      const cost = cnnStep(model, optimizer, batches[step++ % BATCHES]!, s === steps - 1);
      if (cost) {
        loss = cost.dataSync()[0]!;
        cost.dispose();
      }
    }
    if (!Number.isFinite(loss)) throw new Error(`${label} cnn ${net.name}: loss is ${loss}`);
  };
  const steps = calibrate(run, options);
  const before = tf.memory().numTensors;
  const result = measure(
    'cnn',
    `${label} cnn ${net.name}`,
    'steps/s',
    () => {
      run(steps);
      return steps;
    },
    options,
  );
  checkNoLeak(before, result.name);
  optimizer.dispose();
  for (const v of model.vars) v.dispose();
  for (const { x, y } of batches) tf.dispose([x, y]);
  return result;
}

/**
 * Inference batches/s of `net`: the forward pass of a batch of 32 to its logits, read back with
 * dataSync, no gradient. The weights are fixed, so XNNPACK's packed copy of each conv filter and
 * dense matrix is cached across batches, as in real inference.
 */
function benchCnnForward(label: string, net: CnnNet, options: BenchOptions): BenchResult {
  const model = buildCnn(net, lcg(net.layers.length * 7 + 3));
  const batches = cnnTensors(net, BATCHES);
  let step = 0;
  const run = (reps: number): void => {
    let logits: tf.Tensor2D | undefined;
    for (let r = 0; r < reps; r++) {
      logits?.dispose();
      const { x } = batches[step++ % BATCHES]!;
      logits = tf.tidy(() => model.predict(x));
    }
    const first = logits!.dataSync()[0]!;
    logits!.dispose();
    if (!Number.isFinite(first)) throw new Error(`${label} cnn ${net.name}: logit is ${first}`);
  };
  const reps = calibrate(run, options);
  const before = tf.memory().numTensors;
  const result = measure(
    'cnn',
    `${label} cnn ${net.name} forward`,
    'batches/s',
    () => {
      run(reps);
      return reps;
    },
    options,
  );
  checkNoLeak(before, result.name);
  for (const v of model.vars) v.dispose();
  for (const { x, y } of batches) tf.dispose([x, y]);
  return result;
}

/**
 * A recurrent network of rnn-flops.ts as tfjs variables and a loss, written by hand with tf ops
 * the way tfjs-layers' LSTMCell/GRUCell/SimpleRNNCell and its `rnn` loop compute them (tfjs-core
 * has no layers API): the input projection of all steps in one matMul of the time-major one-hot
 * input [T·B, V], `tf.unstack` into steps, then per step `matMul(h, W_hh)`, `tf.split` into the
 * gates, `tf.sigmoid`/`tf.tanh`, the cell update; `tf.stack` of every h, one matMul for the head
 * at every step, `tf.losses.softmaxCrossEntropy` over all T·B positions. Weights are stored
 * [in, G·H] (tfjs's orientation; PyTorch's transposed), gates in PyTorch's order, both biases as
 * in PyTorch (GRU's b_hn sits inside r ⊙ (…)); uniform ±1/√H like PyTorch's init, the head
 * Glorot, biases zero.
 */
interface TfRnn {
  vars: tf.Variable[];
  /** Mean cross-entropy of time-major one-hot x, y [T·B, V]. */
  loss: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar;
}

function buildRnn(net: RnnNet, rng: () => number): TfRnn {
  const { cell, steps: T, vocab: V, hidden: H } = net;
  const G = GATES[cell] * H;
  const uniform = (shape: [number, number], limit: number): tf.Variable =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor2d(
          randomArray(shape[0] * shape[1], rng).map((u) => u * limit),
          shape,
        ),
      ),
    );
  const k = 1 / Math.sqrt(H);
  const wIh = uniform([V, G], k);
  const wHh = uniform([H, G], k);
  const bIh = tf.tidy(() => tf.variable(tf.zeros([G])));
  const bHh = tf.tidy(() => tf.variable(tf.zeros([G])));
  const wOut = uniform([H, V], Math.sqrt(6 / (H + V)));
  const bOut = tf.tidy(() => tf.variable(tf.zeros([V])));
  const vars = [wIh, wHh, bIh, bHh, wOut, bOut];

  const loss = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => {
    const B = x.shape[0] / T;
    const xs = tf.unstack(tf.reshape(tf.add(tf.matMul(x, wIh), bIh), [T, B, G]));
    let h: tf.Tensor2D = tf.zeros([B, H]);
    let c: tf.Tensor2D = tf.zeros([B, H]);
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const xt = xs[t] as tf.Tensor2D;
      const rec = tf.add(tf.matMul(h, wHh), bHh);
      if (cell === 'rnn') {
        h = tf.tanh(tf.add(xt, rec));
      } else if (cell === 'lstm') {
        const [i, f, g, o] = tf.split(tf.add(xt, rec), 4, 1);
        c = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), tf.tanh(g!)));
        h = tf.mul(tf.sigmoid(o!), tf.tanh(c));
      } else {
        const [xr, xz, xn] = tf.split(xt, 3, 1);
        const [hr, hz, hn] = tf.split(rec, 3, 1);
        const r = tf.sigmoid(tf.add(xr!, hr!));
        const z = tf.sigmoid(tf.add(xz!, hz!));
        const n = tf.tanh(tf.add(xn!, tf.mul(r, hn!)));
        h = tf.add(n, tf.mul(z, tf.sub(h, n))); // (1 − z)·n + z·h
      }
      hs.push(h);
    }
    const logits = tf.add(tf.matMul(tf.reshape(tf.stack(hs), [T * B, H]), wOut), bOut);
    return tf.losses.softmaxCrossEntropy(y, logits);
  };
  return { vars, loss };
}

/**
 * Training steps/s of a recurrent network of rnn-flops.ts (Adam, lr 1e-3, batch 32), as benchMlp
 * measures the MLPs. Sanity check on stderr: the loss of the first step and of the last, which
 * must have fallen (the token chain is learnable; see `tokenRows`), or the row throws.
 */
function benchRnnTraining(label: string, net: RnnNet, options: BenchOptions): BenchResult {
  const model = buildRnn(net, lcg(GATES[net.cell] * 7919 + net.hidden));
  const { steps: T, vocab: V } = net;
  const batches = rnnBatches(net, BATCHES, 104729 + GATES[net.cell]).map((b) => ({
    x: tf.tensor2d(b.x, [T * RNN_BATCH, V]),
    y: tf.tensor2d(b.y, [T * RNN_BATCH, V]),
  }));
  const optimizer = tf.train.adam(RNN_LEARNING_RATE);
  let step = 0;
  let first = NaN;
  let loss = NaN;
  const run = (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const { x, y } = batches[step++ % BATCHES]!;
      const read = s === steps - 1 || step === 1;
      const cost = tf.tidy(
        () => optimizer.minimize(() => model.loss(x, y), read, model.vars) ?? undefined,
      );
      if (cost) {
        loss = cost.dataSync()[0]!;
        cost.dispose();
        if (step === 1) first = loss;
      }
    }
    if (!Number.isFinite(loss)) throw new Error(`${label} ${net.cell}: loss is ${loss}`);
  };
  const steps = calibrate(run, options);
  const before = tf.memory().numTensors;
  const result = measure(
    'rnn',
    `${label} ${net.cell}`,
    'steps/s',
    () => {
      run(steps);
      return steps;
    },
    options,
  );
  checkNoLeak(before, result.name);
  console.error(
    `${result.name}: loss ${first.toFixed(3)} at step 1, ${loss.toFixed(3)} at step ${step}`,
  );
  if (!(loss < first)) throw new Error(`${result.name}: the loss did not fall, not training`);
  optimizer.dispose();
  for (const v of model.vars) v.dispose();
  for (const { x, y } of batches) tf.dispose([x, y]);
  return result;
}

/**
 * One training step of `net` on the current backend: null if it ran, else the error's message.
 * Everything it made is freed either way (tidy also unwinds on a throw).
 */
function tryCnnTraining(net: CnnNet): string | null {
  const model = buildCnn(net, lcg(net.layers.length * 7 + 3));
  const batches = cnnTensors(net, 1);
  const optimizer = tf.train.adam(CNN_LEARNING_RATE);
  try {
    const cost = cnnStep(model, optimizer, batches[0]!, true);
    cost?.dataSync();
    cost?.dispose();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    optimizer.dispose();
    for (const v of model.vars) v.dispose();
    for (const { x, y } of batches) tf.dispose([x, y]);
  }
}

export function checkNoLeak(before: number, name: string): void {
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${name}: ${after - before} tensors leaked across samples`);
}

/** Numerical Recipes LCG in [0, 1): fixed, seeded data so every run trains on the same numbers. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Uniform values in [-1, 1). */
function randomArray(length: number, rng: () => number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng() * 2 - 1;
  return out;
}
