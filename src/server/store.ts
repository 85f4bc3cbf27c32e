/**
 * Where the classroom server keeps its classes, students and submissions: one interface,
 * `Store`, so a server database could replace SQLite later, and `openSqliteStore`, a
 * better-sqlite3 file in WAL mode with `synchronous = FULL`, so a submission the server has
 * answered 202 is on disk before the reply leaves. Only SHA-256 hashes of tokens are kept.
 */
import Database from 'better-sqlite3';
import { timingSafeEqual } from 'node:crypto';
import type { ClassInfo, Submission, SubmissionStatus, Verified } from './api.js';

export interface ClassRecord extends ClassInfo {
  /** SHA-256 (hex) of the teacher token. */
  teacherHash: string;
  createdAt: string;
}

export interface StudentRecord {
  id: number;
  code: string;
  nickname: string;
  tokenHash: string;
  joinedAt: string;
}

export type SubmissionState = SubmissionStatus['status'];

/** A submission without its body: what boards, reports and lists need. */
export interface SubmissionSummary {
  id: number;
  code: string;
  studentId: number;
  nickname: string;
  levelId: string;
  status: SubmissionState;
  result: Verified | null;
  message: string | null;
  submittedAt: string;
  startedAt: string | null;
  verifiedAt: string | null;
}

/** A submission with what to replay. */
export interface SubmissionRecord extends SubmissionSummary {
  body: Submission;
}

/** A replay's verdict as stored. */
export type Outcome = { status: 'done'; result: Verified } | { status: 'refused'; message: string };

export type NewClassRecord = Omit<ClassInfo, 'code' | 'endedAt'>;

