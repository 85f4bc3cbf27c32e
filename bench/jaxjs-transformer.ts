/**
 * jax-js reference row for the character transformer of transformer-flops.ts, trained as
 * jaxjs.ts trains the CNNs and recurrent networks: parameters as a pytree, the loss in what
 * `jax.nn`-style code without flax writes — the token embedding as a product of the one-hot
 * input [B·T, V] by wte (see below), `nn.standardize`
 * for layer norm (ε 1e-5) times the gain plus the bias, `np.dot` for every linear (weights
 * [in, out]), attention as `nn.dotProductAttention` computes it but written out — `np.matmul`
 * of [B, heads, T, D/heads] by the transposed keys (full T×T scores), the future selected out to
 * −∞ by `np.where` over `np.tri`, `nn.softmax`, `np.matmul` by the values — `nn.gelu` (tanh approximation, its
 * default), `nn.logSoftmax` cross-entropy averaged over B·T — and one `jit` of the whole step
 * (`valueAndGrad` of the loss, then Adam as optax's `scale_by_adam`, ε 1e-8) per minibatch, on
 * the wasm device, one thread (see jaxjs.ts).
 *
 * Not `nn.dotProductAttention` itself: it goes through `np.einsum`, whose expression parser in
 * jax-js 0.1.25 maps over a `matchAll` iterator (an ES2025 iterator helper), which Node 20 does
 * not have ("matchAll(...).map is not a function"). And not `np.take(wte, ids, 0)` for the
 * embedding: its gradient is a scatter, which jax-js 0.1.25 cannot `jit` ("routine primitive
 * scatter input is not imm"); the one-hot product gives the same values and gradients, and the
 * FLOP count (transformer-flops.ts) counts the embedding as the lookup it stands for, nothing.
 */
import type { Array as JaxArray } from '@jax-js/jax';
import { calibrate, measure, type BenchOptions, type BenchResult } from './harness.js';
import { packageVersion } from './jaxjs.js';
import {
  LAYER_NORM_EPS,
  TRANSFORMER_ADAM_EPS,
  TRANSFORMER_BENCH,
  TRANSFORMER_LEARNING_RATE,
  transformerBatches,
  transformerParams,
  type TransformerNet,
} from './transformer-flops.js';

type Jax = typeof import('@jax-js/jax');

type Linear = { w: JaxArray; b: JaxArray };
type Norm = { g: JaxArray; b: JaxArray };
type Block = { ln1: Norm; qkv: Linear; proj: Linear; ln2: Norm; fc: Linear; fcProj: Linear };
type Params = { wte: JaxArray; wpe: JaxArray; blocks: Block[]; lnF: Norm; head: Linear };
type AdamState = { mu: Params; nu: Params; count: JaxArray };
type TrainState = { params: Params; opt: AdamState };

const BATCHES = 8;
/** Steps of the training check before timing: the loss must fall from ≈ ln V over them. */
const CHECK_STEPS = 50;
const ADAM = { b1: 0.9, b2: 0.999, eps: TRANSFORMER_ADAM_EPS } as const;

/**
 * Row 'jax-js transformer' (group transformer, steps/s). jax-js is imported here, as in
 * jaxjs.ts; `init('wasm')` again is harmless after `benchJaxjs` and needed when run alone.
 */
