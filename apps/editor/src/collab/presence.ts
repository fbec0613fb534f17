// Who is in the document: the live list of people from awareness, the local person's entry, and
// who is away (the server marks a person whose connection stopped answering with `away: true`).

import { defaultCursorBuilder } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import type { User } from './user.js';

/** What the others see of a person (their id stays in their browser; see presenceOf). */
export interface Person extends Omit<User, 'id'> {
  readonly clientId: number;
  readonly isSelf: boolean;
  /** Their connection stopped answering the server; they are dropped if it stays silent. */
  readonly away: boolean;
}

const isAway = (state: unknown): boolean => (state as { away?: unknown } | undefined)?.away === true;

export function people(awareness: Awareness): Person[] {
  const list: Person[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: Partial<Person> }).user;
    if (typeof user?.name !== 'string' || typeof user.color !== 'string') continue;
    const isSelf = clientId === awareness.clientID;
    list.push({ clientId, name: user.name, color: user.color, isSelf, away: !isSelf && isAway(state) });
  }
  return list.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
}

/** Renders the presence list into `element` now and whenever awareness changes. */
export function renderPresence(awareness: Awareness, element: HTMLElement): () => void {
  const render = () => {
    element.replaceChildren(
      ...people(awareness).map((p) => {
        const chip = document.createElement('li');
        chip.className = p.away ? 'person away' : 'person';
        chip.dataset.clientId = String(p.clientId);
        chip.dataset.away = String(p.away);
        chip.title = p.isSelf ? `${p.name} (you)` : p.away ? `${p.name} (away: their connection stopped answering)` : p.name;
        const dot = document.createElement('span');
        dot.className = 'person-dot';
        dot.style.backgroundColor = p.color;
        dot.textContent = p.name.trim().charAt(0).toUpperCase();
        const name = document.createElement('span');
        name.className = 'person-name';
        name.textContent = p.isSelf ? `${p.name} (you)` : p.name;
        chip.append(dot, name);
        if (p.away) {
          const away = document.createElement('span');
          away.className = 'person-away';
          away.textContent = 'away';
          chip.append(away);
        }
        return chip;
      }),
    );
  };
  awareness.on('change', render);
  render();
  return () => awareness.off('change', render);
}

const labelFor = (name: string, away: boolean) => (away ? `${name} · away` : name);

function showAway(cursor: HTMLElement, name: string, away: boolean): void {
  cursor.classList.toggle('away', away);
  const label = cursor.querySelector('div');
  if (label !== null) label.textContent = labelFor(name, away);
}

/**
 * The remote cursor widget for y-prosemirror, dimmed and labelled "away" while its person is away.
 * y-prosemirror keeps a cursor's DOM while its person stays (its widget key is the client id), so
 * an away change updates the cursors already shown in `root`.
 */
export function awayAwareCursors(awareness: Awareness, root: HTMLElement): (user: User, clientId: number) => HTMLElement {
  awareness.on('change', ({ updated }: { updated: number[] }) => {
    for (const id of updated) {
      const state = awareness.getStates().get(id) as { user?: Partial<User> } | undefined;
      for (const cursor of root.querySelectorAll<HTMLElement>(`.ProseMirror-yjs-cursor[data-client-id="${id}"]`)) {
        showAway(cursor, state?.user?.name ?? '', isAway(state));
      }
    }
  });
  return (user, clientId) => {
    const cursor = defaultCursorBuilder(user) as HTMLElement;
    cursor.dataset.clientId = String(clientId);
    showAway(cursor, user.name, isAway(awareness.getStates().get(clientId)));
    return cursor;
  };
}

/**
 * Only the server says who is away, and never about this browser: a state it sent for this client
 * (while it could not hear) is adopted by y-protocols, so take the mark off again.
 */
export function neverAwayToSelf(awareness: Awareness): void {
  awareness.on('change', () => {
    const local = awareness.getLocalState();
    if (local === null || !isAway(local)) return;
    const { away: _away, ...rest } = local;
    awareness.setLocalState(rest);
  });
}
