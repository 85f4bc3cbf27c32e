/**
 * What the Training scene says in words: the numbers beside the loss chart, and why a diverged
 * run stopped with the one fix the player can make here. Presentation only and free of Phaser,
 * so the words can be tested on their own; the rules that judge a run live in src/levels.
 */
import { formatPercent as pct } from '../../engine/format.js';
import type { Divergence } from '../../engine/learner.js';
import type { TargetScale } from '../../engine/trainer.js';
import { goalMet } from '../../levels/index.js';
import type { Level, RangeSetting } from '../../levels/types.js';
import { isEditable, type TeacherFlags } from '../state/teacher.js';
import { formatLoss, formatNumber } from '../ui/format.js';
import { formatMetric } from './level-text.js';

/** A split's numbers at the last check. */
export interface SplitValue {
  loss: number;
  accuracy: number | null;
  /** e^loss for a model of the next symbol (the engine's), else absent. */
  perplexity?: number | null;
}

export interface RunNumbers {
  step: number;
  budget: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  validation: SplitValue | null;
  /** The goal split's numbers at the last check (the validation's, unless the goal says train). */
  goal: SplitValue | null;
  /** How the targets were standardised for training, if they were (a CSV's prices, say). */
  scale: TargetScale | null;
  over: boolean;
}

/** The lines beside the chart: step, train and validation numbers, and the goal's state. */
export function metricsLines(level: Level | null, n: RunNumbers): string[] {
  const lines = [
    `Step ${n.step} of ${n.budget}`,
    `Train loss ${n.trainLoss === null ? '—' : formatLoss(n.trainLoss)}` +
      (n.trainAccuracy !== null ? ` · accuracy ${pct(n.trainAccuracy)}` : ''),
    `Validation loss ${n.validation ? formatLoss(n.validation.loss) : '—'}` +
      (n.validation?.accuracy != null ? ` · accuracy ${pct(n.validation.accuracy)}` : '') +
      (n.validation?.perplexity != null
        ? ` · perplexity ${formatNumber(n.validation.perplexity)}`
        : ''),
  ];
  if (n.scale && n.validation) {
    // Say the error in the data's units too: the loss trained on is of standardised targets.
    const loss = Math.max(n.validation.loss, 0);
    const rms = Math.sqrt(loss) * n.scale.std;
    lines.push(
      `In the data's units: ${formatLoss(loss * n.scale.std ** 2)}, miss ≈ ${formatLoss(rms)}`,
    );
  }
  if (level && n.goal) {
    const g = level.goal;
    const v = g.metric === 'loss' ? n.goal.loss : n.goal.accuracy;
    const state = goalMet(g, n.goal) ? '✓ met' : n.over ? '✗ not met' : '· not yet';
    lines.push(
      `Goal (${g.split} ${g.metric}): ${v === null ? '—' : formatMetric(level, v)} ${state}`,
    );
  }
  return lines;
}

export interface DivergenceContext {
  lr: number;
  /** The level's learning-rate range (none in the sandbox). */
  lrRange: RangeSetting | null;
  /** Whether the player may change the learning rate here (the level and a teacher's link). */
  lrEditable: boolean;
  /** Whether choosing the learning rate is the level's own lesson (chapter 0). */
  lrIsIdea: boolean;
  /** Whether the player may change the network's layers here. */
  layersEditable: boolean;
  /** Whether the level opens gradient clipping and the player may change it. */
  clipEditable?: boolean;
}

/**
 * What a diverged run's advice depends on, from the level (none in the sandbox), the learning
 * rate it ran with and a teacher's link.
 */
export function divergenceContext(
  level: Level | null,
  lr: number,
  teacher: TeacherFlags,
): DivergenceContext {
  return {
    lr,
    lrRange: level?.settings.lr ?? null,
    lrEditable: isEditable('lr', teacher, level?.settings.lr.locked ?? false),
    lrIsIdea: level?.teaches.rule.some((c) => c.kind === 'learning-rate') ?? false,
    layersEditable: isEditable('layers', teacher, !(level?.blocks.dense ?? true)),
    clipEditable:
      level?.settings.clip !== undefined &&
      level.settings.clip.min < level.settings.clip.max &&
      isEditable('clip', teacher, level.settings.clip.locked),
  };
}

/**
 * Why a run blew up and what to do, in words that fit this workbench, and the smaller rate a
 * rewind would use — null where lowering it is not the player's to do, or where finding the
 * rate is the level's task and a winning one must not be handed out.
 */
export function divergenceAdvice(
  d: Divergence,
  c: DivergenceContext,
): { message: string; rewindTo: number | null } {
  const canLower = c.lrEditable && (c.lrRange ? c.lrRange.min < c.lr : true);
  const cause =
    d.cause === 'exploding-gradient'
      ? 'The gradient grew and grew until it exploded.'
      : `Each update overshot, so the loss blew up: a learning rate of ${formatNumber(c.lr)} is too big here.`;
  const fix =
    c.lrIsIdea && c.lrEditable
      ? 'Go back and choose a smaller learning rate yourself: finding one that works is what this level is about.'
      : c.clipEditable && (d.cause === 'exploding-gradient' || !canLower)
        ? 'Go back to the workbench and turn on gradient clipping: it shortens a gradient that is too long before each step, so one huge gradient cannot throw the weights away.'
        : canLower
          ? 'Rewind to the same starting weights with a rate ten times smaller, or go back and change it.'
          : c.layersEditable
            ? 'The learning rate is fixed here, so go back to the workbench and change the network.'
            : 'The learning rate is fixed here: reset and try another seed on the workbench.';
  const lower = Math.max(c.lrRange?.min ?? 1e-6, c.lr / 10);
  return {
    message: `The ${d.quantity} stopped being a number at step ${d.step}. ${cause} ${fix}`,
    rewindTo: canLower && !c.lrIsIdea && lower < c.lr ? lower : null,
  };
}
