// Ctrl+Z after joining two paragraphs (Backspace at the start of the second) puts the second paragraph back.
// What someone else had typed into the joined paragraph since, after the moved text, stayed in the first
// paragraph: "Hello" and "world" joined, Bob's " wide" typed after "world", Ctrl+Z gave "Hello wide" and
// "world". The editor taking back the join moves such text along with the text around it.

import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('Ctrl+Z of a join keeps what someone else typed after the moved text with it', async ({ pair }) => {
  const { alice, bob } = await pair('undo-join/after');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'world']);
  await alice.page.waitForTimeout(1_100); // a pause: the join is an undo step of its own

  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Helloworld']);

  await bob.caretAt(0, 10);
  await bob.page.keyboard.insertText(' wide');
  await bob.caretAt(0, 7); // Hellowo|rld wide
  await bob.page.keyboard.insertText('X');
  await expect.poll(() => alice.blocks()).toEqual(['HellowoXrld wide']);
  await bob.expectSaved();

  await alice.page.keyboard.press('Control+z');
  const expected = ['Hello', 'woXrld wide'];
  await expect.poll(() => alice.blocks()).toEqual(expected);
  await expect.poll(() => bob.blocks()).toEqual(expected);
  await alice.expectSaved();
  // Bob's caret went with his text.
  await bob.page.keyboard.insertText('!');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', 'woX!rld wide']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
