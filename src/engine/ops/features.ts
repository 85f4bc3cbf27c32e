/**
 * `features`: TensorFlow Playground's input features (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂), a
 * fixed expansion of a row's two coordinates before the first layer, with no parameters and no
 * gradient (nothing upstream learns). Not a layer: the spec's `features` list adds it.
 */
import { FEATURES, type FeatureName } from '../spec-base.js';
import type { OpDef } from './types.js';

export interface FeaturesAttrs {
  features: readonly FeatureName[];
}

export const featuresOp: OpDef<FeaturesAttrs> = {
  name: 'features',
  infer: ([input], { features }) =>
    input!.length === 1 && input![0] === 2
      ? [features.length]
      : 'needs data with 2 inputs (x1, x2)',
  macs: () => 0,
  torch: () => 'the input features are computed from x1, x2 before the network',
  recordKind: 'features',
  tailWords: ({ features }) => features.length,
  record: ({ features }, _in, _out, at) => ({
    values: { out: at.out, inp: at.inp(), K: features.length },
    tail: features.map((f) => FEATURES.indexOf(f)),
  }),
};
