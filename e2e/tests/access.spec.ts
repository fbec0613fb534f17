import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-secret-0123456789-0123456789-0123';
test.use({ serverEnv: { AUTH_SECRET: SECRET }, serverScope: 'file' }); // each test has documents of its own

const link = (base: string, doc: string, token: string) => `${base}/d/${encodeURIComponent(doc)}?token=${token}`;

test('a token link opens the document; a viewer sees edits live but cannot change anything', async ({ server, person }) => {
  const editorToken = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '1h' });
  const viewerToken = await mintToken(SECRET, { userId: 'vic', name: 'Vic', docs: ['team/*'], role: 'viewer', ttl: '1h' });
  const alice = await person('Alice', '#e11d48');
  const vic = await person('Vic', '#16a34a');

  await alice.page.goto(link(server.url, 'team/spec', editorToken));
  await alice.expectConnected();
  // The token leaves the address bar, so the share link never carries it.
  await expect(alice.page).toHaveURL(`${server.url}/d/team%2Fspec`);
  await alice.focusEnd();
  await alice.type('Only editors write here.');
  await alice.expectSaved();

  await vic.page.goto(link(server.url, 'team/spec', viewerToken));
  await vic.expectConnected();
  await expect(vic.status).toContainText('View only');
  await expect.poll(() => vic.text()).toBe('Only editors write here.');
  await expect(vic.page.locator('.toolbar')).toBeHidden();
  await expect(vic.editor).toHaveAttribute('contenteditable', 'false');
  await vic.editor.click();
  await vic.type('vandalism');
  await alice.type(' Still.');
  await expect.poll(() => vic.text()).toBe('Only editors write here. Still.');
  await expect.poll(() => alice.presence()).toEqual(['Alice (you)', 'Vic']);
  expect(alice.errors).toEqual([]);
  expect(vic.errors).toEqual([]);
  // Nothing of the viewer's waits to be saved (its sync step 2 is settled, not left unanswered), so
  // closing the tab does not ask "Leave site?".
  await expect(vic.status).toHaveAttribute('data-saved', 'true');
  let asked = false;
  vic.page.on('dialog', (dialog) => {
    asked = true;
    void dialog.dismiss();
  });
  await vic.page.close({ runBeforeUnload: true });
  await expect.poll(() => vic.page.isClosed()).toBe(true);
  expect(asked).toBe(false);
});

test('without a token, or with one for other documents, the editor says access is refused', async ({ server, person }) => {
  const other = await mintToken(SECRET, { userId: 'bob', docs: ['other/*'], role: 'editor', ttl: '1h' });
  const bob = await person('Bob', '#2563eb');
  await bob.page.goto(link(server.url, 'team/secret', other));
  await expect(bob.status).toHaveAttribute('data-connection', 'denied');
  await expect(bob.status).toContainText('No access to this document');

  const nobody = await person('Nobody', '#7c3aed');
  await nobody.page.goto(server.url);
  await expect(nobody.page.getByText('This server needs an access token')).toBeVisible();
  await nobody.page.goto(`${server.url}/d/team%2Fsecret`);
  await expect(nobody.status).toHaveAttribute('data-connection', 'denied');
  await expect(nobody.status).toContainText('Access expired or invalid');
});

test('access revoked while the page was offline (a laptop closed overnight): back online, it says so instead of "Offline" for ever', async ({ server, person }) => {
  const token = await mintToken(SECRET, { userId: 'lena', name: 'Lena', docs: ['team/*'], role: 'editor', ttl: '1h' });
  const admin = await mintToken(SECRET, { userId: 'ops', docs: ['*'], role: 'editor', ttl: '1h', admin: true });
  const lena = await person('Lena', '#e11d48');
  await lena.page.goto(link(server.url, 'team/laptop', token));
  await lena.expectConnected();
  await lena.focusEnd();
  await lena.type('Before the lid closed.');
  await lena.expectSaved();

  await lena.context.setOffline(true);
  await expect(lena.status).toHaveAttribute('data-connection', 'offline');
  await lena.type(' Typed on the train.');
  const revoked = await fetch(`${server.url}/api/admin/revocations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'lena', reason: 'left the team' }),
  });
  expect(revoked.status).toBe(201);
  await lena.context.setOffline(false);
  // Refused for good, and told why, as when access ends while connected.
  await expect(lena.status).toHaveAttribute('data-connection', 'denied', { timeout: 15_000 });
  await expect(lena.page.getByRole('alert')).toContainText('Your access to this document was withdrawn');
});
