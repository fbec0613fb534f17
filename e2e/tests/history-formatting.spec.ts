// The history view shows formatting changed on text that stayed (a word made bold, italic taken off),
// with who changed it: before, a version that only changed formatting looked unchanged.
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test('a word made bold since a named version is underlined in the compare view, saying who made it bold', async ({ pair }) => {
  test.slow();
  const { alice, bob } = await pair('history-formatting');
  const page = alice.page;
  await alice.focusEnd();
  await page.keyboard.insertText('Revenue grew fast.');
  await alice.expectSaved();
  await page.getByRole('button', { name: 'History' }).click();
  page.once('dialog', (dialog) => dialog.accept('Draft'));
  await page.getByRole('button', { name: 'Name this version' }).click();
  await expect(page.locator('.named-versions')).toContainText('Draft');
  await page.getByRole('button', { name: 'History' }).click();

  // Bob makes "grew" bold.
  await expect.poll(() => bob.blocks()).toEqual(['Revenue grew fast.']);
  await bob.select('grew');
  await bob.page.keyboard.press('Control+b');
  await bob.expectSaved();

  await page.getByRole('button', { name: 'History' }).click();
  const base = page.getByTestId('history-base');
  await expect(base.locator('option', { hasText: 'Draft' })).toHaveCount(1);
  await base.selectOption(await base.evaluate((el: HTMLSelectElement) => [...el.options].find((o) => o.text.includes('Draft'))!.value));
  const formatted = page.locator('.version-view .diff-format');
  await expect(formatted).toHaveText('grew');
  await expect(formatted).toHaveAttribute('title', 'Formatting changed by Bob: bold');
  await expect(page.locator('.version-view .diff-insert')).toHaveCount(0);
  await expect(page.locator('.legend')).toHaveText('Bob');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
