/**
 * `flatten` (PyTorch `nn.Flatten`): an image [C, H, W] read as one vector of C·H·W values, in
 * that order, so a dense layer can take it. It moves nothing: the output is the input's buffer.
 */
import { size, type LayerDef, type OpDef } from './types.js';

export interface FlattenLayer {
  type: 'flatten';
}

export const flattenOp: OpDef<Record<string, never>> = {
  name: 'flatten',
  alias: true,
  infer: ([input]) => [size(input!)],
  macs: () => 0,
  torch: () => 'nn.Flatten()',
};

export const flattenLayer: LayerDef = {
  type: 'flatten',
  label: 'Flatten',
  blurb: 'flatten: reads an image as one long list of numbers, for a dense layer',
  example: { type: 'flatten' },
  fields: {},
  build(_layer, index, b) {
    b.node('flatten', {}, index, `layers[${index}]`);
  },
};
