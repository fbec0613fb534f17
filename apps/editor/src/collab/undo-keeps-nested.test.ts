// Alice presses Enter in "two|XYZ"; Bob, having seen it, presses Tab on "three", which goes into a list under
// her new line "XYZ"; then Alice presses Ctrl+Z. Her undo takes the line it made, and the item was left holding
// only Bob's list, which the editor cannot show and deletes: "three" was gone for everyone, and Ctrl+Y did not
// bring it back (found by a review). The line now stays, emptied, while the item holds others' blocks after it.
import type { Node } from 'prosemirror-model';
import { sinkListItem, splitListItem } from 'prosemirror-schema-list';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { li, meetAll, page, run, send, shape, withUndo } from './test-editors.js';

const item = schema.nodes.list_item!;
const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
const doc = (...items: Node[]) => schema.node('doc', null, [ul(...items)]);
const letters = (text: string) => [...text].sort().join('');
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Ctrl+Z of a split whose new line the other has since nested a list under", () => {
  for (const bobAbove of [true, false]) {
    it(`keeps the nested list through Ctrl+Z, Ctrl+Y and Ctrl+Z again (Bob's id ${bobAbove ? 'above' : 'below'})`, async () => {
      const start = doc(li('one'), li('twoXYZ'), li('three'));
      const alice = page(start);
      const undo = withUndo(alice);
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      alice.edit(run(splitListItem(item), 1, 3)); // two|XYZ
      undo.stopCapturing();
      await send(alice, bob);
      bob.edit(run(sinkListItem(item), 3)); // "three" under "XYZ"
      await send(bob, alice);
      expect(shape(alice.ydoc)).toEqual(['>one', '>two', '>XYZ', '>>three']);

      undo.undo();
      await settle();
      await meetAll(alice, bob);
      expect(shape(alice.ydoc)).toEqual(['>one', '>twoXYZ', '>', '>>three']); // before: "three" gone
      undo.redo();
      await settle();
      await meetAll(alice, bob);
      expect(letters(alice.doc().textContent)).toBe(letters(start.textContent));
      undo.undo();
      await settle();
      await meetAll(alice, bob);
      expect(letters(alice.doc().textContent)).toBe(letters(start.textContent));
    });
  }
});
