// The question before a restore describes the version restored. A version part way through an edit
// session (a named draft, and then a collaborator's edits within the session's gap) was described with the
// whole session's end time and authors: "how it was at 11:41 (version 17, after Alice, Bob’s edits)",
// when Bob's edits are what the restore takes away (found by a review). Google Docs names the version's own time.

import { expect, test } from '../fixtures/tandem.js';

test('restoring a named version from part way through a session does not say it holds the later edits', async ({ pair }) => {
  const { alice, bob } = await pair('restore/part-way');
  await alice.focusEnd();
  await alice.type('Version one text.');
  await alice.expectSaved();
  await alice.nameVersion('Draft 1');
  await bob.focusEnd();
  await bob.type(' Bob adds more.');
  await bob.expectSaved();

  const page = alice.page;
  await page.getByRole('button', { name: 'History' }).click();
  await page.locator('.named-versions').getByRole('button', { name: /Draft 1/ }).click();
  await expect(page.getByTestId('history-document')).toHaveText('Version one text.');
  await page.getByRole('button', { name: 'Restore this version' }).click();
  const dialog = page.getByTestId('restore-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).not.toContainText('after Alice, Bob');
  await expect(dialog).toContainText(/part way through the edit session of .+ by Alice and Bob; what came after it in that session is undone too/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // A version that ends its session is described by its time and authors, as before.
  await page.locator('.sessions').getByRole('button').first().click();
  await page.getByRole('button', { name: 'Restore this version' }).click();
  await expect(dialog).toContainText(/after Alice and Bob’s edits\)/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(alice.errors).toEqual([]);
});
