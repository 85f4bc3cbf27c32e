/**
 * The shape of a data request — inputs, outputs and kind of task — known on the main thread
 * before any learner exists, so the Workbench can call `buildNetwork` on every edit (shapes,
 * parameter counts and formulas come from the engine, never from the scene). Generators and
 * bundled sets publish their shapes in their registries; a player's CSV is parsed once with
 * the same `parseCsv` the worker uses, so both agree.
 */
import { BUNDLED_SHAPES, isBundledName } from '../data/bundled.js';
import { parseCsv } from '../data/csv.js';
import { GENERATORS, GENERATOR_DEFAULTS, isGeneratorName } from '../data/generators.js';
import type { TaskShape } from '../engine/spec.js';
import type { DataRequest } from '../engine/trainer.js';

/** Inputs/outputs/task of a request; throws the parser's DataError for a bad CSV or name. */
export function dataShape(request: DataRequest): TaskShape {
  if ('csv' in request) {
    const t = parseCsv(request.csv, { target: request.target, name: request.fileName });
    return { inputs: t.inputs, outputs: t.outputs, task: t.task, dataName: t.name };
  }
  const { name } = request;
  if (isGeneratorName(name)) {
    const task = GENERATORS[name].task;
    const arms = (request as { arms?: number }).arms ?? GENERATOR_DEFAULTS.spiral.arms ?? 3;
    return {
      inputs: name === 'line' ? 1 : 2,
      outputs: task === 'multiclass' ? arms : 1,
      task,
      dataName: name,
    };
  }
  if (isBundledName(name)) {
    const s = BUNDLED_SHAPES[name];
    return {
      inputs: s.inputs,
      outputs: s.task === 'multiclass' ? (s.classes ?? 2) : 1,
      task: s.task,
      dataName: name,
    };
  }
  throw new Error(`unknown data set "${name}"`);
}
