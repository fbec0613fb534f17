// Two editors deleting one text node each say what they had seen of it (join-rescue.ts' SEEN), and one of
// them may be the only one to say which block it deleted with it. Under one key per node the shared map
// kept one of the two notes. Bob, unseen, joins "ghi" to "def" (Backspace at its start), Tabs "jkl" and
// presses Enter before "ghi" (his editor writes "def" again into a new item and "ghi" into the item "def"
// had); Alice Tabs "jkl" and "def" (deleting that item): both deleted the text node of "def", Bob's note
// won, and Alice's, the only one saying she had deleted the item holding Bob's "ghi", was lost: "ghi" was
// gone for everyone (found by a fuzz of three list changes each). Now each editor writes its own key.
import { joinBackward } from 'prosemirror-commands';
import type { Node } from 'prosemirror-model';
import { sinkListItem, splitListItem } from 'prosemirror-schema-list';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { li, meetAll, meetAs, meetings, run, shape, twoPages } from './test-editors.js';

const item = schema.nodes.list_item!;
const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
const letters = (node: Node) => [...node.textContent].sort().join('');

describe('one text node deleted by two editors, each saying what it had seen', () => {
  for (const meeting of meetings) {
    it(`keeps every letter once (${meeting.name})`, async () => {
      const start = schema.node('doc', null, [ul(li('abc'), li('def'), li('ghi'), li('jkl'))]);
      const { alice, bob } = twoPages(start, meeting);
      bob.edit(run(joinBackward, 2)); // "ghi" a second line of "def"'s item
      bob.edit(run(sinkListItem(item), 3)); // "jkl" nested in that item
      bob.edit(run(splitListItem(item), 2, 0)); // Enter before "ghi"
      alice.edit(run(sinkListItem(item), 3)); // "jkl" under "ghi"
      alice.edit(run(sinkListItem(item), 1)); // "def" under "abc"
      await meetAs(alice, bob, meeting);
      await meetAll(alice, bob);
      expect(letters(alice.doc())).toBe(letters(start)); // before: "abcdefjkl"
      expect(shape(bob.ydoc)).toEqual(shape(alice.ydoc));
    });
  }
});

// Found by a review: a page from before per-writer keys (an open tab outlives a deploy) looks a note up under
// the node's key alone; not finding it, it took every letter of the node for unseen and typed its person's
// again ("def" twice after the other's Tab). Each note is written under both keys.
describe('notes written for pages from before per-writer keys', () => {
  it("holds each note under the node's key too, the same note", () => {
    const start = schema.node('doc', null, [ul(li('abc'), li('def'), li('ghi'))]);
    const { bob } = twoPages(start, meetings[0]!);
    bob.edit(run(sinkListItem(item), 1)); // Tab on "def": its text node deleted, a copy under "abc"
    const notes = bob.ydoc.getMap<unknown>('tandem:seen');
    const perWriter = [...notes.keys()].filter((key) => key.endsWith(`/${bob.ydoc.clientID}`));
    expect(perWriter.length).toBeGreaterThan(0);
    for (const key of perWriter) expect(notes.get(key.slice(0, key.indexOf('/')))).toEqual(notes.get(key));
  });
});
