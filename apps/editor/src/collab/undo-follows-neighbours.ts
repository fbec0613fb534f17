// Text this person's Ctrl+Z (or Ctrl+Y) brings back goes where its left neighbour went since. Alice splits
// "The quick brown fox |jumps", then Bob, having seen it, splits "The quick |brown fox " (his Enter writes
// "brown fox " again in his new line, as a copy). Alice's Ctrl+Z brings "jumps" back where it was, after the
// deleted originals of "brown fox ", so into the first line: "The quick jumps", "brown fox ". It goes after
// Bob's copy of its left neighbour instead ("The quick ", "brown fox jumps"), the copy his move noted
// (noted-moves.ts), as the words were before Alice's Enter. Only a run the undo leaves last in its line (what
// stands after it stays with it), only after another person's copy in another line, and only a copy made
// after the step being taken back was (an older move, one the step's own text followed, is where it is).

import * as Y from 'yjs';
import { notedMovesIn } from './noted-moves.js';
import { broughtBackBy, indexIn, madeIn, nodesWritten } from './moved-text.js';
import { undoableWithTheOriginal } from './rescue-undo.js';
import { MADE_AT, moveStranded } from './split-rescue.js';
import { sameMarks } from './join-rescue.js';

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** Characters whose copies are kept (the oldest dropped first), and copies kept per character. */
const MAX_KNOWN = 50_000;
const MAX_COPIES = 8;

/** Hops followed from a character to a copy of a copy. */
const MAX_HOPS = 16;

/** Deleted characters looked at, right to left, for one whose copy stands. */
const MAX_LOOKED_AT = 256;

/**
 * Watches `undoManager`'s undos and redos in `doc`, and the moves others note; returns a function that stops
 * watching.
 */
