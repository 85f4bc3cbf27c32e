/** The SQLite store: WAL and full sync, hashes only, nicknames unique in any case, the
 * per-level limit in one transaction, and unfinished replays put back in the queue on reopen. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Submission } from '../../src/server/api.js';
import { openSqliteStore } from '../../src/server/store.js';

const dir = mkdtempSync(join(tmpdir(), 'nj-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const body = {
  levelId: 'c2-xor',
  spec: {},
  options: {},
  seed: 1,
  version: { kernel: 'k', level: 'l' },
} as Submission;
const info = {
  name: 'n',
  levels: ['c2-xor'],
  start: '2026-01-01T00:00:00.000Z',
  end: null,
  submissionsPerLevel: 2,
  hide: [],
  lock: [],
};

describe('openSqliteStore', () => {
  it('keeps classes, students and submissions across a reopen, and requeues unfinished ones', () => {
    const file = join(dir, 'a.db');
    const store = openSqliteStore(file);
    const codes = ['AAAAAA', 'AAAAAA', 'CCCCCC'];
    const a = store.createClass(info, 'hash-a', () => 'AAAAAA', 'now');
    const b = store.createClass(info, 'hash-b', () => codes.shift()!, 'now');
    expect([a.code, b.code]).toEqual(['AAAAAA', 'CCCCCC']);
    const ada = store.addStudent('AAAAAA', 'Ada', 'tok-ada', 'now', 10);
    expect(store.addStudent('AAAAAA', 'aDA', 'tok-2', 'now', 10)).toBe('taken');
    expect(store.addStudent('CCCCCC', 'ADA', 'tok-3', 'now', 10)).toMatchObject({
      nickname: 'ADA',
    });
    expect(store.addStudent('CCCCCC', 'Bo', 'tok-4', 'now', 1)).toBe('full');
    if (typeof ada === 'string') throw new Error(ada);
    expect(store.findStudent('AAAAAA', 'tok-ada')?.id).toBe(ada.id);
    expect(store.findStudent('CCCCCC', 'tok-ada')).toBeNull();
    const s1 = store.addSubmission(ada, 'c2-xor', body, 'now', 2);
    const s2 = store.addSubmission(ada, 'c2-xor', body, 'now', 2);
    expect(store.addSubmission(ada, 'c2-xor', body, 'now', 2)).toBe('limit');
    expect([s1, s2]).toMatchObject([{ remaining: 1 }, { remaining: 0 }]);
    if (s1 === 'limit' || s2 === 'limit') throw new Error('limit');
    store.markRunning(s1.id, 'later');
    store.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(JSON.stringify(raw.prepare('SELECT * FROM students').all())).not.toMatch(
      /"token_hash":"(?!tok)/,
    );
    raw.close();

    const again = openSqliteStore(file);
    expect(again.requeueUnfinished().map((s) => [s.id, s.status])).toEqual([
      [s1.id, 'queued'],
      [s2.id, 'queued'],
    ]);
    again.finish(s1.id, { status: 'refused', message: 'no' }, 'end');
    expect(again.getSubmission(s1.id)).toMatchObject({
      status: 'refused',
      message: 'no',
      verifiedAt: 'end',
      nickname: 'Ada',
    });
    expect(again.endClass('AAAAAA', 't1')?.endedAt).toBe('t1');
    expect(again.endClass('AAAAAA', 't2')?.endedAt).toBe('t1');
    again.close();
  });
});
