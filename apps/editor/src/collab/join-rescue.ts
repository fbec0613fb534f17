// Keeping what this person typed into a paragraph that someone else joined to its neighbour meanwhile, or
// turned into another kind of block (a heading, a list item).
//
// y-prosemirror writes a join (Backspace at the start of a paragraph, or deleting from one paragraph into
// the next) as: delete one paragraph, insert its text, as the joiner saw it, into the other; and a block
// that changes kind as a new block holding the old one's text, the old one deleted. Text typed
// into the deleted paragraph by someone who had not yet sent it to the joiner (offline, or in flight)
// stays inside the deleted paragraph: invisible to everyone, though their page had said "Saved".
//
// This person's editor sees it happen: a transaction from elsewhere deletes the text node holding their
// characters and, in the same transaction, inserts that node's other text at the start or end of another
// text node. Which of their characters the joiner had seen is told by Yjs' order: a client's updates
// arrive in clock order, so the joiner saw this client's characters below some clock and none above it;
// the highest such clock for which the moved text is the deleted node's text without the unseen
// characters is the one that happened. Those characters are typed again, where they were, in the joined
// text, with their marks: a new edit of this person's, stored and sent as any other (not an undo step).
//
// Not kept (Yjs cannot tell what the other person saw): text typed into an empty paragraph that someone
// deleted, and into the part of a paragraph someone deleted together with the join.

import * as Y from 'yjs';

/** The origin of the edits that put characters back: not the editor's, so not an undo step of this person's. */
export const RESCUE_ORIGIN = Symbol('tandem:join-rescue');

/** Characters to type again: `text` with `attributes` (marks) at `at`. */
export interface LostText {
  readonly text: string;
  readonly attributes: Record<string, unknown>;
  readonly at: Y.RelativePosition;
}

interface Char {
  readonly ch: string;
  readonly client: number;
  readonly clock: number;
  readonly attributes: Record<string, unknown>;
}

/**
 * What `transaction` (from elsewhere) deleted of this person's text only because it moved the rest of the
 * text node holding it, with where to type each run again. `own` says whether a Yjs client id is this
 * person's (this page's, or an earlier page's of this browser whose copy this page loaded).
 * Must run before the transaction's cleanup (an 'afterTransaction' handler): deleted content is
 * garbage-collected right after.
 */
export function lostInJoins(transaction: Y.Transaction, own: (client: number) => boolean): LostText[] {
  if (transaction.local) return [];
  const ds = transaction.deleteSet;
  let mine = false;
  for (const client of ds.clients.keys()) if (own(client)) mine = true;
  if (!mine) return [];
  // Text nodes deleted in this transaction that held characters of this person's deleted with them.
  // Only what this page showed before the transaction: loading a document (this browser's copy, or the
  // server's whole state) inserts and deletes in one transaction what was joined long ago.
  const shownBefore = (item: Y.Item) => item.id.clock < (transaction.beforeState.get(item.id.client) ?? 0);
  const nodes = new Set<Y.XmlText>();
  Y.iterateDeletedStructs(transaction, ds, (struct) => {
    if (!(struct instanceof Y.Item) || !own(struct.id.client) || !(struct.content instanceof Y.ContentString) || !shownBefore(struct)) return;
    const parent = struct.parent;
    if (parent instanceof Y.XmlText && parent._item !== null && shownBefore(parent._item) && Y.isDeleted(ds, parent._item.id)) nodes.add(parent);
  });
  if (nodes.size === 0) return [];
  const moved = movedTexts(transaction);
  const lost: LostText[] = [];
  for (const node of nodes) lost.push(...lostIn(node, transaction, own, moved));
  return lost;
}

/**
 * Where text moved to, as a text node that is still there shows it: y-prosemirror appends the moved text
 * (`moved` is the node's text from `index` on) or prepends it (`moved` is its text up to `index` plus the
 * run's length; `index` is then 0 in effect). The inserted run may be shorter than what moved: the diff
 * keeps the node's old characters that happen to equal the moved text's last (or first) ones.
 */
interface MovedText {
  readonly node: Y.XmlText;
  readonly moved: string;
  /** Index in `node` of the moved text's first character. */
  readonly index: number;
  readonly appended: boolean;
}

function movedTexts(transaction: Y.Transaction): MovedText[] {
  const found: MovedText[] = [];
  const isNew = (item: Y.Item) => item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
  for (const type of textNodesWritten(transaction)) {
    // The visible text, and the runs this transaction inserted into it.
    let text = '';
    const runs: Array<{ index: number; length: number }> = [];
    let last: { index: number; length: number } | undefined;
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      if (isNew(item)) {
        if (last !== undefined && last.index + last.length === text.length) last.length += item.length;
        else runs.push((last = { index: text.length, length: item.length }));
      }
      text += item.content instanceof Y.ContentString ? item.content.str : '\uFFFC'.repeat(item.length);
    }
    for (const run of runs) {
      found.push({ node: type, moved: text.slice(run.index), index: run.index, appended: true });
      found.push({ node: type, moved: text.slice(0, run.index + run.length), index: 0, appended: false });
    }
  }
  return found;
}

/**
 * The text nodes still there that `transaction` inserted text into: changed ones, and new ones (a block
 * that became another kind, a heading or a list item, is a new block holding its text).
 */
function textNodesWritten(transaction: Y.Transaction): Set<Y.XmlText> {
  const nodes = new Set<Y.XmlText>();
  const alive = (type: unknown): type is Y.XmlText => type instanceof Y.XmlText && (type._item === null || !type._item.deleted);
  for (const type of transaction.changed.keys()) if (alive(type)) nodes.add(type);
  const store = transaction.doc.store;
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    const structs = store.clients.get(client);
    if (after <= before || structs === undefined) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct instanceof Y.Item && struct.content instanceof Y.ContentType && alive(struct.content.type)) nodes.add(struct.content.type);
    }
  }
  return nodes;
}

