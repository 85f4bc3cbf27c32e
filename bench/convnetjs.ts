/**
 * ConvNetJS reference rows: the two CNNs of cnn-flops.ts, built from ConvNetJS layer definitions
 * (`conv` with `activation: 'relu'`, `pool`, `softmax`, which adds its own fully connected layer)
 * and trained by ConvNetJS's `Trainer` with `batch_size: 32`. ConvNetJS is plain JavaScript on
 * Float64Array volumes and trains one example at a time: `trainer.train(vol, label)` runs that
 * example's forward and backward pass, accumulating gradients, and every 32nd call applies the
 * update. One step here is 32 such calls, one minibatch.
 *
 * The npm package (0.3.0, 2014, the last one published) predates ConvNetJS's Adam: its Trainer
 * knows sgd, adagrad, windowgrad and adadelta, and any other `method`, 'adam' included, silently
 * runs SGD with momentum 0.9. Decision: when the installed Trainer has no Adam branch, the update
 * is a port of the Adam branch ConvNetJS's source gained later, inside a Trainer that otherwise
 * does exactly what the stock one does (same forward/backward calls, gradient divided by the batch
 * size, gradients zeroed after the update). The port applies the bias correction by division, as
 * the Adam paper does (upstream multiplies by 1 - β^k with k counting examples, a quirk that
 * changes values, not cost). The update touches each of the ~13k parameters once a step, next to
 * 32 forward and backward passes, so which optimizer runs does not move the figure measurably.
 */
import { createRequire } from 'node:module';
import {
  CNN28,
  CNN8,
  CNN_BATCH,
  CNN_LEARNING_RATE,
  cnnBatches,
  cnnShapes,
  type CnnNet,
} from './cnn-flops.js';
import { calibrate, measure, type BenchOptions, type BenchResult } from './harness.js';

/** The parts of ConvNetJS's API the rows use (the package ships no types). */
interface Vol {
  sx: number;
  sy: number;
  depth: number;
  w: Float64Array;
}
interface ParamsAndGrads {
  params: Float64Array;
  grads: Float64Array;
}
interface Net {
  makeLayers(defs: object[]): void;
  forward(x: Vol, isTraining?: boolean): Vol;
  /** Softmax loss of the last forward pass against class `y`; accumulates gradients. */
  backward(y: number): number;
  getParamsAndGrads(): ParamsAndGrads[];
}
interface Trainer {
  train(x: Vol, y: number): { loss: number };
}
interface ConvNetJs {
  REVISION: string;
  Vol: new (sx: number, sy: number, depth: number, fill?: number) => Vol;
  Net: new () => Net;
  Trainer: new (net: Net, options: object) => Trainer;
}

/** What the ConvNetJS rows ran on. */
export interface ConvnetjsInfo {
  version: string;
  /** 'library' when the installed Trainer implements Adam, else 'port' (see the file comment). */
  adam: 'library' | 'port';
}

let info: ConvnetjsInfo | undefined;

/** ConvNetJS's record, once `benchConvnetjs` has run (for the report). */
export function convnetjsInfo(): ConvnetjsInfo | undefined {
  return info;
}

const BATCHES = 8;
const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Rows 'convnetjs cnn 8x8' and 'convnetjs cnn 28x28' (group cnn), steps/s. */
export async function benchConvnetjs(options: BenchOptions): Promise<BenchResult[]> {
  const require = createRequire(import.meta.url);
  const convnetjs = require('convnetjs') as ConvNetJs;
  const version = (require('convnetjs/package.json') as { version: string }).version;
  const hasAdam = /method\s*===\s*'adam'/.test(convnetjs.Trainer.prototype.train.toString());
  info = { version, adam: hasAdam ? 'library' : 'port' };
  console.log(`convnetjs ${version}: JavaScript, Float64Array, Adam ${info.adam}`);
  const library = { name: 'convnetjs', version, backend: 'JavaScript (Float64Array, 1 thread)' };
  return [CNN8, CNN28].map((net) => ({
    ...benchTraining(convnetjs, hasAdam, net, options),
    library,
  }));
}

