// The Share dialog open while someone else renames the document: the page stays (see rename-keeps-page),
// and so does the dialog, whose links are then made for the document under its new name (a write at the
// old name is refused with 409 `moved`).

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-share-rename-secret-0123456789-0123';
test.use({ serverEnv: { AUTH_SECRET: SECRET } });

test('a Share dialog open through a rename by someone else makes links for the renamed document', async ({ server, person }) => {
  const token = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '31d' });
  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(`${server.url}/d/${encodeURIComponent('team/old')}?token=${token}`);
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.type('Shared with the team.');
  await alice.expectSaved();

  await alice.page.getByRole('button', { name: 'Share' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Share “team/old”' });
  await expect(dialog).toBeVisible();

  const other = await mintToken(SECRET, { userId: 'bob', name: 'Bob', docs: ['team/*'], role: 'editor', ttl: '1d' });
  const renamed = await fetch(`${server.url}/api/docs/${encodeURIComponent('team/old')}/rename`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${other}` },
    body: JSON.stringify({ to: 'team/new' }),
  });
  expect(renamed.status).toBe(201);
  await expect(alice.page).toHaveURL(`${server.url}/d/${encodeURIComponent('team/new')}`);

  const rows = await dialog.getByTestId('share-link-row').count();
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByTestId('share-link-row')).toHaveCount(rows + 1);
});
