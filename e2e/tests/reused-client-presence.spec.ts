// A page that takes back an earlier page's client id (reused-client.ts) shows up in the people list of
// someone who saw the earlier page, even when the server has forgotten the earlier page's presence (it
// restarted meanwhile): people ignore a presence state of an id that is not newer than the last they saw,
// so the new page's presence starts above the earlier one's (found by a review: it started again at 1).

import { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';


test("Bob's page that takes back his earlier page's id shows up for Alice, who saw the earlier one, after the server restarted", async ({ server, pair }) => {
  const { alice, bob } = await pair('presence-after-reuse');
  await bob.focusEnd();
  await bob.type('Bob moves about a lot.');
  // Each caret move is a presence change: his presence's clock climbs well past what a new page starts at.
  for (let i = 0; i < 25; i++) await bob.page.keyboard.press(i % 2 === 0 ? 'ArrowLeft' : 'Home');
  await bob.expectSaved();
  await expect.poll(() => alice.presence()).toContain('Bob');
  const first = await bob.clientId();
  const tab = await bob.context.newPage();
  await bob.page.close();
  await expect.poll(() => alice.presence()).not.toContain('Bob');
  // The server forgets every presence; Alice's page keeps what it saw of Bob's id.
  await server.restart();
  await alice.expectConnected();

  const again = new EditorPage(tab, bob.context, bob.name, bob.color);
  await again.open(server.url, 'presence-after-reuse');
  expect(await again.clientId()).toBe(first);
  await expect.poll(() => alice.presence()).toContain('Bob');
  await again.focusEnd();
  await expect.poll(() => alice.cursorLabels()).toContain('Bob');
  expect(again.errors).toEqual([]);
});
