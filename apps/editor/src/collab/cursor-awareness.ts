// The awareness the remote-cursor plugin sees: the same states, but change events only when someone
// else's state changed.
//
// y-prosemirror's cursor plugin redraws every remote cursor (dispatching a transaction, which runs
// the sync and every other plugin again) on any awareness change, including the one it causes itself
// by publishing the local caret after each keystroke. Remote cursors do not depend on the local state,
// so that redraw is wasted work on every key.

import type { Awareness } from 'y-protocols/awareness';

type Changes = { added: number[]; updated: number[]; removed: number[] };
type Listener = (changes: Changes, origin: unknown) => void;

export function remoteChangesOnly(awareness: Awareness): Awareness {
  const wrapped = new Map<Listener, Listener>();
  const on = (event: string, listener: Listener) => {
    if (event !== 'change') return awareness.on(event as 'change', listener);
    const filtered: Listener = (changes, origin) => {
      const self = awareness.clientID;
      if ([changes.added, changes.updated, changes.removed].some((ids) => ids.some((id) => id !== self))) listener(changes, origin);
    };
    wrapped.set(listener, filtered);
    awareness.on('change', filtered);
  };
  const off = (event: string, listener: Listener) => {
    awareness.off(event as 'change', wrapped.get(listener) ?? listener);
    wrapped.delete(listener);
  };
  return new Proxy(awareness, {
    get(target, prop) {
      if (prop === 'on') return on;
      if (prop === 'off') return off;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
