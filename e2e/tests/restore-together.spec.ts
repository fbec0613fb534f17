// Restoring while someone else writes: a restore changes only what differs from the version, so words
// a collaborator typed offline meanwhile merge when they reconnect, and "Undo restore" keeps what was
// typed since into the text the restore brought back (a restore used to replace every block).

import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

/** The live document's text, one line per block. */
const docText = async (p: EditorPage) => (await p.blocks()).join('\n');

/** Puts `p`'s caret after the first `chars` characters of the first paragraph. */
const caretAfter = (p: EditorPage, chars: number) =>
  p.page.evaluate((n) => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
    view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.near(view.state.doc.resolve(1 + n))));
    view.focus();
  }, chars);

test("Bob's offline words in an unchanged paragraph survive Alice restoring a version", async ({ pair }) => {
  test.slow();
  const { alice, bob } = await pair('restore-offline');
  const page = alice.page;
  await alice.focusEnd();
  await page.keyboard.insertText('Intro paragraph.');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('Second paragraph.');
  await alice.expectSaved();
  const oldSeq = await alice.headSeq('restore-offline');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('A third paragraph to take back.');
  await alice.expectSaved();
  await expect.poll(() => docText(bob)).toBe('Intro paragraph.\nSecond paragraph.\nA third paragraph to take back.');

  // Bob goes offline and adds words to the first paragraph, which every version has unchanged.
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await caretAfter(bob, 'Intro paragraph.'.length);
  await bob.page.keyboard.type(' Bob wrote this offline.');
  await expect.poll(() => docText(bob)).toContain('Intro paragraph. Bob wrote this offline.');

  // Alice restores the version before the third paragraph.
  await alice.restoreVersion('restore-offline', oldSeq);
  await expect.poll(() => docText(alice)).toBe('Intro paragraph.\nSecond paragraph.');

  // Bob comes back: his offline words should merge, as offline edits do.
  await bob.context.setOffline(false);
  await bob.expectSaved();
  await alice.expectSaved();
  await expect.poll(() => docText(bob), { timeout: 5_000 }).toContain('Bob wrote this offline.');
  await expect.poll(() => docText(alice), { timeout: 5_000 }).toContain('Bob wrote this offline.');
});

test("after Undo restore, Bob's offline words typed during the restore are back too", async ({ pair }) => {
  test.slow();
  const { alice, bob } = await pair('restore-offline-undo');
  const page = alice.page;
  await alice.focusEnd();
  await page.keyboard.insertText('Intro paragraph.');
  await alice.expectSaved();
  const oldSeq = await alice.headSeq('restore-offline-undo');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('Later paragraph.');
  await alice.expectSaved();
  await expect.poll(() => docText(bob)).toBe('Intro paragraph.\nLater paragraph.');

  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await caretAfter(bob, 'Intro paragraph.'.length);
  await bob.page.keyboard.type(' Bob offline.');

  await alice.restoreVersion('restore-offline-undo', oldSeq);
  await expect.poll(() => docText(alice)).toBe('Intro paragraph.');

  await bob.context.setOffline(false);
  await bob.expectSaved();
  // Alice takes the restore back: everything from before it, and everything made since, should be there.
  await page.getByTestId('restore-notice').getByRole('button', { name: 'Undo restore' }).click();
  await expect(page.getByTestId('restore-notice')).toContainText('Restore undone');
  await expect.poll(() => docText(alice), { timeout: 5_000 }).toContain('Later paragraph.');
  await expect.poll(() => docText(alice), { timeout: 5_000 }).toContain('Bob offline.');
});

test("Undo restore keeps the sentence Bob typed into the restored text after the restore", async ({ pair }) => {
  test.slow();
  const { alice, bob } = await pair('undo-restore-keeps');
  const page = alice.page;
  await alice.focusEnd();
  await page.keyboard.insertText('Old text.');
  await alice.expectSaved();
  const oldSeq = await alice.headSeq('undo-restore-keeps');
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText('New text.');
  await alice.expectSaved();
  await expect.poll(() => docText(bob)).toBe('New text.');

  await alice.restoreVersion('undo-restore-keeps', oldSeq);
  await expect.poll(() => docText(bob)).toBe('Old text.');

  // Bob goes on writing in the restored paragraph, and it is saved.
  await bob.focusEnd();
  await bob.type(' Bob wrote this after the restore.');
  await bob.expectSaved();
  await expect.poll(() => docText(alice)).toBe('Old text. Bob wrote this after the restore.');

  await page.getByTestId('restore-notice').getByRole('button', { name: 'Undo restore' }).click();
  await expect(page.getByTestId('restore-notice')).toContainText('Restore undone');
  await expect.poll(() => docText(alice)).toContain('New text.');
  // The edit made since the restore is kept.
  await expect.poll(() => docText(bob), { timeout: 5_000 }).toContain('Bob wrote this after the restore.');
});
