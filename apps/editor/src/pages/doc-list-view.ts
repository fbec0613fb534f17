// The start page's document list: a search box (debounced), the order (last change or name), pages
// with Previous / Next (the server's cursors, kept so Previous goes back), and a row per document with
// its last editor and when, and Delete.

import { ApiError, deleteDocument, type DocumentSort, type DocumentSummary, documentPath, listDocumentPage } from '../api/client.js';
import { timeElement } from './relative-time.js';
import { counted } from './counted.js';

export const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 250;

export interface DocListElements {
  readonly search: HTMLInputElement;
  readonly sort: HTMLSelectElement;
  readonly list: HTMLUListElement;
  /** Says what the list shows now (polite live region, no role: the page's status is another element). */
  readonly summary: HTMLElement;
  readonly pager: HTMLElement;
  readonly previous: HTMLButtonElement;
  readonly next: HTMLButtonElement;
  readonly pageLabel: HTMLElement;
}

export interface DocListOptions {
  /** Tells the person what happened (the page's status line). */
  readonly say: (text: string) => void;
  /** A failed action's message. */
  readonly failed: (what: string) => (error: Error) => void;
  /** After a document was moved to the trash (the trash list changes too). */
  readonly onDeleted: () => void;
  /** Whether this person may move documents to the trash (an editor, not through a share link): the Delete buttons. */
  readonly mayDelete: boolean;
  /** What an empty list says when nothing is searched for (sign-in on: only what this person's token opens is listed). */
  readonly emptyText?: string;
}

export interface DocListView {
  /** Loads the current page again (after a change elsewhere on the page). */
  refresh(): void;
}

export function createDocListView(el: DocListElements, options: DocListOptions): DocListView {
  let query = '';
  let sort: DocumentSort = 'lastChange';
  /** The cursor of each page seen so far: page 0 starts at null. */
  let cursors: Array<string | null> = [null];
  let page = 0;
  let nextCursor: string | null = null;
  let request = 0;

  const message = (text: string, className = 'muted') => {
    const li = document.createElement('li');
    li.className = className;
    li.textContent = text;
    el.list.replaceChildren(li);
  };

  const row = (d: DocumentSummary) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = documentPath(d.name);
    a.textContent = d.name;
    const meta = document.createElement('span');
    meta.className = 'muted doc-meta';
    if (d.lastAuthor !== null) {
      const dot = document.createElement('span');
      dot.className = 'author-dot';
      dot.style.background = d.lastAuthor.color;
      dot.setAttribute('aria-hidden', 'true');
      const who = document.createElement('span');
      who.className = 'last-editor';
      who.textContent = d.lastAuthor.name;
      meta.append(dot, who, ' · ');
    } else {
      meta.append('edited ');
    }
    const people = d.connections > 0 ? ` · ${d.connections} editing now` : '';
    meta.append(timeElement(d.lastChangeAt), ` · ${counted(d.updateCount, 'change')}${people}`);
    if (!options.mayDelete) {
      li.append(a, meta);
      return li;
    }
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary delete-doc';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${d.name}`);
    remove.addEventListener('click', () => {
      const who = d.connections > 0 ? ` ${d.connections} ${d.connections === 1 ? 'person is' : 'people are'} editing it now and will be disconnected.` : '';
      if (!window.confirm(`Move "${d.name}" to the trash?${who} It can be restored from the trash.`)) return;
      deleteDocument(d.name).then(() => {
        options.say(`"${d.name}" moved to the trash.`);
        options.onDeleted();
      }, options.failed('delete documents'));
    });
    li.append(a, meta, remove);
    return li;
  };

  const showPager = () => {
    el.pager.hidden = page === 0 && nextCursor === null;
    el.pageLabel.textContent = `Page ${page + 1}`;
    // A button about to be disabled loses focus to nowhere: hand it to the other one first.
    const focused = document.activeElement;
    el.previous.disabled = page === 0;
    el.next.disabled = nextCursor === null;
    if (focused === el.previous && el.previous.disabled && !el.next.disabled) el.next.focus();
    if (focused === el.next && el.next.disabled && !el.previous.disabled) el.previous.focus();
  };

  const load = () => {
    const mine = ++request;
    el.list.setAttribute('aria-busy', 'true');
    listDocumentPage({ q: query, sort, limit: PAGE_SIZE, cursor: cursors[page] ?? null }).then(
      (result) => {
        if (mine !== request) return; // a later search or page answered for this one
        el.list.removeAttribute('aria-busy');
        // The last documents of a page beyond the first went away (deleted): show the page before.
        if (result.documents.length === 0 && page > 0) {
          cursors = cursors.slice(0, page);
          page -= 1;
          load();
          return;
        }
        nextCursor = result.nextCursor;
        cursors[page + 1] = nextCursor;
        if (result.documents.length === 0) {
          message(query === '' ? (options.emptyText ?? 'No documents yet. Name one above to start writing.') : `No documents match “${query}”.`);
          el.summary.textContent = query === '' ? '' : `No documents match “${query}”.`;
        } else {
          el.list.replaceChildren(...result.documents.map(row));
          const count = `${result.documents.length} ${result.documents.length === 1 ? 'document' : 'documents'}`;
          const paged = page > 0 || nextCursor !== null ? `, page ${page + 1}` : '';
          el.summary.textContent = `${query === '' ? count : `${count} matching “${query}”`}${paged}.`;
        }
        showPager();
      },
      (error: Error) => {
        if (mine !== request) return;
        el.list.removeAttribute('aria-busy');
        message(
          error instanceof ApiError && error.status === 401
            ? 'This server needs an access token: open the link you were given (it ends in ?token=…).'
            : `Could not load the documents: ${error.message}`,
          'error',
        );
      },
    );
  };

  const restart = () => {
    cursors = [null];
    page = 0;
    load();
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const searchNow = () => {
    clearTimeout(timer);
    const typed = el.search.value.trim();
    if (typed === query) return;
    query = typed;
    restart();
  };
  el.search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(searchNow, SEARCH_DELAY_MS);
  });
  el.search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') searchNow();
  });
  el.sort.addEventListener('change', () => {
    sort = el.sort.value === 'name' ? 'name' : 'lastChange';
    restart();
  });
  el.previous.addEventListener('click', () => {
    if (page === 0) return;
    page -= 1;
    load();
  });
  el.next.addEventListener('click', () => {
    if (nextCursor === null) return;
    page += 1;
    load();
  });

  load();
  return { refresh: load };
}
