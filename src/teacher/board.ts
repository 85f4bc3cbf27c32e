/**
 * The live board: a podium for the top three and the ranked table under it (rank, nickname,
 * stars, the best score on each level, when the last improvement came). Once the contest has
 * ended the server sends the private board, scored on test points nobody saw while training;
 * each row then shows how far it moved from its public rank (▲ up, ▼ down), in symbols and words.
 */
import type { Board, BoardRow } from '../server/api.js';
import { h, replace } from './dom.js';
import { formatScore, formatTime, fullTime, levelTitle, ordinal, starWords } from './format.js';

/** How a row moved from the public board to the private one, as a small labelled badge. */
function movement(row: BoardRow): HTMLElement | null {
  if (row.publicRank === undefined) return null;
  const moved = row.publicRank - row.rank;
  if (moved === 0) {
    return h(
      'span',
      { class: 'move same', title: `Same place as on the public board` },
      h('span', { 'aria-hidden': 'true' }, '='),
      h('span', { class: 'sr-only' }, 'same place as on the public board'),
    );
  }
  const up = moved > 0;
  const words = `${up ? 'up' : 'down'} ${Math.abs(moved)} from ${ordinal(row.publicRank)} on the public board`;
  return h(
    'span',
    { class: `move ${up ? 'up' : 'down'}`, title: words },
    h('span', { 'aria-hidden': 'true' }, `${up ? '▲' : '▼'}${Math.abs(moved)}`),
    h('span', { class: 'sr-only' }, words),
  );
}

/** The top three on steps, second–first–third from left to right as on a real podium. */
function podium(rows: readonly BoardRow[]): HTMLElement {
  const top = rows.slice(0, 3);
  const order = [top[1], top[0], top[2]];
  return h(
    'ol',
    { class: 'podium', 'aria-label': 'Top three', 'data-test': 'podium' },
    ...order.map((row, i) => {
      if (!row) return h('li', { class: 'step empty', 'aria-hidden': 'true' });
      const place = [2, 1, 3][i]!;
      return h(
        'li',
        { class: `step place-${place}`, value: row.rank },
        h('span', { class: 'step-rank' }, ordinal(row.rank)),
        h('span', { class: 'step-name' }, row.nickname),
        h('span', { class: 'step-stars', 'aria-label': starWords(row.stars) }, `★ ${row.stars}`),
        movement(row),
      );
    }),
  );
}

/** The ranked table, one column per class level. */
function table(board: Board, levels: readonly string[]): HTMLElement {
  const moved = board.kind === 'private';
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col', class: 'num' }, 'Rank'),
    moved ? h('th', { scope: 'col' }, 'Moved') : null,
    h('th', { scope: 'col' }, 'Nickname'),
    h('th', { scope: 'col', class: 'num' }, 'Stars'),
    ...levels.map((id) => h('th', { scope: 'col', class: 'num level-col' }, levelTitle(id))),
    h('th', { scope: 'col', class: 'num' }, 'Last improved'),
  );
  const body = board.rows.map((row) =>
    h(
      'tr',
      { 'data-test': 'board-row', 'data-nickname': row.nickname },
      h('td', { class: 'num rank' }, String(row.rank)),
      moved ? h('td', {}, movement(row)) : null,
      h('th', { scope: 'row', class: 'name' }, row.nickname),
      h('td', { class: 'num', 'aria-label': starWords(row.stars) }, `★ ${row.stars}`),
      ...levels.map((id) => h('td', { class: 'num' }, formatScore(id, row.scores[id]))),
      h('td', { class: 'num dim', title: fullTime(row.time) }, formatTime(row.time)),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'board-table', 'data-test': 'board-table' },
      h(
        'caption',
        { class: 'sr-only' },
        moved ? 'Private board: ranks on test points' : 'Public board: ranks on validation points',
      ),
      h('thead', {}, head),
      h('tbody', {}, ...body),
    ),
  );
}

/** Draws `board` into `container` (the `#board` section's body), replacing what was there. */
export function renderBoard(container: HTMLElement, board: Board, levels: readonly string[]): void {
  container.dataset.kind = board.kind;
  const heading =
    board.kind === 'private'
      ? 'Final board: scored on the hidden test points'
      : 'Live board: scored on the validation points';
  const note =
    board.kind === 'private'
      ? 'Ranks now use test points nobody saw while training. The arrows show how each student moved from the live board.'
      : 'When you end the contest, the final board scores every best run on test points nobody has seen.';
  if (!board.rows.length) {
    replace(
      container,
      h('h3', {}, heading),
      h(
        'p',
        { class: 'empty-note', 'data-test': 'board-empty' },
        'No checked runs yet. Students appear here as soon as their first run is verified.',
      ),
      h('p', { class: 'hint' }, note),
    );
    return;
  }
  replace(
    container,
    h('h3', {}, heading),
    podium(board.rows),
    table(board, levels),
    h('p', { class: 'hint' }, note, ` Updated ${formatTime(board.updatedAt)}.`),
  );
}
