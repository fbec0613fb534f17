// The start page: the documents this browser may open (searched, sorted, a page at a time; see
// doc-list-view.ts), a form to open or create one by name, importing a Markdown or HTML file (see
// file-import.ts), and the trash, from which a document can be restored.

import { docNameProblem } from '@tandem/schema/doc-name';
import { ApiError, documentPath, listTrash, restoreFromTrash, type TrashEntry } from '../api/client.js';
import { BASE_PATH } from '../base-path.js';
import { currentToken, isOwnEditor, tokenClaims } from '../api/session.js';
import { createDocListView } from './doc-list-view.js';
import { ACCEPT, setUpFileImport } from './file-import.js';
import { timeAgo } from './relative-time.js';
import { tidyName } from './tidy-name.js';

/**
 * Whether this browser's sign-in may create, delete and restore documents: no token (the server asks for
 * none), or an editor's own (not one redeemed from a share link, which opens one document). The server
 * decides; a viewer was shown Delete, Restore and Import buttons that could only fail.
 */
function mayManageDocuments(): boolean {
  const token = currentToken();
  return token === undefined || isOwnEditor(tokenClaims(token));
}

export function renderHome(root: HTMLElement): void {
  document.title = 'Tandem';
  const manages = mayManageDocuments();
  root.innerHTML = `
    <header class="topbar"><a class="brand" href="${BASE_PATH}">Tandem</a></header>
    <main class="home">
      <h1>Documents</h1>
      <form class="new-doc" autocomplete="off">
        <label for="new-doc-name">${manages ? 'Open or create a document' : 'Open a document'}</label>
        <div class="new-doc-row">
          <input id="new-doc-name" name="name" required placeholder="e.g. team/meeting-notes" aria-describedby="new-doc-hint" />
          <button type="submit">Open</button>
        </div>
        <p class="error" id="new-doc-error" role="alert" hidden></p>
        <p class="hint" id="new-doc-hint">Anyone with the link can join. Names may contain "/" to group documents.</p>
      </form>
      <section class="import" aria-label="Import a file"${manages ? '' : ' hidden'}>
        <div class="import-row">
          <button type="button" class="import-button secondary">Import file…</button>
          <span class="hint">A Markdown or HTML file becomes a new document. You can also drop one anywhere on this page.</span>
        </div>
        <input type="file" class="import-file" accept="${ACCEPT}" hidden />
        <form class="import-form" autocomplete="off" hidden>
          <p class="import-file-name"></p>
          <label for="import-name">Name of the new document</label>
          <div class="new-doc-row">
            <input id="import-name" name="name" required aria-describedby="import-error" />
            <button type="submit">Import</button>
            <button type="button" class="secondary import-cancel">Cancel</button>
          </div>
        </form>
        <p class="error" id="import-error" role="alert" hidden></p>
      </section>
      <div class="list-controls" role="search" aria-label="Documents">
        <label for="doc-search">Search documents</label>
        <input type="search" id="doc-search" placeholder="Part of a name" maxlength="200" />
        <label for="doc-sort">Sort by</label>
        <select id="doc-sort">
          <option value="lastChange">Last change</option>
          <option value="name">Name</option>
        </select>
      </div>
      <p class="list-summary muted" aria-live="polite"></p>
      <ul class="doc-list"><li class="muted">Loading…</li></ul>
      <nav class="pager" aria-label="Pages of documents" hidden>
        <button type="button" class="pager-previous">Previous</button>
        <span class="pager-label muted"></span>
        <button type="button" class="pager-next">Next</button>
      </nav>
      <p class="home-status" role="status"></p>
      <section class="trash" id="trash" aria-labelledby="trash-title" hidden>
        <h2 id="trash-title">Trash</h2>
        <p class="hint trash-hint"></p>
        <ul class="trash-list"></ul>
      </section>
    </main>
    <div class="drop-zone" hidden><p>Drop a Markdown or HTML file to import it as a new document</p></div>`;
  const form = root.querySelector<HTMLFormElement>('form.new-doc')!;
  const input = root.querySelector<HTMLInputElement>('#new-doc-name')!;
  const error = root.querySelector<HTMLElement>('#new-doc-error')!;
  // Spaces around the name, doubled and outer "/" are forgiven (tidied away); anything else the server
  // would refuse is explained here, with the server's own rule, instead of opening a page that cannot save.
  const showProblem = (problem: string | undefined) => {
    error.hidden = problem === undefined;
    error.textContent = problem === undefined ? '' : `This name ${problem}.`;
    if (problem === undefined) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', problem === undefined ? 'new-doc-hint' : 'new-doc-error new-doc-hint');
  };
  input.addEventListener('input', () => {
    // Clears the message once the name is fixed; a new one waits for the next submit.
    if (input.getAttribute('aria-invalid') === 'true' && docNameProblem(tidyName(input.value)) === undefined) showProblem(undefined);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = tidyName(input.value);
    const problem = docNameProblem(name);
    showProblem(problem);
    if (problem !== undefined) {
      input.focus();
      return;
    }
    location.assign(documentPath(name));
  });
  const status = root.querySelector<HTMLElement>('.home-status')!;
  const trashSection = root.querySelector<HTMLElement>('.trash')!;
  const trashList = root.querySelector<HTMLUListElement>('.trash-list')!;
  const say = (text: string) => (status.textContent = text);
  const failed = (what: string) => (error: Error) =>
    say(error instanceof ApiError && error.status === 403 ? `Only editors may ${what}.` : `Could not ${what}: ${error.message}`);

  const trashRow = (entry: TrashEntry) => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'trashed-name';
    name.textContent = entry.doc;
    const meta = document.createElement('span');
    meta.className = 'muted';
    meta.textContent = `deleted ${timeAgo(entry.trashedAt)} · removed for good on ${new Date(entry.purgeAt).toLocaleDateString()}`;
    const restore = document.createElement('button');
    restore.type = 'button';
    restore.className = 'restore-doc';
    restore.textContent = 'Restore';
    restore.setAttribute('aria-label', `Restore ${entry.doc}`);
    restore.addEventListener('click', () => {
      restoreFromTrash(entry.doc).then(() => {
        say(`"${entry.doc}" restored.`);
        refresh();
      }, failed('restore documents'));
    });
    li.append(name, meta);
    if (manages) li.append(restore);
    return li;
  };

  const refreshTrash = () => {
    listTrash().then(
      ({ trash, trashDays }) => {
        trashSection.hidden = trash.length === 0;
        root.querySelector('.trash-hint')!.textContent = `Deleted documents stay here for ${trashDays} days, then they are removed for good.`;
        trashList.replaceChildren(...trash.map(trashRow));
      },
      () => (trashSection.hidden = true),
    );
  };
  const docs = createDocListView(
    {
      search: root.querySelector('#doc-search')!,
      sort: root.querySelector('#doc-sort')!,
      list: root.querySelector('.doc-list')!,
      summary: root.querySelector('.list-summary')!,
      pager: root.querySelector('.pager')!,
      previous: root.querySelector('.pager-previous')!,
      next: root.querySelector('.pager-next')!,
      pageLabel: root.querySelector('.pager-label')!,
    },
    {
      say,
      failed,
      onDeleted: () => refresh(),
      mayDelete: manages,
      // With sign-in on the server lists only the documents this person's token opens.
      ...(currentToken() === undefined ? {} : { emptyText: 'No documents shared with you yet.' }),
    },
  );
  const refresh = () => {
    docs.refresh();
    refreshTrash();
  };
  refreshTrash();
  if (manages) setUpFileImport({
    button: root.querySelector('.import-button')!,
    fileInput: root.querySelector('.import-file')!,
    form: root.querySelector('.import-form')!,
    fileLabel: root.querySelector('.import-file-name')!,
    nameInput: root.querySelector('#import-name')!,
    cancel: root.querySelector('.import-cancel')!,
    error: root.querySelector('#import-error')!,
    dropZone: root.querySelector('.drop-zone')!,
  });
}
