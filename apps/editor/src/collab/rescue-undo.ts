// Ctrl+Z takes back text this person typed that their editor had to type again (join-rescue.ts,
// split-rescue.ts): the undo step that inserted the original characters now inserts the copies too.
//
// The copies are written with their own origin, which the undo manager does not track (a rescue is not
// an edit of the person's to take back by itself). But their undo step still names only the originals,
// which someone else's join or split deleted: Ctrl+Z changed nothing, and the copies stayed.

import * as Y from 'yjs';
import { insertsAndDeletes, moves } from './moved-text.js';

/** Characters typed again: the originals' ids, and the copies' range (client, first clock, length). */
export interface Retyped {
  readonly from: readonly Y.ID[];
  readonly client: number;
  readonly clock: number;
  readonly length: number;
}

/** Adds each copy to the latest undo step of `undoManager` (or redo step, `stack`) that inserted one of its originals. */
export function undoableWithTheOriginal(undoManager: Y.UndoManager, retyped: readonly Retyped[], stack = undoManager.undoStack): void {
  for (const { from, client, clock, length } of retyped) {
    if (length === 0) continue;
    for (let i = stack.length - 1; i >= 0; i--) {
      const step = stack[i]!;
      if (!from.some((id) => Y.isDeleted(step.insertions, id))) continue;
      const copies = Y.createDeleteSet();
      copies.clients.set(client, [{ clock, len: length }] as never); // Yjs' DeleteItem shape
      step.insertions = Y.mergeDeleteSets([step.insertions, copies]);
      break;
    }
  }
}

/**
 * Ctrl+Z takes back words this person typed that someone else's edit has since moved: a join, Enter in the
 * middle of a paragraph, a paragraph made a heading. y-prosemirror writes each as "delete the text, insert
 * it again" by the one who made it, so the words are then that person's copies, and the undo step that typed
 * them named only the deleted originals: Ctrl+Z changed nothing, and Yjs, finding the step empty, went on to
 * take back the one before it (found by a review). Each copy joins the step that inserted its original, as
 * this page's own rescues do; a redo step too (words Ctrl+Z brought back, which Ctrl+Y deletes again).
 * Returns a function that stops watching.
 */
export function undoFollowsMoves(doc: Y.Doc, undoManager: Y.UndoManager): () => void {
  const onTransaction = (transaction: Y.Transaction) => {
    const steps = [...undoManager.undoStack, ...undoManager.redoStack];
    if (transaction.local || steps.length === 0 || !insertsAndDeletes(transaction)) return;
    /** The latest of this person's steps that inserted `id` (-1: none). */
    const stepOf = (id: Y.ID) => steps.findLastIndex((step) => Y.isDeleted(step.insertions, id));
    const mine = (id: Y.ID) => stepOf(id) >= 0;
    // Only the text nodes it deleted characters of this person's undo steps from: where a move may have taken them.
    const nodes = new Set<Y.XmlText>();
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (struct instanceof Y.Item && struct.content instanceof Y.ContentString && struct.parent instanceof Y.XmlText && mine(struct.id)) nodes.add(struct.parent);
    });
    if (nodes.size === 0) return;
    const retyped: Retyped[] = [];
    for (const { ids, run, at } of moves(transaction, nodes)) {
      // Runs of copies one after another (one client, consecutive clocks) whose originals one step of this
      // person's inserted: a run is added to one step, and the words of two steps moved together (a
      // paragraph made a heading) went wholly to the later one, so one Ctrl+Z took back both.
      let current: { from: Y.ID[]; client: number; clock: number; length: number; step: number } | undefined;
      ids.forEach((id, i) => {
        const copy = run.ids[at + i]!;
        const step = stepOf(id);
        if (current !== undefined && step === current.step && copy.client === current.client && copy.clock === current.clock + current.length) {
          current.from.push(id);
          current.length += 1;
          return;
        }
        if (current !== undefined) retyped.push(current);
        current = step >= 0 ? { from: [id], client: copy.client, clock: copy.clock, length: 1, step } : undefined;
      });
      if (current !== undefined) retyped.push(current);
    }
    undoableWithTheOriginal(undoManager, retyped);
    undoableWithTheOriginal(undoManager, retyped, undoManager.redoStack);
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}
