/**
 * The class's standings, computed from the stored verdicts (pure: no database, no HTTP). A
 * student's best run of a level is the one with the most stars, then the better public score
 * (the level's goal metric on the validation split), then the earlier. The board ranks by the
 * stars of the best runs over the class's levels; among equal stars, by the board's scores
 * (public: validation; private: test, once the class has ended), then by the earlier time of
 * the last improvement. The private board also gives each row's public rank.
 */
import type {
  Board,
  BoardRow,
  ClassInfo,
  Histograms,
  Report,
  ReportRow,
  SubmissionStatus,
  Verified,
} from './api.js';
import type { LevelGoal } from '../levels/types.js';
import type { StudentRecord, SubmissionSummary } from './store.js';

/** How a level's scores compare: the goal's metric (lower loss, higher accuracy is better). */
export type GoalOf = (levelId: string) => LevelGoal | undefined;

type Done = SubmissionSummary & { result: Verified; verifiedAt: string };

function isDone(s: SubmissionSummary): s is Done {
  return s.status === 'done' && s.result !== null && s.verifiedAt !== null;
}

/** Higher is better: accuracy as it is, loss negated. */
function goodness(goal: LevelGoal | undefined, score: number): number {
  return goal?.metric === 'loss' ? -score : score;
}

/** Whether run `a` beats run `b` as a student's best of one level. */
function better(goal: LevelGoal | undefined, a: Done, b: Done): boolean {
  if (a.result.stars !== b.result.stars) return a.result.stars > b.result.stars;
  const ga = goodness(goal, a.result.publicScore);
  const gb = goodness(goal, b.result.publicScore);
  if (ga !== gb) return ga > gb;
  return a.verifiedAt < b.verifiedAt || (a.verifiedAt === b.verifiedAt && a.id < b.id);
}

/** Each student's best verified run per level: student id → level id → run. */
export function bestRuns(
  submissions: readonly SubmissionSummary[],
  goalOf: GoalOf,
): Map<number, Map<string, Done>> {
  const best = new Map<number, Map<string, Done>>();
  for (const s of submissions) {
    if (!isDone(s)) continue;
    let mine = best.get(s.studentId);
    if (!mine) best.set(s.studentId, (mine = new Map()));
    const held = mine.get(s.levelId);
    if (!held || better(goalOf(s.levelId), s, held)) mine.set(s.levelId, s);
  }
  return best;
}

/** Whether the class has ended: the teacher ended it, or its deadline has passed. */
export function hasEnded(info: ClassInfo, now: Date): boolean {
  return info.endedAt !== null || (info.end !== null && now.getTime() >= Date.parse(info.end));
}

function rank(
  info: ClassInfo,
  students: readonly StudentRecord[],
  best: Map<number, Map<string, Done>>,
  goalOf: GoalOf,
  split: 'public' | 'private',
): BoardRow[] {
  const rows = students.map((st) => {
    const mine = best.get(st.id) ?? new Map<string, Done>();
    let stars = 0;
    let tie = 0;
    let time = st.joinedAt;
    let improved = false;
    const scores: Record<string, number | null> = {};
    for (const levelId of info.levels) {
      const run = mine.get(levelId);
      if (!run) {
        scores[levelId] = null;
        continue;
      }
      const score = split === 'public' ? run.result.publicScore : run.result.privateScore;
      scores[levelId] = score;
      stars += run.result.stars;
      if (score !== null) tie += goodness(goalOf(levelId), score);
      if (!improved || run.verifiedAt > time) time = run.verifiedAt;
      improved = true;
    }
    return { row: { rank: 0, nickname: st.nickname, stars, scores, time }, tie, runs: improved };
  });
  rows.sort(
    (a, b) =>
      b.row.stars - a.row.stars ||
      Number(b.runs) - Number(a.runs) ||
      b.tie - a.tie ||
      (a.row.time < b.row.time ? -1 : a.row.time > b.row.time ? 1 : 0),
  );
  return rows.map((r, i) => ({ ...r.row, rank: i + 1 }));
}

