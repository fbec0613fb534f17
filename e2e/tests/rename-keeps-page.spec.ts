// A rename, by this person or by someone else, changes the document's name and nothing else of the page
// (as in Google Docs): the text, Ctrl+Z's steps, the caret and the scroll position stay, what is typed
// while it happens is kept once, and this browser's copy follows the new name.

import type { Page } from '@playwright/test';
import { connectClient } from '../../apps/sync-server/src/testing/clients.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Renames the open document from the header, as a person does. */
async function renameFromHeader(person: EditorPage, to: string): Promise<void> {
  await person.page.locator('.topbar').getByRole('button', { name: 'Rename' }).click();
  const field = person.page.getByRole('textbox', { name: 'New name for this document' });
  await field.fill(to);
  await field.press('Enter');
}

/** Marks the page as it is now: the mark is gone if the page is loaded again. */
const markPage = (page: Page) => page.evaluate(() => ((window as { renameMark?: number }).renameMark = 1));
const pageKept = (page: Page) => page.evaluate(() => (window as { renameMark?: number }).renameMark === 1);

/** Where the document is scrolled to: every scrolled element's offset. */
const scrolled = (page: Page) =>
  page.evaluate(() => [document.scrollingElement!, ...document.querySelectorAll('*')].filter((e) => e.scrollTop > 0).map((e) => `${e.className}:${Math.round(e.scrollTop)}`));

/** The editor's caret, as ProseMirror holds it. */
const caret = (page: Page) =>
  page.evaluate(() => (window as unknown as { tandem: { view: { state: { selection: { head: number } } } } }).tandem.view.state.selection.head);

/** Presses Ctrl+Z, a step at a time, until `done` holds of the text (steps end at sentences: see undo-steps.ts). */
async function undoUntil(person: EditorPage, done: (text: string) => boolean): Promise<void> {
  for (let step = 0; step < 6 && !done(await person.text()); step++) {
    const before = await person.text();
    await person.page.keyboard.press('Control+z');
    await expect.poll(() => person.text()).not.toBe(before);
  }
  const text = await person.text();
  expect(done(text), text).toBe(true);
}

