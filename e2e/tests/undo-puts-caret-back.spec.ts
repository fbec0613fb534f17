// Where the caret is after Ctrl+Z. y-prosemirror keeps the selection from before each undo step and hands
// it to the sync plugin when Yjs says the step was taken back ('stack-item-popped'); Yjs says so only after
// the undo's transaction, whose change the sync plugin had already drawn with the caret where it was before
// Ctrl+Z. Undoing a paste of two paragraphs left the caret in the paragraph after the paste, and the next
// word typed went there.

import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Writes `Intro`, `Hello`, `After` as three paragraphs, then pauses: what comes next is a step of its own. */
async function threeParagraphs(p: EditorPage): Promise<void> {
  await p.focusEnd();
  await p.page.keyboard.insertText('Intro');
  await p.page.keyboard.press('Enter');
  await p.page.keyboard.insertText('Hello');
  await p.page.keyboard.press('Enter');
  await p.page.keyboard.insertText('After');
  await p.page.waitForTimeout(1_200);
}

/** Alice pastes two paragraphs at the end of `Hello` (Bob sees them), then presses Ctrl+Z. */
async function pasteThenUndo(pair: (doc: string) => Promise<{ alice: EditorPage; bob: EditorPage }>, doc: string) {
  const { alice, bob } = await pair(doc);
  await threeParagraphs(alice);
  await alice.caretAt(1, 'Hello'.length);
  await alice.paste({ 'text/html': '<p>, one</p><p>two</p>', 'text/plain': ', one\ntwo' });
  await expect.poll(() => bob.blocks()).toEqual(['Intro', 'Hello, one', 'two', 'After']);
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).toEqual(['Intro', 'Hello', 'After']);
  return { alice, bob };
}

test('Ctrl+Z of a paste of two paragraphs puts the caret back where the paste was: what is typed next goes there', async ({ pair }) => {
  const { alice, bob } = await pasteThenUndo(pair, 'undo-caret/paste');
  await alice.page.keyboard.insertText(' world');
  await expect.poll(() => alice.blocks()).toEqual(['Intro', 'Hello world', 'After']);
  await expect.poll(() => bob.blocks()).toEqual(['Intro', 'Hello world', 'After']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('Ctrl+Y after Ctrl+Z of a paste puts the caret back where Ctrl+Z was pressed, at the end of the paste', async ({ pair }) => {
  const { alice, bob } = await pasteThenUndo(pair, 'undo-caret/redo');
  await alice.page.keyboard.press('Control+y');
  await expect.poll(() => alice.blocks()).toEqual(['Intro', 'Hello, one', 'two', 'After']);
  await alice.page.keyboard.insertText(', three');
  await expect.poll(() => bob.blocks()).toEqual(['Intro', 'Hello, one', 'two, three', 'After']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
