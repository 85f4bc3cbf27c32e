import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/index.js';
import { Learner } from '../../src/engine/learner.js';
import type { ModelSpec } from '../../src/engine/spec.js';
import { advise, ideaSentence } from '../../src/levels/advice.js';
import { CONTROLS, openControls, type Control } from '../../src/levels/controls.js';
import {
  FAILURE_MODES,
  adviceMode,
  attemptOutcome,
  type FailureMode,
} from '../../src/levels/run-mode.js';
import {
  CHECK_EVERY,
  LEVELS,
  dataRequest,
  levelById,
  rulesOf,
  startSetup,
} from '../../src/levels/index.js';
import type { Attempt, Level, RunOutcome } from '../../src/levels/types.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

const NO_TEACHER = { hide: new Set<Control>(), lock: new Set<Control>() };
/** A teacher link that locks everything but the seed (and hides a few for good measure). */
const ONLY_SEED = {
  hide: new Set<Control>(['optimizer', 'dropout']),
  lock: new Set<Control>(CONTROLS.filter((c) => c !== 'seed')),
};

/**
 * Words that name a control, for checking that advice never points at one that is closed.
 * "loss" alone describes the curve on every level, so the loss control is named by its
 * choices instead.
 */
const WORDS: Record<Exclude<Control, 'speed'>, RegExp> = {
  optimizer: /optimi[sz]er|\badam(w)?\b|\bsgd\b|\bmomentum\b|\brmsprop\b/i,
  lr: /learning rate/i,
  // "batch norm" is a block (the layers control), not the batch size.
  batch: /\bbatch(?! norm)/i,
  l2: /\bL2\b/,
  seed: /\bseed/i,
  layers: /\blayers?\b|\bhidden\b/i,
  dropout: /dropout/i,
  loss: /cross-entropy|squared error|loss function/i,
  l1: /\bL1\b/,
  clip: /\bclip/i,
  features: /feature input|x₁²|sin x/i,
  noise: /\bnoise\b/i,
  train: /used for training|training share/i,
  points: /number of points|more points/i,
};

/**
 * The text with the level's idea taken out: the idea sentence names the idea itself (an L2
 * penalty, dropout) on purpose, to say what the level is about when nothing can fix the run.
 */
function withoutIdea(level: Level, text: string): string {
  return text.replace(ideaSentence(level), '');
}

/** The controls the advice text names, leaving out the idea sentence. */
function named(level: Level, text: string): Control[] {
  const rest = withoutIdea(level, text);
  return (Object.keys(WORDS) as (keyof typeof WORDS)[]).filter((c) => WORDS[c].test(rest));
}

/** The controls the advice text names that are not open. */
function closedNamed(level: Level, text: string, open: ReadonlySet<Control>): Control[] {
  return named(level, text).filter((c) => !open.has(c));
}

/** Points every `CHECK_EVERY` steps up to `steps`, with the loss `f(share of the run)`. */
function curve(steps: number, f: (t: number) => number): { step: number; loss: number }[] {
  const out: { step: number; loss: number }[] = [];
  for (let s = CHECK_EVERY; s <= steps; s += CHECK_EVERY) out.push({ step: s, loss: f(s / steps) });
  if (out.at(-1)?.step !== steps) out.push({ step: steps, loss: f(1) });
  return out;
}

/** A goal value far from the target, or just short of it. */
function goalValue(level: Level, near: boolean): number {
  const { metric, threshold } = level.goal;
  if (metric === 'accuracy') return near ? threshold - 0.01 : Math.max(0, threshold - 0.2);
  return near ? threshold * 1.05 : threshold * 3;
}

