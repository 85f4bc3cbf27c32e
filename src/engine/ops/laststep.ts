/**
 * `laststep`: the last position of a sequence, [T, D] → [D] (nanoGPT's `x[:, -1]`). A
 * transformer block with "every step" off ends on it, so a network that reads a whole sequence
 * can give one answer per example; with a causal mask that position has seen everything.
 */
import { type OpDef } from './types.js';

export const laststepOp: OpDef<Record<string, never>> = {
  name: 'laststep',
  infer: ([input]) => (input!.length === 2 ? [input![1]!] : 'needs a sequence [steps, features]'),
  macs: () => 0,
  torch: () => 'LastStep()',
  recordKind: 'laststep',
  record: (_a, [T, D], _out, at) => ({
    values: { out: at.out, inp: at.inp(), dout: at.dout, dinp: at.dinp(), T: T!, D: D! },
  }),
};