export interface Store {
  /** Creates a class under a fresh code from `makeCode` (retried while it collides). */
  createClass(
    info: NewClassRecord,
    teacherHash: string,
    makeCode: () => string,
    at: string,
  ): ClassRecord;
  getClass(code: string): ClassRecord | null;
  /** Sets `endedAt` (once: a second end keeps the first time). */
  endClass(code: string, at: string): ClassRecord | null;
  /** Removes the class with its students and submissions, in one transaction; false if none. */
  deleteClass(code: string): boolean;
  /** Adds a student; `taken` when the nickname is used in the class (case-insensitively). */
  addStudent(
    code: string,
    nickname: string,
    tokenHash: string,
    at: string,
    maxStudents: number,
  ): StudentRecord | 'taken' | 'full';
  /** The student of `code` whose token hashes to `tokenHash`. */
  findStudent(code: string, tokenHash: string): StudentRecord | null;
  getStudent(id: number): StudentRecord | null;
  students(code: string): StudentRecord[];
  /**
   * Records a submission unless the student has used `limit` for the level already; the count
   * and the insert are one transaction. `remaining` is what is left after this one.
   */
  addSubmission(
    student: StudentRecord,
    levelId: string,
    body: Submission,
    at: string,
    limit: number,
  ): { id: number; remaining: number } | 'limit';
  countSubmissions(studentId: number, levelId: string): number;
  getSubmission(id: number): SubmissionRecord | null;
  submissionsOf(studentId: number): SubmissionSummary[];
  classSubmissions(code: string): SubmissionSummary[];
  markRunning(id: number, at: string): void;
  finish(id: number, outcome: Outcome, at: string): void;
  /** Submissions left queued or running (by a server that stopped), put back in the queue, oldest first. */
  requeueUnfinished(): SubmissionRecord[];
  close(): void;
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The form of a nickname that must be unique in a class. */
export function nicknameKey(nickname: string): string {
  return nickname.normalize('NFC').toLowerCase();
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS classes (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  levels TEXT NOT NULL,
  start TEXT NOT NULL,
  end TEXT,
  submissions_per_level INTEGER NOT NULL,
  hide TEXT NOT NULL,
  lock TEXT NOT NULL,
  teacher_hash TEXT NOT NULL,
  ended_at TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS students (
  id INTEGER PRIMARY KEY,
  class_code TEXT NOT NULL REFERENCES classes(code),
  nickname TEXT NOT NULL,
  nickname_key TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  joined_at TEXT NOT NULL,
  UNIQUE (class_code, nickname_key)
);
CREATE INDEX IF NOT EXISTS students_token ON students (class_code, token_hash);
CREATE TABLE IF NOT EXISTS submissions (
  id INTEGER PRIMARY KEY,
  class_code TEXT NOT NULL REFERENCES classes(code),
  student_id INTEGER NOT NULL REFERENCES students(id),
  level_id TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'refused')),
  result TEXT,
  message TEXT,
  submitted_at TEXT NOT NULL,
  started_at TEXT,
  verified_at TEXT
);
CREATE INDEX IF NOT EXISTS submissions_student ON submissions (student_id, level_id);
CREATE INDEX IF NOT EXISTS submissions_class ON submissions (class_code);
CREATE INDEX IF NOT EXISTS submissions_status ON submissions (status);
`;

interface ClassRow {
  code: string;
  name: string;
  levels: string;
  start: string;
  end: string | null;
  submissions_per_level: number;
  hide: string;
  lock: string;
  teacher_hash: string;
  ended_at: string | null;
  created_at: string;
}

interface StudentRow {
  id: number;
  class_code: string;
  nickname: string;
  token_hash: string;
  joined_at: string;
}

interface SubmissionRow {
  id: number;
  class_code: string;
  student_id: number;
  nickname: string;
  level_id: string;
  body?: string;
  status: SubmissionState;
  result: string | null;
  message: string | null;
  submitted_at: string;
  started_at: string | null;
  verified_at: string | null;
}

function classOf(r: ClassRow): ClassRecord {
  return {
    code: r.code,
    name: r.name,
    levels: JSON.parse(r.levels) as string[],
    start: r.start,
    end: r.end,
    submissionsPerLevel: r.submissions_per_level,
    hide: JSON.parse(r.hide) as string[],
    lock: JSON.parse(r.lock) as string[],
    endedAt: r.ended_at,
    teacherHash: r.teacher_hash,
    createdAt: r.created_at,
  };
}

function studentOf(r: StudentRow): StudentRecord {
  return {
    id: r.id,
    code: r.class_code,
    nickname: r.nickname,
    tokenHash: r.token_hash,
    joinedAt: r.joined_at,
  };
}

function summaryOf(r: SubmissionRow): SubmissionSummary {
  return {
    id: r.id,
    code: r.class_code,
    studentId: r.student_id,
    nickname: r.nickname,
    levelId: r.level_id,
    status: r.status,
    result: r.result === null ? null : (JSON.parse(r.result) as Verified),
    message: r.message,
    submittedAt: r.submitted_at,
    startedAt: r.started_at,
    verifiedAt: r.verified_at,
  };
}

function submissionOf(r: SubmissionRow): SubmissionRecord {
  return { ...summaryOf(r), body: JSON.parse(r.body!) as Submission };
}

function isConstraint(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError && String(error.code).startsWith('SQLITE_CONSTRAINT')
  );
}

const SUMMARY_COLUMNS = `s.id, s.class_code, s.student_id, st.nickname, s.level_id, s.status,
  s.result, s.message, s.submitted_at, s.started_at, s.verified_at`;
const SUBMISSION_COLUMNS = `${SUMMARY_COLUMNS}, s.body`;

/** Opens (creating if needed) the SQLite file `file`; `:memory:` for a throwaway store. */
export function openSqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  const q = {
    insertClass: db.prepare(
      `INSERT INTO classes (code, name, levels, start, end, submissions_per_level, hide, lock,
        teacher_hash, ended_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
    ),
    getClass: db.prepare('SELECT * FROM classes WHERE code = ?'),
    endClass: db.prepare('UPDATE classes SET ended_at = ? WHERE code = ? AND ended_at IS NULL'),
    deleteSubmissions: db.prepare('DELETE FROM submissions WHERE class_code = ?'),
    deleteStudents: db.prepare('DELETE FROM students WHERE class_code = ?'),
    deleteClass: db.prepare('DELETE FROM classes WHERE code = ?'),
    countStudents: db.prepare('SELECT COUNT(*) AS n FROM students WHERE class_code = ?'),
    insertStudent: db.prepare(
      `INSERT INTO students (class_code, nickname, nickname_key, token_hash, joined_at)
        VALUES (?, ?, ?, ?, ?)`,
    ),
    findStudent: db.prepare('SELECT * FROM students WHERE class_code = ? AND token_hash = ?'),
    getStudent: db.prepare('SELECT * FROM students WHERE id = ?'),
    students: db.prepare('SELECT * FROM students WHERE class_code = ? ORDER BY id'),
    count: db.prepare(
      'SELECT COUNT(*) AS n FROM submissions WHERE student_id = ? AND level_id = ?',
    ),
    insertSubmission: db.prepare(
      `INSERT INTO submissions (class_code, student_id, level_id, body, status, submitted_at)
        VALUES (?, ?, ?, ?, 'queued', ?)`,
    ),
    getSubmission: db.prepare(
      `SELECT ${SUBMISSION_COLUMNS} FROM submissions s JOIN students st ON st.id = s.student_id
        WHERE s.id = ?`,
    ),
    submissionsOf: db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM submissions s JOIN students st ON st.id = s.student_id
        WHERE s.student_id = ? ORDER BY s.id`,
    ),
    classSubmissions: db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM submissions s JOIN students st ON st.id = s.student_id
        WHERE s.class_code = ? ORDER BY s.id`,
    ),
    markRunning: db.prepare(
      "UPDATE submissions SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
    ),
    finish: db.prepare(
      'UPDATE submissions SET status = ?, result = ?, message = ?, verified_at = ? WHERE id = ?',
    ),
    requeue: db.prepare("UPDATE submissions SET status = 'queued' WHERE status = 'running'"),
    queued: db.prepare(
      `SELECT ${SUBMISSION_COLUMNS} FROM submissions s JOIN students st ON st.id = s.student_id
        WHERE s.status = 'queued' ORDER BY s.id`,
    ),
  };

  const getClass = (code: string): ClassRecord | null => {
    const row = q.getClass.get(code) as ClassRow | undefined;
    return row ? classOf(row) : null;
  };
  const countSubmissions = (studentId: number, levelId: string): number =>
    (q.count.get(studentId, levelId) as { n: number }).n;

  const addStudent = db.transaction(
    (code: string, nickname: string, tokenHash: string, at: string, maxStudents: number) => {
      if ((q.countStudents.get(code) as { n: number }).n >= maxStudents) return 'full' as const;
      try {
        const info = q.insertStudent.run(code, nickname, nicknameKey(nickname), tokenHash, at);
        return studentOf(q.getStudent.get(info.lastInsertRowid) as StudentRow);
      } catch (error) {
        if (isConstraint(error)) return 'taken' as const;
        throw error;
      }
    },
  );

  const addSubmission = db.transaction(
    (student: StudentRecord, levelId: string, body: Submission, at: string, limit: number) => {
      const used = countSubmissions(student.id, levelId);
      if (used >= limit) return 'limit' as const;
      const info = q.insertSubmission.run(
        student.code,
        student.id,
        levelId,
        JSON.stringify(body),
        at,
      );
      return { id: Number(info.lastInsertRowid), remaining: limit - used - 1 };
    },
  );

  const requeue = db.transaction(() => {
    q.requeue.run();
    return (q.queued.all() as SubmissionRow[]).map(submissionOf);
  });

  return {
    createClass(info, teacherHash, makeCode, at) {
      for (let attempt = 0; ; attempt++) {
        const code = makeCode();
        try {
          q.insertClass.run(
            code,
            info.name,
            JSON.stringify(info.levels),
            info.start,
            info.end,
            info.submissionsPerLevel,
            JSON.stringify(info.hide),
            JSON.stringify(info.lock),
            teacherHash,
            at,
          );
          return getClass(code)!;
        } catch (error) {
          if (!isConstraint(error) || attempt >= 50) throw error;
        }
      }
    },
    getClass,
    endClass(code, at) {
      q.endClass.run(at, code);
      return getClass(code);
    },
    deleteClass(code) {
      return db.transaction(() => {
        q.deleteSubmissions.run(code);
        q.deleteStudents.run(code);
        return q.deleteClass.run(code).changes > 0;
      })();
    },
    addStudent(code, nickname, tokenHash, at, maxStudents) {
      return addStudent(code, nickname, tokenHash, at, maxStudents);
    },
    findStudent(code, tokenHash) {
      const row = q.findStudent.get(code, tokenHash) as StudentRow | undefined;
      return row && sameHash(row.token_hash, tokenHash) ? studentOf(row) : null;
    },
    getStudent(id) {
      const row = q.getStudent.get(id) as StudentRow | undefined;
      return row ? studentOf(row) : null;
    },
    students(code) {
      return (q.students.all(code) as StudentRow[]).map(studentOf);
    },
    addSubmission(student, levelId, body, at, limit) {
      return addSubmission(student, levelId, body, at, limit);
    },
    countSubmissions,
    getSubmission(id) {
      const row = q.getSubmission.get(id) as SubmissionRow | undefined;
      return row ? submissionOf(row) : null;
    },
    submissionsOf(studentId) {
      return (q.submissionsOf.all(studentId) as SubmissionRow[]).map(summaryOf);
    },
    classSubmissions(code) {
      return (q.classSubmissions.all(code) as SubmissionRow[]).map(summaryOf);
    },
    markRunning(id, at) {
      q.markRunning.run(at, id);
    },
    finish(id, outcome, at) {
      q.finish.run(
        outcome.status,
        outcome.status === 'done' ? JSON.stringify(outcome.result) : null,
        outcome.status === 'refused' ? outcome.message : null,
        at,
        id,
      );
    },
    requeueUnfinished() {
      return requeue();
    },
    close() {
      db.close();
    },
  };
}
