/**
 * Writes the program the kernel's interpreter (`assembly/program.ts`) runs: a header of
 * pointers, sizes and hyperparameters, one record per primitive op (led by the input features
 * op when the network has features), and the list of weights the L2 and L1 penalties apply to.
 * The H_* numbers mirror the kernel's; `tests/engine/plan.test.ts` checks the two lists agree.
 */
import { HEADER_WORDS, OP_WORDS, programOps, type Plan } from './plan.js';
import { OPTIMIZER_CODE, type TrainOptions } from './options.js';
import { FEATURES, type Network } from './spec.js';

/** Header word indices, as in `assembly/program.ts`. */
export const H = {
  NOPS: 0,
  BATCH: 1,
  INPUTS: 2,
  TARGET_W: 3,
  LOSS: 4,
  LOGITS: 5,
  DLOGITS: 6,
  HEAD: 7,
  OUT_W: 8,
  XBUF: 9,
  YBUF: 10,
  PARAMS: 11,
  GRADS: 12,
  NPARAM: 13,
  ZERO_START: 14,
  ZERO_BYTES: 15,
  OPT: 16,
  OPT_S1: 17,
  OPT_S2: 18,
  LR: 19,
  BETA1: 20,
  BETA2: 21,
  EPS: 22,
  WD: 23,
  NESTEROV: 24,
  L2: 25,
  CLIP: 26,
  RNG: 27,
  ORDER: 28,
  CURSOR: 29,
  NTRAIN: 30,
  SPLITS: 31,
  STEP: 40,
  T: 41,
  BC1: 42,
  BC2: 44,
  HIST_LOSS: 46,
  HIST_NORM: 47,
  HIST_CORRECT: 48,
  NL2: 49,
  STATUS: 50,
  EVAL_CORRECT: 51,
  EVAL_LOSS: 52,
  ROWS: 54,
  SCORE: 55,
  L1: 56,
} as const;

const LOSS_CODE = { mse: 0, bce: 1, cce: 2 } as const;
const ACT_CODE = { relu: 1, leaky_relu: 2, sigmoid: 3, tanh: 4, softmax: 5 } as const;
/** PyTorch's default negative slope for LeakyReLU. */
export const LEAKY_SLOPE = 0.01;

/**
 * Fills the `program` tensor. `base` is the arena's absolute address; every pointer written is
 * absolute. Counters (step, cursor, Adam's t and β powers) start at their initial values.
 */
