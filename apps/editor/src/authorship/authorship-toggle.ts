// The "Show authorship" toggle: off by default and remembered per browser. On, it asks the server who
// wrote what so far (GET /api/docs/:doc/authorship), opts in to live bindings (`?authors=1`, message
// 102) so that new text is coloured as it arrives, and notes when each Yjs id reached this browser.

import * as decoding from 'lib0/decoding';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { authHeaders } from '../api/session.js';
import { type AuthorshipAnswer, AuthorshipIndex, type BindingsMessage } from './authorship-index.js';

const STORAGE_KEY = 'tandem:show-authorship';
/** Tandem message type: the author of each Yjs client id (see the server's sync/protocol.ts). */
export const AUTHOR_BINDINGS = 102;

/** Whether this browser last left the colours on: the provider then connects with `?authors=1` at once. */
export function authorshipRemembered(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

export interface AuthorshipToggle {
  readonly button: HTMLButtonElement;
  /** Who is who while the colours are on: each author's name beside a swatch of their colour. */
  readonly legend: HTMLElement;
  readonly index: AuthorshipIndex;
  /** Resolves once the colours asked for last are painted from the server's answer (for tests and the bench). */
  readonly loaded: Promise<void>;
  set(on: boolean): Promise<void>;
  destroy(): void;
}

export function createAuthorshipToggle(docName: () => string, doc: Y.Doc, provider: WebsocketProvider, index = new AuthorshipIndex()): AuthorshipToggle {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'authorship-toggle';
  button.textContent = 'Show authorship';
  button.title = 'Colour the text by who wrote it';
  button.setAttribute('aria-pressed', 'false');
  button.dataset.testid = 'authorship-toggle';

  const legend = document.createElement('ul');
  legend.className = 'authorship-legend';
  legend.setAttribute('aria-label', 'Authors and their colours');
  legend.dataset.testid = 'authorship-legend';
  legend.hidden = true;
  let shown = '';
  const renderLegend = () => {
    const authors = index.enabled ? index.authors().sort((a, b) => a[1].name.localeCompare(b[1].name)) : [];
    const key = JSON.stringify(authors);
    if (key === shown) return;
    shown = key;
    legend.hidden = authors.length === 0;
    legend.replaceChildren(
      ...authors.map(([id, info]) => {
        const item = document.createElement('li');
        item.dataset.author = id;
        item.style.setProperty('--author-color', info.color);
        item.textContent = info.name;
        if (!info.verified) item.title = 'The name this person gave; not verified by a sign-in';
        return item;
      }),
    );
  };
  index.listeners.add(renderLegend);

  provider.messageHandlers[AUTHOR_BINDINGS] = (_encoder, decoder) => {
    try {
      index.bind(JSON.parse(decoding.readVarString(decoder)) as BindingsMessage);
    } catch {
      // A message this page cannot read changes nothing; the colours stay as they were.
    }
  };
  // Which ids each transaction brought, and when: the time shown for text typed since the answer. Noted
  // before the observers run, as y-prosemirror (an observer) hands a remote change to the editor,
  // which paints it at once.
  const noteArrivals = (tr: Y.Transaction) => {
    const now = Date.now();
    for (const [client, to] of tr.afterState) {
      const from = tr.beforeState.get(client) ?? 0;
      if (to > from) index.saw(client, from, to, now);
    }
  };

  let generation = 0;
  let loaded: Promise<void> = Promise.resolve();
  const fetchAnswer = async (asked: number) => {
    const started = performance.now();
    const res = await fetch(`/api/docs/${encodeURIComponent(docName())}/authorship`, { headers: { accept: 'application/json', ...authHeaders() } });
    if (!res.ok) throw new Error(`Authorship of ${JSON.stringify(docName())}: HTTP ${res.status}`);
    const answer = (await res.json()) as AuthorshipAnswer;
    performance.measure('tandem:authorship-fetch', { start: started });
    if (asked === generation) index.load(answer);
  };

  const set = async (on: boolean): Promise<void> => {
    generation += 1;
    button.setAttribute('aria-pressed', String(on));
    button.classList.remove('failed');
    try {
      localStorage.setItem(STORAGE_KEY, on ? '1' : '0');
    } catch {
      // Private mode without storage: the choice lasts for this page.
    }
    if (!on) {
      doc.off('beforeObserverCalls', noteArrivals);
      index.enabled = false;
      return;
    }
    doc.on('beforeObserverCalls', noteArrivals);
    // Opting in to bindings takes a new connection; an unchanged one keeps its socket.
    if (provider.params.authors !== '1') {
      provider.params.authors = '1';
      if (provider.wsconnected || provider.wsconnecting) {
        provider.disconnect();
        // The disconnect dropped the others' presence but kept its clocks, and the server resends it
        // with those same clocks, which awareness ignores: forget them, or the people list and the
        // cursors stay empty until each person's next 15-second renewal.
        const { awareness } = provider;
        for (const id of [...awareness.meta.keys()]) if (id !== awareness.clientID && !awareness.states.has(id)) awareness.meta.delete(id);
        provider.connect();
      }
    }
    index.enabled = true;
    loaded = fetchAnswer(generation).catch(() => {
      button.classList.add('failed');
      button.title = 'Could not load who wrote what; new text is still coloured';
    });
    await loaded;
  };

  button.addEventListener('click', () => void set(button.getAttribute('aria-pressed') !== 'true'));
  if (authorshipRemembered()) void set(true);

  return {
    button,
    legend,
    index,
    get loaded() {
      return loaded;
    },
    set,
    destroy() {
      index.listeners.delete(renderLegend);
      doc.off('beforeObserverCalls', noteArrivals);
      delete provider.messageHandlers[AUTHOR_BINDINGS];
    },
  };
}
