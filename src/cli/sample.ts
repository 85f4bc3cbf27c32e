/**
 * `sample`: writes text with a model trained on symbols (names, a text file): each next symbol
 * is drawn from the network's predictions with the kernel's PRNG, so a model file, a prompt and
 * a seed give the same text here as in the game. The model file carries its vocabulary, so no
 * data is loaded: the learner is built on one empty row of the right shape.
 */
import { SpecError } from '../engine/spec.js';
import type { LearnerData } from '../engine/learner.js';
import { loadKernelModule } from '../node/kernel-file.js';
import { UsageError, SAMPLE_FLAGS, numberFlag, seedFlag, type FlagName } from './args.js';
import { InputError, readModel } from './files.js';
import { loadInto, makeLearner, type Outcome } from './main.js';

const ALLOWED: readonly FlagName[] = [...SAMPLE_FLAGS, 'load', 'seed', 'json'];
/** Most samples one command writes. */
const MAX_COUNT = 100;

export async function sample(flags: Map<string, string>): Promise<Outcome> {
  for (const name of flags.keys()) {
    if (!(ALLOWED as readonly string[]).includes(name)) {
      throw new UsageError(`--${name} does not apply to sample`);
    }
  }
  const path = flags.get('load');
  if (!path) throw new UsageError('sample needs --load MODEL (a file written by train --save)');
  const model = await readModel(path);
  const vocab = model.data?.vocab;
  if (!vocab) {
    throw new InputError(
      `${path} was not trained on symbols (its data has no vocabulary), so it cannot write text`,
    );
  }
  const separator = model.data?.separator;
  const length = numberFlag(flags, 'length', true) ?? 20;
  const temperature = numberFlag(flags, 'temperature', false) ?? 1;
  const topK = numberFlag(flags, 'top-k', true) ?? 0;
  const count = numberFlag(flags, 'count', true) ?? 1;
  if (count < 1 || count > MAX_COUNT) {
    throw new UsageError(`--count must be an integer from 1 to ${MAX_COUNT}, got ${count}`);
  }
  const seed = seedFlag(flags, 1);
  const text = flags.get('prompt') ?? '';
  const ids = [...text].map((ch) => {
    const id = vocab.indexOf(ch);
    if (id < 0) {
      throw new UsageError(
        `--prompt may only use the model's symbols (${vocab.join('')}), got "${ch}"`,
      );
    }
    return id;
  });
  // An item (a name) begins after the separator: the prompt is the start of a new one.
  const prompt = separator !== undefined ? [vocab.indexOf(separator), ...ids] : ids;
  if (prompt.length === 0) throw new UsageError('--prompt needs at least one symbol');

  const steps = model.spec.inputs ?? 1;
  const empty = { x: new Float32Array(steps), y: new Float32Array(steps), n: 1 };
  const data: LearnerData = {
    name: model.data!.name,
    task: 'multiclass',
    inputs: steps,
    outputs: vocab.length,
    train: empty,
    validation: empty,
    test: empty,
    sequence: { steps, features: 1, vocab, perPosition: true },
  };
  const module = await loadKernelModule('simd');
  const learner = makeLearner(module, model.spec, data, { ...model.optimizer, batch: 1 }, seed);
  loadInto(learner, model, path, true);
  const samples: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const stop = separator !== undefined ? vocab.indexOf(separator) : undefined;
      const out = learner.sample(prompt, length, {
        temperature,
        topK,
        seed: (seed + i) >>> 0,
        ...(stop !== undefined ? { stop } : {}),
      });
      const written = out.map((id) => vocab[id]).join('');
      samples.push(text + (separator !== undefined ? written.split(separator)[0]! : written));
    }
  } catch (error) {
    if (error instanceof SpecError) {
      throw new UsageError(
        error.message.replace(
          /\b(length|temperature|topK)\b/g,
          (m) => `--${m === 'topK' ? 'top-k' : m}`,
        ),
      );
    }
    throw error;
  }
  learner.dispose();
  const result = { command: 'sample', prompt: text, temperature, topK, seed, samples };
  return {
    code: 0,
    stdout: flags.has('json') ? JSON.stringify(result, null, 2) + '\n' : samples.join('\n') + '\n',
    stderr: '',
  };
}
