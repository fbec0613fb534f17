// Marks only where their block may hold them. A code block holds none: given text formatted with a mark,
// ProseMirror refuses the block's content, y-prosemirror cannot read it, and every editor's page that opens
// the document deletes the block from the shared document, its text with it. Tandem's editor never writes
// one (apps/editor's allowed-marks.ts); any other client could, so the update gate refuses it.

import { schema } from '@tandem/schema/schema';
import { blockHoldsFormat, markNameOf } from '@tandem/schema/stored-attrs';
import * as Y from 'yjs';

/**
 * What is wrong with `item` (one an update added) as a format, if anything: a format of a mark the schema
 * knows, not taken off (null), not deleted, in a block that may not hold it ("formats code_block's text with
 * strong"), as y-prosemirror reads it.
 */
export function markOutOfPlace(item: Y.Item): string | undefined {
  if (item.deleted || !(item.content instanceof Y.ContentFormat)) return undefined;
  const { key, value } = item.content;
  if (value === null || value === undefined) return undefined;
  const block = item.parent instanceof Y.XmlText ? item.parent.parent : null;
  if (!(block instanceof Y.XmlElement)) return undefined;
  const type = Object.hasOwn(schema.nodes, block.nodeName) ? schema.nodes[block.nodeName] : undefined;
  return type !== undefined && blockHoldsFormat(type, key) === false ? `formats ${block.nodeName}'s text with ${markNameOf(key)}` : undefined;
}
