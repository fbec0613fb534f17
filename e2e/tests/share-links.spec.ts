import path from 'node:path';
import type { Locator } from '@playwright/test';
import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { axeViolations } from '../fixtures/axe.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-share-secret-0123456789-0123456789';
test.use({ serverEnv: { AUTH_SECRET: SECRET } });

const DOC = 'team/plan';
const SCREENSHOT = path.resolve(import.meta.dirname, '../../docs/share-dialog.png');
const tokenLink = (base: string, doc: string, token: string) => `${base}/d/${encodeURIComponent(doc)}?token=${token}`;

/** The user id (`sub`) of the token this person's browser holds. */
const userIdOf = (person: EditorPage) =>
  person.page.evaluate(() => {
    const payload = localStorage.getItem('tandem:token')!.split('.')[1]!;
    return (JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub: string }).sub;
  });

async function createLink(dialog: Locator, access: 'Can view' | 'Can edit', expiry: string): Promise<string> {
  const before = await dialog.getByTestId('share-link-row').count();
  await dialog.getByLabel('Access').selectOption({ label: access });
  await dialog.getByLabel('Expires after').selectOption({ label: expiry });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByTestId('share-link-row')).toHaveCount(before + 1);
  const url = await dialog.getByTestId('share-url').inputValue();
  expect(url).toMatch(/\/d\/team%2Fplan#share=/);
  return url;
}

test('an editor shares with a viewer link and an editor link; each person is themselves; revoking one withdraws it at once', async ({ server, person }) => {
  test.setTimeout(120_000);
  const aliceToken = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '31d' });
  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(tokenLink(server.url, DOC, aliceToken));
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.type('Plan. ');
  await alice.expectSaved();

  // The Share button opens the dialog (with sign-in on, for an editor).
  const shareButton = alice.page.getByRole('button', { name: 'Share' });
  await shareButton.click();
  const dialog = alice.page.getByRole('dialog', { name: 'Share “team/plan”' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('No links yet.')).toBeVisible();
  const viewerUrl = await createLink(dialog, 'Can view', '7 days');
  const editorUrl = await createLink(dialog, 'Can edit', '1 day');
  const rows = dialog.getByTestId('share-link-row');
  await expect(rows.nth(0)).toContainText('Can edit');
  await expect(rows.nth(0)).toContainText('alice');
  await expect(rows.nth(1)).toContainText('Can view');
  expect(await axeViolations(alice.page)).toEqual([]);
  await alice.page.screenshot({ path: test.info().outputPath('share-dialog.png') });
  // `TANDEM_DOCS_SCREENSHOTS=1` refreshes the README's picture from this run (a plain run leaves docs/ alone).
  if (process.env.TANDEM_DOCS_SCREENSHOTS === '1') await alice.page.screenshot({ path: SCREENSHOT });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(shareButton).toBeFocused();

  // Bob opens the editor link in his own browser: he edits, as himself.
  const bob = await person('Bob', '#2563eb');
  await bob.page.goto(editorUrl);
  await bob.expectConnected();
  await expect(bob.page).toHaveURL(`${server.url}/d/team%2Fplan`);
  const bobId = await userIdOf(bob);
  expect(bobId).toMatch(/^share:/);
  await expect.poll(() => bob.text()).toBe('Plan. ');
  await bob.focusEnd();
  await bob.type('Bob agrees.');
  await bob.expectSaved();
  await expect.poll(() => alice.text()).toBe('Plan. Bob agrees.');
  await expect.poll(() => alice.presence()).toEqual(['Alice (you)', 'Bob']);
  await alice.page.getByTestId('authorship-toggle').click();
  await expect(alice.editor.locator('.authored', { hasText: 'Bob agrees.' })).toHaveAttribute('data-author', bobId);
  await expect(alice.editor.locator('.authored', { hasText: 'Plan.' })).toHaveAttribute('data-author', 'alice');

  // Carol opens the viewer link: she reads live, and cannot type; she is someone else again.
  const carol = await person('Carol', '#16a34a');
  await carol.page.goto(viewerUrl);
  await carol.expectConnected();
  await expect(carol.status).toContainText('View only');
  await expect(carol.editor).toHaveAttribute('contenteditable', 'false');
  await expect.poll(() => carol.text()).toBe('Plan. Bob agrees.');
  const carolId = await userIdOf(carol);
  expect(carolId).toMatch(/^share:/);
  expect(carolId).not.toBe(bobId);
  await carol.editor.click();
  await carol.type('vandalism');
  await expect.poll(() => alice.presence()).toEqual(['Alice (you)', 'Bob', 'Carol']);
  expect(await alice.text()).toBe('Plan. Bob agrees.');
  // Someone let in by a link copies the address; they make no links.
  await expect(bob.page.getByRole('button', { name: 'Share' })).not.toHaveAttribute('aria-haspopup', 'dialog');

  // Alice revokes the editor link: Bob's page says so at once and stops editing; Carol stays.
  await shareButton.click();
  await dialog.getByRole('button', { name: /^Revoke the can edit link/ }).click();
  await expect(dialog.getByRole('status')).toContainText('Link revoked; 1 open page closed.');
  await expect(rows.nth(0)).toContainText('Revoked');
  await expect(bob.status).toHaveAttribute('data-connection', 'denied');
  await expect(bob.status).toContainText('Access withdrawn');
  await expect(bob.page.getByTestId('doc-notice')).toContainText('Your access to this document was withdrawn');
  await expect(bob.editor).toHaveAttribute('contenteditable', 'false');
  await carol.expectConnected();

  // Opening the revoked link again, in a fresh browser: it says it no longer works.
  const dan = await person('Dan', '#7c3aed');
  await dan.page.goto(editorUrl);
  await expect(dan.page.getByTestId('doc-notice')).toContainText('This share link no longer works');
  for (const p of [alice, bob, carol]) expect(p.errors.filter((e) => !/401|Unauthorized/.test(e))).toEqual([]);
});

