/**
 * Fuzzing the server with malformed requests against every route: random JSON, wrong types,
 * huge strings, deep nesting, invalid UTF-8, numbers written as strings, missing fields, broken
 * URLs and headers, sent as raw bytes over a socket. None may answer 5xx, every API refusal is
 * an `{error}` body, and the server still answers `/api/version` afterwards.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VersionInfo } from '../../src/server/api.js';
import { call, makeClass, referenceSubmission, startServer, type Running } from './helpers.js';

let server: Running;
let port: number;
let code: string;
let teacher: string;
let student: string;
let version: VersionInfo;

beforeAll(async () => {
  server = await startServer();
  port = Number(new URL(server.base).port);
  version = (await call<VersionInfo>(server.base, 'GET', '/api/version')).body;
  const made = await makeClass(server.base, { students: ['Fuzzy'], submissionsPerLevel: 100 });
  code = made.code;
  teacher = made.teacher;
  student = made.tokens['Fuzzy']!;
});
afterAll(async () => {
  await server.close();
});

/** A small seeded generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RawReply {
  status: number;
  head: string;
  body: string;
}

/** Sends one request as raw bytes and reads the reply (the head only for an event stream). */
function raw(request: Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (ended: boolean): void => {
      if (done) return;
      const all = Buffer.concat(chunks).toString('latin1');
      const at = all.indexOf('\r\n\r\n');
      if (at < 0 && !ended) return;
      const head = at < 0 ? all : all.slice(0, at);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const length = /\r\ncontent-length: (\d+)/i.exec(head);
      const body = at < 0 ? '' : all.slice(at + 4);
      const stream = /content-type: text\/event-stream/i.test(head);
      const partial = length ? Buffer.byteLength(body, 'latin1') < Number(length[1]) : true;
      if (!ended && !stream && partial) return;
      done = true;
      socket.destroy();
      resolve({ status, head, body: Buffer.from(body, 'latin1').toString('utf8') });
    };
    socket.on('data', (d) => {
      chunks.push(d);
      finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (e) => (done ? undefined : reject(e)));
    socket.setTimeout(10_000, () => {
      socket.destroy();
      if (!done) reject(new Error('timeout: ' + request.toString('latin1').slice(0, 400)));
    });
    socket.write(request);
  });
}

function build(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([
    Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'),
    body ?? Buffer.alloc(0),
  ]);
}

