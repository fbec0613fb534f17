// Joining two paragraphs (Backspace at the start of the second) is, in y-prosemirror, deleting the second
// paragraph and inserting its text at the end of the first. Whatever someone else typed into the second
// paragraph meanwhile (offline, or in flight) went into the deleted paragraph: gone for everyone, while
// their page had said "Saved". Their editor now puts it back where it was typed, in the joined paragraph.

import type { Page } from '@playwright/test';
import { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Sets the editor's selection to document positions [from, to] computed in the page from `block` offsets. */
async function selectAt(page: Page, from: [number, number], to: [number, number] = from) {
  await page.evaluate(
    ([f, t]) => {
      const { view } = (window as unknown as { tandem: { view: any } }).tandem; // eslint-disable-line @typescript-eslint/no-explicit-any
      const pos = ([block, offset]: [number, number]) => {
        let at = 0;
        for (let i = 0; i < block; i++) at += view.state.doc.child(i).nodeSize;
        return at + 1 + offset;
      };
      view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.create(view.state.doc, pos(f), pos(t))));
      view.focus();
    },
    [from, to] as const,
  );
}

/** Bob has seen both paragraphs saved, goes offline, and types `text` into the second after `offset` characters. */
async function bobTypesOffline(bob: EditorPage, offset: number, text: string) {
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.expectSaved();
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await selectAt(bob.page, [1, offset]);
  await bob.selectionRead();
  await bob.page.keyboard.insertText(text);
}

/** Alice writes two paragraphs; both see them. */
async function twoParagraphs(alice: { focusEnd(): Promise<void>; page: Page }) {
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello there');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world wide');
}

