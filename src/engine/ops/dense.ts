/**
 * `dense` (PyTorch `nn.Linear`): every output is a weighted sum of all inputs plus a bias,
 * out[B,OC] = inp[B,C]·Wᵀ + b with W [OC, C]. As a layer it may carry an activation, which
 * becomes a module of its own right after it, as in an `nn.Sequential`.
 */
import { LIMITS } from '../limits.js';
import { ACTIVATIONS, INITS, type Activation, type Init } from '../spec-base.js';
import { showShape, type LayerDef, type OpDef } from './types.js';

export interface DenseLayer {
  type: 'dense';
  units: number;
  activation?: Activation;
  init?: Init;
}

export interface DenseAttrs {
  units: number;
  init: Init;
}

export const denseOp: OpDef<DenseAttrs> = {
  name: 'dense',
  infer: ([input], { units }) =>
    input!.length === 1
      ? [units]
      : `needs a flat input, got ${showShape(input!)}: put a flatten layer before it`,
  params: ({ units, init }, [C]) => [
    { name: 'weight', shape: [units, C!], fanIn: C!, fanOut: units, init, decay: true },
    { name: 'bias', shape: [units], fanIn: C!, fanOut: units, init: 'zeros', decay: false },
  ],
  formula: ({ units }, [C]) => `${C}×${units} + ${units} = ${C! * units + units}`,
  macs: ({ units }, [C]) => C! * units,
  torch: ({ units }, [C]) => `nn.Linear(${C}, ${units})`,
  recordKind: 'dense',
  record: ({ units }, [C], _out, at) => ({
    values: {
      out: at.out,
      inp: at.inp(),
      w: at.param('weight'),
      b: at.param('bias'),
      dout: at.dout,
      dinp: at.dinp(),
      dw: at.grad('weight'),
      db: at.grad('bias'),
      C: C!,
      OC: units,
    },
  }),
};

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
