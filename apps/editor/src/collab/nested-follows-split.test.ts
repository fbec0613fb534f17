// Enter in a list item while the other, not having seen it, nests a list under that item (Tab on the item
// after it, or Backspace at its start): what is nested goes under the item's second half, as ProseMirror puts
// it when one change comes after the other. Before, it stayed under the first half, above the second: the
// lines out of order for everyone (found by a list fuzz, 96 of 2 704 combinations).
import { joinBackward } from 'prosemirror-commands';
import type { Node } from 'prosemirror-model';
import { liftListItem, sinkListItem, splitListItem } from 'prosemirror-schema-list';
import { type EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { cross, inText, li, meetAll, orders, p, page, run, withUndo } from './test-editors.js';

const item = schema.nodes.list_item!;
const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
const withList = (text: string, ...items: Node[]) => schema.node('list_item', null, [p(text), ul(...items)]);
const doc = (...items: Node[]) => schema.node('doc', null, [ul(...items)]);

/** Each text block's text, indented by two spaces per list it stands in beyond the first. */
function outline(node: Node, depth = -1): string[] {
  const out: string[] = [];
  node.forEach((child) => {
    if (child.isTextblock) out.push(`${'  '.repeat(Math.max(0, depth))}${child.textContent}`);
    else out.push(...outline(child, child.type.name === 'bullet_list' ? depth + 1 : depth));
  });
  return out;
}

/** The text blocks of each item of the document's list. */
const lines = (node: Node) => node.firstChild!.content.content.map((li) => li.content.content.map((b) => b.textContent));

/** `command` with the caret after `offset` characters of the `n`th text block, as one transaction. */
const at = (n: number, offset: number, command: (s: EditorState, dispatch: (tr: Transaction) => void) => boolean) => (s: EditorState) => {
  let made: Transaction | undefined;
  command(s.apply(s.tr.setSelection(TextSelection.create(s.doc, inText(n, offset)(s)))), (tr) => (made = tr));
  const tr = s.tr;
  for (const step of made!.steps) tr.step(step);
  return tr;
};

const how = (bobAbove: boolean, bobFirst: boolean) => `Bob's id ${bobAbove ? 'above' : 'below'}, ${bobFirst ? 'Bob' : 'Alice'} stored first`;

describe('a list item split while the other nests a list under it', () => {
  for (const [bobAbove, bobFirst] of orders) {
    it(`Enter in "t|wo" and Tab on "three": "three" under "wo" (${how(bobAbove, bobFirst)})`, async () => {
      const alice = page(doc(li('one'), li('two'), li('three'), li('four')));
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      bob.edit(run(sinkListItem(item), 2));
      alice.edit(at(1, 1, splitListItem(item)));
      await (bobFirst ? cross(bob, alice) : cross(alice, bob));
      await meetAll(alice, bob);
      expect(outline(alice.doc())).toEqual(['one', 't', 'wo', '  three', 'four']);
    });

    it(`Enter in "tw|o" and Backspace at the start of "three": "three" a line of the item "o" (${how(bobAbove, bobFirst)})`, async () => {
      const alice = page(doc(li('one'), li('two'), li('three')));
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      bob.edit(at(2, 0, joinBackward)); // "three" a second line of the item "two"
      expect(lines(bob.doc())).toEqual([['one'], ['two', 'three']]);
      alice.edit(at(1, 2, splitListItem(item)));
      await (bobFirst ? cross(bob, alice) : cross(alice, bob));
      await meetAll(alice, bob);
      expect(lines(alice.doc())).toEqual([['one'], ['tw'], ['o', 'three']]);
    });

    // A guard (right before too: Alice's own split took "x" along, and "three" went into the list with it).
    it(`Enter in "t|wo", which holds "x", and Tab on "three": both under "wo", in order, formatting kept (${how(bobAbove, bobFirst)})`, async () => {
      const bold = schema.text('thr', [schema.marks.strong!.create()]);
      const start = doc(li('one'), withList('two', li('x')), schema.node('list_item', null, [schema.nodes.paragraph!.create(null, [bold, schema.text('ee')])]));
      const alice = page(start);
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      bob.edit(run(sinkListItem(item), 3)); // "three" joins "x" in the list under "two"
      alice.edit(at(1, 1, splitListItem(item))); // "x" goes with "wo" in Alice's own change
      await (bobFirst ? cross(bob, alice) : cross(alice, bob));
      await meetAll(alice, bob);
      expect(outline(alice.doc())).toEqual(['one', 't', 'wo', '  x', '  three']);
      const three = alice.doc().firstChild!.lastChild!.lastChild!.lastChild!.firstChild!;
      expect(three.firstChild!.marks.map((m) => m.type.name)).toEqual(['strong']);
      expect(three.textContent).toBe('three');
    });
  }

  // Guards: what the person who nested had seen stays as they made it.
  it('Tab on "three" after the split reached Bob: "three" under "wo", where he put it', async () => {
    const alice = page(doc(li('one'), li('two'), li('three')));
    const bob = page(alice.ydoc);
    alice.edit(at(1, 1, splitListItem(item)));
    await meetAll(alice, bob);
    bob.edit(run(sinkListItem(item), 3));
    await meetAll(alice, bob);
    expect(outline(alice.doc())).toEqual(['one', 't', 'wo', '  three']);
  });

  it('Tab on "wo" after the split reached Bob: "wo" under "t", and nothing moves', async () => {
    const alice = page(doc(li('one'), li('two'), li('three')));
    const bob = page(alice.ydoc);
    alice.edit(at(1, 1, splitListItem(item)));
    await meetAll(alice, bob);
    bob.edit(run(sinkListItem(item), 2));
    await meetAll(alice, bob);
    expect(outline(alice.doc())).toEqual(['one', 't', '  wo', 'three']);
  });

  it('Shift+Tab on a nested item while the other splits the item above it: nothing moves', async () => {
    for (const [bobAbove, bobFirst] of orders) {
      const alice = page(doc(li('one'), withList('two', li('three')), li('four')));
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      bob.edit(run(liftListItem(item), 2));
      alice.edit(at(1, 1, splitListItem(item)));
      await (bobFirst ? cross(bob, alice) : cross(alice, bob));
      await meetAll(alice, bob);
      expect(outline(alice.doc()), how(bobAbove, bobFirst)).toEqual(['one', 't', 'wo', 'three', 'four']);
    }
  });

  it("Ctrl+Z of Bob's Tab after his list moved under the other half takes it back, and leaves no copy", async () => {
    for (const [bobAbove, bobFirst] of orders) {
      const alice = page(doc(li('one'), li('two'), li('three'), li('four')));
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      const undo = withUndo(bob);
      bob.edit(run(sinkListItem(item), 2));
      alice.edit(at(1, 1, splitListItem(item)));
      await (bobFirst ? cross(bob, alice) : cross(alice, bob));
      await meetAll(alice, bob);
      expect(outline(bob.doc())).toEqual(['one', 't', 'wo', '  three', 'four']);
      undo.undo();
      await meetAll(alice, bob);
      expect(outline(alice.doc()), how(bobAbove, bobFirst)).toEqual(['one', 't', 'wo', 'three', 'four']);
    }
  });
});

describe('the move is a change like any other', () => {
  it('is noted as a copy of the nested characters (what other pages tell moved text by)', async () => {
    const alice = page(doc(li('one'), li('two'), li('three')));
    const bob = page(alice.ydoc);
    bob.ydoc.clientID = alice.ydoc.clientID + 1;
    bob.edit(run(sinkListItem(item), 2));
    alice.edit(at(1, 1, splitListItem(item)));
    await cross(alice, bob); // Bob's page sees it: his Tab not yet acknowledged when the split came
    await new Promise((resolve) => setTimeout(resolve, 0)); // the page's fix runs in a microtask
    // Runs [source client, source clock, copy client, copy clock, length]: Bob's own characters (his Tab's
    // copy of "three") copied by Bob (his Tab's own note has Alice's characters as its source).
    const notes = [...bob.ydoc.getMap('tandem:moved').values()] as Array<{ r: number[] }>;
    const copiesOfBobs = notes.filter((n) => n.r[0] === bob.ydoc.clientID && n.r[2] === bob.ydoc.clientID);
    expect(copiesOfBobs.map((n) => n.r.filter((_, i) => i % 5 === 4).reduce((a, b) => a + b, 0))).toEqual(['three'.length]);
    expect(outline(bob.doc())).toEqual(['one', 't', 'wo', '  three']);
  });
});
