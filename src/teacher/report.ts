/**
 * The teacher's report: one row per student, one column per level, each cell the student's
 * best verified run there (score in the level's metric, stars) and how many of the allowed
 * submissions they have used. After the contest the test score shows beside the validation one.
 */
import type { Report, ReportRow } from '../server/api.js';
import { h, replace } from './dom.js';
import { formatScore, levelTitle, starSymbols, starWords } from './format.js';

/** One cell: best score and stars, then "3 of 5 sent"; a dash when nothing was verified. */
function cell(row: ReportRow | undefined, levelId: string, allowed: number, ended: boolean) {
  const used = row?.submissions ?? 0;
  const best = row?.best ?? null;
  const sent = h('span', { class: 'cell-sent' }, `${used} of ${allowed} sent`);
  if (!best) {
    return h(
      'td',
      { class: 'cell', 'data-test': 'report-cell', 'data-level': levelId },
      h('span', { class: 'cell-score dim' }, used ? 'not passed yet' : '—'),
      sent,
    );
  }
  return h(
    'td',
    {
      class: `cell${best.passed ? ' passed' : ''}`,
      'data-test': 'report-cell',
      'data-level': levelId,
    },
    h(
      'span',
      { class: 'cell-score' },
      formatScore(levelId, best.publicScore),
      ended
        ? h('span', { class: 'dim' }, ` · test ${formatScore(levelId, best.privateScore)}`)
        : null,
    ),
    h(
      'span',
      {
        class: 'cell-stars',
        'aria-label': starWords(best.stars, 3),
        title: starWords(best.stars, 3),
      },
      starSymbols(best.stars),
    ),
    sent,
  );
}

/** Draws the students × levels table of `report` into `container` (the `#report` section's body). */
export function renderReport(container: HTMLElement, report: Report): void {
  const levels = report.class.levels;
  const ended = report.class.endedAt !== null;
  const byStudent = new Map<string, Map<string, ReportRow>>();
  for (const row of report.rows) {
    let levelsOf = byStudent.get(row.nickname);
    if (!levelsOf) byStudent.set(row.nickname, (levelsOf = new Map()));
    levelsOf.set(row.levelId, row);
  }
  const students = [...byStudent.keys()].sort((a, b) =>
    a.localeCompare(b, undefined, { sensitivity: 'base' }),
  );
  if (!students.length) {
    replace(
      container,
      h('p', { class: 'empty-note', 'data-test': 'report-empty' }, 'No student has joined yet.'),
    );
    return;
  }
  const allowed = report.class.submissionsPerLevel;
  replace(
    container,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'report-table', 'data-test': 'report-table' },
        h('caption', { class: 'sr-only' }, 'Each student’s best run on each level'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Student'),
            ...levels.map((id) => h('th', { scope: 'col', class: 'level-col' }, levelTitle(id))),
          ),
        ),
        h(
          'tbody',
          {},
          ...students.map((name) =>
            h(
              'tr',
              { 'data-test': 'report-row', 'data-nickname': name },
              h('th', { scope: 'row', class: 'name' }, name),
              ...levels.map((id) => cell(byStudent.get(name)!.get(id), id, allowed, ended)),
            ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      ended
        ? 'Scores: validation, then test. Stars: passed, small enough, fast enough.'
        : 'Scores are on the validation points. Stars: passed, small enough, fast enough.',
    ),
  );
}
