/**
 * The classroom server: the routes of `src/server/api.ts` on Fastify, the built game as static
 * files, and the replay queue. `buildServer` returns the Fastify instance (not listening), so the
 * tests and `neural-journey serve` start it the same way. Every refusal is `{error}` with a 4xx
 * status naming the field and what is allowed; only a genuine server fault answers 500, and it
 * is logged.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { CONTROLS } from '../levels/controls.js';
import {
  CLASS_NAME_MAX,
  MAX_BODY_BYTES,
  MAX_SUBMISSIONS_PER_LEVEL,
  NICKNAME_MAX,
  NICKNAME_PATTERN,
  type ClassCreated,
  type Joined,
  type NewClass,
} from './api.js';
import { computeReport, hasEnded, reportCsv } from './board.js';
import type { BaseContext, ServerContext, ServerOptions } from './context.js';
import {
  CONTROL_CHARS,
  HttpError,
  checkTime,
  classOr404,
  publicInfo,
  requireTeacher,
} from './http.js';
import { liveBoards } from './live.js';
import { codeParams, describeIssue, joinBody, newClassBody, type AjvIssue } from './schemas.js';
import { registerSite } from './site.js';
import { openSqliteStore, type Store } from './store.js';
import { openReplayer, replayQueue, submissionRoutes } from './submissions.js';
import { hashToken, newCode, newToken } from './tokens.js';
import { loadCatalogue, projectRoot, type Catalogue } from './version.js';

export { describeIssue } from './schemas.js';
export type { ServerOptions } from './context.js';
export { HttpError } from './http.js';
export { DEFAULT_RATE_LIMIT } from './site.js';
export { hashToken, newCode, newToken } from './tokens.js';

// --- the server ---------------------------------------------------------------------------

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const iso = (): string => now().toISOString();
  const catalogue: Catalogue = loadCatalogue(options.levelsDir);
  const store: Store = openSqliteStore(options.dbFile);
  const maxStudents = options.maxStudentsPerClass ?? 300;
  const replayer = openReplayer(options);
  const goalOf = (levelId: string) => catalogue.levels.get(levelId)?.goal;

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    // A client must send its request within this (a slow trickle holds no socket for long).
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    schemaErrorFormatter(errors, context) {
      return new HttpError(400, describeIssue(context, errors[0] as unknown as AjvIssue));
    },
  });

  await registerSite(app, options);

  // --- live boards ---
  const base: BaseContext = { options, store, catalogue, now, iso, goalOf };
  const live = liveBoards(app, base);
  const queue = replayQueue(app, base, replayer, live.notify);
  const ctx: ServerContext = { ...base, live, queue };

  app.addHook('preClose', async () => {
    queue.stop();
    live.close();
  });
  app.addHook('onClose', async () => {
    await queue.close();
    store.close();
  });

  // --- routes ---
  app.get('/api/version', async () => catalogue.version);

  app.post<{ Body: NewClass }>(
    '/api/classes',
    { schema: { body: newClassBody } },
    async (request, reply) => {
      const body = request.body;
      const name = body.name;
      if ([...name].length < 1 || [...name].length > CLASS_NAME_MAX || name.trim() === '') {
        throw new HttpError(400, `name must be 1 to ${CLASS_NAME_MAX} characters, not only spaces`);
      }
      if (CONTROL_CHARS.test(name)) {
        throw new HttpError(
          400,
          'name may not hold control characters (line breaks, tabs and the like)',
        );
      }
      if (body.levels.length === 0) throw new HttpError(400, 'levels must list at least one level');
      const known = [...catalogue.levels.keys()];
      body.levels.forEach((id, i) => {
        if (!catalogue.levels.has(id)) {
          throw new HttpError(
            400,
            `levels[${i}] ${JSON.stringify(id.slice(0, 60))} is not a level of this version (levels: ${known.join(', ')})`,
          );
        }
        if (body.levels.indexOf(id) < i) throw new HttpError(400, `levels[${i}] repeats ${id}`);
      });
      const n = body.submissionsPerLevel;
      if (!Number.isInteger(n) || n < 1 || n > MAX_SUBMISSIONS_PER_LEVEL) {
        throw new HttpError(
          400,
          `submissionsPerLevel must be a whole number from 1 to ${MAX_SUBMISSIONS_PER_LEVEL}, got ${n}`,
        );
      }
      for (const key of ['hide', 'lock'] as const) {
        (body[key] ?? []).forEach((control, i) => {
          if (!(CONTROLS as readonly string[]).includes(control)) {
            throw new HttpError(
              400,
              `${key}[${i}] ${JSON.stringify(control.slice(0, 60))} is not a control (controls: ${CONTROLS.join(', ')})`,
            );
          }
        });
      }
      const at = now();
      const start = checkTime('start', body.start) ?? at;
      const end = checkTime('end', body.end);
      if (end && end.getTime() <= start.getTime())
        throw new HttpError(400, 'end must be after start');
      if (end && end.getTime() <= at.getTime())
        throw new HttpError(400, 'end must be in the future');
      const teacherToken = newToken();
      const record = store.createClass(
        {
          name,
          levels: body.levels,
          start: start.toISOString(),
          end: end ? end.toISOString() : null,
          submissionsPerLevel: n,
          hide: [...new Set(body.hide ?? [])],
          lock: [...new Set(body.lock ?? [])],
        },
        hashToken(teacherToken),
        newCode,
        at.toISOString(),
      );
      const created: ClassCreated = { class: publicInfo(record), teacherToken };
      return reply.code(201).send(created);
    },
  );

  app.get<{ Params: { code: string } }>(
    '/api/classes/:code',
    { schema: { params: codeParams } },
    async (request) => publicInfo(classOr404(store, request.params.code)),
  );

  app.post<{ Params: { code: string }; Body: { nickname: string } }>(
    '/api/classes/:code/students',
    { schema: { params: codeParams, body: joinBody } },
    async (request, reply) => {
      const c = classOr404(store, request.params.code);
      const nickname = request.body.nickname.normalize('NFC');
      if (!NICKNAME_PATTERN.test(nickname)) {
        throw new HttpError(
          400,
          `nickname must be 2 to ${NICKNAME_MAX} letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit and not ending in a space`,
        );
      }
      if (hasEnded(publicInfo(c), now()))
        throw new HttpError(403, `Class ${c.code} has ended: it takes no new students.`);
      const studentToken = newToken();
      const added = store.addStudent(c.code, nickname, hashToken(studentToken), iso(), maxStudents);
      if (added === 'taken') {
        throw new HttpError(
          409,
          `nickname "${nickname}" is taken in this class (names count the same in any case): pick another`,
        );
      }
      if (added === 'full')
        throw new HttpError(409, `Class ${c.code} is full (${maxStudents} students).`);
      const joined: Joined = { nickname: added.nickname, studentToken };
      return reply.code(201).send(joined);
    },
  );

  app.get<{ Params: { code: string } }>(
    '/api/classes/:code/report',
    { schema: { params: codeParams } },
    async (request) => {
      const c = classOr404(store, request.params.code);
      requireTeacher(request, c);
      return computeReport(
        publicInfo(c),
        store.students(c.code),
        store.classSubmissions(c.code),
        goalOf,
      );
    },
  );

  app.get<{ Params: { code: string } }>(
    '/api/classes/:code/report.csv',
    { schema: { params: codeParams } },
    async (request, reply) => {
      const c = classOr404(store, request.params.code);
      requireTeacher(request, c);
      const info = publicInfo(c);
      const report = computeReport(
        info,
        store.students(c.code),
        store.classSubmissions(c.code),
        goalOf,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="class-${c.code}.csv"`)
        .send(reportCsv(report, hasEnded(info, now())));
    },
  );

  app.post<{ Params: { code: string } }>(
    '/api/classes/:code/end',
    { schema: { params: codeParams } },
    async (request) => {
      const c = classOr404(store, request.params.code);
      requireTeacher(request, c);
      const body = request.body as unknown;
      if (
        body !== undefined &&
        body !== null &&
        (typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length)
      ) {
        throw new HttpError(400, 'The body of an end request must be {} (or nothing)');
      }
      const ended = store.endClass(c.code, iso())!;
      live.send(c.code);
      return publicInfo(ended);
    },
  );

  app.delete<{ Params: { code: string } }>(
    '/api/classes/:code',
    { schema: { params: codeParams } },
    async (request) => {
      const c = classOr404(store, request.params.code);
      requireTeacher(request, c);
      store.deleteClass(c.code);
      live.deleted(c.code);
      return { deleted: c.code };
    },
  );

  submissionRoutes(app, ctx);
  queue.pump();
  return app;
}

/** The built game's folder and the default database, for `neural-journey serve`. */
export function defaultWebRoot(): string {
  return join(projectRoot(), 'dist', 'web');
}
