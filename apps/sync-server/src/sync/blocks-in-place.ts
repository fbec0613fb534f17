// Blocks only where the document can hold them. The document (the `prosemirror` fragment) holds blocks, Yjs
// elements: a bare text node, a Y.Text, a Y.Map or a plain value put at its top (any client can, through
// `getArray('prosemirror')`) made every export answer 500 and, with an anchored comment, the comment list and
// restores too; and blocks nested 20 000 deep (an import stops at MAX_NESTING) ran the history threads out of
// stack, so that not even restoring a version from before could mend the document (found by a review). The
// update gate refuses both.

import { MAX_NESTING } from '@tandem/schema/import-limits';
import { FRAGMENT } from '@tandem/schema/schema';
import * as Y from 'yjs';
import { markOutOfPlace } from './marks-in-place.js';

/**
 * What is wrong with where `item` (one an update added) puts a block, if anything: an entry of the document
 * (`fragment`, when it has one) that is not a block, or a block nested deeper than MAX_NESTING levels.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document root, of any type a client made it
export function blockOutOfPlace(item: Y.Item, fragment: Y.AbstractType<Y.YEvent<any>> | undefined): string | undefined {
  if (item.deleted) return undefined;
  const block = item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlElement;
  if (fragment !== undefined && item.parent === fragment && (item.parentSub !== null || !block)) return 'puts something other than a block in the document';
  return block && tooDeep(item) ? `nests blocks more than ${MAX_NESTING} levels deep` : undefined;
}

/**
 * What is wrong with what `transaction` added, if anything: a block where the document cannot hold it, or a
 * mark in a block that may not hold it (marks-in-place.ts). One walk over only the items the transaction added.
 * `writers`: the only clients whose items it may have added (those of the updates it applied), when known: a
 * walk over every client of the document costs time in the number of client ids it ever held.
 */
export function contentOutOfPlace(transaction: Y.Transaction, writers?: Iterable<number>): string | undefined {
  const { doc } = transaction;
  const fragment = doc.share.get(FRAGMENT);
  for (const client of writers ?? transaction.afterState.keys()) {
    const after = transaction.afterState.get(client) ?? 0;
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client);
    if (structs === undefined) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const item = structs[i];
      if (!(item instanceof Y.Item)) continue;
      const wrong = markOutOfPlace(item) ?? blockOutOfPlace(item, fragment);
      if (wrong !== undefined) return wrong;
    }
  }
  return undefined;
}

/** Whether the element `item` holds stands more than MAX_NESTING levels deep (the document is one; counted no further). */
function tooDeep(item: Y.Item): boolean {
  let level = 2;
  for (let parent = item.parent; parent instanceof Y.XmlElement; parent = parent._item?.parent ?? null) {
    if (++level > MAX_NESTING) return true;
  }
  return false;
}
