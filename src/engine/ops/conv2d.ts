/**
 * `conv2d` (PyTorch `nn.Conv2d`, square kernel, dilation 1, one group): OC filters, each a
 * C×K×K block of weights, slide over the image with stride S on a border of P zeros; every
 * output value is one filter's dot product with the patch under it, plus the filter's bias.
 * Weights [OC, C, K, K] are shared by every position, which is why a conv layer needs so few.
 */
import { ACTIVATIONS, INITS, type Activation, type Init } from '../spec-base.js';
import { activate, defaultInit } from './dense.js';
import { showShape, type LayerDef, type OpDef, type Shape } from './types.js';

export interface Conv2dLayer {
  type: 'conv2d';
  filters: number;
  kernel: number;
  stride?: number;
  padding?: number;
  bias?: boolean;
  activation?: Activation;
  init?: Init;
}

export interface Conv2dAttrs {
  filters: number;
  kernel: number;
  stride: number;
  padding: number;
  bias: boolean;
  init: Init;
}

/**
 * The output length along one side, or why the window does not fit (`input` names the whole
 * input, "8×8"): it must fit the padded input and, when `whole`, land exactly on its end,
 * (n + 2P − K) / S + 1 whole, so no input column is ignored (a pooling window may leave the
 * last ones out, as PyTorch's does).
 */
export function slide(
  n: number,
  k: number,
  s: number,
  p: number,
  what: string,
  whole: boolean,
  input: string,
): number | string {
  const padded = n + 2 * p;
  const pad = p === 0 ? 'no padding' : `padding ${p}`;
  if (padded < k) return `a ${k}×${k} ${what} does not fit a ${input} input with ${pad}`;
  const steps = (padded - k) / s;
  if (whole && !Number.isInteger(steps)) {
    const sum = p === 0 ? `(${n} − ${k})` : `(${n} + 2×${p} − ${k})`;
    return `a ${k}×${k} ${what} with stride ${s} and ${pad} does not fit a ${input} input: ${sum} / ${s} + 1 = ${+(steps + 1).toFixed(2)} is not whole`;
  }
  return Math.floor(steps) + 1;
}

/** Checks an image input and slides a K×K window over both sides; the output's H, W or a message. */
export function slide2d(
  input: Shape,
  k: number,
  s: number,
  p: number,
  what: string,
  whole: boolean,
): [number, number] | string {
  if (input.length !== 3) {
    return `needs an image input [channels, height, width], got ${showShape(input)}`;
  }
  const size = `${input[1]}×${input[2]}`;
  const oh = slide(input[1]!, k, s, p, what, whole, size);
  if (typeof oh === 'string') return oh;
  const ow = slide(input[2]!, k, s, p, what, whole, size);
  if (typeof ow === 'string') return ow;
  return [oh, ow];
}

/**
 * Floats of the convolution's scratch (`conv2d_col_floats` in assembly/ops/conv2d.ts): one
 * example's im2col columns and a transposed weight gradient, or one zero-padded example and the
 * fast forward's tap offsets, whichever is larger: max(CKK·(OH·OW + OC), C·(H+2P)·(W+2P) + CKK)
 * with CKK = C·K·K. The batch size does not enter.
 */
export function convColFloats(input: Shape, output: Shape, k: number, p: number): number {
  const [C, H, W] = input as [number, number, number];
  const [OC, OH, OW] = output as [number, number, number];
  const ckk = C * k * k;
  return Math.max(ckk * (OH * OW + OC), C * (H + 2 * p) * (W + 2 * p) + ckk);
}