/** A synthetic outcome that shows `mode` on `level`. */
function outcomeFor(level: Level, mode: FailureMode | 'won'): RunOutcome {
  const budget = level.stepBudget;
  const base = { passed: false, diverged: false, steps: budget, budget };
  // Wiggles like a small batch's noise, so no curve is perfectly smooth.
  const noise = (t: number): number => 0.004 * ((Math.round(t * 1000) % 3) - 1);
  // Falls in the first half, then settles.
  const settles = (t: number): number => 0.3 + 0.7 * Math.max(0, 1 - 2 * t) ** 2 + noise(t);
  switch (mode) {
    case 'won':
      return {
        ...base,
        passed: true,
        steps: Math.min(budget, level.stars.steps),
        goalValue: level.goal.metric === 'accuracy' ? 1 : level.goal.threshold / 2,
        train: curve(level.stars.steps, settles),
        validation: curve(level.stars.steps, settles),
      };
    case 'diverged':
      return {
        ...base,
        diverged: true,
        steps: 50,
        goalValue: NaN,
        train: [
          { step: 25, loss: 4 },
          { step: 50, loss: Infinity },
        ],
        validation: [{ step: 25, loss: 5 }],
      };
    case 'overfitting':
      return {
        ...base,
        goalValue: goalValue(level, false),
        train: curve(budget, (t) => 0.5 * (1 - t) ** 3 + 0.02 + noise(t)),
        validation: curve(budget, (t) => (t < 0.15 ? 0.3 - 0.6 * t : 0.21 + t) + noise(t)),
      };
    case 'stuck':
      return {
        ...base,
        goalValue: goalValue(level, false),
        train: curve(budget, (t) => 0.693 + noise(t)),
        validation: curve(budget, (t) => 0.69 + noise(t)),
      };
    case 'still-falling':
      return {
        ...base,
        goalValue: goalValue(level, false),
        train: curve(budget, (t) => 1 - 0.6 * t + noise(t)),
        validation: curve(budget, (t) => 1.05 - 0.6 * t + noise(t)),
      };
    case 'close':
    case 'missed':
      return {
        ...base,
        goalValue: goalValue(level, mode === 'close'),
        train: curve(budget, settles),
        validation: curve(budget, (t) => settles(t) + 0.05),
      };
  }
}

/** The level's start setup as a finished attempt (what "retry" would run again). */
function startAttempt(level: Level, outcome: RunOutcome): Attempt {
  const setup = startSetup(rulesOf(level));
  return {
    levelId: level.id,
    ...setup,
    steps: outcome.steps,
    params: outcome.passed ? level.stars.params : level.stars.params + 1,
    achieved: outcome.goalValue,
    passed: outcome.passed,
    stars: outcome.passed ? 1 : 0,
  };
}

describe('openControls', () => {
  it('counts only what the level lets change, and never the speed', () => {
    const open = (id: string): Control[] => [...openControls(rulesOf(levelById(id)!), NO_TEACHER)];
    expect(open('c0-line').sort()).toEqual(['lr', 'seed']);
    expect(open('c1-blobs').sort()).toEqual(['loss', 'lr', 'seed']);
    expect(open('c2-xor').sort()).toEqual(['layers', 'lr', 'seed']);
    expect(open('c2-iris').sort()).toEqual(['layers', 'lr', 'optimizer', 'seed']);
    expect(open('c2-spiral').sort()).toEqual(['lr', 'optimizer', 'seed']);
    expect(open('c3-l2').sort()).toEqual(['l2', 'seed']);
    expect(open('c3-dropout').sort()).toEqual(['dropout', 'seed']);
  });

  it('leaves out what a teacher hides or locks', () => {
    const rules = rulesOf(levelById('c2-iris')!);
    const open = openControls(rules, { hide: new Set(['optimizer']), lock: new Set(['lr']) });
    expect([...open].sort()).toEqual(['layers', 'seed']);
    expect([...openControls(rules, ONLY_SEED)]).toEqual(['seed']);
    expect([...openControls(rules, { hide: new Set(['seed']), lock: new Set() })]).not.toContain(
      'seed',
    );
  });

  it('needs a real range and a real choice', () => {
    const rules = rulesOf(structuredClone(levelById('c2-iris')!));
    rules.settings.lr.min = rules.settings.lr.max;
    rules.settings.optimizer.locked = true;
    rules.blocks.losses = ['cce'];
    const open = openControls(rules, NO_TEACHER);
    expect(open.has('lr')).toBe(false);
    expect(open.has('optimizer')).toBe(false);
    expect(open.has('loss')).toBe(false);
    expect(open.has('speed')).toBe(false);
  });
});

