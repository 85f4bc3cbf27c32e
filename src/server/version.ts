/**
 * What scores a run on this server, read from disk once at start: every level file (parsed and
 * validated like the level audit does, since `src/levels/index.ts` needs Vite) and the hashes of
 * `VersionInfo` — the release kernel's bytes and each level's canonical JSON — which the game
 * computes the same way in the browser (`src/game/state/classroom.ts`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLevel } from '../levels/schema.js';
import type { Level } from '../levels/types.js';
import { kernelDir } from '../node/kernel-file.js';
import type { VersionInfo } from './api.js';

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The project folder (the one holding `levels/`), found by walking up from this file. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'levels')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('levels/ not found above ' + fileURLToPath(import.meta.url));
}

/** The levels this server scores, in map order, with the version hashes. */
export interface Catalogue {
  levels: Map<string, Level>;
  version: VersionInfo;
}

/** Reads every `levels/*.json` and the release kernel (`build/kernel.wasm`, the asc release target). */
export function loadCatalogue(levelsDir = join(projectRoot(), 'levels')): Catalogue {
  const levels: Level[] = [];
  const hashes: Record<string, string> = {};
  for (const file of readdirSync(levelsDir).filter((f) => f.endsWith('.json'))) {
    const raw: unknown = JSON.parse(readFileSync(join(levelsDir, file), 'utf8'));
    const level = parseLevel(raw, `levels/${file}`);
    levels.push(level);
    hashes[level.id] = sha256Hex(JSON.stringify(raw));
  }
  levels.sort((a, b) => a.chapter - b.chapter || a.order - b.order);
  const kernel = sha256Hex(readFileSync(join(kernelDir(), 'kernel.wasm')));
  const sorted: Record<string, string> = {};
  for (const l of levels) sorted[l.id] = hashes[l.id]!;
  return { levels: new Map(levels.map((l) => [l.id, l])), version: { kernel, levels: sorted } };
}
