/**
 * The teacher token, shown once right after a class is made: the server keeps only its hash,
 * so this panel is the one chance to copy it. A copy button (with a fallback for plain http,
 * where the clipboard API is not offered) and a plain warning.
 */
import { h } from './dom.js';

/** Copies `text`; falls back to selecting `node` and the old copy command on plain http. */
async function copy(text: string, node: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    return document.execCommand('copy');
  }
}

/** The token panel: shown once, with a copy button and a plain warning. */
export function tokenPanel(token: string, stored: boolean): HTMLElement {
  const value = h('code', { id: 'teacher-token', 'data-test': 'teacher-token' }, token);
  const status = h('span', { class: 'copy-status', role: 'status' });
  const copyButton = h('button', { type: 'button', id: 'copy-token' }, 'Copy token');
  copyButton.addEventListener('click', () => {
    void copy(token, value).then((ok) => {
      status.textContent = ok ? 'Copied.' : 'Select the token and copy it by hand.';
    });
  });
  const hide = h('button', { type: 'button', class: 'quiet' }, 'I have saved it: hide the token');
  const panel = h(
    'section',
    { class: 'token-panel', 'aria-labelledby': 'token-title' },
    h('h3', { id: 'token-title' }, '⚠ Your teacher token: shown only this once'),
    h(
      'p',
      {},
      'This token opens the report and ends the contest. The server does not keep it, so it can never be shown again. ',
      stored
        ? 'This browser remembers it; copy it somewhere safe to open the class on another computer.'
        : 'This browser cannot remember it: copy it now, or the report is lost when you leave.',
    ),
    h('div', { class: 'token-row' }, value, copyButton, status),
    hide,
  );
  hide.addEventListener('click', () => {
    // Keep the keyboard's place: focus moves to the next control rather than to the page's top.
    const next = panel.nextElementSibling?.querySelector<HTMLElement>('button');
    panel.remove();
    next?.focus();
  });
  return panel;
}
