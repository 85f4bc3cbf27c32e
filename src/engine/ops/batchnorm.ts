/**
 * `batchnorm` (PyTorch `nn.BatchNorm1d` on [C], `nn.BatchNorm2d` on [C, H, W]): each channel is
 * shifted and scaled to mean 0 and variance 1 over the batch (and the image), then by a learned
 * scale `weight` and shift `bias`. Training uses the batch's statistics and keeps running ones
 * (momentum 0.1, eps 1e-5, as torch); evaluation uses the running ones. It keeps deep stacks
 * trainable at learning rates that would otherwise blow up.
 */
import { size, type LayerDef, type OpDef } from './types.js';

export interface BatchnormLayer {
  type: 'batchnorm';
}

export const BN_MOMENTUM = 0.1;
export const BN_EPS = 1e-5;

export const batchnormOp: OpDef<Record<string, never>> = {
  name: 'batchnorm',
  infer: ([input]) =>
    input!.length === 1 || input!.length === 3
      ? input!
      : `needs a flat [features] or an image [channels, height, width] input, got ${input!.length} dimensions`,
  params: (_a, [C]) => [
    { name: 'weight', shape: [C!], fanIn: C!, fanOut: C!, init: 'ones', decay: false },
    { name: 'bias', shape: [C!], fanIn: C!, fanOut: C!, init: 'zeros', decay: false },
  ],
  buffers: (_a, [C]) => [
    { name: 'running_mean', shape: [C!], dtype: 'f32', fill: 0 },
    { name: 'running_var', shape: [C!], dtype: 'f32', fill: 1 },
    { name: 'num_batches_tracked', shape: [], dtype: 'i32', fill: 0 },
  ],
  saved: (_a, input) => [
    { name: 'xhat', shape: [...input], dtype: 'f32' },
    { name: 'istd', shape: [input[0]!], dtype: 'f32', perRow: false },
  ],
  minBatch: (_a, input) => (input.length === 1 ? 2 : 1),
  formula: (_a, [C]) => `${C} + ${C} = ${2 * C!}`,
  macs: (_a, input) => size(input),
  torch: (_a, input) => `nn.BatchNorm${input.length === 1 ? '1' : '2'}d(${input[0]})`,
  recordKind: 'batchnorm',
  record: (_a, input, _out, at) => ({
    values: {
      out: at.out,
      xhat: at.saved('xhat'),
      istd: at.saved('istd'),
      inp: at.inp(),
      dout: at.dout,
      dinp: at.dinp(),
      gamma: at.param('weight'),
      beta: at.param('bias'),
      dgamma: at.grad('weight'),
      dbeta: at.grad('bias'),
      rmean: at.buffer('running_mean'),
      rvar: at.buffer('running_var'),
      tracked: at.buffer('num_batches_tracked'),
      C: input[0]!,
      S: size(input) / input[0]!,
      momentum: BN_MOMENTUM,
      eps: BN_EPS,
    },
  }),
};

export const batchnormLayer: LayerDef = {
  type: 'batchnorm',
  label: 'Batch norm',
  short: 'Batchnorm',
  blurb: 'batch norm: rescales each channel over the batch, so deep stacks keep training',
  example: { type: 'batchnorm' },
  fields: {},
  build(_layer, index, b) {
    b.node('batchnorm', {}, index, `layers[${index}]`);
  },
};
