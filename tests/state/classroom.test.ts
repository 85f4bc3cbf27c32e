import { describe, expect, it } from 'vitest';
import {
  CLASS_KEY,
  loadMembership,
  readCode,
  readNickname,
  saveMembership,
  type Membership,
} from '../../src/game/state/classroom.js';
import { CODE_ALPHABET, CODE_PATTERN } from '../../src/server/api.js';
import { MemoryStorage } from './helpers.js';

const member: Membership = {
  code: 'K7QXMP',
  nickname: 'Ada L.',
  token: 'abc',
  info: {
    code: 'K7QXMP',
    name: 'Year 10 physics',
    levels: ['c2-xor'],
    start: '2026-12-01T09:00:00.000Z',
    end: null,
    submissionsPerLevel: 5,
    hide: ['optimizer'],
    lock: ['lr'],
    endedAt: null,
  },
};

describe('joining a class: what the student types', () => {
  it('reads a join code with spaces or lower case, and refuses look-alike characters', () => {
    expect(readCode(' k7q xmp ')).toBe('K7QXMP');
    expect(readCode('K7QXM')).toEqual({ error: expect.stringMatching(/six|6 letters/) });
    // 0, O, 1, I, L, 2, Z, 5, S, 8 and B are not in the alphabet: a code never holds them.
    for (const c of '0O1IL2Z5S8B') expect(CODE_ALPHABET).not.toContain(c);
    expect(typeof readCode('K7QXM0')).toBe('object');
    expect(CODE_PATTERN.test('ACDEFG')).toBe(true);
  });

  it('takes a nickname of 2 to 20 characters and refuses markup, blanks and long names', () => {
    expect(readNickname('  Ada L. ')).toBe('Ada L.');
    expect(readNickname('Zoë_2')).toBe('Zoë_2');
    for (const bad of ['A', '<script>', ' ', 'x'.repeat(21), '-dash', 'tab\there']) {
      expect(readNickname(bad), bad).toEqual({ error: expect.stringMatching(/2 to 20/) });
    }
  });
});

describe('the kept membership', () => {
  it('round-trips, and leaving forgets it', () => {
    const storage = new MemoryStorage();
    saveMembership(storage, member);
    expect(loadMembership(storage)).toEqual(member);
    saveMembership(storage, null);
    expect(loadMembership(storage)).toBeNull();
  });

  it('drops a damaged record instead of failing', () => {
    const storage = new MemoryStorage();
    for (const text of ['{', '"text"', JSON.stringify({ ...member, code: 'nope' })]) {
      storage.map.set(CLASS_KEY, text);
      expect(loadMembership(storage)).toBeNull();
      expect(storage.map.has(CLASS_KEY)).toBe(false);
    }
  });

  it('survives a storage that refuses to write', () => {
    const storage = new MemoryStorage();
    storage.failSet = true;
    expect(() => saveMembership(storage, member)).not.toThrow();
  });
});

describe('where a best run sits in the class', () => {
  it('counts the runs with fewer and more, in words', async () => {
    const { standing } = await import('../../src/game/state/classroom.js');
    expect(standing(33, [17, 33, 65, 65], 'parameters')).toBe(
      "of the class's 4 best runs, 1 use fewer parameters and 2 use more",
    );
    expect(standing(33, [33, 33], 'parameters')).toBe(
      'every best run in the class uses as many parameters',
    );
    expect(standing(33, [33], 'parameters')).toBe('the only best run in the class so far');
  });
});
