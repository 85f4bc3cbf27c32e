/**
 * The convolutional networks of the benchmark, as plain data that every library's rows build
 * from (peers here, our engine's rows later), the synthetic minibatches they train on, and the
 * FLOP count of one step, so that a steps/s row can be read as GFLOP/s the same way for everyone.
 *
 * Shapes are channel-major, [channels, height, width] per example, as ConvNetJS and jax-js store
 * them; tfjs wants [height, width, channels], which for the single-channel inputs here is the
 * same memory. Every convolution has stride 1; it and every dense layer but the last are followed
 * by ReLU; a dense layer after a spatial one flattens it first; the last dense layer gives the
 * logits of softmax cross-entropy.
 */

export type CnnLayer =
  | { type: 'input'; channels: number; height: number; width: number }
  /** `size`×`size` kernel, stride 1, `pad` zeros on every side (1 = same, 0 = valid), ReLU. */
  | { type: 'conv'; filters: number; size: number; pad: number }
  | { type: 'maxpool'; size: number; stride: number }
  | { type: 'dense'; units: number };

export interface CnnNet {
  name: string;
  /** `input` first, a `dense` layer of `classes` units last. */
  layers: readonly CnnLayer[];
  classes: number;
}

/** Minibatch size of every CNN row (and of the MLP rows). */
export const CNN_BATCH = 32;
/** Adam's step size for every CNN row (β1 0.9, β2 0.999, each library's own ε). */
export const CNN_LEARNING_RATE = 1e-3;

/** 1×8×8 → conv 3×3×8 same → pool 2 → 8·4·4 = 128 → dense 10. */
export const CNN8: CnnNet = {
  name: '8x8',
  classes: 10,
  layers: [
    { type: 'input', channels: 1, height: 8, width: 8 },
    { type: 'conv', filters: 8, size: 3, pad: 1 },
    { type: 'maxpool', size: 2, stride: 2 },
    { type: 'dense', units: 10 },
  ],
};

/** 1×28×28 → conv 3×3×16 valid → pool 2 → conv 3×3×32 valid → pool 2 → 32·5·5 = 800 → dense 10. */
export const CNN28: CnnNet = {
  name: '28x28',
  classes: 10,
  layers: [
    { type: 'input', channels: 1, height: 28, width: 28 },
    { type: 'conv', filters: 16, size: 3, pad: 0 },
    { type: 'maxpool', size: 2, stride: 2 },
    { type: 'conv', filters: 32, size: 3, pad: 0 },
    { type: 'maxpool', size: 2, stride: 2 },
    { type: 'dense', units: 10 },
  ],
};

/**
 * MLP 784-128-10 (ReLU hidden) in the same form, for the peers that train it beside the CNNs
 * (tfjs.ts keeps its own description of it, engine.ts its learner spec).
 */
export const MLP784: CnnNet = {
  name: '784-128-10',
  classes: 10,
  layers: [
    { type: 'input', channels: 784, height: 1, width: 1 },
    { type: 'dense', units: 128 },
    { type: 'dense', units: 10 },
  ],
};

/** [channels, height, width] of one example, as a layer outputs it (dense: [units, 1, 1]). */
export type Shape = readonly [number, number, number];

/** Output shape of every layer, `input` included; throws on a layer that does not fit. */
export function cnnShapes(layers: readonly CnnLayer[]): Shape[] {
  const shapes: Shape[] = [];
  let shape: Shape | undefined;
  for (const layer of layers) {
    if (layer.type === 'input') {
      if (shape) throw new Error('cnn: input must be the first layer, and only it');
      shape = [layer.channels, layer.height, layer.width];
    } else if (!shape) {
      throw new Error('cnn: the first layer must be an input');
    } else if (layer.type === 'conv') {
      const [, h, w] = shape;
      shape = [
        layer.filters,
        h + 2 * layer.pad - layer.size + 1,
        w + 2 * layer.pad - layer.size + 1,
      ];
    } else if (layer.type === 'maxpool') {
      const [c, h, w] = shape;
      const out = (n: number): number => Math.floor((n - layer.size) / layer.stride) + 1;
      shape = [c, out(h), out(w)];
    } else {
      shape = [layer.units, 1, 1];
    }
    if (shape.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new Error(`cnn: layer ${JSON.stringify(layer)} gives shape ${shape.join('×')}`);
    }
    shapes.push(shape);
  }
  return shapes;
}

