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
  await alice.nameVersion('Draft');

  // Bob makes "grew" bold.
  await expect.poll(() => bob.blocks()).toEqual(['Revenue grew fast.']);
  await bob.select('grew');
  await bob.page.keyboard.press('Control+b');
  await bob.expectSaved();

  await alice.compareWithNamed('Draft');
  const formatted = page.locator('.version-view .diff-format');
  await expect(formatted).toHaveText('grew');
  await expect(formatted).toHaveAttribute('title', 'Formatting changed by Bob: bold');
  await expect(page.locator('.version-view .diff-insert')).toHaveCount(0);
  await expect(page.locator('.legend')).toHaveText('Bob');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('a task ticked and a heading made level 2 since a named version are underlined in the compare view, saying who', async ({ pair }) => {
  test.slow();
  const { alice, bob } = await pair('history-attributes');
  const page = alice.page;
  await alice.focusEnd();
  await alice.type('Plan');
  await alice.toolbar('h1');
  await alice.page.keyboard.press('Enter');
  await alice.type('[ ] Book the room');
  await alice.expectSaved();
  await alice.nameVersion('Draft');

  // Bob ticks the task and makes the heading level 2.
  await expect.poll(() => bob.blocks()).toEqual(['Plan', 'Book the room']);
  await bob.editor.getByRole('checkbox', { name: 'Done' }).click();
  await bob.editor.getByText('Plan').click();
  await bob.toolbar('h2');
  await bob.expectSaved();

  await alice.compareWithNamed('Draft');
  const formatted = page.locator('.version-view .diff-format');
  await expect(formatted).toHaveText(['Plan', 'Book the room']);
  await expect(formatted.nth(0)).toHaveAttribute('title', 'Formatting changed by Bob: heading 2');
  await expect(formatted.nth(1)).toHaveAttribute('title', 'Formatting changed by Bob: ticked');
  await expect(page.locator('.version-view .diff-insert')).toHaveCount(0);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
