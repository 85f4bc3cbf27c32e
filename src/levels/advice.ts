/**
 * Advice after a run: how it went (it diverged, the loss was still falling at the budget, it was
 * stuck from the start, the network overfitted, it came close, or it missed for another reason)
 * and what to try next — only with controls the player can actually change on this workbench.
 * A level may lock a setting, offer one optimizer or keep its layers fixed, and a teacher link
 * may hide or lock more; advice that points at a control the player cannot touch is worse than
 * none. Where nothing that would help can be changed, the advice says what the level is about
 * instead. Pure: no Phaser, no DOM.
 */
import type { OptimizerName } from '../engine/options.js';
import type { Activation, ModelSpec } from '../engine/spec.js';
import { DROPOUT_MAX, rulesOf, type WorkbenchRules } from './rules.js';
import {
  CONDITION_KINDS,
  conditionWords,
  meets,
  optimizerName,
  type Condition,
} from './teaches.js';
import type { Attempt, Level, RunOutcome } from './types.js';

/**
 * The controls of a workbench that a teacher link can hide or lock, in the order links list
 * them. They live here, with the rules, because advice must know which of them are open;
 * `src/game/state/teacher.ts` re-exports them for the game.
 */
export const CONTROLS = [
  'optimizer',
  'lr',
  'batch',
  'l2',
  'seed',
  'layers',
  'dropout',
  'loss',
  'speed',
] as const;
export type Control = (typeof CONTROLS)[number];

/** How a lost run went, in the order `adviceMode` tests for them. */
export const FAILURE_MODES = [
  'diverged',
  'overfitting',
  'stuck',
  'still-falling',
  'close',
  'missed',
] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

/** What the Result says about a run. */
export interface Advice {
  mode: FailureMode | 'won';
  /** Plain words for the player: what happened, then what to try. */
  text: string;
  /** Exactly the controls the text suggests changing (every one of them open). */
  mentions: Control[];
}

/**
 * The controls the player can change on this workbench: those the rules let change and the
 * teacher neither hides nor locks. The optimizer needs more than one choice and no lock; the
 * learning rate, batch and L2 need no lock and a range (min < max); layers need `blocks.dense`;
 * dropout needs the dropout block; the loss needs more than one loss to choose from; the seed
 * can always change. The speed changes no result, so advice never counts it.
 */
export function openControls(
  rules: WorkbenchRules,
  teacher: { hide: ReadonlySet<Control>; lock: ReadonlySet<Control> },
): Set<Control> {
  const s = rules.settings;
  const b = rules.blocks;
  const allowed: Record<Exclude<Control, 'speed'>, boolean> = {
    optimizer: s.optimizer.choices.length > 1 && !s.optimizer.locked,
    lr: !s.lr.locked && s.lr.min < s.lr.max,
    batch: !s.batch.locked && s.batch.min < s.batch.max,
    l2: !s.l2.locked && s.l2.min < s.l2.max,
    seed: true,
    layers: b.dense,
    dropout: b.dropout,
    loss: b.losses.length > 1,
  };
  const open = new Set<Control>();
  for (const control of CONTROLS) {
    if (control === 'speed' || !allowed[control]) continue;
    if (teacher.hide.has(control) || teacher.lock.has(control)) continue;
    open.add(control);
  }
  return open;
}

/** Share of the start the training loss must move for a run not to count as stuck. */
const STUCK_MOVE = 0.1;
/** Drop over the last third of the run that counts as "still clearly falling". */
const FALLING_DROP = 0.04;
/** How far above its best the validation loss must climb to count as overfitting. */
const OVERFIT_RISE = 1.2;
/** The training loss at the end must be at most this share of the validation loss. */
const OVERFIT_GAP = 0.7;
/** A miss this small is close: within 15% of a loss target, 3 points of an accuracy one. */
const CLOSE_LOSS = 1.15;
const CLOSE_ACCURACY = 0.03;

type Point = { step: number; loss: number };

function finitePoints(points: readonly Point[]): Point[] {
  return points.filter((p) => Number.isFinite(p.loss));
}

function mean(points: readonly Point[]): number {
  return points.reduce((sum, p) => sum + p.loss, 0) / points.length;
}

/** The points within the first (or last) `share` of the steps the curve spans, at least one. */
function window(points: readonly Point[], share: number, end: 'first' | 'last'): Point[] {
  const first = points[0]!.step;
  const last = points.at(-1)!.step;
  const cut = (last - first) * share;
  const picked =
    end === 'first'
      ? points.filter((p) => p.step <= first + cut)
      : points.filter((p) => p.step >= last - cut);
  return picked.length ? picked : [end === 'first' ? points[0]! : points.at(-1)!];
}

