/**
 * The classroom server: the routes of `src/server/api.ts` on Fastify, the built game as static
 * files, and the replay queue. `buildServer` returns the Fastify instance (not listening), so the
 * tests and `neural-journey serve` start it the same way. Every refusal is `{error}` with a 4xx
 * status naming the field and what is allowed; only a genuine server fault answers 500, and it
 * is logged.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { join } from 'node:path';
import { checkSeed } from '../engine/learner.js';
import { parseOptions, type TrainOptions } from '../engine/options.js';
import { SpecError, parseSpec, type ModelSpec } from '../engine/spec.js';
import { CONTROLS, type Control } from '../levels/controls.js';
import { classLocks } from '../levels/locks.js';
import { rulesOf } from '../levels/rules.js';
import {
  CLASS_NAME_MAX,
  MAX_BODY_BYTES,
  MAX_SUBMISSIONS_PER_LEVEL,
  NICKNAME_MAX,
  NICKNAME_PATTERN,
  type ClassCreated,
  type Joined,
  type NewClass,
  type StudentView,
  type Submission,
  type SubmissionAccepted,
} from './api.js';
import { bestRuns, computeReport, hasEnded, histograms, reportCsv, statusOf } from './board.js';
import {
  CONTROL_CHARS,
  HttpError,
  NO_TOKEN,
  bearer,
  checkTime,
  classOr404,
  plural,
  publicInfo,
  requireStudent,
  requireTeacher,
} from './http.js';
import type { BaseContext, ServerOptions } from './context.js';
import { liveBoards } from './live.js';
import { registerSite } from './site.js';
import { InlineReplayer, WorkerPool, defaultPoolSize, workerFile, type Replayer } from './pool.js';
import { openSqliteStore, sameHash, type StudentRecord, type Store } from './store.js';
import { loadCatalogue, projectRoot, type Catalogue } from './version.js';
import { TOKEN_PATTERN, hashToken, newCode, newToken } from './tokens.js';
import {
  codeParams,
  describeIssue,
  joinBody,
  newClassBody,
  submissionBody,
  type AjvIssue,
} from './schemas.js';

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
  // A Fashion-MNIST level's reference takes about 15 s on one core: room for a busy server.
  const replayTimeMs = options.replayTimeMs ?? 60_000;
  const maxStudents = options.maxStudentsPerClass ?? 300;
  const compiled = workerFile();
  const useThreads = (options.replayer ?? (compiled ? 'threads' : 'inline')) === 'threads';
  if (useThreads && !compiled) {
    throw new Error('replay threads need the compiled server: run `npm run build:node` first');
  }
  const replayer: Replayer = useThreads
    ? new WorkerPool(options.poolSize ?? defaultPoolSize(), compiled!, replayTimeMs)
    : new InlineReplayer(replayTimeMs);
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

  // --- the queue ---
  const queue: number[] = [];
  let active = 0;
  let closing = false;
  const pump = (): void => {
    while (!closing && active < replayer.size && queue.length) {
      const id = queue.shift()!;
      active++;
      void runOne(id).finally(() => {
        active--;
        pump();
      });
    }
  };
  const runOne = async (id: number): Promise<void> => {
    try {
      const s = store.getSubmission(id);
      if (!s || (s.status !== 'queued' && s.status !== 'running')) return;
      store.markRunning(id, iso());
      const level = catalogue.levels.get(s.levelId);
      // Queued before a restart with another version: it cannot be scored as it was made.
      const current =
        s.body.version.kernel === catalogue.version.kernel &&
        s.body.version.level === catalogue.version.levels[s.levelId];
      const outcome =
        level && current
          ? await replayer.run({ id, level, body: s.body })
          : {
              status: 'refused' as const,
              message: `This run was made with another version of the game than the server now runs (it was updated): reload the page and train it again.`,
            };
      if (closing) return;
      store.finish(id, outcome, iso());
      live.notify(s.code);
    } catch (error) {
      // Left as it is in the database: the next start replays it.
      if (!closing) app.log.error({ err: error, submission: id }, 'replay failed');
    }
  };
  for (const s of store.requeueUnfinished()) queue.push(s.id);

  // --- live boards ---
  const base: BaseContext = { options, store, catalogue, now, iso, goalOf };
  const live = liveBoards(app, base);

  app.addHook('preClose', async () => {
    closing = true;
    live.close();
  });
  app.addHook('onClose', async () => {
    await replayer.close();
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

  app.post<{ Params: { code: string }; Body: Submission }>(
    '/api/classes/:code/submissions',
    {
      schema: { params: codeParams, body: submissionBody },
      preValidation: async (request) => {
        const c = classOr404(store, (request.params as { code: string }).code);
        (request as FastifyRequest & { student?: StudentRecord }).student = requireStudent(
          store,
          request,
          c,
        );
      },
    },
    async (request, reply) => {
      const c = classOr404(store, request.params.code);
      const student = (request as FastifyRequest & { student?: StudentRecord }).student!;
      const body = request.body;
      if (!c.levels.includes(body.levelId)) {
        throw new HttpError(
          400,
          `levelId ${JSON.stringify(body.levelId.slice(0, 60))} is not a level of this class (levels: ${c.levels.join(', ')})`,
        );
      }
      const at = now();
      if (at.getTime() < Date.parse(c.start)) {
        throw new HttpError(
          403,
          `The contest has not started: it takes submissions from ${c.start}.`,
        );
      }
      if (hasEnded(publicInfo(c), at)) {
        throw new HttpError(
          403,
          `The contest has ended${c.endedAt ? '' : ` (its deadline was ${c.end})`}: it takes no more submissions.`,
        );
      }
      if (
        body.version.kernel !== catalogue.version.kernel ||
        body.version.level !== catalogue.version.levels[body.levelId]
      ) {
        throw new HttpError(
          409,
          `This run was made with another version of the game (its ${body.version.kernel !== catalogue.version.kernel ? 'training kernel' : `level ${body.levelId}`} differs from the server's): reload the page and train it again.`,
        );
      }
      let spec: ModelSpec;
      try {
        spec = parseSpec(body.spec);
      } catch (error) {
        if (error instanceof SpecError)
          throw new HttpError(400, error.issues.map((m) => `spec.${m}`).join('; '));
        throw error;
      }
      let options: TrainOptions;
      try {
        options = parseOptions(body.options);
        checkSeed(body.seed);
      } catch (error) {
        if (error instanceof SpecError) throw new HttpError(400, error.issues.join('; '));
        throw error;
      }
      // What the class hides or locks keeps the level's starting value (the game shows it so).
      const level = catalogue.levels.get(body.levelId)!;
      const fixed = new Set(
        [...c.hide, ...c.lock].filter((x): x is Control =>
          (CONTROLS as readonly string[]).includes(x),
        ),
      );
      const locked = classLocks(rulesOf(level), fixed, {
        spec,
        options,
        seed: body.seed,
        ...(body.data ? { data: body.data } : {}),
      });
      if (locked.changes.length) {
        throw new HttpError(
          400,
          `This run changes what the class fixes: ${locked.changes.join('; ')}. Reload the level and train it again.`,
        );
      }
      const stored: Submission = {
        levelId: body.levelId,
        spec: body.spec,
        options: body.options,
        seed: body.seed,
        ...(body.data ? { data: body.data } : {}),
        version: body.version,
      };
      const added = store.addSubmission(
        student,
        body.levelId,
        stored,
        at.toISOString(),
        c.submissionsPerLevel,
      );
      if (added === 'limit') {
        throw new HttpError(
          409,
          `You have used all ${plural(c.submissionsPerLevel, 'submission')} for level ${body.levelId} (0 remaining).`,
        );
      }
      queue.push(added.id);
      pump();
      const accepted: SubmissionAccepted = {
        id: added.id,
        status: 'queued',
        remaining: added.remaining,
      };
      return reply.code(202).send(accepted);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/submissions/:id',
    {
      schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 } } } },
    },
    async (request) => {
      const raw = request.params.id;
      if (!/^[1-9]\d{0,14}$/.test(raw))
        throw new HttpError(400, 'id must be a submission number (1, 2, 3, …)');
      const token = bearer(request);
      if (token === null) throw new HttpError(401, NO_TOKEN);
      const s = store.getSubmission(Number(raw));
      if (!s) throw new HttpError(404, `There is no submission ${raw}.`);
      const c = store.getClass(s.code)!;
      const hash = TOKEN_PATTERN.test(token) ? hashToken(token) : '';
      const student = hash ? store.getStudent(s.studentId) : null;
      const isStudent = student !== null && sameHash(student.tokenHash, hash);
      const isTeacher = hash !== '' && sameHash(c.teacherHash, hash);
      if (!isStudent && !isTeacher) {
        throw new HttpError(
          403,
          `Submission ${raw} is seen only by its student and the class's teacher.`,
        );
      }
      return statusOf(s, isTeacher || hasEnded(publicInfo(c), now()));
    },
  );

  app.get<{ Params: { code: string } }>(
    '/api/classes/:code/me',
    { schema: { params: codeParams } },
    async (request) => {
      const c = classOr404(store, request.params.code);
      const student = requireStudent(store, request, c);
      const info = publicInfo(c);
      const ended = hasEnded(info, now());
      const all = store.classSubmissions(c.code);
      const view: StudentView = {
        nickname: student.nickname,
        submissions: store.submissionsOf(student.id).map((s) => statusOf(s, ended)),
        histograms: histograms(info, bestRuns(all, goalOf), student.id),
      };
      return view;
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

  pump();
  return app;
}

/** The built game's folder and the default database, for `neural-journey serve`. */
export function defaultWebRoot(): string {
  return join(projectRoot(), 'dist', 'web');
}
