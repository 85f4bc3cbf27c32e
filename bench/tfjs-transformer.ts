/**
 * TensorFlow.js reference row for the character transformer of transformer-flops.ts, on the
 * WebAssembly backend (the single-threaded SIMD binary, set up and checked by tfjs.ts's
 * `initWasm`). The model is written by hand with tf ops, as tfjs-core has no layers API and
 * tfjs-layers no transformer: `tf.matMul` for every linear (weights [in, out]) and for QKᵀ and P·V
 * on [B, heads, T, D/heads] (`tf.reshape` + `tf.transpose` of the split qkv), an added −1e9 mask
 * above the diagonal, `tf.softmax`, layer norm from `tf.moments`, GELU by its tanh formula,
 * cross-entropy from `tf.logSoftmax`; one step is `optimizer.minimize` (Adam) inside `tf.tidy`,
 * as the other tfjs rows do.
 *
 * The embedding is a matmul of the one-hot input [B·T, V] by wte [V, D], not `tf.gather`: gather's
 * gradient is an UnsortedSegmentSum, a kernel tfjs-backend-wasm 4.22 does not register, so a
 * gathered embedding cannot train on this backend. The one-hot product gives the same values and
 * gradients; the FLOP count (transformer-flops.ts) still counts the embedding as the lookup it
 * stands for, nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, measure, type BenchOptions, type BenchResult } from './harness.js';
import { checkNoLeak, initWasm, lcg, registerGradients } from './tfjs.js';
import {
  LAYER_NORM_EPS,
  TRANSFORMER_ADAM_EPS,
  TRANSFORMER_BENCH,
  TRANSFORMER_LEARNING_RATE,
  transformerBatches,
  transformerParams,
  type TransformerNet,
} from './transformer-flops.js';

/** Distinct minibatches cycled through; fixed, built once, outside the timed region. */
const BATCHES = 8;
/** Steps of the training check before timing: the loss must fall from ≈ ln V over them. */
export const CHECK_STEPS = 50;

/**
 * Row 'tfjs-wasm transformer' (group transformer, steps/s). Runs after `benchTfjs` in run.ts,
 * whose wasm set-up it reuses (or does, when run alone). Throws if a tensor outlives the row.
 */
export async function benchTfjsTransformer(options: BenchOptions): Promise<BenchResult[]> {
  tf.enableProdMode();
  registerGradients();
  registerTransformerGradients();
  const info = await initWasm();
  if (!(await tf.setBackend('wasm'))) throw new Error("tfjs backend 'wasm' failed to init");
  await tf.ready();
  const library = {
    name: '@tensorflow/tfjs-core',
    version: info.version,
    backend: `wasm (${info.binary}, ${info.threads} thread)`,
  };
  const start = tf.memory().numTensors;
  const row = benchTransformer('tfjs-wasm', TRANSFORMER_BENCH, options);
  const end = tf.memory().numTensors;
  if (end !== start) throw new Error(`${row.name}: ${end - start} tensors leaked`);
  return [{ ...row, library }];
}

/**
 * Gradients of the kernels the transformer adds to those `registerGradients` covers, ported
 * line for line from tfjs-core 4.22 (dist/gradients/*_grad.js) for the reason given there: its
 * Node bundle registers none. Existing registrations are left alone.
 */
