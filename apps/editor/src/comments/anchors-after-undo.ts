// Keeping comments on text that Ctrl+Z brings back. Yjs undoes a deletion by inserting new items with
// the old content; a comment anchored to the old items pointed into deleted text, orphaned for everyone
// (only the editor that undid it knows, through Yjs' local "redone" links, which items replaced which).
// After each of its own undos and redos, this editor moves such anchors onto the new items, as an edit
// of the comments any editor may make (the server's comment rules: ANCHOR_KEYS).

import { ANCHOR_KEYS, COMMENTS } from '@tandem/schema/comments';
import * as Y from 'yjs';

/** The origin of the anchor moves: not an edit of the text, so not an undo step. */
export const ANCHOR_ORIGIN = Symbol('tandem:comment-anchors');

/** `encoded` moved onto the item that replaced its own (followed through every redo), or undefined if it did not move. */
function followed(encoded: unknown, doc: Y.Doc): Uint8Array | undefined {
  if (!(encoded instanceof Uint8Array)) return undefined;
  let rel: Y.RelativePosition;
  try {
    rel = Y.decodeRelativePosition(encoded);
  } catch {
    return undefined;
  }
  const id = rel.item ?? rel.type;
  if (id === null || Y.getState(doc.store, id.client) <= id.clock) return undefined;
  const item = Y.getItem(doc.store, id);
  if (!(item instanceof Y.Item) || !item.deleted || item.redone === null) return undefined;
  const abs = Y.createAbsolutePositionFromRelativePosition(rel, doc); // follows the redone links
  if (abs === null) return undefined;
  return Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(abs.type, abs.index, rel.assoc));
}

/** Moves every comment anchor that points into text an undo or redo of this page brought back. */
export function moveAnchorsOntoRedone(doc: Y.Doc): void {
  const moves: Array<[Y.Map<unknown>, string, Uint8Array]> = [];
  for (const comment of doc.getMap(COMMENTS).values()) {
    if (!(comment instanceof Y.Map)) continue;
    for (const key of ANCHOR_KEYS) {
      const moved = followed(comment.get(key), doc);
      if (moved !== undefined) moves.push([comment, key, moved]);
    }
  }
  if (moves.length === 0) return;
  doc.transact(() => {
    for (const [comment, key, value] of moves) comment.set(key, value);
  }, ANCHOR_ORIGIN);
}

/** After each undo and redo of `undoManager`, moves the anchors it left on replaced text. Returns a stop function. */
export function keepAnchorsThroughUndo(undoManager: Y.UndoManager, doc: Y.Doc): () => void {
  // After the undo's transaction (a transaction started in its handlers would be part of it).
  const popped = () => queueMicrotask(() => moveAnchorsOntoRedone(doc));
  undoManager.on('stack-item-popped', popped);
  return () => undoManager.off('stack-item-popped', popped);
}
