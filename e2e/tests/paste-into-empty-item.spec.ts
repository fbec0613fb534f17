// A whole document copied (Ctrl+A, Ctrl+C) and pasted (Ctrl+V) into the new, empty task item after a checklist
// came out nested inside that item, under an empty box (found by an exploratory review). Blocks a list item
// cannot take as its line (here a heading) now take the empty item out of its lists, as Enter on it would, and
// stand where it stood; both people see the same.

import { blocks } from '../fixtures/blocks.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test('a document copied and pasted into the empty task item after a checklist lands after the checklist, not inside the item', async ({ pair }) => {
  const { alice, bob } = await pair('paste/into-empty-item');
  await alice.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await alice.focusEnd();
  await alice.type('## Heading here');
  await alice.page.keyboard.press('Enter');
  await alice.type('Some text');
  await alice.page.keyboard.press('Enter');
  await alice.type('[ ] todo');
  const written = ['heading2:Heading here', 'paragraph:Some text', 'task_list>task_item>paragraph:todo'];
  await expect.poll(() => blocks(alice)).toEqual(written);

  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+c');
  await alice.page.keyboard.press('Control+End');
  await alice.page.keyboard.press('Enter'); // a new, empty task item
  await expect.poll(() => blocks(alice)).toEqual([...written, 'task_list>task_item>paragraph:']);
  await alice.page.keyboard.press('Control+v');

  // Before: "task_list>task_item>heading2:Heading here" and the rest, all inside the empty item.
  const after = [...written, ...written];
  await expect.poll(() => blocks(alice)).toEqual(after);
  await expect.poll(() => blocks(bob)).toEqual(after);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
