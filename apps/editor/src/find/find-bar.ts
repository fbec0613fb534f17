// The find bar: the query field with its count, previous / next, match case and close, and (for
// people who may edit) the replace row. It knows nothing of ProseMirror: it reports what the person
// asks for, and shows the find state it is given.

import './find.css';
import type { FindState } from './find-plugin.js';
import type { SearchQuery } from './search-core.js';

export interface FindBarActions {
  readonly search: (query: SearchQuery) => void;
  readonly next: () => void;
  readonly previous: () => void;
  readonly close: () => void;
  readonly replace: (text: string) => void;
  readonly replaceAll: (text: string) => void;
}

export interface FindBar {
  readonly element: HTMLElement;
  /** Shows the bar (the replace row too if asked and allowed) and focuses the right field. */
  open(options: { replace: boolean; text?: string }): void;
  /** Hides the bar (the caller gives focus back to the document). */
  hide(): void;
  readonly isOpen: () => boolean;
  show(state: FindState): void;
  /** Says something to screen readers at once (after replace all). */
  say(text: string): void;
}

/** The count is spoken once typing has settled this long, not at each key. */
const SPEAK_AFTER_MS = 600;

let bars = 0;

function button(label: string, name: string, className: string, keys?: string): HTMLButtonElement {
  const el = document.createElement('button');
  el.type = 'button';
  el.className = className;
  el.textContent = label;
  el.setAttribute('aria-label', name);
  el.title = keys === undefined ? name : `${name} (${keys})`;
  if (keys !== undefined) el.setAttribute('aria-keyshortcuts', keys.replace('Ctrl', 'Control'));
  return el;
}

export function countText(state: FindState): string {
  if (state.query.text === '') return '';
  if (state.matches.length === 0) return 'No results';
  return `${state.current + 1} of ${state.matches.length}`;
}

