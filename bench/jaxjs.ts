/**
 * jax-js (`@jax-js/jax`) reference rows: MLP 784-128-10 and the two CNNs of cnn-flops.ts, trained
 * the way a JAX user writes it: parameters as a pytree, `lax.convGeneralDilated`,
 * `lax.reduceWindow` for max pooling, `nn.logSoftmax` cross-entropy, and one `jit` of the whole
 * step (`valueAndGrad` of the loss, then an optax-style Adam update) called once per minibatch.
 *
 * Backend: jax-js's `wasm` device (kernels it generates as WebAssembly SIMD), on this thread. Its
 * worker pool needs a global `Worker`, which Node does not have, so every kernel runs on the
 * calling thread; `benchJaxjs` checks that rather than assuming it. jax-js's optimizers live in
 * `@jax-js/optax`, which the npm registry does not serve (404), so Adam is written here with
 * jax-js array ops, as optax's `scale_by_adam` defines it.
 *
 * jax-js is lazy: arrays hold pending kernels until something reads them. Each timed sample
 * therefore ends by reading back the last loss and every leaf of the new parameters and Adam
 * state, so all the work of all its steps has run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Array as JaxArray } from '@jax-js/jax';
import {
  CNN28,
  CNN8,
  CNN_BATCH,
  CNN_LEARNING_RATE,
  MLP784,
  cnnBatches,
  cnnShapes,
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
import { calibrate, measure, type BenchOptions, type BenchResult } from './harness.js';

type Jax = typeof import('@jax-js/jax');

/** What jax-js ran on, checked at run time. */
export interface JaxjsInfo {
  /** `@jax-js/jax` version as installed, e.g. `0.1.25`. */
  version: string;
  /** Device every array of the rows lives on (`defaultDevice()` after `init('wasm')`). */
  device: string;
  /** Worker threads of its wasm backend: 0, since Node has no global `Worker`. */
  workers: number;
  /** Whether this V8 validates relaxed-SIMD (jax-js then emits `f32x4.relaxed_madd` in matmuls). */
  relaxedSimd: boolean;
}

let info: JaxjsInfo | undefined;

/** jax-js's loading record, once `benchJaxjs` has run (for the report). */
export function jaxjsInfo(): JaxjsInfo | undefined {
  return info;
}

/**
 * Rows 'jax-js mlp 784-128-10' (group mlp) and 'jax-js cnn 8x8', 'jax-js cnn 28x28' (group cnn),
 * steps/s. jax-js is imported here, not at the top of run.ts, so that nothing of it is in the
 * process before its turn.
 */
