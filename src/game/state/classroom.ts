/**
 * The game's side of a classroom contest: the class a student joined (kept in the browser: the
 * code, the nickname and the student token the server handed out once), the calls to the
 * classroom server that serves this page (same origin: the teacher runs one command and the
 * students open its address), and the version a run is made with (hashes of the kernel and of
 * the level file), so the server can refuse a run made with another version instead of scoring
 * it differently. A submission is what to replay — never a score.
 */
import type {
  ApiError,
  Board,
  ClassInfo,
  StudentView,
  Joined,
  Submission,
  SubmissionAccepted,
  SubmissionStatus,
} from '../../server/api.js';
import { CODE_LENGTH, CODE_PATTERN, NICKNAME_PATTERN } from '../../server/api.js';
import type { Attempt, Level } from '../../levels/types.js';
import type { StorageLike } from './saves.js';

/** Where the class membership is kept. */
export const CLASS_KEY = 'neural-journey/class';

/** A class this browser joined. */
export interface Membership {
  code: string;
  nickname: string;
  token: string;
  info: ClassInfo;
}

/** Reads the membership, or null when there is none or it is damaged (then it is dropped). */
export function loadMembership(storage: StorageLike | null): Membership | null {
  const text = storage?.getItem(CLASS_KEY);
  if (!text) return null;
  try {
    const m = JSON.parse(text) as Partial<Membership>;
    const info = m.info as Partial<ClassInfo> | undefined;
    const ok =
      typeof m.code === 'string' &&
      CODE_PATTERN.test(m.code) &&
      typeof m.nickname === 'string' &&
      typeof m.token === 'string' &&
      info !== undefined &&
      Array.isArray(info.levels) &&
      Array.isArray(info.hide) &&
      Array.isArray(info.lock) &&
      typeof info.name === 'string';
    if (ok) return m as Membership;
  } catch {
    // Not JSON: dropped below.
  }
  storage?.removeItem(CLASS_KEY);
  return null;
}

export function saveMembership(storage: StorageLike | null, m: Membership | null): void {
  try {
    if (m) storage?.setItem(CLASS_KEY, JSON.stringify(m));
    else storage?.removeItem(CLASS_KEY);
  } catch {
    // A full or blocked storage: the membership lasts for this visit only.
  }
}

/** What a player typed as a join code, cleaned up (spaces gone, upper case), or the reason it is not one. */
export function readCode(text: string): string | { error: string } {
  const code = text.replace(/\s+/g, '').toUpperCase();
  if (CODE_PATTERN.test(code)) return code;
  return {
    error: `A join code has ${CODE_LENGTH} letters and digits, as your teacher shows it (such as "K7QXMP").`,
  };
}

/** A nickname as typed, trimmed, or the reason it cannot be one. */
export function readNickname(text: string): string | { error: string } {
  const name = text.trim();
  if (NICKNAME_PATTERN.test(name)) return name;
  return {
    error:
      'A nickname has 2 to 20 letters, digits, spaces, dots, dashes or underscores, and starts with a letter or digit. Use a made-up name, not your real one.',
  };
}

/** A failed call: the server's message (which names the field), or what went wrong on the way. */
export class ClassroomError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ClassroomError';
  }
}

/** Calls the classroom server at this page's own address. */
async function call<T>(
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    throw new ClassroomError(
      'The classroom server did not answer. Classes run on your teacher’s server: open the address your teacher gave you.',
      0,
    );
  }
  const json = (response.headers.get('content-type') ?? '').includes('application/json');
  let body: unknown;
  try {
    body = json ? JSON.parse(await response.text()) : null;
  } catch {
    body = null;
  }
  if (body && typeof (body as ApiError).error === 'string') {
    throw new ClassroomError((body as ApiError).error, response.status);
  }
  if (!response.ok || body === null) {
    // A page without the server (the game alone, `npm start`) answers with HTML or a 404.
    throw new ClassroomError(
      json
        ? `The classroom server refused (${response.status}).`
        : 'There is no classroom server here. Classes run on your teacher’s server: open the address your teacher gave you.',
      response.status,
    );
  }
  return body as T;
}

/** Joins the class with this code under a nickname; the membership to keep. */
export async function joinClass(code: string, nickname: string): Promise<Membership> {
  const info = await call<ClassInfo>(`/api/classes/${code}`);
  const joined = await call<Joined>(`/api/classes/${code}/students`, { body: { nickname } });
  return { code, nickname: joined.nickname, token: joined.studentToken, info };
}

/** The class's current settings (levels, flags, times), to refresh a kept membership. */
export function classInfo(code: string): Promise<ClassInfo> {
  return call<ClassInfo>(`/api/classes/${code}`);
}

/** Hex SHA-256 of some bytes (Web Crypto: the same digest the server computes). */
async function sha256(bytes: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

let kernelHash: Promise<string> | null = null;

/** The version a run of `level` is made with: the kernel this page loads and the level file. */
export async function runVersion(level: Level, kernelUrl: string): Promise<Submission['version']> {
  kernelHash ??= fetch(kernelUrl)
    .then((r) => r.arrayBuffer())
    .then(sha256);
  const levelHash = await sha256(new TextEncoder().encode(JSON.stringify(level)));
  return { kernel: await kernelHash, level: levelHash };
}

/** Submits a recorded attempt to the class: what to replay, never its score. */
export function submitAttempt(
  m: Membership,
  attempt: Attempt,
  version: Submission['version'],
): Promise<SubmissionAccepted> {
  const body: Submission = {
    levelId: attempt.levelId,
    spec: attempt.spec,
    options: attempt.options,
    seed: attempt.seed,
    ...(attempt.data ? { data: attempt.data } : {}),
    version,
  };
  return call<SubmissionAccepted>(`/api/classes/${m.code}/submissions`, { body, token: m.token });
}

/** Where a submission stands (queued, running, verified or refused). */
export function submissionStatus(m: Membership, id: number): Promise<SubmissionStatus> {
  return call<SubmissionStatus>(`/api/submissions/${id}`, { token: m.token });
}

/** The student's own submissions and where their best runs sit among the class's. */
export function myStanding(m: Membership): Promise<StudentView> {
  return call<StudentView>(`/api/classes/${m.code}/me`, { token: m.token });
}

/** The class board (public while the contest runs, private once it ended). */
export function classBoard(code: string): Promise<Board> {
  return call<Board>(`/api/classes/${code}/board`);
}

/**
 * Where a value sits among the class's best runs, in words: how many use fewer and how many use
 * more (counting only, so the sentence holds whatever the spread).
 */
export function standing(mine: number, all: readonly number[], unit: string): string {
  const fewer = all.filter((v) => v < mine).length;
  const more = all.filter((v) => v > mine).length;
  if (all.length <= 1) return `the only best run in the class so far`;
  if (fewer === 0 && more === 0) return `every best run in the class uses as many ${unit}`;
  return `of the class's ${all.length} best runs, ${fewer} use fewer ${unit} and ${more} use more`;
}