export const conv2dOp: OpDef<Conv2dAttrs> = {
  name: 'conv2d',
  infer: ([input], a) => {
    const hw = slide2d(input!, a.kernel, a.stride, a.padding, 'filter', true);
    return typeof hw === 'string' ? hw : [a.filters, ...hw];
  },
  params: (a, [C]) => {
    const kk = a.kernel * a.kernel;
    const fanIn = C! * kk;
    const fanOut = a.filters * kk;
    const weight = {
      name: 'weight',
      shape: [a.filters, C!, a.kernel, a.kernel],
      fanIn,
      fanOut,
      init: a.init,
      decay: true,
    };
    if (!a.bias) return [weight];
    return [
      weight,
      { name: 'bias', shape: [a.filters], fanIn, fanOut, init: 'zeros', decay: false },
    ];
  },
  scratch: (a, input, output) => convColFloats(input, output, a.kernel, a.padding),
  formula: (a, [C]) => {
    const w = a.filters * C! * a.kernel * a.kernel;
    const product = `${a.filters}×${C}×${a.kernel}×${a.kernel}`;
    return a.bias ? `${product} + ${a.filters} = ${w + a.filters}` : `${product} = ${w}`;
  },
  macs: (a, [C], [OC, OH, OW]) => OC! * OH! * OW! * C! * a.kernel * a.kernel,
  torch: (a, [C]) =>
    `nn.Conv2d(${C}, ${a.filters}, kernel_size=${a.kernel}` +
    (a.stride !== 1 ? `, stride=${a.stride}` : '') +
    (a.padding !== 0 ? `, padding=${a.padding}` : '') +
    (a.bias ? '' : ', bias=False') +
    ')',
  recordKind: 'conv2d',
  record: (a, [C, H, W], _out, at) => ({
    values: {
      out: at.out,
      inp: at.inp(),
      weight: at.param('weight'),
      bias: a.bias ? at.param('bias') : 0,
      dout: at.dout,
      dinp: at.dinp(),
      dw: at.grad('weight'),
      db: a.bias ? at.grad('bias') : 0,
      col: at.scratch,
      C: C!,
      H: H!,
      W: W!,
      OC: a.filters,
      K: a.kernel,
      S: a.stride,
      P: a.padding,
    },
  }),
};

export const conv2dLayer: LayerDef = {
  type: 'conv2d',
  label: 'Convolution',
  short: 'Conv',
  primary: 'filters',
  blurb:
    'a convolution: small filters slide over the image, looking for the same pattern everywhere',
  example: { type: 'conv2d', filters: 8, kernel: 3, padding: 1, activation: 'relu' },
  fields: {
    filters: {
      kind: 'int',
      min: 1,
      max: 256,
      required: true,
      label: 'filters',
      steps: [1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128],
    },
    kernel: {
      kind: 'int',
      min: 1,
      max: 11,
      required: true,
      label: 'kernel size',
      steps: [1, 3, 5, 7],
      square: true,
    },
    stride: { kind: 'int', min: 1, max: 8, label: 'stride', steps: [1, 2, 3, 4] },
    padding: { kind: 'int', min: 0, max: 10, label: 'padding', steps: [0, 1, 2, 3] },
    bias: { kind: 'bool', label: 'bias' },
    activation: { kind: 'choice', of: ACTIVATIONS, label: 'activation' },
    init: { kind: 'choice', of: INITS, label: 'initialisation' },
  },
  check(layer, path, issue) {
    const k = layer['kernel'] as number;
    const p = (layer['padding'] as number | undefined) ?? 0;
    if (p >= k) issue(`${path}.padding`, `must be smaller than the kernel size ${k}, got ${p}`);
  },
  build(layer, index, b) {
    const l = layer as unknown as Conv2dLayer;
    const attrs: Conv2dAttrs = {
      filters: l.filters,
      kernel: l.kernel,
      stride: l.stride ?? 1,
      padding: l.padding ?? 0,
      bias: l.bias ?? true,
      init: l.init ?? defaultInit(l.activation),
    };
    if (!b.node('conv2d', attrs, index, `layers[${index}]`)) return;
    if (l.activation !== undefined) activate(b, l.activation, index);
  },
};
