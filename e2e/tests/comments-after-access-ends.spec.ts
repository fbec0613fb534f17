// A page the server has closed for good (the document went to the trash, a share link was revoked) makes
// the text read-only and hides the toolbar; the Comments panel must stop taking comments too: a reply,
// a resolve or a new comment made there can never be stored, yet it was shown as posted ("You").

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { threads } from '../fixtures/comments.js';
import { expect, test } from '../fixtures/tandem.js';

test('after the document goes to the trash, an open page no longer offers to reply, resolve or comment', async ({ server, pair }) => {
  const { alice, bob } = await pair('trash/commented');
  await alice.focusEnd();
  await alice.type('Ship it on Friday.');
  await alice.select('Friday');
  await alice.editor.focus();
  await alice.page.keyboard.press('Control+Alt+M');
  await alice.page.getByRole('textbox', { name: 'New comment' }).fill('Sure?');
  await alice.page.keyboard.press('Control+Enter');
  await alice.expectSaved();
  await expect(threads(bob.page)).toHaveCount(1);
  await expect(threads(bob.page).first().getByRole('textbox', { name: 'Reply' })).toBeVisible();

  const home = await alice.context.newPage();
  await home.goto(server.url);
  home.once('dialog', (dialog) => void dialog.accept());
  await home.getByRole('button', { name: 'Delete trash/commented' }).click();
  await expect(home.getByRole('status')).toHaveText('"trash/commented" moved to the trash.');

  await expect(bob.page.getByRole('heading', { name: 'This document is in the trash' })).toBeVisible();
  await expect(bob.editor).toHaveAttribute('contenteditable', 'false');
  // The thread is still there to read…
  await expect(threads(bob.page)).toHaveCount(1);
  await expect(threads(bob.page).first()).toContainText('Sure?');
  // …but nothing on this page can write one: no reply box, no Resolve, no new comment from the keyboard.
  await expect(threads(bob.page).first().getByRole('textbox', { name: 'Reply' })).toHaveCount(0);
  await expect(threads(bob.page).first().getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  await bob.select('Ship');
  await bob.editor.focus();
  await bob.page.keyboard.press('Control+Alt+M');
  await expect(bob.page.getByRole('textbox', { name: 'New comment' })).toBeHidden();
  expect(bob.errors).toEqual([]);
});

test.describe('with sign-in on', () => {
  const SECRET = 'e2e-comments-revoked-secret-0123456789';
  test.use({ serverEnv: { AUTH_SECRET: SECRET } });

  test('a guest let in by a "Can comment" link cannot reply or resolve once the link is revoked', async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const token = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '31d' });
    await alice.page.goto(`${server.url}/d/${encodeURIComponent('team/plan')}?token=${token}`);
    await alice.expectConnected();
    await alice.focusEnd();
    await alice.type('Ship it on Friday.');
    await alice.select('Friday');
    await alice.editor.focus();
    await alice.page.keyboard.press('Control+Alt+M');
    await alice.page.getByRole('textbox', { name: 'New comment' }).fill('Sure?');
    await alice.page.keyboard.press('Control+Enter');
    await alice.expectSaved();
    await alice.page.getByRole('button', { name: 'Share' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Share “team/plan”' });
    await dialog.getByLabel('Access').selectOption({ label: 'Can comment' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await expect(dialog.getByTestId('share-link-row')).toHaveCount(1);
    const url = await dialog.getByTestId('share-url').inputValue();

    const cat = await person('Cat', '#7c3aed');
    await cat.page.goto(url);
    await cat.expectConnected();
    await expect(threads(cat.page).first().getByRole('textbox', { name: 'Reply' })).toBeVisible();

    await dialog.getByRole('button', { name: /^Revoke/ }).click();
    await expect(dialog.getByRole('status')).toContainText('Link revoked; 1 open page closed.');
    await expect(cat.status).toContainText('Access withdrawn');
    await expect(threads(cat.page).first()).toContainText('Sure?');
    await expect(threads(cat.page).first().getByRole('textbox', { name: 'Reply' })).toHaveCount(0);
    await expect(threads(cat.page).first().getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  });
});
