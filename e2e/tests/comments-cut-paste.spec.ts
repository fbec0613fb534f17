// Text cut and pasted within its document keeps its comments, as in Google Docs (found by a review: the
// comment was left orphaned, "The text this comment was on was deleted"); text dragged elsewhere in its
// document too. A copy does not move or duplicate them, a paste into another document brings none, and the
// clipboard is trusted no further.

import { highlighted, threads } from '../fixtures/comments.js';
import { caret, resolve } from '../fixtures/doc-json.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

/** Alice writes two paragraphs and comments on "words"; Bob sees the comment. */
async function setUp(alice: EditorPage, bob: EditorPage): Promise<void> {
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Some words to move. Stays here.');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('Target:');
  await expect.poll(() => bob.blocks()).toEqual(['Some words to move. Stays here.', 'Target:']);
  await alice.select('words');
  await alice.editor.focus();
  await alice.page.keyboard.press('Control+Alt+M');
  const compose = alice.page.getByRole('textbox', { name: 'New comment' });
  await expect(compose).toBeFocused();
  await compose.fill('A note');
  await compose.press('Control+Enter');
  for (const person of [alice, bob]) await expect.poll(() => highlighted(person.page)).toEqual(['words']);
  // The next edit is an undo step of its own.
  await alice.page.waitForTimeout(1_200);
}

/** Selects `text` and presses `keys` (Ctrl+X, Ctrl+C); returns what the editor put on the clipboard. */
async function clip(person: EditorPage, text: string, keys: string): Promise<Record<string, string>> {
  await person.page.evaluate(() => {
    const w = window as unknown as { clipped?: Record<string, string> };
    delete w.clipped;
    const read = (event: ClipboardEvent) => {
      w.clipped = { 'text/html': event.clipboardData?.getData('text/html') ?? '', 'text/plain': event.clipboardData?.getData('text/plain') ?? '' };
    };
    window.addEventListener('cut', read, { once: true });
    window.addEventListener('copy', read, { once: true });
  });
  await person.select(text);
  await person.editor.focus();
  await person.selectionRead();
  await person.page.keyboard.press(keys);
  await expect.poll(() => person.page.evaluate(() => (window as unknown as { clipped?: unknown }).clipped !== undefined)).toBe(true);
  return person.page.evaluate(() => (window as unknown as { clipped: Record<string, string> }).clipped);
}

const orphaned = (person: EditorPage) => threads(person.page).first().getAttribute('data-orphaned');

