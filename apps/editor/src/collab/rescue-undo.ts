// Ctrl+Z takes back text this person typed that their editor had to type again (join-rescue.ts,
// split-rescue.ts): the undo step that inserted the original characters now inserts the copies too.
//
// The copies are written with their own origin, which the undo manager does not track (a rescue is not
// an edit of the person's to take back by itself). But their undo step still names only the originals,
// which someone else's join or split deleted: Ctrl+Z changed nothing, and the copies stayed.

import * as Y from 'yjs';

/** Characters typed again: the originals' ids, and the copies' range (client, first clock, length). */
export interface Retyped {
  readonly from: readonly Y.ID[];
  readonly client: number;
  readonly clock: number;
  readonly length: number;
}

/** Adds each copy to the latest undo step of `undoManager` that inserted one of its originals. */
export function undoableWithTheOriginal(undoManager: Y.UndoManager, retyped: readonly Retyped[]): void {
  for (const { from, client, clock, length } of retyped) {
    if (length === 0) continue;
    const stack = undoManager.undoStack;
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
