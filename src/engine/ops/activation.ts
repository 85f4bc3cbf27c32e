/**
 * `activation`: a function applied to every value on its own (ReLU, leaky ReLU, sigmoid, tanh,
 * GELU with GPT-2's tanh approximation),
 * or softmax across a row (last layer only). A final sigmoid or softmax is folded into the BCE or
 * CCE loss, which works on raw scores, as PyTorch's `BCEWithLogitsLoss`/`CrossEntropyLoss` do.
 */
import { ACTIVATIONS, type Activation } from '../spec-base.js';
import { activate } from './dense.js';
import { size, type LayerDef, type OpDef } from './types.js';

export interface ActivationLayer {
  type: 'activation';
  activation: Activation;
}

export interface ActivationAttrs {
  fn: Exclude<Activation, 'identity'>;
}

/** The kernel's function codes. */
const FN_CODE = { relu: 1, leaky_relu: 2, sigmoid: 3, tanh: 4, softmax: 5, gelu: 6 } as const;
/** PyTorch's default negative slope for LeakyReLU. */
export const LEAKY_SLOPE = 0.01;

const TORCH = {
  relu: 'nn.ReLU()',
  leaky_relu: `nn.LeakyReLU(${LEAKY_SLOPE})`,
  sigmoid: 'nn.Sigmoid()',
  tanh: 'nn.Tanh()',
  softmax: 'nn.Softmax(dim=1)',
  gelu: "nn.GELU(approximate='tanh')",
} as const;

export const activationOp: OpDef<ActivationAttrs> = {
  name: 'activation',
  infer: ([input], { fn }) =>
    fn === 'softmax' && input!.length !== 1
      ? input!.length === 2
        ? 'softmax needs a flat input; on a sequence leave it out: the loss takes the softmax at every step'
        : 'softmax needs a flat input'
      : input!,
  macs: () => 0,
  torch: ({ fn }) => TORCH[fn],
  foldsInto: ({ fn }, loss) => {
    if (loss === 'mse') return false;
    const want = loss === 'bce' ? 'sigmoid' : 'softmax';
    return (
      fn === want ||
      `must be ${want} or none on the last layer with the ${loss} loss (it works on raw scores), got "${fn}"`
    );
  },
  lastOnly: ({ fn }) => (fn === 'softmax' ? 'may be softmax only on the last layer' : null),
  recordKind: 'act',
  record: ({ fn }, input, _out, at) => ({
    values: {
      fn: FN_CODE[fn],
      out: at.out,
      inp: at.inp(),
      dout: at.dout,
      dinp: at.dinp(),
      width: size(input),
      alpha: LEAKY_SLOPE,
    },
  }),
};

export const activationLayer: LayerDef = {
  type: 'activation',
  label: 'Activation',
  blurb: 'an activation: bends every value through the same curve',
  example: { type: 'activation', activation: 'relu' },
  fields: {
    activation: { kind: 'choice', of: ACTIVATIONS, required: true, label: 'activation' },
  },
  build(layer, index, b) {
    activate(b, (layer as unknown as ActivationLayer).activation, index);
  },
};
