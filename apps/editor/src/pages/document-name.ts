// The document's name in the page header, and what can be done to it: rename it in place (Rename, then
// Enter saves and Esc cancels) or make a copy under a new name. Names are checked with the server's own
// rule before anything is sent; what the server refuses is shown beside the field.

import { docNameProblem } from '@tandem/schema/doc-name';
import { ApiError, duplicateDocument, renameDocument } from '../api/client.js';

export interface DocumentNameOptions {
  /** Editors may rename and copy; a viewer only sees the name. */
  readonly canEdit: boolean;
  /** The server renamed it: the page moves to the new name. */
  readonly onRenamed: (to: string) => void;
  /** Renamed from this header: where the focus goes next (the text, at its caret, as in Google Docs). */
  readonly focusAfterRename: () => void;
  /** The copy exists: the page opens it. */
  readonly onCopied: (to: string) => void;
}

export interface DocumentName {
  /** The heading with the name, and the controls beside it. */
  readonly element: HTMLElement;
  /** The document was renamed (here or by someone else): the header shows the new name. */
  setName(name: string): void;
}

type Mode = 'rename' | 'copy';

const LABELS: Record<Mode, { field: string; save: string; busy: string }> = {
  rename: { field: 'New name for this document', save: 'Save name', busy: 'Renaming…' },
  copy: { field: 'Name of the copy', save: 'Make the copy', busy: 'Copying…' },
};

export function createDocumentName(firstName: string, options: DocumentNameOptions): DocumentName {
  const element = document.createElement('div');
  element.className = 'doc-name';
  let name = firstName;
  const title = document.createElement('h1');
  title.className = 'doc-title';
  title.textContent = name;
  element.append(title);
  const setTitle = (to: string) => {
    name = to;
    title.textContent = to;
  };
  if (!options.canEdit) return { element, setName: setTitle };

  const rename = button('Rename', 'doc-name-action', 'Give this document a new name (its history and links follow)');
  const copy = button('Make a copy', 'doc-name-action', 'Make a new document with a copy of this one');
  const form = document.createElement('form');
  form.className = 'doc-name-form';
  form.hidden = true;
  form.noValidate = true;
  const field = document.createElement('input');
  field.type = 'text';
  field.id = 'doc-name-field';
  field.autocomplete = 'off';
  field.spellcheck = false;
  const label = document.createElement('label');
  label.className = 'visually-hidden';
  label.htmlFor = field.id;
  const save = button('', 'doc-name-save');
  save.type = 'submit';
  const cancel = button('Cancel', 'doc-name-cancel');
  const error = document.createElement('p');
  error.className = 'doc-name-error';
  error.id = 'doc-name-error';
  error.setAttribute('role', 'alert');
  field.setAttribute('aria-describedby', error.id);
  form.append(label, field, save, cancel, error);
  element.append(rename, copy, form);

  let mode: Mode = 'rename';
  let busy = false;
  const showError = (text: string) => {
    error.textContent = text;
    field.setAttribute('aria-invalid', text === '' ? 'false' : 'true');
  };
  const open = (next: Mode) => {
    mode = next;
    label.textContent = LABELS[mode].field;
    save.textContent = LABELS[mode].save;
    field.value = mode === 'rename' ? name : `${name} (copy)`;
    showError('');
    // Out of sight while its field is open, but still the page's heading for screen readers.
    title.classList.toggle('visually-hidden', mode === 'rename');
    rename.hidden = true;
    copy.hidden = true;
    form.hidden = false;
    form.dataset.mode = mode;
    field.focus();
    field.select();
  };
  /** Hides the form; the focus goes back to the button that opened it, unless `focus` says where. */
  const close = (focus?: () => void) => {
    if (busy) return;
    form.hidden = true;
    title.classList.remove('visually-hidden');
    rename.hidden = false;
    copy.hidden = false;
    if (focus !== undefined) focus();
    else (mode === 'rename' ? rename : copy).focus();
  };
  rename.addEventListener('click', () => open('rename'));
  copy.addEventListener('click', () => open('copy'));
  cancel.addEventListener('click', () => close());
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  field.addEventListener('input', () => showError(''));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const to = field.value.trim();
    if (mode === 'rename' && to === name) return close();
    const problem = docNameProblem(to);
    if (problem !== undefined) return showError(`That name ${problem}.`);
    busy = true;
    save.textContent = LABELS[mode].busy;
    field.readOnly = true;
    const run = mode === 'rename' ? renameDocument(name, to) : duplicateDocument(name, to);
    run.then(
      () => {
        if (mode === 'copy') return options.onCopied(to);
        busy = false;
        save.textContent = LABELS[mode].save;
        field.readOnly = false;
        options.onRenamed(to);
        close(options.focusAfterRename);
      },
      (err: unknown) => {
        busy = false;
        save.textContent = LABELS[mode].save;
        field.readOnly = false;
        showError(
          err instanceof ApiError && err.code === 'conflict'
            ? `A document named "${to}" exists already (perhaps in the trash). Choose another name.`
            : err instanceof Error ? err.message : String(err),
        );
        field.focus();
      },
    );
  });
  return {
    element,
    setName(to) {
      const before = name;
      setTitle(to);
      // Renamed by someone else while this person's field still held the old name: it holds the new one.
      if (!form.hidden && !busy && mode === 'rename' && field.value === before) field.value = to;
    },
  };
}

function button(text: string, className: string, title?: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  if (title !== undefined) b.title = title;
  return b;
}
