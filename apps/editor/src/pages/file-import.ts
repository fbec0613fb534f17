// Importing a Markdown or HTML file as a new document: dropped anywhere on the start page (a drop zone
// shows while a file is dragged over it) or chosen with the "Import file" button. The name starts as
// the file's name without its extension and can be changed before the import; the server's own rule
// checks it, and a name in use is said so. Then PUT /api/docs/<name> and open the new document.

import { docNameProblem, suggestDocName } from '@tandem/schema/doc-name';
import { ApiError, documentPath, importDocument } from '../api/client.js';
import { tidyName } from './tidy-name.js';

type ImportType = 'text/markdown' | 'text/html';

const TYPES: Readonly<Record<string, ImportType>> = { md: 'text/markdown', markdown: 'text/markdown', html: 'text/html', htm: 'text/html' };
/** Accepted by the file picker. */
export const ACCEPT = '.md,.markdown,.html,.htm,text/markdown,text/html';
/** Beyond this a file is not even read (the server's own limit, MAX_MESSAGE_BYTES, is usually lower: it answers 413). */
const MAX_READ_BYTES = 64 * 1024 * 1024;

export interface FileImportElements {
  readonly button: HTMLButtonElement;
  readonly fileInput: HTMLInputElement;
  readonly form: HTMLFormElement;
  readonly fileLabel: HTMLElement;
  readonly nameInput: HTMLInputElement;
  readonly cancel: HTMLButtonElement;
  readonly error: HTMLElement;
  readonly dropZone: HTMLElement;
}

const extension = (fileName: string) => /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
const baseName = (fileName: string) => fileName.replace(/\.[^.]+$/, '');

/** The name a file suggests: its name without the extension, made valid if it is not. */
function defaultName(fileName: string): string {
  const name = tidyName(baseName(fileName));
  return docNameProblem(name) === undefined ? name : (suggestDocName(name) ?? '');
}

const kib = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

export function setUpFileImport(el: FileImportElements): void {
  let pending: { fileName: string; content: string; type: ImportType } | undefined;

  const showError = (text: string | undefined, invalidName = false) => {
    el.error.hidden = text === undefined;
    el.error.textContent = text ?? '';
    if (invalidName) el.nameInput.setAttribute('aria-invalid', 'true');
    else el.nameInput.removeAttribute('aria-invalid');
  };
  const close = () => {
    pending = undefined;
    el.form.hidden = true;
    el.fileInput.value = '';
  };

  /** Reads a chosen or dropped file and opens the form that names it; a file that cannot be imported is said so. */
  const take = async (file: File) => {
    close();
    const type = TYPES[extension(file.name)];
    if (type === undefined) {
      showError(`“${file.name}” is not a Markdown or HTML file: import a .md, .markdown, .html or .htm file.`);
      return;
    }
    if (file.size > MAX_READ_BYTES) {
      showError(`“${file.name}” is too large to import (${kib(file.size)}).`);
      return;
    }
    let content: string;
    try {
      content = await file.text();
    } catch (error) {
      showError(`Could not read “${file.name}”: ${(error as Error).message || 'the browser refused to read it'}.`);
      return;
    }
    pending = { fileName: file.name, content, type };
    showError(undefined);
    el.fileLabel.textContent = `${file.name} (${type === 'text/markdown' ? 'Markdown' : 'HTML'}, ${kib(file.size)})`;
    el.nameInput.value = defaultName(file.name);
    el.form.hidden = false;
    el.nameInput.focus();
    el.nameInput.select();
  };

  el.button.addEventListener('click', () => el.fileInput.click());
  el.fileInput.addEventListener('change', () => {
    const file = el.fileInput.files?.[0];
    if (file !== undefined) void take(file);
  });
  el.cancel.addEventListener('click', () => {
    close();
    showError(undefined);
    el.button.focus();
  });
  el.nameInput.addEventListener('input', () => {
    if (el.nameInput.getAttribute('aria-invalid') === 'true' && docNameProblem(tidyName(el.nameInput.value)) === undefined) showError(undefined);
  });
  el.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (pending === undefined) return;
    const name = tidyName(el.nameInput.value);
    const problem = docNameProblem(name);
    if (problem !== undefined) {
      showError(`This name ${problem}.`, true);
      el.nameInput.focus();
      return;
    }
    const { fileName, content, type } = pending;
    const submit = el.form.querySelector<HTMLButtonElement>('button[type=submit]')!;
    submit.disabled = true;
    importDocument(name, content, type).then(
      () => location.assign(documentPath(name)),
      (error: Error) => {
        submit.disabled = false;
        const status = error instanceof ApiError ? error.status : 0;
        if (status === 409) showError(`A document named “${name}” exists already: choose another name.`, true);
        else if (status === 413) showError(`“${fileName}” is too large for this server: ${error.message}.`);
        else if (status === 403) showError('Only editors may import documents.');
        else if (status === 400) showError(`“${fileName}” could not be imported: ${error.message}`);
        else showError(`Could not import “${fileName}”: ${error.message}`);
        if (status === 409) el.nameInput.focus();
      },
    );
  });

  // Dragging a file over the page shows the drop zone; nested elements fire enter/leave in pairs.
  let depth = 0;
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') === true;
  const hideZone = () => {
    depth = 0;
    el.dropZone.hidden = true;
  };
  document.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth += 1;
    el.dropZone.hidden = false;
  });
  document.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer!.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', (event) => {
    if (!carriesFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) el.dropZone.hidden = true;
  });
  document.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault(); // not opened by the browser in place of the page
    hideZone();
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 1) showError(`Drop one file at a time (${files.length} were dropped).`);
    else if (files[0] !== undefined) void take(files[0]);
  });
}
