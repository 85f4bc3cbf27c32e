/**
 * Submissions and the replay queue. A student's run is checked against the class (its levels,
 * start and end, what it hides or locks) and the server's version, stored, and queued; the queue
 * replays as many at once as the replayer has threads and stores each verdict, then tells the
 * live boards. A submission left queued or running by a stop is replayed at the next start.
 * Also the routes that read verdicts back: one submission (its student or the teacher) and a
 * student's own view (`/me`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkSeed } from '../engine/learner.js';
import { parseOptions, type TrainOptions } from '../engine/options.js';
import { SpecError, parseSpec, type ModelSpec } from '../engine/spec.js';
import { CONTROLS, type Control } from '../levels/controls.js';
import { classLocks } from '../levels/locks.js';
import { rulesOf } from '../levels/rules.js';
import type { StudentView, Submission, SubmissionAccepted } from './api.js';
import { bestRuns, hasEnded, histograms, statusOf } from './board.js';
import type { BaseContext, ServerContext, ServerOptions } from './context.js';
import {
  HttpError,
  NO_TOKEN,
  bearer,
  classOr404,
  plural,
  publicInfo,
  requireStudent,
} from './http.js';
import { InlineReplayer, WorkerPool, defaultPoolSize, workerFile, type Replayer } from './pool.js';
import { codeParams, submissionBody } from './schemas.js';
import { sameHash, type StudentRecord } from './store.js';
import { TOKEN_PATTERN, hashToken } from './tokens.js';

/** Replays in worker threads when compiled (or as `options.replayer` says), else in this thread. */
export function openReplayer(options: ServerOptions): Replayer {
  // A Fashion-MNIST level's reference takes about 15 s on one core: room for a busy server.
  const replayTimeMs = options.replayTimeMs ?? 60_000;
  const compiled = workerFile();
  const useThreads = (options.replayer ?? (compiled ? 'threads' : 'inline')) === 'threads';
  if (useThreads && !compiled) {
    throw new Error('replay threads need the compiled server: run `npm run build:node` first');
  }
  return useThreads
    ? new WorkerPool(options.poolSize ?? defaultPoolSize(), compiled!, replayTimeMs)
    : new InlineReplayer(replayTimeMs);
}

export interface ReplayQueue {
  /** Queues a stored submission and starts it if a replayer is free. */
  add(id: number): void;
  /** Starts what is queued, as far as the replayer has room. */
  pump(): void;
  /** Starts no more replays and stores no more verdicts (the server is closing). */
  stop(): void;
  /** Closes the replayer. */
  close(): Promise<void>;
}

/**
 * The queue of submissions to replay, holding what a stop left unfinished; `notify` hears the
 * class of each verdict stored. Nothing runs until `pump`.
 */
export function replayQueue(
  app: FastifyInstance,
  ctx: BaseContext,
  replayer: Replayer,
  notify: (code: string) => void,
): ReplayQueue {
  const { store, catalogue, iso } = ctx;
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
      notify(s.code);
    } catch (error) {
      // Left as it is in the database: the next start replays it.
      if (!closing) app.log.error({ err: error, submission: id }, 'replay failed');
    }
  };
  for (const s of store.requeueUnfinished()) queue.push(s.id);
  return {
    add(id) {
      queue.push(id);
      pump();
    },
    pump,
    stop() {
      closing = true;
    },
    close: () => replayer.close(),
  };
}

/** Registers the routes that take submissions and read their verdicts back. */
export function submissionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { store, catalogue, now, goalOf, queue } = ctx;

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
      queue.add(added.id);
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
}
