// The start page: every document on the server, and a form to open or create one by name.

import { docNameProblem } from '@tandem/schema/doc-name';
import { ApiError, documentPath, listDocuments } from '../api/client.js';
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
  listDocuments().then(
    (docs) => {
      if (docs.length === 0) {
        list.innerHTML = '<li class="muted">No documents yet. Name one above to start writing.</li>';
        return;
      }
      list.replaceChildren(
        ...docs
          .sort((a, b) => b.lastChangeAt.localeCompare(a.lastChangeAt))
          .map((d) => {
            const li = document.createElement('li');
            const a = document.createElement('a');
            a.href = documentPath(d.name);
            a.textContent = d.name;
            const meta = document.createElement('span');
            meta.className = 'muted';
            const people = d.connections > 0 ? ` · ${d.connections} editing now` : '';
            meta.textContent = `edited ${timeAgo(d.lastChangeAt)} · ${d.updateCount} changes${people}`;
            li.append(a, meta);
            return li;
          }),
      );
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
}
