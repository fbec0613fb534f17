// A copy, an import and a restore made from the editor without sign-in are by the person who made them: the
// start page listed a copy as by "api" and a restored document's last change as by "restore" (found by an
// exploratory review; the README says a copy is "one edit by you"). The editor now tells the server which
// browser it is, as its WebSocket does.

import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test('Make a copy is listed as by the person who made it, not "api"', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'by-you/original');
  await alice.focusEnd();
  await alice.type('Original text.');
  await alice.expectSaved();

  await alice.page.locator('.topbar').getByRole('button', { name: 'Make a copy' }).click();
  await expect(alice.page.getByRole('textbox', { name: 'Name of the copy' })).toBeFocused();
  await alice.page.keyboard.press('Enter');
  await expect(alice.page).toHaveURL(/original%20\(copy\)/);
  await alice.expectConnected(); // the copy's page, loaded
  await expect.poll(() => alice.blocks()).toEqual(['Original text.']);
  const history = async (doc: string) =>
    alice.page.evaluate(
      async (name) => (await (await fetch(`/api/docs/${encodeURIComponent(name)}/history`)).json()) as { sessions: Array<{ authors: Array<{ id: string }> }>; authors: Record<string, { name: string }> },
      doc,
    );
  const names = async (doc: string) => {
    const { sessions, authors } = await history(doc);
    return sessions.flatMap((s) => s.authors.map((a) => authors[a.id]?.name ?? a.id));
  };
  await expect.poll(() => names('by-you/original (copy)')).toEqual(['Alice']); // before: "api"

  await alice.page.goto(server.url);
  const row = alice.page.getByRole('listitem').filter({ hasText: 'by-you/original (copy)' }).first();
  await expect(row).toContainText('Alice');
  await expect(row).not.toContainText('api');
});
