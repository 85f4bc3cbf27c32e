/**
 * `posenc`: positional encodings. Attention on its own treats a sequence as a bag of symbols:
 * nothing tells it which came first. Adding a different vector at every position fixes that:
 * a `learned` table [T, D] (GPT's `wpe`, an `nn.Embedding(T, D)` looked up at 0…T−1) or the
 * fixed `sinusoidal` one of "Attention is all you need" (sines and cosines of falling
 * frequencies, nothing to learn). The shape stays [T, D].
 */
import { type LayerDef, type OpDef } from './types.js';

export const POSENC_KINDS = ['learned', 'sinusoidal'] as const;
export type PosencKind = (typeof POSENC_KINDS)[number];

export interface PosencLayer {
  type: 'posenc';
  kind?: PosencKind;
}

export interface PosencAttrs {
  kind: PosencKind;
}

export const posencOp: OpDef<PosencAttrs> = {
  name: 'posenc',
  infer: ([input]) =>
    input!.length === 2
      ? input!
      : 'needs a sequence [steps, features]: put it right after the embedding',
  params: ({ kind }, [T, D]) =>
    kind === 'learned'
      ? [{ name: 'weight', shape: [T!, D!], fanIn: D!, fanOut: T!, init: 'normal', decay: true }]
      : [],
  scratch: ({ kind }, [T, D]) => (kind === 'sinusoidal' ? T! * D! : 0),
  formula: (_a, [T, D]) => `${T}×${D} = ${T! * D!}`,
  macs: () => 0,
  torch: ({ kind }, [T, D]) =>
    kind === 'learned' ? `nn.Embedding(${T}, ${D})` : `SinusoidalPositions(${T}, ${D})`,
  recordKind: 'posenc',
  record: ({ kind }, [T, D], _out, at) => ({
    values: {
      out: at.out,
      inp: at.inp(),
      table: kind === 'learned' ? at.param('weight') : at.scratch,
      dout: at.dout,
      dinp: at.dinp(),
      dtable: kind === 'learned' ? at.grad('weight') : 0,
      sinusoid: kind === 'learned' ? 0 : 1,
      T: T!,
      D: D!,
    },
  }),
};

export const posencLayer: LayerDef = {
  type: 'posenc',
  label: 'Positional encoding',
  short: 'Positions',
  blurb: 'positional encoding: adds a different pattern at every position, so order can matter',
  example: { type: 'posenc', kind: 'learned' },
  fields: {
    kind: { kind: 'choice', of: POSENC_KINDS, label: 'kind' },
  },
  gpt: { path: 'transformer.wpe', rank: 1 },
  build(layer, index, b) {
    const kind = (layer as unknown as PosencLayer).kind ?? 'learned';
    b.node('posenc', { kind }, index, `layers[${index}]`);
  },
};
