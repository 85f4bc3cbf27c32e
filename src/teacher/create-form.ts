/**
 * The start page's two forms: create a class (name, levels, times, submissions, controls to
 * hide or lock) and open an existing class by its code and teacher token. Each shows the
 * server's refusal, word for word, beside its button.
 */
import {
  CLASS_NAME_MAX,
  CODE_PATTERN,
  MAX_SUBMISSIONS_PER_LEVEL,
  type ClassCreated,
  type NewClass,
} from '../server/api.js';
import { CONTROLS } from '../levels/controls.js';
import { CHAPTERS, LEVELS } from '../levels/index.js';
import { ApiFailure, createClass, report } from './client.js';
import { h } from './dom.js';
import { CONTROL_NAMES } from './format.js';

/** One labelled field: the label above the input, an optional hint under it. */
function field(id: string, label: string, input: HTMLElement, hint?: string): HTMLElement {
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
  );
}

/** The level checkboxes, one group per chapter, in journey order; all ticked to begin with. */
function levelPicker(): HTMLElement {
  const groups = CHAPTERS.map((chapter) => {
    const levels = LEVELS.filter((l) => l.chapter === chapter.index);
    if (!levels.length) return null;
    return h(
      'div',
      { class: 'chapter' },
      h('p', { class: 'chapter-title' }, `${chapter.years} · ${chapter.title}`),
      ...levels.map((l) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', name: 'levels', value: l.id, checked: true }),
          ` ${l.title}`,
        ),
      ),
    );
  });
  const fieldset = h(
    'fieldset',
    { class: 'levels', 'data-test': 'levels' },
    h('legend', {}, 'Levels'),
    h('div', { class: 'chapters' }, ...groups),
  );
  const tickAll = (checked: boolean) => () => {
    for (const box of fieldset.querySelectorAll<HTMLInputElement>('input[name=levels]')) {
      box.checked = checked;
    }
  };
  const all = h('button', { type: 'button', class: 'small' }, 'All levels');
  const none = h('button', { type: 'button', class: 'small' }, 'None');
  all.addEventListener('click', tickAll(true));
  none.addEventListener('click', tickAll(false));
  fieldset.append(h('div', { class: 'actions small-actions' }, all, none));
  return fieldset;
}

/** A group of control checkboxes named `name` (hide or lock). */
function controlPicker(name: 'hide' | 'lock', legend: string, hint: string): HTMLElement {
  return h(
    'fieldset',
    { class: 'controls', 'data-test': name },
    h('legend', {}, legend),
    h('p', { class: 'hint' }, hint),
    h(
      'div',
      { class: 'check-grid' },
      ...CONTROLS.map((c) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', name, value: c }),
          ` ${CONTROL_NAMES[c]}`,
        ),
      ),
    ),
  );
}

