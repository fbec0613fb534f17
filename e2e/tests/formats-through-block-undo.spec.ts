// Alice makes a line a heading (or indents a list item with Tab); Bob, having seen it, makes a word in it bold;
// Alice's Ctrl+Z took the bold away for both (a helper's exploratory review, 5 of 5 each). The formatting others
// made on the block her Ctrl+Z takes back now goes onto the text it brings back (collab/formats-through-block-undo.ts).

import { converged } from '../fixtures/converged.js';
import { type EditorPage, writeShared, writeSharedList } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const settle = async (...ps: EditorPage[]) => {
  for (const p of ps) await p.expectSaved();
};

/** Bob makes "words" bold; once Alice has it, she presses Ctrl+Z; both stored. */
async function boldThenUndo(alice: EditorPage, bob: EditorPage): Promise<void> {
  await bob.select('words');
  await bob.page.keyboard.press('Control+b');
  await settle(bob);
  await expect.poll(() => alice.texts('strong')).toEqual(['words']);
  await alice.page.keyboard.press('Control+z');
  await settle(alice, bob);
}

test('Ctrl+Z of a heading keeps the bold someone else put on a word in it since; Ctrl+Y and Ctrl+Z again', async ({ pair }) => {
  const { alice, bob } = await pair('block-undo-formats/heading');
  await writeShared(alice, bob, ['Title words here', 'Body.']);
  await alice.caretInTextblock(0, 2);
  await alice.page.keyboard.press('Control+Alt+2');
  await settle(alice);
  await expect.poll(() => bob.texts('h2')).toEqual(['Title words here']);
  await boldThenUndo(alice, bob);
  expect(await converged([alice, bob], (p) => p.texts('h2'))).toEqual([]);
  expect(await converged([alice, bob], (p) => p.texts('strong'))).toEqual(['words']);
  await alice.page.keyboard.press('Control+y');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.texts('h2 strong'))).toEqual(['words']);
  await alice.page.keyboard.press('Control+z');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.texts('p strong'))).toEqual(['words']);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['Title words here', 'Body.']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('Ctrl+Z of Tab on a list item keeps the bold someone else put on a word in it since', async ({ pair }) => {
  const { alice, bob } = await pair('block-undo-formats/tab');
  await writeSharedList(alice, bob, ['one', 'two words', 'three']);
  await alice.caretInTextblock(1, 0);
  await alice.page.keyboard.press('Tab');
  await settle(alice);
  const nested = (p: EditorPage) => p.editor.evaluate((el) => el.querySelectorAll('li li').length);
  await expect.poll(() => nested(bob)).toBe(1);
  await boldThenUndo(alice, bob);
  expect(await converged([alice, bob], nested)).toBe(0);
  expect(await converged([alice, bob], (p) => p.texts('strong'))).toEqual(['words']);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['one', 'two words', 'three']);
});
