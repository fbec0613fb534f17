// Marks only where their block may hold them. A code block holds none: given text formatted with a mark,
// ProseMirror refuses the block's content, y-prosemirror cannot read it, and every editor's page that opens
// the document deletes the block from the shared document, its text with it. Tandem's editor never writes
// one (apps/editor's allowed-marks.ts); any other client could, so the update gate refuses it.

import { schema } from '@tandem/schema/schema';
import { blockHoldsFormat, markNameOf } from '@tandem/schema/stored-attrs';
import * as Y from 'yjs';

/**
 * What is wrong with the first mark `transaction` wrote into a block that may not hold it ("formats
 * code_block's text with strong"), if any. Reads only the items the transaction added (a keystroke's one),
 * as y-prosemirror reads them: a format of a mark the schema knows, not taken off (null), not deleted.
 */
export function markOutOfPlace(transaction: Y.Transaction): string | undefined {
  const { store } = transaction.doc;
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = store.clients.get(client);
    if (structs === undefined) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const item = structs[i];
      if (!(item instanceof Y.Item) || item.deleted || !(item.content instanceof Y.ContentFormat)) continue;
      const { key, value } = item.content;
      if (value === null || value === undefined) continue;
      const block = item.parent instanceof Y.XmlText ? item.parent.parent : null;
      if (!(block instanceof Y.XmlElement)) continue;
      const type = Object.hasOwn(schema.nodes, block.nodeName) ? schema.nodes[block.nodeName] : undefined;
      if (type !== undefined && blockHoldsFormat(type, key) === false) return `formats ${block.nodeName}'s text with ${markNameOf(key)}`;
    }
  }
  return undefined;
}
