// A page read the other's copy, by its text, as going on from its own copy, when the other's was a copy of
// another character: Bob joins "jkl" to "ghi" (his editor writes "jkl" again as the item's second line) and
// splits "jk|l"; Alice, at the same moment, lifts "def" out of the list (her editor writes "ghi" and "jkl"
// again, from the originals). Bob's page took Alice's "l" as following his joined "jk" and took out his "l";
// Alice's took out hers, as the noted moves' rule says (both moved the original "l"): "l" was lost (found by a
// review). A character the other noted as its copy of another is left to that rule, on both pages.
import type { Node } from 'prosemirror-model';
import { joinBackward } from 'prosemirror-commands';
import { liftListItem, splitListItem } from 'prosemirror-schema-list';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { li, meetAll, meetAs, meetings, run, shape, twoPages } from './test-editors.js';

const item = schema.nodes.list_item!;
const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
const letters = (node: Node) => [...node.textContent].sort().join('');

describe("the other's copy of another character, read by its text", () => {
  for (const meeting of meetings) {
    it(`is no repeat of this page's (${meeting.name})`, async () => {
      const start = schema.node('doc', null, [ul(li('abc'), li('def'), li('ghi'), li('jkl'))]);
      const { alice, bob } = twoPages(start, meeting);
      bob.edit(run(joinBackward, 3)); // "jkl" a second line of "ghi"'s item
      bob.edit(run(splitListItem(item), 3, 2)); // "jk", "l"
      alice.edit(run(liftListItem(item), 1)); // "def" out of the list
      await meetAs(alice, bob, meeting);
      await meetAll(alice, bob);
      expect(letters(alice.doc())).toBe(letters(start)); // before, crossing at the same moment with Bob's id below: no "l"
      expect(shape(bob.ydoc)).toEqual(shape(alice.ydoc));
    });
  }
});
