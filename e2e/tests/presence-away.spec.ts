// Someone whose network dropped (no close frame reaches the server) is shown as away within 5 s,
// cursor included, then leaves the people list; they come back when their network does.

import { expect, test } from '../fixtures/tandem.js';

test('a person whose network drops is shown away within 5 s, then dropped, and comes back when online', async ({ pair }) => {
  test.setTimeout(120_000); // it waits out the 15 s drop on purpose
  const { alice, bob } = await pair('away/notes');
  await bob.focusEnd();
  await bob.type('Bob was here');
  await expect.poll(() => alice.presence()).toEqual(['Alice (you)', 'Bob']);
  await expect.poll(() => alice.cursorLabels()).toEqual(['Bob']);
  const bobChip = alice.page.locator('[data-testid=people] .person', { hasText: 'Bob' });
  await expect(bobChip).toHaveAttribute('data-away', 'false');

  await bob.context.setOffline(true);
  const dropped = Date.now();
  await expect(bobChip).toHaveAttribute('data-away', 'true', { timeout: 5_000 });
  await expect(bobChip).toContainText('away');
  await expect.poll(() => alice.cursorLabels(), { timeout: 1_000 }).toEqual(['Bob · away']);
  expect(Date.now() - dropped).toBeLessThan(5_000);

  // Gone after PING_DROP_AFTER_MS (15 s by default) without an answer.
  await expect.poll(() => alice.presence(), { timeout: 25_000 }).toEqual(['Alice (you)']);
  await expect.poll(() => alice.cursorLabels()).toEqual([]);

  await bob.context.setOffline(false);
  await bob.expectConnected();
  await expect.poll(() => alice.presence(), { timeout: 15_000 }).toEqual(['Alice (you)', 'Bob']);
  await expect(bobChip).toHaveAttribute('data-away', 'false');
  // Bob never sees himself as away.
  await expect(bob.page.locator('[data-testid=people] .person[data-away=true]')).toHaveCount(0);
  expect(alice.errors).toEqual([]);
});
