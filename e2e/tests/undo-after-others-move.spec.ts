// Ctrl+Z of words the other person's edit has since moved. y-prosemirror writes a join (Backspace at the
// start of a paragraph), Enter in the middle of one, or a paragraph made a heading as "delete the text,
// insert it again" by the person who did it: the words this person typed were then someone else's
// copies, and their undo step named only the deleted originals. Ctrl+Z changed nothing (and, the step being
// empty, Yjs went on to take back the step before it, somewhere else in the document).

import { blocks } from '../fixtures/blocks.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('Ctrl+Z takes back words of mine the other person joined to the paragraph before', async ({ pair }) => {
  const { alice, bob } = await pair('undo-moved/join');
  await bob.focusEnd();
  await bob.page.keyboard.insertText('Hello');
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.insertText('Second');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', 'Second']);
  // An earlier step of Alice's, elsewhere: a line of her own at the end.
  await alice.focusEnd();
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('Notes');
  await alice.page.waitForTimeout(1_200); // a pause: what comes next is a step of its own

  await alice.caretAt(1, 'Second'.length);
  await alice.page.keyboard.insertText(' by Alice');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'Second by Alice', 'Notes']);
  await bob.caretAt(1, 0);
  await bob.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['HelloSecond by Alice', 'Notes']);

  // Her last step goes, wherever Bob's join put its words; the one before it stays.
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).toEqual(['HelloSecond', 'Notes']);
  await expect.poll(() => bob.blocks()).toEqual(['HelloSecond', 'Notes']);
  await alice.page.keyboard.press('Control+y');
  await expect.poll(() => alice.blocks()).toEqual(['HelloSecond by Alice', 'Notes']);
  await expect.poll(() => bob.blocks()).toEqual(['HelloSecond by Alice', 'Notes']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('Ctrl+Z takes back all of my words after the other person pressed Enter in the middle of them', async ({ pair }) => {
  const { alice, bob } = await pair('undo-moved/split');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Title');
  await alice.page.keyboard.press('Enter');
  await alice.page.waitForTimeout(1_200); // a pause: what comes next is a step of its own
  await alice.page.keyboard.insertText('one two');
  await expect.poll(() => bob.blocks()).toEqual(['Title', 'one two']);

  await bob.caretAt(1, 'one'.length);
  await bob.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['Title', 'one', ' two']);

  // Alice's last step typed "one two": it goes, wherever Bob's Enter put its words; "Title" stays.
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).toEqual(['Title', '', '']);
  await expect.poll(() => bob.blocks()).toEqual(['Title', '', '']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('Ctrl+Z takes back my words in a paragraph the other person has since made a heading', async ({ pair }) => {
  const { alice, bob } = await pair('undo-moved/heading');
  await bob.focusEnd();
  await bob.page.keyboard.insertText('Plan');
  await expect.poll(() => alice.blocks()).toEqual(['Plan']);
  await alice.caretAt(0, 'Plan'.length);
  await alice.page.keyboard.insertText(' for May');
  await expect.poll(() => bob.blocks()).toEqual(['Plan for May']);
  await bob.caretAt(0, 0);
  await bob.page.keyboard.press('Control+Alt+2');
  await expect.poll(() => blocks(alice)).toEqual(['heading2:Plan for May']);

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => blocks(alice)).toEqual(['heading2:Plan']);
  await expect.poll(() => blocks(bob)).toEqual(['heading2:Plan']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('Ctrl+Y deletes again words my Ctrl+Z brought back, after the other person joined them to the paragraph before', async ({ pair }) => {
  const { alice, bob } = await pair('undo-moved/redo');
  await bob.focusEnd();
  await bob.page.keyboard.insertText('Hello');
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.insertText('rough draft text');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', 'rough draft text']);

  // Alice deletes "draft ", and takes the deletion back.
  await alice.select('draft ');
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'rough text']);
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'rough draft text']);

  // Bob joins the paragraph to the one before; then Alice redoes her deletion.
  await bob.caretAt(1, 0);
  await bob.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hellorough draft text']);
  await alice.page.keyboard.press('Control+y');
  await expect.poll(() => alice.blocks()).toEqual(['Hellorough text']);
  await expect.poll(() => bob.blocks()).toEqual(['Hellorough text']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
