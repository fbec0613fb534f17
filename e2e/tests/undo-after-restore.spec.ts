// Ctrl+Z after a version was restored. The restore puts back, as new text, what someone had deleted;
// undoing their deletion afterwards put it in a second time. A restore now ends everyone's undo steps
// (the server tells each editor the latest restore's seq right after it, and whenever it connects, so
// one that was away hears of it too), as a reload would.

import { expect, test } from '../fixtures/tandem.js';
import type { EditorPage } from '../fixtures/editor-page.js';

const KEEP = 'Keep me.';
const DELETED = 'The paragraph deleted by mistake.';
const RESTORED = [KEEP, DELETED, 'Tail.'];

/** Alice writes three paragraphs, Bob deletes the middle one (an undo step of his); the version before. */
async function bobDeletesAParagraph(alice: EditorPage, bob: EditorPage, doc: string): Promise<number> {
  await alice.focusEnd();
  await alice.page.keyboard.insertText(KEEP);
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText(DELETED);
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('Tail.');
  await alice.expectSaved();
  const before = await alice.headSeq(doc);
  await expect.poll(() => bob.blocks()).toEqual(RESTORED);
  await bob.selectBlockForDeletion(KEEP, DELETED);
  await bob.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual([KEEP, 'Tail.']);
  await bob.expectSaved();
  return before;
}

/** Ctrl+Z in the text, by each: nothing comes back twice. */
async function bothUndo(alice: EditorPage, bob: EditorPage): Promise<void> {
  for (const who of [bob, alice]) {
    await who.focusEnd();
    await who.page.keyboard.press('Control+z');
  }
  await bob.expectSaved();
  await alice.expectSaved();
  await expect.poll(() => alice.blocks()).toEqual(RESTORED);
  await expect.poll(() => bob.blocks()).toEqual(RESTORED);
}

test('deleting a paragraph, restoring the version that had it, then Ctrl+Z: the paragraph is there once, for the one who deleted it and the one who restored', async ({ pair }) => {
  const DOC = 'undo-after-restore';
  const { alice, bob } = await pair(DOC);
  const before = await bobDeletesAParagraph(alice, bob, DOC);
  await alice.restoreVersion(DOC, before);
  await expect.poll(() => bob.blocks()).toEqual(RESTORED);
  await bothUndo(alice, bob);
});

test('the one who deleted was offline during the restore (a laptop lid closed): told when back, Ctrl+Z does not put the paragraph in twice either', async ({ pair }) => {
  const DOC = 'undo-after-restore-offline';
  const { alice, bob } = await pair(DOC);
  const before = await bobDeletesAParagraph(alice, bob, DOC);
  // Bob's network drops for a moment (sleep, Wi-Fi): he hears nothing while offline.
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await alice.restoreVersion(DOC, before);
  await bob.context.setOffline(false);
  await bob.expectSaved();
  await expect.poll(() => bob.blocks()).toEqual(RESTORED);
  await bothUndo(alice, bob);
});