export function writeProgram(
  memory: ArrayBuffer,
  base: number,
  plan: Plan,
  network: Network,
  options: TrainOptions,
): number {
  const prog = plan.byName.get('program')!;
  const at = base + prog.offset;
  const words = new Int32Array(memory, at, prog.length);
  const floats = new Float32Array(memory, at, prog.length);
  const f64 = new Float64Array(memory, at, HEADER_WORDS / 2);
  words.fill(0);
  const ptr = (name: string): number => base + plan.byName.get(name)!.offset;

  const ops = network.ops;
  const last = ops[ops.length - 1]!;
  const records = programOps(network);
  words[H.NOPS] = records;
  words[H.BATCH] = options.batch;
  words[H.INPUTS] = network.spec.inputs;
  words[H.TARGET_W] = plan.byName.get('target')!.shape[1]!;
  words[H.LOSS] = LOSS_CODE[network.spec.loss];
  words[H.LOGITS] = ptr(`${last.module}.out`);
  words[H.DLOGITS] = ptr(`${last.module}.out.grad`);
  words[H.HEAD] = network.spec.loss === 'mse' ? ptr(`${last.module}.out`) : ptr('head');
  words[H.OUT_W] = network.outputs;
  words[H.XBUF] = ptr('input');
  words[H.YBUF] = ptr('target');
  words[H.PARAMS] = base + plan.regions.params.start;
  words[H.GRADS] = base + plan.regions.grads.start;
  words[H.NPARAM] = plan.paramSlots;
  words[H.ZERO_START] = base + plan.regions.grads.start;
  words[H.ZERO_BYTES] = plan.regions.actGrads.end - plan.regions.grads.start;
  words[H.OPT] = OPTIMIZER_CODE[options.optimizer];
  const state = plan.tensors.filter((t) => t.region === 'optimizer');
  if (state[0]) words[H.OPT_S1] = base + state[0].offset;
  if (state[1]) words[H.OPT_S2] = base + state[1].offset;
  floats[H.LR] = options.lr;
  floats[H.BETA1] =
    options.optimizer === 'momentum'
      ? options.momentum
      : options.optimizer === 'rmsprop'
        ? options.alpha
        : options.beta1;
  floats[H.BETA2] = options.beta2;
  floats[H.EPS] = options.eps;
  floats[H.WD] = options.weightDecay;
  words[H.NESTEROV] = options.nesterov ? 1 : 0;
  floats[H.L2] = options.l2;
  floats[H.L1] = options.l1;
  floats[H.CLIP] = options.clip;
  words[H.RNG] = ptr('rng.train');
  words[H.ORDER] = ptr('order');
  words[H.CURSOR] = plan.byName.get('train.x')!.shape[0]!; // forces a shuffle on the first batch
  words[H.NTRAIN] = plan.byName.get('train.x')!.shape[0]!;
  (['train', 'validation', 'test'] as const).forEach((split, i) => {
    words[H.SPLITS + 3 * i] = ptr(`${split}.x`);
    words[H.SPLITS + 3 * i + 1] = ptr(`${split}.y`);
    words[H.SPLITS + 3 * i + 2] = plan.byName.get(`${split}.x`)!.shape[0]!;
  });
  f64[H.BC1 / 2] = 1;
  f64[H.BC2 / 2] = 1;
  words[H.HIST_LOSS] = ptr('history.loss');
  words[H.HIST_NORM] = ptr('history.gradNorm');
  words[H.HIST_CORRECT] = ptr('history.correct');
  words[H.ROWS] = plan.rows;
  // A yes/no task trained with squared error is still scored as yes/no: output above 0.5 is yes.
  words[H.SCORE] = network.task === 'binary' && network.spec.loss === 'mse' ? 1 : 0;

  // The features op reads the data [rows, 2] and writes [rows, K]: the first op's input.
  const features = network.features;
  if (features) {
    words.set([4, ptr('features'), ptr('input'), features.length], HEADER_WORDS);
    words.set(
      features.map((f) => FEATURES.indexOf(f)),
      HEADER_WORDS + 4,
    );
  }
  const first = features ? 1 : 0;
  ops.forEach((op, i) => {
    const r = HEADER_WORDS + (first + i) * OP_WORDS;
    const out = ptr(`${op.module}.out`);
    const dout = ptr(`${op.module}.out.grad`);
    const prev = ops[i - 1];
    const inp = prev ? ptr(`${prev.module}.out`) : ptr(features ? 'features' : 'input');
    // The first op's input is the data (or its features): no gradient is computed for it.
    const dinp = prev ? ptr(`${prev.module}.out.grad`) : 0;
    if (op.kind === 'dense') {
      words.set(
        [
          1,
          out,
          inp,
          ptr(`${op.module}.weight`),
          ptr(`${op.module}.bias`),
          dout,
          dinp,
          ptr(`${op.module}.weight.grad`),
          ptr(`${op.module}.bias.grad`),
          op.inputs,
          op.units,
        ],
        r,
      );
    } else if (op.kind === 'activation') {
      words.set([2, ACT_CODE[op.fn], out, inp, dout, dinp, op.width], r);
      floats[r + 7] = LEAKY_SLOPE;
    } else {
      words.set([3, out, ptr(`${op.module}.mask`), inp, dout, dinp, op.width], r);
      floats[r + 7] = op.rate;
    }
  });
  const weights = plan.params.filter((t) => t.name.endsWith('.weight'));
  words[H.NL2] = weights.length;
  weights.forEach((t, i) => {
    words[HEADER_WORDS + records * OP_WORDS + 2 * i] = base + t.offset;
    words[HEADER_WORDS + records * OP_WORDS + 2 * i + 1] = t.length;
  });
  return at;
}
