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

test('the start page offers a viewer no Delete, Restore or Import: only what their token may do', async ({ server, person }) => {
  const editorToken = await mintToken(SECRET, { userId: 'erin', name: 'Erin', docs: ['home/*'], role: 'editor', ttl: '1h' });
  const viewerToken = await mintToken(SECRET, { userId: 'val', name: 'Val', docs: ['home/*'], role: 'viewer', ttl: '1h' });
  const erin = await person('Erin', '#e11d48');
  const val = await person('Val', '#16a34a');
  for (const doc of ['home/kept', 'home/binned']) {
    await erin.page.goto(link(server.url, doc, editorToken));
    await erin.expectConnected();
    await erin.focusEnd();
    await erin.type(`In ${doc}.`);
    await erin.expectSaved();
  }
  await erin.page.goto(server.url);
  erin.page.once('dialog', (dialog) => void dialog.accept());
  await erin.page.getByRole('button', { name: 'Delete home/binned' }).click();
  await expect(erin.page.getByRole('status')).toHaveText('"home/binned" moved to the trash.');
  await expect(erin.page.getByRole('button', { name: 'Restore home/binned' })).toBeVisible();
  await expect(erin.page.getByRole('button', { name: 'Import file…' })).toBeVisible();

  await val.page.goto(link(server.url, 'home/kept', viewerToken));
  await val.expectConnected();
  await val.page.goto(server.url);
  await expect(val.page.locator('.doc-list a', { hasText: 'home/kept' })).toHaveCount(1);
  await expect(val.page.getByRole('region', { name: 'Trash' })).toContainText('home/binned');
  await expect(val.page.getByRole('button', { name: /^Delete / })).toHaveCount(0);
  await expect(val.page.getByRole('button', { name: /^Restore / })).toHaveCount(0);
  await expect(val.page.getByRole('button', { name: 'Import file…' })).toBeHidden();
  await expect(val.page.getByLabel('Open a document')).toBeVisible();
  expect(val.errors).toEqual([]);
});
