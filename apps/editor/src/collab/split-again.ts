// Two people splitting one line at the same moment (each pressing Enter or Shift+Enter at a different place,
// offline or within the network's delay; or one joining, lifting or retyping the line while the other splits
// it): the later split was dropped.
//
// y-prosemirror writes a split as "delete the text after it, write a copy of that text after the break". The
// two copies hold the same characters from the later split point on, and the page whose move starts inside
// the other's takes out its own copy of them (double-move.ts repeatsOfNoted): the words stayed once, in order,
// but that page's line or paragraph break went (Shift+Enter in "ab|cd|ef" by both gave "ab¶cdef¶": the break
// at the end of the line; an Enter gave "ab¶cdef", one paragraph). After taking its copy out, that page now
// makes its split again, in the copy that stayed, right before the first character its own split had moved:
// "ab¶cd¶ef", or "ab¶cd" and "ef". A new edit of its own (through the editor's sync, noted as any move), so
// the other page sees an ordinary Enter in text it holds, and what it typed there meanwhile is kept as it is
// for any Enter (split-rescue.ts). Only when the taking-out emptied the page's own copy (nothing typed into
// it since), and only inside a line: at a line's start there is nothing to split (a join's copy, read so).

import { splitListItem } from 'prosemirror-schema-list';
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { splitBlock } from 'prosemirror-commands';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { noteWhatWasSeen } from './join-rescue.js';
import type { YType } from './relative-position.js';
import { indexIn } from './moved-text.js';
import { changeOf, SPLIT_AGAIN, updateChangedBlocks } from './narrow-sync.js';
import { noteMoves } from './noted-moves.js';

/**
 * Transaction meta of a split made again with this page's line break or image (or of that element only going):
 * the element's id. The sync writes the move anew or keeps the element where the diff finds it in place; either
 * way Ctrl+Z of the split takes the element out and does not put it back at the end of the line, where nobody
 * had put it (undo-gone-copies.ts).
 */
export const ELEMENT_MOVED_AGAIN = 'tandem:element-moved-again';

/** A split of this page's to make again in another's copy of the text it had split. */
export interface SplitAgain {
  /** The other's copy of the first character this page's split moved: the split goes right before it. */
  readonly before: Y.ID;
  /** This page's copy of the moved text: the split is made again only if taking out the repeats emptied it. */
  readonly own: Y.XmlText;
  /** 'block': an Enter; else the element this page's Shift+Enter made (a line break, an image), moved there. */
  readonly made: 'block' | Y.XmlElement;
  /** False: both split at one place, as this page saw it; the element this page's split made only goes. */
  readonly again: boolean;
  /** Whether the other's is still the one other move of these words this page knows of (else nothing is made). */
  readonly alone: () => boolean;
}

/** The element standing right before `node` in its parent, if any (deleted items skipped). */
export function elementBefore(node: Y.XmlText): Y.XmlElement | undefined {
  let item = node._item?.left ?? null;
  while (item !== null && item.deleted) item = item.left;
  return item?.content instanceof Y.ContentType && item.content.type instanceof Y.XmlElement ? item.content.type : undefined;
}

/** Makes each of `splits` again (see above), each as an edit of this page's own. */
export function splitAgain(doc: Y.Doc, splits: readonly SplitAgain[]): void {
  for (const split of splits) {
    try {
      makeAgain(doc, split);
    } catch {
      // Left as it was: the words stand once, in order; only the break is missing, as before.
    }
  }
}

function makeAgain(doc: Y.Doc, { before, own, made, again, alone }: SplitAgain): void {
  if (own.length !== 0) return; // typed into since: its text stays after its own break
  if (!alone()) return; // another move of these words known by now
  const item = Y.getItem(doc.store, before);
  if (!(item instanceof Y.Item) || item.deleted || !(item.parent instanceof Y.XmlText)) return;
  const index = indexIn(item.parent, before);
  if (index === undefined) return;
  const text = item.parent;
  const shown = item.content instanceof Y.ContentString ? item.content.str.charAt(before.clock - item.id.clock) : undefined;
  const type = doc.getXmlFragment('prosemirror');
  const binding = { type, doc, mapping: new Map(), isOMark: new Map() };
  const prev = yXmlFragmentToProseMirrorRootNode(type, schema);
  doc.transact((transaction) => {
    updateYFragment(doc, type, prev, binding); // maps the blocks; changes nothing
    const at = positionIn(text, index);
    // Read as the editor reads it (a block it cannot show is left out, and counts nothing): else left as it is.
    if (at === undefined || at >= prev.content.size || prev.textBetween(at, at + 1) !== shown) return;
    const state = EditorState.create({ schema, doc: prev });
    const $at = prev.resolve(at);
    if (!$at.parent.isTextblock || $at.parentOffset === 0) return; // at a line's start: nothing to split
    const tr = made === 'block' ? enterAt(state, at) : lineBreakAt(state, again ? at : undefined, made);
    if (tr === undefined || !tr.docChanged) return;
    if (made !== 'block' && made._item !== null) transaction.meta.set(ELEMENT_MOVED_AGAIN, made._item.id);
    if (!updateChangedBlocks(binding, prev, tr.doc, changeOf(tr))) updateYFragment(doc, type, tr.doc, binding);
    noteWhatWasSeen(transaction); // as the editor's own sync does
    noteMoves(transaction);
    // A caret at the split point (where this page's own new line was) goes to the start of the line made again.
    const to = again ? characterAt(type, tr.mapping.map(at, 1)) : undefined;
    if (to !== undefined) transaction.meta.set(SPLIT_AGAIN, { from: before, to });
  }, ySyncPluginKey);
}

