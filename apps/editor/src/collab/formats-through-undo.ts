// Formatting on text this editor's Ctrl+Z takes out comes back with the text on Ctrl+Y.
//
// A mark is a pair of Yjs format items around the characters (y-prosemirror writes marks as Y.Text
// formatting). When Ctrl+Z deletes this person's words that someone else made bold, every other editor,
// receiving the deletion, tidies the format items left around nothing (Yjs' cleanupYTextAfterTransaction:
// an edit of its own, which no undo step names). Ctrl+Y then put the words back between what was left of
// the marks: plain, for everyone (found by a review). So the step Ctrl+Z adds to the redo stack remembers
// how the words it deleted looked, and Ctrl+Y makes them look so again, as part of the step it adds to the
// undo stack (a further Ctrl+Z takes that formatting out with the words). Right after Ctrl+Z this editor
// tidies the marks as the others will, so that their tidying, reaching it after a quick Ctrl+Y, finds
// nothing left to take off the words.

import * as Y from 'yjs';
import { schema } from '../schema.js';
import { markAllowed } from './allowed-marks.js';

/** The origin of the formatting made again: not an edit of this person's by itself (added to the redo's undo step). */
export const FORMATS_AGAIN_ORIGIN = Symbol('tandem:formats-through-undo');

/** Where a redo step keeps the formatting of the characters its undo deleted. */
const SHOWN = Symbol('tandem:formats-at-undo');

/** A mark attribute (y-prosemirror's: a mark's name, with "--<id>" when it may repeat) and its value. */
type Formats = Record<string, unknown>;

/** `length` characters from (client, clock), deleted by an undo, and how they were formatted then. */
interface ShownRun {
  readonly client: number;
  readonly clock: number;
  readonly length: number;
  readonly formats: Formats;
}

/** Yjs' StackItem and DeleteSet, which its index does not export as types. */
type StackItem = Y.UndoManager['undoStack'][number];
type DeleteSet = StackItem['insertions'];

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** JSON equality of two attribute values (y-prosemirror writes a mark's attrs as a plain object). */
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The characters (items of text) in `deletions`. */
function deletedText(doc: Y.Doc, deletions: DeleteSet): Y.Item[] {
  const out: Y.Item[] = [];
  for (const [client, ranges] of deletions.clients) {
    const structs = doc.store.clients.get(client);
    if (structs === undefined) continue;
    for (const { clock, len } of ranges) {
      for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < clock + len; i++) {
        const struct = structs[i]!;
        if (struct instanceof Y.Item && struct.content instanceof Y.ContentString && struct.parent instanceof Y.XmlText) out.push(struct);
      }
    }
  }
  return out;
}

/**
 * Deletes the format items `deletions` (an undo's) left around nothing, as every other editor does on
 * receiving it (Yjs' cleanupContextlessFormattingGap, which does not run for this editor's own changes).
 * Done here at once, this editor's redo sees the marks as everyone will have them: tidied after the redo,
 * they would have taken the formatting off the words it brought back.
 */
function tidyAsOthersDo(doc: Y.Doc, deletions: DeleteSet): void {
  const gaps = deletedText(doc, deletions).filter((item) => item.parent instanceof Y.XmlText && item.parent._hasFormatting);
  if (gaps.length === 0) return;
  doc.transact((transaction) => {
    for (let item of gaps) {
      while (item.right !== null && (item.right.deleted || !item.right.countable)) item = item.right;
      const seen = new Set<string>();
      for (let at: Y.Item | null = item; at !== null && (at.deleted || !at.countable); at = at.left) {
        if (at.deleted || !(at.content instanceof Y.ContentFormat)) continue;
        if (seen.has(at.content.key)) at.delete(transaction);
        else seen.add(at.content.key);
      }
    }
  }, FORMATS_AGAIN_ORIGIN);
}

/** The characters `step` (a redo step, just added by an undo) deleted, with their formatting before the undo. */
function shownBeforeUndo(doc: Y.Doc, step: StackItem): ShownRun[] {
  const out: ShownRun[] = [];
  // Before the undo: not inserted by it, and not deleted, or deleted by it.
  const wasThere = (item: Y.Item) => !Y.isDeleted(step.insertions, item.id) && (!item.deleted || Y.isDeleted(step.deletions, item.id));
  for (const node of new Set(deletedText(doc, step.deletions).map((item) => item.parent as Y.XmlText))) {
    const current: Formats = {};
    for (let item = node._start; item !== null; item = item.right) {
      if (!wasThere(item)) continue;
      if (item.content instanceof Y.ContentFormat) {
        const { key: name, value } = item.content;
        if (value === null) delete current[name];
        else current[name] = value;
      } else if (item.deleted && item.content instanceof Y.ContentString) {
        out.push({ client: item.id.client, clock: item.id.clock, length: item.length, formats: { ...current } });
      }
    }
  }
  return out;
}

/** The character that stands for `id` now: itself, or what redid it (through every redo), unless deleted. */
function redone(store: Y.Doc['store'], id: Y.ID): Y.ID | undefined {
  let at = id;
  for (;;) {
    if (Y.getState(store, at.client) <= at.clock) return undefined;
    const item = Y.getItem(store, at);
    if (!(item instanceof Y.Item)) return undefined;
    if (item.redone === null) return item.deleted ? undefined : at;
    at = Y.createID(item.redone.client, item.redone.clock + (at.clock - item.id.clock));
  }
}

