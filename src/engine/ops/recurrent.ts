/**
 * Recurrent layers (PyTorch `nn.RNN` with tanh, `nn.LSTM`, `nn.GRU`; one layer, batch first,
 * starting from a zero state): they read a sequence [T, D] one step at a time and carry a hidden
 * state of H values from each step to the next, their memory. An RNN computes
 * h(t) = tanh(W_ih·x(t) + b_ih + W_hh·h(t−1) + b_hh); an LSTM adds a memory cell and the gates
 * i, f, g, o that choose what to write, keep and show; a GRU merges them into r, z, n. Weights
 * keep PyTorch's layout and names, `weight_ih_l0` [G·H, D] and `weight_hh_l0` [G·H, H] with the
 * gates stacked in its order, so a model file loads into torch as it is. The output is every
 * step's h, [T, H], or only the last one, [H]. Training runs backpropagation through the whole
 * sequence and records ‖∂L/∂h(t)‖ at every step: the gradient's health along the sequence.
 */
import { HISTORY_CAPACITY } from '../limits.js';
import { showShape, type LayerDef, type OpDef } from './types.js';

export type Cell = 'rnn' | 'lstm' | 'gru';

export interface RecurrentLayer {
  type: Cell;
  hidden: number;
  sequences?: boolean;
}

export interface RecurrentAttrs {
  hidden: number;
  sequences: boolean;
}

/** Longest sequence a recurrent layer backpropagates through. */
export const MAX_STEPS = 128;

const CELLS = {
  rnn: { gates: 1, code: 0, torch: 'RNN' },
  lstm: { gates: 4, code: 1, torch: 'LSTM' },
  gru: { gates: 3, code: 2, torch: 'GRU' },
} as const;

const r4 = (n: number): number => Math.ceil(n / 4) * 4;

/** The pieces of a recurrent layer's work buffer, in the kernel's order (floats each). */
function workPieces(cell: Cell, B: number, T: number, D: number, H: number): [string, number][] {
  const x = r4(T * B * D);
  const th = r4(T * B * H);
  const bh = r4(B * H);
  if (cell === 'rnn') {
    return [
      ['xs', x],
      ['hs', th],
      ['dA', th],
      ['dxs', x],
      ['dh', bh],
    ];
  }
  const gates = r4(T * B * (cell === 'lstm' ? 4 : 3) * H);
  if (cell === 'lstm') {
    return [
      ['xs', x],
      ['gates', gates],
      ['cs', th],
      ['hs', th],
      ['dG', gates],
      ['dxs', x],
      ['dh', bh],
      ['dc', bh],
    ];
  }
  return [
    ['xs', x],
    ['gates', gates],
    ['hn', th],
    ['hs', th],
    ['dGi', gates],
    ['dGh', gates],
    ['dxs', x],
    ['dh', bh],
  ];
}

/**
 * Where each piece of a recurrent layer's work buffer starts for B rows (in floats), and its
 * total: the kernel's time-major copies of the input, its gate values and states for backward,
 * and their gradients (the layouts are in `assembly/ops/rnn.ts`, `lstm.ts`, `gru.ts`; each
 * piece is padded to whole SIMD lanes).
 */
export function workLayout(
  cell: Cell,
  B: number,
  T: number,
  D: number,
  H: number,
): { at: Record<string, number>; floats: number } {
  const at: Record<string, number> = {};
  let floats = 0;
  for (const [name, size] of workPieces(cell, B, T, D, H)) {
    at[name] = floats;
    floats += size;
  }
  return { at, floats };
}

