/**
 * The op registry: every op type of the graph and every layer type a spec may name, each
 * declared once in its own file. Adding an op is one entry here, one file beside this one, one
 * forward/backward pair in `assembly/ops/` with its scalar twin, and one gradient test.
 */
import { activationLayer, activationOp } from './activation.js';
import { addLayer, addOp } from './add.js';
import { batchnormLayer, batchnormOp } from './batchnorm.js';
import { conv2dLayer, conv2dOp } from './conv2d.js';
import { denseLayer, denseOp } from './dense.js';
import { dropoutLayer, dropoutOp } from './dropout.js';
import { embeddingLayer, embeddingOp, onehotLayer, onehotOp } from './embedding.js';
import { featuresOp } from './features.js';
import { flattenLayer, flattenOp } from './flatten.js';
import { avgpool2dLayer, avgpool2dOp, maxpool2dLayer, maxpool2dOp } from './pool.js';
import { attentionOp } from './attention.js';
import { laststepOp } from './laststep.js';
import { layernormLayer, layernormOp } from './layernorm.js';
import { posencLayer, posencOp } from './posenc.js';
import { transformerLayer } from './transformer.js';
import { gruLayer, gruOp, lstmLayer, lstmOp, rnnLayer, rnnOp } from './recurrent.js';
import type { LayerDef, OpDef } from './types.js';

/** Op types by name: what a graph node is. */
export const OPS = {
  dense: denseOp,
  activation: activationOp,
  dropout: dropoutOp,
  features: featuresOp,
  conv2d: conv2dOp,
  maxpool2d: maxpool2dOp,
  avgpool2d: avgpool2dOp,
  batchnorm: batchnormOp,
  flatten: flattenOp,
  add: addOp,
  embedding: embeddingOp,
  onehot: onehotOp,
  rnn: rnnOp,
  lstm: lstmOp,
  gru: gruOp,
  layernorm: layernormOp,
  posenc: posencOp,
  attention: attentionOp,
  laststep: laststepOp,
} as const satisfies Record<string, OpDef<never>>;
export type OpName = keyof typeof OPS;

/** Layer types a spec may name, in the workbench palette's order. */
export const LAYERS = {
  dense: denseLayer,
  activation: activationLayer,
  dropout: dropoutLayer,
  conv2d: conv2dLayer,
  maxpool2d: maxpool2dLayer,
  avgpool2d: avgpool2dLayer,
  batchnorm: batchnormLayer,
  flatten: flattenLayer,
  add: addLayer,
  embedding: embeddingLayer,
  onehot: onehotLayer,
  rnn: rnnLayer,
  lstm: lstmLayer,
  gru: gruLayer,
  layernorm: layernormLayer,
  posenc: posencLayer,
  transformer: transformerLayer,
} as const satisfies Record<string, LayerDef>;
export type LayerType = keyof typeof LAYERS;
export const LAYER_TYPES = Object.keys(LAYERS) as LayerType[];

/** The op type of a node, typed loosely: its attributes were made by the op's own layer. */
export function opDef(name: string): OpDef<unknown> {
  const def = (OPS as Record<string, OpDef<never>>)[name];
  if (!def) throw new Error(`unknown op type "${name}"`);
  return def as unknown as OpDef<unknown>;
}

export type { DenseLayer } from './dense.js';
export type { ActivationLayer } from './activation.js';
export type { DropoutLayer } from './dropout.js';
export type { Conv2dLayer } from './conv2d.js';
export type { PoolLayer } from './pool.js';
export type { BatchnormLayer } from './batchnorm.js';
export type { FlattenLayer } from './flatten.js';
export type { AddLayer } from './add.js';
export type { EmbeddingLayer, OnehotLayer } from './embedding.js';
export type { RecurrentLayer } from './recurrent.js';
export type { LayernormLayer } from './layernorm.js';
export type { PosencLayer } from './posenc.js';
export type { TransformerLayer } from './transformer.js';
export * from './types.js';
