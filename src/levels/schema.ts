/**
 * Strict validation of level files (`levels/*.json`). A level is hand-written JSON, so every
 * typo must fail loudly with the file and the field named
 * (`levels/c2-xor.json: goal.threshold must be a number from 0 to 1, got "x"`), and all findings
 * are reported together. Beyond types and ranges it checks that the level is consistent: the
 * networks fit the data, the starting network and the reference respect the level's own
 * workbench rules, every setting's range holds its value, and the briefing stays short.
 * Imports nothing from the browser or Node.
 */
import { isGeneratorName, namedDataShape } from '../data/index.js';
import { LIMITS } from '../engine/limits.js';
import { parseOptions, type TrainOptions } from '../engine/options.js';
import {
  Issues,
  SpecError,
  buildNetwork,
  checkChoice,
  checkInt,
  checkKeys,
  defaultLoss,
  isObject,
  parseSpec,
  show,
  type ModelSpec,
  type TaskShape,
} from '../engine/spec.js';
import {
  checkBlocks,
  checkData,
  checkDataControls,
  checkGoal,
  checkObject,
  checkSettings,
  checkText,
} from './schema-fields.js';
import { levelDataValue, specViolations } from './rules.js';
import { hasIdea, parseTeaches } from './teaches.js';
import type { Level } from './types.js';

/** The interactive figures the Briefing scene can draw (the `figure` field). */
export const FIGURES = [
  'drag-line',
  'sigmoid-squash',
  'xor-grid',
  'hidden-units',
  'optimizer-race',
  'overfit-curve',
  'filter-slide',
  'param-count',
  'stride-padding',
  'pool-patch',
  'batch-norm',
  'rnn-unroll',
  'lstm-gates',
  'query-keys',
] as const satisfies readonly Level['figure'][];

/** The longest briefing, in words: a briefing is read on one screen before playing. */
export const MAX_BRIEFING_WORDS = 120;

/**
 * The largest step budget a level may set. Levels are played live, a few thousand steps at most;
 * the cap catches a stray zero long before the engine's own limit would.
 */
export const MAX_STEP_BUDGET = 20_000;

const LEVEL_KEYS = [
  'id',
  'chapter',
  'order',
  'title',
  'year',
  'milestone',
  'briefing',
  'figure',
  'data',
  'dataControls',
  'blocks',
  'settings',
  'start',
  'goal',
  'stepBudget',
  'stars',
  'teaches',
  'reference',
  'naive',
] as const;

/** Ids are what saves and share URLs hold: `c<chapter>-<lowercase words joined by dashes>`. */
const ID_PATTERN = /^c(\d+)-[a-z0-9]+(-[a-z0-9]+)*$/;

/** Counts words the way a reader would: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

/** Inputs, outputs and task of a level's data (null for an unknown name). */
export function dataShape(data: Level['data']): TaskShape | null {
  return namedDataShape(data.name, data);
}

/**
 * Validates untrusted JSON as a Level. `file` (e.g. `levels/c2-xor.json`) prefixes every message
 * and must match the id. Throws a SpecError listing every finding, each naming its field.
 */
