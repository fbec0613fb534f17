// Text deleted (or formatted) by one person while another, not having seen that, moves it (Enter earlier in
// the paragraph, a join) came back (or lost its formatting): y-prosemirror's move is a copy of the text as
// the mover saw it. The deleter's editor now deletes it from the copy too (collab/deleted-in-moves.ts); the
// formatter's makes the formatting again there (collab/formats-in-moves.ts).

import { writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const write = writeShared;

test('a word deleted offline in the text someone moves with Enter stays deleted', async ({ pair }) => {
  const { alice, bob } = await pair('deleted-while-moved/enter');
  await write(alice, bob, ['one two three']);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.caretAt(0, 7); // one two|
  for (let i = 0; i < 3; i++) await bob.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['one  three']);
  // Meanwhile Alice presses Enter after "one".
  await alice.caretAt(0, 3);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['one', ' two three']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await expect.poll(() => alice.blocks()).toEqual(['one', '  three']);
  await expect.poll(() => bob.blocks()).toEqual(['one', '  three']);
  await bob.expectSaved();
  // Bob's caret, where "two" was, went with the text: his next key lands there.
  await bob.page.keyboard.insertText('X');
  await expect.poll(() => alice.blocks()).toEqual(['one', ' X three']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('words deleted offline in a paragraph someone joins to the one before stay deleted', async ({ pair }) => {
  const { alice, bob } = await pair('deleted-while-moved/join');
  await write(alice, bob, ['Hello', 'world wide web']);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.caretAt(1, 11); // world wide |web
  for (let i = 0; i < 5; i++) await bob.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'world web']);
  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Helloworld wide web']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await expect.poll(() => alice.blocks()).toEqual(['Helloworld web']);
  await expect.poll(() => bob.blocks()).toEqual(['Helloworld web']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('a word made bold offline in the text someone moves with Enter stays bold', async ({ pair }) => {
  const { alice, bob } = await pair('deleted-while-moved/bold');
  await write(alice, bob, ['one two three']);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.select('two');
  await bob.page.keyboard.press('Control+b');
  await expect(bob.page.locator('.ProseMirror strong')).toHaveText('two');
  await alice.caretAt(0, 3);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['one', ' two three']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await expect(alice.page.locator('.ProseMirror p:nth-child(2) strong')).toHaveText('two');
  await expect(bob.page.locator('.ProseMirror p:nth-child(2) strong')).toHaveText('two');
  await expect.poll(() => bob.blocks()).toEqual(['one', ' two three']);
  await bob.expectSaved();
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