test('the start page lists only the documents a token opens, and says so when there are none', async ({ server, person }) => {
  const admin = await mintToken(SECRET, { userId: 'ops', docs: ['*'], role: 'editor', ttl: '1h' });
  for (const doc of ['team/plan', 'private/diary']) {
    const res = await fetch(`${server.url}/api/docs/${encodeURIComponent(doc)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/markdown' },
      body: `# ${doc}\n`,
    });
    expect(res.status).toBe(201);
  }
  const team = await mintToken(SECRET, { userId: 'tess', docs: ['team/*'], role: 'viewer', ttl: '1h' });
  const tess = await person('Tess', '#0891b2');
  await tess.page.goto(`${server.url}/?token=${team}`);
  await expect(tess.page.locator('.doc-list li > a')).toHaveText(['team/plan']);

  const other = await mintToken(SECRET, { userId: 'olga', docs: ['other/*'], role: 'editor', ttl: '1h' });
  const olga = await person('Olga', '#65a30d');
  await olga.page.goto(`${server.url}/?token=${other}`);
  await expect(olga.page.locator('.doc-list')).toHaveText('No documents shared with you yet.');
});

test.describe('without sign-in', () => {
  test.use({ serverEnv: {} });

  test('Share copies the address, as before: no dialog, no links', async ({ server, person }) => {
    const ann = await person('Ann', '#e11d48');
    await ann.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await ann.open(server.url, DOC);
    const share = ann.page.locator('.share');
    await expect(share).not.toHaveAttribute('aria-haspopup', 'dialog');
    await share.click();
    await expect(share).toHaveText('Link copied');
    await expect(ann.page.getByRole('dialog')).toHaveCount(0);
    expect(await ann.page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.url}/d/team%2Fplan`);
  });
});
