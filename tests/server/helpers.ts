/**
 * What the server tests share: a real server on a loopback port with a temporary database
 * file, a small JSON client, and a valid submission of a level (its reference network).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Submission, VersionInfo } from '../../src/server/api.js';
import { buildServer, type ServerOptions } from '../../src/server/app.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Running {
  app: FastifyInstance;
  base: string;
  dir: string;
  dbFile: string;
  close(): Promise<void>;
}

/** A temporary folder for one test file's database. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nj-server-'));
}

/** Starts a server (in-process replays unless told) on 127.0.0.1 at a free port. */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<Running> {
  const dir = tempDir();
  const dbFile = options.dbFile ?? join(dir, 'classroom.db');
  const app = await buildServer({ replayer: 'inline', rateLimit: false, ...options, dbFile });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    base,
    dir,
    dbFile,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** One JSON request; `body` a value is sent as JSON, a string as it is. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a CSV, a page): the text is there.
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

export function levelFile(id: string): {
  reference: { spec: unknown; options: Record<string, unknown>; seed: number };
  naive: { spec: unknown; options: Record<string, unknown>; seed: number };
} {
  return JSON.parse(readFileSync(join(ROOT, 'levels', `${id}.json`), 'utf8'));
}

/** The level's reference run as the game would submit it. */
export function referenceSubmission(version: VersionInfo, levelId = 'c2-xor'): Submission {
  const ref = levelFile(levelId).reference;
  return {
    levelId,
    spec: ref.spec,
    options: ref.options,
    seed: ref.seed,
    version: { kernel: version.kernel, level: version.levels[levelId]! },
  };
}

/** A class with `levels`, a teacher token, and `students` joined (their tokens). */
export async function makeClass(
  base: string,
  options: {
    levels?: string[];
    submissionsPerLevel?: number;
    students?: string[];
    start?: string;
    end?: string;
    hide?: string[];
    lock?: string[];
  } = {},
): Promise<{ code: string; teacher: string; tokens: Record<string, string> }> {
  const created = await call<{ class: { code: string }; teacherToken: string }>(
    base,
    'POST',
    '/api/classes',
    {
      body: {
        name: 'Class 7B',
        levels: options.levels ?? ['c2-xor'],
        submissionsPerLevel: options.submissionsPerLevel ?? 3,
        ...(options.start ? { start: options.start } : {}),
        ...(options.end ? { end: options.end } : {}),
        ...(options.hide ? { hide: options.hide } : {}),
        ...(options.lock ? { lock: options.lock } : {}),
      },
    },
  );
  if (created.status !== 201) throw new Error(`class not created: ${created.text}`);
  const code = created.body.class.code;
  const tokens: Record<string, string> = {};
  for (const nickname of options.students ?? []) {
    const joined = await call<{ studentToken: string }>(
      base,
      'POST',
      `/api/classes/${code}/students`,
      {
        body: { nickname },
      },
    );
    if (joined.status !== 201) throw new Error(`not joined: ${joined.text}`);
    tokens[nickname] = joined.body.studentToken;
  }
  return { code, teacher: created.body.teacherToken, tokens };
}

/** Polls a submission until it is done or refused. */
export async function settled(
  base: string,
  id: number,
  token: string,
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(base, 'GET', `/api/submissions/${id}`, { token });
    if (r.status !== 200) throw new Error(`status ${r.status}: ${r.text}`);
    if (r.body['status'] === 'done' || r.body['status'] === 'refused') return r.body;
    if (Date.now() > until) throw new Error(`submission ${id} still ${String(r.body['status'])}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
