/**
 * The address bar follows the screen: every scene writes where the player is, so a reload, a
 * bookmark or a copied link opens the same place with the same network. The Title and the map
 * are the bare address; a briefing is `#level=…`; the workbench, the training view and the
 * result carry the whole run (`encodeShare`); teacher flags stay on every address of the visit.
 */
import type { DataRequest } from '../../engine/trainer.js';
import type { Draft } from '../scenes/keys.js';
import { encodeShare, type DataOptions, type SharedState, type ViewFlags } from './share.js';
import { encodeTeacher, type TeacherFlags } from './teacher.js';

/** Where the player is: a bare address, a level's page, or a whole run. */
export type Address =
  | { kind: 'home' }
  | { kind: 'level'; levelId: string }
  | { kind: 'csv'; fileName: string }
  | { kind: 'text'; fileName: string }
  | { kind: 'run'; state: SharedState };

/**
 * The address of a run: the level, or the sandbox's data set (with its data settings) or CSV
 * or text file (by name only), and the sandbox's view check boxes.
 */
export function runAddress(
  levelId: string | null,
  request: DataRequest | undefined,
  draft: Draft,
  view?: ViewFlags,
): Address {
  if (levelId) return { kind: 'run', state: { levelId, data: null, draft } };
  const flags = view && (view.showTest || view.discretize) ? { view } : {};
  if (request && 'csv' in request) {
    const csv = request.fileName ?? 'data.csv';
    return { kind: 'run', state: { levelId: null, data: null, csv, draft, ...flags } };
  }
  if (request && 'text' in request) {
    const text = request.fileName ?? 'text';
    return { kind: 'run', state: { levelId: null, data: null, text, draft, ...flags } };
  }
  const dataOptions: DataOptions = {};
  if (request?.n !== undefined) dataOptions.n = request.n;
  if (request?.noise !== undefined) dataOptions.noise = request.noise;
  if (request?.train !== undefined) dataOptions.train = request.train;
  if (request && request.seed !== 1) dataOptions.seed = request.seed;
  return {
    kind: 'run',
    state: {
      levelId: null,
      data: request?.name ?? null,
      draft,
      ...(Object.keys(dataOptions).length ? { dataOptions } : {}),
      ...flags,
    },
  };
}

/** The sandbox data request a link's data set and data settings stand for. */
export function sandboxRequest(name: string, options: DataOptions = {}): DataRequest {
  const { seed = 1, ...rest } = options;
  return { name, seed, ...rest };
}

/** The hash (without '#') for an address, teacher flags appended. */
function addressHash(address: Address, teacher: TeacherFlags): string {
  const flags = encodeTeacher(teacher);
  const main =
    address.kind === 'home'
      ? ''
      : address.kind === 'level'
        ? `level=${encodeURIComponent(address.levelId)}`
        : address.kind === 'csv' || address.kind === 'text'
          ? `${address.kind}=${encodeURIComponent(address.fileName)}`
          : encodeShare(address.state);
  return [main, flags].filter((p) => p !== '').join('&');
}

/** Writes the address into the bar without a new history entry (the page does not reload). */
export function showAddress(address: Address, teacher: TeacherFlags): void {
  if (typeof history === 'undefined' || typeof location === 'undefined') return;
  const hash = addressHash(address, teacher);
  const url = `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`;
  if (`${location.pathname}${location.search}${location.hash}` !== url) {
    history.replaceState(history.state, '', url);
  }
}
