/**
 * The page of one open class: the join code, big enough for a projector; the teacher token
 * once, right after the class was made; the live board over Server-Sent Events; the report
 * and histograms, fetched again whenever the board changes; and the two teacher actions,
 * ending the contest and downloading the CSV.
 */
import type { Board, ClassInfo } from '../server/api.js';
import { renderBoard } from './board.js';
import * as api from './client.js';
import { h, replace } from './dom.js';
import { controlNames, formatTime, levelTitle } from './format.js';
import { renderHistograms, type ChartPalette } from './histogram.js';
import { renderReport } from './report.js';
import { tokenPanel } from './token-panel.js';
import { forgetToken } from './tokens.js';

/** What the page needs to open a class. */
export interface ClassOpening {
  code: string;
  token: string;
  /** The class as the server just created it: then the token is shown, once. */
  created?: ClassInfo;
  /** Whether this browser could remember the token (the panel says so). */
  stored?: boolean;
  palette: ChartPalette;
}

const LIVE_WORDS: Record<api.LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'not connected: reload the page to try again',
};

/** Where the contest stands, in words. */
function status(info: ClassInfo): string {
  const now = Date.now();
  if (info.endedAt) return `ended ${formatTime(info.endedAt)}: final board shown`;
  if (Date.parse(info.start) > now) return 'not started yet';
  if (info.end && Date.parse(info.end) <= now)
    return 'deadline passed: end the contest to show the final board';
  return 'running: students can submit';
}

/** The class's settings in a short list. */
function details(info: ClassInfo): HTMLElement {
  const item = (term: string, value: string): HTMLElement[] => [
    h('dt', {}, term),
    h('dd', {}, value),
  ];
  return h(
    'dl',
    { class: 'details' },
    ...item('Status', status(info)),
    ...item('Levels', info.levels.map(levelTitle).join(', ')),
    ...item('Start', formatTime(info.start)),
    ...item('Deadline', info.end ? formatTime(info.end) : 'none'),
    ...item('Submissions', `${info.submissionsPerLevel} per level per student`),
    ...(info.hide.length ? item('Hidden', controlNames(info.hide)) : []),
    ...(info.lock.length ? item('Locked', controlNames(info.lock)) : []),
  );
}

