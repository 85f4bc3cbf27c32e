/**
 * What a model file brings back into a learner, and its checks before the learner takes it:
 * the parameters by name and shape, and the training state besides them (the optimizer's
 * buffers, the training random stream, the shuffle order and the counters), so 1000 steps, save,
 * load, 1000 more give the same weights as 2000 in one go, and parameters of another network or
 * state saved for another optimizer or other data are refused with the field named.
 */
import { formatShort as fmt } from './format.js';
import { LIMITS, clip } from './limits.js';
import { OPTIMIZER_STATE, type OptimizerName } from './options.js';
import type { Plan, Tensor } from './plan.js';
import { H, HEADER_WORDS } from './records.js';
import { Issues, checkInt } from './spec.js';

/** A parameter tensor as a model file hands it in. */
export interface StateDictEntry {
  name: string;
  shape: readonly number[];
  values: ArrayLike<number>;
}

/**
 * Checks parameters for a learner with `plan`, and the step count to set (0 to
 * `LIMITS.maxStepCount`), and returns them by name. Throws a SpecError listing every problem:
 * a parameter missing, misshapen, of the wrong length or not finite, and tensors the network
 * does not have (the first ten named).
 */
export function checkStateDict(
  entries: readonly StateDictEntry[],
  step: number,
  plan: Plan,
): Map<string, StateDictEntry> {
  const issues = new Issues();
  checkInt(issues, 'step', step, 0, LIMITS.maxStepCount);
  const given = new Map(entries.map((e) => [e.name, e]));
  for (const t of plan.params) {
    const e = given.get(t.name);
    if (!e) {
      issues.add(`params`, `lack "${t.name}" (shape [${t.shape.join(', ')}])`);
    } else if (!sameShape(e.shape, t.shape)) {
      issues.add(
        `params["${t.name}"]`,
        `must have shape [${t.shape.join(', ')}], got [${e.shape.join(', ')}]`,
      );
    } else if (e.values.length !== t.length) {
      issues.add(`params["${t.name}"]`, `must hold ${t.length} values, got ${e.values.length}`);
    } else {
      for (let i = 0; i < e.values.length; i++) {
        if (!Number.isFinite(e.values[i])) {
          issues.add(`params["${t.name}"]`, `value ${i} is not a finite number`);
          break;
        }
      }
    }
  }
  const known = new Set(plan.params.map((t) => t.name));
  const foreign = [...given.keys()].filter((name) => !known.has(name));
  for (const name of foreign.slice(0, 10)) {
    issues.add(
      `params["${clip(name)}"]`,
      `is not a parameter of this network (it has ${plan.params.map((t) => t.name).join(', ')})`,
    );
  }
  if (foreign.length > 10) {
    issues.add('params', `hold ${foreign.length - 10} more tensors this network does not have`);
  }
  issues.throwIfAny();
  return given;
}

/**
 * Everything besides the parameters and the step count that the next training step depends on:
 * what a model file keeps so that training can continue exactly where it stopped. Produced by
 * `trainingState`, applied by `loadTrainingState`.
 */
export interface TrainingState {
  /** The optimizer the buffers belong to. */
  optimizer: OptimizerName;
  /** Updates the Adam/AdamW state has taken (PyTorch's `step` of the optimizer state); else 0. */
  t: number;
  /** Adam's running products β1^t and β2^t (float64) for the bias corrections; 1 at the start. */
  beta1Power: number;
  beta2Power: number;
  /** Position of the next batch's first row in `order`; the training row count means "reshuffle first". */
  cursor: number;
  /** The training random stream (dropout masks and shuffles): xoshiro128** state, four uint32 words. */
  rng: number[];
  /** The current shuffled order of the training rows: a permutation of 0 … rows − 1. */
  order: Int32Array;
  /** The optimizer's buffers (`OPTIMIZER_STATE`), one entry per buffer and parameter. */
  buffers: Array<{ buffer: string; param: string; shape: number[]; values: Float32Array }>;
}

/**
 * Checks a training state against a learner's optimizer, parameters and training rows, and
 * returns each buffer's values by `buffer/param` key with the parameter it belongs to. Throws a
 * SpecError listing every problem: another optimizer, a shuffle order that is not a permutation
 * of these rows (state saved for other data), buffers missing, doubled, misshapen or not finite.
 */