test('after a rename, Ctrl+Z still takes back what each person typed before it (theirs only); caret and scroll stay', async ({ server, pair }) => {
  test.setTimeout(120_000);
  const { alice, bob } = await pair('keep/old');
  // A long document, so the page scrolls: Bob pastes it.
  await bob.focusEnd();
  await bob.paste({ 'text/plain': Array.from({ length: 60 }, (_, i) => `Line ${i + 1}.`).join('\n\n') });
  await expect.poll(() => alice.text()).toContain('Line 60.');
  await bob.expectSaved();
  await alice.focusEnd();
  await alice.page.keyboard.press('Enter');
  await alice.type('Alice wrote this.');
  await expect.poll(() => bob.text()).toContain('Alice wrote this.');
  await alice.expectSaved();
  await bob.editor.locator('p', { hasText: 'Line 30.' }).click();
  await bob.page.keyboard.press('End');
  await bob.type(' Bob wrote this.');
  await expect.poll(() => alice.text()).toContain('Line 30. Bob wrote this.');
  await bob.expectSaved();
  const before = await alice.text();

  await markPage(alice.page);
  await markPage(bob.page);
  const bobScroll = await scrolled(bob.page);
  const aliceScroll = await scrolled(alice.page);
  expect(aliceScroll).not.toEqual([]);
  const bobCaret = await caret(bob.page);

  await renameFromHeader(alice, 'keep/new');
  for (const person of [alice, bob]) {
    await expect(person.page).toHaveURL(`${server.url}/d/keep%2Fnew`);
    await expect(person.page.getByRole('heading', { level: 1 })).toHaveText('keep/new');
    await person.expectSaved();
  }
  // The same pages: neither was loaded again.
  expect(await pageKept(alice.page)).toBe(true);
  expect(await pageKept(bob.page)).toBe(true);
  expect(await scrolled(bob.page)).toEqual(bobScroll);
  expect(await scrolled(alice.page)).toEqual(aliceScroll);
  expect(await caret(bob.page)).toBe(bobCaret);
  expect(await alice.text()).toBe(before);
  // Each still sees the other: Bob's cursor (Alice's is in the header, not in the text), and in the list.
  await expect.poll(() => alice.cursorLabels()).toContain('Bob');
  await expect.poll(() => bob.presence()).toContain('Alice');
  await expect.poll(() => alice.presence()).toContain('Bob');

  // Bob (renamed by someone else) goes on typing where his caret was, then takes it all back.
  await bob.type(' More.');
  await expect.poll(() => alice.text()).toContain('Line 30. Bob wrote this. More.');
  await undoUntil(bob, (text) => text.includes('Line 30.\nLine 31.'));
  await expect.poll(() => alice.text()).toContain('Line 30.\nLine 31.');
  expect(await bob.text()).toContain('Alice wrote this.');

  // Alice (who renamed) takes back what she typed before the rename, and only that.
  await alice.editor.locator('p', { hasText: 'Alice wrote this.' }).click();
  await undoUntil(alice, (text) => !text.includes('Alice wrote this.'));
  await expect.poll(() => bob.text()).not.toContain('Alice wrote this.');
  expect(await alice.text()).toContain('Line 60.');
  expect(await alice.text()).not.toContain('Bob wrote this.');
  await alice.expectSaved();
  await bob.expectSaved();
  const probe = connectClient(server.url, 'keep/new');
  await probe.synced();
  const stored = probe.doc.getXmlFragment('prosemirror').toString();
  probe.destroy();
  expect(stored).toContain('Line 60.');
  expect(stored).not.toContain('Alice wrote this.');
  expect(stored).not.toContain('Bob wrote this.');
});

test('what Bob types while Alice renames lands once; offline after it, a reload shows it from the new name', async ({ server, pair }) => {
  test.setTimeout(120_000);
  const { alice, bob } = await pair('typing/old');
  await alice.focusEnd();
  await alice.type('Shared.');
  await expect.poll(() => bob.text()).toBe('Shared.');
  await bob.focusEnd();

  // Bob types on, key by key, all through the rename.
  const typed = ' Bob types on through the rename, every key of it.';
  const typing = bob.type(typed, 40);
  await renameFromHeader(alice, 'typing/new');
  await typing;
  await expect(bob.page).toHaveURL(`${server.url}/d/typing%2Fnew`);
  await expect.poll(() => bob.text()).toBe(`Shared.${typed}`);
  await expect.poll(() => alice.text()).toBe(`Shared.${typed}`);
  await bob.expectSaved();
  // The page's Yjs client is remembered as this browser's under the new name (join-rescue.ts: after a
  // reload, text of it not yet stored is this person's to keep).
  expect(
    await bob.page.evaluate(() => {
      const ids = JSON.parse(localStorage.getItem('tandem:clients:typing/new') ?? '[]') as number[];
      return ids.includes((window as unknown as { tandem: { doc: { clientID: number } } }).tandem.doc.clientID);
    }),
  ).toBe(true);

  // Offline, Bob types more, and loads the page again: it comes from this browser's copy, under the new name.
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.type(' Offline.');
  await bob.page.reload();
  await expect.poll(() => bob.text()).toBe(`Shared.${typed} Offline.`);
  await bob.context.setOffline(false);
  await bob.expectSaved();
  await expect.poll(() => alice.text()).toBe(`Shared.${typed} Offline.`);
  const databases = await bob.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(databases).toContain('tandem/typing/new');
  expect(databases).not.toContain('tandem/typing/old');

  // Renamed again: followed again, from the page that was loaded this time.
  await renameFromHeader(alice, 'typing/third');
  await expect(bob.page).toHaveURL(`${server.url}/d/typing%2Fthird`);
  await bob.focusEnd();
  await bob.type(' Third.');
  await expect.poll(() => alice.text()).toBe(`Shared.${typed} Offline. Third.`);
  await bob.expectSaved();
  await expect
    .poll(() => bob.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith('tandem/typing/'))))
    .toEqual(['tandem/typing/third']);
});