/** The board: public while the class runs, private (test scores, with public ranks) once it ended. */
export function computeBoard(
  info: ClassInfo,
  students: readonly StudentRecord[],
  submissions: readonly SubmissionSummary[],
  goalOf: GoalOf,
  now: Date,
): Board {
  const best = bestRuns(submissions, goalOf);
  const publicRows = rank(info, students, best, goalOf, 'public');
  const updatedAt = now.toISOString();
  if (!hasEnded(info, now)) return { code: info.code, kind: 'public', rows: publicRows, updatedAt };
  const publicRank = new Map(publicRows.map((r) => [r.nickname, r.rank]));
  const rows = rank(info, students, best, goalOf, 'private').map((r) => ({
    ...r,
    publicRank: publicRank.get(r.nickname)!,
  }));
  return { code: info.code, kind: 'private', rows, updatedAt };
}

/** Per level, the params, steps and loss of each student's best run (sorted), and `mine`'s. */
export function histograms(
  info: ClassInfo,
  best: Map<number, Map<string, Done>>,
  mine: number | null,
): Record<string, Histograms> {
  const out: Record<string, Histograms> = {};
  for (const levelId of info.levels) {
    const h: Histograms = { params: [], steps: [], loss: [], mine: null };
    for (const [studentId, runs] of best) {
      const run = runs.get(levelId);
      if (!run) continue;
      h.params.push(run.result.params);
      h.steps.push(run.result.steps);
      h.loss.push(run.result.loss);
      if (studentId === mine) {
        h.mine = { params: run.result.params, steps: run.result.steps, loss: run.result.loss };
      }
    }
    for (const key of ['params', 'steps', 'loss'] as const) h[key].sort((a, b) => a - b);
    out[levelId] = h;
  }
  return out;
}

/** A stored submission as its student or teacher sees it; the test score stays hidden from a
 * student until the class has ended. */
export function statusOf(s: SubmissionSummary, showPrivate: boolean): SubmissionStatus {
  const result = s.result && !showPrivate ? { ...s.result, privateScore: null } : s.result;
  return {
    id: s.id,
    levelId: s.levelId,
    status: s.status,
    message: s.message,
    result,
    submittedAt: s.submittedAt,
    verifiedAt: s.verifiedAt,
  };
}

/** The teacher's report: every student × level with the submission count and the best run. */
export function computeReport(
  info: ClassInfo,
  students: readonly StudentRecord[],
  submissions: readonly SubmissionSummary[],
  goalOf: GoalOf,
): Report {
  const best = bestRuns(submissions, goalOf);
  const counts = new Map<string, number>();
  for (const s of submissions) {
    const key = `${s.studentId} ${s.levelId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows: ReportRow[] = [];
  for (const st of students) {
    for (const levelId of info.levels) {
      rows.push({
        nickname: st.nickname,
        levelId,
        submissions: counts.get(`${st.id} ${levelId}`) ?? 0,
        best: best.get(st.id)?.get(levelId)?.result ?? null,
      });
    }
  }
  return { class: info, rows, histograms: histograms(info, best, null) };
}

/**
 * One CSV cell: quoted when it holds a comma, a quote or a line break, and a text starting with
 * = + - @ (or a tab or carriage return) prefixed with a quote so a spreadsheet never reads it as
 * a formula.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report as CSV, one row per student × level; the test score only once the class ended. */
export function reportCsv(report: Report, ended: boolean): string {
  const header = [
    'nickname',
    'level',
    'submissions',
    'passed',
    'stars',
    'steps',
    'params',
    'public_score',
    'private_score',
  ];
  const lines = [header.join(',')];
  for (const r of report.rows) {
    const b = r.best;
    lines.push(
      [
        r.nickname,
        r.levelId,
        r.submissions,
        b ? b.passed : null,
        b ? b.stars : null,
        b ? b.steps : null,
        b ? b.params : null,
        b ? b.publicScore : null,
        b && ended ? b.privateScore : null,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
