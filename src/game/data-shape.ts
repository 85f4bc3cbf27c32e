/**
 * The shape of a data request — inputs, outputs and kind of task — known on the main thread
 * before any learner exists, so the Workbench can call `buildNetwork` on every edit (shapes,
 * parameter counts and formulas come from the engine, never from the scene). Generators and
 * bundled sets publish their shapes in their registries; a player's CSV is parsed once with
 * the same `parseCsv` the worker uses, and a player's text laid out with `textShape`, so both
 * agree.
 */
import { DataError, namedDataShape, parseCsv, textShape } from '../data/index.js';
import { sequenceShape } from '../engine/learner-types.js';
import type { TaskShape } from '../engine/spec.js';
import type { DataRequest } from '../engine/trainer.js';

/** Inputs/outputs/task of a request; throws the parser's DataError for a bad CSV or name. */
export function dataShape(request: DataRequest): TaskShape {
  if ('csv' in request) {
    const t = parseCsv(request.csv, { target: request.target, name: request.fileName });
    return { inputs: t.inputs, outputs: t.outputs, task: t.task, dataName: t.name };
  }
  if ('text' in request) {
    const name = request.fileName ?? 'text';
    const t = textShape(request.text, { name, ...(request.steps ? { steps: request.steps } : {}) });
    const sequence = sequenceShape(t.sequence);
    return { inputs: t.inputs, outputs: t.outputs, task: t.task, dataName: name, sequence };
  }
  const shape = namedDataShape(request.name, request);
  if (!shape) throw new DataError(`unknown data set "${request.name}"`);
  return shape;
}
