// The history view's panel does not move when the version it opens on arrives. The list of people whose
// changes are shown ("Changes by") was empty until the first diff came, then took a line and pushed the
// named versions and edit sessions down: a click aimed at "Draft 1" as the view opened landed on the line
// above it, and the view stayed on the head (restore-dialog-words failed on it with two test workers).
import { nameVersionAfter } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test('the named versions stay where they are while the version the history view opens on arrives', async ({ pair }) => {
  const { alice, bob } = await pair('history/no-shift');
  await nameVersionAfter(alice, bob, 'history/no-shift', 'Version one text.', 'Draft 1');
  await bob.focusEnd();
  await bob.type(' Bob adds more.');
  await bob.expectSaved();

  const page = alice.page;
  // Every diff comes a second late, as on a busy server: the view is laid out before the first one.
  await page.route(
    (url) => url.pathname.endsWith('/diff'),
    async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    },
  );
  await page.getByRole('button', { name: 'History' }).click();
  const draft = page.locator('.named-versions').getByRole('button', { name: /Draft 1/ });
  await expect(draft).toBeVisible();
  const before = await draft.boundingBox();
  await expect(page.getByTestId('history-document')).toHaveAttribute('data-seq', /^[1-9]/);
  await expect(page.locator('.legend')).toContainText('Bob');
  expect(await draft.boundingBox()).toEqual(before);

  await draft.click();
  await expect(page.getByTestId('history-document')).toHaveText('Version one text.');
  expect(alice.errors).toEqual([]);
});
