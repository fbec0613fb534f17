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
//
// Another tab may delete the copy (a change the server refused, a rename: both drop it before they
// reload) and the browser may close it; IndexedDB then closes this tab's connection, and y-indexeddb
// would write nothing more from here. The copy is opened again and this tab's whole document written
// to it, so what is typed here next (offline, say) is still kept.
//
// The copy can also fail: IndexedDB unavailable (storage turned off, some private modes), a write refused
// (the browser's storage for this site full), the copy not opening again. The page is told (`report`), so
// it never says "kept in this browser" when it is not; after a refused write, the next write is the whole
// document, and only its commit clears it.

import * as idb from 'lib0/indexeddb';
import { IndexeddbPersistence, PREFERRED_TRIM_SIZE, storeState } from 'y-indexeddb';
import * as Y from 'yjs';

interface Scheduler {
  postTask(task: () => void, options: { priority: 'user-blocking' }): Promise<unknown>;
}
const scheduler = (globalThis as { scheduler?: Partial<Scheduler> }).scheduler;
const soon: (task: () => void) => void =
  scheduler?.postTask === undefined ? (task) => setTimeout(task, 0) : (task) => void (scheduler as Scheduler).postTask(task, { priority: 'user-blocking' });

/** '' while this browser's copy takes every write; otherwise why it does not, in words for the person. */
export type KeptHere = (failure: string) => void;

/** Why IndexedDB refused, as a person would put it. */
const failureOf = (error: unknown): string =>
  error instanceof DOMException && error.name === 'QuotaExceededError'
    ? "this browser's storage for this site is full"
    : `this browser cannot store it (${error instanceof Error ? error.message || error.name : String(error)})`;

/** What y-indexeddb's own update handler does, with the transaction committed at once. */
function store(local: IndexeddbPersistence, update: Uint8Array, kept: KeptHere): void {
  const db = local.db;
  // Not open yet, or being opened again: the whole document is stored when it is open.
  if (db === null) return;
  try {
    const transaction = db.transaction(['updates'], 'readwrite');
    transaction.oncomplete = () => kept('');
    // An aborted transaction (a full quota aborts it) reports its error here, once.
    transaction.onabort = () => kept(failureOf(transaction.error));
    transaction.objectStore('updates').add(update);
    transaction.commit();
  } catch (error) {
    kept(failureOf(error));
    return;
  }
  if (++local._dbsize >= PREFERRED_TRIM_SIZE) {
    // Many updates: y-indexeddb's merge into one, debounced as it does.
    if (local._storeTimeoutId !== null) clearTimeout(local._storeTimeoutId);
    local._storeTimeoutId = setTimeout(() => {
      local._storeTimeoutId = null;
      if (local.db !== null) void storeState(local, false);
    }, local._storeTimeout);
  }
}

/** The stores y-indexeddb creates in a new database. */
const createStores = (db: IDBDatabase) =>
  idb.createStores(db, [
    ['updates', { autoIncrement: true }],
    ['custom'],
  ]);

/**
 * When IndexedDB closes the copy under this tab (another tab deletes it, the browser drops it), opens
 * it again and writes the whole document there, then goes on writing update by update.
 */
function keepOpen(local: IndexeddbPersistence, doc: Y.Doc, db: IDBDatabase, kept: KeptHere): void {
  const closed = () => {
    db.close(); // a deletion waits for every connection to close
    if (local.db !== db || local._destroyed) return;
    local.db = null;
    // Requests on one database run in order: this one opens a new copy once the deletion is done.
    const reopened = idb.openDB(local.name, createStores);
    local._db = reopened;
    reopened.then(
      (fresh) => {
        if (local._destroyed) return; // destroy() closes it (it waits on local._db)
        local.db = fresh;
        local._dbref = 0;
        local._dbsize = 0;
        keepOpen(local, doc, fresh, kept);
        store(local, Y.encodeStateAsUpdate(doc), kept);
      },
      // Cannot be opened (storage gone): this tab keeps the document in memory only.
      (error: unknown) => kept(failureOf(error)),
    );
  };
  db.onversionchange = closed;
  db.onclose = closed;
}

export function keepLocally(name: string, doc: Y.Doc, report: KeptHere = () => {}): IndexeddbPersistence {
  // Once a write was refused, the copy lacks that update (and later ones build on it): only a write of
  // the whole document that commits makes it whole again, not the next small one.
  let missing = false;
  const kept: KeptHere = (failure) => {
    if (failure !== '') missing = true;
    report(failure);
  };
  const keptWhole: KeptHere = (failure) => {
    if (failure === '') missing = false;
    kept(failure);
  };
  const keptPart: KeptHere = (failure) => {
    if (failure !== '' || !missing) kept(failure);
  };
  // Even without IndexedDB at all (`indexedDB` undefined), this throws nothing: opening rejects.
  const local = new IndexeddbPersistence(name, doc);
  doc.off('update', local._storeUpdate);
  local._db.then(
    (db) => keepOpen(local, doc, db, keptWhole),
    // Not opened: y-indexeddb keeps nothing, and neither can this.
    (error: unknown) => kept(failureOf(error)),
  );
  let pending: Uint8Array[] = [];
  let scheduled = false;

  const write = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const updates = pending;
    pending = [];
    if (missing) store(local, Y.encodeStateAsUpdate(doc), keptWhole);
    else store(local, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), keptPart);
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

/** The origin of the transaction that brings in what a copy left under an earlier name held. */
const EARLIER_COPY = Symbol('tandem:earlier-copy');

/**
 * Brings into `doc` what this browser kept of it under earlier names, then drops those copies. A tab closed
 * with words typed offline leaves them in the copy of the name it had; a rename meanwhile (by someone else)
 * sends every later visit to the new name, whose page read only the new name's copy, and the words were
 * never sent (found by an exploratory run). `names`: the earlier names whose copy was of this document (the
 * creation time kept beside each, see sync-status.ts). A name still open in another tab is left to that tab,
 * which moves its copy itself when it learns of the rename. Returns the names whose copy was brought in.
 */
export async function adoptEarlierCopies(doc: Y.Doc, names: readonly string[]): Promise<string[]> {
  const held = new Set(((await navigator.locks?.query())?.held ?? []).map((lock) => lock.name));
  const adopted: string[] = [];
  for (const name of names) {
    if (held.has(`tandem:steward:${name}`)) continue;
    const db = await idb.openDB(`tandem/${name}`, createStores);
    try {
      const [updates] = idb.transact(db, ['updates'], 'readonly');
      const all = (await idb.getAll(updates!)) as Uint8Array[];
      Y.transact(doc, () => all.forEach((update) => Y.applyUpdate(doc, update)), EARLIER_COPY, false);
    } finally {
      db.close();
    }
    await idb.deleteDB(`tandem/${name}`);
    adopted.push(name);
  }
  return adopted;
}