test('a comment on cut text moves with the text when it is pasted in the same document, for everyone, and back through undo', async ({ pair }) => {
  const { alice, bob } = await pair('cut-paste-keeps-comment');
  await setUp(alice, bob);

  const clipboard = await clip(alice, 'Some words to move. ', 'Control+x');
  await expect.poll(() => bob.blocks()).toEqual(['Stays here.', 'Target:']);
  await expect.poll(() => orphaned(bob)).toBe('true');

  await alice.focusEnd();
  await alice.paste(clipboard);
  await expect.poll(() => bob.blocks()).toEqual(['Stays here.', 'Target:Some words to move. ']);
  for (const person of [alice, bob]) {
    await expect.poll(() => orphaned(person)).toBe('false');
    await expect(threads(person.page).first().locator('.comment-quote')).toHaveText('words');
    await expect.poll(() => highlighted(person.page)).toEqual(['words']);
  }
  // The highlight is on the pasted words, in the second paragraph.
  await expect(bob.editor.locator(':scope > *').nth(1).locator('.comment-highlight')).toHaveText('words');

  // Undo the paste: the text is gone again, and so is the comment's.
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.blocks()).toEqual(['Stays here.', 'Target:']);
  for (const person of [alice, bob]) await expect.poll(() => orphaned(person)).toBe('true');
  // Undo the cut: the comment is back on its text, where it was.
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.blocks()).toEqual(['Some words to move. Stays here.', 'Target:']);
  for (const person of [alice, bob]) {
    await expect.poll(() => orphaned(person)).toBe('false');
    await expect.poll(() => highlighted(person.page)).toEqual(['words']);
  }
  await expect(bob.editor.locator(':scope > *').nth(0).locator('.comment-highlight')).toHaveText('words');

  // Redo both: on the pasted words again.
  await alice.page.keyboard.press('Control+Shift+z');
  await alice.page.keyboard.press('Control+Shift+z');
  await expect.poll(() => bob.blocks()).toEqual(['Stays here.', 'Target:Some words to move. ']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['words']);
  await expect(bob.editor.locator(':scope > *').nth(1).locator('.comment-highlight')).toHaveText('words');

  // It is in the document: a new page sees it there.
  await alice.expectSaved();
  await bob.page.reload();
  await bob.expectConnected();
  await expect.poll(() => highlighted(bob.page)).toEqual(['words']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('a cut pasted just before the same words keeps its comment (the pasted text was found by comparing the documents from either end, which overlapped there)', async ({ pair }) => {
  const { alice, bob } = await pair('cut-paste-before-same-words');
  await setUp(alice, bob);
  await alice.focusEnd();
  await alice.page.keyboard.insertText(' Some words to move. Stays.');
  await expect.poll(() => bob.blocks()).toEqual(['Some words to move. Stays here.', 'Target: Some words to move. Stays.']);
  await alice.page.waitForTimeout(1_200); // the cut is an undo step of its own

  const clipboard = await clip(alice, 'Some words to move. ', 'Control+x'); // the first one, with the comment
  await expect.poll(() => orphaned(bob)).toBe('true');
  await caret(alice, await resolve(alice, 'Target: |Some'));
  await alice.paste(clipboard);
  await expect.poll(() => bob.blocks()).toEqual(['Stays here.', 'Target: Some words to move. Some words to move. Stays.']);
  for (const person of [alice, bob]) {
    await expect.poll(() => orphaned(person)).toBe('false');
    await expect.poll(() => highlighted(person.page)).toEqual(['words']);
  }
  // On the pasted words: the first "words" of the second paragraph.
  const before = await bob.editor.locator(':scope > *').nth(1).evaluate((line) => {
    const mark = line.querySelector('.comment-highlight')!;
    const range = document.createRange();
    range.setStart(line, 0);
    range.setEndBefore(mark);
    return range.toString();
  });
  expect(before).toBe('Target: Some ');
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('a copy pasted does not move the comment or make another, and a cut pasted again after undo moves nothing', async ({ pair }) => {
  const { alice, bob } = await pair('copy-paste-keeps-comment');
  await setUp(alice, bob);

  const copied = await clip(alice, 'Some words to move. ', 'Control+c');
  await alice.focusEnd();
  await alice.paste(copied);
  await expect.poll(() => bob.blocks()).toEqual(['Some words to move. Stays here.', 'Target:Some words to move. ']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['words']);
  await expect(bob.editor.locator(':scope > *').nth(0).locator('.comment-highlight')).toHaveText('words');
  await expect(threads(bob.page)).toHaveCount(1);

  // A cut taken back (the comment is on its text again) and then pasted: the comment stays where it is.
  await alice.page.waitForTimeout(1_200);
  const cut = await clip(alice, 'Some words to move. Stays', 'Control+x');
  await expect.poll(() => orphaned(bob)).toBe('true');
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => orphaned(bob)).toBe('false');
  await alice.focusEnd();
  await alice.paste(cut);
  await expect.poll(() => alice.blocks()).toEqual(['Some words to move. Stays here.', 'Target:Some words to move. Some words to move. Stays']);
  await alice.expectSaved();
  await expect.poll(() => highlighted(bob.page)).toEqual(['words']);
  await expect(bob.editor.locator(':scope > *').nth(0).locator('.comment-highlight')).toHaveText('words');
  expect(alice.errors).toEqual([]);
});

test('a cut pasted into another document brings no comment, and a forged clipboard moves nothing', async ({ pair, server }) => {
  const { alice, bob } = await pair('cut-paste-elsewhere');
  await setUp(alice, bob);
  const cut = await clip(alice, 'Some words to move. ', 'Control+x');
  await expect.poll(() => orphaned(bob)).toBe('true');

  // Into another document (Alice's second tab): the text, no comment; the first document's stays orphaned.
  const other = await alice.context.newPage();
  await other.goto(`${server.url}/d/${encodeURIComponent('cut-paste-elsewhere-2')}`);
  const { EditorPage: Page } = await import('../fixtures/editor-page.js');
  const second = new Page(other, alice.context, 'Alice', '#e11d48');
  await second.expectConnected();
  await second.focusEnd();
  await second.paste(cut);
  await expect.poll(() => second.text()).toBe('Some words to move. ');
  await expect(threads(other)).toHaveCount(0);
  await second.expectSaved();
  await expect.poll(() => orphaned(bob)).toBe('true');

  // Forged: the comment named with offsets outside the pasted text, or a quote that is not there.
  const html = cut['text/html']!;
  expect(html).toContain('cut-paste-elsewhere');
  const forge = (edit: (data: { comments: Array<Record<string, unknown>> }) => void) =>
    html.replace(/data-tandem-cut="([^"]*)"/, (_, json: string) => {
      const data = JSON.parse(json.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { comments: Array<Record<string, unknown>> };
      edit(data);
      return `data-tandem-cut="${JSON.stringify(data).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;
    });
  await alice.focusEnd();
  for (const bad of [
    forge((d) => (d.comments[0]!.offset = 9999)),
    forge((d) => (d.comments[0]!.offset = -3)),
    forge((d) => (d.comments[0]!.quote = 'Target')),
    forge((d) => (d.comments[0]!.id = '__proto__')),
    forge((d) => (d.comments = 'x' as never)),
    html.replace(/data-tandem-cut="[^"]*"/, 'data-tandem-cut="{not json"'),
  ]) {
    await alice.paste({ 'text/html': bad, 'text/plain': cut['text/plain']! });
  }
  await alice.expectSaved();
  await expect.poll(() => orphaned(bob)).toBe('true');
  expect(alice.errors).toEqual([]);
});

test('a comment on text dragged elsewhere in the document moves with it, and back with Ctrl+Z', async ({ pair }) => {
  const { alice, bob } = await pair('drag-keeps-comment');
  await setUp(alice, bob);
  await alice.select('Some words to move. ');
  await alice.selectionRead();
  const from = (await alice.editor.locator(':scope > *').nth(0).boundingBox())!;
  const to = (await alice.editor.locator(':scope > *').nth(1).boundingBox())!;
  // Press on the selected text ("So…" is its start), drag it past the end of "Target:" and drop it.
  await alice.page.mouse.move(from.x + 20, from.y + from.height / 2);
  await alice.page.mouse.down();
  await alice.page.mouse.move(from.x + 40, from.y + from.height / 2, { steps: 5 });
  await alice.page.mouse.move(to.x + to.width - 5, to.y + to.height / 2, { steps: 10 });
  await alice.page.mouse.up();
  await expect.poll(() => bob.blocks()).toEqual(['Stays here.', 'Target:Some words to move. ']);
  for (const person of [alice, bob]) {
    await expect.poll(() => orphaned(person)).toBe('false');
    await expect.poll(() => highlighted(person.page)).toEqual(['words']);
  }
  await expect(bob.editor.locator(':scope > *').nth(1).locator('.comment-highlight')).toHaveText('words');

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.blocks()).toEqual(['Some words to move. Stays here.', 'Target:']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['words']);
  await expect(bob.editor.locator(':scope > *').nth(0).locator('.comment-highlight')).toHaveText('words');
  expect(alice.errors).toEqual([]);
});

test.describe('a commenter', () => {
  const SECRET = 'e2e-comments-secret-0123456789-012345';
  test.use({ serverEnv: { AUTH_SECRET: SECRET }, serverScope: 'test' });

  test('cannot cut: Ctrl+X leaves the text and its comment where they are, and puts no comment on the clipboard', async ({ server, person }) => {
    const { mintToken } = await import('../../apps/sync-server/src/auth/token.js');
    const DOC = 'team/cut-as-commenter';
    const open = async (p: EditorPage, userId: string, name: string, role: 'editor' | 'commenter') => {
      const token = await mintToken(SECRET, { userId, name, docs: ['team/*'], role, ttl: '1h' });
      await p.page.goto(`${server.url}/d/${encodeURIComponent(DOC)}?token=${token}`);
      await p.expectConnected();
    };
    const alice = await person('Alice', '#e11d48');
    await open(alice, 'alice', 'Alice', 'editor');
    const cat = await person('Cat', '#7c3aed');
    await open(cat, 'cat', 'Cat', 'commenter');
    await setUp(alice, cat);

    const clipboard = await clip(cat, 'Some words to move. ', 'Control+x');
    expect(clipboard['text/html']).not.toContain('data-tandem-cut');
    await cat.page.waitForTimeout(500);
    await expect.poll(() => alice.blocks()).toEqual(['Some words to move. Stays here.', 'Target:']);
    await expect.poll(() => orphaned(alice)).toBe('false');
    await expect.poll(() => highlighted(cat.page)).toEqual(['words']);
  });
});
