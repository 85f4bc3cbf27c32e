/**
 * What the workbench says about a network while it is being built: the facts each block shows
 * (shape, parameters, formula, multiply-adds) from the engine's summary, shapes even while the output width is
 * still wrong, and the engine's messages with layers counted from 1 as the stack shows them;
 * `assessDraft` gathers them all for one redraw.
 */
import {
  LAYERS,
  SpecError,
  buildNetwork,
  type ModelSpec,
  type Network,
  type TaskShape,
} from '../../engine/spec.js';
import { activationFloats } from '../../engine/plan.js';
import { checkSpec, type WorkbenchRules } from '../../levels/rules.js';
import type { BlockInfo } from './layer-block.js';

/** Engine messages name `layers[2]`; the player counts layers from 1 as the stack shows them. */
export function tidy(issue: string): string {
  // "layers[0] a 5×5 filter … does not fit", "layers[2] an embedding must be the first layer":
  // a noun follows, so the layer gets a colon ("needs …", "must …" read on without one).
  return issue
    .replace(/layers\[(\d+)\] (?=an? |one-hot )/g, (_m, i: string) => `Layer ${Number(i) + 1}: `)
    .replace(/layers\[(\d+)\](\.(\w+))?/g, (_m, i: string, _d, field?: string) => {
      const n = Number(i) + 1;
      return field ? `Layer ${n}'s ${field}` : `Layer ${n}`;
    });
}

/**
 * Shapes for display while the network is not yet valid (e.g. the output width is being edited):
 * the same `buildNetwork`, asked to accept whatever the last layer gives as a regression.
 */
export function relaxedBuild(spec: ModelSpec, shape: TaskShape): Network | null {
  const units = [...spec.layers].reverse().find((l) => l.type === 'dense');
  if (!units || units.type !== 'dense') return null;
  try {
    return buildNetwork(
      { ...spec, loss: 'mse' },
      { ...shape, outputs: units.units, task: 'regression' },
    );
  } catch {
    return null;
  }
}

/** The facts a block shows, from the summary rows of spec layer `i`. */
export function blockInfo(network: Network, i: number): BlockInfo | null {
  const rows = network.summary.filter((r) => r.layer === i);
  if (!rows.length) return null;
  // A layer with an activation is two modules: the weighted one carries the count. A layer of
  // several weighted modules (a transformer block) counts them all, with its own formula.
  const weighted = rows.filter((r) => r.params > 0);
  const last = rows[rows.length - 1]!;
  const params = weighted.reduce((sum, r) => sum + r.params, 0);
  const layer = network.spec.layers[i];
  const own = layer && weighted.length > 1 ? LAYERS[layer.type].formula : undefined;
  const width = last.outputShape[last.outputShape.length - 1]!;
  return {
    shape: last.outputShape,
    params,
    formula: own
      ? own(layer as unknown as Record<string, unknown>, width)
      : (weighted[0]?.formula ?? '0'),
    // The activation's module computes no multiply-adds; a batch norm's scale and shift do.
    macs: rows.reduce((sum, r) => sum + r.macs, 0),
  };
}

/** Megabytes in words: "0.52 MB", "12 MB". */
function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb < 10 ? mb.toPrecision(2) : Math.round(mb)} MB`;
}

/** What a context costs: bytes a training batch needs at `steps`, and at twice as many. */
export interface ContextMemory {
  steps: number;
  bytes: number;
  twiceBytes: number;
}

/**
 * For sequence data: the memory a training batch needs (each example's values and what the ops
 * keep for the backward pass, and their gradients), and the same at twice the context, so the
 * cost of a longer context shows: twice for per-step layers, up to four times where attention's
 * T×T weights dominate. Null without sequence data or a network that builds at twice the context.
 */
export function contextMemory(
  network: Network,
  shape: TaskShape,
  batch: number,
): ContextMemory | null {
  const seq = shape.sequence;
  if (!seq) return null;
  const bytes = (n: Network): number => 2 * 4 * batch * activationFloats(n);
  const T = seq.steps;
  // The spec without its input count, which the data fixes (and twice the context doubles).
  const { layers, features, loss } = network.spec;
  const spec: ModelSpec = { layers, ...(features ? { features } : {}), ...(loss ? { loss } : {}) };
  try {
    const twice = buildNetwork(spec, {
      ...shape,
      inputs: (shape.inputs / T) * 2 * T,
      sequence: { ...seq, steps: 2 * T },
    });
    return { steps: T, bytes: bytes(network), twiceBytes: bytes(twice) };
  } catch {
    return null;
  }
}

/** `contextMemory` in words, under the stack. */
export function contextLine(network: Network, shape: TaskShape, batch: number): string | null {
  const m = contextMemory(network, shape, batch);
  if (!m) return null;
  const unit = shape.sequence?.vocab !== undefined ? 'symbols' : 'steps';
  return `Context: ${m.steps} ${unit} · a batch of ${batch} needs ${megabytes(m.bytes)} to train; ${2 * m.steps} ${unit} would need ${megabytes(m.twiceBytes)}`;
}

/** What the workbench shows about a draft network: its build, its problems, each layer's own. */
export interface Assessment {
  /** The network as built (relaxed while only the output is wrong), or null: no shapes at all. */
  network: Network | null;
  /** Every problem, in words, in the order listed: the level's rules, the batch, the engine. */
  problems: string[];
  /** Per spec layer index: the engine's problem with that layer, in words. */
  perLayer: Map<number, string>;
}

/**
 * Checks a draft against the level's rules (budgets included), the training rows (a batch may
 * not be larger, once they are known) and the engine's shape checks; builds what can be built.
 */
export function assessDraft(
  rules: WorkbenchRules,
  shape: TaskShape | null,
  spec: ModelSpec,
  batch: number,
  trainRows: number | null,
): Assessment {
  const problems = checkSpec(rules, spec);
  if (trainRows !== null && batch > trainRows) {
    problems.push(
      `The batch of ${batch} is larger than the ${trainRows} training rows; make it ${trainRows} or less.`,
    );
  }
  const perLayer = new Map<number, string>();
  if (!shape) {
    problems.push('The data could not be read; go back and pick it again.');
    return { network: null, problems, perLayer };
  }
  try {
    return { network: buildNetwork(spec, shape), problems, perLayer };
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    for (const issue of error.issues) {
      const m = /^layers\[(\d+)\]/.exec(issue);
      if (m) perLayer.set(Number(m[1]), tidy(issue.replace(/^layers\[\d+\](\.\w+)?\s*/, '')));
      problems.push(tidy(issue));
    }
    return { network: relaxedBuild(spec, shape), problems, perLayer };
  }
}
