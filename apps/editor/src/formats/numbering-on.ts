// A numbered list that goes on after a break (a line taken out of it with Shift+Tab, a heading made in its
// middle) numbers on from the list before it, and keeps doing so as that list grows or shrinks, as in Google
// Docs. The part after the break is a list of its own whose first number is stored (`order`, which exports and
// every other editor read); it was set once, when the list split, so an item added above the break left the
// numbers after it wrong ("3. Add eggs", then "3. Bake"; found by an exploratory review). Now a list whose
// first number went on from the numbered list before it in the same container (`order` = that list's first
// number + its items) still does after each of this editor's own changes; its `order` is written again.
// Changes from elsewhere come with their editor's numbers already.

import type { Node } from 'prosemirror-model';
import { Plugin, type Transaction } from 'prosemirror-state';
import { ySyncPluginKey } from 'y-prosemirror';
import { schema } from '../schema.js';

const ordered = schema.nodes.ordered_list!;

/** Where each numbered list that numbers on from the one before it starts in `doc` (its position). */
function numberingOnIn(doc: Node): number[] {
  const out: number[] = [];
  doc.descendants((node, pos) => {
    if (node.isTextblock || node.isLeaf) return false;
    let previous: Node | undefined;
    node.forEach((child, offset) => {
      if (child.type !== ordered) return;
      if (previous !== undefined && (child.attrs.order as number) === (previous.attrs.order as number) + previous.childCount) out.push(pos + 1 + offset);
      previous = child;
    });
    return true;
  });
  // The document's own children (descendants starts inside them).
  let previous: Node | undefined;
  doc.forEach((child, offset) => {
    if (child.type !== ordered) return;
    if (previous !== undefined && (child.attrs.order as number) === (previous.attrs.order as number) + previous.childCount) out.push(offset);
    previous = child;
  });
  return out;
}

/** The changes that make `doc`'s lists at `starts` (positions in it) number on from the list before each again, if any are off. */
function numberOn(doc: Node, starts: ReadonlySet<number>, tr: Transaction): boolean {
  let changed = false;
  const visit = (container: Node, base: number) => {
    let previous: Node | undefined;
    container.forEach((child, offset) => {
      const pos = base + offset;
      if (child.type === ordered) {
        if (previous !== undefined && starts.has(pos)) {
          const wanted = (previous.attrs.order as number) + previous.childCount;
          if (child.attrs.order !== wanted) {
            tr.setNodeMarkup(pos, null, { ...child.attrs, order: wanted });
            child = tr.doc.nodeAt(pos)!; // the list that goes on after it counts from its new number
            changed = true;
          }
        }
        previous = child;
      }
      if (!child.isTextblock && !child.isLeaf) visit(child, pos + 1);
    });
  };
  visit(doc, 0);
  return changed;
}

export function numberingOnPlugin(): Plugin {
  return new Plugin({
    appendTransaction(transactions, oldState, newState) {
      const own = transactions.filter((tr) => tr.docChanged && tr.getMeta(ySyncPluginKey)?.isChangeOrigin !== true);
      if (own.length === 0 || own.length !== transactions.filter((tr) => tr.docChanged).length) return null;
      const before = numberingOnIn(oldState.doc);
      if (before.length === 0) return null;
      // Each such list where this editor's changes took it (none where they deleted it).
      const starts = new Set<number>();
      for (const start of before) {
        let pos: number | null = start;
        for (const tr of own) {
          const mapped = tr.mapping.mapResult(pos, 1);
          if (mapped.deletedAfter) {
            pos = null;
            break;
          }
          pos = mapped.pos;
        }
        if (pos !== null && newState.doc.nodeAt(pos)?.type === ordered) starts.add(pos);
      }
      const tr = newState.tr;
      return numberOn(newState.doc, starts, tr) ? tr : null;
    },
  });
}
