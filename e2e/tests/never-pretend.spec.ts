// A page that can never save says so and is read-only: invalid document names, the start page's
// form, and a server that refuses this browser's access (no token, an expired one).

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** The page shows no editable text and nothing that claims the text is kept or saved. */
async function expectReadOnly(p: EditorPage): Promise<void> {
  await expect(p.page.locator('[contenteditable=true]')).toHaveCount(0);
  await expect(p.page.locator('body')).not.toContainText(/kept in this browser|Saved|Saving/);
}

test.describe('an invalid document name', () => {
  const cases = [
    { what: 'a lone "/"', path: '%2F', name: '/', reason: 'starts or ends with "/"', suggestion: undefined },
    { what: 'a ".." segment', path: 'a%2F..%2Fb', name: 'a/../b', reason: 'contains a ".." segment', suggestion: 'a/b' },
    { what: 'a leading space', path: '%20notes', name: ' notes', reason: 'starts or ends with whitespace', suggestion: 'notes' },
    { what: '201 characters', path: 'x'.repeat(201), name: 'x'.repeat(201), reason: 'is longer than 200 characters', suggestion: 'x'.repeat(200) },
  ];
  for (const c of cases) {
    test(`with ${c.what} opens a read-only page that says why, with no socket and no local copy`, async ({ server, person }) => {
      const alice = await person('Alice', '#e11d48');
      const sockets: string[] = [];
      alice.page.on('websocket', (ws) => sockets.push(ws.url()));
      await alice.page.goto(`${server.url}/d/${c.path}`);

      const notice = alice.page.getByRole('alert');
      await expect(notice).toContainText(`This name ${c.reason}`);
      await expect(notice).toContainText('nothing can be saved under it');
      await expectReadOnly(alice);
      await expect(alice.page.getByRole('link', { name: 'All documents' })).toHaveAttribute('href', '/');
      if (c.suggestion === undefined) {
        await expect(notice.getByRole('link', { name: /^Open / })).toHaveCount(0);
      } else {
        await expect(notice.getByRole('link', { name: `Open “${c.suggestion}” instead` })).toHaveAttribute(
          'href',
          `/d/${encodeURIComponent(c.suggestion)}`,
        );
      }
      expect(sockets).toEqual([]);
      const databases = await alice.page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
      expect(databases).not.toContain(`tandem/${c.name}`);
      expect(alice.errors).toEqual([]);
    });
  }

  test('from the start page form is refused inline with the server\'s reason, keyboard only', async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.page.goto(server.url);
    const input = alice.page.getByLabel('Open or create a document');
    for (const [typed, reason] of [
      ['foo/./bar', 'contains a "." segment'],
      ['back\\slash', 'contains a backslash'],
    ] as const) {
      await input.focus();
      await alice.page.keyboard.press('Control+A');
      await alice.page.keyboard.type(typed);
      await alice.page.keyboard.press('Enter');
      await expect(input).toHaveAttribute('aria-invalid', 'true');
      const describedBy = await input.getAttribute('aria-describedby');
      expect(describedBy).not.toBeNull();
      await expect(alice.page.locator(`[id="${describedBy!.split(' ')[0]}"]`)).toContainText(`This name ${reason}`);
      await expect(alice.page).toHaveURL(`${server.url}/`);
    }
    // A name one character too long, pasted: refused with the reason, not cut to 200 characters (the field
    // once had maxlength="200", and opened another document under the shortened name without a word).
    await alice.page.keyboard.press('Control+A');
    await alice.page.keyboard.insertText('z'.repeat(201));
    await expect(input).toHaveValue('z'.repeat(201));
    await alice.page.keyboard.press('Enter');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(alice.page.locator('#new-doc-error')).toContainText('This name is longer than 200 characters');
    await expect(alice.page).toHaveURL(`${server.url}/`);
    // Fixing the name clears the error, and Enter opens the document.
    await alice.page.keyboard.press('Control+A');
    await alice.page.keyboard.type('foo/bar');
    await expect(input).not.toHaveAttribute('aria-invalid', 'true');
    await alice.page.keyboard.press('Enter');
    await expect(alice.page).toHaveURL(`${server.url}/d/foo%2Fbar`);
    await alice.expectConnected();
  });
});

test.describe('with sign-in on', () => {
  const SECRET = 'e2e-secret-0123456789-0123456789-0123';
  test.use({ serverEnv: { AUTH_SECRET: SECRET } });

  test('without a token the page is read-only and says to ask for a link', async ({ server, person }) => {
    const nobody = await person('Nobody', '#7c3aed');
    await nobody.page.goto(`${server.url}/d/team%2Fsecret`);
    await expect(nobody.status).toHaveAttribute('data-connection', 'denied');
    const notice = nobody.page.getByRole('alert');
    await expect(notice).toContainText('You need an access link to open this document');
    await expect(notice).toContainText('ask the person who shared it');
    await expectReadOnly(nobody);
    await expect(nobody.page.locator('.toolbar')).toBeHidden();
    await expect(nobody.page.getByRole('link', { name: 'All documents' })).toHaveAttribute('href', '/');
  });

  test('a token that is not valid leaves the page read-only', async ({ server, person }) => {
    const mallory = await person('Mallory', '#7c3aed');
    const forged = await mintToken('another-secret-0123456789-0123456789', { userId: 'm', docs: ['*'], role: 'editor', ttl: '1h' });
    await mallory.page.goto(`${server.url}/d/team%2Fsecret?token=${forged}`);
    await expect(mallory.status).toHaveAttribute('data-connection', 'denied');
    await expect(mallory.page.getByRole('alert')).toContainText('Your access link has expired or is not valid');
    await expectReadOnly(mallory);
  });

  test('an editor\'s and a viewer\'s token expiring while the page is open turn it read-only with a message', async ({ server, person }) => {
    test.setTimeout(150_000); // it waits for real tokens to expire
    // Minted right before each page opens: the page must connect, editable or not, before its token ends
    // (20 s: a loaded machine takes several seconds to open a page).
    const alice = await person('Alice', '#e11d48');
    const vic = await person('Vic', '#16a34a');
    const editorToken = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: 20 });
    await alice.page.goto(`${server.url}/d/team%2Fspec?token=${editorToken}`);
    await alice.expectConnected();
    await expect(alice.editor).toHaveAttribute('contenteditable', 'true');
    const viewerToken = await mintToken(SECRET, { userId: 'vic', name: 'Vic', docs: ['team/*'], role: 'viewer', ttl: 20 });
    await vic.page.goto(`${server.url}/d/team%2Fspec?token=${viewerToken}`);
    await vic.expectConnected();
    await expect(vic.editor).toHaveAttribute('contenteditable', 'false');

    for (const p of [alice, vic]) {
      await expect(p.status).toHaveAttribute('data-connection', 'denied', { timeout: 40_000 });
      await expect(p.page.getByRole('alert')).toContainText('Your access link has expired or is not valid');
      await expectReadOnly(p);
    }
  });
});
