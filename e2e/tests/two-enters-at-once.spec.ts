// Two people pressing Enter in one paragraph before either has the other's Enter: the end of the
// paragraph was repeated (" three" twice, or " two three" twice when both pressed it at one place) whenever
// the server had acknowledged one Enter before the other reached that page, and always at one place (found
// by an exploratory run). Each editor now notes which characters its move copied (double-move.ts, MOVED):
// the words stay once, where the earlier Enter put them, and the later Enter's line break is dropped.

import { writeShared } from '../fixtures/editor-page.js';
import { holdIncoming } from '../fixtures/hold-incoming.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const cases = [
  { alice: 3, bob: 7, how: 'held' },
  { alice: 7, bob: 3, how: 'offline' },
  { alice: 3, bob: 3, how: 'held' },
  { alice: 3, bob: 3, how: 'offline' },
] as const;

for (const { alice: aliceAt, bob: bobAt, how } of cases) {
  const crossing = how === 'held' ? 'Bob\'s stored and acknowledged before Alice\'s reached him' : 'Bob offline';
  test(`Enter after character ${aliceAt} and ${bobAt} of "one two three" at once (${crossing}): no words repeated`, async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const bob = await person('Bob', '#2563eb');
    const aliceIn = await holdIncoming(alice);
    const doc = `two-enters/${aliceAt}-${bobAt}-${how}`;
    await alice.open(server.url, doc);
    await bob.open(server.url, doc);
    await writeShared(alice, bob, ['one two three']);
    await alice.caretInTextblock(0, aliceAt);
    await bob.caretInTextblock(0, bobAt);

    if (how === 'held') {
      aliceIn.hold();
      await bob.page.keyboard.press('Enter');
      await bob.expectSaved();
      await alice.page.keyboard.press('Enter');
      await alice.page.waitForTimeout(300); // stored after Bob's, and with Bob
      aliceIn.release();
    } else {
      await bob.context.setOffline(true);
      await expect(bob.status).toHaveAttribute('data-connection', 'offline');
      await bob.page.keyboard.press('Enter');
      await alice.page.keyboard.press('Enter');
      await alice.expectSaved();
      await bob.context.setOffline(false);
    }
    await alice.expectSaved();
    await bob.expectSaved();

    await expect.poll(() => alice.blocks()).toEqual(['one', ' two three']);
    await expect.poll(() => bob.blocks()).toEqual(['one', ' two three']);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
