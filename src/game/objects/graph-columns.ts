/**
 * What the network graph of a 2-D task draws, read from the learner's summary: one column for
 * the inputs (the data's two coordinates, or the chosen feature inputs), then one per dense
 * layer; for each column the activation tensor whose values its neurons' maps show (a layer's
 * output after its activation), and each dense layer's parameter names.
 */
import { FEATURE_LABELS, type ModelSpec } from '../../engine/spec.js';
import type { LearnerInfo } from '../../engine/trainer.js';
import type { GraphColumn } from './network-graph.js';

export interface GraphPlan {
  columns: GraphColumn[];
  /** Probe tensor per column; null for the raw inputs, whose maps are the grid's coordinates. */
  tensors: (string | null)[];
  /** Per dense layer: the module whose `.weight` and `.bias` the edges and squares show. */
  modules: number[];
}

/** Plain labels of the two raw inputs, as Playground writes them. */
const RAW_INPUTS = ['x₁', 'x₂'];

export function graphPlan(info: LearnerInfo, spec: ModelSpec): GraphPlan {
  const names = new Set(info.tensors.map((t) => t.name));
  const inputNames = spec.features ? spec.features.map((f) => FEATURE_LABELS[f]) : RAW_INPUTS;
  const columns: GraphColumn[] = [{ title: 'inputs', units: inputNames.length, names: inputNames }];
  const tensors: (string | null)[] = [spec.features ? 'features' : null];
  const modules: number[] = [];
  const rows = info.summary;
  const dense = rows.filter((r) => r.kind === 'dense');
  const classNames = info.data.classNames;
  dense.forEach((d, k) => {
    const start = rows.indexOf(d);
    const next = rows.findIndex((r, i) => i > start && r.kind === 'dense');
    const group = rows.slice(start, next < 0 ? rows.length : next);
    const last = [...group].reverse().find((r) => names.has(`${r.module}.out`)) ?? d;
    const units = d.outputShape[0] ?? 1;
    const output = k === dense.length - 1;
    columns.push({
      title: output ? 'output' : `layer ${k + 1}`,
      units,
      names: Array.from({ length: units }, (_, i) =>
        !output
          ? `layer ${k + 1}, neuron ${i + 1}`
          : units > 1
            ? `the output for ${classNames?.[i] ?? `class ${i}`}`
            : 'the output',
      ),
    });
    tensors.push(`${last.module}.out`);
    modules.push(d.module);
  });
  return { columns, tensors, modules };
}
