// The Share dialog from the keyboard: Revoke, pressed with Enter, must leave focus inside the dialog
// (it was disabled and its row drawn again, and focus fell to <body>: a screen reader lost its place).

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-share-keyboard-secret-0123456789-01';
test.use({ serverEnv: { AUTH_SECRET: SECRET } });

test('Revoke pressed from the keyboard keeps focus in the Share dialog; Esc then closes it onto Share', async ({ server, person }) => {
  const token = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '31d' });
  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(`${server.url}/d/${encodeURIComponent('team/keys')}?token=${token}`);
  await alice.expectConnected();

  const share = alice.page.getByRole('button', { name: 'Share' });
  await share.focus();
  await alice.page.keyboard.press('Enter');
  const dialog = alice.page.getByRole('dialog', { name: 'Share “team/keys”' });
  await expect(dialog).toBeVisible();
  for (const label of ['Can view', 'Can edit']) {
    await dialog.getByLabel('Access').selectOption({ label });
    const rows = await dialog.getByTestId('share-link-row').count();
    await dialog.getByRole('button', { name: 'Create link' }).press('Enter');
    await expect(dialog.getByTestId('share-link-row')).toHaveCount(rows + 1);
  }

  await dialog.getByRole('button', { name: /^Revoke the can edit link/ }).focus();
  await alice.page.keyboard.press('Enter');
  await expect(dialog.getByRole('status')).toHaveText('Link revoked.');
  await expect(dialog.getByTestId('share-link-row').first()).toContainText('Revoked');
  await expect.poll(() => dialog.evaluate((d) => d.contains(document.activeElement) && document.activeElement !== d)).toBe(true);

  await alice.page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(share).toBeFocused();
  expect(alice.errors).toEqual([]);
});
