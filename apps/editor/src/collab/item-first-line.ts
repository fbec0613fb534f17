// Keeps a list item that changes made apart left without its first line.
//
// A list item is a line, then any blocks (the schema's `paragraph block*`). Yjs orders blocks that two
// people put at one place by their client ids, so a nested list one person put right after an item's line
// can come first once the other's change took that line out and wrote its own after it (Backspace, Tab and
// Enter on one side, Tab on the other: README, #13). y-prosemirror deletes what the schema refuses, and the
// item went with every line in it, for everyone.
//
// Before anything renders a change (Yjs' 'beforeObserverCalls', ahead of y-prosemirror's observer), every
// block it changed or made that must start with a line and now starts with something else gets an empty
// line at its start: an edit of this page's, sent and stored as any other, not an undo step. An item left with
// nothing in it gets none (nothing is lost when it goes). When two pages each add one (each got the other's
// change before its line), the one written by the higher client id is taken out again, while still empty.

import { ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { missingFirstLine } from '@tandem/schema/first-lines';
import { schema } from '../schema.js';
import { forEachNewItem } from './moved-text.js';

/** The origin of the lines added: not the editor's, so not an undo step of this person's. */
export const FIRST_LINE_ORIGIN = Symbol('tandem:first-line');

/** A live empty line right before or after `line` among its parent's blocks, written by a lower client id, if any. */
function emptyNeighbourBelow(line: Y.XmlElement): boolean {
  const own = line._item!;
  const live = (item: Y.Item | null, step: (item: Y.Item) => Y.Item | null): Y.Item | null => {
    while (item !== null && (item.deleted || !item.countable)) item = step(item);
    return item;
  };
  for (const next of [live(own.left, (item) => item.left), live(own.right, (item) => item.right)]) {
    if (next === null || !(next.content instanceof Y.ContentType)) continue;
    const block = next.content.type;
    if (block instanceof Y.XmlElement && block.nodeName === line.nodeName && block.length === 0 && next.id.client < own.id.client) return true;
  }
  return false;
}

/** Watches `doc` for changes that leave a block without the line it must start with; returns the unwatch. */
export function keepItemsWhole(doc: Y.Doc): () => void {
  // The lines this page added, while they stay empty. Two pages that both got the other's change at once
  // both add one: the one written by the higher client id goes again once the other's arrives.
  const added = new Set<Y.XmlElement>();
  const beforeRender = (transaction: Y.Transaction) => {
    // ProseMirror writes only what its schema allows.
    if (transaction.local && transaction.origin === ySyncPluginKey) return;
    const missing: Array<[Y.XmlElement, string]> = [];
    const check = (type: unknown) => {
      if (!(type instanceof Y.XmlElement) || type._item === null || type._item.deleted) return;
      const line = missingFirstLine(type, schema);
      if (line !== undefined) missing.push([type, line]);
    };
    // Blocks whose children changed, and blocks the transaction made (Yjs leaves those out of `changed`):
    // a page opening a document caught in between, or a Ctrl+Y bringing an item back.
    for (const type of transaction.changed.keys()) check(type);
    forEachNewItem(transaction, (item) => {
      if (item.content instanceof Y.ContentType && !transaction.changed.has(item.content.type)) check(item.content.type);
    });
    const twice: Y.XmlElement[] = [];
    if (!transaction.local && added.size > 0) {
      const changed = new Set<unknown>(transaction.changed.keys());
      for (const line of added) {
        if (line._item === null || line._item.deleted || line.length > 0) added.delete(line);
        else if (changed.has(line.parent) && emptyNeighbourBelow(line)) twice.push(line);
      }
    }
    if (missing.length === 0 && twice.length === 0) return;
    // A transaction of its own, applied at once (what renders next reads it) and sent after this one.
    doc.transact(() => {
      for (const [element, name] of missing) {
        const line = new Y.XmlElement(name);
        element.insert(0, [line]);
        added.add(line);
      }
      for (const line of twice) {
        added.delete(line);
        line._item!.delete(doc._transaction!);
      }
    }, FIRST_LINE_ORIGIN);
  };
  doc.on('beforeObserverCalls', beforeRender);
  return () => doc.off('beforeObserverCalls', beforeRender);
}
