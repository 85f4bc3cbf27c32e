/**
 * `dropout` (PyTorch `nn.Dropout`): while training, each value is zeroed with probability
 * `rate` and the survivors scaled by 1/(1 − rate), a fresh mask every step; in evaluation it
 * passes values through.
 */
import { size, type LayerDef, type OpDef } from './types.js';

export interface DropoutLayer {
  type: 'dropout';
  rate: number;
}

export interface DropoutAttrs {
  rate: number;
}

export const dropoutOp: OpDef<DropoutAttrs> = {
  name: 'dropout',
  infer: ([input]) => input!,
  saved: (_attrs, input) => [{ name: 'mask', shape: [...input], dtype: 'f32' }],
  macs: () => 0,
  torch: ({ rate }) => `nn.Dropout(p=${rate})`,
  recordKind: 'dropout',
  record: ({ rate }, input, _out, at) => ({
    values: {
      out: at.out,
      mask: at.saved('mask'),
      inp: at.inp(),
      dout: at.dout,
      dinp: at.dinp(),
      width: size(input),
      rate,
    },
  }),
};

export const dropoutLayer: LayerDef = {
  type: 'dropout',
  label: 'Dropout',
  blurb: 'dropout: randomly silences units while training, against over-fitting',
  example: { type: 'dropout', rate: 0.2 },
  notLast: 'the network has to end in a dense or activation layer',
  gpt: { path: 'transformer.drop', rank: 2 },
  fields: {
    rate: { kind: 'number', min: 0, max: 1, maxOpen: true, required: true, label: 'rate' },
  },
  build(layer, index, b) {
    b.node('dropout', { rate: (layer as unknown as DropoutLayer).rate }, index, `layers[${index}]`);
  },
};
