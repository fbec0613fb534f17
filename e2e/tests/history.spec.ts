import { expect, test } from '../fixtures/tandem.js';

test('scrub the history to an older version, see it with its changes, restore it, and everyone sees it', async ({ pair }, testInfo) => {
  const { alice, bob } = await pair('history');
  const page = alice.page;
  await alice.focusEnd();
  await alice.type('First draft.');
  await alice.expectSaved();

  // Name the first draft from the history view.
  await page.getByRole('button', { name: 'History' }).click();
  page.once('dialog', (dialog) => dialog.accept('First draft'));
  await page.getByRole('button', { name: 'Name this version' }).click();
  await expect(page.locator('.named-versions')).toContainText('First draft (v12)');
  await page.getByRole('button', { name: 'History' }).click();

  await alice.focusEnd();
  await page.keyboard.press('Control+a');
  await alice.type('Second draft.');
  await alice.expectSaved();
  await expect.poll(() => bob.text()).toBe('Second draft.');

  const versionText = () =>
    page.getByTestId('history-document').evaluate((el) => {
      const clone = el.cloneNode(true) as HTMLElement;
      for (const d of clone.querySelectorAll('.diff-delete')) d.remove();
      return clone.textContent ?? '';
    });
  await page.getByRole('button', { name: 'History' }).click();
  await expect.poll(versionText).toBe('Second draft.');
  // Against the named first draft: its text struck through, the new text highlighted.
  await page.getByTestId('history-base').selectOption({ label: '“First draft” (v12)' });
  await expect(page.locator('.version-view .diff-delete')).toHaveText('First draft.');
  await expect(page.locator('.version-view .diff-insert')).toHaveText('Second draft.');
  await page.screenshot({ path: testInfo.outputPath('history-view.png') });

  // Scrub with the keyboard: back to the start, then forward update by update to the first draft.
  const slider = page.getByTestId('history-slider');
  await slider.focus();
  await page.keyboard.press('Home');
  await expect.poll(versionText).toBe('');
  for (let i = 0; i < 60 && (await versionText()) !== 'First draft.'; i++) {
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('history-version')).toHaveAttribute('data-seq', await slider.inputValue());
    await expect(page.getByTestId('history-document')).toHaveAttribute('data-seq', await slider.inputValue());
  }
  expect(await versionText()).toBe('First draft.');

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByTestId('history-restore').click();
  await expect.poll(() => bob.text()).toBe('First draft.');
  await expect.poll(() => alice.text()).toBe('First draft.');
  await alice.expectSaved();
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
