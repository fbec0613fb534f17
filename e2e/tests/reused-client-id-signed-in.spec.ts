// With sign-in on, the server keeps each Yjs client id to whoever first wrote under it
// (client-ownership.ts): a page that takes back its earlier page's id writes on under it without a
// refusal, and a page of another person in the same browser never takes it.

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-secret-0123456789-0123456789-0123';
test.use({ serverEnv: { AUTH_SECRET: SECRET }, serverScope: 'file' });

const link = (base: string, doc: string, token: string) => `${base}/d/${encodeURIComponent(doc)}?token=${token}`;

test("a signed-in editor's reloaded page writes on under the id it had, stored without a refusal; another person's page in the same browser does not take it", async ({ server, person }) => {
  const aliceToken = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '1h' });
  const bobToken = await mintToken(SECRET, { userId: 'bob', name: 'Bob', docs: ['team/*'], role: 'editor', ttl: '1h' });
  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(link(server.url, 'team/ids', aliceToken));
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.type('First.');
  await alice.expectSaved();
  const first = await alice.clientId();
  await alice.page.reload();
  await alice.expectConnected();
  expect(await alice.clientId()).toBe(first);
  await alice.focusEnd();
  await alice.type(' Second.');
  await alice.expectSaved();
  await expect(alice.status).toContainText('Saved');
  const tab = await alice.context.newPage();
  await alice.page.close();

  // Bob signs in with his own link in this browser: a new id, and his words are stored as his.
  const bob = new EditorPage(tab, alice.context, 'Bob', '#2563eb');
  await tab.goto(link(server.url, 'team/ids', bobToken));
  await bob.expectConnected();
  expect(await bob.clientId()).not.toBe(first);
  await bob.focusEnd();
  await bob.type(' Bob.');
  await bob.expectSaved();
  await expect(bob.status).toContainText('Saved');
  await expect.poll(() => bob.text()).toBe('First. Second. Bob.');
  expect(bob.errors).toEqual([]);
});
