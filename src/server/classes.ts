/**
 * The routes of a class: a teacher creates it, anyone reads its settings, a student joins it
 * with a nickname; with the teacher token, the report (JSON or CSV), ending the contest (which
 * reveals the private board to the live streams) and deleting the class with all it holds.
 */
import type { FastifyInstance } from 'fastify';
import { CONTROLS } from '../levels/controls.js';
import {
  CLASS_NAME_MAX,
  MAX_SUBMISSIONS_PER_LEVEL,
  NICKNAME_MAX,
  NICKNAME_PATTERN,
  type ClassCreated,
  type Joined,
  type NewClass,
  type Report,
} from './api.js';
import { computeReport, hasEnded, reportCsv } from './board.js';
import type { ServerContext } from './context.js';
import {
  CONTROL_CHARS,
  HttpError,
  checkTime,
  classOr404,
  publicInfo,
  requireTeacher,
} from './http.js';
import { codeParams, joinBody, newClassBody } from './schemas.js';
import type { ClassRecord } from './store.js';
import { hashToken, newCode, newToken } from './tokens.js';

/** Registers the class routes: create, read, join, report, end and delete. */
export function classRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { store, catalogue, now, iso, goalOf, live } = ctx;
  const maxStudents = ctx.options.maxStudentsPerClass ?? 300;
  const reportOf = (c: ClassRecord): Report =>
    computeReport(publicInfo(c), store.students(c.code), store.classSubmissions(c.code), goalOf);

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
      return reportOf(c);
    },
  );

  app.get<{ Params: { code: string } }>(
    '/api/classes/:code/report.csv',
    { schema: { params: codeParams } },
    async (request, reply) => {
      const c = classOr404(store, request.params.code);
      requireTeacher(request, c);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="class-${c.code}.csv"`)
        .send(reportCsv(reportOf(c), hasEnded(publicInfo(c), now())));
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
}
