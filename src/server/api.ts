/**
 * The classroom server's API, as both sides see it: the request and reply bodies of every route,
 * and the rules a join code, a nickname and a class name follow. Imported by the server, the
 * teacher's dashboard and the game, so the three never drift apart. Types and constants only: no
 * Node, no DOM, no Phaser.
 *
 * Routes (all JSON unless said; tokens go in `Authorization: Bearer <token>`):
 *
 * | route | who | body → reply |
 * | --- | --- | --- |
 * | `GET /api/version` | anyone | → `VersionInfo` |
 * | `POST /api/classes` | anyone (a teacher) | `NewClass` → `ClassCreated` (the teacher token, once) |
 * | `GET /api/classes/:code` | anyone | → `ClassInfo` |
 * | `POST /api/classes/:code/students` | anyone | `JoinRequest` → `Joined` (the student token, once) |
 * | `POST /api/classes/:code/submissions` | student | `Submission` → `SubmissionAccepted` (202) |
 * | `GET /api/submissions/:id` | that student, or the class's teacher | → `SubmissionStatus` |
 * | `GET /api/classes/:code/me` | student | → `StudentView` |
 * | `GET /api/classes/:code/board` | anyone | → `Board` (the public board; the private one once ended) |
 * | `GET /api/classes/:code/events` | anyone | Server-Sent Events: `board` events, each data a `Board` |
 * | `GET /api/classes/:code/report` | teacher | → `Report` |
 * | `GET /api/classes/:code/report.csv` | teacher | → `text/csv`, one row per student × level |
 * | `POST /api/classes/:code/end` | teacher | `{}` → `ClassInfo` (ended; the private board is revealed) |
 * | `DELETE /api/classes/:code` | teacher | → `{deleted: code}`: the class, its students and submissions are gone |
 *
 * Every refusal is `ApiError` with a 4xx status and a message naming the field and what is
 * allowed; the server never answers 5xx to bad input.
 */

/** The characters of a join code: no look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B). */
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const CODE_LENGTH = 6;
export const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** A nickname: 2 to 20 letters, digits, spaces, '-', '_' or '.', unique in its class (case-insensitive). */
export const NICKNAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,18}[\p{L}\p{N}._-]$/u;
export const NICKNAME_MAX = 20;
/** A class name: 1 to 60 characters, no control characters. */
export const CLASS_NAME_MAX = 60;
/** Most submissions a class may allow per level per student. */
export const MAX_SUBMISSIONS_PER_LEVEL = 100;
/** Largest request body the server reads, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Hashes of what scores a run: the scoring kernel and every level file. */
export interface VersionInfo {
  /** SHA-256 (hex) of the scoring kernel's bytes (`build/kernel.wasm`, the SIMD build the game runs). */
  kernel: string;
  /** SHA-256 (hex) of each level's canonical JSON (`JSON.stringify` of the parsed file). */
  levels: Record<string, string>;
}

export interface NewClass {
  name: string;
  /** Level ids, at least one, each a level of this version. */
  levels: string[];
  /** ISO 8601 times; submissions are taken from `start` (default now) until `end` (the deadline). */
  start?: string;
  end?: string;
  /** Submissions allowed per level per student, 1 to MAX_SUBMISSIONS_PER_LEVEL. */
  submissionsPerLevel: number;
  /** Teacher flags for every level of the class (the controls of `src/levels/controls.ts`). */
  hide?: string[];
  lock?: string[];
}

export interface ClassInfo {
  code: string;
  name: string;
  levels: string[];
  start: string;
  end: string | null;
  submissionsPerLevel: number;
  hide: string[];
  lock: string[];
  /** When the teacher ended the contest, or null while it runs. */
  endedAt: string | null;
}

export interface ClassCreated {
  class: ClassInfo;
  /** Shown once; the server keeps only its hash. */
  teacherToken: string;
}

export interface JoinRequest {
  nickname: string;
}

export interface Joined {
  nickname: string;
  /** Shown once; kept in the student's browser; the server keeps only its hash. */
  studentToken: string;
}

/** What a student submits: never a score, only what to replay. */
export interface Submission {
  levelId: string;
  spec: unknown;
  options: unknown;
  seed: number;
  /** Data settings, where the level opens data controls. */
  data?: { n?: number; noise?: number; train?: number };
  /** The version the run was made with; another version is refused with a message. */
  version: { kernel: string; level: string };
}

export interface SubmissionAccepted {
  id: number;
  status: 'queued';
  /** Submissions left for this level. */
  remaining: number;
}

/** One replay's verdict, computed by the server. */
export interface Verified {
  passed: boolean;
  stars: number;
  steps: number;
  params: number;
  /** The level's goal metric on the public split (validation) after the run. */
  publicScore: number;
  /**
   * The same on the private split (test), shown once the class has ended: null in a student's
   * own view (`SubmissionStatus`, `StudentView`) until then; the teacher's report always has it.
   */
  privateScore: number | null;
  /** Final loss on the public split, for the histograms. */
  loss: number;
  weightsHash: string;
}

export interface SubmissionStatus {
  id: number;
  levelId: string;
  status: 'queued' | 'running' | 'done' | 'refused';
  /** Why it was refused (a rule it breaks, a diverged run, the time cap). */
  message: string | null;
  result: Verified | null;
  submittedAt: string;
  verifiedAt: string | null;
}

/** One row of a board. */
export interface BoardRow {
  rank: number;
  nickname: string;
  /** Stars over the class's levels (best run of each). */
  stars: number;
  /** Per level: the best verified score (public or private board's split), or null. */
  scores: Record<string, number | null>;
  /** When the student's last improvement was verified: ties go to the earlier. */
  time: string;
  /** Private board only: the rank on the public board, to show how ranks moved. */
  publicRank?: number;
}

export interface Board {
  code: string;
  kind: 'public' | 'private';
  rows: BoardRow[];
  updatedAt: string;
}

/** A student's own view: their submissions and where their best sits in the class. */
export interface StudentView {
  nickname: string;
  submissions: SubmissionStatus[];
  /** Per level: the class's best-run values (params, steps, loss) and the student's own. */
  histograms: Record<string, Histograms>;
}

export interface Histograms {
  params: number[];
  steps: number[];
  loss: number[];
  /** The student's own best (StudentView) or null (Report). */
  mine: { params: number; steps: number; loss: number } | null;
}

export interface ReportRow {
  nickname: string;
  levelId: string;
  submissions: number;
  best: Verified | null;
}

export interface Report {
  class: ClassInfo;
  rows: ReportRow[];
  histograms: Record<string, Histograms>;
}

export interface ApiError {
  error: string;
}
