// Ctrl+Z after a version was restored. The restore puts back, as new text, what someone had deleted;
// undoing their deletion afterwards put it in a second time. A restore now ends everyone's undo steps
// (the server tells each editor the latest restore's seq right after it, and whenever it connects, so
// one that was away hears of it too), as a reload would.

import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/tandem.js';

const docLines = (page: Page) =>
  page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem;
    const lines: string[] = [];
    view.state.doc.descendants((n: any) => (n.isTextblock ? (lines.push(n.textContent), false) : true));
    return lines;
  });
const headSeq = (page: Page, doc: string) =>
  page.evaluate(async (d) => Number((await (await fetch(`/api/docs/${encodeURIComponent(d)}`)).json()).lastSeq), doc);

test('deleting a paragraph, restoring the version that had it, then Ctrl+Z: the paragraph is there once, for the one who deleted it and the one who restored', async ({ pair }) => {
  const DOC = 'undo-after-restore';
  const { alice, bob } = await pair(DOC);
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Keep me.');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('The paragraph deleted by mistake.');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('Tail.');
  await alice.expectSaved();
  const before = await headSeq(alice.page, DOC);
  await expect.poll(() => docLines(bob.page)).toEqual(['Keep me.', 'The paragraph deleted by mistake.', 'Tail.']);

  // Bob deletes the middle paragraph (an undo step of his).
  await bob.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem;
    const from = 1 + 'Keep me.'.length;
    const to = from + 2 + 'The paragraph deleted by mistake.'.length;
    view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.create(view.state.doc, from, to)));
    view.focus();
  });
  await bob.selectionRead();
  await bob.page.keyboard.press('Backspace');
  await expect.poll(() => docLines(alice.page)).toEqual(['Keep me.', 'Tail.']);
  await bob.expectSaved();

  // Alice gets it back from the history.
  await alice.page.getByRole('button', { name: 'History' }).click();
  await expect(alice.page.getByTestId('history-document')).toHaveAttribute('data-seq', String(await headSeq(alice.page, DOC)));
  await alice.page.getByTestId('history-slider').fill(String(before));
  await expect(alice.page.getByTestId('history-document')).toHaveAttribute('data-seq', String(before));
  await alice.page.getByTestId('history-restore').click();
  await alice.page.getByRole('dialog', { name: `Restore version ${before}?` }).getByRole('button', { name: `Restore version ${before}` }).click();
  await expect(alice.page.getByTestId('restore-notice')).toBeVisible();
  const restored = ['Keep me.', 'The paragraph deleted by mistake.', 'Tail.'];
  await expect.poll(() => docLines(bob.page)).toEqual(restored);

  // Ctrl+Z in the text afterwards, by each: nothing comes back twice.
  for (const who of [bob, alice]) {
    await who.focusEnd();
    await who.page.keyboard.press('Control+z');
  }
  await bob.expectSaved();
  await alice.expectSaved();
  await expect.poll(() => docLines(alice.page)).toEqual(restored);
  await expect.poll(() => docLines(bob.page)).toEqual(restored);
});

test('the one who deleted was offline during the restore (a laptop lid closed): told when back, Ctrl+Z does not put the paragraph in twice either', async ({ pair }) => {
  const DOC = 'undo-after-restore-offline';
  const { alice, bob } = await pair(DOC);
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Keep me.');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('The paragraph deleted by mistake.');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('Tail.');
  await alice.expectSaved();
  const before = await headSeq(alice.page, DOC);
  await expect.poll(() => docLines(bob.page)).toEqual(['Keep me.', 'The paragraph deleted by mistake.', 'Tail.']);

  // Bob deletes the middle paragraph (an undo step of his).
  await bob.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem;
    const from = 1 + 'Keep me.'.length;
    const to = from + 2 + 'The paragraph deleted by mistake.'.length;
    view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.create(view.state.doc, from, to)));
    view.focus();
  });
  await bob.selectionRead();
  await bob.page.keyboard.press('Backspace');
  await expect.poll(() => docLines(alice.page)).toEqual(['Keep me.', 'Tail.']);
  await bob.expectSaved();
  // Bob's network drops for a moment (sleep, Wi-Fi): he hears no [104] while offline.
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');

  // Alice gets it back from the history.
  await alice.page.getByRole('button', { name: 'History' }).click();
  await expect(alice.page.getByTestId('history-document')).toHaveAttribute('data-seq', String(await headSeq(alice.page, DOC)));
  await alice.page.getByTestId('history-slider').fill(String(before));
  await expect(alice.page.getByTestId('history-document')).toHaveAttribute('data-seq', String(before));
  await alice.page.getByTestId('history-restore').click();
  await alice.page.getByRole('dialog', { name: `Restore version ${before}?` }).getByRole('button', { name: `Restore version ${before}` }).click();
  await expect(alice.page.getByTestId('restore-notice')).toBeVisible();
  const restored = ['Keep me.', 'The paragraph deleted by mistake.', 'Tail.'];
  await bob.context.setOffline(false);
  await bob.expectSaved();
  await expect.poll(() => docLines(bob.page)).toEqual(restored);

  // Ctrl+Z in the text afterwards, by each: nothing comes back twice.
  for (const who of [bob, alice]) {
    await who.focusEnd();
    await who.page.keyboard.press('Control+z');
  }
  await bob.expectSaved();
  await alice.expectSaved();
  await expect.poll(() => docLines(alice.page)).toEqual(restored);
  await expect.poll(() => docLines(bob.page)).toEqual(restored);
});
