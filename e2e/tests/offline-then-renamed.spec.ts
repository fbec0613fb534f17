// Bob types offline, is told "Offline · changes kept in this browser", and closes the tab. Alice renames the
// document meanwhile. Bob comes back and opens it (under its new name, or by his old link, which the server
// sends on to the new one): his words were never sent, since the page read only the new name's copy, and
// the old name's copy was never read again (found by an exploratory run). A page now brings in copies of
// its document this browser keeps under earlier names (collab/local-copy.ts adoptEarlierCopies).

import { EditorPage, serverText } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

for (const by of ['the new name', 'the old link'] as const) {
  test(`words typed offline in a tab closed before a rename are saved when the document is opened again by ${by}`, async ({ server, pair }) => {
    const from = `offline-renamed/${by === 'the new name' ? 'a' : 'b'}`;
    const to = `${from}-renamed`;
    const { alice, bob } = await pair(from);
    await alice.focusEnd();
    await alice.page.keyboard.insertText('Shared.');
    await expect.poll(() => bob.blocks()).toEqual(['Shared.']);
    await bob.expectSaved();
    await bob.context.setOffline(true);
    await expect(bob.status).toHaveAttribute('data-connection', 'offline');
    await bob.focusEnd();
    await bob.type(' Bob offline.');
    await expect(bob.status).toContainText('Offline · changes kept in this browser');
    await Promise.all([bob.page.waitForEvent('close'), bob.page.close({ runBeforeUnload: true })]);

    const res = await fetch(`${server.url}/api/docs/${encodeURIComponent(from)}/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to }),
    });
    expect(res.status).toBeLessThan(300);
    await expect(alice.page).toHaveURL(new RegExp(encodeURIComponent(to)));

    await bob.context.setOffline(false);
    const again = new EditorPage(await bob.context.newPage(), bob.context, 'Bob', bob.color);
    await again.open(server.url, by === 'the new name' ? to : from);
    await expect(again.page).toHaveURL(new RegExp(encodeURIComponent(to)));
    await expect.poll(() => again.blocks()).toEqual(['Shared. Bob offline.']);
    await again.expectSaved();
    await expect.poll(() => serverText(server.url, to)).toBe('Shared. Bob offline.');
    await expect.poll(() => alice.blocks()).toEqual(['Shared. Bob offline.']);
    // The old name's copy is gone from this browser once brought in.
    const names = await again.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(names).not.toContain(`tandem/${from}`);
    expect(again.errors).toEqual([]);
  });
}
