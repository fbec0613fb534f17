// Comments between two people in separate browser contexts, and a viewer who reads them but cannot add one.

import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { axeViolations } from '../fixtures/axe.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { highlighted, threads } from '../fixtures/comments.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-comments-secret-0123456789-012345';
test.use({ serverEnv: { AUTH_SECRET: SECRET } });

const DOC = 'team/comments';
const link = (base: string, token: string) => `${base}/d/${encodeURIComponent(DOC)}?token=${token}`;
const token = (userId: string, name: string, role: 'editor' | 'commenter' | 'viewer') =>
  mintToken(SECRET, { userId, name, docs: ['team/*'], role, ttl: '1h' });


/** Alice (an editor) writes "Commenters read this." and it is saved; then Cat opens it as a commenter. */
async function aliceThenCommenter(url: string, person: (name: string, color: string) => Promise<EditorPage>) {
  const alice = await person('Alice', '#e11d48');
  const cat = await person('Cat', '#7c3aed');
  await alice.page.goto(link(url, await token('alice', 'Alice', 'editor')));
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.type('Commenters read this.');
  await alice.expectSaved();
  await cat.page.goto(link(url, await token('cat', 'Cat', 'commenter')));
  await cat.expectConnected();
  return { alice, cat };
}

/** Cat comments "Only reading?" on "read", through the toolbar and the form's button. */
async function commentAsCat(cat: EditorPage) {
  await cat.select('read');
  await cat.toolbar('comment');
  await cat.page.getByRole('textbox', { name: 'New comment' }).fill('Only reading?');
  await cat.page.getByRole('button', { name: 'Comment', exact: true }).click();
}