/** The controls that can cure each mode: advice for it suggests no others. */
const CURES: Record<FailureMode | 'won', readonly Control[]> = {
  diverged: ['clip', 'lr', 'batch'],
  overfitting: ['dropout', 'l2', 'layers'],
  stuck: ['lr', 'layers', 'optimizer'],
  'still-falling': ['lr', 'optimizer'],
  close: ['lr', 'layers', 'optimizer', 'loss', 'l2', 'dropout', 'clip', 'seed'],
  missed: ['lr', 'layers', 'optimizer', 'loss', 'l2', 'dropout', 'clip'],
  won: ['lr', 'layers', 'optimizer', 'seed'],
};

describe('advice on every level and every mode', () => {
  const modes: (FailureMode | 'won')[] = [...FAILURE_MODES, 'won'];
  const teachers = {
    'no teacher flags': NO_TEACHER,
    'a teacher link leaving only the seed': ONLY_SEED,
  };
  for (const level of LEVELS) {
    for (const [name, teacher] of Object.entries(teachers)) {
      it(`${level.id}, ${name}`, () => {
        const open = openControls(rulesOf(level), teacher);
        for (const mode of modes) {
          const outcome = outcomeFor(level, mode);
          expect(adviceMode(level, outcome), mode).toBe(mode);
          for (const attempt of [undefined, startAttempt(level, outcome)]) {
            const advice = advise(level, outcome, open, attempt);
            const where = `${mode}${attempt ? ' with the attempt' : ''}: ${advice.text}`;
            expect(advice.mode, where).toBe(mode);
            expect(advice.text.length, where).toBeGreaterThan(20);
            for (const c of advice.mentions)
              expect(open.has(c), `${where} mentions ${c}`).toBe(true);
            expect(new Set(advice.mentions).size, where).toBe(advice.mentions.length);
            for (const c of advice.mentions) expect(CURES[mode], `${where}: ${c}`).toContain(c);
            expect(closedNamed(level, advice.text, open), where).toEqual([]);
            // What the text suggests is exactly what `mentions` lists.
            expect(named(level, advice.text).sort(), where).toEqual([...advice.mentions].sort());
          }
        }
      });
    }
  }
});

