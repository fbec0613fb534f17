// Who is in the document: the live list of people from awareness, and the local person's entry.

import type { Awareness } from 'y-protocols/awareness';
import type { User } from './user.js';

export interface Person extends User {
  readonly clientId: number;
  readonly isSelf: boolean;
}

export function people(awareness: Awareness): Person[] {
  const list: Person[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: Partial<User> }).user;
    if (typeof user?.name !== 'string' || typeof user.color !== 'string') continue;
    list.push({ clientId, name: user.name, color: user.color, isSelf: clientId === awareness.clientID });
  }
  return list.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
}

/** Renders the presence list into `element` now and whenever awareness changes. */
export function renderPresence(awareness: Awareness, element: HTMLElement): () => void {
  const render = () => {
    element.replaceChildren(
      ...people(awareness).map((p) => {
        const chip = document.createElement('li');
        chip.className = 'person';
        chip.dataset.clientId = String(p.clientId);
        chip.title = p.isSelf ? `${p.name} (you)` : p.name;
        const dot = document.createElement('span');
        dot.className = 'person-dot';
        dot.style.backgroundColor = p.color;
        dot.textContent = p.name.trim().charAt(0).toUpperCase();
        const name = document.createElement('span');
        name.className = 'person-name';
        name.textContent = p.isSelf ? `${p.name} (you)` : p.name;
        chip.append(dot, name);
        return chip;
      }),
    );
  };
  awareness.on('change', render);
  render();
  return () => awareness.off('change', render);
}
