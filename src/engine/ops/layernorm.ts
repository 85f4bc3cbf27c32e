/**
 * `layernorm` (PyTorch `nn.LayerNorm(D)`): every position's D values are shifted and scaled to
 * mean 0 and variance 1 among themselves, then by a learned scale `weight` and shift `bias`.
 * Unlike batch norm it needs no batch and behaves the same in training and evaluation, which is
 * why transformers use it: a block's input stays at a steady size however deep the stack.
 */
import { type LayerDef, type OpDef, type Shape } from './types.js';

export interface LayernormLayer {
  type: 'layernorm';
}

/** PyTorch's default epsilon. */
export const LN_EPS = 1e-5;

/** Values normalised together: the last dimension. */
const width = (input: Shape): number => input[input.length - 1]!;
/** Positions per example: T of a sequence, 1 for a vector. */
const positions = (input: Shape): number => (input.length === 2 ? input[0]! : 1);

export const layernormOp: OpDef<Record<string, never>> = {
  name: 'layernorm',
  infer: ([input]) =>
    input!.length <= 2
      ? input!
      : 'needs a flat [features] or a sequence [steps, features] input; on an image use batch norm',
  params: (_a, input) => {
    const D = width(input);
    return [
      { name: 'weight', shape: [D], fanIn: D, fanOut: D, init: 'ones', decay: false },
      { name: 'bias', shape: [D], fanIn: D, fanOut: D, init: 'zeros', decay: false },
    ];
  },
  saved: (_a, input) => [
    { name: 'mean', shape: [positions(input)], dtype: 'f32' },
    { name: 'rstd', shape: [positions(input)], dtype: 'f32' },
  ],
  formula: (_a, input) => `${width(input)} + ${width(input)} = ${2 * width(input)}`,
  macs: (_a, input) => positions(input) * width(input),
  torch: (_a, input) => `nn.LayerNorm(${width(input)})`,
  recordKind: 'layernorm',
  record: (_a, input, _out, at) => ({
    values: {
      out: at.out,
      mean: at.saved('mean'),
      rstd: at.saved('rstd'),
      inp: at.inp(),
      gamma: at.param('weight'),
      beta: at.param('bias'),
      dout: at.dout,
      dinp: at.dinp(),
      dgamma: at.grad('weight'),
      dbeta: at.grad('bias'),
      T: positions(input),
      D: width(input),
      eps: LN_EPS,
    },
  }),
};

export const layernormLayer: LayerDef = {
  type: 'layernorm',
  label: 'Layer norm',
  short: 'LayerNorm',
  blurb: 'layer norm: rescales the numbers at each position to a steady size, batch or no batch',
  example: { type: 'layernorm' },
  fields: {},
  gpt: { path: 'transformer.ln_f', rank: 4 },
  build(_layer, index, b) {
    b.node('layernorm', {}, index, `layers[${index}]`);
  },
};
