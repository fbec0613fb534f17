// A page types again what another's change lost before it takes out repeats: taking out a repeat drops the
// blocks it empties, and one of them could be the list a lost line was to go back into. Alice presses
// Backspace at the start of "def" (her editor writes "abc" again into the item of "def") and Enter in "jkl";
// Bob, unseen, lifts "def" out of the list (his editor writes the rest of the list again). Alice's page found
// "abc" lost (Bob deleted the item holding her copy) and her copy of "kl" a repeat (Bob moved it too); taking
// out "kl" emptied the list, which went, and "abc" was then typed into a list no longer there: lost for
// everyone (found by the list fuzz once its random generator drew every kind of change).
import type { Node } from 'prosemirror-model';
import { joinBackward } from 'prosemirror-commands';
import { liftListItem, splitListItem } from 'prosemirror-schema-list';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { li, meetAll, meetAs, meetings, p, run, shape, twoPages } from './test-editors.js';

const item = schema.nodes.list_item!;
const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
const letters = (node: Node) => [...node.textContent].sort().join('');

describe('a line lost to the other\'s change, and a repeat that empties the list it goes back into', () => {
  for (const meeting of meetings) {
    it(`keeps every letter once (${meeting.name})`, async () => {
      const start = schema.node('doc', null, [ul(li('abc'), schema.node('list_item', null, [p('def'), ul(li('ghi'))]), li('jkl'))]);
      const { alice, bob } = twoPages(start, meeting);
      bob.edit(run(liftListItem(item), 1)); // "def" out of the list
      alice.edit(run(joinBackward, 1)); // "def" joined to "abc"
      alice.edit(run(splitListItem(item), 3, 1)); // "j", "kl"
      await meetAs(alice, bob, meeting);
      await meetAll(alice, bob);
      expect(letters(alice.doc())).toBe(letters(start)); // before: "defghijkl"
      expect(shape(bob.ydoc)).toEqual(shape(alice.ydoc));
    });
  }
});
