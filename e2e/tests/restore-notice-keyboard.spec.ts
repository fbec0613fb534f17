// The notice after a restore, from the keyboard: its Undo restore and Dismiss buttons go away once
// pressed, and focus went with them to the page's body (the next Tab started at the top of the page, typed
// keys went nowhere). Focus now goes back to the text.

import type { Page } from '@playwright/test';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const focusedIsText = (page: Page) => page.evaluate(() => document.activeElement?.classList.contains('ProseMirror') === true);

/** Alice writes "Old text.", replaces it with "New text." and restores the first version; focus is in the text. */
async function restored(alice: EditorPage, doc: string): Promise<void> {
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Old text.');
  await alice.expectSaved();
  const oldSeq = await alice.headSeq(doc);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.insertText('New text.');
  await alice.expectSaved();
  await alice.restoreVersion(doc, oldSeq);
  await expect.poll(() => alice.text()).toBe('Old text.');
  await expect.poll(() => focusedIsText(alice.page)).toBe(true);
}

test('Undo restore pressed with Enter takes the restore back and returns focus to the text', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'restore-notice/undo');
  await restored(alice, 'restore-notice/undo');
  const notice = alice.page.getByTestId('restore-notice');
  await notice.getByRole('button', { name: 'Undo restore' }).focus();
  await alice.page.keyboard.press('Enter');
  await expect(notice).toContainText('Restore undone');
  await expect.poll(() => alice.text()).toBe('New text.');
  await expect.poll(() => focusedIsText(alice.page)).toBe(true);
  await alice.focusEnd();
  await alice.type(' More.');
  await expect.poll(() => alice.text()).toBe('New text. More.');
  expect(alice.errors).toEqual([]);
});

test('Dismiss pressed with Enter hides the notice and returns focus to the text', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'restore-notice/dismiss');
  await restored(alice, 'restore-notice/dismiss');
  const notice = alice.page.getByTestId('restore-notice');
  await notice.getByRole('button', { name: 'Dismiss' }).focus();
  await alice.page.keyboard.press('Enter');
  await expect(notice).toBeHidden();
  await expect.poll(() => focusedIsText(alice.page)).toBe(true);
  expect(alice.errors).toEqual([]);
});
