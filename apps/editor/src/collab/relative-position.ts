// ProseMirror position → Yjs relative position, as y-prosemirror's `absolutePositionToRelativePosition`
// computes it, without walking every top-level block before the position.
//
// y-prosemirror walks the fragment from its first block, subtracting each block's size, until it
// reaches the block holding the position: O(blocks before the caret), and it runs several times per
// keystroke. ProseMirror already knows which top-level block holds a position (`resolve`, cached per
// document) and y-prosemirror's mapping which Yjs element mirrors that block (block-index.ts), so this
// jumps to that element and runs the same walk from there. The walk below is
// y-prosemirror's own (src/lib.js, MIT), started at that block; relative-position.test.ts checks it
// gives the same answer as y-prosemirror for every position of varied documents.

import type { Node } from 'prosemirror-model';
import { type EditorState, NodeSelection } from 'prosemirror-state';
import { absolutePositionToRelativePosition } from 'y-prosemirror';
import * as Y from 'yjs';
import { elementOf } from './block-index.js';

/** What y-prosemirror keeps per bound document: each Yjs type's ProseMirror node (text: its nodes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Yjs type: their event types differ
export type YType = Y.AbstractType<any>;
export type Mapping = Map<YType, Node | Node[]>;

/** The `index`-th visible child of a Yjs list type: a walk over its items, cheap pointer steps. */
export function childAt(type: YType, index: number): YType | undefined {
  let i = 0;
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    if (i === index) return (item.content as Y.ContentType).type as YType;
    i += 1;
  }
  return undefined;
}

/**
 * The relative position y-prosemirror would compute for `pos` in `doc`, which `type` mirrors
 * (`mapping` up to date with `doc`). Falls back to y-prosemirror's walk when they disagree.
 */
export function relativePosition(pos: number, doc: Node, type: Y.XmlFragment, mapping: Mapping): Y.RelativePosition {
  const $pos = pos > 0 && pos < doc.content.size ? doc.resolve(pos) : undefined;
  const index = $pos === undefined ? -1 : $pos.index(0);
  // The block's element from the mapping (block-index.ts), not by stepping through the blocks before it.
  const child = index >= 0 && type._length === doc.childCount ? elementOf(type, mapping, doc.child(index)) : undefined;
  if ($pos === undefined || child === undefined) return absolutePositionToRelativePosition(pos, type, mapping);
  // Between two blocks (depth 0): y-prosemirror's walk stops right after stepping over the previous one.
  if ($pos.depth === 0) return itemPosition(child);
  return walk(type, child, pos - $pos.before(1), mapping);
}

/** A position just before `n` in its parent, as y-prosemirror's `createRelativePosition`. */
function itemPosition(n: YType): Y.RelativePosition {
  const item = n._item!;
  const parent = item.parent as YType;
  const typeid = parent._item === null ? null : Y.createID(parent._item.id.client, parent._item.id.clock);
  return new Y.RelativePosition(typeid, typeid === null ? Y.findRootTypeKey(parent) : null, item.id);
}

/**
 * The selection as y-prosemirror keeps it through others' changes. A selected image (a node in a line) is kept as
 * the range around it: y-prosemirror puts a node selection back with NodeSelection.create, which throws when the
 * other person deleted the node, and the throw dropped their change from the view for good (the page went on
 * showing the image, and wrote it back with its next keystroke); narrow-sync.ts selects it again afterwards. A
 * block (a line across the page) stays a node selection: a range around it would become a caret in the line
 * beside it (a review: Backspace then deleted a letter), and a throw now draws the document again (narrow-sync.ts
 * showEveryChange).
 */
export function relativeSelection(state: EditorState, type: Y.XmlFragment, mapping: Mapping) {
  const { selection, doc } = state;
  const kind = (selection as unknown as { jsonID: string }).jsonID;
  return {
    type: kind === 'node' && selection instanceof NodeSelection && selection.node.isInline ? 'text' : kind,
    anchor: relativePosition(selection.anchor, doc, type, mapping),
    head: relativePosition(selection.head, doc, type, mapping),
  };
}

// y-prosemirror's loop, verbatim but for types, entered at block `start` with `pos` relative to it.
/* eslint-disable @typescript-eslint/no-explicit-any -- the walk moves between Yjs type classes */
function walk(type: Y.XmlFragment, start: YType, pos: number, mapping: Mapping): Y.RelativePosition {
  let n: any = start;
  while (n !== null && type !== n) {
    if (n instanceof Y.XmlText) {
      if (n._length >= pos) return Y.createRelativePositionFromTypeIndex(n, pos, type.length === 0 ? -1 : 0);
      pos -= n._length;
      if (n._item !== null && n._item.next !== null) {
        n = (n._item.next.content as Y.ContentType).type;
      } else {
        do {
          n = n._item === null ? null : n._item.parent;
          pos--;
        } while (n !== type && n !== null && n._item !== null && n._item.next === null);
        if (n !== null && n !== type) n = n._item === null ? null : (n._item.next.content as Y.ContentType).type;
      }
    } else {
      const pNodeSize = ((mapping.get(n) as Node | undefined) ?? { nodeSize: 0 }).nodeSize;
      if (n._first !== null && pos < pNodeSize) {
        n = (n._first.content as Y.ContentType).type;
        pos--;
      } else {
        if (pos === 1 && n._length === 0 && pNodeSize > 1) {
          return new Y.RelativePosition(n._item === null ? null : n._item.id, n._item === null ? Y.findRootTypeKey(n) : null, null);
        }
        pos -= pNodeSize;
        if (n._item !== null && n._item.next !== null) {
          n = (n._item.next.content as Y.ContentType).type;
        } else {
          if (pos === 0) {
            n = n._item === null ? n : n._item.parent;
            return new Y.RelativePosition(n._item === null ? null : n._item.id, n._item === null ? Y.findRootTypeKey(n) : null, null);
          }
          do {
            n = n._item.parent;
            pos--;
          } while (n !== type && n._item.next === null);
          if (n !== type) n = (n._item.next.content as Y.ContentType).type;
        }
      }
    }
    if (n === null) throw new RangeError(`Position ${pos} could not be found in the Yjs fragment`);
    if (pos === 0 && n.constructor !== Y.XmlText && n !== type) {
      return itemPosition(n);
    }
  }
  return Y.createRelativePositionFromTypeIndex(type, type._length, type.length === 0 ? -1 : 0);
}