export async function benchJaxjsTransformer(options: BenchOptions): Promise<BenchResult[]> {
  const jax: Jax = await import('@jax-js/jax');
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (${devices.join(', ')})`);
  jax.defaultDevice('wasm');
  if (typeof (globalThis as { Worker?: unknown }).Worker !== 'undefined') {
    throw new Error('jax-js: a global Worker exists, so its wasm backend would run multithreaded');
  }
  const library = {
    name: '@jax-js/jax',
    version: packageVersion('@jax-js/jax'),
    backend: `${jax.defaultDevice()} (generated wasm SIMD kernels, 1 thread)`,
  };
  return [{ ...benchTransformer(jax, 'jax-js transformer', TRANSFORMER_BENCH, options), library }];
}

function benchTransformer(
  jax: Jax,
  name: string,
  net: TransformerNet,
  options: BenchOptions,
): BenchResult {
  const { jit, nn, numpy: np, random, tree, valueAndGrad } = jax;
  const { vocab: V, steps: T, width: D, heads: H, blocks, mlpRatio, batch: B } = net;
  const hd = D / H;
  const batches = transformerBatches(net, BATCHES, 11 * 104729).map((b) => ({
    x: np.array(b.x, { shape: [B * T, V] }),
    y: np.array(b.y, { shape: [B * T, V] }),
  }));

  // nanoGPT's initialisation (see transformer-flops.ts) from jax-js's PRNG.
  const keys = [...random.split(random.key(net.width + net.blocks), 2 + 4 * blocks + 1)];
  let next = 0;
  const normal = (shape: number[], std: number): JaxArray =>
    random.normal(keys[next++]!, shape).mul(std);
  const norm = (): Norm => ({ g: np.ones([D]), b: np.zeros([D]) });
  const residualStd = 0.02 / Math.sqrt(2 * blocks);
  const params: Params = {
    wte: normal([V, D], 0.02),
    wpe: normal([T, D], 0.02),
    blocks: Array.from({ length: blocks }, () => ({
      ln1: norm(),
      qkv: { w: normal([D, 3 * D], 0.02), b: np.zeros([3 * D]) },
      proj: { w: normal([D, D], residualStd), b: np.zeros([D]) },
      ln2: norm(),
      fc: { w: normal([D, mlpRatio * D], 0.02), b: np.zeros([mlpRatio * D]) },
      fcProj: { w: normal([mlpRatio * D, D], residualStd), b: np.zeros([D]) },
    })),
    lnF: norm(),
    head: { w: normal([D, V], 0.02), b: np.zeros([V]) },
  };
  const count = tree.leaves(params).reduce((n, leaf) => n + leaf.size, 0);
  if (count !== transformerParams(net)) {
    throw new Error(`${name}: ${count} parameters, expected ${transformerParams(net)}`);
  }

  // Every array argument is consumed (jax-js's ownership rule): `.ref` where one is used twice.
  const linear = (x: JaxArray, { w, b }: Linear): JaxArray => np.dot(x, w).add(b);
  const layerNorm = (x: JaxArray, { g, b }: Norm): JaxArray =>
    nn.standardize(x, -1, { epsilon: LAYER_NORM_EPS }).mul(g).add(b);
  const scale = 1 / Math.sqrt(hd);
  /** [B·T, D] → [B, heads, T, D/heads]. */
  const heads = (t: JaxArray): JaxArray => np.transpose(t.reshape([B, T, H, hd]), [0, 2, 1, 3]);
  const attention = (x: JaxArray, block: Block): JaxArray => {
    const [q, k, v] = np.split(linear(x, block.qkv), 3, 1) as [JaxArray, JaxArray, JaxArray];
    const scores = np.matmul(heads(q), np.matrixTranspose(heads(k))).mul(scale);
    const causal = np.where(np.tri(T, T, 0, { dtype: np.bool }), scores, -Infinity);
    const out = np.matmul(nn.softmax(causal, -1), heads(v));
    return linear(np.transpose(out, [0, 2, 1, 3]).reshape([B * T, D]), block.proj);
  };
  const loss = (p: Params, x: JaxArray, y: JaxArray): JaxArray => {
    let h = np
      .dot(x, p.wte)
      .reshape([B, T, D])
      .add(p.wpe)
      .reshape([B * T, D]);
    for (const block of p.blocks) {
      h = h.ref.add(attention(layerNorm(h, block.ln1), block));
      h = h.ref.add(linear(nn.gelu(linear(layerNorm(h, block.ln2), block.fc)), block.fcProj));
    }
    const logits = linear(layerNorm(h, p.lnF), p.head);
    return nn
      .logSoftmax(logits)
      .mul(y)
      .sum()
      .mul(-1 / (B * T));
  };

  const adamInit = (p: Params): AdamState => ({
    mu: tree.map((v: JaxArray) => np.zerosLike(v), tree.ref(p)),
    nu: tree.map((v: JaxArray) => np.zerosLike(v), tree.ref(p)),
    count: np.array(0),
  });
  /** optax.scale_by_adam then scale(-lr), as in jaxjs.ts. */
  const adamUpdate = (grads: Params, state: AdamState): [Params, AdamState] => {
    const { b1, b2, eps } = ADAM;
    const step = state.count.add(1);
    const c1 = np.power(b1, step.ref).mul(-1).add(1); // 1 - b1^t
    const c2 = np.power(b2, step.ref).mul(-1).add(1); // 1 - b2^t
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
          .mul(-TRANSFORMER_LEARNING_RATE),
      tree.ref(mu),
      tree.ref(nu),
    );
    c1.dispose();
    c2.dispose();
    return [updates, { mu, nu, count: step }];
  };
  const trainStep = jit((s: TrainState, x: JaxArray, y: JaxArray): [JaxArray, TrainState] => {
    const [value, grads] = valueAndGrad(loss)(tree.ref(s.params), x, y);
    const [updates, opt] = adamUpdate(grads, s.opt);
    const params = tree.map((p: JaxArray, u: JaxArray) => p.add(u), s.params, updates);
    return [value, { params, opt }];
  });

  let state: TrainState = { params, opt: adamInit(params) };
  let step = 0;
  let last = NaN;
  const run = (steps: number): void => {
    let value: JaxArray | undefined;
    for (let s = 0; s < steps; s++) {
      const { x, y } = batches[step++ % BATCHES]!;
      value?.dispose();
      [value, state] = trainStep(state, x.ref, y.ref);
    }
    last = value!.dataSync()[0]!;
    // Reading the loss runs the forward passes; the last update runs once its outputs are read.
    for (const leaf of tree.leaves(state)) leaf.ref.dataSync();
    if (!Number.isFinite(last)) throw new Error(`${name}: loss is ${last}`);
  };
  // The training check (also the warm-up and the jit's compilation): step 1, then the rest.
  run(1);
  const first = last;
  run(CHECK_STEPS - 1);
  console.error(
    `${name}: ${count} parameters; loss ${first.toFixed(3)} at step 1, ` +
      `${last.toFixed(3)} at step ${CHECK_STEPS} (ln ${V} = ${Math.log(V).toFixed(3)})`,
  );
  if (Math.abs(first - Math.log(V)) > 0.25) {
    throw new Error(`${name}: first loss ${first}, expected ≈ ln ${V} from a fresh model`);
  }
  if (!(last < first)) throw new Error(`${name}: the loss did not fall, not training`);

  const steps = calibrate(run, options);
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
  const owned = [...tree.leaves(state), ...batches.flatMap((b) => [b.x, b.y])];
  const extra = owned.filter((a) => a.refCount !== 1).length;
  if (extra > 0) throw new Error(`${name}: ${extra} arrays with more than one reference`);
  tree.dispose(state);
  for (const b of batches) tree.dispose([b.x, b.y]);
  trainStep.dispose();
  return result;
}
