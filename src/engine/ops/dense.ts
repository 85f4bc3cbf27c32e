/**
 * `dense` (PyTorch `nn.Linear`): every output is a weighted sum of all inputs plus a bias,
 * out[B,OC] = inp[B,C]·Wᵀ + b with W [OC, C]. On a sequence [T, C] it is applied at every step
 * with the same weights ([T, OC]), as nn.Linear applies to the last dimension. As a layer it may carry an activation, which
 * becomes a module of its own right after it, as in an `nn.Sequential`.
 */
import { LIMITS } from '../limits.js';
import { ACTIVATIONS, INITS, type Activation, type Init } from '../spec-base.js';
import { showShape, type LayerDef, type OpDef, type Shape } from './types.js';

export interface DenseLayer {
  type: 'dense';
  units: number;
  activation?: Activation;
  init?: Init;
}

export interface DenseAttrs {
  units: number;
  /** A spec's choice, or GPT-2's normal(0, 0.02) inside a transformer block. */
  init: Init | 'gpt';
}

export const denseOp: OpDef<DenseAttrs> = {
  name: 'dense',
  infer: ([input], { units }) =>
    input!.length === 1
      ? [units]
      : input!.length === 2
        ? [input![0]!, units]
        : `needs a flat input, got ${showShape(input!)}: put a flatten layer before it`,
  params: ({ units, init }, input) => {
    const C = width(input);
    return [
      { name: 'weight', shape: [units, C], fanIn: C, fanOut: units, init, decay: true },
      { name: 'bias', shape: [units], fanIn: C, fanOut: units, init: 'zeros', decay: false },
    ];
  },
  formula: ({ units }, input) =>
    `${width(input)}×${units} + ${units} = ${(width(input) + 1) * units}`,
  macs: ({ units }, input) => steps(input) * width(input) * units,
  torch: ({ units }, input) => `nn.Linear(${width(input)}, ${units})`,
  recordKind: 'dense',
  record: ({ units }, input, _out, at) => ({
    values: {
      out: at.out,
      inp: at.inp(),
      w: at.param('weight'),
      b: at.param('bias'),
      dout: at.dout,
      dinp: at.dinp(),
      dw: at.grad('weight'),
      db: at.grad('bias'),
      C: width(input),
      OC: units,
      T: steps(input),
    },
  }),
};

/** Values per step: the last dimension. */
const width = (input: Shape): number => input[input.length - 1]!;
/** Steps a dense layer is applied at: T of a sequence, 1 for a vector. */
const steps = (input: Shape): number => (input.length === 2 ? input[0]! : 1);

/** He initialisation suits ReLU-like units; Xavier/Glorot suits the symmetric squashing ones. */
export function defaultInit(activation: Activation | undefined): Init {
  return activation === 'relu' || activation === 'leaky_relu' ? 'he_uniform' : 'xavier_uniform';
}

export const denseLayer: LayerDef = {
  type: 'dense',
  label: 'Dense layer',
  short: 'Dense',
  blurb: 'a fully connected layer before the output layer',
  example: { type: 'dense', units: 8, activation: 'relu' },
  widthField: 'units',
  gpt: { path: 'lm_head', rank: 5 },
  fields: {
    units: { kind: 'int', min: 1, max: LIMITS.maxUnits, required: true, label: 'units' },
    activation: { kind: 'choice', of: ACTIVATIONS, label: 'activation' },
    init: { kind: 'choice', of: INITS, label: 'initialisation' },
  },
  build(layer, index, b) {
    const l = layer as unknown as DenseLayer;
    const attrs: DenseAttrs = { units: l.units, init: l.init ?? defaultInit(l.activation) };
    if (!b.node('dense', attrs, index, `layers[${index}]`)) return;
    if (l.activation !== undefined) activate(b, l.activation, index);
  },
};

/** Adds an activation module after a layer (identity takes its index and computes nothing). */
export function activate(b: Parameters<LayerDef['build']>[2], fn: Activation, index: number): void {
  if (fn === 'identity') b.identity(index);
  else b.node('activation', { fn }, index, `layers[${index}].activation`);
}
