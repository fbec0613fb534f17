// Changes made apart left a list item without its first line: Bob, offline, presses Backspace at the start
// of "ghi" (it becomes a second line of "def"'s item), Tab on "jkl" and Enter before "ghi", while Alice Tabs
// "ghi" under "def". Yjs put Alice's nested list before Bob's line in one item; the editor could not show an
// item starting with a list and deleted it: "ghi" and "jkl" were gone for everyone. Now the item gets an
// empty first line before it is shown (item-first-line.ts). Which list comes first follows the two pages'
// Yjs client ids, so the one with the higher id plays Bob: before the fix this failed every time.

import { writeSharedList } from '../fixtures/editor-page.js';
import { converged } from '../fixtures/converged.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test('Tab on "ghi" while the other, offline, joined it to "def", Tabbed "jkl" and split before "ghi": every line is kept', async ({ pair }) => {
  const people = await pair('item-first-line/offline');
  await writeSharedList(people.alice, people.bob, ['abc', 'def', 'ghi', 'jkl']);
  const [alice, bob] = (await people.bob.clientId()) > (await people.alice.clientId()) ? [people.alice, people.bob] : [people.bob, people.alice];

  await bob.goOffline();
  await bob.pressAt(2, 0, 'Backspace');
  await bob.pressAt(3, 0, 'Tab');
  await bob.pressAt(2, 0, 'Enter');
  await expect.poll(() => bob.blocks()).toEqual(['abc', 'def', '', 'ghi', 'jkl']);
  await alice.pressAt(2, 0, 'Tab');
  await alice.expectSaved();
  await bob.context.setOffline(false);
  await bob.expectSaved();

  const result = await converged([alice, bob], (p) => p.blocks());
  expect([...result.join('')].sort().join('')).toBe([...'abcdefghijkl'].sort().join('')); // before: "abcdef"
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
