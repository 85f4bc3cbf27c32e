/**
 * The previous era's model, trained on the side so it can fail in front of the player: each
 * level's `naive` run, trained once in the worker (deterministic, so once per level is enough)
 * with a picture at every goal check — its decision boundary over the same plane as the
 * player's map, or its line over the same x range. The Workbench asks for it early, so it is
 * ready when Training shows it beside the player's run. Also the data previews, kept per data
 * request for the same reason.
 */
import type { DataPreview, DataRequest, GhostRun } from '../engine/trainer.js';
import { CHECK_EVERY, dataRequest } from '../levels/index.js';
import type { Level } from '../levels/types.js';
import { dataShape } from './data-shape.js';
import { extentOfBounds, gridInputs } from './objects/heatmap.js';
import { services } from './services.js';

/** Cells per side of the ghost's boundary pictures: a small inset needs no more. */
export const GHOST_GRID = 32;
/** Points along x of a fitted curve (the Training view's line plot uses the same). */
export const CURVE_POINTS = 64;

/** A ghost run and the frame its pictures are drawn in. */
export interface Ghost {
  level: Level;
  run: GhostRun;
  /**
   * 'plane': frames are GHOST_GRID² predictions over the data's bounds; 'curve': CURVE_POINTS
   * along x (`curveXs`).
   */
  picture: 'plane' | 'curve' | null;
}

const previews = new Map<string, Promise<DataPreview>>();
const ghosts = new Map<string, Promise<Ghost>>();

/** The preview of a named data set (cached); a CSV or a text file is previewed afresh each time. */
export function previewFor(request: DataRequest): Promise<DataPreview> {
  if (!('name' in request)) return services().trainer.preview(request);
  const key = JSON.stringify(request);
  let p = previews.get(key);
  if (!p) {
    p = services().trainer.preview(request);
    previews.set(key, p);
    p.catch(() => previews.delete(key));
  }
  return p;
}

/** The x values a curve over [min, max] is drawn at. */
export function curveXs(min: number, max: number): Float32Array {
  const xs = new Float32Array(CURVE_POINTS);
  for (let i = 0; i < CURVE_POINTS; i++) xs[i] = min + ((max - min) * i) / (CURVE_POINTS - 1);
  return xs;
}

/** The level's naive run, trained once per level and page (it is the same every time). */
export function ghostFor(level: Level): Promise<Ghost> {
  let g = ghosts.get(level.id);
  if (!g) {
    g = build(level);
    ghosts.set(level.id, g);
    g.catch(() => ghosts.delete(level.id));
  }
  return g;
}

async function build(level: Level): Promise<Ghost> {
  // The old way trains on the level's own data: one run for every player, whatever data
  // settings a level's open controls let them choose.
  const request = dataRequest(level);
  // Images have no plane or curve to draw the old way in (and no table preview): words only.
  const images = (dataShape(request).inputShape?.length ?? 1) === 3;
  const preview = images ? null : await previewFor(request);
  let picture: Ghost['picture'] = null;
  let grid: Float32Array | null = null;
  if (preview?.inputs === 2) {
    picture = 'plane';
    grid = gridInputs(extentOfBounds(preview.min, preview.max), GHOST_GRID);
  } else if (preview?.inputs === 1) {
    picture = 'curve';
    grid = curveXs(preview.min[0]!, preview.max[0]!);
  }
  const { spec, options, seed, steps } = level.naive;
  const goal = { split: level.goal.split, metric: level.goal.metric, every: CHECK_EVERY };
  const ghost = await services().trainer.ghost(
    { spec, options, seed, steps: Math.min(steps, level.stepBudget) },
    request,
    goal,
    grid,
  );
  return { level, run: ghost, picture };
}