/**
 * How much a curve falls over its last third, as a share of where that third starts: the
 * least-squares line through its points (noise from small batches averages out), so 0.1 is a
 * 10% drop and a negative value a rise. NaN when the third has fewer than three points.
 */
function lateDrop(points: readonly Point[]): number {
  if (points.length < 3) return NaN;
  const tail = window(points, 1 / 3, 'last');
  if (tail.length < 3) return NaN;
  const n = tail.length;
  const mx = tail.reduce((s, p) => s + p.step, 0) / n;
  const my = mean(tail);
  let sxy = 0;
  let sxx = 0;
  for (const p of tail) {
    sxy += (p.step - mx) * (p.loss - my);
    sxx += (p.step - mx) ** 2;
  }
  if (sxx === 0) return NaN;
  const slope = sxy / sxx;
  const x0 = tail[0]!.step;
  const start = my + slope * (x0 - mx);
  if (!(start > 0)) return NaN;
  return (-slope * (tail.at(-1)!.step - x0)) / start;
}

function isOverfitting(train: Point[], validation: Point[]): boolean {
  if (validation.length < 4 || train.length < 2) return false;
  let best = 0;
  validation.forEach((p, i) => {
    if (p.loss < validation[best]!.loss) best = i;
  });
  const last = validation.at(-1)!.loss;
  const trainEnd = mean(window(train, 0.1, 'last'));
  return (
    best < validation.length - 1 &&
    last >= validation[best]!.loss * OVERFIT_RISE &&
    trainEnd <= last * OVERFIT_GAP
  );
}

function isStuck(train: Point[]): boolean {
  if (train.length < 2) return false;
  const start = mean(window(train, 0.1, 'first'));
  const end = mean(window(train, 0.1, 'last'));
  return start > 0 && Math.abs(start - end) / start < STUCK_MOVE;
}

function isStillFalling(train: Point[], validation: Point[]): boolean {
  if (!(lateDrop(train) > FALLING_DROP)) return false;
  // Training that goes on lowering the training loss while the validation loss climbs would
  // not reach a goal: only a run whose validation loss is not rising was "on its way".
  const val = lateDrop(validation);
  return Number.isNaN(val) || val > -0.02;
}

function isClose(level: Level, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const t = level.goal.threshold;
  return level.goal.metric === 'accuracy'
    ? value < t && t - value <= CLOSE_ACCURACY
    : value > t && value <= t * CLOSE_LOSS;
}

/**
 * How a run went, from its outcome alone: `won`, or the first failure mode that fits —
 * `diverged` (a number stopped being finite); `overfitting` (the validation loss climbed well
 * above its best while the training loss ended far below it); `stuck` (the training loss barely
 * moved from its start); `still-falling` (the budget ran out while the training loss was still
 * clearly falling and the validation loss was not rising); `close` (the goal metric missed by a
 * small margin); otherwise `missed`.
 */
export function adviceMode(level: Level, outcome: RunOutcome): FailureMode | 'won' {
  if (outcome.passed) return 'won';
  const train = finitePoints(outcome.train);
  const validation = finitePoints(outcome.validation);
  if (outcome.diverged || train.length < outcome.train.length) return 'diverged';
  if (isOverfitting(train, validation)) return 'overfitting';
  if (isStuck(train)) return 'stuck';
  if (outcome.steps >= outcome.budget && isStillFalling(train, validation)) {
    return 'still-falling';
  }
  if (isClose(level, outcome.goalValue)) return 'close';
  return 'missed';
}

/**
 * What can be told from an attempt alone, when the run's curves are not at hand (a result
 * opened without its run): the verdict, the steps and the goal value. A goal value that is not
 * a number means the run blew up. Advice from it can still say diverged, close or missed.
 */
export function attemptOutcome(level: Level, attempt: Attempt): RunOutcome {
  return {
    passed: attempt.passed,
    diverged: !attempt.passed && !Number.isFinite(attempt.achieved),
    steps: attempt.steps,
    budget: level.stepBudget,
    goalValue: attempt.achieved,
    train: [],
    validation: [],
  };
}

/** One thing to try: the control it changes and the words that say so. */
interface Hint {
  control: Control;
  words: string;
}

/** A number as a player types it: two significant digits, no exponent for the usual ranges. */
function num(value: number): string {
  return String(Number(value.toPrecision(2)));
}