test('the history view open through a rename by someone else still names versions (under the new name)', async ({ server, pair }) => {
  test.setTimeout(90_000);
  const { alice, bob } = await pair('panel/old');
  await alice.focusEnd();
  await alice.type('Worth a name.');
  await alice.expectSaved();
  await alice.page.getByRole('button', { name: 'History' }).click();
  await expect(alice.page.getByTestId('history-document')).toContainText('Worth a name.');

  await renameFromHeader(bob, 'panel/new');
  await expect(alice.page).toHaveURL(`${server.url}/d/panel%2Fnew`);
  // A write at the old name is refused (409 moved): the open panel writes under the new one.
  alice.page.once('dialog', (dialog) => dialog.accept('Before the rename'));
  await alice.page.getByRole('button', { name: 'Name this version' }).click();
  await expect(alice.page.locator('.named-versions')).toContainText('Before the rename');
});

test('two tabs of Bob\'s follow a rename: both go on, and his browser keeps one copy, under the new name', async ({ server, pair }) => {
  test.setTimeout(90_000);
  const { alice, bob } = await pair('tabs/old');
  await alice.focusEnd();
  await alice.type('Shared.');
  await expect.poll(() => bob.text()).toBe('Shared.');
  const second = await bob.context.newPage();
  await second.goto(`${server.url}/d/${encodeURIComponent('tabs/old')}`);
  await expect(second.getByTestId('status')).toHaveAttribute('data-saved', 'true');

  await renameFromHeader(alice, 'tabs/new');
  await expect(bob.page).toHaveURL(`${server.url}/d/tabs%2Fnew`);
  await expect(second).toHaveURL(`${server.url}/d/tabs%2Fnew`);
  await bob.focusEnd();
  await bob.type(' First tab.');
  await expect(second.locator('.ProseMirror')).toContainText('First tab.');
  await second.locator('.ProseMirror').focus();
  await second.keyboard.press('Control+End');
  await second.keyboard.type(' Second tab.');
  await expect.poll(() => alice.text()).toBe('Shared. First tab. Second tab.');
  await bob.expectSaved();
  await expect(second.getByTestId('status')).toHaveAttribute('data-saved', 'true');
  const copies = () => bob.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith('tandem/tabs/')));
  await expect.poll(copies).toEqual(['tandem/tabs/new']);

  // Offline, both tabs closed but one, reloaded: the copy holds both tabs' text.
  await second.close();
  await bob.context.setOffline(true);
  await bob.page.reload();
  await expect.poll(() => bob.text()).toBe('Shared. First tab. Second tab.');
});

test('after renaming from the header, typing goes on in the text where the caret was, as in Google Docs', async ({ pair }) => {
  const { alice } = await pair('focus/old');
  await alice.focusEnd();
  await alice.type('Hello');
  await alice.expectSaved();
  await renameFromHeader(alice, 'focus/new');
  await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText('focus/new');
  await expect(alice.editor).toBeFocused();
  await alice.page.keyboard.insertText(' there');
  await expect.poll(() => alice.blocks()).toEqual(['Hello there']);
  await alice.expectSaved();
  // Cancelled, the rename gives the focus back to its button (keyboard users go on from where they were).
  await alice.page.locator('.topbar').getByRole('button', { name: 'Rename' }).click();
  await alice.page.getByRole('textbox', { name: 'New name for this document' }).press('Escape');
  await expect(alice.page.locator('.topbar').getByRole('button', { name: 'Rename' })).toBeFocused();
});
