// Where text went when someone else's edit moved it.
//
// y-prosemirror writes every change of a paragraph's shape as "delete these characters here, insert the
// same text there": Enter in the middle of a paragraph deletes the text after the caret and inserts it in a
// new paragraph; a join deletes the second paragraph and appends its text to the first; a paragraph made a
// heading is a new block holding the old one's text. A Yjs relative position names a character, and a
// deleted character stays where it was: this person's caret, left before a character that moved, would
// stay behind in the old place (Enter earlier in the paragraph someone is typing in put their caret at the
// end of the first half, and their next keys there). movedCharacters pairs each character such a
// transaction deleted with the character that took its place, where the same text was inserted.

import * as Y from 'yjs';

/** A run of characters one transaction inserted into a text node. */
export interface InsertedRun {
  readonly node: Y.XmlText;
  /** The node is new with the transaction (a paragraph Enter or a change of kind made). */
  readonly fresh: boolean;
  text: string;
  readonly ids: Y.ID[];
  /** The text node whose deleted text this run holds, and the end of what of it was matched so far. */
  takenBy?: Y.XmlText;
  end: number;
}

/** A run of characters one transaction deleted from a text node, which was shown before it. */
interface DeletedRun {
  text: string;
  readonly ids: Y.ID[];
}

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/**
 * The text nodes still there that `transaction` inserted text into: changed ones, and new ones (a block
 * that became another kind, a heading or a list item, is a new block holding its text).
 */
export function nodesWritten(transaction: Y.Transaction): Set<Y.XmlText> {
  const nodes = new Set<Y.XmlText>();
  const alive = (type: unknown): type is Y.XmlText => type instanceof Y.XmlText && (type._item === null || !type._item.deleted);
  for (const type of transaction.changed.keys()) if (alive(type)) nodes.add(type);
  forEachNewItem(transaction, (item) => {
    if (item.content instanceof Y.ContentType && alive(item.content.type)) nodes.add(item.content.type);
  });
  return nodes;
}

/** Calls `visit` with each item `transaction` added to the document, client by client. */
export function forEachNewItem(transaction: Y.Transaction, visit: (item: Y.Item) => void): void {
  const store = transaction.doc.store;
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    const structs = store.clients.get(client);
    if (after <= before || structs === undefined) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct instanceof Y.Item) visit(struct);
    }
  }
}

/** Whether the struct `id` names was made by `transaction` (arrived with it, or created in it). */
export const madeIn = (transaction: Y.Transaction, id: Y.ID): boolean => id.clock >= (transaction.beforeState.get(id.client) ?? 0);
const isNew = madeIn;

/** Whether `item`, deleted, was brought back by `transaction`: an undo or redo in it made its copy. */
export function broughtBackBy(transaction: Y.Transaction, item: Y.Item): boolean {
  if (!item.deleted || item.redone === null) return false;
  const copy = Y.getItem(transaction.doc.store, item.redone);
  return copy instanceof Y.Item && madeIn(transaction, copy.id);
}

/** The runs of characters `transaction` inserted into text nodes still there, each run's characters next to each other. */
export function insertedRuns(transaction: Y.Transaction): InsertedRun[] {
  const runs: InsertedRun[] = [];
  for (const node of nodesWritten(transaction)) {
    let run: InsertedRun | undefined;
    for (let item = node._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      if (!isNew(transaction, item.id) || !(item.content instanceof Y.ContentString)) {
        run = undefined;
        continue;
      }
      if (run === undefined) runs.push((run = { node, fresh: node._item !== null && isNew(transaction, node._item.id), text: '', ids: [], end: 0 }));
      const { str } = item.content;
      run.text += str;
      for (let i = 0; i < str.length; i++) run.ids.push(Y.createID(item.id.client, item.id.clock + i));
    }
  }
  return runs;
}

/**
 * The runs of characters of `node` shown before `transaction` and deleted by it. `deletedAlso` names
 * characters deleted before it that count as shown (this page's own deletions, which the mover had not
 * seen), with their text.
 */
