/**
 * The level audit as CI runs it, one test per level: 40 setups and a short seed search. Levels
 * on images and on sequences train hundreds of convolutional or recurrent networks, so they are
 * audited in files of their own (audit-digits, audit-fashion, audit-memory, audit-gates) that run
 * beside the others.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isSequenceName } from '../../src/data/index.js';
import { LEVELS } from '../../src/levels/index.js';
import type { ImageAssets } from '../../src/levels/judge.js';
import { auditLevel, auditTable, type AuditResult } from '../../src/levels/audit.js';
import type { Level } from '../../src/levels/types.js';
import { loadLevelAssets } from '../../src/node/image-data.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

/** The setups CI audits per level: enough to see a 10% win rate, quick enough for every push. */
const CI_SETUPS = 40;
/** CI's seed search: the two strongest setups without the idea, 20 seeds each. */
const CI_SEARCH = { setups: 2, seeds: 20 };
/** A level on images or with transformer blocks takes minutes, not seconds. */
const AUDIT_MS = 1_200_000;

/** One audit test per level, and the table once all have run. */
export function auditLevels(
  levels: readonly Level[],
  kernel: () => { module: WebAssembly.Module; images: ImageAssets },
): void {
  const results: AuditResult[] = [];
  for (const level of levels) {
    it(
      level.id,
      () => {
        const { module, images } = kernel();
        const result = auditLevel(module, level, CI_SETUPS, 1, undefined, CI_SEARCH, images);
        results.push(result);
        expect(result.failures, level.id).toEqual([]);
        if (results.length === levels.length) console.log(auditTable(levels, results));
      },
      AUDIT_MS,
    );
  }
}

/** A whole test file: the audit of every level on the image set `name`. */
export function auditImageLevels(name: string): void {
  auditLevelFile(
    `the ${name} images`,
    LEVELS.filter((l) => l.data.name === name),
  );
}

/** A whole test file: the audit of the levels of these chapters that train on sequences. */
export function auditSequenceLevels(chapters: readonly number[], ids?: readonly string[]): void {
  const levels = LEVELS.filter(
    (l) =>
      isSequenceName(l.data.name) && chapters.includes(l.chapter) && (!ids || ids.includes(l.id)),
  );
  auditLevelFile(`sequences (chapters ${chapters.join(', ')})`, levels);
}

function auditLevelFile(what: string, levels: readonly Level[]): void {
  let module: WebAssembly.Module;
  let images: ImageAssets;
  beforeAll(async () => {
    module = await loadKernelModule('simd');
    images = await loadLevelAssets(levels);
  });
  describe(`every level on ${what} teaches its idea (the level audit)`, () => {
    auditLevels(levels, () => ({ module, images }));
  });
}