describe('advice that fits the level', () => {
  const open = (level: Level): Set<Control> => openControls(rulesOf(level), NO_TEACHER);

  it('on the straight line: a smaller learning rate after a blow-up, never the optimizer', () => {
    const level = levelById('c0-line')!;
    const outcome = outcomeFor(level, 'diverged');
    const attempt = {
      ...startAttempt(level, outcome),
      options: { ...startSetup(rulesOf(level)).options, lr: 3 },
    };
    const advice = advise(level, outcome, open(level), attempt);
    expect(advice.mentions).toEqual(['lr']);
    expect(advice.text).toMatch(/ten times smaller \(about 0\.3\)/);
    expect(advice.text).not.toMatch(/optimi[sz]er/i);
  });

  it('a learning rate already at the top of its range is not suggested bigger', () => {
    const level = levelById('c2-spiral')!;
    const outcome = outcomeFor(level, 'still-falling');
    const base = startAttempt(level, outcome);
    const below = { ...base, options: { ...base.options, lr: level.settings.lr.min } };
    const atTop = { ...base, options: { ...base.options, lr: level.settings.lr.max } };
    expect(advise(level, outcome, open(level), below).mentions).toEqual(['lr', 'optimizer']);
    const advice = advise(level, outcome, open(level), atTop);
    expect(advice.mentions).toEqual(['optimizer']);
    expect(advice.text).toMatch(/Adam/);
  });

  it('overfitting with L2 open asks for L2 and never a bigger learning rate', () => {
    const level = levelById('c3-l2')!;
    const advice = advise(level, outcomeFor(level, 'overfitting'), open(level));
    expect(advice.mentions).toEqual(['l2']);
    expect(advice.text).not.toMatch(/learning rate/);
  });

  it('overfitting with dropout open asks for dropout, and for more when there is some', () => {
    const level = levelById('c3-dropout')!;
    const outcome = outcomeFor(level, 'overfitting');
    expect(advise(level, outcome, open(level)).mentions).toEqual(['dropout']);
    const base = startAttempt(level, outcome);
    const spec: ModelSpec = structuredClone(base.spec);
    spec.layers.splice(1, 0, { type: 'dropout', rate: 0.3 });
    const advice = advise(level, outcome, open(level), { ...base, spec });
    expect(advice.text).toMatch(/more dropout than 30%/);
  });

  it('a network already at the level’s caps is not told to grow', () => {
    const level = levelById('c2-xor')!;
    const outcome = outcomeFor(level, 'missed');
    const { maxLayers, maxUnits } = level.blocks;
    const full: ModelSpec = {
      layers: [
        ...Array.from({ length: maxLayers - 1 }, () => ({
          type: 'dense' as const,
          units: maxUnits,
          activation: 'relu' as const,
        })),
        { type: 'dense', units: 1 },
      ],
    };
    const grown = advise(level, outcome, open(level), {
      ...startAttempt(level, outcome),
      spec: full,
    });
    expect(grown.text).not.toMatch(/more units|another hidden layer/);
    const narrow: ModelSpec = {
      layers: [{ type: 'dense', units: 2, activation: 'relu' }, ...full.layers.slice(1)],
    };
    const room = advise(level, outcome, open(level), {
      ...startAttempt(level, outcome),
      spec: narrow,
    });
    expect(room.text).toMatch(/a different network: more units/);
    expect(room.text).not.toMatch(/another hidden layer/);
  });

  it('a flat loss on XOR points at a hidden layer first', () => {
    const level = levelById('c2-xor')!;
    const outcome = outcomeFor(level, 'stuck');
    const advice = advise(level, outcome, open(level), startAttempt(level, outcome));
    expect(advice.mentions[0]).toBe('layers');
    expect(advice.text).toMatch(/hidden layer with a non-linear activation/);
  });

  it('the straight line on a yes/no task is told about cross-entropy', () => {
    const level = levelById('c1-blobs')!;
    const outcome = outcomeFor(level, 'missed');
    const advice = advise(level, outcome, open(level), startAttempt(level, outcome));
    expect(advice.mentions).toContain('loss');
    expect(advice.text).toMatch(/cross-entropy/);
  });

  it('with nothing that helps open, it says what the level is about', () => {
    const level = levelById('c3-l2')!;
    const advice = advise(
      level,
      outcomeFor(level, 'overfitting'),
      openControls(rulesOf(level), ONLY_SEED),
    );
    expect(advice.mentions).toEqual([]);
    expect(advice.text).toMatch(/cannot be changed/);
    expect(advice.text).toMatch(
      /This level is about L2 regularisation; a winning setup has an L2 penalty\./,
    );
  });

  it('a close run with only the seed open suggests another seed', () => {
    const level = levelById('c0-line')!;
    const advice = advise(
      level,
      outcomeFor(level, 'close'),
      openControls(rulesOf(level), ONLY_SEED),
    );
    expect(advice.mentions).toEqual(['seed']);
  });

  it('star advice names layers only where they can change', () => {
    const xor = levelById('c2-xor')!;
    const won = outcomeFor(xor, 'won');
    const one = { ...startAttempt(xor, won), stars: 1, params: 99 };
    expect(advise(xor, won, open(xor), one).text).toMatch(/fewer or narrower layers/);
    expect(advise(xor, won, open(xor), one).mentions).toEqual(['layers']);
    const locked = openControls(rulesOf(xor), { hide: new Set(), lock: new Set(['layers']) });
    const fixed = advise(xor, won, locked, one);
    expect(fixed.text).not.toMatch(/layer/);
    expect(fixed.text).toMatch(/one star is as good as this setup allows/);
    const line = levelById('c0-line')!;
    const two = { ...startAttempt(line, won), stars: 2 };
    expect(advise(line, outcomeFor(line, 'won'), open(line), two).mentions).toEqual(['lr', 'seed']);
    const three = { ...two, stars: 3 };
    expect(advise(line, outcomeFor(line, 'won'), open(line), three).mentions).toEqual([]);
  });

  it('an attempt alone still tells a blow-up, a near miss and a miss apart', () => {
    const level = levelById('c0-line')!;
    const attempt = (achieved: number): Attempt => ({
      ...startAttempt(level, outcomeFor(level, 'missed')),
      achieved,
    });
    expect(adviceMode(level, attemptOutcome(level, attempt(NaN)))).toBe('diverged');
    expect(adviceMode(level, attemptOutcome(level, attempt(0.021)))).toBe('close');
    const missed = attemptOutcome(level, attempt(2));
    expect(adviceMode(level, missed)).toBe('missed');
    expect(advise(level, missed, open(level), attempt(2)).text).toMatch(/did not reach the target/);
  });
});