function deletedRuns(transaction: Y.Transaction, node: Y.XmlText, deletedAlso?: (id: Y.ID) => string | undefined): DeletedRun[] {
  const runs: DeletedRun[] = [];
  let run: DeletedRun | undefined;
  /** The runs holding a character this transaction deleted (one of this page's deletions alone moved nowhere). */
  const moving = new Set<DeletedRun>();
  const add = (ch: string, id: Y.ID, now = true) => {
    if (run === undefined) runs.push((run = { text: '', ids: [] }));
    run.text += ch;
    run.ids.push(id);
    if (now) moving.add(run);
  };
  for (let item = node._start; item !== null; item = item.right) {
    if (isNew(transaction, item.id)) continue;
    const deletedNow = Y.isDeleted(transaction.deleteSet, item.id);
    if (item.deleted && !deletedNow) {
      // Gone before: not shown (its text may be collected already), unless `deletedAlso` says what it was.
      if (deletedAlso === undefined) continue;
      for (let i = 0; i < item.length; i++) {
        const id = Y.createID(item.id.client, item.id.clock + i);
        const ch = deletedAlso(id);
        if (ch !== undefined) add(ch, id, false);
      }
      continue;
    }
    if (!item.countable) continue;
    if (!deletedNow || !(item.content instanceof Y.ContentString)) {
      run = undefined;
      continue;
    }
    const { str } = item.content;
    for (let i = 0; i < str.length; i++) add(str[i]!, Y.createID(item.id.client, item.id.clock + i));
  }
  return runs.filter((r) => moving.has(r));
}

/** A character's new place: the text node and its index there. */
export interface NewPlace {
  readonly node: Y.XmlText;
  readonly id: Y.ID;
}

/**
 * For `transaction` (a change from elsewhere), the character that took the place of each character it
 * deleted from `nodes` (text nodes) by moving it: the same text inserted by the same transaction in another
 * place (the first such place not already taken by another node's text). Undefined for a character that was
 * deleted, not moved. Must run before the transaction's cleanup (deleted content is garbage-collected).
 */
export function movedCharacters(
  transaction: Y.Transaction,
  nodes: Iterable<Y.XmlText>,
  anywhere = false,
  deletedAlso?: (id: Y.ID) => string | undefined,
): (id: Y.ID) => NewPlace | undefined {
  const places = new Map<string, NewPlace>();
  // With this page's deletions counted in (deletedAlso), runs cut apart by them match too; where both
  // matchings find a place, the plain one's wins.
  const list = [...nodes];
  const all = deletedAlso === undefined ? moves(transaction, list, anywhere) : [...moves(transaction, list, anywhere, deletedAlso), ...moves(transaction, list, anywhere)];
  for (const { ids, run, at } of all) ids.forEach((id, i) => places.set(key(id), { node: run.node, id: run.ids[at + i]! }));
  return (id) => places.get(key(id));
}

/** Characters one transaction deleted from `node` (`ids`, in order) and inserted as `run.ids[at…]`. */
export interface Move {
  readonly node: Y.XmlText;
  readonly ids: readonly Y.ID[];
  readonly run: { readonly node: Y.XmlText; readonly text: string; readonly ids: readonly Y.ID[] };
  readonly at: number;
}

/** How many (deleted run, inserted run) pairs one transaction's moves are looked for among. */
const MATCH_BUDGET = 200_000;

/**
 * What `transaction` moved out of `nodes` (see movedCharacters). `anywhere`: the transaction is known to
 * move text (this editor's undo, which puts text back where it was), so a node that stays may have moved
 * text into any other. `deletedAlso`: characters deleted before that the mover may have copied too, with
 * their text (see deletedRuns).
 */
