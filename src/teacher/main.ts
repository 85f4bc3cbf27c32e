/**
 * The teacher's dashboard (`/teacher.html`), a plain DOM page served by the classroom server.
 * The address says what is shown: `#<code>` opens that class with the token this browser
 * remembers (or asks for it); no code shows the forms to create or open a class. The game's
 * palette becomes CSS variables here, so the dashboard and the game share one set of colours.
 */
import { CSS } from '../game/theme.js';
import { CODE_PATTERN, type ClassCreated } from '../server/api.js';
import { classInfo } from './client.js';
import { openClass } from './class-view.js';
import { createForm, openForm } from './create-form.js';
import { h, replace } from './dom.js';
import { loadToken, rememberedCodes, saveToken } from './tokens.js';
import './style.css';

for (const [name, value] of Object.entries(CSS)) {
  document.documentElement.style.setProperty(`--${name}`, value);
}

const app = document.getElementById('app')!;
const palette = { weights: CSS.weights, gradients: CSS.gradients, loss: CSS.loss };
/** Stops the open class's live connection when the page shows something else. */
let close: (() => void) | undefined;
/** A class just created: its reply is shown once, with the token. */
let justCreated: { created: ClassCreated; stored: boolean } | undefined;

/** The classes this browser remembers, as links (names fetched as they come). */
function remembered(): HTMLElement | null {
  const codes = rememberedCodes();
  if (!codes.length) return null;
  return h(
    'section',
    { class: 'panel remembered', 'aria-labelledby': 'remembered-title' },
    h('h2', { id: 'remembered-title' }, 'Your classes on this browser'),
    h(
      'ul',
      {},
      ...codes.map((code) => {
        const name = h('span', { class: 'dim' });
        void classInfo(code).then(
          (info) => (name.textContent = ` · ${info.name}`),
          () => (name.textContent = ' · not found on this server'),
        );
        return h('li', {}, h('a', { href: `#${code}`, class: 'code-link' }, code), name);
      }),
    ),
  );
}

function onCreated(created: ClassCreated): void {
  const code = created.class.code;
  justCreated = { created, stored: saveToken(code, created.teacherToken) };
  if (location.hash === `#${code}`) show();
  else location.hash = code;
}

function onOpen(code: string, token: string): void {
  saveToken(code, token);
  if (location.hash === `#${code}`) show();
  else location.hash = code;
}

/** The start page: create a class, open one, and the remembered ones. */
function home(presetCode = '', note = ''): HTMLElement {
  return h(
    'div',
    { class: 'home' },
    h('div', { class: 'panel' }, createForm(onCreated)),
    h(
      'div',
      { class: 'side' },
      h(
        'div',
        { class: 'panel' },
        note ? h('p', { class: 'note', role: 'status' }, note) : null,
        openForm(onOpen, presetCode),
      ),
      remembered(),
    ),
  );
}

/** Shows what the address asks for. */
function show(): void {
  close?.();
  close = undefined;
  const code = decodeURIComponent(location.hash.slice(1)).trim().toUpperCase();
  const main = h('main', { id: 'main' });
  scrollTo(0, 0);
  replace(
    app,
    h(
      'header',
      { class: 'top' },
      h('h1', {}, h('span', { class: 'brand' }, 'Neural Journey'), ' · Teacher dashboard'),
    ),
    main,
  );
  if (!CODE_PATTERN.test(code)) {
    main.append(home());
    return;
  }
  const fresh = justCreated?.created.class.code === code ? justCreated : undefined;
  justCreated = undefined;
  const token = fresh?.created.teacherToken ?? loadToken(code);
  if (!token) {
    main.append(home(code, `Enter the teacher token of class ${code} to open it.`));
    document.getElementById('open-token')?.focus();
    return;
  }
  close = openClass(main, {
    code,
    token,
    created: fresh?.created.class,
    stored: fresh?.stored,
    palette,
  });
}

addEventListener('hashchange', show);
show();