function lostIn(node: Y.XmlText, transaction: Y.Transaction, own: (client: number) => boolean, moved: readonly MovedText[]): LostText[] {
  const ds = transaction.deleteSet;
  // The characters the node showed before this transaction, with their marks.
  const chars: Char[] = [];
  const attributes = new Map<string, unknown>();
  for (let item = node._start; item !== null; item = item.right) {
    // Gone before, or arrived with this transaction: not shown.
    if ((item.deleted && !Y.isDeleted(ds, item.id)) || item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)) continue;
    if (item.content instanceof Y.ContentFormat) {
      const { key, value } = item.content;
      if (value === null) attributes.delete(key);
      else attributes.set(key, value);
    } else if (item.countable) {
      const text = item.content instanceof Y.ContentString ? item.content.str : '\uFFFC'.repeat(item.length);
      const marks = Object.fromEntries(attributes);
      for (let i = 0; i < text.length; i++) chars.push({ ch: text[i]!, client: item.id.client, clock: item.id.clock + i, attributes: marks });
    }
  }
  // Candidate thresholds: the joiner saw this person's characters below the clock, none from it on.
  const thresholds = [Infinity, ...new Set(chars.filter((c) => own(c.client)).map((c) => c.clock))].sort((a, b) => b - a);
  const candidates = thresholds.flatMap((threshold) => {
    const seen = chars.filter((c) => !(own(c.client) && c.clock >= threshold)).map((c) => c.ch).join('');
    if (seen.length === 0) return []; // nothing of it moved: nothing tells where it went
    return moved
      .filter((m) => m.moved.length > 0 && (m.appended ? seen.endsWith(m.moved) : seen.startsWith(m.moved)))
      .map((m) => ({ threshold, seen, m, whole: m.moved.length === seen.length }));
  });
  // All of the node's text moved under the highest threshold that says so; failing that, part of it did
  // (the joiner deleted the rest) under the highest threshold that says so.
  const chosen = candidates.find((c) => c.whole) ?? candidates[0];
  if (chosen === undefined || chosen.threshold === Infinity) return []; // the joiner saw all of it
  const { threshold, seen, m } = chosen;
  // Where the moved text starts in the seen text.
  const from = m.appended ? seen.length - m.moved.length : 0;
  const lost: LostText[] = [];
  let seenBefore = 0;
  let current: { text: string; attributes: Record<string, unknown>; offset: number } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const offset = Math.min(m.moved.length, Math.max(0, current.offset - from));
    // Anchored to the moved character it goes before (or the node's end): edits meanwhile move it along.
    const at = Y.createRelativePositionFromTypeIndex(m.node, m.index + offset);
    const text = current.text.replace(/\uFFFC/g, '');
    if (text.length > 0) lost.push({ text, attributes: current.attributes, at });
    current = undefined;
  };
  for (const c of chars) {
    if (!own(c.client) || c.clock < threshold) {
      flush();
      seenBefore += 1;
      continue;
    }
    if (current !== undefined && !sameMarks(current.attributes, c.attributes)) flush();
    current ??= { text: '', attributes: c.attributes, offset: seenBefore };
    current.text += c.ch;
  }
  flush();
  return lost;
}

function sameMarks(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** Types `lost` again, each run with exactly its own marks, in one transaction of RESCUE_ORIGIN. */
export function typeAgain(doc: Y.Doc, lost: readonly LostText[]): void {
  doc.transact(() => {
    for (const { text, attributes, at } of lost) {
      const pos = Y.createAbsolutePositionFromRelativePosition(at, doc);
      if (pos === null || !(pos.type instanceof Y.XmlText)) continue;
      // Given marks, insert() sets exactly these (any other mark of the neighbours' is ended for it).
      pos.type.insert(pos.index, text, { ...attributes });
    }
  }, RESCUE_ORIGIN);
}

/**
 * Watches `doc` for joins from elsewhere that take this person's text with them, and types it again at
 * once. Returns a function that stops watching.
 */
export function keepTextThroughJoins(doc: Y.Doc, own: (client: number) => boolean): () => void {
  const onTransaction = (transaction: Y.Transaction) => {
    const lost = lostInJoins(transaction, own);
    // After this transaction's cleanup (a transaction started in its handlers would run inside it).
    if (lost.length > 0) queueMicrotask(() => typeAgain(doc, lost));
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}

const REMEMBERED_CLIENTS = 32;

/**
 * Whether a Yjs client id is this person's in this browser: this page's, or an earlier page's of this
 * document here (this browser's copy may hold text of theirs the server has not got yet). Earlier ids
 * count in one tab of the document at a time (the first to open holds a Web Lock), so that two tabs do
 * not both type the same text again.
 */
export function ownClients(docName: string, doc: Y.Doc): (client: number) => boolean {
  const key = `tandem:clients:${docName}`;
  let earlier = new Set<number>();
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    if (Array.isArray(stored)) earlier = new Set(stored.filter((n): n is number => Number.isSafeInteger(n)));
    localStorage.setItem(key, JSON.stringify([...earlier, doc.clientID].slice(-REMEMBERED_CLIENTS)));
  } catch {
    // No storage here: this page's own id is all there is (and no browser copy holds earlier text).
  }
  let steward = false;
  void navigator.locks?.request(`tandem:steward:${docName}`, () => {
    steward = true;
    return new Promise<void>(() => {}); // held for the page's life
  });
  return (client) => client === doc.clientID || (steward && earlier.has(client));
}
