// A list item deleted by one person (its text deleted, then Backspace twice joins the emptied line to the
// one above) while another, not having seen that, indents, outdents or splits it (found by an exploratory
// run, every time). The indent was worst: the join had written "one" again into the item of "two", the Tab
// deleted that item (and put a copy of "two" into "one"), and each side's deletion took the other's copy,
// "one" lost for everyone; the mover's page then typed "two" again as its own text the joiner had not seen.
import { joinBackward } from 'prosemirror-commands';
import { liftListItem, sinkListItem } from 'prosemirror-schema-list';
import type { EditorState, Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { inText, li, meetAll, type Page, page, run, send, shape } from './test-editors.js';

const list = (...items: string[]) => schema.node('doc', null, [schema.node('bullet_list', null, items.map(li))]);
const item = schema.nodes.list_item!;

/** Alice's page and Bob's on one list; Bob's client id above or below hers (Yjs orders concurrent writes by it). */
function pair(bobAbove: boolean, ...items: string[]) {
  const alice = page(list(...items));
  const bob = page(alice.ydoc);
  bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
  return { alice, bob };
}

/** Alice deletes the text of item `n` and, with two Backspaces, the line it stood on. */
function deleteItem(alice: Page, n: number, text: string) {
  alice.edit((s) => s.tr.delete(inText(n, 0)(s), inText(n, text.length)(s)));
  alice.edit(run(joinBackward, n));
  alice.edit(run(joinBackward, n));
}

const cases: Array<[string, (s: EditorState) => Transaction]> = [
  ['indents it (Tab)', run(sinkListItem(item), 1)],
  ['splits it (Enter)', (s) => s.tr.split(inText(1, 1)(s), 2)],
];

describe('a list item deleted while someone, unseen, moves it', () => {
  for (const [what, move] of cases) {
    for (const bobAbove of [true, false]) {
      for (const aliceFirst of [true, false]) {
        it(`Bob ${what}: the item stays deleted and nothing else goes (Bob's id ${bobAbove ? 'above' : 'below'}, ${aliceFirst ? 'Alice' : 'Bob'} stored first)`, async () => {
          const { alice, bob } = pair(bobAbove, 'one', 'two', 'three');
          bob.edit(move);
          deleteItem(alice, 1, 'two');
          expect(shape(alice.ydoc)).toEqual(['>one', '>three']);
          if (aliceFirst) {
            await send(alice, bob, false);
            await send(bob, alice);
          } else {
            await send(bob, alice);
            await send(alice, bob, false);
          }
          expect(await meetAll(alice, bob)).toEqual(['onethree']);
          expect(shape(alice.ydoc)).toEqual(['>one', '>three']);
        });
      }
    }
  }

  for (const bobAbove of [true, false]) {
    it(`Bob outdents it (Shift+Tab): the item stays deleted (Bob's id ${bobAbove ? 'above' : 'below'})`, async () => {
      const alice = page(list('one', 'two', 'three'));
      alice.edit(run(sinkListItem(item), 1));
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      bob.edit(run(liftListItem(item), 1));
      expect(shape(bob.ydoc)).toEqual(['>one', '>two', '>three']);
      deleteItem(alice, 1, 'two');
      await send(alice, bob, false);
      await send(bob, alice);
      expect(await meetAll(alice, bob)).toEqual(['onethree']);
      expect(shape(alice.ydoc)).toEqual(['>one', '>three']);
    });
  }

  // A guard: emptying the item is not deleting its line. Bob's indented item stays, empty.
  it('Alice only empties item "two" while Bob indents it: the empty item stays, indented', async () => {
    const { alice, bob } = pair(true, 'one', 'two', 'three');
    bob.edit(run(sinkListItem(item), 1));
    alice.edit((s) => s.tr.delete(inText(1, 0)(s), inText(1, 3)(s)));
    await send(alice, bob, false);
    await send(bob, alice);
    await meetAll(alice, bob);
    expect(shape(alice.ydoc)).toEqual(['>one', '>>', '>three']);
  });
});
