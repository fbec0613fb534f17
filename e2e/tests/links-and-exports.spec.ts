import { readFile } from 'node:fs/promises';
import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-secret-0123456789-0123456789-0123';
test.use({ serverEnv: { AUTH_SECRET: SECRET }, serverScope: 'file' }); // each test has documents of its own

const editorToken = () => mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['*'], role: 'editor', ttl: '1h' });

/** Alice with an editor token on `doc`, every request and WebSocket URL her browser makes recorded. */
async function openAsAlice(server: { url: string }, person: (n: string, c: string) => Promise<import('../fixtures/editor-page.js').EditorPage>, doc: string) {
  const alice = await person('Alice', '#e11d48');
  const token = await editorToken();
  const urls: string[] = [];
  alice.context.on('request', (req) => urls.push(req.url()));
  alice.page.on('websocket', (ws) => urls.push(ws.url()));
  const response = await alice.page.goto(`${server.url}/d/${encodeURIComponent(doc)}?token=${token}`);
  await alice.expectConnected();
  return { alice, token, urls, response: response! };
}

test('the editor page runs under a strict CSP', async ({ server, person }) => {
  const { alice, response } = await openAsAlice(server, person, 'csp');
  const csp = response.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
  await alice.focusEnd();
  await alice.type('Typing works under the policy.');
  await alice.expectSaved();
  expect(alice.errors).toEqual([]);
});

test('the link field refuses a javascript: address with an inline message, and accepts https', async ({ server, person }) => {
  const { alice } = await openAsAlice(server, person, 'links');
  const page = alice.page;
  await alice.focusEnd();
  await alice.type('click here');
  await page.keyboard.press('Control+a');

  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });
  const field = page.getByRole('textbox', { name: 'Link address' });
  await page.keyboard.press('Control+k');
  await field.fill('javascript:alert(document.domain)');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Links can go to');
  await expect(alice.editor.locator('a')).toHaveCount(0);

  await field.fill('https://example.com/');
  await page.keyboard.press('Enter');
  await expect(alice.editor.locator('a')).toHaveAttribute('href', 'https://example.com/');
  await expect(alice.editor.locator('a')).toHaveText('click here');
  expect(dialogs).toEqual([]);
  expect(alice.errors).toEqual([]);
});

test('typing [text](url) links only safe addresses', async ({ server, person }) => {
  const { alice } = await openAsAlice(server, person, 'typed-links');
  await alice.focusEnd();
  await alice.type('[site](https://example.com/a) and [trap](javascript:alert(1))');
  await expect(alice.editor.locator('a')).toHaveCount(1);
  await expect(alice.editor.locator('a')).toHaveAttribute('href', 'https://example.com/a');
  expect(await alice.text()).toBe('site and [trap](javascript:alert(1))');
});

test('a pasted javascript: link keeps its text and loses the link', async ({ server, person }) => {
  const { alice } = await openAsAlice(server, person, 'paste');
  await alice.focusEnd();
  await alice.paste({
    'text/html': '<p><a href="javascript:alert(document.domain)">evil</a> and <a href=" JaVaScRiPt:alert(1)">worse</a> and <a href="https://example.com/">good</a></p>',
    'text/plain': 'evil and worse and good',
  });
  await expect.poll(() => alice.text()).toBe('evil and worse and good');
  await expect(alice.editor.locator('a')).toHaveCount(1);
  await expect(alice.editor.locator('a')).toHaveAttribute('href', 'https://example.com/');
  await alice.expectSaved();
  const stored = await alice.page.evaluate(() => JSON.stringify((window as unknown as { tandem: { doc: { getXmlFragment(n: string): { toJSON(): unknown } } } }).tandem.doc.getXmlFragment('prosemirror').toJSON()));
  expect(stored).not.toMatch(/javascript/i);
});

test('exporting from the history view downloads through fetch, with no token in any URL', async ({ server, person }) => {
  const { alice, token, urls } = await openAsAlice(server, person, 'export');
  const page = alice.page;
  await alice.focusEnd();
  await alice.type('Exported text.');
  await alice.expectSaved();
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByTestId('history-document')).toHaveText('Exported text.');

  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Markdown' }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^export-v\d+\.md$/);
  expect(await readFile((await download.path())!, 'utf8')).toBe('Exported text.');
  expect(urls.some((u) => u.includes('format=markdown'))).toBe(true);

  // Only the link Alice was given carries the token; nothing the editor requests does.
  const withToken = urls.filter((u) => u.includes(token) || /[?&]token=/.test(u));
  expect(withToken).toEqual([expect.stringMatching(/\/d\/export\?token=/)]);
  expect(alice.errors).toEqual([]);
});

test('a javascript: link written straight into the Yjs document is never rendered as one, live or in history', async ({ server, person }) => {
  const { alice } = await openAsAlice(server, person, 'crdt-link');
  await alice.focusEnd();
  await alice.type('evil text');
  await alice.expectSaved();
  // What a client that skips the editor can do: put any mark into the shared document.
  await alice.page.evaluate(() => {
    type XmlNode = { get(i: number): XmlNode; format(index: number, length: number, attrs: object): void };
    const fragment = (window as unknown as { tandem: { doc: { getXmlFragment(n: string): XmlNode } } }).tandem.doc.getXmlFragment('prosemirror');
    fragment.get(0).get(0).format(0, 4, { link: { href: 'javascript:alert(document.domain)', title: null } });
  });
  await alice.expectSaved();
  await expect(alice.editor.locator('a')).toHaveCount(1);
  await expect(alice.editor.locator('a[href]')).toHaveCount(0);

  await alice.page.getByRole('button', { name: 'History' }).click();
  await expect(alice.page.getByTestId('history-document')).toHaveText('evil text');
  await expect(alice.page.getByTestId('history-document').locator('a[href]')).toHaveCount(0);
  expect(alice.errors).toEqual([]);
});