export async function benchJaxjs(options: BenchOptions): Promise<BenchResult[]> {
  const jax: Jax = await import('@jax-js/jax');
  // init() with no argument also tries WebGPU, whose probe reads `navigator.gpu`; Node 20 has no
  // `navigator`, and that throws "ReferenceError: navigator is not defined". Ask for wasm only.
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (${devices.join(', ')})`);
  jax.defaultDevice('wasm');
  // Decision: the rows must be one thread, like every other row. jax-js starts a worker pool of
  // navigator.hardwareConcurrency threads when `Worker` and SharedArrayBuffer exist (as in a
  // cross-origin-isolated page); Node has no global Worker, so none starts.
  if (typeof (globalThis as { Worker?: unknown }).Worker !== 'undefined') {
    throw new Error('jax-js: a global Worker exists, so its wasm backend would run multithreaded');
  }
  info = {
    version: packageVersion('@jax-js/jax'),
    device: jax.defaultDevice(),
    workers: 0,
    relaxedSimd: WebAssembly.validate(RELAXED_MADD_PROBE),
  };
  console.log(
    `jax-js ${info.version}: device=${info.device}, workers=${info.workers}, ` +
      `relaxedSimd=${info.relaxedSimd}`,
  );
  const library = {
    name: '@jax-js/jax',
    version: info.version,
    backend: `${info.device} (generated wasm SIMD kernels, 1 thread)`,
  };
  const rows = [
    { group: 'mlp', net: MLP784, name: 'jax-js mlp 784-128-10' },
    { group: 'cnn', net: CNN8, name: 'jax-js cnn 8x8' },
    { group: 'cnn', net: CNN28, name: 'jax-js cnn 28x28' },
  ];
  const results = rows.map(({ group, net, name }) => ({
    ...benchTraining(jax, group, name, net, options),
    library,
  }));
  // The recurrent rows after the existing ones, so those run exactly as before.
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    results.push({ ...benchRnnTraining(jax, `jax-js ${cell}`, rnnNet(cell), options), library });
  }
  return results;
}

/** A conv or dense layer's weights; jax-js pytrees are plain objects and arrays. */
type Layer = { w: JaxArray; b: JaxArray };
type Params = Layer[];
type AdamState = { mu: Params; nu: Params; count: JaxArray };
type TrainState = { params: Params; opt: AdamState };

const BATCHES = 8;
const ADAM = { b1: 0.9, b2: 0.999, eps: 1e-8 } as const;
// Every training row here, CNN and recurrent, uses the same Adam step size.
const LEARNING_RATE = CNN_LEARNING_RATE;
if (RNN_LEARNING_RATE !== LEARNING_RATE) throw new Error('jax-js: one learning rate for every row');

function benchTraining(
  jax: Jax,
  group: string,
  name: string,
  net: CnnNet,
  options: BenchOptions,
): BenchResult {
  const { lax, nn, numpy: np, random } = jax;
  const shapes = cnnShapes(net.layers);
  const spatial = net.layers.some((l) => l.type === 'conv');
  const [c, h, w] = shapes[0]!;
  const xShape = spatial ? [CNN_BATCH, c, h, w] : [CNN_BATCH, c * h * w];
  const batches = cnnBatches(net, BATCHES, 7919 + net.layers.length).map((b) => ({
    x: np.array(b.x, { shape: xShape }),
    y: np.array(b.oneHot, { shape: [CNN_BATCH, net.classes] }),
  }));

  // Weights uniform in ±1/√fan-in from jax-js's own PRNG (as its MNIST demo does), zero biases.
  const weighted = net.layers.flatMap((layer, i) =>
    layer.type === 'conv' || layer.type === 'dense' ? [{ layer, i }] : [],
  );
  const keys = [...random.split(random.key(net.layers.length), weighted.length)];
  const params: Params = weighted.map(({ layer, i }, l) => {
    const [inC, inH, inW] = shapes[i - 1]!;
    const fanIn = layer.type === 'conv' ? inC * layer.size * layer.size : inC * inH * inW;
    const limit = 1 / Math.sqrt(fanIn);
    const wShape =
      layer.type === 'conv' ? [layer.filters, inC, layer.size, layer.size] : [fanIn, layer.units];
    const bShape = layer.type === 'conv' ? [layer.filters, 1, 1] : [layer.units];
    return {
      w: random.uniform(keys[l]!, wShape, { minval: -limit, maxval: limit }),
      b: np.zeros(bShape),
    };
  });

  /** Logits [batch, classes]; NCHW activations, OIHW kernels (jax-js's conv layout). */
  const predict = (p: Params, x: JaxArray): JaxArray => {
    let a = x;
    let l = 0;
    for (const layer of net.layers) {
      if (layer.type === 'conv') {
        const { w, b } = p[l++]!;
        const pad: [number, number][] = [
          [layer.pad, layer.pad],
          [layer.pad, layer.pad],
        ];
        a = nn.relu(lax.convGeneralDilated(a, w, [1, 1], pad).add(b));
      } else if (layer.type === 'maxpool') {
        a = lax.reduceWindow(a, np.max, [layer.size, layer.size], [layer.stride, layer.stride]);
      } else if (layer.type === 'dense') {
        const { w, b } = p[l++]!;
        if (a.ndim > 2) a = a.reshape([a.shape[0]!, -1]);
        a = np.dot(a, w).add(b);
        if (l < p.length) a = nn.relu(a);
      }
    }
    return a;
  };
  /** Mean softmax cross-entropy against one-hot rows. */
  const loss = (p: Params, x: JaxArray, y: JaxArray): JaxArray =>
    nn
      .logSoftmax(predict(p, x))
      .mul(y)
      .sum()
      .mul(-1 / CNN_BATCH);

  return timeTraining(jax, group, name, params, loss, batches, options, false);
}

/**
 * A recurrent network of rnn-flops.ts trained like the CNNs: parameters [W_ih, b_ih], [W_hh,
 * b_hh], [W_out, b_out] as a pytree (weights [in, G·H], gates in PyTorch's order, both biases as
 * in PyTorch), uniform ±1/√H from jax-js's PRNG (the head ±1/√H too), zero biases. The loss is
 * what `jax.nn`-style code without flax writes: the input projection of all steps in one
 * `np.dot` of the time-major one-hot input, `np.unstack` into steps, a loop over the T steps
 * (jax-js has no `lax.scan`; under `jit` the loop is traced once, unrolled, as a Python loop
 * would be) with `np.dot(h, W_hh)`, `np.split` into gates, `nn.sigmoid` / `np.tanh`; `np.stack`
 * of every h, the head at every position, `nn.logSoftmax` cross-entropy averaged over T·B.
 */
function benchRnnTraining(jax: Jax, name: string, net: RnnNet, options: BenchOptions): BenchResult {
  const { nn, numpy: np, random } = jax;
  const { cell, steps: T, vocab: V, hidden: H } = net;
  const G = GATES[cell] * H;
  const B = RNN_BATCH;
  const batches = rnnBatches(net, BATCHES, 1299709 + GATES[cell]).map((b) => ({
    x: np.array(b.x, { shape: [T * B, V] }),
    y: np.array(b.y, { shape: [T * B, V] }),
  }));
  const keys = [...random.split(random.key(GATES[cell] + 17), 3)];
  const limit = 1 / Math.sqrt(H);
  const uniform = (key: JaxArray, shape: number[]): JaxArray =>
    random.uniform(key, shape, { minval: -limit, maxval: limit });
  const params: Params = [
    { w: uniform(keys[0]!, [V, G]), b: np.zeros([G]) },
    { w: uniform(keys[1]!, [H, G]), b: np.zeros([G]) },
    { w: uniform(keys[2]!, [H, V]), b: np.zeros([V]) },
  ];

  const loss = (p: Params, x: JaxArray, y: JaxArray): JaxArray => {
    const [ih, hh, out] = p as [Layer, Layer, Layer];
    const xs = np.unstack(np.dot(x, ih.w).add(ih.b).reshape([T, B, G]), 0);
    const hs: JaxArray[] = [];
    let c = cell === 'lstm' ? np.zeros([B, H]) : undefined;
    for (let t = 0; t < T; t++) {
      const hPrev = t > 0 ? hs[t - 1]!.ref : np.zeros([B, H]);
      const xt = xs[t]!;
      if (cell === 'gru') {
        const rec = np.dot(hPrev.ref, hh.w.ref).add(hh.b.ref);
        const [xr, xz, xn] = np.split(xt, 3, 1) as [JaxArray, JaxArray, JaxArray];
        const [hr, hz, hn] = np.split(rec, 3, 1) as [JaxArray, JaxArray, JaxArray];
        const r = nn.sigmoid(xr.add(hr));
        const z = nn.sigmoid(xz.add(hz));
        const n = np.tanh(xn.add(r.mul(hn)));
        hs.push(n.ref.add(z.mul(hPrev.sub(n)))); // (1 − z)·n + z·h
      } else {
        const pre = xt.add(np.dot(hPrev, hh.w.ref).add(hh.b.ref));
        if (cell === 'rnn') {
          hs.push(np.tanh(pre));
        } else {
          const [i, f, g, o] = np.split(pre, 4, 1) as [JaxArray, JaxArray, JaxArray, JaxArray];
          c = nn
            .sigmoid(f)
            .mul(c!)
            .add(nn.sigmoid(i).mul(np.tanh(g)));
          hs.push(nn.sigmoid(o).mul(np.tanh(c.ref)));
        }
      }
    }
    c?.dispose();
    hh.w.dispose();
    hh.b.dispose();
    const logits = np.dot(np.stack(hs).reshape([T * B, H]), out.w).add(out.b);
    return nn
      .logSoftmax(logits)
      .mul(y)
      .sum()
      .mul(-1 / (T * B));
  };
  return timeTraining(jax, 'rnn', name, params, loss, batches, options, true);
}

/**
 * One `jit` of the whole step (`valueAndGrad` of `loss`, then Adam) timed over `batches` in
 * turn, as the module comment describes. With `mustLearn`, the loss of the first step and of the
 * last go to stderr and the last must be lower (the recurrent rows' data is learnable), or it
 * throws.
 */
function timeTraining(
  jax: Jax,
  group: string,
  name: string,
  params: Params,
  loss: (p: Params, x: JaxArray, y: JaxArray) => JaxArray,
  batches: { x: JaxArray; y: JaxArray }[],
  options: BenchOptions,
  mustLearn: boolean,
): BenchResult {
  const { jit, numpy: np, tree, valueAndGrad } = jax;
  const adamInit = (p: Params): AdamState => ({
    mu: tree.map((v: JaxArray) => np.zerosLike(v), tree.ref(p)),
    nu: tree.map((v: JaxArray) => np.zerosLike(v), tree.ref(p)),
    count: np.array(0),
  });
  /** optax.scale_by_adam then scale(-lr): returns the updates and the next state. */
  const adamUpdate = (grads: Params, state: AdamState): [Params, AdamState] => {
    const { b1, b2, eps } = ADAM;
    const count = state.count.add(1);
    const c1 = np.power(b1, count.ref).mul(-1).add(1); // 1 - b1^t
    const c2 = np.power(b2, count.ref).mul(-1).add(1); // 1 - b2^t
    const mu = tree.map(
      (m: JaxArray, g: JaxArray) => m.mul(b1).add(g.mul(1 - b1)),
      state.mu,
      tree.ref(grads),
    );
    const nu = tree.map(
      (v: JaxArray, g: JaxArray) => v.mul(b2).add(np.square(g).mul(1 - b2)),
      state.nu,
      grads,
    );
    const updates = tree.map(
      (m: JaxArray, v: JaxArray) =>
        m
          .div(c1.ref)
          .div(np.sqrt(v.div(c2.ref)).add(eps))
          .mul(-LEARNING_RATE),
      tree.ref(mu),
      tree.ref(nu),
    );
    c1.dispose();
    c2.dispose();
    return [updates, { mu, nu, count }];
  };

  const trainStep = jit((s: TrainState, x: JaxArray, y: JaxArray): [JaxArray, TrainState] => {
    const [value, grads] = valueAndGrad(loss)(tree.ref(s.params), x, y);
    const [updates, opt] = adamUpdate(grads, s.opt);
    const next = tree.map((p: JaxArray, u: JaxArray) => p.add(u), s.params, updates);
    return [value, { params: next, opt }];
  });

  let state: TrainState = { params, opt: adamInit(params) };
  let step = 0;
  let first = NaN;
  let last = NaN;
  const run = (steps: number): void => {
    let value: JaxArray | undefined;
    for (let s = 0; s < steps; s++) {
      const { x, y } = batches[step++ % BATCHES]!;
      value?.dispose();
      [value, state] = trainStep(state, x.ref, y.ref);
    }
    last = value!.dataSync()[0]!;
    if (Number.isNaN(first)) first = last; // calibrate's first call runs one step
    // Reading the loss runs the forward passes; the final update is only done once its outputs
    // are read too (a copy of ~1 MB for the MLP, ≈ 0.3 ms, charged to the sample).
    for (const leaf of tree.leaves(state)) leaf.ref.dataSync();
    if (!Number.isFinite(last)) throw new Error(`${name}: loss is ${last}`);
  };
  const steps = calibrate(run, options);
  const result = measure(
    group,
    name,
    'steps/s',
    () => {
      run(steps);
      return steps;
    },
    options,
  );
  // Every array the rows hold is still owned once, by this function: a stray `.ref` would show.
  const owned = [...tree.leaves(state), ...batches.flatMap((b) => [b.x, b.y])];
  const extra = owned.filter((a) => a.refCount !== 1).length;
  if (extra > 0) throw new Error(`${name}: ${extra} arrays with more than one reference`);
  if (mustLearn) {
    console.error(
      `${name}: loss ${first.toFixed(3)} at step 1, ${last.toFixed(3)} at step ${step}`,
    );
    if (!(last < first)) throw new Error(`${name}: the loss did not fall, not training`);
  }
  tree.dispose(state);
  for (const b of batches) tree.dispose([b.x, b.y]);
  trainStep.dispose();
  return result;
}

/**
 * The smallest module using `f32x4.relaxed_madd` (one function (v128, v128, v128) → v128);
 * `WebAssembly.validate` accepts it only where relaxed SIMD is on (by default from V8 11.4, so not
 * in Node 20).
 */
const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b,
  0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20,
  0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

/** Version from the installed package.json (not exported by the package: found beside main). */
export function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
