/**
 * Writes the program the kernel's interpreter (`assembly/program.ts`) runs: a header of
 * pointers, sizes and hyperparameters, one record per graph node (each op's registry entry
 * says what goes in it), the list of record addresses, and the weights the L2 and L1
 * penalties apply to. Field positions come from `records.ts`, generated from the same table as
 * the kernel's.
 */
import { inputShape } from './graph.js';
import { opDef, type RecordContext } from './ops/index.js';
import { OPTIMIZER_CODE, type TrainOptions } from './options.js';
import { recordNodes, type Plan } from './plan.js';
import { H, HEADER_WORDS, RECORDS } from './records.js';
import type { Network } from './spec.js';

export { H } from './records.js';

const LOSS_CODE = { mse: 0, bce: 1, cce: 2 } as const;

/**
 * Fills the `program` tensor. `base` is the arena's absolute address; every pointer written is
 * absolute. Counters (step, cursor, Adam's t and β powers) start at their initial values.
 */
export function writeProgram(
  memory: ArrayBuffer,
  base: number,
  plan: Plan,
  network: Network,
  options: TrainOptions,
  pixelScale = 0,
): number {
  const prog = plan.byName.get('program')!;
  const at = base + prog.offset;
  const words = new Int32Array(memory, at, prog.length);
  const floats = new Float32Array(memory, at, prog.length);
  const f64 = new Float64Array(memory, at, HEADER_WORDS / 2);
  words.fill(0);
  const ptr = (name: string): number => {
    const t = plan.byName.get(name);
    if (!t) throw new Error(`the plan has no tensor "${name}"`);
    return base + t.offset;
  };
  const { graph } = network;
  const output = graph.values[graph.output]!;
  const nodes = recordNodes(graph);

  words[H.NOPS] = nodes.length;
  words[H.BATCH] = options.batch;
  words[H.INPUTS] = network.spec.inputs;
  words[H.TARGET_W] = plan.byName.get('target')!.shape[1]!;
  words[H.LOSS] = LOSS_CODE[network.spec.loss];
  words[H.LOGITS] = ptr(output.name);
  words[H.DLOGITS] = ptr(`${output.name}.grad`);
  words[H.HEAD] = network.spec.loss === 'mse' ? ptr(output.name) : ptr('head');
  words[H.OUT_W] = network.outputs;
  words[H.POSITIONS] = network.positions;
  words[H.XBUF] = ptr('input');
  words[H.YBUF] = ptr('target');
  words[H.PARAMS] = base + plan.regions.params.start;
  words[H.GRADS] = base + plan.regions.grads.start;
  words[H.NPARAM] = plan.paramSlots;
  words[H.ZERO_START] = base + plan.regions.grads.start;
  words[H.ZERO_BYTES] = plan.regions.actGrads.end - plan.regions.grads.start;
  words[H.OPT] = OPTIMIZER_CODE[options.optimizer];
  const state = plan.tensors.filter((t) => t.region === 'optimizer');
  if (state[0]) words[H.OPT_S1] = base + state[0].offset;
  if (state[1]) words[H.OPT_S2] = base + state[1].offset;
  floats[H.LR] = options.lr;
  floats[H.BETA1] =
    options.optimizer === 'momentum'
      ? options.momentum
      : options.optimizer === 'rmsprop'
        ? options.alpha
        : options.beta1;
  floats[H.BETA2] = options.beta2;
  floats[H.EPS] = options.eps;
  floats[H.WD] = options.weightDecay;
  words[H.NESTEROV] = options.nesterov ? 1 : 0;
  floats[H.L2] = options.l2;
  floats[H.L1] = options.l1;
  floats[H.CLIP] = options.clip;
  words[H.RNG] = ptr('rng.train');
  words[H.ORDER] = ptr('order');
  words[H.CURSOR] = plan.byName.get('train.x')!.shape[0]!; // forces a shuffle on the first batch
  words[H.NTRAIN] = plan.byName.get('train.x')!.shape[0]!;
  (['train', 'validation', 'test'] as const).forEach((split, i) => {
    words[H.SPLITS + 3 * i] = ptr(`${split}.x`);
    words[H.SPLITS + 3 * i + 1] = ptr(`${split}.y`);
    words[H.SPLITS + 3 * i + 2] = plan.byName.get(`${split}.x`)!.shape[0]!;
  });
  f64[H.BC1 / 2] = 1;
  f64[H.BC2 / 2] = 1;
  words[H.HIST_LOSS] = ptr('history.loss');
  words[H.HIST_NORM] = ptr('history.gradNorm');
  words[H.HIST_CORRECT] = ptr('history.correct');
  words[H.ROWS] = plan.rows;
  // A yes/no task trained with squared error is still scored as yes/no: output above 0.5 is yes.
  words[H.SCORE] = network.task === 'binary' && network.spec.loss === 'mse' ? 1 : 0;
  words[H.XU8] = pixelScale > 0 ? 1 : 0;
  floats[H.XSCALE] = pixelScale;

  // A value has a gradient exactly when the planner gave it one (a parameter upstream).
  const grad = (name: string): number =>
    plan.byName.has(`${name}.grad`) ? ptr(`${name}.grad`) : 0;
  let cursor = HEADER_WORDS;
  const addresses: number[] = [];
  for (const node of nodes) {
    const def = opDef(node.op);
    const input = inputShape(graph, node);
    const out = graph.values[node.output]!;
    const value = (i: number): string => graph.values[node.inputs[i]!]!.name;
    const named = (name: string): number => ptr(`${node.path}.${name}`);
    const ctx: RecordContext = {
      inp: (i = 0) => ptr(value(i)),
      dinp: (i = 0) => grad(value(i)),
      out: ptr(out.name),
      dout: grad(out.name),
      param: named,
      grad: (name) => named(`${name}.grad`),
      shared: ptr,
      buffer: named,
      saved: named,
      scratch: plan.byName.has(`${node.path}.scratch`) ? named('scratch') : 0,
    };
    const spec = def.record!(node.attrs, input, out.shape, ctx);
    const rec = RECORDS[def.recordKind!];
    const tail = spec.tail ?? [];
    words[cursor] = rec.kind;
    words[cursor + 1] = rec.words + tail.length;
    for (const [field, { at: offset, type }] of Object.entries(rec.fields)) {
      const v = spec.values[field];
      if (v === undefined) throw new Error(`the ${node.op} record has no value for "${field}"`);
      if (type === 'f32') floats[cursor + offset] = v;
      else words[cursor + offset] = v;
    }
    words.set(tail, cursor + rec.words);
    addresses.push(at + cursor * 4);
    cursor += rec.words + tail.length;
  }
  words[H.OPLIST] = at + cursor * 4;
  words.set(addresses, cursor);
  cursor += addresses.length;
  const penalised = plan.params.filter((t) => t.decl.decay);
  words[H.NL2] = penalised.length;
  words[H.L2LIST] = at + cursor * 4;
  penalised.forEach((t, i) => {
    words[cursor + 2 * i] = base + t.offset;
    words[cursor + 2 * i + 1] = t.length;
  });
  return at;
}
