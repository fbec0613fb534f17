// Joining two paragraphs (Backspace at the start of the second) is, in y-prosemirror, deleting the second
// paragraph and inserting its text at the end of the first. Whatever someone else typed into the second
// paragraph meanwhile (offline, or in flight) went into the deleted paragraph: gone for everyone, while
// their page had said "Saved". Their editor now puts it back where it was typed, in the joined paragraph.

import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Alice writes two paragraphs; both see them. */
async function twoParagraphs(alice: { focusEnd(): Promise<void>; page: import('@playwright/test').Page }) {
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello there');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world wide');
}

test('text typed offline into a paragraph that someone joins to the one before it is kept, where it was typed', async ({ pair }) => {
  const { alice, bob } = await pair('join-keeps/offline');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.expectSaved();

  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  // Bob types into the second paragraph, after "world".
  await bob.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
    const at = view.state.doc.child(0).nodeSize + 1 + 'world'.length;
    view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.create(view.state.doc, at)));
    view.focus();
  });
  await bob.selectionRead();
  await bob.page.keyboard.insertText(' so');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world so wide']);

  // Meanwhile Alice joins the two paragraphs.
  await alice.page.keyboard.press('Home');
  await alice.selectionRead(); // ProseMirror reads the moved caret on selectionchange
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await expect.poll(() => bob.blocks()).toEqual(['Hello thereworld so wide']);
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld so wide']);
  await bob.expectSaved();
  await alice.expectSaved();
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('text typed offline into a paragraph joined meanwhile is kept after the tab was closed and opened again', async ({ pair, server }) => {
  const { alice, bob } = await pair('join-keeps/reopened');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.expectSaved();

  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.focusEnd();
  await bob.page.keyboard.insertText(' web');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide web']);
  // The copy is written after the keystroke's task; give it a moment, then close the tab.
  await bob.page.waitForTimeout(300);
  await bob.page.close();

  await alice.page.keyboard.press('Home');
  await alice.selectionRead(); // ProseMirror reads the moved caret on selectionchange
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  const again = await bob.context.newPage();
  await again.goto(`${server.url}/d/${encodeURIComponent('join-keeps/reopened')}`);
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide web']);
  // The editor's own text (the page's also shows Alice's cursor label).
  const blocksOf = (page: typeof again) =>
    page.evaluate(() => (window as unknown as { tandem: { view: { state: { doc: { textContent: string } } } } }).tandem.view.state.doc.textContent);
  await expect.poll(() => blocksOf(again)).toBe('Hello thereworld wide web');
  await expect(again.getByTestId('status')).toHaveAttribute('data-saved', 'true');
});

test('a paragraph joined while someone types into it: what they type is kept, whoever joined it', async ({ pair }) => {
  const { alice, bob } = await pair('join-keeps/in-flight');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  // Bob keeps typing at the end of the second paragraph while Alice joins it to the first.
  await bob.focusEnd();
  await alice.page.keyboard.press('Home');
  await alice.selectionRead(); // ProseMirror reads the moved caret on selectionchange
  await Promise.all([bob.type(' web of words', 20), alice.page.keyboard.press('Backspace')]);
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide web of words']);
  await expect.poll(() => bob.blocks()).toEqual(['Hello thereworld wide web of words']);
  await bob.expectSaved();
  await alice.expectSaved();
});

test('text typed offline into a paragraph that someone makes a heading meanwhile is kept in the heading', async ({ pair }) => {
  const { alice, bob } = await pair('join-keeps/heading');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.expectSaved();

  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.focusEnd();
  await bob.page.keyboard.insertText(' web');

  // Alice's caret is in the second paragraph: she makes it a heading.
  await alice.toolbar('h2');
  await expect(alice.page.locator('.ProseMirror h2')).toHaveText('world wide');
  await alice.expectSaved();

  await bob.context.setOffline(false);
  // (The page's text shows the other person's cursor label too: the editor's blocks are compared.)
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide web']);
  await expect.poll(() => alice.blocks()).toEqual(['Hello there', 'world wide web']);
  await expect(bob.page.locator('.ProseMirror h2')).toHaveCount(1);
  await expect(alice.page.locator('.ProseMirror h2')).toContainText('world wide web');
  await bob.expectSaved();
});