/** Optimizers that speed a slow run up, best first. */
const FASTER: readonly OptimizerName[] = ['adam', 'adamw', 'rmsprop', 'momentum'];

const NONLINEAR: readonly Activation[] = ['relu', 'tanh', 'leaky_relu', 'sigmoid'];

function largestDropout(spec: ModelSpec): number {
  return spec.layers.reduce((most, l) => (l.type === 'dropout' ? Math.max(most, l.rate) : most), 0);
}

/**
 * The hints a workbench can offer. Each returns null when its control cannot help this run
 * (the setting is already at the end it would move to, or the choice is already made); which
 * of them are used depends on the mode and on what is open.
 */
class Hints {
  constructor(
    private readonly level: Level,
    private readonly open: ReadonlySet<Control>,
    private readonly attempt: Attempt | undefined,
  ) {}

  private hint(control: Control, words: string | null): Hint | null {
    return words !== null && this.open.has(control) ? { control, words } : null;
  }

  biggerRate(): Hint | null {
    const { max } = this.level.settings.lr;
    const lr = this.attempt?.options.lr;
    if (lr !== undefined && lr >= max) return null;
    const words =
      lr !== undefined && lr * 10 < max
        ? `a learning rate ten times bigger (about ${num(lr * 10)}; up to ${num(max)} here), so each step goes further`
        : `a bigger learning rate (up to ${num(max)} here), so each step goes further`;
    return this.hint('lr', words);
  }

  smallerRate(): Hint | null {
    const { min } = this.level.settings.lr;
    const lr = this.attempt?.options.lr;
    if (lr !== undefined && lr <= min) return null;
    const words =
      lr !== undefined
        ? `a learning rate ten times smaller (about ${num(Math.max(min, lr / 10))}): smaller steps cannot overshoot so far`
        : 'a smaller learning rate: smaller steps cannot overshoot so far';
    return this.hint('lr', words);
  }

  otherRate(): Hint | null {
    return this.hint(
      'lr',
      'a slightly different learning rate: a little bigger to get there sooner, a little smaller to settle lower',
    );
  }

  biggerBatch(): Hint | null {
    const { max } = this.level.settings.batch;
    const batch = this.attempt?.options.batch;
    if (batch !== undefined && batch >= max) return null;
    return this.hint('batch', 'a bigger batch, which averages out the wild steps');
  }

  fasterOptimizer(): Hint | null {
    const choices = this.level.settings.optimizer.choices;
    const better = FASTER.find((o) => choices.includes(o));
    if (!better) return null;
    // SGD is slower than all of them; a run that already used `better` or a faster one has
    // nothing to gain.
    const rank = (o: OptimizerName): number => (FASTER.includes(o) ? FASTER.indexOf(o) : 99);
    const current = this.attempt?.options.optimizer;
    if (current !== undefined && rank(current) <= rank(better)) return null;
    const why =
      better === 'momentum'
        ? 'which builds up speed on a steady slope'
        : 'which sizes the step of every weight by itself';
    return this.hint('optimizer', `the ${optimizerName(better)} optimizer, ${why}`);
  }

  hiddenLayer(): Hint | null {
    const acts = NONLINEAR.filter((a) => this.level.blocks.activations.includes(a));
    if (!acts.length) return null;
    if (this.attempt && meets({ kind: 'hidden-layer' }, this.attempt)) return null;
    return this.hint(
      'layers',
      `a hidden layer with a non-linear activation such as ${acts.slice(0, 2).join(' or ')}, so the network can bend its boundary`,
    );
  }

  biggerNetwork(): Hint | null {
    return this.hint('layers', 'a different network: more units, or another hidden layer');
  }

  smallerNetwork(): Hint | null {
    return this.hint(
      'layers',
      'a smaller network: fewer or narrower layers have less room to memorise',
    );
  }

  crossEntropy(): Hint | null {
    const losses = rulesOf(this.level).blocks.losses;
    if (!losses.some((l) => l === 'bce' || l === 'cce')) return null;
    if (this.attempt && this.attempt.spec.loss !== 'mse') return null;
    return this.hint(
      'loss',
      'cross-entropy as the loss function instead of squared error: it reads the output as a probability and punishes confident mistakes hard',
    );
  }

  probabilityOutput(): Hint | null {
    const acts = this.level.blocks.activations;
    const squash = acts.includes('softmax')
      ? 'softmax'
      : acts.includes('sigmoid')
        ? 'sigmoid'
        : null;
    if (!squash || (this.attempt && meets({ kind: 'probability' }, this.attempt))) return null;
    return this.hint('layers', `a ${squash} on the output layer, so it gives a probability`);
  }