export function moves(transaction: Y.Transaction, nodes: Iterable<Y.XmlText>, anywhere = false, deletedAlso?: (id: Y.ID) => string | undefined): Move[] {
  const found: Move[] = [];
  let all: InsertedRun[] | undefined;
  let fresh: InsertedRun[] = [];
  let budget = MATCH_BUDGET;
  for (const node of nodes) {
    // Text moved out of a node that stays went into a new one (Enter, paragraphs pasted into it); out of a
    // node deleted with it, anywhere (a join appends it to the paragraph before). Not text deleted here and
    // the same text typed into another existing paragraph: two edits (a sync after a while offline), no move.
    const deletedNode = node._item !== null && Y.isDeleted(transaction.deleteSet, node._item.id);
    const runsOf = () => {
      if (all === undefined) {
        all = insertedRuns(transaction);
        fresh = all.filter((run) => run.fresh);
      }
      return deletedNode || anywhere ? all : fresh;
    };
    const runs = deletedRuns(transaction, node, deletedAlso);
    for (const deleted of runs) {
      const inserted = runsOf();
      if (inserted.length === 0) break;
      // Joins, splits and their undoing move a few runs; a replacement all over the document (or its undo)
      // deletes and inserts thousands, none of them moved, and pairing each with each would take seconds.
      budget -= inserted.length;
      if (budget < 0) return found;
      // Where the run went: all of it within one inserted run, or (several Enters in it) its first part
      // making up the whole of one inserted run, the rest matched the same way. A paragraph made another
      // block with a Markdown shortcut moved all but the shortcut's characters (looked for in this editor's
      // undo and redo only, as matchEnd below).
      let done = deleted === runs[0] && anywhere ? shortcutLength(deleted.text, inserted, node) : 0;
      while (done < deleted.text.length) {
        const rest = deleted.text.slice(done);
        let match = matchWithin(inserted, node, rest) ?? matchPrefix(inserted, node, rest);
        // A deletion across paragraphs keeps the last one's end, appended to the first: the run's end moved,
        // its start was deleted. Only in this editor's undo or redo (`anywhere`, known to move text back): from
        // elsewhere, a letter typed over such a selection would look the same as a paragraph's last letter.
        // Or the last run, others' letters typed before it: Ctrl+Z of a paste takes out the pasted "ree" of
        // "ThXreeworld" and brings "world" back where it came from.
        if (match === undefined && done === 0 && (deleted === runs[0] || deleted === runs.at(-1)) && anywhere) {
          const end = matchEnd(inserted, node, rest);
          // The last run's end only as the whole of what came back (pasted "wo" before a deleted "world" is not it).
          if (end !== undefined && (deleted === runs[0] || end.length === end.run.text.length)) {
            done = rest.length - end.length;
            match = end;
          }
        }
        if (match === undefined) break;
        const { run, at, length } = match;
        run.takenBy = node;
        run.end = at + length;
        found.push({ node, ids: deleted.ids.slice(done, done + length), run, at });
        done += length;
      }
    }
  }
  return found;
}

