// Alice, offline, presses Enter in "abcd|ef" and reloads the page (its app from the service worker, her
// change from this browser's copy); Bob presses Enter in "abc|def". Her move starts inside his, so hers gives
// way and her page takes out its copy of "ef" (and makes her Enter again in his copy). The reloaded page, with a new client id, had forgotten the move
// was its own: nobody gave way and "ef" came twice, for everyone (double-move.ts now reads an earlier page's
// moves from its notes).

import { converged } from '../fixtures/converged.js';
import { writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

for (const bobToo of ['online', 'offline too'] as const) {
  test(`Enter pressed offline, the page reloaded while the other (${bobToo}) presses Enter earlier in the same line: its words once`, async ({ pair }) => {
    const { alice, bob } = await pair(`moves-after-reload/${bobToo}`);
    await writeShared(alice, bob, ['abcdef', 'xyz']);

    await alice.goOffline();
    await alice.pressAt(0, 4, 'Enter');
    await expect.poll(() => alice.blocks()).toEqual(['abcd', 'ef', 'xyz']);
    await alice.page.reload();
    await expect.poll(() => alice.blocks()).toEqual(['abcd', 'ef', 'xyz']);

    if (bobToo === 'online') {
      await bob.pressAt(0, 3, 'Enter');
      await bob.expectSaved();
      await alice.context.setOffline(false);
    } else {
      await bob.goOffline();
      await bob.pressAt(0, 3, 'Enter');
      await alice.context.setOffline(false);
      await alice.expectSaved();
      await bob.context.setOffline(false);
    }
    await alice.expectSaved();
    await bob.expectSaved();

    const result = await converged([alice, bob], (p) => p.blocks());
    // Before: "ef" twice; then her Enter dropped ("abc", "def"); now made again in Bob's copy (split-again.ts).
    expect(result).toEqual(['abc', 'd', 'ef', 'xyz']);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