export function createFindBar(canReplace: boolean, actions: FindBarActions): FindBar {
  const id = `find-bar-${++bars}`;
  const element = document.createElement('div');
  element.className = 'find-bar';
  element.setAttribute('role', 'search');
  element.setAttribute('aria-label', 'Find in document');
  element.dataset.testid = 'find-bar';
  element.hidden = true;

  const findRow = document.createElement('div');
  findRow.className = 'find-row';
  const input = document.createElement('input');
  input.type = 'text';
  input.className = 'find-input';
  input.placeholder = 'Find';
  input.setAttribute('aria-label', 'Find');
  input.setAttribute('aria-keyshortcuts', 'Enter Shift+Enter');
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.dataset.testid = 'find-input';
  // What is shown at once, hidden from screen readers: they hear `spoken`, when typing settles.
  const count = document.createElement('span');
  count.className = 'find-count';
  count.dataset.testid = 'find-count';
  count.setAttribute('aria-hidden', 'true');
  const spoken = document.createElement('span');
  spoken.className = 'visually-hidden';
  spoken.setAttribute('role', 'status');
  spoken.setAttribute('aria-live', 'polite');
  spoken.id = `${id}-count`;
  input.setAttribute('aria-describedby', spoken.id);
  const previous = button('↑', 'Previous match', 'find-previous', 'Shift+Enter');
  const next = button('↓', 'Next match', 'find-next', 'Enter');
  const matchCase = button('Aa', 'Match case', 'find-case', 'Alt+C');
  matchCase.setAttribute('aria-pressed', 'false');
  const close = button('✕', 'Close find', 'find-close', 'Escape');
  findRow.append(input, count, spoken, previous, next, matchCase);

  const replaceRow = document.createElement('div');
  replaceRow.className = 'replace-row';
  replaceRow.id = `${id}-replace`;
  replaceRow.hidden = true;
  const replaceInput = document.createElement('input');
  replaceInput.type = 'text';
  replaceInput.className = 'replace-input';
  replaceInput.placeholder = 'Replace with';
  replaceInput.setAttribute('aria-label', 'Replace with');
  replaceInput.setAttribute('aria-keyshortcuts', 'Enter Control+Alt+Enter');
  replaceInput.autocomplete = 'off';
  replaceInput.spellcheck = false;
  replaceInput.dataset.testid = 'replace-input';
  const replaceOne = button('Replace', 'Replace', 'find-replace-one', 'Enter');
  const replaceEvery = button('Replace all', 'Replace all', 'find-replace-all', 'Ctrl+Alt+Enter');
  replaceRow.append(replaceInput, replaceOne, replaceEvery);

  let toggle: HTMLButtonElement | undefined;
  if (canReplace) {
    toggle = button('Replace…', 'Replace', 'find-toggle-replace', 'Ctrl+H');
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', replaceRow.id);
    findRow.append(toggle);
  }
  findRow.append(close);
  element.append(findRow);
  if (canReplace) element.append(replaceRow);

  const showReplace = (shown: boolean) => {
    if (!canReplace) return;
    replaceRow.hidden = !shown;
    toggle!.setAttribute('aria-expanded', String(shown));
  };

  const query = (): SearchQuery => ({ text: input.value, caseSensitive: matchCase.getAttribute('aria-pressed') === 'true' });
  const search = () => actions.search(query());
  let speakTimer: ReturnType<typeof setTimeout> | undefined;
  const speakLater = (text: string) => {
    clearTimeout(speakTimer);
    speakTimer = setTimeout(() => (spoken.textContent = text), SPEAK_AFTER_MS);
  };

  input.addEventListener('input', search);
  matchCase.addEventListener('click', () => {
    matchCase.setAttribute('aria-pressed', String(matchCase.getAttribute('aria-pressed') !== 'true'));
    search();
  });
  previous.addEventListener('click', () => actions.previous());
  next.addEventListener('click', () => actions.next());
  close.addEventListener('click', () => actions.close());
  toggle?.addEventListener('click', () => {
    const shown = replaceRow.hidden;
    showReplace(shown);
    if (shown) replaceInput.focus();
  });
  replaceOne.addEventListener('click', () => actions.replace(replaceInput.value));
  replaceEvery.addEventListener('click', () => actions.replaceAll(replaceInput.value));

  element.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      actions.close();
    } else if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyC') {
      event.preventDefault();
      matchCase.click();
    } else if (event.key === 'Enter' && event.target === input && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (event.shiftKey) actions.previous();
      else actions.next();
    } else if (event.key === 'Enter' && event.target === replaceInput) {
      event.preventDefault();
      if ((event.ctrlKey || event.metaKey) && event.altKey) actions.replaceAll(replaceInput.value);
      else if (!event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey) actions.replace(replaceInput.value);
    }
  });

  return {
    element,
    open({ replace, text }) {
      const wasOpen = !element.hidden;
      element.hidden = false;
      if (text !== undefined && text !== '') input.value = text;
      if (replace) showReplace(true);
      if (replace && canReplace && input.value !== '') {
        replaceInput.focus();
        replaceInput.select();
      } else {
        input.focus();
        input.select();
      }
      // Opening (or a new selection as the query) searches; focusing an open bar again does not.
      if (!wasOpen || (text !== undefined && text !== '')) search();
    },
    hide() {
      element.hidden = true;
      showReplace(false);
      clearTimeout(speakTimer);
      spoken.textContent = '';
    },
    isOpen: () => !element.hidden,
    show(state) {
      const text = countText(state);
      count.textContent = text;
      element.classList.toggle('find-none', state.query.text !== '' && state.matches.length === 0);
      // aria-disabled, not `disabled`: a focused button must keep focus when the last match goes.
      const none = String(state.matches.length === 0);
      for (const b of canReplace ? [previous, next, replaceOne, replaceEvery] : [previous, next]) b.setAttribute('aria-disabled', none);
      if (state.open) speakLater(text);
    },
    say(text) {
      clearTimeout(speakTimer);
      spoken.textContent = text;
    },
  };
}
