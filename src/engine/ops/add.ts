/**
 * `add`: a residual connection. The current value plus the output of an earlier layer (`from`,
 * its index in the spec's layers), of the same shape: the block before it only has to learn a
 * correction, and gradients reach early layers through the sum unchanged.
 */
import { LIMITS } from '../limits.js';
import { showShape, size, type LayerDef, type OpDef } from './types.js';

export interface AddLayer {
  type: 'add';
  from: number;
}

export interface AddAttrs {
  from: number;
}

export const addOp: OpDef<AddAttrs> = {
  name: 'add',
  infer: ([a, b], { from }) =>
    a!.length === b!.length && a!.every((d, i) => d === b![i])
      ? a!
      : `adds layers[${from}]'s output ${showShape(b!)} to a value of shape ${showShape(a!)}: the shapes must be the same`,
  macs: () => 0,
  torch: ({ from }) => `the sum of its input and layers[${from}]'s output (x + skip)`,
  recordKind: 'add',
  record: (_a, input, _out, at) => ({
    values: {
      out: at.out,
      a: at.inp(0),
      b: at.inp(1),
      dout: at.dout,
      da: at.dinp(0),
      db: at.dinp(1),
      width: size(input),
    },
  }),
};

export const addLayer: LayerDef = {
  type: 'add',
  label: 'Add (residual)',
  blurb: "a residual connection: adds an earlier layer's output to this one",
  example: { type: 'add', from: 0 },
  fields: {
    from: { kind: 'int', min: 0, max: LIMITS.maxLayers - 1, required: true, label: 'from layer' },
  },
  build(layer, index, b) {
    const from = (layer as unknown as AddLayer).from;
    const skip = b.layerOutput(from);
    if (from >= index || skip === undefined) {
      b.issue(
        `layers[${index}].from`,
        `must be the index of an earlier layer (0 to ${index - 1}), got ${from}`,
      );
      return;
    }
    b.node('add', { from }, index, `layers[${index}]`, [b.current, skip]);
  },
};