export function checkTrainingState(
  state: TrainingState,
  optimizer: OptimizerName,
  params: readonly Tensor[],
  rows: number,
): Map<string, { param: Tensor; given: Float32Array }> {
  const issues = new Issues();
  if (state.optimizer !== optimizer) {
    issues.add(
      'state.optimizer',
      `is ${JSON.stringify(clip(String(state.optimizer)))}, but this run trains with ${optimizer}: saved optimizer state can only continue the optimizer it belongs to`,
    );
  }
  checkInt(issues, 'state.t', state.t, 0, LIMITS.maxStepCount);
  for (const key of ['beta1Power', 'beta2Power'] as const) {
    const v = state[key];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      issues.add(`state.${key}`, `must be a number from 0 to 1, got ${fmt(Number(v))}`);
    }
  }
  checkInt(issues, 'state.cursor', state.cursor, 0, rows);
  if (
    !Array.isArray(state.rng) ||
    state.rng.length !== 4 ||
    state.rng.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)
  ) {
    issues.add('state.rng', 'must be four integers from 0 to 4294967295');
  } else if (state.rng.every((w) => w === 0)) {
    issues.add('state.rng', 'must not be all zero (a random stream never leaves that state)');
  }
  if (state.order.length !== rows) {
    issues.add(
      'state.order',
      `holds ${state.order.length} rows, but the training split has ${rows}: this state was saved for other data`,
    );
  } else {
    const seen = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      const row = state.order[i]!;
      if (!Number.isInteger(row) || row < 0 || row >= rows || seen[row]) {
        issues.add(
          'state.order',
          `must list each training row 0 to ${rows - 1} once; entry ${i} is ${row}`,
        );
        break;
      }
      seen[row] = 1;
    }
  }
  const wanted = new Map<string, Tensor>();
  for (const buffer of OPTIMIZER_STATE[optimizer]) {
    for (const p of params) wanted.set(`${buffer}/${p.name}`, p);
  }
  const given = new Map<string, TrainingState['buffers'][number]>();
  let foreign = 0;
  for (const b of state.buffers) {
    const path = `state.buffers.${clip(b.buffer)}["${clip(b.param)}"]`;
    const key = `${b.buffer}/${b.param}`;
    const p = wanted.get(key);
    if (!p) {
      // Every unknown buffer refuses the state; the first ten are named.
      if (++foreign <= 10) {
        issues.add(
          path,
          `is not a state buffer of ${optimizer} on this network (it keeps ${OPTIMIZER_STATE[optimizer].join(', ') || 'none'} for ${params.map((t) => t.name).join(', ')})`,
        );
      }
      continue;
    }
    if (given.has(key)) {
      issues.add(path, 'is given twice');
    } else if (!sameShape(b.shape, p.shape)) {
      issues.add(path, `must have shape [${p.shape.join(', ')}], got [${b.shape.join(', ')}]`);
    } else if (b.values.length !== p.length) {
      issues.add(path, `must hold ${p.length} values, got ${b.values.length}`);
    } else if (!b.values.every(Number.isFinite)) {
      issues.add(path, 'must hold finite numbers only');
    }
    given.set(key, b);
  }
  if (foreign > 10) {
    issues.add('state.buffers', `hold ${foreign - 10} more buffers this network does not have`);
  }
  for (const [key, p] of wanted) {
    if (!given.has(key)) {
      const [buffer] = key.split('/');
      issues.add(`state.buffers.${buffer}`, `lack "${p.name}" (shape [${p.shape.join(', ')}])`);
    }
  }
  issues.throwIfAny();
  const out = new Map<string, { param: Tensor; given: Float32Array }>();
  for (const [key, param] of wanted) out.set(key, { param, given: given.get(key)!.values });
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Checks non-trainable buffers (batch-norm running statistics) for a learner with `plan` and
 * returns them by name: every buffer of the network present with its shape, finite, a running
 * variance never negative and a batch count never negative; nothing else.
 */
export function checkBuffers(
  entries: readonly StateDictEntry[],
  plan: Plan,
): Map<string, StateDictEntry> {
  const issues = new Issues();
  const given = new Map(entries.map((e) => [e.name, e]));
  for (const t of plan.buffers) {
    const e = given.get(t.name);
    const path = `buffers["${t.name}"]`;
    if (!e) {
      issues.add('buffers', `lack "${t.name}" (shape [${t.shape.join(', ')}])`);
    } else if (!sameShape(e.shape, t.shape) || e.values.length !== t.length) {
      issues.add(path, `must have shape [${t.shape.join(', ')}], got [${e.shape.join(', ')}]`);
    } else {
      const floor = t.name.endsWith('running_var') || t.dtype === 'i32' ? 0 : -Infinity;
      const what = t.dtype === 'i32' ? 'an integer' : 'a finite number';
      for (let i = 0; i < e.values.length; i++) {
        const v = e.values[i]!;
        const ok = t.dtype === 'i32' ? Number.isInteger(v) : Number.isFinite(v);
        if (!ok || v < floor) {
          issues.add(path, `value ${i} must be ${what}${floor === 0 ? ' ≥ 0' : ''}, got ${v}`);
          break;
        }
      }
    }
  }
  const known = new Set(plan.buffers.map((t) => t.name));
  for (const name of [...given.keys()].filter((n) => !known.has(n)).slice(0, 10)) {
    const has = plan.buffers.map((t) => t.name).join(', ') || 'none';
    issues.add(`buffers["${clip(name)}"]`, `is not a buffer of this network (it has ${has})`);
  }
  issues.throwIfAny();
  return given;
}

/**
 * The optimizer state and the training counters as they are in arena memory, live or in a
 * snapshot's copy: `view` gives each tensor of the state range (`program`, `optimizer.*`,
 * `rng.train`, `order`).
 */
export function readTrainingState(
  plan: Plan,
  optimizer: OptimizerName,
  view: (name: string) => Float32Array | Int32Array | Uint8Array,
): TrainingState {
  const program = view('program') as Int32Array;
  const f64 = new Float64Array(program.buffer, program.byteOffset, HEADER_WORDS / 2);
  const buffers: TrainingState['buffers'] = [];
  for (const buffer of OPTIMIZER_STATE[optimizer]) {
    const block = view(`optimizer.${buffer}`) as Float32Array;
    for (const p of plan.params) {
      const at = p.offset / 4;
      buffers.push({
        buffer,
        param: p.name,
        shape: [...p.shape],
        values: block.slice(at, at + p.length),
      });
    }
  }
  return {
    optimizer,
    t: program[H.T]!,
    beta1Power: f64[H.BC1 / 2]!,
    beta2Power: f64[H.BC2 / 2]!,
    cursor: program[H.CURSOR]!,
    rng: Array.from(view('rng.train'), (w) => w >>> 0),
    order: (view('order') as Int32Array).slice(0, program[H.NTRAIN]!),
    buffers,
  };
}
