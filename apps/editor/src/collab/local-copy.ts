// This browser's copy of a document (IndexedDB through y-indexeddb), which keeps offline edits across a
// reload. y-indexeddb writes each update in its own IndexedDB transaction, inside the Yjs transaction that
// made it: inside the keystroke, before the browser can paint it (0.6 ms a key in an empty document, over
// 2 ms in a long one, where IndexedDB is slower). Here the updates of a task are written together, in a
// task of their own right after it: the same data, one transaction, off the keystroke's path. A page being
// hidden or closed writes at once.
//
// A tab closed straight after a key must keep it. Two things made that fail under load: Chrome runs input
// before timers, so a write left to a timer waited while keys kept coming and fell to `pagehide`; and a
// transaction begun there is often torn down with the page before it commits on its own (measured: about
// one in four lost, on an idle machine too). So the write is a user-blocking task, which input does not
// starve, and each transaction is committed as soon as its update is in (IDBTransaction.commit), not
// after a round trip to the page.

import { IndexeddbPersistence, PREFERRED_TRIM_SIZE, storeState } from 'y-indexeddb';
import * as Y from 'yjs';

interface Scheduler {
  postTask(task: () => void, options: { priority: 'user-blocking' }): Promise<unknown>;
}
const scheduler = (globalThis as { scheduler?: Partial<Scheduler> }).scheduler;
const soon: (task: () => void) => void =
  scheduler?.postTask === undefined ? (task) => setTimeout(task, 0) : (task) => void (scheduler as Scheduler).postTask(task, { priority: 'user-blocking' });

/** What y-indexeddb's own update handler does, with the transaction committed at once. */
function store(local: IndexeddbPersistence, update: Uint8Array): void {
  const db = local.db;
  if (db === null) return; // not open yet: y-indexeddb stores the whole document when it opens
  const transaction = db.transaction(['updates'], 'readwrite');
  transaction.objectStore('updates').add(update);
  transaction.commit();
  if (++local._dbsize >= PREFERRED_TRIM_SIZE) {
    // Many updates: y-indexeddb's merge into one, debounced as it does.
    if (local._storeTimeoutId !== null) clearTimeout(local._storeTimeoutId);
    local._storeTimeoutId = setTimeout(() => {
      void storeState(local, false);
      local._storeTimeoutId = null;
    }, local._storeTimeout);
  }
}

export function keepLocally(name: string, doc: Y.Doc): IndexeddbPersistence {
  const local = new IndexeddbPersistence(name, doc);
  doc.off('update', local._storeUpdate);
  let pending: Uint8Array[] = [];
  let scheduled = false;

  const write = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const updates = pending;
    pending = [];
    store(local, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
  };
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === local) return; // read from IndexedDB: already there
    pending.push(update);
    if (scheduled) return;
    scheduled = true;
    soon(write);
  };
  doc.on('update', onUpdate);
  addEventListener('pagehide', write);

  const destroy = local.destroy;
  local.destroy = () => {
    write();
    doc.off('update', onUpdate);
    removeEventListener('pagehide', write);
    return destroy();
  };
  doc.off('destroy', destroy);
  doc.on('destroy', local.destroy);
  return local;
}