/** A `datetime-local` value as an ISO time, or undefined when empty. */
function isoOf(value: string): string | undefined {
  if (value === '') return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/** The form's values as a `NewClass`, or a sentence saying what to fix. */
function readForm(form: HTMLFormElement): NewClass | string {
  const data = new FormData(form);
  const name = String(data.get('name') ?? '').trim();
  if (name === '') return 'Give the class a name.';
  const levels = data.getAll('levels').map(String);
  if (!levels.length) return 'Choose at least one level.';
  const start = isoOf(String(data.get('start') ?? ''));
  const end = isoOf(String(data.get('end') ?? ''));
  if (end !== undefined && new Date(end) <= new Date(start ?? Date.now())) {
    return 'The deadline must come after the start.';
  }
  const submissions = Number(data.get('submissions'));
  if (
    !Number.isInteger(submissions) ||
    submissions < 1 ||
    submissions > MAX_SUBMISSIONS_PER_LEVEL
  ) {
    return `Submissions per level must be a whole number from 1 to ${MAX_SUBMISSIONS_PER_LEVEL}.`;
  }
  const body: NewClass = { name, levels, submissionsPerLevel: submissions };
  if (start !== undefined) body.start = start;
  if (end !== undefined) body.end = end;
  body.hide = data.getAll('hide').map(String);
  body.lock = data.getAll('lock').map(String);
  return body;
}

/** The message line under a form's button: read out when it changes. */
function errorLine(id: string): HTMLElement {
  return h('p', { class: 'form-error', id, role: 'alert', 'aria-live': 'assertive' });
}

/** Runs `work` with the button disabled, putting a failure's message in `error`. */
async function submitting(
  button: HTMLButtonElement,
  error: HTMLElement,
  work: () => Promise<void>,
): Promise<void> {
  button.disabled = true;
  error.textContent = '';
  try {
    await work();
  } catch (e) {
    error.textContent = e instanceof ApiFailure ? e.message : `Something went wrong: ${String(e)}`;
  } finally {
    button.disabled = false;
  }
}

/** The "create a class" form; `onCreated` gets the server's reply (with the token, once). */
export function createForm(onCreated: (created: ClassCreated) => void): HTMLElement {
  const error = errorLine('create-error');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Create class');
  const form = h(
    'form',
    { id: 'create-form', 'data-test': 'create-form', novalidate: true },
    h('h2', {}, 'Create a class'),
    field(
      'class-name',
      'Class name',
      h('input', {
        id: 'class-name',
        name: 'name',
        type: 'text',
        required: true,
        maxlength: CLASS_NAME_MAX,
        autocomplete: 'off',
        placeholder: 'e.g. 10B Thursday',
      }),
    ),
    levelPicker(),
    h(
      'div',
      { class: 'row' },
      field(
        'class-start',
        'Start',
        h('input', { id: 'class-start', name: 'start', type: 'datetime-local' }),
        'Leave empty to start now. Times are this computer’s local time.',
      ),
      field(
        'class-end',
        'Deadline',
        h('input', { id: 'class-end', name: 'end', type: 'datetime-local' }),
        'Optional. No submissions after it.',
      ),
      field(
        'class-submissions',
        'Submissions per level',
        h('input', {
          id: 'class-submissions',
          name: 'submissions',
          type: 'number',
          min: 1,
          max: MAX_SUBMISSIONS_PER_LEVEL,
          step: 1,
          value: 5,
          required: true,
        }),
        `Each student, each level: 1 to ${MAX_SUBMISSIONS_PER_LEVEL}.`,
      ),
    ),
    h(
      'div',
      { class: 'row' },
      controlPicker('hide', 'Hide these controls', 'Students do not see them at all.'),
      controlPicker('lock', 'Lock these controls', 'Students see them but cannot change them.'),
    ),
    h('div', { class: 'actions' }, button, error),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = readForm(form);
    if (typeof body === 'string') {
      error.textContent = body;
      return;
    }
    void submitting(button, error, async () => onCreated(await createClass(body)));
  });
  return form;
}

/**
 * The "open a class" form: a code and its teacher token, checked by asking for the report
 * (which only that token may read) before `onOpen` remembers it.
 */
export function openForm(
  onOpen: (code: string, token: string) => void,
  presetCode = '',
): HTMLElement {
  const error = errorLine('open-error');
  const button = h('button', { type: 'submit' }, 'Open class');
  const code = h('input', {
    id: 'open-code',
    name: 'code',
    type: 'text',
    required: true,
    maxlength: 6,
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'code-input',
    value: presetCode,
  });
  const token = h('input', {
    id: 'open-token',
    name: 'token',
    type: 'password',
    required: true,
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { id: 'open-form', 'data-test': 'open-form', novalidate: true },
    h('h2', {}, 'Open a class'),
    h(
      'p',
      { class: 'hint' },
      'Use the join code and the teacher token you saved when you made it.',
    ),
    field('open-code', 'Join code', code),
    field('open-token', 'Teacher token', token),
    h('div', { class: 'actions' }, button, error),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const c = code.value.trim().toUpperCase();
    const t = token.value.trim();
    if (!CODE_PATTERN.test(c)) {
      error.textContent =
        'A join code is six letters and digits, as shown when the class was made.';
      return;
    }
    if (t === '') {
      error.textContent = 'Paste the teacher token.';
      return;
    }
    void submitting(button, error, async () => {
      await report(c, t);
      onOpen(c, t);
    });
  });
  return form;
}