/**
 * Multiply-adds per example of each weighted layer's forward pass: a conv output element costs
 * C·K·K (input channels × kernel area, padding counted as if it were data), a dense layer
 * fan-in × units. Pooling, ReLU, bias and loss cost nothing here.
 */
function layerMacs(layers: readonly CnnLayer[]): number[] {
  const shapes = cnnShapes(layers);
  const macs: number[] = [];
  layers.forEach((layer, i) => {
    if (layer.type === 'conv') {
      const [c] = shapes[i - 1]!;
      const [f, h, w] = shapes[i]!;
      macs.push(f * h * w * c * layer.size * layer.size);
    } else if (layer.type === 'dense') {
      const [c, h, w] = shapes[i - 1]!;
      macs.push(c * h * w * layer.units);
    }
  });
  return macs;
}

/** FLOPs of one forward pass over a minibatch: 2 per multiply-add of every conv and dense layer. */
export function cnnForwardFlops(layers: readonly CnnLayer[], batch = CNN_BATCH): number {
  return 2 * batch * layerMacs(layers).reduce((s, m) => s + m, 0);
}

/**
 * FLOPs of one training step over a minibatch (forward, backward; the update is not counted):
 * 2 per multiply-add of each weighted layer's forward pass, of its weight gradient (the same
 * multiply-adds again) and of its input gradient (again), except that the first weighted layer
 * has no input gradient, since nothing below it needs one.
 *
 * Check, CNN28 at batch 32 (multiply-adds per example):
 *   conv1 1→16, 26×26 out:  16·26·26 · 1·3·3  =  97,344  × 2 (fwd, dW)      =   194,688
 *   conv2 16→32, 11×11 out: 32·11·11 · 16·3·3 = 557,568  × 3 (fwd, dW, dX)  = 1,672,704
 *   dense 800→10:           800·10            =   8,000  × 3                 =    24,000
 *   sum 1,891,392 MACs → × 2 FLOPs × 32 examples = 121,049,088 FLOPs a step (≈ 0.121 GFLOP);
 *   forward alone: 662,912 MACs → 42,426,368 FLOPs a batch.
 * CNN8 at batch 32: conv 8·8·8·9 = 4,608 × 2, dense 128·10 = 1,280 × 3 → 13,056 MACs
 *   → 835,584 FLOPs a step; forward 376,832.
 * MLP784 the same way: dense 784·128 = 100,352 × 2, dense 128·10 = 1,280 × 3 → 13,090,816.
 */
export function cnnStepFlops(layers: readonly CnnLayer[], batch = CNN_BATCH): number {
  const macs = layerMacs(layers);
  const total = macs.reduce((s, m, i) => s + m * (i === 0 ? 2 : 3), 0);
  return 2 * batch * total;
}

/** Numerical Recipes LCG in [0, 1), the generator tfjs.ts uses too. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** One synthetic minibatch: pixel-like inputs in [0, 1) and uniformly random class labels. */
export interface CnnBatch {
  /** [batch, channels·height·width], channel-major per example ([batch, h, w, 1] for 1 channel). */
  x: Float32Array;
  /** [batch] class indices. */
  labels: Int32Array;
  /** [batch, classes] one-hot rows of `labels`. */
  oneHot: Float32Array;
}

/**
 * `count` fixed minibatches from a seeded LCG, made once, outside any timed region: the peers
 * measure arithmetic, not learning, so random labels are fine.
 */
export function cnnBatches(
  net: CnnNet,
  count: number,
  seed: number,
  batch = CNN_BATCH,
): CnnBatch[] {
  const [c, h, w] = cnnShapes(net.layers)[0]!;
  const rng = lcg(seed);
  return Array.from({ length: count }, () => {
    const x = new Float32Array(batch * c * h * w);
    for (let i = 0; i < x.length; i++) x[i] = rng();
    const labels = new Int32Array(batch);
    const oneHot = new Float32Array(batch * net.classes);
    for (let i = 0; i < batch; i++) {
      labels[i] = Math.min(net.classes - 1, Math.floor(rng() * net.classes));
      oneHot[i * net.classes + labels[i]!] = 1;
    }
    return { x, labels, oneHot };
  });
}
