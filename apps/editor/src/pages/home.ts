// The start page: every document on the server (each with Delete, which moves it to the trash), a form
// to open or create one by name, and the trash, from which a document can be restored.

import { docNameProblem } from '@tandem/schema/doc-name';
import { ApiError, deleteDocument, type DocumentSummary, documentPath, listDocuments, listTrash, restoreFromTrash, type TrashEntry } from '../api/client.js';
import { BASE_PATH } from '../base-path.js';

const timeAgo = (iso: string): string => {
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'just now';
  const units: Array<[number, string]> = [[86_400, 'day'], [3_600, 'hour'], [60, 'minute']];
  for (const [size, unit] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
    }
  }
  return iso;
};

export function renderHome(root: HTMLElement): void {
  document.title = 'Tandem';
  root.innerHTML = `
    <header class="topbar"><a class="brand" href="${BASE_PATH}">Tandem</a></header>
    <main class="home">
      <h1>Documents</h1>
      <form class="new-doc" autocomplete="off">
        <label for="new-doc-name">Open or create a document</label>
        <div class="new-doc-row">
          <input id="new-doc-name" name="name" required maxlength="200" placeholder="e.g. team/meeting-notes" aria-describedby="new-doc-hint" />
          <button type="submit">Open</button>
        </div>
        <p class="error" id="new-doc-error" role="alert" hidden></p>
        <p class="hint" id="new-doc-hint">Anyone with the link can join. Names may contain "/" to group documents.</p>
      </form>
      <ul class="doc-list" aria-live="polite"><li class="muted">Loading…</li></ul>
      <p class="home-status" role="status"></p>
      <section class="trash" id="trash" aria-labelledby="trash-title" hidden>
        <h2 id="trash-title">Trash</h2>
        <p class="hint trash-hint"></p>
        <ul class="trash-list"></ul>
      </section>
    </main>`;
  const form = root.querySelector<HTMLFormElement>('form')!;
  const input = root.querySelector<HTMLInputElement>('#new-doc-name')!;
  const error = root.querySelector<HTMLElement>('#new-doc-error')!;
  // Spaces around the name, doubled and outer "/" are forgiven (tidied away); anything else the server
  // would refuse is explained here, with the server's own rule, instead of opening a page that cannot save.
  const tidy = (typed: string) => typed.trim().replace(/\/+/g, '/').replace(/^\/|\/$/g, '');
  const showProblem = (problem: string | undefined) => {
    error.hidden = problem === undefined;
    error.textContent = problem === undefined ? '' : `This name ${problem}.`;
    if (problem === undefined) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', problem === undefined ? 'new-doc-hint' : 'new-doc-error new-doc-hint');
  };
  input.addEventListener('input', () => {
    // Clears the message once the name is fixed; a new one waits for the next submit.
    if (input.getAttribute('aria-invalid') === 'true' && docNameProblem(tidy(input.value)) === undefined) showProblem(undefined);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = tidy(input.value);
    const problem = docNameProblem(name);
    showProblem(problem);
    if (problem !== undefined) {
      input.focus();
      return;
    }
    location.assign(documentPath(name));
  });
  const list = root.querySelector<HTMLUListElement>('.doc-list')!;
  const status = root.querySelector<HTMLElement>('.home-status')!;
  const trashSection = root.querySelector<HTMLElement>('.trash')!;
  const trashList = root.querySelector<HTMLUListElement>('.trash-list')!;
  const say = (text: string) => (status.textContent = text);
  const failed = (what: string) => (error: Error) =>
    say(error instanceof ApiError && error.status === 403 ? `Only editors may ${what}.` : `Could not ${what}: ${error.message}`);

  const documentRow = (d: DocumentSummary) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = documentPath(d.name);
    a.textContent = d.name;
    const meta = document.createElement('span');
    meta.className = 'muted';
    const people = d.connections > 0 ? ` · ${d.connections} editing now` : '';
    meta.textContent = `edited ${timeAgo(d.lastChangeAt)} · ${d.updateCount} changes${people}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary delete-doc';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${d.name}`);
    remove.addEventListener('click', () => {
      const who = d.connections > 0 ? ` ${d.connections} ${d.connections === 1 ? 'person is' : 'people are'} editing it now and will be disconnected.` : '';
      if (!window.confirm(`Move "${d.name}" to the trash?${who} It can be restored from the trash.`)) return;
      deleteDocument(d.name).then(() => {
        say(`"${d.name}" moved to the trash.`);
        refresh();
      }, failed('delete documents'));
    });
    li.append(a, meta, remove);
    return li;
  };

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
    li.append(name, meta, restore);
    return li;
  };

  const refresh = () => {
    listDocuments().then(
      (docs) => {
        if (docs.length === 0) {
          list.innerHTML = '<li class="muted">No documents yet. Name one above to start writing.</li>';
          return;
        }
        list.replaceChildren(...docs.sort((a, b) => b.lastChangeAt.localeCompare(a.lastChangeAt)).map(documentRow));
      },
      (error: Error) => {
        list.innerHTML = '';
        const li = document.createElement('li');
        li.className = 'error';
        li.textContent =
          error instanceof ApiError && error.status === 401
            ? 'This server needs an access token: open the link you were given (it ends in ?token=…).'
            : `Could not load the documents: ${error.message}`;
        list.append(li);
      },
    );
    listTrash().then(
      ({ trash, trashDays }) => {
        trashSection.hidden = trash.length === 0;
        root.querySelector('.trash-hint')!.textContent = `Deleted documents stay here for ${trashDays} days, then they are removed for good.`;
        trashList.replaceChildren(...trash.map(trashRow));
      },
      () => (trashSection.hidden = true),
    );
  };
  refresh();
}
