/**
 * `dense` (PyTorch `nn.Linear`): every output is a weighted sum of all inputs plus a bias,
 * out[B,OC] = inp[B,C]·Wᵀ + b with W [OC, C]. On a sequence [T, C] it is applied at every step
 * with the same weights ([T, OC]), as nn.Linear applies to the last dimension. As a layer it may carry an activation, which
 * becomes a module of its own right after it, as in an `nn.Sequential`. A head may be `tied` to
 * the network's embedding (as GPT-2's is): its weight is then the embedding's table itself,
 * [V, D], read and trained in one place, and only its bias is a parameter of its own.
 */
import { LIMITS } from '../limits.js';
import { ACTIVATIONS, INITS, type Activation, type Init } from '../spec-base.js';
import type { EmbeddingAttrs } from './embedding.js';
import { showShape, type LayerDef, type OpDef, type ParamDecl, type Shape } from './types.js';

export interface DenseLayer {
  type: 'dense';
  units: number;
  activation?: Activation;
  init?: Init;
  /** Share the embedding's table as the weight (units = its symbols, inputs = its width). */
  tied?: boolean;
}

export interface DenseAttrs {
  units: number;
  /** A spec's choice, or GPT-2's normal(0, 0.02) inside a transformer block. */
  init: Init | 'gpt';
  /** The full name of the embedding weight a tied head reads (`0.weight`), if tied. */
  tie?: string;
}

export const denseOp: OpDef<DenseAttrs> = {
  name: 'dense',
  infer: ([input], { units }) =>
    input!.length === 1
      ? [units]
      : input!.length === 2
        ? [input![0]!, units]
        : `needs a flat input, got ${showShape(input!)}: put a flatten layer before it`,
  params: ({ units, init, tie }, input) => {
    const C = width(input);
    const bias: ParamDecl = {
      name: 'bias',
      shape: [units],
      fanIn: C,
      fanOut: units,
      init: 'zeros',
      decay: false,
    };
    if (tie) return [bias];
    return [
      { name: 'weight', shape: [units, C], fanIn: C, fanOut: units, init, decay: true },
      bias,
    ];
  },
  formula: ({ units, tie }, input) =>
    tie
      ? `${units} (bias; weights: the embedding's)`
      : `${width(input)}×${units} + ${units} = ${(width(input) + 1) * units}`,
  macs: ({ units }, input) => steps(input) * width(input) * units,
  torch: ({ units }, input) => `nn.Linear(${width(input)}, ${units})`,
  recordKind: 'dense',
  record: ({ units, tie }, input, _out, at) => ({
    values: {
      out: at.out,
      inp: at.inp(),
      w: tie ? at.shared(tie) : at.param('weight'),
      b: at.param('bias'),
      dout: at.dout,
      dinp: at.dinp(),
      dw: tie ? at.shared(`${tie}.grad`) : at.grad('weight'),
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
    tied: { kind: 'bool', label: 'tied to the embedding', default: false, chipWhenOn: true },
  },
  build(layer, index, b) {
    const l = layer as unknown as DenseLayer;
    const attrs: DenseAttrs = { units: l.units, init: l.init ?? defaultInit(l.activation) };
    if (l.tied) {
      const tie = tiedWeight(b, l.units, index);
      if (tie === null) return;
      attrs.tie = tie;
    }
    if (!b.node('dense', attrs, index, `layers[${index}]`)) return;
    if (l.activation !== undefined) activate(b, l.activation, index);
  },
};

/**
 * The name of the embedding weight a tied head at layer `index` shares, or null with the reason
 * reported: there must be exactly one embedding, its table [V, D] the head's [units, inputs].
 */
function tiedWeight(
  b: Parameters<LayerDef['build']>[2],
  units: number,
  index: number,
): string | null {
  const where = `layers[${index}].tied`;
  const found = b.nodesOf('embedding');
  if (found.length !== 1) {
    b.issue(
      where,
      `needs exactly one embedding layer before it to share its table, found ${found.length}`,
    );
    return null;
  }
  const { path, attrs } = found[0]!;
  const { vocab, dim } = attrs as EmbeddingAttrs;
  const C = b.shape[b.shape.length - 1]!;
  if (vocab !== units || dim !== C) {
    b.issue(
      where,
      `must fit the embedding's table (${vocab}×${dim}): a tied head needs ${vocab} units and ${dim} inputs, got ${units} units and ${C} inputs`,
    );
    return null;
  }
  return `${path}.weight`;
}

/** Adds an activation module after a layer (identity takes its index and computes nothing). */
export function activate(b: Parameters<LayerDef['build']>[2], fn: Activation, index: number): void {
  if (fn === 'identity') b.identity(index);
  else b.node('activation', { fn }, index, `layers[${index}].activation`);
}
