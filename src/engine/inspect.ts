/**
 * What the learner computes besides training: predictions and layer outputs for any rows, and
 * one batch's loss with its full gradient (the whole-network gradient check). Each runs the
 * kernel's program on rows written to the input buffer, in chunks of the planned rows.
 */
import type { Arena } from './arena.js';
import type { Tensor } from './plan.js';
import { H } from './records.js';
import type { SampleOptions } from './learner-types.js';
import { LIMITS } from './limits.js';
import { Issues, SpecError, checkInt, checkNumber, type Network } from './spec.js';
import { checkSeed } from './learner-types.js';

/**
 * Predictions for `rows` examples `x` [rows, inputs] (already standardised like the data):
 * probabilities for BCE/CCE, values for MSE, as a new [rows, outputs] array ([rows, steps,
 * outputs] for a sequence scored at every step).
 */
export function predict(
  arena: Arena,
  network: Network,
  x: Float32Array,
  rows = x.length / network.spec.inputs,
): Float32Array {
  const k = arena.live();
  const inputs = network.spec.inputs;
  if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * inputs) {
    throw new Error(`predict needs rows × ${inputs} values, got ${x.length}`);
  }
  const outputs = network.positions * network.outputs;
  const out = new Float32Array(rows * outputs);
  const input = arena.view('input') as Float32Array;
  const head = new Float32Array(k.memory.buffer, arena.words[H.HEAD]!, arena.plan.rows * outputs);
  for (let start = 0; start < rows; start += arena.plan.rows) {
    const r = Math.min(arena.plan.rows, rows - start);
    input.set(x.subarray(start * inputs, (start + r) * inputs));
    k.program_eval(arena.program, 3, r);
    out.set(head.subarray(0, r * outputs), start * outputs);
  }
  return out;
}

/**
 * Runs `x` [rows, inputs] forward (no dropout) and returns the rows of the named activation
 * tensors (e.g. `1.out`, the first hidden layer after its activation, or `features`, the input
 * features of a spec that has them, one column per feature in the spec's order) as
 * [rows, width] arrays: what a per-neuron or per-feature heatmap draws.
 */
export function probe(
  arena: Arena,
  network: Network,
  x: Float32Array,
  names: readonly string[],
): Record<string, Float32Array> {
  const k = arena.live();
  const inputs = network.spec.inputs;
  const rows = x.length / inputs;
  if (!Number.isInteger(rows))
    throw new Error(`probe needs rows × ${inputs} values, got ${x.length}`);
  const tensors = names.map((name) => {
    const t = arena.tensor(name);
    if (t.region !== 'acts' || !(name.endsWith('.out') || name === 'features'))
      throw new Error(`"${name}" is not a layer output or the input features`);
    return t;
  });
  const out: Record<string, Float32Array> = {};
  const widthOf = (t: Tensor): number => t.length / t.shape[0]!;
  for (const t of tensors) out[t.name] = new Float32Array(rows * widthOf(t));
  const input = arena.view('input') as Float32Array;
  for (let start = 0; start < rows; start += arena.plan.rows) {
    const r = Math.min(arena.plan.rows, rows - start);
    input.set(x.subarray(start * inputs, (start + r) * inputs));
    k.program_eval(arena.program, 3, r);
    for (const t of tensors) {
      const width = widthOf(t);
      out[t.name]!.set((arena.view(t.name) as Float32Array).subarray(0, r * width), start * width);
    }
  }
  return out;
}

/**
 * The training loss of `rows` examples `x` [rows, inputs] (as the network sees them: scaled,
 * standardised) with targets `y` [rows, target width], and ∂loss/∂parameter of every
 * parameter by name: one forward and backward pass, without penalties, clipping or an update.
 * `draw` draws fresh dropout masks (and moves batch-norm running statistics, as a training
 * step does); `draw = false` keeps the last masks, as `lossOf` does, so the two can be
 * compared by finite differences — the whole-network gradient check.
 */
