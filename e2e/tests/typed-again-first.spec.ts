// Alice presses Backspace at the start of "def" (an item holding a nested list) and Enter in "jkl", while
// Bob, offline, presses Shift+Tab on "def": Alice's page found "abc" lost (Bob's change deleted the item
// holding her copy of it) and her half "kl" a repeat of Bob's copy of the list; taking "kl" out emptied the
// list and dropped it, and "abc" was then typed again into the list gone: lost for everyone. What was lost is
// now typed again before repeats go (join-rescue.ts).

import { writeSharedList } from '../fixtures/editor-page.js';
import { converged } from '../fixtures/converged.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test('Backspace at the start of "def" and Enter in "jkl" while the other, offline, outdents "def": "abc" is kept', async ({ pair }) => {
  const { alice, bob } = await pair('typed-again-first/offline');
  await writeSharedList(alice, bob, ['abc', 'def', 'ghi', 'jkl']);
  await alice.pressAt(2, 0, 'Tab'); // "ghi" nested under "def"
  await alice.expectSaved();
  await expect.poll(() => bob.blocks()).toEqual(['abc', 'def', 'ghi', 'jkl']);
  await expect.poll(() => bob.page.evaluate(() => document.querySelectorAll('.ProseMirror li li').length)).toBe(1);

  await bob.goOffline();
  await bob.pressAt(1, 0, 'Shift+Tab');
  await alice.pressAt(1, 0, 'Backspace');
  await alice.pressAt(3, 1, 'Enter');
  await expect.poll(() => alice.blocks()).toEqual(['abc', 'def', 'ghi', 'j', 'kl']);
  await alice.expectSaved();
  await bob.context.setOffline(false);
  await bob.expectSaved();

  const result = await converged([alice, bob], (p) => p.blocks());
  expect([...result.join('')].sort().join('')).toBe([...'abcdefghijkl'].sort().join('')); // before: no "abc"
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