describe('mode detection on real training curves', () => {
  let module: WebAssembly.Module;
  beforeAll(async () => {
    module = await loadKernelModule('simd');
  });

  /**
   * Trains like the game: CHECK_EVERY steps at a time, the mean training loss of each chunk and
   * the validation loss at each check, stopping at the goal, a divergence or the budget.
   */
  function play(
    id: string,
    change: { lr?: number; spec?: ModelSpec; l2?: number } = {},
  ): {
    level: Level;
    outcome: RunOutcome;
  } {
    const level = levelById(id)!;
    const setup = startSetup(rulesOf(level));
    const options = { ...setup.options, ...('lr' in change ? { lr: change.lr! } : {}) };
    if (change.l2 !== undefined) options.l2 = change.l2;
    const { name, ...data } = dataRequest(level);
    const learner = new Learner(
      module,
      change.spec ?? setup.spec,
      makeDataset(name, { module, ...data }),
      options,
      1,
    );
    const outcome: RunOutcome = {
      passed: false,
      diverged: false,
      steps: 0,
      budget: level.stepBudget,
      goalValue: NaN,
      train: [],
      validation: [],
    };
    try {
      while (outcome.steps < level.stepBudget) {
        const r = learner.step(CHECK_EVERY);
        outcome.steps = r.step;
        if (r.ran > 0) outcome.train.push({ step: r.step, loss: r.trainLoss });
        if (r.diverged) {
          outcome.diverged = true;
          break;
        }
        const goal = learner.evaluate(level.goal.split);
        outcome.validation.push({ step: r.step, loss: learner.evaluate('validation').loss });
        outcome.goalValue = level.goal.metric === 'loss' ? goal.loss : (goal.accuracy ?? NaN);
        const met =
          level.goal.metric === 'loss'
            ? goal.loss <= level.goal.threshold
            : (goal.accuracy ?? 0) >= level.goal.threshold;
        if (met && (!level.goal.atEnd || r.step >= level.stepBudget)) {
          outcome.passed = true;
          break;
        }
      }
    } finally {
      learner.dispose();
    }
    return { level, outcome };
  }

  const mode = (run: { level: Level; outcome: RunOutcome }): string =>
    adviceMode(run.level, run.outcome);

  it('a learning rate far too big diverges', () => {
    expect(mode(play('c0-line', { lr: 5 }))).toBe('diverged');
  });

  it('a learning rate far too small is stuck; a small one is still falling at the budget', () => {
    expect(mode(play('c0-line', { lr: 0.0001 }))).toBe('stuck');
    expect(mode(play('c0-line', { lr: 0.001 }))).toBe('still-falling');
    expect(mode(play('c0-line', { lr: 0.1 }))).toBe('won');
  });

  it('a straight boundary on XOR is stuck; SGD on the spiral is still falling', () => {
    expect(mode(play('c2-xor'))).toBe('stuck');
    expect(mode(play('c2-spiral'))).toBe('still-falling');
  });

  it('the big networks of chapter 3 overfit without their cure', () => {
    expect(mode(play('c3-l2'))).toBe('overfitting');
    expect(mode(play('c3-dropout'))).toBe('overfitting');
  });

  it('the straight line with squared error on blobs levels off and misses', () => {
    expect(mode(play('c1-blobs'))).toBe('missed');
  });
});
