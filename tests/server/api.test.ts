/**
 * Every route of src/server/api.ts against a real server on a loopback port (replays in-process),
 * and every refusal: bodies that name the field, unknown codes, taken nicknames, missing and
 * wrong tokens, the submission limit, the contest's times, another version, oversized bodies.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLevel } from '../../src/levels/schema.js';
import type { Board, ClassInfo, Report, StudentView, VersionInfo } from '../../src/server/api.js';
import { MAX_BODY_BYTES } from '../../src/server/api.js';
import { csvCell } from '../../src/server/board.js';
import {
  ROOT,
  call,
  makeClass,
  referenceSubmission,
  settled,
  startServer,
  tempDir,
  type Running,
} from './helpers.js';

let server: Running;
let base: string;
let version: VersionInfo;
let clock = Date.now();
const HOUR = 3_600_000;

beforeAll(async () => {
  server = await startServer({ now: () => new Date(clock), webRoot: join(ROOT, 'no-such-folder') });
  base = server.base;
  version = (await call<VersionInfo>(base, 'GET', '/api/version')).body;
});
afterAll(async () => {
  await server.close();
});

const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');

describe('GET /api/version', () => {
  it('hashes the release kernel and each level file canonically', () => {
    expect(version.kernel).toBe(sha(readFileSync(join(ROOT, 'build', 'kernel.wasm'))));
    const text = readFileSync(join(ROOT, 'levels', 'c2-xor.json'), 'utf8');
    expect(version.levels['c2-xor']).toBe(sha(JSON.stringify(JSON.parse(text))));
    expect(Object.keys(version.levels).length).toBeGreaterThanOrEqual(10);
  });

  it('gives each level the hash the game computes from its parsed level', () => {
    for (const [id, hash] of Object.entries(version.levels)) {
      const raw: unknown = JSON.parse(readFileSync(join(ROOT, 'levels', `${id}.json`), 'utf8'));
      expect(sha(JSON.stringify(parseLevel(raw, `levels/${id}.json`))), id).toBe(hash);
    }
  });
});

describe('POST /api/classes', () => {
  const good = { name: 'Class 7B', levels: ['c2-xor', 'c2-circles'], submissionsPerLevel: 5 };

  it('creates a class with a join code and a teacher token shown once', async () => {
    const r = await call<{ class: ClassInfo; teacherToken: string }>(base, 'POST', '/api/classes', {
      body: { ...good, hide: ['lr', 'lr'], lock: ['seed'] },
    });
    expect(r.status).toBe(201);
    expect(r.body.class.code).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{6}$/);
    expect(r.body.teacherToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.body.class).toMatchObject({
      name: 'Class 7B',
      levels: ['c2-xor', 'c2-circles'],
      submissionsPerLevel: 5,
      hide: ['lr'],
      lock: ['seed'],
      end: null,
      endedAt: null,
    });
    const info = await call<ClassInfo>(base, 'GET', `/api/classes/${r.body.class.code}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual(r.body.class);
    expect(info.text).not.toContain('teacher');
  });

  const refusals: Array<[string, unknown, RegExp, number?]> = [
    ['no name', { levels: ['c2-xor'], submissionsPerLevel: 1 }, /^name is required/],
    ['a long name', { ...good, name: 'x'.repeat(61) }, /^name must be 1 to 60 characters/],
    ['a blank name', { ...good, name: '   ' }, /^name must be 1 to 60/],
    ['a control character', { ...good, name: 'a\u0007b' }, /^name may not hold control characters/],
    ['a line break', { ...good, name: 'a\nb' }, /^name may not hold control characters/],
    ['a number as name', { ...good, name: 7 }, /^name must be a string/],
    ['no levels', { ...good, levels: [] }, /^levels must list at least one level/],
    [
      'an unknown level',
      { ...good, levels: ['c9-nope'] },
      /^levels\[0\] "c9-nope" is not a level of this version/,
    ],
    ['a repeated level', { ...good, levels: ['c2-xor', 'c2-xor'] }, /^levels\[1\] repeats c2-xor/],
    [
      '0 submissions',
      { ...good, submissionsPerLevel: 0 },
      /^submissionsPerLevel must be a whole number from 1 to 100, got 0/,
    ],
    [
      '101 submissions',
      { ...good, submissionsPerLevel: 101 },
      /^submissionsPerLevel must be a whole number from 1 to 100/,
    ],
    [
      '1.5 submissions',
      { ...good, submissionsPerLevel: 1.5 },
      /^submissionsPerLevel must be a whole number/,
    ],
    [
      '"3" submissions',
      { ...good, submissionsPerLevel: '3' },
      /^submissionsPerLevel must be a number/,
    ],
    [
      'an unknown control',
      { ...good, hide: ['lr', 'turbo'] },
      /^hide\[1\] "turbo" is not a control \(controls: optimizer, lr/,
    ],
    ['a lock not a list', { ...good, lock: 'lr' }, /^lock must be an array/],
    ['a start not ISO', { ...good, start: 'next monday' }, /^start must be an ISO 8601 time/],
    [
      'an end before start',
      {
        ...good,
        start: new Date(clock + 2 * HOUR).toISOString(),
        end: new Date(clock + HOUR).toISOString(),
      },
      /^end must be after start/,
    ],
    [
      'an end in the past',
      {
        ...good,
        start: new Date(clock - 2 * HOUR).toISOString(),
        end: new Date(clock - HOUR).toISOString(),
      },
      /^end must be in the future/,
    ],
    ['an extra field', { ...good, teacher: 'me' }, /^teacher is not a known field/],
    ['a list as body', [good], /^the request body must be an object/],
    ['not JSON', '{"name": ', /not valid JSON/],
  ];
  for (const [what, body, message, status] of refusals) {
    it(`refuses ${what}`, async () => {
      const r = await call<{ error: string }>(base, 'POST', '/api/classes', { body });
      expect(r.status).toBe(status ?? 400);
      expect(r.body.error).toMatch(message);
    });
  }

  it('refuses a body that is not JSON (415) and one over the size limit (413)', async () => {
    const text = await call<{ error: string }>(base, 'POST', '/api/classes', {
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).toBe(415);
    expect(text.body.error).toMatch(/must be JSON/);
    const huge = await call<{ error: string }>(base, 'POST', '/api/classes', {
      body: { ...good, name: 'x'.repeat(MAX_BODY_BYTES) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/larger than 65536 bytes/);
  });
});

describe('GET /api/classes/:code', () => {
  it('answers 404 for an unknown code and 400 for a malformed one', async () => {
    const unknown = await call<{ error: string }>(base, 'GET', '/api/classes/AAAAAA');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/No class has the code AAAAAA/);
    const bad = await call<{ error: string }>(base, 'GET', '/api/classes/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^code must be 6 characters/);
  });
});

describe('POST /api/classes/:code/students', () => {
  it('joins with a nickname, unique in the class whatever the case', async () => {
    const { code } = await makeClass(base, { students: ['Ada'] });
    const again = await call<{ error: string }>(base, 'POST', `/api/classes/${code}/students`, {
      body: { nickname: 'ADA' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/nickname "ADA" is taken/);
    const other = await call<{ nickname: string; studentToken: string }>(
      base,
      'POST',
      `/api/classes/${code}/students`,
      {
        body: { nickname: 'Émile K.' },
      },
    );
    expect(other.status).toBe(201);
    expect(other.body.nickname).toBe('Émile K.');
    expect(other.body.studentToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  for (const nickname of ['A', ' Ada', 'Ada ', '<b>x</b>', 'x'.repeat(21), 'a\u0000b', '']) {
    it(`refuses the nickname ${JSON.stringify(nickname)}`, async () => {
      const { code } = await makeClass(base);
      const r = await call<{ error: string }>(base, 'POST', `/api/classes/${code}/students`, {
        body: { nickname },
      });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/^nickname must be 2 to 20 letters/);
    });
  }

  it('refuses a missing nickname, an unknown class and a class that has ended', async () => {
    const { code, teacher } = await makeClass(base);
    const missing = await call<{ error: string }>(base, 'POST', `/api/classes/${code}/students`, {
      body: {},
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('nickname is required');
    const unknown = await call(base, 'POST', '/api/classes/AAAAAA/students', {
      body: { nickname: 'Bo' },
    });
    expect(unknown.status).toBe(404);
    await call(base, 'POST', `/api/classes/${code}/end`, { token: teacher, body: {} });
    const late = await call<{ error: string }>(base, 'POST', `/api/classes/${code}/students`, {
      body: { nickname: 'Bo' },
    });
    expect(late.status).toBe(403);
    expect(late.body.error).toMatch(/has ended/);
  });
});

describe('POST /api/classes/:code/submissions', () => {
  it('takes a run (202), replays it and counts down what is left', async () => {
    const { code, tokens } = await makeClass(base, { students: ['Ada'], submissionsPerLevel: 2 });
    const body = referenceSubmission(version);
    const first = await call<{ id: number; status: string; remaining: number }>(
      base,
      'POST',
      `/api/classes/${code}/submissions`,
      { body, token: tokens['Ada']! },
    );
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'queued', remaining: 1 });
    const done = await settled(base, first.body.id, tokens['Ada']!);
    expect(done).toMatchObject({ status: 'done', levelId: 'c2-xor', message: null });
    const result = done['result'] as Record<string, unknown>;
    expect(result).toMatchObject({ passed: true, params: 33 });
    expect(result['stars']).toBeGreaterThanOrEqual(1);
    // A student sees the test score only once the class has ended.
    expect(result['privateScore']).toBeNull();
    const second = await call<{ remaining: number }>(
      base,
      'POST',
      `/api/classes/${code}/submissions`,
      { body, token: tokens['Ada']! },
    );
    expect(second.status).toBe(202);
    expect(second.body.remaining).toBe(0);
    const third = await call<{ error: string }>(base, 'POST', `/api/classes/${code}/submissions`, {
      body,
      token: tokens['Ada']!,
    });
    expect(third.status).toBe(409);
    expect(third.body.error).toMatch(/used all 2 submissions for level c2-xor \(0 remaining\)/);
  });

  it('holds what the class locks or hides at the level’s starting value', async () => {
    const { code, tokens } = await makeClass(base, {
      students: ['Ada'],
      lock: ['lr'],
      hide: ['seed'],
    });
    const body = referenceSubmission(version);
    // The reference keeps the starting learning rate (0.3) and seed (1): accepted.
    const ok = await call(base, 'POST', `/api/classes/${code}/submissions`, {
      body,
      token: tokens['Ada']!,
    });
    expect(ok.status).toBe(202);
    const faster = { ...body, options: { ...(body.options as object), lr: 0.5 }, seed: 7 };
    const refused = await call<{ error: string }>(
      base,
      'POST',
      `/api/classes/${code}/submissions`,
      {
        body: faster,
        token: tokens['Ada']!,
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(
      /changes what the class fixes: learning rate 0\.5 → 0\.3 \(fixed by the class\); seed 7 → 1 \(fixed by the class\)/,
    );
  });

  it('refuses without a token (401), with a wrong one or another class’s (403)', async () => {
    const a = await makeClass(base, { students: ['Ada'] });
    const b = await makeClass(base, { students: ['Bo'] });
    const body = referenceSubmission(version);
    const path = `/api/classes/${a.code}/submissions`;
    const none = await call<{ error: string }>(base, 'POST', path, { body });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/Authorization is missing/);
    for (const token of ['nonsense', 'x'.repeat(43), b.tokens['Bo']!, a.teacher]) {
      const r = await call<{ error: string }>(base, 'POST', path, { body, token });
      expect(r.status).toBe(403);
      expect(r.body.error).toMatch(/belongs to no student of class/);
    }
    const basic = await call(base, 'POST', path, { body, headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(403);
  });

  it('refuses bodies that break the contract, naming the field', async () => {
    const { code, tokens } = await makeClass(base, { students: ['Ada'] });
    const good = referenceSubmission(version);
    const cases: Array<[unknown, RegExp, number]> = [
      [{ ...good, score: 1 }, /^score is not a known field/, 400],
      [{ ...good, stars: 3 }, /^stars is not a known field/, 400],
      [
        { ...good, version: { ...good.version, passed: true } },
        /^version\.passed is not a known field/,
        400,
      ],
      [{ ...good, data: { n: 10, steps: 5 } }, /^data\.steps is not a known field/, 400],
      [{ ...good, seed: '1' }, /^seed must be a number/, 400],
      [{ ...good, spec: [] }, /^spec must be an object/, 400],
      [{ ...good, levelId: undefined }, /^levelId is required/, 400],
      [{ ...good, version: undefined }, /^version is required/, 400],
      [{ ...good, version: { kernel: good.version.kernel } }, /^version\.level is required/, 400],
      [
        { ...good, levelId: 'c2-circles' },
        /^levelId "c2-circles" is not a level of this class/,
        400,
      ],
      [
        { ...good, spec: { layers: [{ type: 'dense', units: 0 }] } },
        /^spec\.layers\[0\]\.units must be an integer/,
        400,
      ],
      [
        { ...good, spec: { layers: [{ type: 'conv' }] } },
        /^spec\.layers\[0\]\.type must be one of dense, activation, dropout, conv2d/,
        400,
      ],
      [{ ...good, options: { lr: 'fast' } }, /^options\.lr must be a number/, 400],
      [{ ...good, options: { turbo: true } }, /^options\.turbo is not a known field/, 400],
      [{ ...good, seed: -1 }, /^seed must be an integer from 0/, 400],
      [
        { ...good, version: { ...good.version, kernel: '0'.repeat(64) } },
        /another version of the game \(its training kernel differs.*reload/,
        409,
      ],
      [
        { ...good, version: { ...good.version, level: version.levels['c2-circles'] } },
        /another version of the game \(its level c2-xor differs.*reload/,
        409,
      ],
    ];
    for (const [body, message, status] of cases) {
      const r = await call<{ error: string }>(base, 'POST', `/api/classes/${code}/submissions`, {
        body,
        token: tokens['Ada']!,
      });
      expect([r.status, r.body.error]).toEqual([status, expect.stringMatching(message)]);
    }
    // None of them was counted.
    const me = await call<StudentView>(base, 'GET', `/api/classes/${code}/me`, {
      token: tokens['Ada']!,
    });
    expect(me.body.submissions).toEqual([]);
  });

  it('takes runs only between start and end', async () => {
    const later = await makeClass(base, {
      students: ['Ada'],
      start: new Date(clock + HOUR).toISOString(),
    });
    const body = referenceSubmission(version);
    const early = await call<{ error: string }>(
      base,
      'POST',
      `/api/classes/${later.code}/submissions`,
      { body, token: later.tokens['Ada']! },
    );
    expect(early.status).toBe(403);
    expect(early.body.error).toMatch(/has not started: it takes submissions from/);

    const due = await makeClass(base, {
      students: ['Ada'],
      end: new Date(clock + HOUR).toISOString(),
    });
    const saved = clock;
    clock += 2 * HOUR;
    try {
      const late = await call<{ error: string }>(
        base,
        'POST',
        `/api/classes/${due.code}/submissions`,
        { body, token: due.tokens['Ada']! },
      );
      expect(late.status).toBe(403);
      expect(late.body.error).toMatch(
        /has ended \(its deadline was .*\): it takes no more submissions/,
      );
      const board = await call<Board>(base, 'GET', `/api/classes/${due.code}/board`);
      expect(board.body.kind).toBe('private');
    } finally {
      clock = saved;
    }

    const ended = await makeClass(base, { students: ['Ada'] });
    await call(base, 'POST', `/api/classes/${ended.code}/end`, { token: ended.teacher, body: {} });
    const after = await call<{ error: string }>(
      base,
      'POST',
      `/api/classes/${ended.code}/submissions`,
      { body, token: ended.tokens['Ada']! },
    );
    expect(after.status).toBe(403);
    expect(after.body.error).toMatch(/has ended: it takes no more submissions/);
  });
});

describe('GET /api/submissions/:id', () => {
  it('shows a submission to its student and the class’s teacher only', async () => {
    const { code, teacher, tokens } = await makeClass(base, { students: ['Ada', 'Bo'] });
    const sent = await call<{ id: number }>(base, 'POST', `/api/classes/${code}/submissions`, {
      body: referenceSubmission(version),
      token: tokens['Ada']!,
    });
    await settled(base, sent.body.id, tokens['Ada']!);
    const path = `/api/submissions/${sent.body.id}`;
    const asTeacher = await call<{ result: { privateScore: number } }>(base, 'GET', path, {
      token: teacher,
    });
    expect(asTeacher.status).toBe(200);
    expect(typeof asTeacher.body.result.privateScore).toBe('number');
    expect((await call(base, 'GET', path, { token: tokens['Bo']! })).status).toBe(403);
    expect((await call(base, 'GET', path)).status).toBe(401);
    expect((await call(base, 'GET', '/api/submissions/999999', { token: teacher })).status).toBe(
      404,
    );
    const bad = await call<{ error: string }>(base, 'GET', '/api/submissions/1e3', {
      token: teacher,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^id must be a submission number/);
  });
});

describe('boards, the student view, the report and the end', () => {
  it('ranks by stars, shows histograms, reports, and reveals the private board at the end', async () => {
    const { code, teacher, tokens } = await makeClass(base, {
      students: ['Ada', 'Bo', 'Cy'],
      submissionsPerLevel: 3,
    });
    const good = referenceSubmission(version);
    const weak = {
      ...good,
      spec: { layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }] },
    };
    const ids: Array<[string, number]> = [];
    for (const [who, body] of [
      ['Bo', weak],
      ['Ada', good],
      ['Ada', weak],
    ] as const) {
      const r = await call<{ id: number }>(base, 'POST', `/api/classes/${code}/submissions`, {
        body,
        token: tokens[who]!,
      });
      expect(r.status).toBe(202);
      ids.push([who, r.body.id]);
    }
    for (const [who, id] of ids) await settled(base, id, tokens[who]!);

    const board = await call<Board>(base, 'GET', `/api/classes/${code}/board`);
    expect(board.body.kind).toBe('public');
    expect(board.body.rows.map((r) => r.nickname)).toEqual(['Ada', 'Bo', 'Cy']);
    expect(board.body.rows[0]!.stars).toBeGreaterThan(0);
    expect(board.body.rows[1]!.stars).toBe(0);
    expect(board.body.rows[2]!.scores['c2-xor']).toBeNull();
    expect(board.body.rows[0]!.publicRank).toBeUndefined();

    const me = await call<StudentView>(base, 'GET', `/api/classes/${code}/me`, {
      token: tokens['Ada']!,
    });
    expect(me.status).toBe(200);
    expect(me.body.nickname).toBe('Ada');
    expect(me.body.submissions).toHaveLength(2);
    const h = me.body.histograms['c2-xor']!;
    expect(h.params).toEqual([3, 33]);
    expect(h.mine).toMatchObject({ params: 33 });
    expect((await call(base, 'GET', `/api/classes/${code}/me`)).status).toBe(401);
    expect((await call(base, 'GET', `/api/classes/${code}/me`, { token: teacher })).status).toBe(
      403,
    );

    for (const path of ['report', 'report.csv', 'end']) {
      const method = path === 'end' ? 'POST' : 'GET';
      expect((await call(base, method, `/api/classes/${code}/${path}`)).status).toBe(401);
      const wrong = await call<{ error: string }>(base, method, `/api/classes/${code}/${path}`, {
        token: tokens['Ada']!,
      });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error).toMatch(/not the teacher token/);
    }
    const report = await call<Report>(base, 'GET', `/api/classes/${code}/report`, {
      token: teacher,
    });
    expect(report.status).toBe(200);
    expect(report.body.rows).toHaveLength(3);
    expect(report.body.rows.find((r) => r.nickname === 'Ada')).toMatchObject({
      submissions: 2,
      best: { params: 33 },
    });
    expect(report.body.histograms['c2-xor']!.mine).toBeNull();
    const csv = await call(base, 'GET', `/api/classes/${code}/report.csv`, { token: teacher });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'nickname,level,submissions,passed,stars,steps,params,public_score,private_score',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^Ada,c2-xor,2,true,\d,\d+,33,0\.\d+,$/);

    const badEnd = await call<{ error: string }>(base, 'POST', `/api/classes/${code}/end`, {
      token: teacher,
      body: { now: true },
    });
    expect(badEnd.status).toBe(400);
    const end = await call<ClassInfo>(base, 'POST', `/api/classes/${code}/end`, {
      token: teacher,
      body: {},
    });
    expect(end.status).toBe(200);
    expect(end.body.endedAt).not.toBeNull();
    const again = await call<ClassInfo>(base, 'POST', `/api/classes/${code}/end`, {
      token: teacher,
    });
    expect(again.body.endedAt).toBe(end.body.endedAt);

    const closed = await call<Board>(base, 'GET', `/api/classes/${code}/board`);
    expect(closed.body.kind).toBe('private');
    expect(closed.body.rows[0]).toMatchObject({ nickname: 'Ada', publicRank: 1 });
    const csvAfter = await call(base, 'GET', `/api/classes/${code}/report.csv`, { token: teacher });
    expect(csvAfter.text.split('\r\n')[1]).toMatch(/^Ada,c2-xor,2,true,\d,\d+,33,0\.\d+,0\.\d+$/);
    const meAfter = await call<StudentView>(base, 'GET', `/api/classes/${code}/me`, {
      token: tokens['Ada']!,
    });
    expect(typeof meAfter.body.submissions[0]!.result!.privateScore).toBe('number');
  });

  it('streams the board: one on connect, one when a replay finishes, one at the end', async () => {
    const { code, teacher, tokens } = await makeClass(base, { students: ['Ada'] });
    const controller = new AbortController();
    const res = await fetch(`${base}/api/classes/${code}/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextBoard = async (): Promise<Board> => {
      for (;;) {
        const at = buffer.indexOf('\n\n');
        if (at >= 0) {
          const chunk = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const data = /^event: board\ndata: (.*)$/m.exec(chunk);
          if (data) return JSON.parse(data[1]!) as Board;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream closed');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    const first = await nextBoard();
    expect(first).toMatchObject({ code, kind: 'public' });
    expect(first.rows[0]!.stars).toBe(0);
    await call(base, 'POST', `/api/classes/${code}/submissions`, {
      body: referenceSubmission(version),
      token: tokens['Ada']!,
    });
    const second = await nextBoard();
    expect(second.rows[0]!.stars).toBeGreaterThan(0);
    await call(base, 'POST', `/api/classes/${code}/end`, { token: teacher, body: {} });
    const third = await nextBoard();
    expect(third.kind).toBe('private');
    controller.abort();
    const unknown = await call(base, 'GET', '/api/classes/AAAAAA/events');
    expect(unknown.status).toBe(404);
  });
});

describe('the rest', () => {
  it('answers {error} 404 for an unknown API route, and says to build the game when it is not built', async () => {
    const r = await call<{ error: string }>(base, 'GET', '/api/nothing');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('There is no route GET /api/nothing');
    const page = await call(base, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/npm run build/);
  });

  it('escapes CSV cells and defuses formulas', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+x')).toBe("'+x");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=a,"b"')).toBe('"\'=a,""b"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(null)).toBe('');
  });
});

describe('static files and deadlines', () => {
  it('serves the built game, and nothing outside it', async () => {
    const web = tempDir();
    writeFileSync(join(web, 'index.html'), '<title>game</title>');
    writeFileSync(join(web, 'teacher.html'), '<title>teacher</title>');
    const site = await startServer({ webRoot: web });
    try {
      expect((await call(site.base, 'GET', '/')).text).toBe('<title>game</title>');
      expect((await call(site.base, 'GET', '/teacher.html')).text).toBe('<title>teacher</title>');
      const outside = await call(site.base, 'GET', '/..%2f..%2fpackage.json');
      expect(outside.status).toBeGreaterThanOrEqual(400);
      expect(outside.status).toBeLessThan(500);
      expect((await call(site.base, 'GET', '/api/version')).status).toBe(200);
    } finally {
      await site.close();
      rmSync(web, { recursive: true, force: true });
    }
  });

  it('sends the private board on the event stream once the deadline passes', async () => {
    let t = Date.now();
    const timed = await startServer({ now: () => new Date(t), heartbeatMs: 30 });
    try {
      const { code } = await makeClass(timed.base, { end: new Date(t + HOUR).toISOString() });
      const controller = new AbortController();
      const res = await fetch(`${timed.base}/api/classes/${code}/events`, {
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const read = async (pattern: RegExp): Promise<void> => {
        while (!pattern.test(text)) text += decoder.decode((await reader.read()).value);
      };
      await read(/"kind":"public"/);
      t += 2 * HOUR;
      await read(/"kind":"private"/);
      controller.abort();
    } finally {
      await timed.close();
    }
  });
});

describe('rate limits', () => {
  it('throttles a burst of 100 requests in a second from one token, not the next token', async () => {
    const limited = await startServer({
      rateLimit: { ip: { burst: 1000, perSecond: 100 }, token: { burst: 40, perSecond: 5 } },
    });
    try {
      const { code, tokens } = await makeClass(limited.base, { students: ['Ada', 'Bo'] });
      const replies = await Promise.all(
        Array.from({ length: 100 }, () =>
          call<{ error?: string }>(limited.base, 'GET', `/api/classes/${code}/me`, {
            token: tokens['Ada']!,
          }),
        ),
      );
      const refused = replies.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(50);
      expect(replies.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(30);
      expect(refused[0]!.body.error).toMatch(
        /^Too many requests with this token: wait \d+ seconds?/,
      );
      expect(refused[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
      const other = await call(limited.base, 'GET', `/api/classes/${code}/me`, {
        token: tokens['Bo']!,
      });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('throttles one address', async () => {
    const limited = await startServer({
      rateLimit: { ip: { burst: 20, perSecond: 1 }, token: { burst: 40, perSecond: 5 } },
    });
    try {
      const replies = await Promise.all(
        Array.from({ length: 40 }, () => call(limited.base, 'GET', '/api/version')),
      );
      expect(replies.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15);
    } finally {
      await limited.close();
    }
  });
});

describe('DELETE /api/classes/:code', () => {
  it('removes the class with its students and runs, for its teacher only', async () => {
    const { code, teacher, tokens } = await makeClass(base, { students: ['Ada'] });
    const run = await call<{ id: number }>(base, 'POST', `/api/classes/${code}/submissions`, {
      body: referenceSubmission(version),
      token: tokens['Ada']!,
    });
    await settled(base, run.body.id, tokens['Ada']!);
    expect((await call(base, 'DELETE', `/api/classes/${code}`)).status).toBe(401);
    expect(
      (await call(base, 'DELETE', `/api/classes/${code}`, { token: tokens['Ada']! })).status,
    ).toBe(403);
    const gone = await call(base, 'DELETE', `/api/classes/${code}`, { token: teacher });
    expect(gone.status).toBe(200);
    expect(gone.body).toEqual({ deleted: code });
    expect((await call(base, 'GET', `/api/classes/${code}`)).status).toBe(404);
    expect(
      (await call(base, 'GET', `/api/submissions/${run.body.id}`, { token: tokens['Ada']! }))
        .status,
    ).toBe(404);
    expect((await call(base, 'GET', `/api/classes/${code}/board`)).status).toBe(404);
  });
});
