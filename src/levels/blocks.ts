/**
 * The layer types a level may offer as blocks besides dense layers and activations (which have
 * rules of their own): dropout, and every type the op registry adds (convolution, pooling …),
 * each switched on in a level's `blocks` by its type name.
 */
import { LAYER_TYPES, type LayerType } from '../engine/ops/index.js';

export const EXTRA_BLOCKS = LAYER_TYPES.filter((t) => t !== 'dense' && t !== 'activation');
/** The registry's layer types a level offers with `blocks.<type>: true` (dropout is required). */
export type ExtraBlock = Exclude<LayerType, 'dense' | 'activation' | 'dropout'>;
