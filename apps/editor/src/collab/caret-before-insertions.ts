// This page's caret stays before what others insert right at it, as in Google Docs: two people typing at the
// same place each keep typing where they were, their words in one piece. The caret is kept through a change
// from elsewhere as a Yjs position tied to the character after it (y-prosemirror's, assoc 0), so text the
// other person inserted exactly there came before that character, and the caret after it: each next key went
// after their latest letter, and the two people's words came out letter by letter ("BoAlb iacddes a dthdast.
// this."; found by an exploratory review). After such a change the caret is tied to the character before it.

import * as Y from 'yjs';
import { notedMovesIn } from './noted-moves.js';

/**
 * `pos` (a collapsed caret kept before `transaction`, from elsewhere) moved back over what the transaction
 * inserted right at it, to just after the character that stood before it (a position tied to that character,
 * assoc -1; the start of its text node when none did); `pos` itself when nothing was inserted there, or when
 * that character went with the change.
 */
export function caretBeforeInsertions(transaction: Y.Transaction, pos: Y.RelativePosition): Y.RelativePosition {
  // Only others' typing: a change that noted copies (a move, or a rescue typing this person's own letters again
  // elsewhere) takes the caret along by what it copied (narrow-sync's followMove), and a caret kept before this
  // person's own letters typed again there stood after them (Alice's Ctrl+Z of a join put Bob's "X" back
  // before his caret, and his next key went before it; found by the full browser suite).
  if (transaction.local || pos.assoc < 0 || notedMovesIn(transaction).length > 0) return pos;
  const { doc } = transaction;
  const isNew = (item: Y.Item) => item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
  let node: Y.AbstractType<unknown> | undefined;
  let left: Y.Item | null;
  if (pos.item !== null) {
    if (pos.item.clock >= Y.getState(doc.store, pos.item.client)) return pos;
    const right = Y.getItem(doc.store, pos.item);
    // Inside an item: nothing was inserted between it and the character before (an insertion splits items).
    if (!(right instanceof Y.Item) || right.id.clock !== pos.item.clock || right.deleted) return pos;
    node = right.parent as Y.AbstractType<unknown>;
    left = right.left;
  } else {
    // The end of a text node: its last item.
    const id = pos.type;
    const typeItem = id === null ? null : id.clock < Y.getState(doc.store, id.client) ? Y.getItem(doc.store, id) : null;
    if (!(typeItem instanceof Y.Item) || !(typeItem.content instanceof Y.ContentType)) return pos;
    node = typeItem.content.type as Y.AbstractType<unknown>;
    left = node._start;
    while (left !== null && left.right !== null) left = left.right;
  }
  if (!(node instanceof Y.XmlText)) return pos;
  // Back over what the change inserted (and what was not shown before it: deleted earlier, formats).
  let inserted = false;
  while (left !== null && (isNew(left) || !left.countable || (left.deleted && !Y.isDeleted(transaction.deleteSet, left.id)))) {
    if (isNew(left) && left.countable && !left.deleted) inserted = true;
    left = left.left;
  }
  if (!inserted) return pos;
  if (left === null) return Y.createRelativePositionFromTypeIndex(node, 0, -1);
  if (left.deleted) return pos; // the character before went with the change: as y-prosemirror would place it
  const typeItem = node._item;
  return new Y.RelativePosition(
    typeItem === null ? null : typeItem.id,
    typeItem === null ? Y.findRootTypeKey(node) : null,
    Y.createID(left.id.client, left.id.clock + left.length - 1),
    -1,
  );
}