test('text typed offline into a paragraph that someone joins to the one before it is kept, where it was typed', async ({ pair }) => {
  const { alice, bob } = await pair('join-keeps/offline');
  await twoParagraphs(alice);
  await bobTypesOffline(bob, 'world'.length, ' so');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world so wide']);

  // Meanwhile Alice joins the two paragraphs.
  // The caret at the start of the second paragraph (set through the editor: a Home key's caret move can
  // reach ProseMirror after the Backspace, which then deletes the last character instead).
  await selectAt(alice.page, [1, 0]);
  await alice.selectionRead();
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

test('text typed offline at the start of a paragraph that someone deletes across into from the one before is kept where it was typed', async ({ pair }) => {
  // The rest of the paragraph ("ide") is too short to be told by its text from a full stop typed at once: the
  // text went to a paragraph of its own. The deleter's editor notes which characters it moved: beside those.
  const { alice, bob } = await pair('join-keeps/across');
  await twoParagraphs(alice);
  await bobTypesOffline(bob, 0, 'So ');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'So world wide']);

  // Meanwhile Alice selects from "Hello t|here" to "world w|ide" and deletes.
  await selectAt(alice.page, [0, 'Hello t'.length], [1, 'world w'.length]);
  await alice.selectionRead();
  await alice.page.keyboard.press('Delete');
  await expect.poll(() => alice.blocks()).toEqual(['Hello tide']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await expect.poll(() => bob.blocks()).toEqual(['Hello tSo ide']);
  await expect.poll(() => alice.blocks()).toEqual(['Hello tSo ide']);
  await bob.expectSaved();
  expect([...alice.errors, ...bob.errors]).toEqual([]);
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

  // The caret at the start of the second paragraph (set through the editor: a Home key's caret move can
  // reach ProseMirror after the Backspace, which then deletes the last character instead).
  await selectAt(alice.page, [1, 0]);
  await alice.selectionRead();
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
  // The caret at the start of the second paragraph (set through the editor: a Home key's caret move can
  // reach ProseMirror after the Backspace, which then deletes the last character instead).
  await selectAt(alice.page, [1, 0]);
  await alice.selectionRead();
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

test('text the joiner saw and deleted together with the join is not typed again by its author', async ({ pair }) => {
  const { alice, bob } = await pair('review-j/deleted-with-join');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  // Bob types "the " at the start of the second paragraph; Alice sees it.
  await selectAt(bob.page, [1, 0]);
  await bob.selectionRead();
  await bob.page.keyboard.insertText('the ');
  await expect.poll(() => alice.blocks()).toEqual(['Hello there', 'the world wide']);
  await bob.expectSaved();
  // Alice selects from the end of "Hello there" to after "the " and deletes it: she does not want "the ".
  await selectAt(alice.page, [0, 'Hello there'.length], [1, 'the '.length]);
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide']);
  await alice.expectSaved();
  await bob.expectSaved();
  await alice.page.waitForTimeout(500);
  expect(await bob.blocks()).toEqual(['Hello thereworld wide']);
  expect(await alice.blocks()).toEqual(['Hello thereworld wide']);
});

test('after a reload, text typed offline into a paragraph holding the earlier page’s text is kept through a join', async ({ pair }) => {
  const { alice, bob } = await pair('review-j/after-reload');
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.focusEnd();
  await bob.page.keyboard.insertText('!');
  await expect.poll(() => alice.blocks()).toEqual(['Hello there', 'world wide!']);
  await bob.expectSaved();
  await bob.page.reload();
  await bob.expectConnected();
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide!']);
  await bob.page.waitForTimeout(500); // the Web Lock
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await selectAt(bob.page, [1, 'world'.length]);
  await bob.selectionRead();
  await bob.page.keyboard.insertText(' so');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world so wide!']);

  await alice.focusEnd();
  // The caret at the start of the second paragraph (set through the editor: a Home key's caret move can
  // reach ProseMirror after the Backspace, which then deletes the last character instead).
  await selectAt(alice.page, [1, 0]);
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide!']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await bob.expectConnected();
  await expect.poll(() => bob.blocks()).toEqual(['Hello thereworld so wide!']);
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld so wide!']);
});

test('text typed offline is kept when the joiner also typed a space at the join', async ({ pair }) => {
  const { alice, bob } = await pair('review-j/join-then-space');
  await twoParagraphs(alice);
  await bobTypesOffline(bob, 'world'.length, ' so');

  await alice.focusEnd();
  // The caret at the start of the second paragraph (set through the editor: a Home key's caret move can
  // reach ProseMirror after the Backspace, which then deletes the last character instead).
  await selectAt(alice.page, [1, 0]);
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await alice.page.keyboard.insertText(' ');
  await expect.poll(() => alice.blocks()).toEqual(['Hello there world wide']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await bob.expectConnected();
  await expect.poll(() => bob.blocks()).toEqual(['Hello there world so wide']);
  await expect.poll(() => alice.blocks()).toEqual(['Hello there world so wide']);
});

test('bold text typed offline into a paragraph someone makes a code block meanwhile: the code block survives, with the text and without the mark', async ({ pair }) => {
  const { alice, bob } = await pair('review-j/code-block-bold');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello there');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world wide');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await bob.expectSaved();

  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await selectAt(bob.page, [1, 'world'.length]);
  await bob.selectionRead();
  await bob.page.keyboard.press('Control+b');
  await bob.page.keyboard.insertText(' so');
  await expect(bob.page.locator('.ProseMirror strong')).toHaveText(' so');

  await alice.toolbar('codeBlock');
  await expect(alice.page.locator('.ProseMirror pre')).toHaveText('world wide');
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await bob.expectConnected();
  await bob.expectSaved();
  await alice.page.waitForTimeout(1000);
  expect(await alice.blocks()).toEqual(['Hello there', 'world so wide']);
  expect(await bob.blocks()).toEqual(['Hello there', 'world so wide']);
  await expect(alice.page.locator('.ProseMirror pre')).toHaveCount(1);
});

test('text typed in a second tab into a paragraph joined meanwhile is typed again once, not once per tab', async ({ pair, server }) => {
  const doc = 'join-keeps/two-tabs';
  const { alice, bob } = await pair(doc);
  await twoParagraphs(alice);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await alice.expectSaved();
  const tab2 = new EditorPage(await bob.context.newPage(), bob.context, 'Bob', bob.color);
  await tab2.open(server.url, doc);
  await expect.poll(() => tab2.blocks()).toEqual(['Hello there', 'world wide']);
  await alice.context.setOffline(true);
  await expect(alice.status).toHaveAttribute('data-connection', 'offline');
  await selectAt(tab2.page, [1, 'world'.length]);
  await tab2.selectionRead();
  await tab2.page.keyboard.insertText(' so');
  await tab2.expectSaved();
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world so wide']);
  await bob.page.waitForTimeout(2_500); // past the first tab's check of which pages are open
  // The caret at the start of the second paragraph (set through the editor: a Home key's caret move can
  // reach ProseMirror after the Backspace, which then deletes the last character instead).
  await selectAt(alice.page, [1, 0]);
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide']);
  await alice.context.setOffline(false);
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld so wide']);
  await tab2.expectSaved();
  await bob.expectSaved();
  await alice.page.waitForTimeout(1_000);
  for (const page of [alice, bob, tab2]) expect(await page.blocks()).toEqual(['Hello thereworld so wide']);
});

test('text typed offline into a paragraph that someone deletes whole meanwhile is kept, in a paragraph of its own where that one was', async ({ pair }) => {
  const { alice, bob } = await pair('join-keeps/deleted-whole');
  await twoParagraphs(alice);
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('the end');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide', 'the end']);
  await bob.expectSaved();
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await selectAt(bob.page, [1, 'world'.length]);
  await bob.selectionRead();
  await bob.page.keyboard.insertText(' so');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world so wide', 'the end']);

  // Meanwhile Alice selects the second paragraph whole, with its break, and deletes it.
  await selectAt(alice.page, [1, 0], [2, 0]);
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello there', 'the end']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  // Alice deleted what she saw; what Bob typed, which she never saw, stays, as he typed it (" so" after
  // "world": collab/typed-in-place.ts; it was written as "so " after "world ", the longest common start).
  await expect.poll(() => alice.blocks()).toEqual(['Hello there', ' so', 'the end']);
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', ' so', 'the end']);
  await bob.expectSaved();
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