/** A Markdown block shortcut at the start of a paragraph's text: `# `, `## `, `- `, `* `, `> `, `1. `, `[ ] ` (the space may not have been typed). */
const SHORTCUT = /^(?:#{1,6}|[-*+]|>|\d{1,3}[.)]|\[[ xX]?\]) ?/;

/**
 * How many leading characters of `text` (a paragraph's first deleted run) are a Markdown shortcut's, when
 * the rest, and not the whole, went into an inserted run (see moves); else 0.
 */
function shortcutLength(text: string, inserted: readonly InsertedRun[], node: Y.XmlText): number {
  const shortcut = SHORTCUT.exec(text)?.[0].length ?? 0;
  if (shortcut === 0 || shortcut >= text.length) return 0;
  if (matchWithin(inserted, node, text) !== undefined || matchPrefix(inserted, node, text) !== undefined) return 0;
  const rest = text.slice(shortcut);
  return matchWithin(inserted, node, rest) !== undefined || matchPrefix(inserted, node, rest) !== undefined ? shortcut : 0;
}

/**
 * The longest end of `text` (not all of it) that an inserted run not taken yet starts with, more than a
 * character unless that is all the run holds: where the rest of a paragraph went when its start was deleted
 * with what came before it.
 */
function matchEnd(inserted: readonly InsertedRun[], node: Y.XmlText, text: string): RunMatch | undefined {
  let best: RunMatch | undefined;
  for (const run of inserted) {
    if (run.node === node || run.takenBy !== undefined || run.text.length === 0) continue;
    const longest = (length: number) => {
      if (length < text.length && (length > 1 || run.text.length === 1) && (best === undefined || length > best.length)) best = { run, at: 0, length };
    };
    // Ends as long as the run's first characters or longer: found where those characters are in the text.
    const probe = run.text.slice(0, 8);
    for (let i = text.indexOf(probe, 1); i >= 0; i = text.indexOf(probe, i + 1)) {
      if (run.text.startsWith(text.slice(i))) {
        longest(text.length - i);
        break;
      }
    }
    // Shorter ends.
    for (let length = Math.min(probe.length - 1, text.length - 1); length >= 1; length--) {
      if (text.endsWith(run.text.slice(0, length))) {
        longest(length);
        break;
      }
    }
  }
  return best;
}

interface RunMatch {
  readonly run: InsertedRun;
  readonly at: number;
  readonly length: number;
}

/**
 * An inserted run holding all of `text`: one not taken yet, anywhere in it; or the one holding `node`'s
 * text so far, right after it (the node's deleted runs are cut apart by characters the mover had not
 * seen, which stayed behind).
 */
function matchWithin(inserted: readonly InsertedRun[], node: Y.XmlText, text: string): RunMatch | undefined {
  for (const run of inserted) {
    if (run.node === node) continue;
    const at = run.takenBy === undefined ? run.text.indexOf(text) : run.takenBy === node && run.text.startsWith(text, run.end) ? run.end : -1;
    if (at >= 0) return { run, at, length: text.length };
  }
  return undefined;
}

/**
 * An inserted run whose text (not taken yet, or the rest of `node`'s) starts `text` and ends there: the
 * text was split again, into this run and more.
 */
function matchPrefix(inserted: readonly InsertedRun[], node: Y.XmlText, text: string): RunMatch | undefined {
  for (const run of inserted) {
    if (run.node === node || (run.takenBy !== undefined && run.takenBy !== node)) continue;
    const at = run.takenBy === undefined ? 0 : run.end;
    const length = run.text.length - at;
    if (length > 0 && text.startsWith(run.text.slice(at))) return { run, at, length };
  }
  return undefined;
}

/** The index of character `id` in `node`'s text, if it is shown there. */
export function indexIn(node: Y.XmlText, id: Y.ID): number | undefined {
  let index = 0;
  for (let item = node._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    if (item.id.client === id.client && id.clock >= item.id.clock && id.clock < item.id.clock + item.length) return index + id.clock - item.id.clock;
    index += item.length;
  }
  return undefined;
}

/** The text node a relative position names, by its item or (at a node's end) by the node itself. */
function nodeOf(doc: Y.Doc, pos: Y.RelativePosition): Y.XmlText | undefined {
  if (pos.item !== null) {
    const item = Y.getItem(doc.store, pos.item);
    return item instanceof Y.Item && item.parent instanceof Y.XmlText ? item.parent : undefined;
  }
  if (pos.type === null) return undefined;
  const item = Y.getItem(doc.store, pos.type);
  return item instanceof Y.Item && item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlText ? item.content.type : undefined;
}

/** The last character of `node` shown before `transaction`. */
function lastShown(transaction: Y.Transaction, node: Y.XmlText): Y.ID | undefined {
  for (let item = node._start === null ? null : lastItem(node); item !== null; item = item.left) {
    if (!item.countable || isNew(transaction, item.id) || (item.deleted && !Y.isDeleted(transaction.deleteSet, item.id))) continue;
    return Y.createID(item.id.client, item.id.clock + item.length - 1);
  }
  return undefined;
}

function lastItem(node: Y.XmlText): Y.Item {
  let item = node._start!;
  while (item.right !== null) item = item.right;
  return item;
}

/**
 * `pos` as it should be after `transaction` (from elsewhere): if it stood before a character the
 * transaction moved, or at the end of a text node whose last characters it moved, the same place in the
 * moved text; otherwise `pos` itself. `anywhere`: the transaction is known to be a move (see moves).
 */
export function followMove(transaction: Y.Transaction, pos: Y.RelativePosition, anywhere = false, deletedAlso?: (id: Y.ID) => string | undefined): Y.RelativePosition {
  const deleted = deletedPlace(transaction, pos);
  if (deleted === undefined) return pos;
  const { node, char, atEnd } = deleted;
  const place = movedCharacters(transaction, [node], anywhere, deletedAlso)(char) ?? afterShortcut(transaction, node, char);
  if (place === undefined) return pos;
  const index = indexIn(place.node, place.id);
  if (index === undefined) return pos;
  return Y.createRelativePositionFromTypeIndex(place.node, atEnd ? index + 1 : index, pos.assoc);
}

/**
 * `pos`, if `transaction` deleted the character it stood at and a note written in it names that character's copy
 * (`copies`: "<client>:<clock>" of a character → its copies, copiesBySource): the same place by the copy. A rescue from elsewhere
 * moves someone's words from one existing paragraph into another (an undo or redo made on another page took the
 * text around them away): no move to find by the text (followMove), but noted.
 */
export function followNotedCopy(transaction: Y.Transaction, pos: Y.RelativePosition, copies: ReadonlyMap<string, readonly Y.ID[]>): Y.RelativePosition | undefined {
  const deleted = deletedPlace(transaction, pos);
  if (deleted === undefined) return undefined;
  // A copy made again (a chain of copies) leaves the earlier ones deleted: the one that stands.
  const { store } = transaction.doc;
  const stands = (id: Y.ID) => id.clock < Y.getState(store, id.client) && !(Y.getItem(store, id) as Y.Item | Y.GC).deleted;
  const copy = copies.get(key(deleted.char))?.find(stands);
  if (copy === undefined) return undefined;
  const item = Y.getItem(transaction.doc.store, copy);
  if (!(item instanceof Y.Item) || !(item.parent instanceof Y.XmlText)) return undefined;
  const index = indexIn(item.parent, copy);
  if (index === undefined) return undefined;
  return Y.createRelativePositionFromTypeIndex(item.parent, deleted.atEnd ? index + 1 : index, pos.assoc);
}

/**
 * Where `pos` stood, when `transaction` deleted it: the character it stood before (or, at the end of a text
 * node, after: `atEnd`), in `node`.
 */
export interface DeletedPlace {
  readonly node: Y.XmlText;
  readonly char: Y.ID;
  readonly atEnd: boolean;
  readonly assoc: number;
  /** The character before `char` in its text, read as the transaction deleted them (Yjs collects deleted text afterwards). */
  readonly before?: Y.ID;
}

export function deletedPlace(transaction: Y.Transaction, pos: Y.RelativePosition): DeletedPlace | undefined {
  const node = nodeOf(transaction.doc, pos);
  if (node === undefined) return undefined;
  const atEnd = pos.item === null;
  const char = atEnd ? lastShown(transaction, node) : pos.item!;
  if (char === undefined || !Y.isDeleted(transaction.deleteSet, char)) return undefined;
  return { node, char, atEnd, assoc: pos.assoc, before: atEnd ? undefined : charBefore(transaction.doc, char) };
}

/**
 * `place` in the characters a rescue typed again (`retyped`: this page's copies of its characters, from
 * join-rescue.ts), if its character is one of those: the same place by its copy.
 */
export function placeInRetyped(doc: Y.Doc, retyped: ReadonlyArray<{ from: readonly Y.ID[]; client: number; clock: number; length: number }>, place: DeletedPlace): Y.RelativePosition | undefined {
  const at = copyPlace(doc, retyped, place.char, place.atEnd, place.assoc);
  if (at !== undefined || place.atEnd) return at;
  // A caret right after the words typed again, before someone else's character (the rest of the paragraph,
  // deleted with it): after the copy of the last of them. It landed in the next paragraph, and the next keys
  // went to its start (a helper's exploratory review).
  return place.before === undefined ? undefined : copyPlace(doc, retyped, place.before, true, place.assoc);
}

/** The character before `id` in its text, deleted or not (format items skipped); read before Yjs collects them. */
function charBefore(doc: Y.Doc, id: Y.ID): Y.ID | undefined {
  const item = Y.getItem(doc.store, id);
  if (!(item instanceof Y.Item)) return undefined;
  if (id.clock > item.id.clock) return Y.createID(id.client, id.clock - 1);
  for (let left = item.left; left !== null; left = left.left) {
    // Deleted text Yjs has collected holds no string, only its length.
    if (left.content instanceof Y.ContentString || left.content instanceof Y.ContentDeleted) return Y.createID(left.id.client, left.id.clock + left.length - 1);
    if (left.countable) return undefined; // an image or a line break between
  }
  return undefined;
}

/** The place before (or, `after`, after) the copy of character `char` in `retyped`, if it was typed again. */
function copyPlace(doc: Y.Doc, retyped: ReadonlyArray<{ from: readonly Y.ID[]; client: number; clock: number; length: number }>, char: Y.ID, after: boolean, assoc: number): Y.RelativePosition | undefined {
  for (const run of retyped) {
    const i = run.from.findIndex((id) => Y.compareIDs(id, char));
    if (i < 0) continue;
    // The i-th character of the copy: format items the copy holds take clocks too.
    const structs = doc.store.clients.get(run.client);
    if (structs === undefined) return undefined;
    let chars = 0;
    for (let s = Y.findIndexSS(structs, run.clock); s < structs.length && structs[s]!.id.clock < run.clock + run.length; s++) {
      const struct = structs[s]!;
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString) || !(struct.parent instanceof Y.XmlText)) continue;
      const from = Math.max(struct.id.clock, run.clock);
      const count = Math.min(struct.id.clock + struct.length, run.clock + run.length) - from;
      if (i < chars + count) {
        const id = Y.createID(run.client, from + i - chars);
        const index = indexIn(struct.parent, id);
        return index === undefined ? undefined : Y.createRelativePositionFromTypeIndex(struct.parent, after ? index + 1 : index, assoc);
      }
      chars += count;
    }
    return undefined;
  }
  return undefined;
}