export function parseLevel(raw: unknown, file?: string): Level {
  const issues = new Issues();
  const prefix = file ? `${file}: ` : '';
  const fail = (): never => {
    throw new SpecError(issues.list.map((m) => prefix + m));
  };
  if (!isObject(raw)) {
    issues.add('level', `must be an object, got ${show(raw)}`);
    fail();
  }
  const obj = raw as Record<string, unknown>;
  checkKeys(issues, '', obj, LEVEL_KEYS);

  // --- identity and story -------------------------------------------------------------------
  const id = obj['id'];
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    issues.add(
      'id',
      `must look like "c2-xor" (c, chapter, dash, lowercase words), got ${show(id)}`,
    );
  } else {
    if (file) {
      const base = (file.split(/[\\/]/).pop() ?? file).replace(/\.json$/, '');
      if (base !== id) issues.add('id', `must match the file name "${base}", got ${show(id)}`);
    }
    if (typeof obj['chapter'] === 'number' && Number(ID_PATTERN.exec(id)![1]) !== obj['chapter']) {
      issues.add(
        'id',
        `must start with "c${String(obj['chapter'])}-" (its chapter), got ${show(id)}`,
      );
    }
  }
  checkInt(issues, 'chapter', obj['chapter'], 0, 99);
  checkInt(issues, 'order', obj['order'], 1, 99);
  checkText(issues, 'title', obj['title'], 60);
  checkInt(issues, 'year', obj['year'], 1700, 2100);
  checkText(issues, 'milestone', obj['milestone'], 200);
  if (checkText(issues, 'briefing', obj['briefing'], 2000)) {
    const words = countWords(obj['briefing'] as string);
    if (words > MAX_BRIEFING_WORDS) {
      issues.add('briefing', `must be at most ${MAX_BRIEFING_WORDS} words, got ${words}`);
    }
  }
  checkChoice(issues, 'figure', obj['figure'], FIGURES);

  // --- data, blocks, settings, goal, budget, stars ------------------------------------------
  const dataOk = checkData(issues, obj['data']);
  if (obj['dataControls'] !== undefined && dataOk) {
    const data = obj['data'] as Level['data'];
    checkDataControls(issues, obj['dataControls'], isGeneratorName(data.name), (key) =>
      levelDataValue(data, key),
    );
  }
  const blocksOk = checkBlocks(issues, obj['blocks']);
  const settingsOk = checkSettings(issues, obj['settings']);
  const budgetOk = checkInt(issues, 'stepBudget', obj['stepBudget'], 1, MAX_STEP_BUDGET);
  checkGoal(issues, obj['goal']);
  if (checkObject(issues, 'stars', obj['stars'], ['params', 'steps'])) {
    const stars = obj['stars'] as Record<string, unknown>;
    checkInt(issues, 'stars.params', stars['params'], 1, LIMITS.maxParams);
    if (budgetOk) checkInt(issues, 'stars.steps', stars['steps'], 1, obj['stepBudget'] as number);
    else checkInt(issues, 'stars.steps', stars['steps'], 1, MAX_STEP_BUDGET);
  }

  // A goal judged at the end always takes the whole budget, so a "finish fast" star would be
  // free: such a level must set stars.steps to the budget, to say so plainly.
  const goal = obj['goal'];
  const stars = obj['stars'];
  if (
    budgetOk &&
    isObject(goal) &&
    goal['atEnd'] === true &&
    isObject(stars) &&
    typeof stars['steps'] === 'number' &&
    stars['steps'] !== obj['stepBudget']
  ) {
    issues.add(
      'stars.steps',
      `must equal the stepBudget ${String(obj['stepBudget'])} when goal.atEnd is true, got ${stars['steps']}`,
    );
  }

  // --- networks -----------------------------------------------------------------------------
  const shape = dataOk ? dataShape(obj['data'] as Level['data']) : null;
  const start = checkNetwork(issues, 'start', obj['start'], shape);
  const reference = checkRun(issues, 'reference', obj['reference'], shape, false);
  const naive = checkRun(issues, 'naive', obj['naive'], shape, true);
  // A loss goal compares loss values, which only means something when both networks are
  // scored by the same loss: the task's own (MSE, BCE or CCE).
  if (shape && isObject(goal) && goal['metric'] === 'loss') {
    const want = defaultLoss(shape.task);
    for (const [name, run] of [
      ['reference', reference],
      ['naive', naive],
    ] as const) {
      const loss = run?.spec.loss ?? want;
      if (run && loss !== want) {
        issues.add(
          `${name}.spec.loss`,
          `must be ${want} when the goal is a loss (losses of different kinds cannot be compared), got "${loss}"`,
        );
      }
    }
  }
  if (budgetOk) {
    for (const name of ['reference', 'naive'] as const) {
      const run = obj[name];
      if (
        isObject(run) &&
        typeof run['steps'] === 'number' &&
        run['steps'] > (obj['stepBudget'] as number)
      ) {
        issues.add(
          `${name}.steps`,
          `must be at most the stepBudget ${String(obj['stepBudget'])}, got ${run['steps']}`,
        );
      }
    }
  }

  // --- consistency: the level's own rules hold for its start and its reference --------------
  const teaches = obj['teaches'] === undefined ? null : parseTeaches(issues, obj['teaches']);
  if (obj['teaches'] === undefined) {
    issues.add(
      'teaches',
      'is required: the idea of the level as a rule, e.g. {"idea": "dropout", "rule": [{"kind": "dropout", "above": 0}]}',
    );
  }
  if (blocksOk && start && shape) {
    const raw = obj['blocks'] as Level['blocks'];
    const blocks = { ...raw, losses: raw.losses ?? [defaultLoss(shape.task)], features: false };
    if (!blocks.losses.includes(defaultLoss(shape.task)) && start.loss === undefined) {
      issues.add(
        'blocks.losses',
        `must include ${defaultLoss(shape.task)}, the loss of the start network`,
      );
    }
    for (const v of specViolations(blocks, start, start, shape))
      issues.add('start', `breaks the level's blocks: ${v}`);
    if (reference) {
      for (const v of specViolations(blocks, start, reference.spec, shape)) {
        issues.add('reference.spec', `breaks the level's blocks: ${v}`);
      }
    }
  }
  if (settingsOk && reference) {
    checkRunSettings(issues, obj['settings'] as Level['settings'], reference.options);
  }
  if (teaches && shape) {
    if (shape.task === 'regression' && teaches.rule.some((c) => c.kind === 'probability')) {
      issues.add('teaches.rule', 'cannot ask for a probability on a regression task');
    }
    if (reference && !hasIdea(teaches, reference)) {
      issues.add('reference', `must have the level's idea (${teaches.idea}) to show it wins`);
    }
    if (naive && hasIdea(teaches, naive)) {
      issues.add('naive', `must not have the level's idea (${teaches.idea}): it is the old way`);
    }
  }
  if (issues.list.length) fail();
  return structuredClone(obj) as unknown as Level;
}