export function gradientOf(
  arena: Arena,
  network: Network,
  x: Float32Array,
  y: Float32Array,
  draw = true,
): { loss: number; grads: Map<string, Float32Array> } {
  const k = arena.live();
  const rows = writeRows(arena, network, x, y);
  const loss = k.program_gradient(arena.program, rows, draw ? 1 : 0);
  const grads = new Map<string, Float32Array>();
  for (const p of arena.plan.params)
    grads.set(p.name, arena.view(`${p.name}.grad`).slice() as Float32Array);
  return { loss, grads };
}

/** The training-mode loss of `x`, `y` at the current parameters with the last dropout masks. */
export function lossOf(arena: Arena, network: Network, x: Float32Array, y: Float32Array): number {
  const rows = writeRows(arena, network, x, y);
  return arena.live().program_loss(arena.program, rows);
}

function writeRows(arena: Arena, network: Network, x: Float32Array, y: Float32Array): number {
  const inputs = network.spec.inputs;
  const targets = arena.tensor('target').shape[1]!;
  const rows = x.length / inputs;
  if (
    !Number.isInteger(rows) ||
    rows < 1 ||
    rows > arena.plan.rows ||
    y.length !== rows * targets
  ) {
    throw new Error(
      `needs 1 to ${arena.plan.rows} rows of ${inputs} inputs and ${targets} targets, got ${x.length} and ${y.length} values`,
    );
  }
  (arena.view('input') as Float32Array).set(x);
  (arena.view('target') as Float32Array).set(y);
  return rows;
}

/**
 * Generates `length` tokens after `prompt` (token ids), one at a time: each is drawn from the
 * network's scores at the last position of the latest `steps` tokens, softened by `temperature`
 * (0: always the likeliest) and cut to the `topK` likeliest (0: all), with the kernel's PRNG
 * seeded by `seed`, so the same model, prompt and seed give the same tokens everywhere. Stops
 * early after `stop` (an id, e.g. the end of a name). Needs token data scored at every step; the
 * positions after the window are filled with id 0, which the earlier positions never see.
 */
export function sample(
  arena: Arena,
  network: Network,
  prompt: readonly number[],
  length: number,
  options: SampleOptions,
): number[] {
  const seq = network.spec.inputs;
  const vocab = network.outputs;
  if (
    network.positions !== seq ||
    network.task !== 'multiclass' ||
    network.inputShape.length !== 1
  ) {
    throw new SpecError([
      'sample needs a network that reads symbols and predicts the next one at every step',
    ]);
  }
  const issues = new Issues();
  checkInt(issues, 'length', length, 1, LIMITS.maxSampleLength);
  checkNumber(issues, 'temperature', options.temperature, 0, 10);
  checkInt(issues, 'topK', options.topK, 0, vocab);
  checkSeed(options.seed);
  if (options.stop !== undefined) checkInt(issues, 'stop', options.stop, 0, vocab - 1);
  prompt.forEach((id, i) => checkInt(issues, `prompt[${i}]`, id, 0, vocab - 1));
  if (prompt.length === 0 || prompt.length > LIMITS.maxSampleLength) {
    issues.add('prompt', `must hold 1 to ${LIMITS.maxSampleLength} tokens, got ${prompt.length}`);
  }
  issues.throwIfAny();
  const k = arena.live();
  const state = arena.ptr('rng.sample');
  k.rng_seed(state, options.seed);
  const input = arena.view('input') as Float32Array;
  const logits = arena.words[H.LOGITS]!;
  const context = [...prompt];
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const window = context.slice(-seq);
    input.fill(0, 0, seq);
    input.set(window, 0);
    k.program_eval(arena.program, 3, 1);
    const at = logits + (window.length - 1) * vocab * 4;
    const token = k.sample_token(
      at,
      arena.ptr('sample.work'),
      vocab,
      options.temperature,
      options.topK,
      state,
    );
    out.push(token);
    context.push(token);
    if (token === options.stop) break;
  }
  return out;
}