/** ConvNetJS layer definitions for `net`: every conv and hidden dense layer with ReLU. */
function layerDefs(net: CnnNet): object[] {
  const last = net.layers.length - 1;
  return net.layers.map((layer, i) => {
    switch (layer.type) {
      case 'input':
        return {
          type: 'input',
          out_sx: layer.width,
          out_sy: layer.height,
          out_depth: layer.channels,
        };
      case 'conv':
        return {
          type: 'conv',
          sx: layer.size,
          filters: layer.filters,
          stride: 1,
          pad: layer.pad,
          activation: 'relu',
        };
      case 'maxpool':
        return { type: 'pool', sx: layer.size, stride: layer.stride };
      case 'dense':
        return i === last
          ? { type: 'softmax', num_classes: layer.units }
          : { type: 'fc', num_neurons: layer.units, activation: 'relu' };
    }
  });
}

function benchTraining(
  convnetjs: ConvNetJs,
  hasAdam: boolean,
  net: CnnNet,
  options: BenchOptions,
): BenchResult {
  const name = `convnetjs cnn ${net.name}`;
  const model = new convnetjs.Net();
  model.makeLayers(layerDefs(net));
  const settings = {
    method: 'adam',
    batch_size: CNN_BATCH,
    learning_rate: CNN_LEARNING_RATE,
    ...ADAM,
  };
  const trainer = hasAdam
    ? new convnetjs.Trainer(model, settings)
    : adamTrainer(model, CNN_BATCH, CNN_LEARNING_RATE);

  // Each example a Vol of its own, made once: ConvNetJS indexes w[(sx·y + x)·depth + d].
  const [c, h, w] = cnnShapes(net.layers)[0]!;
  const batches = cnnBatches(net, BATCHES, 104729 + net.layers.length).map((b) =>
    Array.from(b.labels, (label, e) => {
      const vol = new convnetjs.Vol(w, h, c, 0);
      for (let d = 0; d < c; d++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            vol.w[(w * y + x) * c + d] = b.x[((e * c + d) * h + y) * w + x]!;
          }
        }
      }
      return { vol, label };
    }),
  );

  let step = 0;
  const run = (steps: number): void => {
    let loss = 0;
    for (let s = 0; s < steps; s++) {
      const batch = batches[step++ % BATCHES]!;
      loss = 0;
      for (const { vol, label } of batch) loss += trainer.train(vol, label).loss;
    }
    if (!Number.isFinite(loss)) throw new Error(`${name}: loss is ${loss}`);
  };
  const steps = calibrate(run, options);
  return measure(
    'cnn',
    name,
    'steps/s',
    () => {
      run(steps);
      return steps;
    },
    options,
  );
}

/**
 * ConvNetJS's Trainer with the Adam update in place of npm 0.3.0's fall-through to momentum SGD:
 * forward (training mode) and backward per example, and every `batchSize`-th call
 * m ← β1·m + (1-β1)·g, v ← β2·v + (1-β2)·g², p ← p - lr·(m/(1-β1^t)) / (√(v/(1-β2^t)) + ε)
 * with g the summed gradient over the batch divided by `batchSize`, then the gradients zeroed.
 */
function adamTrainer(net: Net, batchSize: number, learningRate: number): Trainer {
  const { beta1, beta2, eps } = ADAM;
  let k = 0; // examples seen
  let t = 0; // updates applied
  const m: Float64Array[] = [];
  const v: Float64Array[] = [];
  return {
    train(x: Vol, y: number) {
      net.forward(x, true);
      const loss = net.backward(y);
      if (++k % batchSize !== 0) return { loss };
      const list = net.getParamsAndGrads();
      if (m.length === 0) {
        for (const { params } of list) {
          m.push(new Float64Array(params.length));
          v.push(new Float64Array(params.length));
        }
      }
      t++;
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      list.forEach(({ params, grads }, i) => {
        const mi = m[i]!;
        const vi = v[i]!;
        for (let j = 0; j < params.length; j++) {
          const g = grads[j]! / batchSize;
          mi[j] = beta1 * mi[j]! + (1 - beta1) * g;
          vi[j] = beta2 * vi[j]! + (1 - beta2) * g * g;
          params[j]! -= (learningRate * (mi[j]! / c1)) / (Math.sqrt(vi[j]! / c2) + eps);
          grads[j] = 0;
        }
      });
      return { loss };
    },
  };
}
