/**
 * Token inputs. `embedding` (PyTorch `nn.Embedding`) looks each id up in a table of V learned
 * vectors of D values: [T] ids become [T, D], so similar symbols can end up with similar vectors.
 * `onehot` writes each id as V values, a 1 at the id and 0 elsewhere ([T] → [T, V]): the same
 * information with nothing learned, what a window MLP or an RNN without an embedding reads.
 * Both must read the network's input, and only token data (ids with a vocabulary) has one.
 */
import { LIMITS } from '../limits.js';
import { showShape, type GraphBuilder, type LayerDef, type OpDef, type Shape } from './types.js';

export interface EmbeddingLayer {
  type: 'embedding';
  dim: number;
}

export interface OnehotLayer {
  type: 'onehot';
}

export interface EmbeddingAttrs {
  vocab: number;
  dim: number;
}

export interface OnehotAttrs {
  vocab: number;
}

/** A sequence of ids, [T]: the input of token data. */
function ids(input: Shape | undefined): string | null {
  return input!.length === 1
    ? null
    : `needs the token ids of the data as its input, got ${showShape(input!)}: put it first`;
}

export const embeddingOp: OpDef<EmbeddingAttrs> = {
  name: 'embedding',
  infer: ([input], { dim }) => ids(input) ?? [input![0]!, dim],
  params: ({ vocab, dim }) => [
    { name: 'weight', shape: [vocab, dim], fanIn: dim, fanOut: vocab, init: 'normal', decay: true },
  ],
  formula: ({ vocab, dim }) => `${vocab}×${dim} = ${vocab * dim}`,
  macs: () => 0,
  torch: ({ vocab, dim }) => `nn.Embedding(${vocab}, ${dim})`,
  recordKind: 'embedding',
  record: ({ vocab, dim }, [T], _out, at) => ({
    values: {
      out: at.out,
      ids: at.inp(),
      weight: at.param('weight'),
      dweight: at.grad('weight'),
      dout: at.dout,
      T: T!,
      V: vocab,
      D: dim,
    },
  }),
};

export const onehotOp: OpDef<OnehotAttrs> = {
  name: 'onehot',
  infer: ([input], { vocab }) => ids(input) ?? [input![0]!, vocab],
  macs: () => 0,
  torch: ({ vocab }) => `OneHot(${vocab})`,
  recordKind: 'onehot',
  record: ({ vocab }, [T], _out, at) => ({
    values: { out: at.out, ids: at.inp(), T: T!, V: vocab },
  }),
};

/** The vocabulary a token layer reads, or an issue when it is not first or the data has none. */
function vocabulary(b: GraphBuilder, index: number, what: string): number | null {
  if (b.vocab === null) {
    b.issue(`layers[${index}]`, `${what} needs text or symbols as its data; this data is numbers`);
    return null;
  }
  if (!b.atInput) {
    b.issue(`layers[${index}]`, `${what} must be the first layer: it reads the symbols themselves`);
    return null;
  }
  return b.vocab;
}

export const embeddingLayer: LayerDef = {
  type: 'embedding',
  label: 'Embedding',
  short: 'Embed',
  primary: 'dim',
  blurb: 'an embedding: every symbol gets a learned list of numbers that stands for it',
  example: { type: 'embedding', dim: 16 },
  widthField: 'dim',
  gpt: { path: 'transformer.wte', rank: 0 },
  fields: {
    dim: {
      kind: 'int',
      min: 1,
      max: LIMITS.maxUnits,
      required: true,
      label: 'size',
      steps: [2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128],
    },
  },
  build(layer, index, b) {
    const vocab = vocabulary(b, index, 'an embedding');
    if (vocab === null) return;
    const attrs: EmbeddingAttrs = { vocab, dim: (layer as unknown as EmbeddingLayer).dim };
    b.node('embedding', attrs, index, `layers[${index}]`);
  },
};

export const onehotLayer: LayerDef = {
  type: 'onehot',
  label: 'One-hot',
  blurb: 'one-hot: writes each symbol as a row of zeros with a single 1 at its place',
  example: { type: 'onehot' },
  fields: {},
  build(_layer, index, b) {
    const vocab = vocabulary(b, index, 'one-hot');
    if (vocab !== null) b.node('onehot', { vocab }, index, `layers[${index}]`);
  },
};
