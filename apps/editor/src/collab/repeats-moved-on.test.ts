// Both press Enter at one place ("jk|l") and one of them then restructures the new line (Shift+Tab or Tab
// on it, or Enter again in it) before the other's change arrives: "l" came out twice. Each page notes its
// moves, and of two Enters at one character the page of the higher client id takes its copy out again
// (double-move.ts) — but only while the other's copy stood, and the other's Shift+Tab had already copied it
// once more, in the same change: its first copy was gone, its words stood, and the repeat was kept. Now the
// other's copy counts if it, or a copy of it made in that change, stands (found by a fuzz of two changes each).
import type { Node } from 'prosemirror-model';
import { liftListItem, sinkListItem, splitListItem } from 'prosemirror-schema-list';
import type { EditorState, Transaction } from 'prosemirror-state';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { MOVED } from './noted-moves.js';
import { cross, li, meetAll, orders, page, run } from './test-editors.js';

const item = schema.nodes.list_item!;
const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
const doc = (...items: Node[]) => schema.node('doc', null, [ul(...items)]);
const letters = (node: Node) => [...node.textContent].sort().join('');


const then: Array<[string, (s: EditorState) => Transaction]> = [
  ['Shift+Tab on her new line', run(liftListItem(item), 4)],
  ['Tab on her new line', run(sinkListItem(item), 4)],
];

describe('both press Enter at one place, and one restructures the new line', () => {
  for (const [what, change] of then) {
    for (const [bobAbove, bobFirst] of orders) {
      it(`Enter at "jk|l" by both, then Alice's ${what}: "l" once (Bob's id ${bobAbove ? 'above' : 'below'}, ${bobFirst ? 'Bob' : 'Alice'} stored first)`, async () => {
        const start = doc(li('abc'), li('def'), li('ghi'), li('jkl'));
        const alice = page(start);
        const bob = page(alice.ydoc);
        bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
        bob.edit(run(splitListItem(item), 3, 2));
        alice.edit(run(splitListItem(item), 3, 2));
        alice.edit(change);
        await (bobFirst ? cross(bob, alice) : cross(alice, bob));
        await meetAll(alice, bob);
        expect(letters(alice.doc())).toBe(letters(start)); // before: "l" twice when Bob's id was above and his change stored first
      });
    }
  }
});

describe('a note naming copies of copies, from any client', () => {
  // A note is never trusted: one naming a chain of 60 000 deleted copies of a character this page moved ran the
  // walk out of stack, and the change threw in the page's handler (found by a review).
  it('a chain of 60 000 copies of copies is followed no further than a few hops, and the change applies', () => {
    const bob = page(doc(li('abc'), li('jkl')));
    const line = ((bob.ydoc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlElement;
    const first = (line.get(0) as Y.XmlText)._start!;
    const l = Y.createID(first.id.client, first.id.clock + 2);
    bob.edit(run(splitListItem(item), 1, 2)); // Enter at "jk|l": his move copies "l"
    const other = new Y.Doc();
    other.clientID = 1; // below Bob's: at one character, his move gives way
    Y.applyUpdate(other, Y.encodeStateAsUpdate(bob.ydoc));
    const hops = 60_000;
    const scratch = other.getText('scratch');
    other.transact(() => {
      scratch.insert(0, 'x'.repeat(hops + 1));
      scratch.delete(0, hops + 1);
      // "l" copied to 1:0, then 1:i to 1:i+1 for every i, each copy deleted.
      other.getMap(MOVED).set('1:0', { r: [l.client, l.clock, 1, 0, 1, 1, 0, 1, 1, hops], s: {} });
    });
    expect(() => Y.applyUpdate(bob.ydoc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(bob.ydoc)), 'remote')).not.toThrow();
    expect(bob.doc().textContent).toBe('abcjkl'); // nothing of Bob's taken out for a copy that does not stand
  });
});
