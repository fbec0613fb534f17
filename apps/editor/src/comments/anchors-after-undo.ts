// Keeping comments on their text when this editor moves it. A join (Backspace at the start of a
// paragraph) or a block changing kind is written by y-prosemirror as: delete the text node, insert its
// text elsewhere; the anchors pointed into the deleted node. Enter in the middle of a paragraph deletes
// the text after the caret and inserts it in a new paragraph: the anchors pointed at deleted characters
// (the comment was orphaned). After such an edit of its own, this editor moves them to where the text
// went (found as the join rescue finds it, collab/join-rescue.ts, or as collab/moved-text.ts pairs moved
// characters).
//
// And keeping comments on text that Ctrl+Z brings back. Yjs undoes a deletion by inserting new items with
// the old content; a comment anchored to the old items pointed into deleted text, orphaned for everyone
// (only the editor that undid it knows, through Yjs' local "redone" links, which items replaced which).
// After each of its own undos and redos, this editor moves such anchors onto the new items, as an edit
// of the comments any editor may make (the server's comment rules: ANCHOR_KEYS).

import { ANCHOR_KEYS, COMMENTS } from '@tandem/schema/comments';
import * as Y from 'yjs';
import { findMoved, movedTexts, shownCharacters } from '../collab/join-rescue.js';
import { indexIn, movedCharacters } from '../collab/moved-text.js';

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

/** Where `rel` points in a text node `transaction` deleted: the node and the offset among the characters it showed. */
function inDeletedNode(rel: Y.RelativePosition, transaction: Y.Transaction): { node: Y.XmlText; offset: number } | undefined {
  const store = transaction.doc.store;
  const ds = transaction.deleteSet;
  const shown = (item: Y.Item) => (!item.deleted || Y.isDeleted(ds, item.id)) && item.id.clock < (transaction.beforeState.get(item.id.client) ?? 0);
  if (rel.item !== null) {
    if (Y.getState(store, rel.item.client) <= rel.item.clock) return undefined;
    const item = Y.getItem(store, rel.item);
    const node = item.parent;
    if (!(node instanceof Y.XmlText) || node._item === null || !Y.isDeleted(ds, node._item.id) || !Y.isDeleted(ds, item.id)) return undefined;
    let offset = 0;
    for (let left = node._start; left !== null && left !== item; left = left.right) if (shown(left) && left.countable) offset += left.length;
    // A position that goes with the character before it (assoc < 0, a comment's end) is after that character.
    return { node, offset: offset + (rel.item.clock - item.id.clock) + (rel.assoc >= 0 ? 0 : 1) };
  }
  if (rel.type === null || Y.getState(store, rel.type.client) <= rel.type.clock) return undefined;
  const typeItem = Y.getItem(store, rel.type);
  if (!(typeItem.content instanceof Y.ContentType) || !(typeItem.content.type instanceof Y.XmlText) || !Y.isDeleted(ds, typeItem.id)) return undefined;
  const node = typeItem.content.type;
  let length = 0;
  for (let item = node._start; item !== null; item = item.right) if (shown(item) && item.countable) length += item.length;
  return { node, offset: length };
}

/** The text node `rel` names a character of, if `transaction` deleted that character and not the node. */
function inNodeThatStays(rel: Y.RelativePosition, transaction: Y.Transaction): Y.XmlText | undefined {
  if (rel.item === null || Y.getState(transaction.doc.store, rel.item.client) <= rel.item.clock || !Y.isDeleted(transaction.deleteSet, rel.item)) return undefined;
  const node = Y.getItem(transaction.doc.store, rel.item).parent;
  if (!(node instanceof Y.XmlText) || (node._item !== null && Y.isDeleted(transaction.deleteSet, node._item.id))) return undefined;
  return node;
}

/** Whether `transaction` made a text node (a paragraph Enter made, paragraphs pasted). */
function madeTextNode(transaction: Y.Transaction): boolean {
  const { clientID, store } = transaction.doc;
  const before = transaction.beforeState.get(clientID) ?? 0;
  const structs = store.clients.get(clientID);
  if (structs === undefined || (transaction.afterState.get(clientID) ?? 0) <= before) return false;
  for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
    const struct = structs[i]!;
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentType && struct.content.type instanceof Y.XmlText) return true;
  }
  return false;
}

/**
 * The anchor moves that keep comments on text `transaction` (an edit of this editor's) moved out of text
 * nodes it deleted. Must run before the transaction's cleanup (deleted content is collected then).
 */
export function anchorsAfterMove(transaction: Y.Transaction, anywhere = false): Array<[Y.Map<unknown>, string, Uint8Array]> {
  if (transaction.deleteSet.clients.size === 0) return [];
  const comments = transaction.doc.share.get(COMMENTS);
  if (comments === undefined || comments._map.size === 0) return [];
  // Only a transaction that deleted a text node, or made one, moved text (a keystroke's deletion costs a
  // look at its range).
  let deletedNode = false;
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentType && struct.content.type instanceof Y.XmlText) deletedNode = true;
  });
  if (!deletedNode && !anywhere && !madeTextNode(transaction)) return [];
  /** Where characters moved out of a text node that stays went (Enter earlier in its paragraph), per node. */
  const placesIn = new Map<Y.XmlText, ReturnType<typeof movedCharacters>>();
  const moves: Array<[Y.Map<unknown>, string, Uint8Array]> = [];
  let moved: ReturnType<typeof movedTexts> | undefined;
  for (const item of comments._map.values()) {
    if (item.deleted || !(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Map)) continue;
    const comment = item.content.type as Y.Map<unknown>;
    for (const key of ANCHOR_KEYS) {
      const encoded = comment.get(key);
      if (!(encoded instanceof Uint8Array)) continue;
      let rel: Y.RelativePosition;
      try {
        rel = Y.decodeRelativePosition(encoded);
      } catch {
        continue;
      }
      const stays = inNodeThatStays(rel, transaction);
      if (stays !== undefined) {
        if (!placesIn.has(stays)) placesIn.set(stays, movedCharacters(transaction, [stays], anywhere));
        const place = placesIn.get(stays)!(rel.item!);
        const index = place === undefined ? undefined : indexIn(place.node, place.id);
        // A position that goes with the character before it (assoc < 0, a comment's end) is after that character.
        if (index !== undefined) moves.push([comment, key, Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(place!.node, index + (rel.assoc < 0 ? 1 : 0), rel.assoc))]);
        continue;
      }
      const at = inDeletedNode(rel, transaction);
      if (at === undefined) continue;
      moved ??= movedTexts(transaction);
      const match = findMoved(shownCharacters(at.node, transaction).map((c) => c.ch).join(''), moved);
      if (match === undefined) continue;
      const index = match.index + Math.min(match.length, Math.max(0, at.offset - match.from));
      moves.push([comment, key, Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(match.node, index, rel.assoc))]);
    }
  }
  return moves;
}

/**
 * After each edit of this editor's (`origin`) that moves text, moves the comments on it along. `anywhere`:
 * the origin's edits are moves (the editor moving text it typed again, split-rescue.ts), into any node.
 * Returns a stop function.
 */
export function keepAnchorsThroughMoves(doc: Y.Doc, origin: unknown, anywhere = false): () => void {
  const onTransaction = (transaction: Y.Transaction) => {
    if (transaction.origin !== origin) return;
    const moves = anchorsAfterMove(transaction, anywhere);
    if (moves.length === 0) return;
    queueMicrotask(() =>
      doc.transact(() => {
        for (const [comment, key, value] of moves) comment.set(key, value);
      }, ANCHOR_ORIGIN),
    );
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}
