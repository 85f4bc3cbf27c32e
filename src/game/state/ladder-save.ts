/**
 * The epilogue's part of the save: every rung of the full ladder the player has trained (its
 * parameters, its validation loss, and its loss at each tenth of the way with the compute spent
 * so far), so minutes of training survive a reload, and the map can star the epilogue once the
 * whole ladder is trained. Checked field by field when the save is read, like the rest of it.
 */
import { LIMITS } from '../../engine/limits.js';
import { Issues, checkInt, checkKeys, checkNumber, isObject, show } from '../../engine/spec.js';
import { LADDER } from '../../levels/scaling.js';

/** One trained rung as saved. */
export interface SavedRung {
  params: number;
  loss: number;
  curve: { flops: number; loss: number }[];
}

/** Trained rungs of the full ladder, by rung id. */
export type SavedLadder = Record<string, SavedRung>;

const RUNG_IDS = LADDER.map((r) => r.id);
/** Most points a rung's curve may hold (the scene keeps ten). */
const MAX_CURVE = 100;
/** Losses and compute beyond these are not a run of this game. */
const MAX_LOSS = 100;
const MAX_FLOPS = 1e30;

function checkRung(issues: Issues, path: string, raw: unknown): SavedRung | null {
  const before = issues.list.length;
  if (!isObject(raw)) {
    issues.add(path, `must be a trained rung, got ${show(raw)}`);
    return null;
  }
  checkKeys(issues, path, raw, ['params', 'loss', 'curve']);
  checkInt(issues, `${path}.params`, raw['params'], 1, LIMITS.maxParams);
  checkNumber(issues, `${path}.loss`, raw['loss'], 0, MAX_LOSS);
  const curve = raw['curve'];
  if (!Array.isArray(curve) || curve.length < 1 || curve.length > MAX_CURVE) {
    issues.add(`${path}.curve`, `must be a list of 1 to ${MAX_CURVE} points, got ${show(curve)}`);
  } else {
    curve.forEach((p: unknown, i) => {
      const at = `${path}.curve[${i}]`;
      if (!isObject(p)) {
        issues.add(at, `must be a point {flops, loss}, got ${show(p)}`);
        return;
      }
      checkKeys(issues, at, p, ['flops', 'loss']);
      checkNumber(issues, `${at}.flops`, p['flops'], 1, MAX_FLOPS);
      checkNumber(issues, `${at}.loss`, p['loss'], 0, MAX_LOSS);
    });
  }
  if (issues.list.length > before) return null;
  return {
    params: raw['params'] as number,
    loss: raw['loss'] as number,
    curve: (curve as { flops: number; loss: number }[]).map(({ flops, loss }) => ({ flops, loss })),
  };
}

/**
 * Reads the saved ladder: the rungs that check out, and the ids of those that did not (an
 * unknown rung id, a loss that is not a number …), which the caller reports and drops.
 */
export function readLadder(raw: unknown): { ladder: SavedLadder; damaged: string[] } {
  const ladder: SavedLadder = {};
  const damaged: string[] = [];
  if (!isObject(raw)) return { ladder, damaged: ['(all)'] };
  for (const [id, value] of Object.entries(raw)) {
    const rung = RUNG_IDS.includes(id) ? checkRung(new Issues(), id, value) : null;
    if (rung) ladder[id] = rung;
    else damaged.push(id);
  }
  return { ladder, damaged };
}

/** Checks one rung the scene hands in; throws a SpecError naming the field if it is not valid. */
export function checkSavedRung(id: string, rung: SavedRung): SavedRung {
  const issues = new Issues();
  if (!RUNG_IDS.includes(id))
    issues.add('rung', `must be one of ${RUNG_IDS.join(', ')}, got ${show(id)}`);
  const clean = checkRung(issues, `ladder.${id}`, rung);
  issues.throwIfAny();
  return clean!;
}

/** Whether every rung of the ladder is trained: the epilogue's star. */
export function ladderDone(ladder: SavedLadder): boolean {
  return RUNG_IDS.every((id) => ladder[id] !== undefined);
}