/** Formats `runs` again where their characters, brought back, look otherwise; returns whether anything changed. */
function formatAgain(doc: Y.Doc, runs: readonly ShownRun[]): boolean {
  const wanted = new Map<Y.XmlText, Map<string, Formats>>();
  for (const { client, clock, length, formats } of runs) {
    for (let i = 0; i < length; i++) {
      const now = redone(doc.store, Y.createID(client, clock + i));
      if (now === undefined) continue;
      const node = (Y.getItem(doc.store, now) as Y.Item).parent;
      if (!(node instanceof Y.XmlText)) continue;
      if (!wanted.has(node)) wanted.set(node, new Map());
      wanted.get(node)!.set(key(now), formats);
    }
  }
  const changes: Array<{ node: Y.XmlText; index: number; length: number; formats: Formats }> = [];
  for (const [node, byCharacter] of wanted) {
    const block = node.parent instanceof Y.XmlElement ? schema.nodes[node.parent.nodeName] : undefined;
    const current: Formats = {};
    let index = 0;
    for (let item = node._start; item !== null; item = item.right) {
      if (item.deleted) continue;
      if (item.content instanceof Y.ContentFormat) {
        const { key: name, value } = item.content;
        if (value === null) delete current[name];
        else current[name] = value;
        continue;
      }
      for (let i = 0; i < item.length; i++, index++) {
        const formats = item.content instanceof Y.ContentString ? byCharacter.get(key(Y.createID(item.id.client, item.id.clock + i))) : undefined;
        if (formats === undefined) continue;
        // Exactly as before the undo: marks it had put on, and marks it had not taken off.
        const change = Object.fromEntries(
          [...new Set([...Object.keys(formats), ...Object.keys(current)])]
            .filter((name) => !same(current[name], formats[name]) && (formats[name] === undefined || markAllowed(block, name)))
            .map((name) => [name, formats[name] ?? null]),
        );
        if (Object.keys(change).length === 0) continue;
        const last = changes.at(-1);
        if (last !== undefined && last.node === node && last.index + last.length === index && same(last.formats, change)) last.length += 1;
        else changes.push({ node, index, length: 1, formats: change });
      }
    }
  }
  if (changes.length === 0) return false;
  doc.transact((transaction) => {
    for (const { node, index, length, formats } of changes) {
      node.format(index, length, formats);
      closeWithOwn(transaction, node, index + length, formats);
    }
  }, FORMATS_AGAIN_ORIGIN);
  return true;
}

/**
 * Gives the marks just made at `end` of `node` a closing format item of this editor's own. Y.Text's format
 * reuses one that is already there, the other person's, left from their mark: their Ctrl+Z of it then
 * deleted it, and the bold ran on over the rest of the line (found testing Bob's Ctrl+Z after Alice's
 * Ctrl+Z and Ctrl+Y). A copy of it, just before it, keeps the mark's end whatever becomes of theirs.
 */
function closeWithOwn(transaction: Y.Transaction, node: Y.XmlText, end: number, formats: Formats): void {
  const own = (item: Y.Item) => item.id.client === transaction.doc.clientID && item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
  const open = new Set(Object.keys(formats).filter((name) => formats[name] !== null));
  if (open.size === 0) return;
  // The item after the last character formatted.
  let item = node._start;
  for (let index = 0; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    if (index + item.length >= end) break;
    index += item.length;
  }
  for (let at = item?.right ?? null; at !== null && (at.deleted || !at.countable) && open.size > 0; at = at.right) {
    if (at.deleted || !(at.content instanceof Y.ContentFormat) || !open.has(at.content.key)) continue;
    open.delete(at.content.key);
    if (own(at)) continue;
    const id = Y.createID(transaction.doc.clientID, Y.getState(transaction.doc.store, transaction.doc.clientID));
    new Y.Item(id, at.left, at.left?.lastId ?? null, at, at.id, node, null, new Y.ContentFormat(at.content.key, at.content.value)).integrate(transaction, 0);
  }
}

/**
 * Keeps the formatting of the text `undoManager`'s undos delete for its redos: remembered in each redo step,
 * made again after the redo, in the undo step the redo added. Returns a function that stops it.
 */
export function keepFormatsThroughUndo(doc: Y.Doc, undoManager: Y.UndoManager): () => void {
  const added = ({ stackItem, type }: { stackItem: StackItem; type: 'undo' | 'redo' }) => {
    if (type !== 'redo') return; // a step added to the redo stack: an undo's
    const shown = shownBeforeUndo(doc, stackItem);
    if (shown.length === 0) return;
    stackItem.meta.set(SHOWN, shown);
    // After the undo's transaction (one started in its handlers would be part of it), before any redo.
    queueMicrotask(() => tidyAsOthersDo(doc, stackItem.deletions));
  };
  const popped = ({ stackItem, type }: { stackItem: StackItem; type: 'undo' | 'redo' }) => {
    const shown = stackItem.meta.get(SHOWN) as ShownRun[] | undefined;
    const step = undoManager.undoStack.at(-1);
    if (type !== 'redo' || shown === undefined || step === undefined) return;
    // After the redo's transaction (one started in its handlers would be part of it).
    queueMicrotask(() => {
      const before = Y.getState(doc.store, doc.clientID);
      if (!formatAgain(doc, shown) || !undoManager.undoStack.includes(step)) return;
      const made = Y.createDeleteSet();
      made.clients.set(doc.clientID, [{ clock: before, len: Y.getState(doc.store, doc.clientID) - before }] as never); // Yjs' DeleteItem shape
      step.insertions = Y.mergeDeleteSets([step.insertions, made]);
    });
  };
  undoManager.on('stack-item-added', added);
  undoManager.on('stack-item-popped', popped);
  return () => {
    undoManager.off('stack-item-added', added);
    undoManager.off('stack-item-popped', popped);
  };
}