  l2(): Hint | null {
    const { max } = this.level.settings.l2;
    const l2 = this.attempt?.options.l2 ?? 0;
    if (l2 >= max) return null;
    return this.hint(
      'l2',
      l2 > 0
        ? `a stronger L2 penalty than ${num(l2)} (up to ${num(max)} here): it keeps the weights small, so the curve stays smooth`
        : `an L2 penalty (the slider goes up to ${num(max)}): it keeps the weights small, so the curve stays smooth`,
    );
  }

  dropout(): Hint | null {
    const rate = this.attempt ? largestDropout(this.attempt.spec) : 0;
    if (rate >= DROPOUT_MAX) return null;
    return this.hint(
      'dropout',
      rate > 0
        ? `more dropout than ${Math.round(rate * 100)}%: the more units are switched off at random, the less any of them can lean on a memorised detail`
        : 'a dropout block (try dropping 20 to 50%): it switches off random units at every step, so none can lean on a memorised detail',
    );
  }

  seed(): Hint | null {
    return this.hint('seed', 'another seed, which starts from other weights');
  }

  /** The hint that moves a setup towards one condition of the level's idea, if any. */
  forCondition(c: Condition): Hint | null {
    const lr = this.attempt?.options.lr;
    switch (c.kind) {
      case 'learning-rate':
        if (lr === undefined) return this.otherRate();
        if (lr < c.min) return this.biggerRate();
        if (lr > c.max) return this.smallerRate();
        return null;
      case 'probability':
        return this.crossEntropy() ?? this.probabilityOutput();
      case 'hidden-layer':
        return this.hiddenLayer();
      case 'optimizer': {
        const current = this.attempt?.options.optimizer;
        if (current !== undefined && c.in.includes(current)) return null;
        const names = c.in.filter((o) => this.level.settings.optimizer.choices.includes(o));
        if (!names.length) return null;
        return this.hint(
          'optimizer',
          `the ${names.map(optimizerName).join(' or ')} optimizer, which sizes the step of every weight by itself`,
        );
      }
      case 'l2':
        return this.l2();
      case 'dropout':
        return this.dropout();
    }
  }

  /**
   * Hints towards the level's idea, one per condition that yields one, for the conditions of
   * these kinds only (a hidden layer is no cure for overfitting, nor L2 for a stuck run).
   */
  forIdea(kinds: readonly Condition['kind'][] = CONDITION_KINDS): Hint[] {
    return this.level.teaches.rule
      .filter((c) => kinds.includes(c.kind))
      .map((c) => this.forCondition(c))
      .filter((h): h is Hint => h !== null);
  }
}

/** Which control each condition of an idea is changed with. */
function ideaControls(level: Level): Set<Control> {
  const map: Record<Condition['kind'], Control[]> = {
    'learning-rate': ['lr'],
    probability: ['loss', 'layers'],
    'hidden-layer': ['layers'],
    optimizer: ['optimizer'],
    l2: ['l2'],
    dropout: ['dropout'],
  };
  return new Set(level.teaches.rule.flatMap((c) => map[c.kind]));
}

/** "This level is about dropout; a winning setup has a dropout block." */
export function ideaSentence(level: Level): string {
  const conditions = level.teaches.rule.map(conditionWords).join(' and ');
  return `This level is about ${level.teaches.idea}; a winning setup has ${conditions}.`;
}

/** Up to `most` hints, the first one per control, in order. */
function pick(candidates: (Hint | null)[], most = 2): Hint[] {
  const out: Hint[] = [];
  for (const h of candidates) {
    if (h && out.length < most && !out.some((o) => o.control === h.control)) out.push(h);
  }
  return out;
}

function tryWords(hints: Hint[]): string {
  return hints.map((h, i) => `${i === 0 ? 'Try' : 'Or try'} ${h.words}.`).join(' ');
}

/**
 * The advice for a run: its mode (`adviceMode`), what happened and what to try, using only the
 * controls in `open` (see `openControls`). When the attempt is given, hints fit the setup that
 * ran: no bigger learning rate when it was already at the top of its range, no dropout block
 * when there was one (more dropout instead). A won run gets the star advice, which needs the
 * attempt's stars; without them it names what the other stars reward. Where nothing that would
 * help is open, the advice says what the level is about.
 */
