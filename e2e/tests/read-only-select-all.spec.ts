// Ctrl+A in a read-only editor (found by a review). A viewer's or a commenter's text is not contenteditable,
// so the browser's Select all took the whole page: the toolbar, the status, the comments panel and the people
// list. Ctrl+C then copied all of that with the document, and a commenter's Ctrl+Alt+M after Ctrl+A did
// nothing (the editor's selection stayed a caret). As in Google Docs, Ctrl+A selects the document's text.

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-secret-0123456789-0123456789-0123';
test.use({ serverEnv: { AUTH_SECRET: SECRET }, serverScope: 'file' });

const link = (base: string, doc: string, token: string) => `${base}/d/${encodeURIComponent(doc)}?token=${token}`;
const token = (userId: string, name: string, role: 'editor' | 'commenter' | 'viewer') => mintToken(SECRET, { userId, name, docs: ['team/*'], role, ttl: '1h' });

async function written(url: string, doc: string): Promise<void> {
  const put = await fetch(`${url}/api/docs/${encodeURIComponent(doc)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${await token('alice', 'Alice', 'editor')}`, 'content-type': 'text/markdown' },
    body: 'First para.\n\nSecond para.\n',
  });
  expect(put.status).toBe(201);
}

test('a commenter’s Ctrl+A selects the document’s text, and Ctrl+Alt+M comments on all of it', async ({ server, person }) => {
  const doc = 'team/select-all-commenter';
  await written(server.url, doc);
  const cat = await person('Cat', '#7c3aed');
  await cat.page.goto(link(server.url, doc, await token('cat', 'Cat', 'commenter')));
  await cat.expectConnected();
  await expect.poll(() => cat.text()).toBe('First para.\nSecond para.');
  await cat.editor.focus();
  await cat.page.keyboard.press('Control+a');
  expect(await cat.page.evaluate(() => getSelection()!.toString().replace(/\n+/g, '\n'))).toBe('First para.\nSecond para.');
  await cat.page.keyboard.press('Control+Alt+M');
  const box = cat.page.getByRole('textbox', { name: 'New comment' });
  await expect(box).toBeFocused();
  await expect(cat.page.locator('.comments-panel .comment-quote').first()).toHaveText('First para. Second para.');
  expect(cat.errors).toEqual([]);
});

test('a viewer’s Ctrl+A then Ctrl+C copies the document, not the page around it; nothing changes', async ({ server, person }) => {
  const doc = 'team/select-all-viewer';
  await written(server.url, doc);
  const vic = await person('Vic', '#16a34a');
  await vic.page.goto(link(server.url, doc, await token('vic', 'Vic', 'viewer')));
  await vic.expectConnected();
  await expect.poll(() => vic.text()).toBe('First para.\nSecond para.');
  await vic.editor.focus();
  await vic.page.keyboard.press('Control+a');
  const copied = await vic.page.evaluate(() => {
    let text = '';
    document.addEventListener('copy', (event) => void (text = event.clipboardData?.getData('text/plain') ?? ''), { once: true });
    document.querySelector('.ProseMirror')!.dispatchEvent(new ClipboardEvent('copy', { clipboardData: new DataTransfer(), bubbles: true, cancelable: true }));
    return text;
  });
  expect(copied.replace(/\n+/g, '\n')).toBe('First para.\nSecond para.');
  await vic.page.keyboard.press('Delete');
  await vic.page.keyboard.type('x');
  expect(await vic.text()).toBe('First para.\nSecond para.');
  expect(vic.errors).toEqual([]);
});