function recurrentOp(cell: Cell): OpDef<RecurrentAttrs> {
  const { gates, code, torch } = CELLS[cell];
  return {
    name: cell,
    infer: ([input], { hidden, sequences }) => {
      if (input!.length !== 2) {
        return `needs a sequence [steps, values per step] as its input, got ${showShape(input!)}`;
      }
      if (input![0]! > MAX_STEPS) {
        return `reads at most ${MAX_STEPS} steps, got ${input![0]}`;
      }
      return sequences ? [input![0]!, hidden] : [hidden];
    },
    params: ({ hidden: H }, [, D]) => {
      const w = (name: string, cols: number, decay: boolean) => ({
        name,
        shape: cols > 0 ? [gates * H, cols] : [gates * H],
        fanIn: H,
        fanOut: gates * H,
        init: 'recurrent' as const,
        decay,
      });
      return [
        w('weight_ih_l0', D!, true),
        w('weight_hh_l0', H, true),
        w('bias_ih_l0', 0, false),
        w('bias_hh_l0', 0, false),
      ];
    },
    saved: (_attrs, [T]) => [
      { name: 'health', shape: [HISTORY_CAPACITY, T!], dtype: 'f32', perRow: false },
    ],
    scratch: ({ hidden }, [T, D], _out, rows) => workLayout(cell, rows, T!, D!, hidden).floats,
    formula: ({ hidden: H }, [, D]) => {
      const n = gates * (H * (D! + H) + 2 * H);
      const inner = `${H}×(${D}+${H}) + 2×${H}`;
      return gates === 1 ? `${inner} = ${n}` : `${gates}×(${inner}) = ${n}`;
    },
    macs: ({ hidden: H }, [T, D]) => T! * gates * H * (D! + H),
    torch: ({ hidden, sequences }, [, D]) =>
      `${torch}(${D}, ${hidden}${sequences ? ', sequences=True' : ''})`,
    recordKind: 'recurrent',
    record: ({ hidden, sequences }, [T, D], _out, at) => ({
      values: {
        cell: code,
        out: at.out,
        work: at.scratch,
        inp: at.inp(),
        wih: at.param('weight_ih_l0'),
        whh: at.param('weight_hh_l0'),
        bih: at.param('bias_ih_l0'),
        bhh: at.param('bias_hh_l0'),
        dout: at.dout,
        dinp: at.dinp(),
        dwih: at.grad('weight_ih_l0'),
        dwhh: at.grad('weight_hh_l0'),
        dbih: at.grad('bias_ih_l0'),
        dbhh: at.grad('bias_hh_l0'),
        health: at.saved('health'),
        T: T!,
        D: D!,
        H: hidden,
        seq: sequences ? 1 : 0,
      },
    }),
  };
}

export const rnnOp = recurrentOp('rnn');
export const lstmOp = recurrentOp('lstm');
export const gruOp = recurrentOp('gru');

const HIDDEN_STEPS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128];

function recurrentLayer(cell: Cell, label: string, blurb: string): LayerDef {
  return {
    type: cell,
    label,
    short: CELLS[cell].torch,
    primary: 'hidden',
    blurb,
    example: { type: cell, hidden: 16, sequences: true },
    widthField: 'hidden',
    fields: {
      hidden: {
        kind: 'int',
        min: 1,
        max: 512,
        required: true,
        label: 'hidden size',
        steps: HIDDEN_STEPS,
      },
      sequences: { kind: 'bool', label: 'every step', default: false, off: 'last step' },
    },
    build(layer, index, b) {
      const l = layer as unknown as RecurrentLayer;
      const attrs: RecurrentAttrs = { hidden: l.hidden, sequences: l.sequences ?? false };
      b.node(cell, attrs, index, `layers[${index}]`);
    },
  };
}

export const rnnLayer = recurrentLayer(
  'rnn',
  'Recurrent layer',
  'a recurrent layer: reads the sequence step by step and carries a memory from one step to the next',
);
export const lstmLayer = recurrentLayer(
  'lstm',
  'LSTM',
  'an LSTM: a recurrent layer with a memory cell and gates that choose what to keep and what to forget',
);
export const gruLayer = recurrentLayer(
  'gru',
  'GRU',
  'a GRU: a lighter gated recurrent layer, with a reset and an update gate',
);