describe('fuzz', () => {
  it('answers 300+ malformed requests without a 5xx and stays up', async () => {
    const rand = prng(20261201);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const int = (n: number): number => Math.floor(rand() * n);
    const good = referenceSubmission(version);

    const strings = [
      '',
      'x'.repeat(int(3000)),
      'NaN',
      'Infinity',
      '-Infinity',
      '1e309',
      '-0',
      '0x10',
      ' 12 ',
      '\u0000',
      '\ud800',
      '<script>alert(1)</script>',
      '=HYPERLINK("x")',
      '../../etc/passwd',
      '%00',
      '🙂'.repeat(30),
      'Ada',
      code,
      'c2-xor',
    ];
    const scalar = (): unknown =>
      pick([null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, pick(strings), int(1000)]);
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth <= 0 || r < 0.4) return scalar();
      if (r < 0.7) return Array.from({ length: int(5) }, () => value(depth - 1));
      const obj: Record<string, unknown> = {};
      for (let i = int(6); i > 0; i--) {
        obj[
          pick([
            'name',
            'levels',
            'spec',
            'options',
            'seed',
            'version',
            'nickname',
            'data',
            'layers',
            'units',
            'type',
            '__proto__',
            'constructor',
            'prototype',
            pick(strings),
          ])
        ] = value(depth - 1);
      }
      return obj;
    };
    /** A valid body with one field broken, removed or added. */
    const mutate = (body: Record<string, unknown>): unknown => {
      const copy = structuredClone(body) as Record<string, unknown>;
      const keys = Object.keys(copy);
      const r = rand();
      if (r < 0.3) delete copy[pick(keys)];
      else if (r < 0.8) copy[pick(keys)] = value(3);
      else copy[pick(strings) || 'extra'] = value(2);
      if (rand() < 0.3 && typeof copy['spec'] === 'object' && copy['spec'] !== null) {
        (copy['spec'] as Record<string, unknown>)['layers'] = value(4);
      }
      if (rand() < 0.3 && typeof copy['options'] === 'object' && copy['options'] !== null) {
        (copy['options'] as Record<string, unknown>)[
          pick(['lr', 'batch', 'optimizer', 'momentum', 'x'])
        ] = pick([pick(strings), value(1)]);
      }
      return copy;
    };
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    const deepObject = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

    const routes: Array<{
      method: string;
      path: () => string;
      body?: () => Record<string, unknown>;
    }> = [
      { method: 'GET', path: () => '/api/version' },
      {
        method: 'POST',
        path: () => '/api/classes',
        body: () => ({
          name: 'C',
          levels: ['c2-xor'],
          submissionsPerLevel: 3,
          start: new Date().toISOString(),
        }),
      },
      { method: 'GET', path: () => `/api/classes/${pick([code, 'AAAAAA', pick(strings)])}` },
      {
        method: 'POST',
        path: () => `/api/classes/${code}/students`,
        body: () => ({ nickname: `N${int(1e6)}` }),
      },
      {
        method: 'POST',
        path: () => `/api/classes/${code}/submissions`,
        body: () => good as unknown as Record<string, unknown>,
      },
      {
        method: 'GET',
        path: () =>
          `/api/submissions/${pick(['1', '0', '-1', '1.5', '99999999999999999999', 'abc', pick(strings)])}`,
      },
      { method: 'GET', path: () => `/api/classes/${code}/me` },
      { method: 'GET', path: () => `/api/classes/${code}/board` },
      { method: 'GET', path: () => `/api/classes/${pick([code, 'AAAAAA'])}/events` },
      { method: 'GET', path: () => `/api/classes/${code}/report` },
      { method: 'GET', path: () => `/api/classes/${code}/report.csv` },
      {
        method: 'POST',
        path: () => `/api/classes/${pick([code, 'AAAAAA'])}/end`,
        body: () => ({}),
      },
    ];
    const tokens = () =>
      pick([
        undefined,
        `Bearer ${student}`,
        `Bearer ${teacher}`,
        `Bearer ${pick(strings)}`,
        'Bearer',
        'Basic Zm9vOmJhcg==',
        `bearer ${student}`,
        `Bearer ${student} extra`,
        'x'.repeat(int(9000)),
      ]);

    let sent = 0;
    const statuses = new Map<number, number>();
    const check = async (request: Buffer, what: string, api: boolean): Promise<void> => {
      const reply = await raw(request);
      sent++;
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      expect(
        reply.status,
        `${what}\n${reply.head}\n${reply.body.slice(0, 300)}`,
      ).toBeGreaterThanOrEqual(200);
      expect(reply.status, `${what}\n${reply.body.slice(0, 300)}`).toBeLessThan(500);
      if (api && reply.status >= 400 && reply.status !== 431 && reply.body !== '') {
        const parsed = JSON.parse(reply.body) as { error?: unknown };
        expect(typeof parsed.error, what).toBe('string');
      }
    };

    for (let i = 0; i < Number(process.env['NJ_FUZZ_REQUESTS'] ?? 400); i++) {
      const route = pick(routes);
      const headers: Record<string, string> = {};
      const right = /report|end/.test(route.path()) ? `Bearer ${teacher}` : `Bearer ${student}`;
      const auth = rand() < 0.6 ? right : tokens();
      if (auth !== undefined) headers['Authorization'] = auth;
      let body: Buffer | undefined;
      const kind = int(10);
      const method =
        rand() < 0.1
          ? pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'POST', 'GET'])
          : route.method;
      if (route.body || rand() < 0.1) {
        headers['Content-Type'] = pick([
          'application/json',
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          '',
        ]);
        const base = route.body ? route.body() : {};
        let text: Buffer;
        if (kind === 0) text = Buffer.from(JSON.stringify(value(5)));
        else if (kind === 1) text = Buffer.from(deep(1000 + int(30000)));
        else if (kind === 2) text = Buffer.from(deepObject(500 + int(10000)));
        else if (kind === 3)
          text = Buffer.concat([
            Buffer.from('{"nickname":"'),
            Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0]),
            Buffer.from('","name":"\xff"}'),
          ]);
        else if (kind === 4)
          text = Buffer.from(JSON.stringify({ ...base, name: 'x'.repeat(40_000 + int(60_000)) }));
        else if (kind === 5) text = Buffer.from(JSON.stringify(base).slice(0, int(40)));
        else if (kind === 6)
          text = Buffer.from(JSON.stringify(base).replace(/(\d+(\.\d+)?)/g, '"$1"'));
        else if (kind === 7) text = Buffer.from(JSON.stringify(base));
        else text = Buffer.from(JSON.stringify(mutate(base)));
        body = text;
      }
      let path = route.path();
      if (rand() < 0.15)
        path += pick([
          '?x=1',
          '?a=%ZZ',
          '#frag',
          '/',
          '//',
          '/..',
          '%',
          '%E0%A4%A',
          '%00',
          '?' + 'q'.repeat(5000),
        ]);
      if (rand() < 0.05)
        path = pick([
          '/api/classes/%E0%A4%A/board',
          '/api/classes/' + '%41'.repeat(6),
          '/api/' + 'x'.repeat(10_000),
          '/api/classes/ÄÖÜ/board',
          '*',
          '/api/classes/AAAAAA/../../version',
        ]);
      if (rand() < 0.05)
        headers[pick(['X-Forwarded-For', 'Accept', 'Content-Length-X', 'Origin'])] = pick(
          strings,
        ).replace(/[\r\n\u0100-\uffff]/g, '?');
      // HEAD replies carry no body to read.
      if (method === 'HEAD') headers['Connection'] = 'close';
      const request = build(method, path.replace(/[\r\n ]/g, '%20'), headers, body);
      await check(
        request,
        `${method} ${path.slice(0, 100)} ${body?.toString('latin1').slice(0, 200) ?? ''}`,
        path.startsWith('/api'),
      );
    }
    // Malformed HTTP itself is the HTTP parser's to refuse (400), never a crash.
    for (const bad of [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'POST /api/classes HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
      'GET /api/version HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n',
    ]) {
      const reply = await raw(Buffer.from(bad, 'latin1'));
      sent++;
      expect(reply.status === 0 || (reply.status >= 400 && reply.status < 500), bad).toBe(true);
    }
    expect(sent).toBeGreaterThanOrEqual(300);
    const after = await call<VersionInfo>(server.base, 'GET', '/api/version');
    expect(after.status).toBe(200);
    expect(after.body.kernel).toBe(version.kernel);
    // Something of everything was tried: accepted bodies, refusals, oversized ones.
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(statuses.get(200)).toBeGreaterThan(5);
    // And the server still does its work: a valid submission is taken, an oversized one is not.
    // (The fuzz may have ended its class: a fresh one.)
    const fresh = await makeClass(server.base, { students: ['Last'] });
    const sub = `/api/classes/${fresh.code}/submissions`;
    const json = {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${fresh.tokens['Last']}`,
    };
    const taken = await raw(build('POST', sub, json, Buffer.from(JSON.stringify(good))));
    expect(taken.status).toBe(202);
    const big = Buffer.from(
      JSON.stringify({ ...good, spec: { layers: [], pad: 'x'.repeat(70_000) } }),
    );
    const refused = await raw(build('POST', sub, json, big));
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toEqual({
      error: expect.stringMatching(/larger than 65536 bytes/),
    });
  }, 120_000);
});