/** parseSpec + buildNetwork against the data's shape, with every message under `path`. */
function checkNetwork(
  issues: Issues,
  path: string,
  value: unknown,
  shape: TaskShape | null,
): ModelSpec | null {
  try {
    const spec = parseSpec(value);
    if (shape) buildNetwork(spec, shape);
    return spec;
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    for (const m of e.issues)
      issues.add('', m.startsWith('spec ') ? `${path} ${m.slice(5)}` : `${path}.${m}`);
    return null;
  }
}

function checkRun(
  issues: Issues,
  path: string,
  value: unknown,
  shape: TaskShape | null,
  naive: boolean,
): { spec: ModelSpec; options: TrainOptions } | null {
  const keys = ['spec', 'options', 'seed', 'steps', ...(naive ? ['title', 'lesson'] : [])];
  if (!checkObject(issues, path, value, keys)) return null;
  checkInt(issues, `${path}.seed`, value['seed'], 0, 0xffffffff);
  checkInt(issues, `${path}.steps`, value['steps'], 1, MAX_STEP_BUDGET);
  if (naive) {
    checkText(issues, `${path}.title`, value['title'], 60);
    checkText(issues, `${path}.lesson`, value['lesson'], 400);
  }
  const spec = checkNetwork(issues, `${path}.spec`, value['spec'], shape);
  let options: TrainOptions | null = null;
  if (!isObject(value['options'])) {
    issues.add(`${path}.options`, `must be an object, got ${show(value['options'])}`);
  } else {
    try {
      options = parseOptions(value['options'], `${path}.options`);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      for (const m of e.issues) issues.add('', m);
    }
  }
  return spec && options ? { spec, options } : null;
}

/**
 * The reference must be something a player could do: its optimizer among the choices, each
 * numeric setting inside its range, and a locked setting at its locked value.
 */
function checkRunSettings(
  issues: Issues,
  settings: Level['settings'],
  options: TrainOptions,
): void {
  const path = 'reference.options';
  const opt = settings.optimizer;
  if (!opt.choices.includes(options.optimizer)) {
    issues.add(
      `${path}.optimizer`,
      `must be one of the level's choices (${opt.choices.join(', ')}), got ${show(options.optimizer)}`,
    );
  } else if (opt.locked && options.optimizer !== opt.value) {
    issues.add(
      `${path}.optimizer`,
      `must be the locked ${show(opt.value)}, got ${show(options.optimizer)}`,
    );
  }
  for (const key of ['lr', 'batch', 'l2'] as const) {
    const s = settings[key];
    const v = options[key];
    if (s.locked && v !== s.value) {
      issues.add(`${path}.${key}`, `must be the locked value ${s.value}, got ${v}`);
    } else if (v < s.min || v > s.max) {
      issues.add(
        `${path}.${key}`,
        `must be within the level's range ${s.min} to ${s.max}, got ${v}`,
      );
    }
  }
}
