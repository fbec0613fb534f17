// Per-user undo must never take the other person's text. Undo deletes the blocks this person inserted;
// y-prosemirror keeps a block that still holds something only when it is a paragraph. Enter in a list
// item (a new item) or in the middle of a heading (a new heading) inserts a block of another kind: when
// the other person had typed into it, Ctrl+Z deleted the block and their text with it, for everyone.

import { blocks } from '../fixtures/blocks.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('Ctrl+Z after Enter in a list keeps the item the other person typed into', async ({ pair }) => {
  const { alice, bob } = await pair('undo-keeps/list');
  await alice.focusEnd();
  await alice.page.keyboard.type('- ');
  await alice.page.keyboard.insertText('Milk');
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['Milk', '']);

  // Bob fills in the new item Alice made.
  await bob.focusEnd();
  await bob.page.keyboard.insertText('Eggs');
  await expect.poll(() => alice.blocks()).toEqual(['Milk', 'Eggs']);

  // Alice takes back her own last change: the new line is hers, the word in it is Bob's.
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.page.evaluate(() => (window as unknown as { tandem: { view: { state: { doc: { textContent: string } } } } }).tandem.view.state.doc.textContent)).not.toBe('MilkEggs');
  await expect.poll(() => bob.text()).toContain('Eggs');
  await expect.poll(() => alice.text()).toContain('Eggs');
});

test('Ctrl+Z after splitting a heading keeps what the other person typed in its second half', async ({ pair }) => {
  const { alice, bob } = await pair('undo-keeps/heading');
  await alice.focusEnd();
  await alice.page.keyboard.type('# ');
  await alice.page.keyboard.insertText('Plan notes');
  await alice.page.waitForTimeout(1_200); // a pause: the split is an undo step of its own
  for (let i = 0; i < 'notes'.length; i++) await alice.page.keyboard.press('ArrowLeft');
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['Plan ', 'notes']);

  await bob.focusEnd();
  await bob.page.keyboard.insertText(' by Bob');
  await expect.poll(() => alice.blocks()).toEqual(['Plan ', 'notes by Bob']);

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).not.toEqual(['Plan ', 'notes by Bob']);
  await expect.poll(() => bob.text()).toContain(' by Bob');
  await expect.poll(() => alice.text()).toContain(' by Bob');
  await expect.poll(() => bob.text()).toContain('Plan notes');
  // Bob's words went back with the text they followed, and the heading Alice's Enter made went.
  await expect.poll(() => alice.blocks()).toEqual(['Plan notes by Bob']);
  await expect.poll(() => bob.blocks()).toEqual(['Plan notes by Bob']);
});

test('Ctrl+Z after Tab indented a list item keeps what the other person typed in it, and leaves no empty item', async ({ pair }) => {
  const { alice, bob } = await pair('undo-keeps/indent');
  await alice.focusEnd();
  await alice.page.keyboard.type('- ');
  await alice.page.keyboard.insertText('one');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('two');
  await alice.page.waitForTimeout(1_200); // a pause: the indent is an undo step of its own
  await alice.page.keyboard.press('Tab');
  const nested = ['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>bullet_list>list_item>paragraph:two'];
  await expect.poll(() => blocks(bob)).toEqual(nested);

  // Bob types on at the end of the item Alice indented.
  await bob.focusEnd();
  await bob.page.keyboard.insertText(' by Bob');
  await expect.poll(() => alice.blocks()).toEqual(['one', 'two by Bob']);

  // Alice takes back her indent: the item is back at the top level with Bob's words, and nothing else.
  // The nested list her Tab made stayed behind as an empty bullet, since it had held Bob's words.
  await alice.page.keyboard.press('Control+z');
  const back = ['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:two by Bob'];
  await expect.poll(() => blocks(alice)).toEqual(back);
  await expect.poll(() => blocks(bob)).toEqual(back);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