/** The most characters a Markdown block shortcut leaves in the text before its space: `[ ]`, `###`, `10.`. */
const SHORTCUT_MAX = 4;

/**
 * Where `char` of `node` went when `transaction` made its paragraph another kind of block with a Markdown
 * shortcut typed at its start (see shortcutMove). movedCharacters looks for all of the deleted text, so the
 * caret of someone else in that paragraph stayed in the deleted one, and their next keys went to the start
 * of the next line. Only for the caret and for this page's own moves (OwnMoves): the whole of a new block's
 * text has to be the old text less one to four leading characters, so others' text rescued on this evidence
 * would be a guess.
 */
function afterShortcut(transaction: Y.Transaction, node: Y.XmlText, char: Y.ID): NewPlace | undefined {
  const move = shortcutMove(transaction, node);
  if (move === undefined) return undefined;
  const at = move.ids.findIndex((id) => Y.compareIDs(id, char));
  if (at >= 0) return { node: move.run.node, id: move.run.ids[at]! };
  // One of the shortcut's own characters: the start of the new block.
  const typed = deletedRuns(transaction, node)[0]!.ids;
  return typed.some((id) => Y.compareIDs(id, char)) && move.run.ids.length > 0 ? { node: move.run.node, id: move.run.ids[0]! } : undefined;
}

