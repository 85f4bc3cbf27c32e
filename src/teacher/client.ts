/**
 * Every call the teacher's dashboard makes to the classroom server, typed with the contract in
 * `src/server/api.ts`, so the page and the server cannot disagree on a route or a body. The
 * rest of the dashboard never calls `fetch` or opens an `EventSource` itself.
 */
import type { ApiError, Board, ClassCreated, ClassInfo, NewClass, Report } from '../server/api.js';

/** A refused or failed request, with the server's own message (it names the field and the rule). */
export class ApiFailure extends Error {
  /** HTTP status, or 0 when the server could not be reached at all. */
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
  }
}

/** The server's `{error}` message of a refusal, or a plain sentence when the body has none. */
async function failure(res: Response): Promise<ApiFailure> {
  // Without the server's own words, a 404 most likely means no classroom server behind this page.
  let message =
    res.status === 404
      ? 'No classroom server answered at this address (HTTP 404). Open this page from the server started with "neural-journey serve".'
      : `The server refused the request (HTTP ${res.status}).`;
  try {
    const body = (await res.json()) as Partial<ApiError>;
    if (typeof body.error === 'string' && body.error !== '') message = body.error;
  } catch {
    // Not JSON (a static file server's or a proxy's error page): keep the plain sentence.
  }
  return new ApiFailure(message, res.status);
}

/** One request; `token` goes in `Authorization: Bearer`, `body` is sent as JSON. */
async function send(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiFailure(
      'Could not reach the classroom server. Check that it is running and that this computer is on its network.',
      0,
    );
  }
  if (!res.ok) throw await failure(res);
  return res;
}

async function json<T>(
  method: 'GET' | 'POST',
  path: string,
  options?: { token?: string; body?: unknown },
): Promise<T> {
  const res = await send(method, path, options);
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiFailure('The server sent a reply this page cannot read.', res.status);
  }
}

const classPath = (code: string): string => `/api/classes/${encodeURIComponent(code)}`;

/** Creates a class; the reply holds the teacher token, which the server never shows again. */
export function createClass(body: NewClass): Promise<ClassCreated> {
  return json<ClassCreated>('POST', '/api/classes', { body });
}

/** A class's settings (public: anyone with the code may read them). */
export function classInfo(code: string): Promise<ClassInfo> {
  return json<ClassInfo>('GET', classPath(code));
}

/** The board as it is now: public while the contest runs, private once it has ended. */
export function board(code: string): Promise<Board> {
  return json<Board>('GET', `${classPath(code)}/board`);
}

/** Every student × level with submissions and best run, and the histograms (teacher only). */
export function report(code: string, token: string): Promise<Report> {
  return json<Report>('GET', `${classPath(code)}/report`, { token });
}

/** The report as CSV, one row per student × level (teacher only). */
export async function reportCsv(code: string, token: string): Promise<Blob> {
  const res = await send('GET', `${classPath(code)}/report.csv`, { token });
  return res.blob();
}

/** Ends the contest now: no more submissions, and the private board is revealed. */
export function endContest(code: string, token: string): Promise<ClassInfo> {
  return json<ClassInfo>('POST', `${classPath(code)}/end`, { token, body: {} });
}

/** Deletes the class with its students and their runs, for good (teacher only). */
export async function deleteClass(code: string, token: string): Promise<void> {
  await send('DELETE', classPath(code), { token });
}

/** How the live board's connection is: open, trying again, or given up (the class is gone). */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/**
 * Follows the class's board as Server-Sent Events: `onBoard` gets every `board` event. The
 * browser's EventSource reconnects by itself after a drop; `onState` hears about it so the page
 * can say so. Returns a function that stops listening.
 */
export function watchBoard(
  code: string,
  onBoard: (board: Board) => void,
  onState: (state: LiveState) => void,
): () => void {
  const source = new EventSource(`${classPath(code)}/events`);
  onState('connecting');
  source.addEventListener('open', () => onState('live'));
  source.addEventListener('error', () =>
    onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'),
  );
  source.addEventListener('board', (event) => {
    try {
      const data = JSON.parse((event as MessageEvent<string>).data) as Board;
      if (data && Array.isArray(data.rows)) onBoard(data);
    } catch {
      // A malformed event is skipped; the next one replaces the whole board anyway.
    }
  });
  return () => source.close();
}
