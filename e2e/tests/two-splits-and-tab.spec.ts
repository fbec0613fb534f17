// Both split one list item ("t|wo" and "tw|o") while one of them, offline, also Tabs the next item under his
// half: his page took its copy of "o" out again (the other's split moved it too) and with it the line it
// emptied, the first of an item still holding the nested list, which the editor then deleted: "three" was
// gone for everyone. The emptied line now stays (split-rescue.ts dropIfEmptied).

import { writeSharedList } from '../fixtures/editor-page.js';
import { converged } from '../fixtures/converged.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('Enter in "t|wo" while Bob, offline, pressed Enter in "tw|o" and Tab on "three": every item is kept', async ({ pair }) => {
  const { alice, bob } = await pair('two-splits-and-tab/offline');
  await writeSharedList(alice, bob, ['one', 'two', 'three', 'four']);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.caretInTextblock(1, 2);
  await bob.page.keyboard.press('Enter');
  await bob.caretInTextblock(3, 0);
  await bob.page.keyboard.press('Tab');
  await expect.poll(() => bob.blocks()).toEqual(['one', 'tw', 'o', 'three', 'four']);
  await alice.caretInTextblock(1, 1);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['one', 't', 'wo', 'three', 'four']);
  await alice.expectSaved();
  await bob.context.setOffline(false);
  await bob.expectSaved();

  const result = await converged([alice, bob], (p) => p.blocks());
  expect(result.join('')).toContain('three'); // before: gone for both
  expect([...result.join('')].sort().join('')).toBe([...'onetwothreefour'].sort().join(''));
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
