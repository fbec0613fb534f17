// Someone whose network dropped (no close frame reaches the server) is shown as away within 5 s,
// cursor included, then leaves the people list; they come back when their network does.
//
// Bob's page reaches the server through a TCP proxy whose open connections the test cuts, as a cable
// pulled: going offline, the page closes its socket itself, and with the browser's offline emulation
// alone that close frame sometimes still reached the server (Bob then left at once, not "away"; seen
// once in CI, under load).

import { backendOf, startTcpBalancer } from '../support/tcp-balancer.js';
import { expect, test } from '../fixtures/tandem.js';

test('a person whose network drops is shown away within 5 s, then dropped, and comes back when online', async ({ server, person }) => {
  test.setTimeout(120_000); // it waits out the 15 s drop on purpose
  const network = await startTcpBalancer([backendOf(server.url)]);
  try {
    const alice = await person('Alice', '#e11d48');
    const bob = await person('Bob', '#2563eb');
    await alice.open(server.url, 'away/notes');
    await bob.open(network.url, 'away/notes');
    await bob.focusEnd();
    await bob.type('Bob was here');
    await expect.poll(() => alice.presence()).toEqual(['Alice (you)', 'Bob']);
    await expect.poll(() => alice.cursorLabels()).toEqual(['Bob']);
    const bobChip = alice.page.locator('[data-testid=people] .person', { hasText: 'Bob' });
    await expect(bobChip).toHaveAttribute('data-away', 'false');

    network.cutOpen();
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
  } finally {
    await network.close();
  }
});