/** Enter with the caret at `at`, as the keyboard does it (a list or task item splits into two). */
function enterAt(state: EditorState, at: number): Transaction | undefined {
  const placed = state.apply(state.tr.setSelection(TextSelection.create(state.doc, at)));
  let made: Transaction | undefined;
  const take = (tr: Transaction) => void (made = tr);
  const { nodes } = schema;
  if (!splitListItem(nodes.list_item!)(placed, take) && !(nodes.task_item !== undefined && splitListItem(nodes.task_item, { checked: false })(placed, take))) splitBlock(placed, take);
  if (made === undefined) return undefined;
  const tr = state.tr;
  for (const step of made.steps) tr.step(step);
  return tr;
}

/** The line break or image `element` moved to `at` (undefined: deleted). */
function lineBreakAt(state: EditorState, at: number | undefined, element: Y.XmlElement): Transaction | undefined {
  const parent = element.parent;
  const from = parent instanceof Y.XmlElement ? positionIn(parent, element) : undefined;
  const node = from === undefined ? undefined : state.doc.nodeAt(from);
  if (from === undefined || node === null || node === undefined || !node.isInline || node.type.name !== element.nodeName) return undefined;
  const tr = state.tr.delete(from, from + node.nodeSize);
  if (at === undefined) return tr;
  const to = tr.mapping.map(at);
  if (!tr.doc.resolve(to).parent.inlineContent) return undefined;
  return tr.insert(to, node);
}

/** The size in the editor's document of what `type` holds (an XmlText's characters, an element's node). */
function sizeOf(type: YType): number {
  if (type instanceof Y.XmlText) return type.length;
  if (!(type instanceof Y.XmlElement)) return 0;
  if (schema.nodes[type.nodeName]?.isLeaf === true) return 1;
  let size = 2;
  for (const child of type.toArray()) size += sizeOf(child);
  return size;
}

/**
 * The position in the editor's document of `child` of `parent` (an element), or after `child` characters of
 * text node `parent`, counted from the document's Yjs shape (as y-prosemirror's reading of a relative
 * position does, without needing every element mapped to its node first).
 */
function positionIn(parent: Y.XmlElement | Y.XmlText, child: Y.XmlElement | number): number | undefined {
  let pos = 0;
  if (typeof child === 'number') pos = child;
  else {
    if (!(parent instanceof Y.XmlElement)) return undefined;
    const siblings: YType[] = parent.toArray();
    const at = siblings.indexOf(child);
    if (at < 0) return undefined;
    for (const before of siblings.slice(0, at)) pos += sizeOf(before);
    pos += 1; // inside `parent`
  }
  let type: YType = parent;
  while (type._item !== null) {
    const up = type._item.parent;
    if (!(up instanceof Y.XmlElement) && !(up instanceof Y.XmlFragment)) return undefined;
    const siblings: YType[] = up.toArray();
    const at = siblings.indexOf(type);
    if (at < 0) return undefined; // deleted
    for (const before of siblings.slice(0, at)) pos += sizeOf(before);
    if (up instanceof Y.XmlElement) pos += 1; // inside `up`
    type = up;
  }
  return pos;
}

/** The id of the character at position `pos` of the editor's document mirrored by `type` (its first after `pos`), if any. */
function characterAt(type: Y.XmlFragment, pos: number): Y.ID | undefined {
  let parent: YType = type;
  let offset = pos;
  for (let depth = 0; depth < 64; depth++) {
    let found: YType | undefined;
    for (const child of (parent as Y.XmlElement).toArray() as YType[]) {
      const size = sizeOf(child);
      if (child instanceof Y.XmlText && offset < size) {
        let at = offset;
        for (let item = child._start; item !== null; item = item.right) {
          if (item.deleted || !item.countable) continue;
          if (at < item.length) return Y.createID(item.id.client, item.id.clock + at);
          at -= item.length;
        }
        return undefined;
      }
      if (offset < size) {
        found = child;
        break;
      }
      offset -= size;
    }
    if (!(found instanceof Y.XmlElement)) return undefined;
    parent = found;
    offset -= 1; // inside it
  }
  return undefined;
}
