/**
 * What every route module of the classroom server shares: the refusal types (`HttpError`, and
 * `RateLimited` with its Retry-After), the checks of a request's time fields and bearer token,
 * and the lookups that refuse a missing class or a token that is not the teacher's or a
 * student's. Kept apart from the routes so each module words a refusal the same way.
 */
import type { FastifyRequest } from 'fastify';
import { CODE_ALPHABET, CODE_LENGTH, CODE_PATTERN, type ClassInfo } from './api.js';
import { sameHash, type ClassRecord, type StudentRecord, type Store } from './store.js';
import { TOKEN_PATTERN, hashToken } from './tokens.js';

/** A refusal: its status and its message. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** A request over a rate limit: 429 with Retry-After. */
export class RateLimited extends HttpError {
  constructor(
    readonly wait: number,
    what: string,
  ) {
    super(429, `Too many requests ${what}: wait ${plural(wait, 'second')} and try again.`);
  }
}

/** Control characters (C0, DEL, C1) and the line and paragraph separators. */
export const CONTROL_CHARS = /[\p{Cc}\u2028\u2029]/u;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const NO_TOKEN =
  'Authorization is missing: send the token the server gave you as "Authorization: Bearer <token>"';

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** An optional ISO 8601 time field as a Date (null when absent), or a 400 naming the field. */
export function checkTime(field: string, value: string | undefined): Date | null {
  if (value === undefined) return null;
  const t = Date.parse(value);
  if (!ISO_TIME.test(value) || !Number.isFinite(t)) {
    throw new HttpError(
      400,
      `${field} must be an ISO 8601 time such as "2026-03-01T09:00:00Z", got ${JSON.stringify(value.slice(0, 60))}`,
    );
  }
  return new Date(t);
}

/** A stored class as anyone may see it: without the teacher's token hash. */
export function publicInfo(c: ClassRecord): ClassInfo {
  return {
    code: c.code,
    name: c.name,
    levels: c.levels,
    start: c.start,
    end: c.end,
    submissionsPerLevel: c.submissionsPerLevel,
    hide: c.hide,
    lock: c.lock,
    endedAt: c.endedAt,
  };
}

/** The bearer token of a request, or null when there is no Authorization header. */
export function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer (\S+)$/.exec(header);
  return match ? match[1]! : '';
}

/** The class of a join code: 400 when the code cannot be one, 404 when no class has it. */
export function classOr404(store: Store, code: string): ClassRecord {
  if (!CODE_PATTERN.test(code)) {
    throw new HttpError(
      400,
      `code must be ${CODE_LENGTH} characters from ${CODE_ALPHABET}, as the teacher shows it`,
    );
  }
  const c = store.getClass(code);
  if (!c) throw new HttpError(404, `No class has the code ${code}: check it with your teacher.`);
  return c;
}

/** Refuses a request without the teacher token of class `c` (401 without one, else 403). */
export function requireTeacher(request: FastifyRequest, c: ClassRecord): void {
  const token = bearer(request);
  if (token === null) throw new HttpError(401, NO_TOKEN);
  if (!TOKEN_PATTERN.test(token) || !sameHash(hashToken(token), c.teacherHash)) {
    throw new HttpError(403, `This is not the teacher token of class ${c.code}.`);
  }
}

/** The student of class `c` whose token the request carries (401 without one, else 403). */
export function requireStudent(
  store: Store,
  request: FastifyRequest,
  c: ClassRecord,
): StudentRecord {
  const token = bearer(request);
  if (token === null) throw new HttpError(401, NO_TOKEN);
  const student = TOKEN_PATTERN.test(token) ? store.findStudent(c.code, hashToken(token)) : null;
  if (!student) {
    throw new HttpError(
      403,
      `This token belongs to no student of class ${c.code}: join the class first.`,
    );
  }
  return student;
}