export function advise(
  level: Level,
  outcome: RunOutcome,
  open: ReadonlySet<Control>,
  attempt?: Attempt,
): Advice {
  const mode = adviceMode(level, outcome);
  const hints = new Hints(level, open, attempt);
  if (mode === 'won') return wonAdvice(level, hints, attempt);
  const curves = outcome.train.length > 0;
  let head: string;
  let chosen: Hint[];
  switch (mode) {
    case 'diverged':
      head = 'The numbers exploded: the loss grew too big to count, so training stopped.';
      chosen = pick([hints.smallerRate(), hints.biggerBatch()]);
      break;
    case 'overfitting':
      head =
        'The network learned its training points by heart: its training loss kept falling ' +
        'while the validation loss, on points it never trains on, climbed.';
      chosen = pick([
        ...hints.forIdea(['l2', 'dropout']),
        hints.dropout(),
        hints.l2(),
        hints.smallerNetwork(),
      ]);
      break;
    case 'stuck':
      // Only a workbench whose layers can change makes "the network cannot draw it" a lead.
      head = open.has('layers')
        ? 'The loss barely moved from where it started. Either the steps are too small to ' +
          'move the weights, or the network cannot draw the shape this data needs.'
        : 'The loss barely moved from where it started: the steps were too small to move the ' +
          'weights far.';
      chosen = pick([
        ...hints.forIdea(['learning-rate', 'hidden-layer', 'optimizer']),
        hints.biggerRate(),
        hints.hiddenLayer(),
        hints.fasterOptimizer(),
      ]);
      break;
    case 'still-falling':
      head =
        `The loss was still falling when the ${outcome.budget}-step budget ran out: ` +
        'the network was on its way, just too slowly.';
      chosen = pick([hints.biggerRate(), hints.fasterOptimizer()]);
      break;
    case 'close':
      head = 'So close: this run ended just short of the target.';
      chosen = pick([...hints.forIdea(), hints.otherRate(), hints.seed()]);
      break;
    case 'missed':
      head =
        curves && outcome.steps >= outcome.budget
          ? 'The loss levelled off short of the target, so more of the same will not get there: ' +
            'something has to change.'
          : 'This run did not reach the target.';
      chosen = pick([...hints.forIdea(), hints.crossEntropy(), hints.biggerNetwork()]);
      break;
  }
  const parts = [head];
  if (chosen.length) parts.push(tryWords(chosen));
  // With nothing to try (another seed is worth a go only when the run came close), say what
  // the level is about, and why the run could not be fixed here when the idea's controls are
  // all closed.
  if (chosen.length === 0) {
    parts.push(
      [...ideaControls(level)].some((c) => open.has(c))
        ? 'Nothing you can change here fixes that directly.'
        : 'On this workbench the controls that could fix this cannot be changed, so this run ' +
            'shows why the idea matters.',
    );
    parts.push(ideaSentence(level));
  }
  return { mode, text: parts.join(' '), mentions: chosen.map((h) => h.control) };
}

/** Today's star advice, pointing only at open controls. */
function wonAdvice(level: Level, hints: Hints, attempt: Attempt | undefined): Advice {
  const { params, steps } = level.stars;
  const won = (text: string, chosen: Hint[] = []): Advice => ({
    mode: 'won',
    text,
    mentions: chosen.map((h) => h.control),
  });
  if (!attempt) {
    return won(
      `Won: the target is beaten. The other stars reward a small network (at most ${params} ` +
        `parameters) and a quick run (the target within ${steps} steps).`,
    );
  }
  if (attempt.stars <= 1) {
    const smaller = hints.smallerNetwork();
    return smaller
      ? won(
          `Won. For the second star, do it with at most ${params} parameters: fewer or narrower layers.`,
          [smaller],
        )
      : won(
          `Won. The second star needs at most ${params} parameters, and this network has ` +
            `${attempt.params} that cannot be changed on this workbench: one star is as good as ` +
            'this setup allows.',
        );
  }
  if (attempt.stars === 2) {
    const chosen = pick([hints.biggerRate(), hints.fasterOptimizer(), hints.seed()]);
    const lead = `Won with a small network. For the third star, reach the target within ${steps} steps`;
    if (!chosen.length) {
      return won(
        `${lead}; the settings that decide the speed cannot be changed on this workbench, so ` +
          'two stars is as good as this setup allows.',
      );
    }
    return won(`${lead}. ${tryWords(chosen)}`, chosen);
  }
  return won('Three stars: small and quick, as good as this level gets.');
}
