// Alice presses Enter in "two|XYZ"; Bob, having seen it, presses Tab on "three", which goes into a list under her
// new line; then Alice presses Ctrl+Z. The undo took her line and left the item holding only Bob's list, which
// the editor deleted with it: "three" was gone for everyone (undo-steps.ts keeps the line, emptied).

import { blocks } from '../fixtures/blocks.js';
import { converged } from '../fixtures/converged.js';
import { writeSharedList } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('Ctrl+Z of Enter after the other nested an item under the new line keeps that item', async ({ pair }) => {
  const { alice, bob } = await pair('undo-split-keeps-nested/online');
  await writeSharedList(alice, bob, ['one', 'twoXYZ', 'three']);
  await alice.caretInTextblock(1, 3);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['one', 'two', 'XYZ', 'three']);
  await bob.caretInTextblock(3, 0);
  await bob.page.keyboard.press('Tab');
  await expect.poll(() => blocks(alice)).toEqual([
    'bullet_list>list_item>paragraph:one',
    'bullet_list>list_item>paragraph:two',
    'bullet_list>list_item>paragraph:XYZ',
    'bullet_list>list_item>bullet_list>list_item>paragraph:three',
  ]);
  await alice.caretInTextblock(1, 3);
  await alice.page.keyboard.press('Control+z');
  await alice.expectSaved();
  const result = await converged([alice, bob], (p) => p.blocks());
  expect(result).toContain('three'); // before: gone for both
  expect(result.join('')).toBe('onetwoXYZthree');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
