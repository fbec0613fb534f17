// Text this person's Ctrl+Z (or Ctrl+Y) brings back goes where its left neighbour went since. Alice splits
// "The quick brown fox |jumps", then Bob, having seen it, splits "The quick |brown fox " (his Enter writes
// "brown fox " again in his new line, as a copy). Alice's Ctrl+Z brings "jumps" back where it was, after the
// deleted originals of "brown fox ", so into the first line: "The quick jumps", "brown fox ". It goes after
// Bob's copy of its left neighbour instead ("The quick ", "brown fox jumps"), the copy his move noted
// (noted-moves.ts), as the words were before Alice's Enter. Only a run the undo leaves last in its line (what
// stands after it stays with it), and only after another person's copy in another line.

import * as Y from 'yjs';
import { notedMovesIn } from './noted-moves.js';
import { indexIn, nodesWritten } from './moved-text.js';
import { undoableWithTheOriginal } from './rescue-undo.js';
import { moveStranded } from './split-rescue.js';

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** Others' noted copies kept, per character (the oldest dropped first). */
const MAX_KNOWN = 50_000;

/** Hops followed from a character to a copy of a copy. */
const MAX_HOPS = 16;

/**
 * Watches `undoManager`'s undos and redos in `doc`, and the moves others note; returns a function that stops
 * watching.
 */
export function undoFollowsNeighbours(doc: Y.Doc, undoManager: Y.UndoManager): () => void {
  // Each character others' noted moves copied → its copies.
  const copies = new Map<string, Y.ID[]>();
  const onTransaction = (transaction: Y.Transaction) => {
    if (!transaction.local) {
      for (const note of notedMovesIn(transaction)) {
        for (const { source, copy } of note.pairs) {
          const k = key(source);
          const known = copies.get(k);
          if (known === undefined) copies.set(k, [copy]);
          else if (!known.some((c) => Y.compareIDs(c, copy))) known.push(copy);
        }
      }
      for (const k of copies.keys()) {
        if (copies.size <= MAX_KNOWN) break;
        copies.delete(k);
      }
      return;
    }
    if (transaction.origin !== undoManager || copies.size === 0) return;
    const runs = broughtBackAfterMoved(transaction, (id) => standingCopy(doc, copies, id));
    if (runs.length === 0) return;
    const stack = undoManager.undoing ? undoManager.redoStack : undoManager.undoStack;
    // After this transaction's cleanup (a transaction started in its handlers would run inside it).
    queueMicrotask(() => {
      const retyped = moveStranded(doc, runs);
      // The step that brought them back names the copies too: Ctrl+Y (or Ctrl+Z) takes them out again.
      undoableWithTheOriginal(undoManager, retyped, stack);
    });
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}

/** A copy of `id` that stands, followed through copies of copies, or undefined. */
function standingCopy(doc: Y.Doc, copies: ReadonlyMap<string, readonly Y.ID[]>, id: Y.ID): Y.ID | undefined {
  let frontier: readonly Y.ID[] = [id];
  const seen = new Set<string>();
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0; hop++) {
    const next: Y.ID[] = [];
    for (const at of frontier) {
      for (const copy of copies.get(key(at)) ?? []) {
        if (seen.has(key(copy))) continue;
        seen.add(key(copy));
        const item = copy.clock < Y.getState(doc.store, copy.client) ? Y.getItem(doc.store, copy) : undefined;
        if (item instanceof Y.Item && !item.deleted) return copy;
        next.push(copy);
      }
    }
    frontier = next;
  }
  return undefined;
}

type Run = Parameters<typeof moveStranded>[1][number];

/**
 * The runs `transaction` (this page's undo or redo) brought back that stand last in their line right after
 * the place of a character someone else has since moved to another line, each with where it goes: after that
 * character's copy.
 */
function broughtBackAfterMoved(transaction: Y.Transaction, copyOf: (id: Y.ID) => Y.ID | undefined): Run[] {
  const { doc } = transaction;
  const isNew = (item: Y.Item) => item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
  /** A deleted character this transaction brought back (its copy is new). */
  const broughtBack = (item: Y.Item) => {
    if (!item.deleted || item.redone === null) return false;
    const redone = Y.getItem(doc.store, item.redone);
    return redone instanceof Y.Item && isNew(redone);
  };
  const out: Run[] = [];
  for (const node of nodesWritten(transaction)) {
    const first = firstNewText(node, isNew);
    if (first === undefined) continue;
    // Everything it brought back here, to the end of the line: nothing else may stand after it.
    const ids: Y.ID[] = [];
    let text = '';
    let standsAfter = false;
    for (let item: Y.Item | null = first; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      if (!isNew(item) || !(item.content instanceof Y.ContentString)) {
        standsAfter = true;
        break;
      }
      for (let i = 0; i < item.length; i++) ids.push(Y.createID(item.id.client, item.id.clock + i));
      text += item.content.str;
    }
    if (standsAfter || ids.length === 0) continue;
    // Its left neighbour: past the originals of what it brought back, the character it followed that was moved
    // (past those deleted and not moved); none when one that stands comes first.
    let copy: Y.ID | undefined;
    for (let left = first.left; left !== null && copy === undefined; left = left.left) {
      if (isNew(left) || broughtBack(left)) continue;
      if (!left.deleted) {
        if (left.countable) break;
        continue; // formatting
      }
      // Deleted text (its content collected, ContentDeleted, once nothing here needs it).
      if (left.content instanceof Y.ContentString || left.content instanceof Y.ContentDeleted) copy = copyOf(Y.createID(left.id.client, left.id.clock + left.length - 1));
    }
    if (copy === undefined) continue;
    const target = Y.getItem(doc.store, copy);
    if (!(target instanceof Y.Item) || !(target.parent instanceof Y.XmlText) || target.parent === node) continue;
    const index = indexIn(target.parent, copy);
    if (index === undefined) continue;
    out.push({
      node,
      ids,
      lost: { text, attributes: attributesAt(node, first), at: Y.createRelativePositionFromTypeIndex(target.parent, index + 1), from: ids },
    });
  }
  return out;
}

/** The first text item `transaction` added to `node` that stands. */
function firstNewText(node: Y.XmlText, isNew: (item: Y.Item) => boolean): Y.Item | undefined {
  for (let item = node._start; item !== null; item = item.right) {
    if (!item.deleted && isNew(item) && item.content instanceof Y.ContentString) return item;
  }
  return undefined;
}

/** The marks in force at `at` in `node` (its formatting items before it that stand). */
function attributesAt(node: Y.XmlText, at: Y.Item): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (let item = node._start; item !== null && item !== at; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentFormat)) continue;
    const { key: name, value } = item.content;
    if (value === null) delete attributes[name];
    else attributes[name] = value;
  }
  return attributes;
}
