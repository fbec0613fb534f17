// Choosing a named version to compare with while the history view already shows the head compared with
// the start of its edit session: until the new diff comes, the old one stays on screen. history-embeds
// failed on it (text in the named version painted "Added by Alice": the session's diff, read before the
// named version's came). Here the named version's diff is held back a second so that is always so.
import { nameVersionAfter } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test('comparing with a named version shows what changed since it, even when its diff is slow to come', async ({ pair }) => {
  test.slow();
  const { alice, bob } = await pair('history-compare-slow');
  const page = alice.page;
  const draft = (await nameVersionAfter(alice, bob, 'history-compare-slow', 'One two.', 'Draft')).seq;

  await bob.focusEnd();
  await bob.type(' Three.');
  await bob.expectSaved();

  // The diff against the session's start (seq 0) answers at once, the one against "Draft" a second late.
  await page.route(
    (url) => url.pathname.endsWith('/diff') && url.searchParams.get('from') === String(draft),
    async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    },
  );
  await alice.compareWithNamed('Draft');
  await expect(page.locator('.version-view .diff-insert')).toHaveText('Three.');
  await expect(page.locator('.legend')).toHaveText('Bob');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
