// A numbered list that goes on after a break (a line taken out of it with Shift+Tab, a heading made in its
// middle) numbers on from the list before it, and keeps doing so as that list grows or shrinks, as in Google
// Docs. The part after the break is a list of its own whose first number is stored (`order`, which exports and
// every other editor read); it was set once, when the list split, so an item added above the break left the
// numbers after it wrong ("3. Add eggs", then "3. Bake"; found by an exploratory review). Now, after each of this
// editor's own changes inside a numbered list, the lists after it in the same container that numbered on from it
// (`order` = its first number + its items, then each from the one before) still do; their `order` is written
// again. Only the lists around the change are read, never the whole document (a key's work must not grow with
// it). Changes from elsewhere come with their editor's numbers already.

import type { Node } from 'prosemirror-model';
import { Plugin, type Transaction } from 'prosemirror-state';
import { ySyncPluginKey } from 'y-prosemirror';
import { changedRanges, rangeEnds } from '../changed-ranges.js';
import { schema } from '../schema.js';

const ordered = schema.nodes.ordered_list!;

/** Where, in the document after `own`, each numbered list around a range they changed starts. */
function listsAroundChanges(own: readonly Transaction[], doc: Node): Set<number> {
  const lists = new Set<number>();
  for (const [from, to] of changedRanges(own)!) {
    for (const $pos of rangeEnds(doc, from, to)) {
      for (let d = $pos.depth; d > 0; d--) if ($pos.node(d).type === ordered) lists.add($pos.before(d));
    }
  }
  return lists;
}

export function numberingOnPlugin(): Plugin {
  return new Plugin({
    appendTransaction(transactions, oldState, newState) {
      const changed = transactions.filter((tr) => tr.docChanged);
      const own = changed.filter((tr) => tr.getMeta(ySyncPluginKey)?.isChangeOrigin !== true);
      if (own.length === 0 || own.length !== changed.length) return null;
      const lists = listsAroundChanges(own, newState.doc);
      if (lists.size === 0) return null; // typing outside numbered lists: nothing read
      const tr = newState.tr;
      for (const pos of [...lists].sort((a, b) => a - b)) {
        const list = tr.doc.nodeAt(pos);
        if (list?.type !== ordered) continue;
        // The list as it was before these changes: what the lists after it numbered on from.
        let oldPos = pos;
        for (const change of [...own].reverse()) oldPos = change.mapping.invert().map(oldPos, 1);
        const was = oldState.doc.nodeAt(oldPos);
        if (was?.type !== ordered) continue;
        const $list = tr.doc.resolve(pos);
        const container = $list.parent;
        let previous = { wasNext: (was.attrs.order as number) + was.childCount, next: (list.attrs.order as number) + list.childCount };
        let at = pos + list.nodeSize;
        for (let i = $list.index() + 1; i < container.childCount; i++) {
          const sibling = container.child(i);
          const start = at;
          at += sibling.nodeSize;
          if (sibling.type !== ordered) continue;
          const order = sibling.attrs.order as number;
          if (order !== previous.wasNext) break; // started again from a number of its own
          if (order !== previous.next) tr.setNodeMarkup(start, null, { ...sibling.attrs, order: previous.next });
          previous = { wasNext: order + sibling.childCount, next: previous.next + sibling.childCount };
        }
      }
      return tr.docChanged ? tr : null;
    },
  });
}