/** A section with a heading and a body the renderers fill. */
function section(id: string, title: string, body: HTMLElement, extra = ''): HTMLElement {
  return h(
    'section',
    { class: `panel ${extra}`.trim(), 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    body,
  );
}

/** Saves `blob` as a file through a temporary link (a plain link could not send the token). */
function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Opens a class into `root`: fetches its settings (unless just created), follows its board and
 * keeps the report fresh. Returns a function that stops the live connection.
 */
export function openClass(root: HTMLElement, opening: ClassOpening): () => void {
  const { code, token } = opening;
  let info: ClassInfo | undefined = opening.created;
  let lastBoard: Board | undefined;
  let stopped = false;

  const title = h('h2', { class: 'class-name', id: 'class-name-title' }, info?.name ?? code);
  const detailBox = h('div', {}, info ? details(info) : null);
  const state = h('span', { id: 'live-state', 'data-test': 'live-state', role: 'status' });
  const message = h('p', { class: 'form-error', id: 'class-error', role: 'alert' });
  const endButton = h(
    'button',
    { type: 'button', id: 'end-contest', class: 'primary' },
    'End the contest',
  );
  const csvButton = h('button', { type: 'button', id: 'download-csv' }, 'Download CSV');
  const forget = h(
    'button',
    { type: 'button', class: 'quiet' },
    'Forget this class on this browser',
  );
  const remove = h(
    'button',
    { type: 'button', class: 'quiet', id: 'delete-class' },
    'Delete the class and its data',
  );
  // Not a live region: it is redrawn on every event, and would be read out whole each time.
  const boardBody = h('div', { id: 'board', 'data-test': 'board' });
  const reportBody = h('div', { id: 'report', 'data-test': 'report' });
  const histBody = h('div', { id: 'histograms', 'data-test': 'histograms' });
  replace(boardBody, h('p', { class: 'empty-note' }, 'Loading the board…'));
  replace(reportBody, h('p', { class: 'empty-note' }, 'Loading the report…'));

  const setState = (s: api.LiveState): void => {
    state.dataset.state = s;
    replace(state, h('span', { class: 'dot', 'aria-hidden': 'true' }), ` Board ${LIVE_WORDS[s]}`);
  };
  setState('connecting');

  /** The End button follows the class: disabled with a note once the contest is over. */
  const showInfo = (next: ClassInfo): void => {
    info = next;
    title.textContent = next.name;
    replace(detailBox, details(next));
    endButton.disabled = next.endedAt !== null;
    endButton.textContent = next.endedAt ? `Ended ${formatTime(next.endedAt)}` : 'End the contest';
    if (lastBoard) renderBoard(boardBody, lastBoard, next.levels);
  };

  const showBoard = (board: Board): void => {
    lastBoard = board;
    renderBoard(boardBody, board, info?.levels ?? Object.keys(board.rows[0]?.scores ?? {}));
  };

  // The report is fetched again when a board event arrives; one request at a time, and one
  // more after it when events came in meanwhile, so a busy class never piles up requests.
  let loading = false;
  let again = false;
  const refreshReport = async (): Promise<void> => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const report = await api.report(code, token);
      if (stopped) return;
      if (!info || info.endedAt !== report.class.endedAt) showInfo(report.class);
      renderReport(reportBody, report);
      renderHistograms(histBody, report, opening.palette);
    } catch (e) {
      if (stopped) return;
      const why = e instanceof api.ApiFailure ? e.message : String(e);
      replace(
        reportBody,
        h('p', { class: 'form-error' }, `The report could not be loaded: ${why}`),
      );
    } finally {
      loading = false;
      if (again && !stopped) {
        again = false;
        void refreshReport();
      }
    }
  };

  endButton.addEventListener('click', () => {
    const sure = confirm(
      'End the contest now? Students can no longer submit, and the final board on the hidden test points is shown to everyone.',
    );
    if (!sure) return;
    endButton.disabled = true;
    message.textContent = '';
    void api
      .endContest(code, token)
      .then(async (ended) => {
        showInfo(ended);
        showBoard(await api.board(code));
        await refreshReport();
      })
      .catch((e: unknown) => {
        endButton.disabled = info?.endedAt != null;
        message.textContent = e instanceof api.ApiFailure ? e.message : String(e);
      });
  });

  csvButton.addEventListener('click', () => {
    csvButton.disabled = true;
    message.textContent = '';
    void api
      .reportCsv(code, token)
      .then((blob) => saveBlob(blob, `neural-journey-${code}.csv`))
      .catch((e: unknown) => {
        message.textContent = e instanceof api.ApiFailure ? e.message : String(e);
      })
      .finally(() => {
        csvButton.disabled = false;
      });
  });

  // Presenting: only the join code and the board, large, for a projector; Escape leaves it.
  const present = h(
    'button',
    { type: 'button', id: 'present', 'aria-pressed': 'false' },
    'Present',
  );
  const setPresenting = (on: boolean): void => {
    document.documentElement.classList.toggle('presenting', on);
    present.setAttribute('aria-pressed', String(on));
    present.textContent = on ? 'Stop presenting' : 'Present';
  };
  present.addEventListener('click', () =>
    setPresenting(!document.documentElement.classList.contains('presenting')),
  );
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') setPresenting(false);
  };
  addEventListener('keydown', onKey);

  forget.addEventListener('click', () => {
    if (
      !confirm(
        'Forget this class’s teacher token on this browser? Without a saved copy the report cannot be opened again.',
      )
    )
      return;
    forgetToken(code);
    location.hash = '';
  });
  remove.addEventListener('click', () => {
    if (
      !confirm(
        'Delete this class from the server: its board, its students’ nicknames and every run they sent? This cannot be undone.',
      )
    )
      return;
    void api
      .deleteClass(code, token)
      .then(() => {
        forgetToken(code);
        location.hash = '';
      })
      .catch((error: unknown) => {
        message.textContent = (error as Error).message;
      });
  });

  replace(
    root,
    h(
      'header',
      { class: 'class-head' },
      h(
        'div',
        { class: 'class-title' },
        h('a', { href: '#', class: 'back' }, '← All classes'),
        title,
        detailBox,
      ),
      h(
        'div',
        { class: 'join' },
        h('span', { class: 'join-label', id: 'join-label' }, 'Join code'),
        h(
          'span',
          { id: 'join-code', 'data-test': 'join-code', 'aria-labelledby': 'join-label' },
          code,
        ),
        h(
          'span',
          { class: 'join-where' },
          'Open ',
          h('strong', { id: 'game-address' }, `${location.host}/`),
          ', choose “Join a class” and type this code.',
        ),
      ),
    ),
    opening.created ? tokenPanel(token, opening.stored ?? true) : null,
    h('div', { class: 'toolbar' }, state, present, endButton, csvButton, forget, remove, message),
    section('board-section', 'Board', boardBody),
    section('report-section', 'Students and levels', reportBody, 'not-presented'),
    section('histograms-section', 'How the class solved each level', histBody, 'not-presented'),
  );

  if (info) showInfo(info);
  else
    api.classInfo(code).then(
      (next) => !stopped && showInfo(next),
      (e: unknown) => {
        message.textContent = e instanceof api.ApiFailure ? e.message : String(e);
      },
    );
  // The board as it is now, then every change as it happens.
  api.board(code).then(
    (b) => !stopped && !lastBoard && showBoard(b),
    () => undefined,
  );
  void refreshReport();
  const stop = api.watchBoard(
    code,
    (b) => {
      showBoard(b);
      void refreshReport();
    },
    setState,
  );
  return () => {
    stopped = true;
    stop();
    removeEventListener('keydown', onKey);
    setPresenting(false);
  };
}