function registerTransformerGradients(): void {
  const configs: tf.GradConfig[] = [
    {
      kernelName: tf.Transpose,
      gradFunc: (dy, _saved, attrs) => {
        const perm = attrs.perm as number[];
        const undo = perm.map((_, i) => perm.indexOf(i));
        return { x: () => tf.transpose(dy as tf.Tensor, undo) };
      },
    },
    {
      kernelName: tf.Softmax,
      outputsToSave: [true],
      gradFunc: (dy, [y], attrs) => {
        const dyTimesY = tf.mul(dy as tf.Tensor, y!);
        return {
          logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [attrs.dim as number], true), y!)),
        };
      },
    },
    {
      kernelName: tf.Mean,
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape);
        const reduceSize = axes.reduce((n, a) => n * x!.shape[a]!, 1);
        const expanded = x!.shape.slice();
        for (const axis of axes) expanded[axis] = 1;
        return {
          x: () =>
            tf.div(
              tf.mul(tf.reshape(dy as tf.Tensor, expanded), tf.ones(x!.shape, 'float32')),
              reduceSize,
            ),
        };
      },
    },
    {
      kernelName: tf.Square,
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({
        x: () => tf.mul(dy as tf.Tensor, tf.mul(tf.cast(x!, 'float32'), 2)),
      }),
    },
    { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => (dy as tf.Tensor).clone() }) },
    {
      kernelName: tf.Rsqrt,
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({
        x: () => tf.neg(tf.div(dy as tf.Tensor, tf.mul(tf.pow(x!, 1.5), 2))),
      }),
    },
  ];
  for (const c of configs) {
    if (tf.getGradient(c.kernelName) == null) tf.registerGradient(c);
  }
}

/** The transformer as tfjs variables (and its constant mask), with the loss of a minibatch. */
interface TfTransformer {
  vars: tf.Variable[];
  /** Mean next-token cross-entropy of one-hot x, y [B·T, V], batch-major. */
  loss: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar;
  dispose: () => void;
}

function buildTransformer(net: TransformerNet, rng: () => number): TfTransformer {
  const { vocab: V, steps: T, width: D, heads: H, blocks, mlpRatio } = net;
  const hd = D / H;
  const vars: tf.Variable[] = [];
  const keep = (make: () => tf.Tensor): tf.Variable => {
    const v = tf.tidy(() => tf.variable(make()));
    vars.push(v);
    return v;
  };
  /** normal(0, std) by Box–Muller from the seeded LCG. */
  const normal = (shape: number[], std: number): tf.Variable => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const u = 1 - rng();
      values[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
    }
    return keep(() => tf.tensor(values, shape));
  };
  const zeros = (n: number): tf.Variable => keep(() => tf.zeros([n]));
  const ones = (n: number): tf.Variable => keep(() => tf.ones([n]));
  const residualStd = 0.02 / Math.sqrt(2 * blocks);

  const wte = normal([V, D], 0.02);
  const wpe = normal([T, D], 0.02);
  const layers = Array.from({ length: blocks }, () => ({
    ln1: { g: ones(D), b: zeros(D) },
    qkv: { w: normal([D, 3 * D], 0.02), b: zeros(3 * D) },
    proj: { w: normal([D, D], residualStd), b: zeros(D) },
    ln2: { g: ones(D), b: zeros(D) },
    fc: { w: normal([D, mlpRatio * D], 0.02), b: zeros(mlpRatio * D) },
    fcProj: { w: normal([mlpRatio * D, D], residualStd), b: zeros(D) },
  }));
  const lnF = { g: ones(D), b: zeros(D) };
  const head = { w: normal([D, V], 0.02), b: zeros(V) };
  // 0 on and below the diagonal, −1e9 above: added to the scores, it zeroes the future's weights.
  const maskValues = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskValues[i * T + j] = -1e9;
  const mask = tf.tensor2d(maskValues, [T, T]);

  type Linear = { w: tf.Tensor; b: tf.Tensor };
  type Norm = { g: tf.Tensor; b: tf.Tensor };
  const linear = (x: tf.Tensor, { w, b }: Linear): tf.Tensor => tf.add(tf.matMul(x, w), b);
  const layerNorm = (x: tf.Tensor, { g, b }: Norm): tf.Tensor => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(
      tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPS))), g),
      b,
    );
  };
  const c = Math.sqrt(2 / Math.PI);
  const gelu = (x: tf.Tensor): tf.Tensor =>
    tf.mul(
      tf.mul(x, 0.5),
      tf.add(tf.tanh(tf.mul(tf.add(x, tf.mul(tf.mul(x, tf.mul(x, x)), 0.044715)), c)), 1),
    );
  const scale = 1 / Math.sqrt(hd);

  const loss = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => {
    const B = x.shape[0] / T;
    /** [B·T, D] → [B, heads, T, D/heads]. */
    const split = (t: tf.Tensor): tf.Tensor =>
      tf.transpose(tf.reshape(t, [B, T, H, hd]), [0, 2, 1, 3]);
    const attention = (h: tf.Tensor, layer: (typeof layers)[number]): tf.Tensor => {
      const [q, k, v] = tf.split(linear(h, layer.qkv), 3, 1);
      const scores = tf.add(tf.mul(tf.matMul(split(q!), split(k!), false, true), scale), mask);
      const out = tf.matMul(tf.softmax(scores), split(v!));
      return linear(tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B * T, D]), layer.proj);
    };
    let h = tf.reshape(tf.add(tf.reshape(tf.matMul(x, wte), [B, T, D]), wpe), [B * T, D]);
    for (const layer of layers) {
      h = tf.add(h, attention(layerNorm(h, layer.ln1), layer));
      h = tf.add(h, linear(gelu(linear(layerNorm(h, layer.ln2), layer.fc)), layer.fcProj));
    }
    const logits = linear(layerNorm(h, lnF), head);
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1)));
  };
  return {
    vars,
    loss,
    dispose: () => {
      for (const v of vars) v.dispose();
      mask.dispose();
    },
  };
}

