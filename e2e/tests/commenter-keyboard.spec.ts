// A commenter who uses the keyboard only. Their editor is read-only (contenteditable=false, no tab stop),
// so the text can neither be reached with Tab nor selected with Shift+Arrow: Ctrl+Alt+M, the only way to
// comment without a mouse, has no selection to comment on. Keyboard-only commenters could not comment at all.

import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-comments-secret-0123456789-012345';
test.use({ serverEnv: { AUTH_SECRET: SECRET } });

const DOC = 'team/keyboard-comments';
const link = (base: string, token: string) => `${base}/d/${encodeURIComponent(DOC)}?token=${token}`;
const token = (userId: string, name: string, role: 'editor' | 'commenter') => mintToken(SECRET, { userId, name, docs: ['team/*'], role, ttl: '1h' });

test('a commenter reaches the text with Tab, selects a word with Shift+Arrow and comments with Ctrl+Alt+M', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(link(server.url, await token('alice', 'Alice', 'editor')));
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.type('Commenters read this.');
  await alice.expectSaved();

  const cat = await person('Cat', '#7c3aed');
  await cat.page.goto(link(server.url, await token('cat', 'Cat', 'commenter')));
  await cat.expectConnected();
  await expect.poll(() => cat.text()).toBe('Commenters read this.');
  await expect(cat.status).toContainText('Comment only');

  // Tab through the page until focus is in the text (the page has a few dozen stops at most).
  const inText = () => cat.page.evaluate(() => document.querySelector('.ProseMirror')?.contains(document.activeElement) ?? false);
  for (let i = 0; i < 40 && !(await inText()); i++) await cat.page.keyboard.press('Tab');
  expect(await inText()).toBe(true);

  // Select the first word from the keyboard and comment on it.
  await cat.page.keyboard.press('Control+Home');
  await cat.page.keyboard.press('Control+Shift+ArrowRight');
  await cat.page.keyboard.press('Control+Alt+M');
  const box = cat.page.getByRole('textbox', { name: 'New comment' });
  await expect(box).toBeFocused();
  await cat.page.keyboard.type('Only reading?');
  await cat.page.keyboard.press('Control+Enter');
  const thread = alice.page.getByTestId('comment-thread');
  await expect(thread.locator('.comment-body')).toHaveText('Only reading?');
  await expect(thread.locator('.comment-quote')).toHaveText(/^Commenters\s*$/);

  // And still nothing Cat types changes the text.
  await cat.editor.focus();
  await cat.page.keyboard.type('vandalism');
  await cat.page.keyboard.press('Backspace');
  await cat.page.keyboard.press('Enter');
  await alice.focusEnd();
  await alice.type(' Yes.');
  await expect.poll(() => cat.text()).toBe('Commenters read this. Yes.');
  expect(await alice.text()).toBe('Commenters read this. Yes.');
});
