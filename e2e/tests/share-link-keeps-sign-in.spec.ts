// One browser, more than one way in: a person signed in with a token of their own opens a share link
// someone sent them for another document. The page keeps one token for the whole site, so redeeming the
// link replaced their own sign-in with a token for that one document: every document of their own then
// said "No access to this document" (and a second share link locked them out of the first one's document).

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-share-secret-0123456789-0123456789';
test.use({ serverEnv: { AUTH_SECRET: SECRET } });

/** A share link for `doc`, made through the API by an editor with `token`. */
async function shareLink(base: string, token: string, doc: string, role: 'viewer' | 'editor'): Promise<string> {
  const res = await fetch(`${base}/api/docs/${encodeURIComponent(doc)}/share-links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ role, expiresIn: 3600 }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { url: string }).url;
}

test('a share link for another document does not take away the sign-in this browser had', async ({ server, person }) => {
  const aliceToken = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '1d' });
  const olgaToken = await mintToken(SECRET, { userId: 'olga', name: 'Olga', docs: ['other/*'], role: 'editor', ttl: '1d' });
  const link = await shareLink(server.url, olgaToken, 'other/notes', 'viewer');

  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(`${server.url}/d/${encodeURIComponent('team/plan')}?token=${aliceToken}`);
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.type('Our plan.');
  await alice.expectSaved();

  // Olga's link, opened in the same browser: Alice reads her notes.
  await alice.page.goto(link);
  await alice.expectConnected();
  await expect(alice.status).toContainText('View only');

  // Back to her own document (the address bar, a bookmark): she is still signed in as herself, an editor.
  await alice.page.goto(`${server.url}/d/${encodeURIComponent('team/plan')}`);
  await alice.expectConnected();
  await expect(alice.editor).toHaveAttribute('contenteditable', 'true');
  await expect.poll(() => alice.text()).toBe('Our plan.');
});

test('two share links for two documents: each document still opens', async ({ server, person }) => {
  const olgaToken = await mintToken(SECRET, { userId: 'olga', name: 'Olga', docs: ['*'], role: 'editor', ttl: '1d' });
  const first = await shareLink(server.url, olgaToken, 'one/doc', 'editor');
  const second = await shareLink(server.url, olgaToken, 'two/doc', 'viewer');

  const bob = await person('Bob', '#2563eb');
  await bob.page.goto(first);
  await bob.expectConnected();
  await bob.focusEnd();
  await bob.type('Bob was here.');
  await bob.expectSaved();
  await bob.page.goto(second);
  await bob.expectConnected();
  await expect(bob.status).toContainText('View only');

  await bob.page.goto(`${server.url}/d/${encodeURIComponent('one/doc')}`);
  await bob.expectConnected();
  await expect(bob.editor).toHaveAttribute('contenteditable', 'true');
  await expect.poll(() => bob.text()).toBe('Bob was here.');
});

// The page takes the link's secret out of the address once it has it: a link to the same document, pasted
// into the address bar of its tab, differs from the address only in its #share=…, and the browser does not
// load the page again for that. Nothing happened: the page kept saying it needed a link, or kept the
// viewer's access when the link gave an editor's (found by a review).
test('a share link pasted into the tab already on its document is used: a plain address, then a viewer link, then an editor link', async ({ server, person }) => {
  const olgaToken = await mintToken(SECRET, { userId: 'olga', name: 'Olga', docs: ['*'], role: 'editor', ttl: '1d' });
  const viewer = await shareLink(server.url, olgaToken, 'team/same-tab', 'viewer');
  const editor = await shareLink(server.url, olgaToken, 'team/same-tab', 'editor');

  const bob = await person('Bob', '#2563eb');
  await bob.page.goto(`${server.url}/d/${encodeURIComponent('team/same-tab')}`);
  await expect(bob.status).toHaveAttribute('data-connection', 'denied');

  await bob.page.goto(viewer);
  await bob.expectConnected();
  await expect(bob.status).toContainText('View only');
  await expect(bob.editor).toHaveAttribute('contenteditable', 'false');

  await bob.page.goto(editor);
  await bob.expectConnected();
  await expect(bob.editor).toHaveAttribute('contenteditable', 'true');
  await bob.focusEnd();
  await bob.type('Bob edits.');
  await bob.expectSaved();
  expect(new URL(bob.page.url()).hash).toBe('');
});