export function undoFollowsNeighbours(doc: Y.Doc, undoManager: Y.UndoManager): () => void {
  // Each character others' noted moves copied → its copies, by key (a note is written by any client: one
  // naming thousands of copies of one character costs as many map lookups, and keeps MAX_COPIES).
  const copies = new Map<string, Map<string, Y.ID>>();
  const onTransaction = (transaction: Y.Transaction) => {
    if (!transaction.local) {
      for (const note of notedMovesIn(transaction)) {
        for (const { source, copy } of note.pairs) {
          const k = key(source);
          let known = copies.get(k);
          if (known === undefined) copies.set(k, (known = new Map()));
          if (known.size < MAX_COPIES) known.set(key(copy), copy);
        }
      }
      for (const k of copies.keys()) {
        if (copies.size <= MAX_KNOWN) break;
        copies.delete(k);
      }
      return;
    }
    if (transaction.origin !== undoManager || copies.size === 0) return;
    // The step taken back: copies made before it was are not what moved its neighbours since.
    const popped = (undoManager as unknown as { currStackItem: { meta: Map<unknown, unknown> } | null }).currStackItem;
    const madeAt = popped?.meta.get(MADE_AT) as ReadonlyMap<number, number> | undefined;
    if (madeAt === undefined) return;
    const since = (id: Y.ID) => id.clock >= (madeAt.get(id.client) ?? 0);
    const groups = broughtBackAfterMoved(transaction, (id) => standingCopy(doc, copies, id, since));
    if (groups.length === 0) return;
    const stack = undoManager.undoing ? undoManager.redoStack : undoManager.undoStack;
    const { afterState } = transaction;
    // After this transaction's cleanup (a transaction started in its handlers would run inside it), and after
    // split-rescue's, registered first: what it typed again right before the run (Bob's X, typed at the start of
    // "jumps") goes along.
    queueMicrotask(() => {
      const runs = groups.flatMap((group) => [...typedAgainBefore(doc, group[0]!, afterState), ...group]);
      const retyped = moveStranded(doc, runs);
      // The step that brought them back names the copies too: Ctrl+Y (or Ctrl+Z) takes them out again.
      undoableWithTheOriginal(undoManager, retyped, stack);
    });
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}

/** A copy of `id` made `since` the step that stands, followed through copies of copies, or undefined. */
function standingCopy(doc: Y.Doc, copies: ReadonlyMap<string, ReadonlyMap<string, Y.ID>>, id: Y.ID, since: (id: Y.ID) => boolean): Y.ID | undefined {
  let frontier: readonly Y.ID[] = [id];
  const seen = new Set<string>();
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0; hop++) {
    const next: Y.ID[] = [];
    for (const at of frontier) {
      for (const [k, copy] of copies.get(key(at)) ?? []) {
        if (seen.has(k) || !since(copy)) continue;
        seen.add(k);
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
 * character's copy (one run per set of marks, each typed again before the next).
 */
function broughtBackAfterMoved(transaction: Y.Transaction, copyOf: (id: Y.ID) => Y.ID | undefined): Run[][] {
  const { doc } = transaction;
  const isNew = (item: Y.Item) => madeIn(transaction, item.id);
  const broughtBack = (item: Y.Item) => broughtBackBy(transaction, item);
  const out: Run[][] = [];
  for (const node of nodesWritten(transaction)) {
    const first = firstNewText(node, isNew);
    if (first === undefined || standsAfter(node)) continue;
    // Everything it brought back here, to the end of the line, by marks: nothing else may stand after it.
    const parts: Array<{ ids: Y.ID[]; text: string; attributes: Record<string, unknown> }> = [];
    let attributes = attributesAt(node, first);
    let others = false;
    for (let item: Y.Item | null = first; item !== null && !others; item = item.right) {
      if (item.deleted) continue;
      if (item.content instanceof Y.ContentFormat) {
        const { key: name, value } = item.content;
        attributes = { ...attributes };
        if (value === null) delete attributes[name];
        else attributes[name] = value;
        continue;
      }
      if (!item.countable) continue;
      if (!isNew(item) || !(item.content instanceof Y.ContentString)) {
        others = true;
        continue;
      }
      let part = parts.at(-1);
      if (part === undefined || !sameMarks(part.attributes, attributes)) parts.push((part = { ids: [], text: '', attributes }));
      for (let i = 0; i < item.length; i++) part.ids.push(Y.createID(item.id.client, item.id.clock + i));
      part.text += item.content.str;
    }
    if (others || parts.length === 0) continue;
    const copy = leftNeighboursCopy(first, isNew, broughtBack, copyOf);
    if (copy === undefined) continue;
    const target = Y.getItem(doc.store, copy);
    if (!(target instanceof Y.Item) || !(target.parent instanceof Y.XmlText) || target.parent === node) continue;
    const index = indexIn(target.parent, copy);
    if (index === undefined) continue;
    const at = Y.createRelativePositionFromTypeIndex(target.parent, index + 1);
    out.push(parts.map(({ ids, text, attributes: marks }) => ({ node, ids, lost: { text, attributes: marks, at, from: ids } })));
  }
  return out;
}

/**
 * The standing copy of the character the run starting at `first` followed: past the originals of what the
 * transaction brought back, the nearest deleted character, right to left, whose copy stands; none when a
 * character that stands comes first.
 */
function leftNeighboursCopy(
  first: Y.Item,
  isNew: (item: Y.Item) => boolean,
  broughtBack: (item: Y.Item) => boolean,
  copyOf: (id: Y.ID) => Y.ID | undefined,
): Y.ID | undefined {
  let looked = 0;
  for (let left = first.left; left !== null && looked < MAX_LOOKED_AT; left = left.left) {
    if (isNew(left) || broughtBack(left)) continue;
    if (!left.deleted) {
      if (left.countable) return undefined;
      continue; // formatting
    }
    // Deleted text (its content collected, ContentDeleted, once nothing here needs it).
    if (!(left.content instanceof Y.ContentString || left.content instanceof Y.ContentDeleted)) continue;
    for (let c = left.length - 1; c >= 0 && looked < MAX_LOOKED_AT; c--, looked++) {
      const copy = copyOf(Y.createID(left.id.client, left.id.clock + c));
      if (copy !== undefined) return copy;
    }
  }
  return undefined;
}

/**
 * The characters typed since `afterState` that stand right before `run` in its node (another handler's rescue,
 * after the undo), as a run to move before it.
 */
function typedAgainBefore(doc: Y.Doc, run: Run, afterState: ReadonlyMap<number, number>): Run[] {
  const start = Y.getItem(doc.store, run.ids[0]!);
  if (!(start instanceof Y.Item) || start.deleted) return [];
  const ids: Y.ID[] = [];
  let text = '';
  let first: Y.Item | undefined;
  for (let item = start.left; item !== null; item = item.left) {
    if (item.deleted || item.content instanceof Y.ContentFormat) continue;
    if (!(item.content instanceof Y.ContentString) || item.id.clock < (afterState.get(item.id.client) ?? 0)) break;
    for (let i = item.length - 1; i >= 0; i--) ids.unshift(Y.createID(item.id.client, item.id.clock + i));
    text = item.content.str + text;
    first = item;
  }
  if (first === undefined) return [];
  return [{ node: run.node, ids, lost: { text, attributes: attributesAt(run.node, first), at: run.lost.at, from: ids } }];
}

/** Whether anything stands after text node `node` in its block (a line break, an image, more text). */
function standsAfter(node: Y.XmlText): boolean {
  for (let item = node._item?.right ?? null; item !== null; item = item.right) if (!item.deleted) return true;
  return false;
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