test('a comment reaches the other person live with its author, stays on its text as it is edited, is resolved; a viewer reads but cannot comment', async ({ server, person }, testInfo) => {
  // Three browsers and an accessibility scan: slow on a busy machine.
  test.slow();
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  const vic = await person('Vic', '#16a34a');
  await alice.page.goto(link(server.url, await token('alice', 'Alice', 'editor')));
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.type('The quick brown fox jumps over the lazy dog.');
  await alice.expectSaved();
  await bob.page.goto(link(server.url, await token('bob', 'Bob', 'editor')));
  await bob.expectConnected();
  await expect.poll(() => bob.text()).toBe('The quick brown fox jumps over the lazy dog.');

  // Alice comments on "brown fox" from the keyboard: Ctrl+Alt+M opens the form, Ctrl+Enter saves it.
  await alice.select('brown fox');
  await alice.editor.focus();
  await alice.page.keyboard.press('Control+Alt+M');
  const compose = alice.page.getByRole('textbox', { name: 'New comment' });
  await expect(compose).toBeFocused();
  await compose.fill('Is it really brown?');
  await compose.press('Control+Enter');

  // Bob sees it live, with Alice's name from the server, and the highlight on the text.
  const bobThread = threads(bob.page).first();
  await expect(bobThread.locator('.comment-body')).toHaveText('Is it really brown?');
  await expect(bobThread.locator('.comment-author')).toHaveText('Alice');
  await expect(bobThread.locator('.comment-quote')).toHaveText('brown fox');
  await expect.poll(() => highlighted(bob.page)).toEqual(['brown fox']);

  // Bob edits before, after and inside the anchored text: the comment stays on it.
  await bob.focusEnd();
  await bob.type(' Twice.');
  await bob.select('quick');
  await bob.type('very quick');
  await bob.select('fox');
  await bob.page.keyboard.press('ArrowLeft');
  await bob.type('red ');
  await expect.poll(() => alice.text()).toBe('The very quick brown red fox jumps over the lazy dog. Twice.');
  await expect.poll(() => highlighted(alice.page)).toEqual(['brown red fox']);
  await expect(threads(alice.page).first().locator('.comment-quote')).toHaveText('brown red fox');
  await expect.poll(() => highlighted(bob.page)).toEqual(['brown red fox']);

  // Bob replies; Alice comments on another passage: two threads, one with a reply.
  await bobThread.getByRole('textbox', { name: 'Reply' }).fill('Reddish, now.');
  await bobThread.getByRole('button', { name: 'Reply' }).click();
  const aliceThread = threads(alice.page).filter({ hasText: 'Is it really brown?' });
  await expect(aliceThread.locator('.comment-body')).toHaveText(['Is it really brown?', 'Reddish, now.']);
  await expect(aliceThread.locator('.comment-author')).toHaveText(['Alice', 'Bob']);
  await alice.select('lazy dog');
  await alice.toolbar('comment');
  await alice.page.getByRole('textbox', { name: 'New comment' }).fill('Not lazy: resting.');
  await alice.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(threads(bob.page)).toHaveCount(2);
  await expect(threads(alice.page).filter({ hasText: 'Not lazy' }).locator('.comment-author')).toHaveText('Alice');
  await expect.poll(() => highlighted(alice.page)).toEqual(['brown red fox', 'lazy dog']);
  await alice.focusEnd();
  const shot = testInfo.outputPath('comments.png');
  await alice.page.locator('.doc-layout').screenshot({ path: shot });
  // `TANDEM_DOCS_SCREENSHOTS=1` refreshes the README's picture from this run.
  if (process.env.TANDEM_DOCS_SCREENSHOTS === '1') {
    await alice.page.locator('.doc-layout').screenshot({ path: fileURLToPath(new URL('../../docs/comments.png', import.meta.url)) });
  }

  // The panel, its threads and forms pass the accessibility scan.
  expect(await axeViolations(alice.page)).toEqual([]);

  // A viewer sees the threads, but has nothing to comment with; a comment forced into its copy is refused.
  await vic.page.goto(link(server.url, await token('vic', 'Vic', 'viewer')));
  await vic.expectConnected();
  await expect(threads(vic.page)).toHaveCount(2);
  await expect(threads(vic.page).first().locator('.comment-author')).toHaveText(['Alice', 'Bob']);
  await expect(vic.page.locator('.toolbar')).toBeHidden();
  await expect(vic.page.getByRole('textbox', { name: 'Reply' })).toHaveCount(0);
  await expect(vic.page.getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  await vic.select('Twice');
  await vic.page.keyboard.press('Control+Alt+M');
  await expect(vic.page.getByTestId('comment-compose')).toBeHidden();
  await vic.page.evaluate(() => {
    const { comments } = (window as unknown as { tandem: { comments: { threads(): Array<{ comment: { id: string } }>; reply(id: string, body: string): void } } }).tandem;
    comments.reply(comments.threads()[0]!.comment.id, 'Sneaky viewer reply');
  });

  // Bob resolves Alice's first thread: it leaves the open list and its highlight goes, for everyone.
  await bobThread.getByRole('button', { name: 'Resolve' }).click();
  await expect(threads(alice.page)).toHaveCount(1);
  await expect.poll(() => highlighted(alice.page)).toEqual(['lazy dog']);
  await alice.page.getByLabel('Show resolved').check();
  await expect(threads(alice.page)).toHaveCount(2);
  await expect(aliceThread).toHaveAttribute('data-resolved', 'true');
  await expect(aliceThread.getByRole('button', { name: 'Reopen' })).toBeVisible();
  // The viewer's reply never reached anyone.
  await expect(aliceThread.locator('.comment-body')).toHaveText(['Is it really brown?', 'Reddish, now.']);
  const listed = (await (await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/comments`, {
    headers: { authorization: `Bearer ${await token('alice', 'Alice', 'editor')}` },
  })).json()) as { threads: Array<{ body: string; resolved: boolean; quote: string; replies: Array<{ body: string }> }> };
  expect(listed.threads.map((t) => [t.body, t.resolved, t.quote, t.replies.map((r) => r.body)])).toEqual([
    ['Is it really brown?', true, 'brown red fox', ['Reddish, now.']],
    ['Not lazy: resting.', false, 'lazy dog', []],
  ]);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('a commenter comments on the text but cannot change it', async ({ server, person }) => {
  test.slow();
  const { alice, cat } = await aliceThenCommenter(server.url, person);
  await expect(cat.status).toContainText('Comment only');
  await expect(cat.editor).toHaveAttribute('contenteditable', 'false');
  await expect(cat.page.locator('.toolbar button')).toHaveText(['Comment']);
  await commentAsCat(cat);
  const thread = threads(alice.page).first();
  await expect(thread.locator('.comment-body')).toHaveText('Only reading?');
  await expect(thread.locator('.comment-author')).toHaveText('Cat');
  await expect(threads(cat.page).first().locator('.comment-author')).toHaveText('Cat');

  await cat.editor.click();
  await cat.type('vandalism');
  await alice.focusEnd();
  await alice.type(' Yes.');
  await expect.poll(() => cat.text()).toBe('Commenters read this. Yes.');
  expect(await alice.text()).toBe('Commenters read this. Yes.');
  expect(alice.errors).toEqual([]);
  expect(cat.errors).toEqual([]);
});

test('a change the server refuses is undone: the page says so, loads the saved document, and the next comment is stored', async ({ server, person }) => {
  test.slow();
  const { alice, cat } = await aliceThenCommenter(server.url, person);

  // A change the server refuses from a commenter: the text, written through the page's own view (the
  // editor is read-only for them; a page whose idea of the rules is stale could still make one).
  await cat.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: { state: { tr: { insertText(t: string, at: number): unknown } }; dispatch(tr: unknown): void } } }).tandem;
    view.dispatch(view.state.tr.insertText('vandalism ', 1));
  });
  // The page starts again from the server: the refused change is gone, and it says why.
  const notice = cat.page.getByTestId('doc-notice');
  await expect(notice).toContainText('A change you made was not saved');
  await expect(notice).toContainText('a commenter changes comments only');
  await cat.expectConnected();
  await expect.poll(() => cat.text()).toBe('Commenters read this.');
  await expect(cat.status).toContainText('Comment only');

  // Not stuck: the next comment is stored and reaches Alice.
  await commentAsCat(cat);
  await expect(threads(alice.page).first().locator('.comment-body')).toHaveText('Only reading?');
  expect(await alice.text()).toBe('Commenters read this.');
  expect(alice.errors).toEqual([]);
  expect(cat.errors).toEqual([]);
});
