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
  return rows.map(({ group, net, name }) => ({
    ...benchTraining(jax, group, name, net, options),
    library,
  }));
}

/** A conv or dense layer's weights; jax-js pytrees are plain objects and arrays. */
type Layer = { w: JaxArray; b: JaxArray };
type Params = Layer[];
type AdamState = { mu: Params; nu: Params; count: JaxArray };
type TrainState = { params: Params; opt: AdamState };

const BATCHES = 8;
const ADAM = { b1: 0.9, b2: 0.999, eps: 1e-8 } as const;

function benchTraining(
  jax: Jax,
  group: string,
  name: string,
  net: CnnNet,
  options: BenchOptions,
): BenchResult {
  const { jit, lax, nn, numpy: np, random, tree, valueAndGrad } = jax;
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
          .mul(-CNN_LEARNING_RATE),
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
  const run = (steps: number): void => {
    let value: JaxArray | undefined;
    for (let s = 0; s < steps; s++) {
      const { x, y } = batches[step++ % BATCHES]!;
      value?.dispose();
      [value, state] = trainStep(state, x.ref, y.ref);
    }
    const last = value!.dataSync()[0]!;
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
function packageVersion(name: string): string {
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