/**
 * Training steps/s of the transformer (Adam, lr 1e-3, ε 1e-8, batch 16), timed as the recurrent
 * rows are. First the parameter count is checked against transformer-flops.ts, and `CHECK_STEPS`
 * steps are run from the fresh model: the loss of the first must be ≈ ln V and that of the last
 * lower (printed to stderr), or the row throws. Those steps are also the warm-up.
 */
function benchTransformer(label: string, net: TransformerNet, options: BenchOptions): BenchResult {
  const name = `${label} transformer`;
  const model = buildTransformer(net, lcg(net.width * 7919 + net.blocks));
  const params = model.vars.reduce((n, v) => n + v.size, 0);
  if (params !== transformerParams(net)) {
    throw new Error(`${name}: ${params} parameters, expected ${transformerParams(net)}`);
  }
  const { steps: T, vocab: V, batch: B } = net;
  const batches = transformerBatches(net, BATCHES, 7 * 104729).map((b) => ({
    x: tf.tensor2d(b.x, [B * T, V]),
    y: tf.tensor2d(b.y, [B * T, V]),
  }));
  const optimizer = tf.train.adam(TRANSFORMER_LEARNING_RATE, 0.9, 0.999, TRANSFORMER_ADAM_EPS);
  let step = 0;
  let loss = NaN;
  const run = (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const { x, y } = batches[step++ % BATCHES]!;
      const read = s === steps - 1;
      const cost = tf.tidy(
        () => optimizer.minimize(() => model.loss(x, y), read, model.vars) ?? undefined,
      );
      if (cost) {
        loss = cost.dataSync()[0]!;
        cost.dispose();
      }
    }
    if (!Number.isFinite(loss)) throw new Error(`${name}: loss is ${loss}`);
  };
  run(1);
  const first = loss;
  run(CHECK_STEPS - 1);
  console.error(
    `${name}: ${params} parameters; loss ${first.toFixed(3)} at step 1, ` +
      `${loss.toFixed(3)} at step ${CHECK_STEPS} (ln ${V} = ${Math.log(V).toFixed(3)})`,
  );
  if (Math.abs(first - Math.log(V)) > 0.25) {
    throw new Error(`${name}: first loss ${first}, expected ≈ ln ${V} from a fresh model`);
  }
  if (!(loss < first)) throw new Error(`${name}: the loss did not fall, not training`);

  const steps = calibrate(run, options);
  const before = tf.memory().numTensors;
  const result = measure(
    'transformer',
    name,
    'steps/s',
    () => {
      run(steps);
      return steps;
    },
    options,
  );
  checkNoLeak(before, result.name);
  optimizer.dispose();
  model.dispose();
  for (const { x, y } of batches) tf.dispose([x, y]);
  return result;
}
