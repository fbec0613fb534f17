// Who is in the document: the live list of people from awareness, the local person's entry, and
// who is away (the server marks a person whose connection stopped answering with `away: true`).

import { defaultCursorBuilder } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import { initials } from './default-name.js';
import { presenceColors } from './presence-colors.js';
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

export interface PresenceOptions {
  /** The shown cursor of a person, if their caret is in the text (default: looked up in the page). */
  readonly findCursor?: (clientId: number) => HTMLElement | null;
}

const HIGHLIGHT_MS = 2_000;

const findCursorInPage = (clientId: number): HTMLElement | null =>
  document.querySelector<HTMLElement>(`.ProseMirror-yjs-cursor[data-client-id="${clientId}"]`);

/** Whether a person's caret is in the text (y-prosemirror publishes `cursor`, null when it left). */
const hasCursor = (state: unknown): boolean => (state as { cursor?: unknown } | undefined)?.cursor != null;

/**
 * Renders the presence list into `element` now and whenever awareness changes. Everyone else is a
 * button that scrolls the editor to their cursor and highlights it for a moment.
 */
export function renderPresence(awareness: Awareness, element: HTMLElement, options: PresenceOptions = {}): () => void {
  const findCursor = options.findCursor ?? findCursorInPage;
  const colors = presenceColors(awareness);
  const goTo = (p: Person, button: HTMLElement) => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    const cursor = findCursor(p.clientId);
    if (cursor === null) return;
    cursor.scrollIntoView({ block: 'center', inline: 'nearest' });
    cursor.classList.remove('highlighted');
    void cursor.offsetWidth; // restarts the animation when asked again
    cursor.classList.add('highlighted');
    setTimeout(() => cursor.classList.remove('highlighted'), HIGHLIGHT_MS);
  };
  type Shown = ReturnType<typeof people>[number] & { color: string; present: boolean };
  const chipOf = (p: Shown): HTMLLIElement => {
    const chip = document.createElement('li');
    chip.className = p.away ? 'person away' : 'person';
    chip.dataset.clientId = String(p.clientId);
    chip.dataset.away = String(p.away);
    const { color, present } = p;
    const dot = document.createElement('span');
    dot.className = 'person-dot';
    dot.setAttribute('aria-hidden', 'true');
    dot.style.backgroundColor = color;
    dot.textContent = initials(p.name);
    const name = document.createElement('span');
    name.className = 'person-name';
    name.textContent = p.isSelf ? `${p.name} (you)` : p.name;
    const body = p.isSelf ? document.createElement('span') : document.createElement('button');
    body.className = 'person-body';
    body.append(dot, name);
    if (p.away) {
      const away = document.createElement('span');
      away.className = 'person-away';
      away.textContent = 'away';
      body.append(away);
    }
    if (p.isSelf) {
      body.title = `${p.name} (you)`;
    } else {
      const button = body as HTMLButtonElement;
      button.type = 'button';
      // Named as seen ("Bold Vole", "away"), then what it does; the avatar's initials are not read.
      const hint = document.createElement('span');
      hint.className = 'visually-hidden';
      hint.textContent = present ? '(show their cursor)' : '(no cursor in the text)';
      button.append(hint);
      button.title = p.away
        ? `${p.name} (away: their connection stopped answering)${present ? ' · show their cursor' : ''}`
        : present ? `Show ${p.name}'s cursor` : `${p.name} has no cursor in the text`;
      button.setAttribute('aria-disabled', String(!present));
      button.addEventListener('click', () => goTo(p, button));
    }
    chip.append(body);
    return chip;
  };
  // Each person's chip, kept by client id and drawn again only when what it shows changed: a button replaced
  // between mouse down and up gets no click (someone else joining redrew the whole list).
  const chips = new Map<number, { chip: HTMLLIElement; drawn: string }>();
  const render = () => {
    const list: Shown[] = people(awareness).map((p) => ({
      ...p,
      color: colors.colorOf(p.clientId, p.color),
      present: !p.isSelf && hasCursor(awareness.getStates().get(p.clientId)),
    }));
    // Whose button the keyboard is on: a chip drawn again, or moved (the list is sorted by name, and a rename
    // moves it; Chromium drops the focus of an element taken out and put back), gets it back below.
    const focused = element.contains(document.activeElement) ? (document.activeElement as HTMLElement).closest<HTMLElement>('.person')?.dataset.clientId : undefined;
    const ids = new Set(list.map((p) => p.clientId));
    for (const [id, known] of chips) {
      if (ids.has(id)) continue;
      known.chip.remove();
      chips.delete(id);
    }
    list.forEach((p, i) => {
      const drawn = JSON.stringify(p);
      let known = chips.get(p.clientId);
      if (known?.drawn !== drawn) {
        const chip = chipOf(p);
        known?.chip.replaceWith(chip);
        known = { chip, drawn };
        chips.set(p.clientId, known);
      }
      if (element.children[i] !== known.chip) element.insertBefore(known.chip, element.children[i] ?? null);
    });
    if (focused !== undefined && !element.contains(document.activeElement)) element.querySelector<HTMLElement>(`.person[data-client-id="${focused}"] button`)?.focus();
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
      // Our own cursor is never drawn here, and our caret changes on every key: no search of the text for it.
      if (id === awareness.clientID) continue;
      const state = awareness.getStates().get(id) as { user?: Partial<User> } | undefined;
      for (const cursor of root.querySelectorAll<HTMLElement>(`.ProseMirror-yjs-cursor[data-client-id="${id}"]`)) {
        showAway(cursor, state?.user?.name ?? '', isAway(state));
      }
    }
  });
  const colors = presenceColors(awareness);
  return (user, clientId) => {
    const cursor = defaultCursorBuilder({ ...user, color: colors.colorOf(clientId, user.color) }) as HTMLElement;
    cursor.dataset.clientId = String(clientId);
    showAway(cursor, user.name, isAway(awareness.getStates().get(clientId)));
    return cursor;
  };
}

/** A remote selection, in the colour its person is shown in (see presenceColors). */
export function spreadSelections(awareness: Awareness): (user: User, clientId: number) => { style: string; class: string } {
  const colors = presenceColors(awareness);
  return (user, clientId) => ({ style: `background-color: ${colors.colorOf(clientId, user.color)}40`, class: 'ProseMirror-yjs-selection' });
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
