/**
 * What the workbench says about a network while it is being built: the facts each block shows
 * (shape, parameters, formula) from the engine's summary, shapes even while the output width is
 * still wrong, and the engine's messages with layers counted from 1 as the stack shows them.
 */
import { buildNetwork, type ModelSpec, type Network, type TaskShape } from '../../engine/spec.js';
import type { BlockInfo } from './layer-block.js';

/** Engine messages name `layers[2]`; the player counts layers from 1 as the stack shows them. */
export function tidy(issue: string): string {
  // "layers[0] a 5×5 filter … does not fit": a noun follows, so the layer gets a colon.
  return issue
    .replace(/layers\[(\d+)\] (?=an? \d)/g, (_m, i: string) => `Layer ${Number(i) + 1}: `)
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
  // A layer with an activation is two modules: the weighted one carries the count.
  const weighted = rows.find((r) => r.params > 0);
  const last = rows[rows.length - 1]!;
  return {
    shape: last.outputShape,
    params: weighted?.params ?? 0,
    formula: weighted?.formula ?? '0',
  };
}
