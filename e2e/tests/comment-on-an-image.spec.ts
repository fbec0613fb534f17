// A comment on an image (found by a review). An image is one of the document's characters but has no text:
// clicked (it is then selected) or taken into a selection with Shift+Arrow, the Comment button stayed
// greyed out and Ctrl+Alt+M did nothing, for a commenter and an editor alike. Google Docs comments on an
// image like on any selection. Here the comment's quote names the image by its description.

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-comments-secret-0123456789-012345';
test.use({ serverEnv: { AUTH_SECRET: SECRET }, serverScope: 'file' });

const SQUARE = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90" fill="#4f46e5"/></svg>';
const link = (base: string, doc: string, token: string) => `${base}/d/${encodeURIComponent(doc)}?token=${token}`;
const token = (userId: string, name: string, role: 'editor' | 'commenter') => mintToken(SECRET, { userId, name, docs: ['team/*'], role, ttl: '1h' });

test('a commenter clicks an image and comments on it with Ctrl+Alt+M; the editor sees the thread on the image', async ({ server, person }) => {
  const doc = 'team/image-comments';
  const put = await fetch(`${server.url}/api/docs/${encodeURIComponent(doc)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${await token('alice', 'Alice', 'editor')}`, 'content-type': 'text/markdown' },
    body: 'The plan:\n\n![A blue square](https://images.example/square.svg)\n\nEnd.\n',
  });
  expect(put.status).toBe(201);
  const alice = await person('Alice', '#e11d48');
  const cat = await person('Cat', '#7c3aed');
  for (const p of [alice, cat]) await p.context.route('https://images.example/**', (route) => route.fulfill({ contentType: 'image/svg+xml', body: SQUARE }));
  await alice.page.goto(link(server.url, doc, await token('alice', 'Alice', 'editor')));
  await alice.expectConnected();
  await cat.page.goto(link(server.url, doc, await token('cat', 'Cat', 'commenter')));
  await cat.expectConnected();

  const image = cat.page.getByRole('img', { name: 'A blue square' });
  await image.click();
  await expect(cat.page.locator('.toolbar [data-command=comment]')).toHaveAttribute('aria-disabled', 'false');
  await cat.page.keyboard.press('Control+Alt+M');
  const box = cat.page.getByRole('textbox', { name: 'New comment' });
  await expect(box).toBeFocused();
  await cat.page.keyboard.type('Make it green?');
  await cat.page.keyboard.press('Control+Enter');

  const thread = alice.page.getByTestId('comment-thread');
  await expect(thread.locator('.comment-body')).toHaveText('Make it green?');
  await expect(thread.locator('.comment-quote')).toHaveText('[image: A blue square]');
  await expect(alice.page.locator('.ProseMirror img.comment-highlight')).toHaveCount(1);
  expect(alice.errors).toEqual([]);
  expect(cat.errors).toEqual([]);
});

test('an editor selects an image with Shift+Arrow and comments on it from the toolbar', async ({ server, person }) => {
  const doc = 'team/image-comments-keys';
  const alice = await person('Alice', '#e11d48');
  await alice.context.route('https://images.example/**', (route) => route.fulfill({ contentType: 'image/svg+xml', body: SQUARE }));
  await alice.page.goto(link(server.url, doc, await token('alice', 'Alice', 'editor')));
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.page.locator('.toolbar [data-command=image]').dispatchEvent('mousedown');
  const dialog = alice.page.getByRole('dialog', { name: 'Insert an image' });
  await dialog.getByLabel('Image address').fill('https://images.example/square.svg');
  await dialog.getByLabel('Description (alt text)').fill('A blue square');
  await dialog.getByRole('button', { name: 'Insert image' }).click();
  await expect(alice.page.getByRole('img', { name: 'A blue square' })).toBeVisible();
  await expect(alice.editor).toBeFocused();
  await alice.page.keyboard.press('Shift+ArrowLeft');
  await alice.selectionRead();
  await alice.toolbar('comment');
  await alice.page.getByRole('textbox', { name: 'New comment' }).fill('Too dark');
  await alice.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(alice.page.getByTestId('comment-thread').locator('.comment-quote')).toHaveText('[image: A blue square]');
  expect(alice.errors).toEqual([]);
});
