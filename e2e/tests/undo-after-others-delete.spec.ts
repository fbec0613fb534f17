// Ctrl+Z of a move (Enter in the middle of a paragraph, a join) brought back what the other person had
// deleted from the moved text since (found by an exploratory run, 3 of 3 each): the undo put back the
// original characters whatever had become of their copies. See collab/undo-gone-copies.ts.

import { writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('Alice presses Enter, Bob deletes the new paragraph, Alice presses Ctrl+Z: it stays deleted', async ({ pair }) => {
  const { alice, bob } = await pair('undo-after-delete/split');
  await writeShared(alice, bob, ['Hello world', 'end']);
  await alice.page.waitForTimeout(1_100);
  await alice.caretAt(0, 5);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', ' world', 'end']);
  await bob.caretAt(1, 6);
  for (let i = 0; i < 7; i++) await bob.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', 'end']);
  await bob.expectSaved();
  await alice.page.keyboard.press('Control+z');
  await alice.expectSaved();
  await expect.poll(() => alice.blocks()).toEqual(['Hello', 'end']);
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'end']);
  // Nothing was taken back: nothing to redo, and the lines before stay.
  await alice.page.keyboard.press('Control+Shift+z');
  await alice.expectSaved();
  await expect.poll(() => alice.blocks()).toEqual(['Hello', 'end']);
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'end']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('Alice joins two paragraphs, Bob deletes across the join, Alice presses Ctrl+Z: his deletion stays', async ({ pair }) => {
  const { alice, bob } = await pair('undo-after-delete/join');
  await writeShared(alice, bob, ['Hello', 'world']);
  await alice.page.waitForTimeout(1_100);
  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Helloworld']);
  await bob.caretAt(0, 7);
  for (let i = 0; i < 4; i++) await bob.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Helrld']);
  await bob.expectSaved();
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).toEqual(['Hel', 'rld']);
  await expect.poll(() => bob.blocks()).toEqual(['Hel', 'rld']);
  await alice.page.keyboard.press('Control+Shift+z');
  await expect.poll(() => bob.blocks()).toEqual(['Helrld']);
  await alice.expectSaved();
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

// Yjs skips an undo step with nothing left to do and takes back the one before it: Bob deleted the words
// Alice had just typed, and her Ctrl+Z took away the line she had typed before them.
test('Alice types two lines, Bob deletes the second, Alice presses Ctrl+Z: nothing happens, the next takes the first', async ({ pair }) => {
  const { alice, bob } = await pair('undo-after-delete/typed');
  await writeShared(alice, bob, ['Top', 'end']);
  await alice.caretAt(0, 3);
  await alice.page.keyboard.type(' line');
  await alice.page.waitForTimeout(1_100);
  await alice.caretAt(1, 3);
  await alice.page.keyboard.type(' words');
  await expect.poll(() => bob.blocks()).toEqual(['Top line', 'end words']);
  await alice.expectSaved();
  await bob.caretAt(1, 9);
  for (let i = 0; i < 6; i++) await bob.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Top line', 'end']);
  await bob.expectSaved();
  await alice.page.keyboard.press('Control+z');
  await alice.expectSaved();
  await alice.page.waitForTimeout(300);
  expect(await alice.blocks()).toEqual(['Top line', 'end']);
  await expect.poll(() => bob.blocks()).toEqual(['Top line', 'end']);
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).toEqual(['Top', 'end']);
  await expect.poll(() => bob.blocks()).toEqual(['Top', 'end']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
