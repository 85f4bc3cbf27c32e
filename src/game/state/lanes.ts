/**
 * The lanes of an optimizer race as a link writes them: `lanes=adam:0.01,sgd:0.3,nesterov:0.1`,
 * each lane an optimizer (or `nesterov`, momentum with Nesterov's look-ahead) and its learning
 * rate, then optional `key=value` settings (`adam:0.01:beta1=0.8:weightDecay=0.1`). Read
 * strictly through the engine's own option checks; any problem refuses the lanes with words
 * that name the lane and the field. Pure: no DOM.
 */
import { DEFAULT_OPTIONS, parseOptions, type TrainOptions } from '../../engine/options.js';
import { SpecError } from '../../engine/spec.js';
import { formatNumber, readNumber } from './link-values.js';

/** What a lane sets: its optimizer and the settings that go with it. */
export type Lane = Pick<
  TrainOptions,
  'optimizer' | 'lr' | 'momentum' | 'nesterov' | 'beta1' | 'beta2' | 'weightDecay' | 'alpha'
>;

/** Most lanes in one race. */
export const MAX_LANES = 4;

/** The names a lane may take: the engine's optimizers and Nesterov momentum. */
export const LANE_KINDS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw'] as const;
export type LaneKind = (typeof LANE_KINDS)[number];

const EXTRA_KEYS = ['momentum', 'beta1', 'beta2', 'weightDecay', 'alpha'] as const;

/** The lane's kind: its optimizer, or nesterov for momentum with the look-ahead. */
export function laneKind(lane: Lane): LaneKind {
  return lane.optimizer === 'momentum' && lane.nesterov ? 'nesterov' : lane.optimizer;
}

/** A lane of `kind` with learning rate `lr` and the engine's defaults for the rest. */
export function makeLane(kind: LaneKind, lr: number): Lane {
  const d = DEFAULT_OPTIONS;
  return {
    optimizer: kind === 'nesterov' ? 'momentum' : kind,
    lr,
    momentum: d.momentum,
    nesterov: kind === 'nesterov',
    beta1: d.beta1,
    beta2: d.beta2,
    weightDecay: d.weightDecay,
    alpha: d.alpha,
  };
}

/** How a lane is named on screen: "Adam, lr 0.01". */
export function laneName(lane: Lane): string {
  const names: Record<LaneKind, string> = {
    sgd: 'SGD',
    momentum: 'Momentum',
    nesterov: 'Nesterov',
    rmsprop: 'RMSProp',
    adam: 'Adam',
    adamw: 'AdamW',
  };
  return `${names[laneKind(lane)]}, lr ${formatNumber(lane.lr)}`;
}

/** The link text of the lanes; settings at their defaults are left out. */
export function encodeLanes(lanes: readonly Lane[]): string {
  return lanes
    .map((lane) => {
      const parts = [laneKind(lane), formatNumber(lane.lr)];
      for (const key of EXTRA_KEYS) {
        if (!Object.is(lane[key], DEFAULT_OPTIONS[key]))
          parts.push(`${key}=${formatNumber(lane[key])}`);
      }
      return parts.join(':');
    })
    .join(',');
}

/** Reads the link text of the lanes, or says in player words what is wrong with it. */
export function decodeLanes(text: string): Lane[] | { error: string } {
  const tokens = text.split(',');
  if (text === '' || tokens.length > MAX_LANES) {
    return {
      error: `The shared link's race needs 1 to ${MAX_LANES} lanes, got ${text === '' ? 0 : tokens.length}.`,
    };
  }
  const lanes: Lane[] = [];
  for (const [i, token] of tokens.entries()) {
    const [kind, lrText, ...extras] = token.split(':');
    const where = `lane ${i + 1}`;
    if (!(LANE_KINDS as readonly string[]).includes(kind ?? '')) {
      return {
        error: `The shared link's ${where} has an unknown optimizer ${JSON.stringify(kind ?? '')}; known: ${LANE_KINDS.join(', ')}.`,
      };
    }
    const raw: Record<string, unknown> = {
      optimizer: kind === 'nesterov' ? 'momentum' : kind,
      nesterov: kind === 'nesterov',
      lr: readNumber(lrText ?? ''),
    };
    for (const extra of extras) {
      const [key, value] = extra.split('=');
      if (!(EXTRA_KEYS as readonly string[]).includes(key ?? '') || value === undefined) {
        return {
          error: `The shared link's ${where} has an unknown setting ${JSON.stringify(extra)}; known: ${EXTRA_KEYS.join(', ')} (written key=value).`,
        };
      }
      raw[key!] = readNumber(value);
    }
    try {
      const o = parseOptions(raw, 'lane');
      lanes.push({
        optimizer: o.optimizer,
        lr: o.lr,
        momentum: o.momentum,
        nesterov: o.nesterov,
        beta1: o.beta1,
        beta2: o.beta2,
        weightDecay: o.weightDecay,
        alpha: o.alpha,
      });
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      return { error: `The shared link's ${where}: ${error.issues.join('; ')}.` };
    }
  }
  return lanes;
}

/** A lane branched off another during a race: replayed from the link at the same step. */
export interface Branch {
  /** The parent lane, from 0. */
  parent: number;
  /** The step it branched at (a snapshot's). */
  step: number;
  lane: Lane;
}

/** `branches=1@300:adam:0.005,…`: the parent lane (from 1), the step, then the lane. */
export function encodeBranches(branches: readonly Branch[]): string {
  return branches.map((b) => `${b.parent + 1}@${b.step}:${encodeLanes([b.lane])}`).join(',');
}

/** Reads `branches=`; `lanes` is how many lanes the race starts with (a parent must exist). */
export function decodeBranches(text: string, lanes: number): Branch[] | { error: string } {
  const out: Branch[] = [];
  for (const [i, token] of text.split(',').entries()) {
    const m = /^(\d+)@(\d+):(.*)$/.exec(token);
    const where = `branch ${i + 1}`;
    if (!m) {
      return {
        error: `The shared link's ${where} must be written LANE@STEP:OPTIMIZER:LR, got ${JSON.stringify(token.slice(0, 40))}.`,
      };
    }
    const parent = Number(m[1]) - 1;
    const step = Number(m[2]);
    if (parent < 0 || parent >= lanes + i || step > 100000) {
      return {
        error: `The shared link's ${where} names lane ${m[1]} at step ${m[2]}; there are ${lanes + i} lanes before it and steps go to 100000.`,
      };
    }
    const lane = decodeLanes(m[3]!);
    if ('error' in lane) return { error: lane.error.replace('lane 1', where) };
    out.push({ parent, step, lane: lane[0]! });
  }
  if (lanes + out.length > MAX_LANES) {
    return {
      error: `The shared link's race has ${lanes + out.length} lanes with its branches; the lab races ${MAX_LANES} at most.`,
    };
  }
  return out;
}
