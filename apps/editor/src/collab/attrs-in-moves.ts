// A block's attributes changed while another person, not having seen the change, moved the block.
//
// y-prosemirror writes Tab on a list item (and Shift+Tab) as "delete the item, make a copy in the other
// list", and the copy carries the attributes as the mover saw them. Alice ticks the task "two" while Bob
// presses Tab in it: Bob's copy is unticked, Alice's tick stays on the deleted item, and everyone lost it.
// Alice's editor can tell, when Bob's move reaches it: the move's note (noted-moves.ts) pairs the item's
// characters with their copies; the block around a copy is new with the move, of the same kind as the
// deleted block around the original, and the value of an attribute there differs from the one this page
// wrote last on the original, and the note says Bob had not seen that write (its `s`: had he, his copy
// would carry it, or he changed it on purpose). So this page writes it on the copy.
//
// Block by block outwards, while both sides stand in the same kind of block and the original's is
// deleted and the copy's new: the paragraph, then the item. A block the text was joined into (not new)
// keeps its own attributes, and a block changed to another kind (a task list made a bullet list) takes
// none of the old one's.

import * as Y from 'yjs';
import { notedMovesIn } from './noted-moves.js';

/** Attributes to write again: `attributes` on `block` (the copy of a block this page had changed). */
export interface AttributesAgain {
  readonly block: Y.XmlElement;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * The attributes this page (`own`: its client ids) last wrote on blocks a move noted in `transaction`
 * (another editor's) copied, where the copy holds another value. Read while the transaction's deleted
 * blocks still hold their values (its afterTransaction handlers, before Yjs collects them).
 */
export function attributesLostIn(transaction: Y.Transaction, own: (client: number) => boolean): AttributesAgain[] {
  const moves = notedMovesIn(transaction);
  if (moves.length === 0) return [];
  const { store } = transaction.doc;
  const again = new Map<Y.XmlElement, Record<string, unknown>>();
  const looked = new Map<Y.XmlText, Set<Y.XmlText>>(); // pairs of text nodes already walked
  // A note names each character (a change of a long list's kind, thousands): runs share an item, found once.
  let lastSource: Y.Item | undefined;
  let lastCopy: Y.Item | undefined;
  const itemAt = (id: Y.ID, last: Y.Item | undefined): Y.Item =>
    last !== undefined && last.id.client === id.client && id.clock >= last.id.clock && id.clock < last.id.clock + last.length ? last : (Y.getItem(store, id) as Y.Item);
  for (const move of moves) {
    for (const { source, copy } of move.pairs) {
      lastCopy = itemAt(copy, lastCopy);
      if (lastCopy.deleted) continue;
      lastSource = itemAt(source, lastSource);
      const original = lastSource.parent;
      const copied = lastCopy.parent;
      if (!(original instanceof Y.XmlText) || !(copied instanceof Y.XmlText) || original === copied) continue;
      const walked = looked.get(original) ?? looked.set(original, new Set()).get(original)!;
      if (walked.has(copied)) continue;
      walked.add(copied);
      let from = original.parent;
      let to = copied.parent;
      while (
        from instanceof Y.XmlElement &&
        to instanceof Y.XmlElement &&
        from !== to &&
        from.nodeName === to.nodeName &&
        from._item?.deleted === true &&
        madeIn(transaction, to)
      ) {
        for (const [name, item] of from._map) {
          // The mover had seen it (and its copy says otherwise on purpose: written over after the move).
          if (!own(item.id.client) || !(item.content instanceof Y.ContentAny) || item.id.clock < move.seen(item.id.client)) continue;
          const value = item.content.getContent()[0];
          if (same(to.getAttribute(name), value)) continue;
          let attributes = again.get(to);
          if (attributes === undefined) again.set(to, (attributes = {}));
          attributes[name] = value;
        }
        from = from.parent;
        to = to.parent;
      }
    }
  }
  return [...again].map(([block, attributes]) => ({ block, attributes }));
}

/** Writes `again` in one transaction of `origin`, on the blocks that still stand. */
export function writeAttributesAgain(doc: Y.Doc, again: readonly AttributesAgain[], origin: unknown): void {
  doc.transact(() => {
    for (const { block, attributes } of again) {
      if (block._item?.deleted === true) continue;
      for (const [name, value] of Object.entries(attributes)) block.setAttribute(name, value as never);
    }
  }, origin);
}

/** Whether `block` was made by `transaction` (not one that stood before it). */
function madeIn(transaction: Y.Transaction, block: Y.XmlElement): boolean {
  const id = block._item?.id;
  return id !== undefined && id.clock >= (transaction.beforeState.get(id.client) ?? 0);
}

/** JSON equality of two attribute values. */
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