/**
 * What `transaction` moved out of `node` if it made its paragraph another kind of block with a Markdown
 * shortcut typed at its start (`- `, `1. `, `> `, `## `, `[ ] `): the paragraph deleted whole, and a new
 * block holding all its text but the shortcut's characters (`ids`: the characters that went on).
 */
export function shortcutMove(transaction: Y.Transaction, node: Y.XmlText): Move | undefined {
  if (node._item === null || !Y.isDeleted(transaction.deleteSet, node._item.id)) return undefined;
  const runs = deletedRuns(transaction, node);
  const old = runs[0];
  if (old === undefined || runs.length > 1) return undefined;
  for (const run of insertedRuns(transaction)) {
    if (!run.fresh) continue;
    for (let cut = 1; cut <= SHORTCUT_MAX && cut < old.text.length; cut++) {
      if (run.text === old.text.slice(cut)) return { node, ids: old.ids.slice(cut), run, at: 0 };
    }
  }
  return undefined;
}

/**
 * `moved` (a transaction's moves) and, when it found none, the paragraphs `transaction` made another kind of
 * block with a Markdown shortcut (all of their text but the shortcut's characters moved, though `moves`,
 * looking for the whole text, finds no move there).
 */
export function movesWithShortcuts(transaction: Y.Transaction, moved: readonly Move[]): Move[] {
  if (moved.length > 0 || !insertsAndDeletes(transaction)) return [...moved];
  return [...nodesDeletedFrom(transaction)].map((n) => shortcutMove(transaction, n)).filter((m) => m !== undefined);
}

/** Whether `transaction` deleted something and inserted something: what any move does. */
export function insertsAndDeletes(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size === 0) return false;
  for (const [client, clock] of transaction.afterState) if (clock > (transaction.beforeState.get(client) ?? 0)) return true;
  return false;
}

/** The text nodes `transaction` deleted characters from that were shown before it. */
export function nodesDeletedFrom(transaction: Y.Transaction): Set<Y.XmlText> {
  const nodes = new Set<Y.XmlText>();
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString)) return;
    if (struct.id.clock >= (transaction.beforeState.get(struct.id.client) ?? 0)) return; // arrived with it
    if (struct.parent instanceof Y.XmlText) nodes.add(struct.parent);
  });
  return nodes;
}

/** What a transaction moved, if it inserted and deleted (an edit's Enter or join); computed once for every module recording it. */
export function movesOf(transaction: Y.Transaction): Move[] {
  const cached = transaction.meta.get(MOVES) as Move[] | undefined;
  if (cached !== undefined) return cached;
  const found = insertsAndDeletes(transaction) ? moves(transaction, nodesDeletedFrom(transaction)) : [];
  transaction.meta.set(MOVES, found);
  return found;
}

/**
 * Sets what `transaction` (this editor's own edit, still open) moved, known exactly from the editor's change
 * (kept-in-place.ts) rather than guessed from the text: what movesOf then answers.
 */
export function setMovesOf(transaction: Y.Transaction, moved: Move[]): void {
  transaction.meta.set(MOVES, moved);
}

/** Transaction meta: its moves, once found (movesOf). */
const MOVES = 'tandem:moves';
