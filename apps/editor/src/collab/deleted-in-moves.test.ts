// Text deleted by one person while another, not having seen that, moves it (Enter earlier in the
// paragraph, a join) must stay deleted: the deleter's editor deletes it from the mover's copy.
import { ySyncPluginKey } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { deleteCopiedBack, OwnDeletions } from './deleted-in-moves.js';
import { at, meet, person, type Person } from './test-editors.js';

/** A person whose editor watches its own deletions as the page does; `stored` says how many of its changes the server acknowledged. */
function deleter(from: Y.Doc | string[], stored = () => 0) {
  let made = 0;
  return person(from, (ydoc) => {
    const own = new OwnDeletions(ydoc, { made: () => made, stored });
    ydoc.on('update', (_u: Uint8Array, _o: unknown, _d: Y.Doc, tr: Y.Transaction) => void (tr.local && (made += 1)));
    return (tr) => {
      if (tr.local && tr.origin === ySyncPluginKey) own.record(tr);
      const back = own.copiedBack(tr);
      return back.length === 0 ? undefined : () => deleteCopiedBack(ydoc, back, 'rescue');
    };
  });
}

const both = (a: Person, b: Person): Array<Array<[Person, Person]>> => [
  [[a, b], [b, a]],
  [[b, a], [a, b]],
];

describe('text deleted while someone else moves it stays deleted', () => {
  it.each([0, 1])('a word deleted in the text an Enter earlier in the paragraph moves (arrival order %i)', (order) => {
    const alice = deleter(['one two three']);
    const bob = person(alice.ydoc);
    alice.edit((s) => s.tr.delete(at(s.doc, 0, 4), at(s.doc, 0, 7))); // "two"
    bob.edit((s) => s.tr.split(at(s.doc, 0, 3))); // Enter after "one"
    expect(meet(both(alice, bob)[order]!)).toEqual(['one', '  three']);
  });

  it('the deleted text at the start or the end of what moved', () => {
    const alice = deleter(['one two three', 'four five six']);
    const bob = person(alice.ydoc);
    alice.edit((s) => s.tr.delete(at(s.doc, 0, 3), at(s.doc, 0, 7))); // " two", right where Bob splits
    alice.edit((s) => s.tr.delete(at(s.doc, 1, 9), at(s.doc, 1, 13))); // " six", the end
    bob.edit((s) => s.tr.split(at(s.doc, 1, 4)));
    bob.edit((s) => s.tr.split(at(s.doc, 0, 3)));
    expect(meet([[alice, bob], [bob, alice]])).toEqual(['one', ' three', 'four', ' five']);
  });

  it('a word deleted in a paragraph someone joins to the one before', () => {
    const alice = deleter(['Hello', 'world wide web']);
    const bob = person(alice.ydoc);
    alice.edit((s) => s.tr.delete(at(s.doc, 1, 6), at(s.doc, 1, 11))); // "wide "
    bob.edit((s) => s.tr.join(at(s.doc, 1, -1)));
    expect(meet([[bob, alice], [alice, bob]])).toEqual(['Helloworld web']);
  });

  it('a deletion and a change of the paragraph to a heading', () => {
    const alice = deleter(['one two three']);
    const bob = person(alice.ydoc);
    alice.edit((s) => s.tr.delete(at(s.doc, 0, 3), at(s.doc, 0, 7)));
    bob.edit((s) => s.tr.setBlockType(at(s.doc, 0, 0), at(s.doc, 0, 0), schema.nodes.heading!, { level: 1 }));
    expect(meet([[alice, bob], [bob, alice]])).toEqual(['one three']);
  });

  it('text put back by someone who had seen it deleted stays (the server had stored the deletion)', () => {
    let stored = 0;
    const alice = deleter(['one two three'], () => stored);
    const bob = person(alice.ydoc);
    alice.edit((s) => s.tr.delete(at(s.doc, 0, 3), at(s.doc, 0, 7)));
    stored = 1; // acknowledged, and Bob gets it
    bob.receive(alice);
    // Bob makes the paragraph a heading with the words back: a new block holding "one two three".
    bob.edit((s) => s.tr.replaceWith(at(s.doc, 0, -1), at(s.doc, 0, 9) + 1, schema.nodes.heading!.create({ level: 1 }, schema.text('one two three'))));
    expect(meet([[alice, bob], [bob, alice]])).toEqual(['one two three']);
  });

  it('someone else\'s deletion brought back by a move is not this page\'s to undo', () => {
    const alice = deleter(['one two three']);
    const bob = person(alice.ydoc);
    const carol = person(alice.ydoc);
    carol.edit((s) => s.tr.delete(at(s.doc, 0, 4), at(s.doc, 0, 7)));
    bob.edit((s) => s.tr.split(at(s.doc, 0, 3)));
    alice.receive(carol);
    alice.receive(bob);
    // Alice deleted nothing: her editor leaves Bob's copy as it came (what Carol's would do is Carol's).
    expect(meet([[alice, bob], [bob, alice], [carol, alice], [alice, carol], [bob, carol]])).toEqual(['one', ' two three']);
  });

  it('text this page moved (its own Enter) is no deletion of its', () => {
    const alice = person(['one two three']);
    const bob = deleter(alice.ydoc);
    bob.edit((s) => s.tr.split(at(s.doc, 0, 7))); // Bob's Enter after "two" moves " three"
    alice.edit((s) => s.tr.split(at(s.doc, 0, 3))); // Alice's, not having seen it, moves " two three"
    // Bob's editor leaves Alice's copy whole (the repeated " three" is double-move.ts's to settle).
    expect(meet([[bob, alice], [alice, bob]])).toContain(' two three');
  });
});
