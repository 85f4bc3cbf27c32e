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
import type { Control } from './controls.js';
import { DROPOUT_MAX, rulesOf } from './rules.js';
import { adviceMode, type FailureMode } from './run-mode.js';
import {
  CONDITION_KINDS,
  conditionWords,
  meets,
  optimizerName,
  type Condition,
} from './teaches.js';
import type { Attempt, Level, RunOutcome } from './types.js';

/** What the Result says about a run. */
export interface Advice {
  mode: FailureMode | 'won';
  /** Plain words for the player: what happened, then what to try. */
  text: string;
  /** Exactly the controls the text suggests changing (every one of them open). */
  mentions: Control[];
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

  /** More units or another hidden layer, whichever the level's caps still leave room for. */
  biggerNetwork(): Hint | null {
    const { maxLayers, maxUnits } = this.level.blocks;
    const layers = this.attempt?.spec.layers;
    const hidden = layers?.filter((l) => l.type === 'dense').slice(0, -1);
    const wider = !hidden || hidden.some((l) => l.type === 'dense' && l.units < maxUnits);
    const deeper = !layers || layers.length < maxLayers;
    const ways = [wider ? 'more units' : null, deeper ? 'another hidden layer' : null];
    const words = ways.filter((w) => w !== null).join(', or ');
    return this.hint('layers', words ? `a different network: ${words}` : null);
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
      case 'convolution':
      case 'pooling':
      case 'downsampling':
      case 'batchnorm':
      case 'recurrent':
      case 'gated':
      case 'attention':
      case 'positions':
        return this.block(c);
      case 'clipping':
        return this.clipping(c.max);
    }
  }

  /** The hint to add a block of the registry the idea needs, when the level offers it. */
  block(c: Condition & { kind: BlockKind }): Hint | null {
    if (this.attempt && meets(c, this.attempt)) return null;
    const b = this.level.blocks;
    const pools = b.maxpool2d || b.avgpool2d;
    const words: Record<typeof c.kind, string | null> = {
      convolution: b.conv2d
        ? 'a convolution layer: small filters that slide over the whole image, so a stroke is found wherever it is'
        : null,
      pooling: pools
        ? 'a pooling layer after a convolution: it keeps the strongest (or the average) response of each small patch, so a small shift changes little'
        : null,
      downsampling:
        pools || b.conv2d
          ? 'a pooling layer, or a convolution with stride 2: each halves the map, and every layer after it has a quarter of the work'
          : null,
      batchnorm: b.batchnorm
        ? 'a batch norm layer after each convolution: it rescales every filter’s outputs to mean 0 and spread 1, so a deep stack keeps a steady signal even with big steps'
        : null,
      recurrent:
        b.rnn || b.lstm || b.gru
          ? 'a recurrent layer: it reads the sequence one step at a time and carries what it has seen in its hidden state'
          : null,
      gated:
        b.lstm || b.gru
          ? `${b.lstm ? 'an LSTM' : 'a GRU'} layer in place of the plain one: its gates keep a memory for many steps, so the signal from the start does not fade away`
          : null,
      attention: b.transformer
        ? 'a transformer block layer after the embedding: with attention every position can look straight back at any earlier one and copy what it needs, however far back it is'
        : null,
      positions: b.posenc
        ? 'a positional encoding layer right after the embedding: attention on its own sees the symbols as a bag with no order, and this marks each one with its place'
        : null,
    };
    return this.hint('layers', words[c.kind]);
  }

  /** The hint to switch gradient clipping on (or lower it), when the level opens the control. */
  clipping(max: number): Hint | null {
    const clip = this.attempt?.options.clip ?? 0;
    if (clip > 0 && clip <= max) return null;
    return this.hint(
      'clip',
      clip > max
        ? `a lower gradient clip, ${max} or less, so a sudden huge gradient cannot throw the weights away`
        : 'gradient clipping: it shortens a gradient that is too long before the step, so one exploding step cannot throw the weights away',
    );
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

/** The conditions a block of the registry meets. */
type BlockKind =
  | 'convolution'
  | 'pooling'
  | 'downsampling'
  | 'batchnorm'
  | 'recurrent'
  | 'gated'
  | 'attention'
  | 'positions';

/** Which control each condition of an idea is changed with. */
function ideaControls(level: Level): Set<Control> {
  const map: Record<Condition['kind'], Control[]> = {
    'learning-rate': ['lr'],
    probability: ['loss', 'layers'],
    'hidden-layer': ['layers'],
    optimizer: ['optimizer'],
    l2: ['l2'],
    dropout: ['dropout'],
    convolution: ['layers'],
    pooling: ['layers'],
    downsampling: ['layers'],
    batchnorm: ['layers'],
    recurrent: ['layers'],
    gated: ['layers'],
    clipping: ['clip'],
    attention: ['layers'],
    positions: ['layers'],
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
      chosen = pick([...hints.forIdea(['clipping']), hints.smallerRate(), hints.biggerBatch()]);
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
