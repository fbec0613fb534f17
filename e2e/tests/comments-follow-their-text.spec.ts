// Comments stay on their text when it becomes new Yjs items: Ctrl+Z bringing deleted text back (the
// comment stayed orphaned for everyone but the person who pressed it, whose editor follows Yjs' local
// "redone" links), and a join or a block changing kind (found by a review: orphaned for everyone).

import type { Page } from '@playwright/test';
import { highlighted, threads } from '../fixtures/comments.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });


test('a comment on text someone deleted is back on it, for everyone, when they undo the deletion', async ({ pair }) => {
  const { alice, bob } = await pair('comment-after-undo');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello brave new world');
  await expect.poll(() => bob.text()).toBe('Hello brave new world');

  // Bob comments on "brave new".
  await bob.select('brave new');
  await bob.toolbar('comment');
  await bob.page.getByRole('textbox', { name: 'New comment' }).fill('Why brave?');
  await bob.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect.poll(() => highlighted(alice.page)).toEqual(['brave new']);

  // Alice deletes "brave new " (its own undo step), then takes it back with Ctrl+Z.
  await alice.page.waitForTimeout(1_200);
  await alice.select('brave new ');
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => bob.text()).toBe('Hello world');
  await expect(threads(bob.page).first()).toHaveAttribute('data-orphaned', 'true');
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => bob.text()).toBe('Hello brave new world');

  for (const person of [alice, bob]) {
    await expect(threads(person.page).first()).toHaveAttribute('data-orphaned', 'false');
    await expect(threads(person.page).first().locator('.comment-quote')).toHaveText('brave new');
    await expect.poll(() => highlighted(person.page)).toEqual(['brave new']);
  }
  await alice.expectSaved();
  await bob.expectSaved();
  // A new page (no local "redone" links) sees it anchored too: it is in the document.
  await bob.page.reload();
  await expect(threads(bob.page).first()).toHaveAttribute('data-orphaned', 'false');
  await expect.poll(() => highlighted(bob.page)).toEqual(['brave new']);
  expect(alice.errors).toEqual([]);
});

async function comment(person: { select(t: string): Promise<void>; editor: any; page: Page }, text: string) { // eslint-disable-line @typescript-eslint/no-explicit-any
  await person.select(text);
  await person.editor.focus();
  await person.page.keyboard.press('Control+Alt+M');
  const compose = person.page.getByRole('textbox', { name: 'New comment' });
  await expect(compose).toBeFocused();
  await compose.fill('A note');
  await compose.press('Control+Enter');
  await expect.poll(() => highlighted(person.page)).toEqual([text]);
}

/** Alice writes "Hello there" / "world wide" and comments on "wide"; Bob sees both paragraphs. */
async function commentOnSecondParagraph(alice: EditorPage, bob: EditorPage) {
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello there');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world wide');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await comment(alice, 'wide');
}

test('a comment on the second paragraph keeps its text when the paragraph is joined to the first', async ({ pair }) => {
  const { alice, bob } = await pair('comment-through-join');
  await commentOnSecondParagraph(alice, bob);
  await alice.focusEnd();
  // The caret at the second paragraph's start, through the editor (a Home key's move can come too late).
  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide']);
  await expect.poll(() => highlighted(alice.page)).toEqual(['wide']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['wide']);
});

test('a comment stays on its text when its paragraph is made a heading', async ({ pair }) => {
  const { alice, bob } = await pair('comment-through-heading');
  await commentOnSecondParagraph(alice, bob);
  await alice.focusEnd();
  await alice.toolbar('h2');
  await expect(alice.page.locator('.ProseMirror h2')).toHaveCount(1);
  await expect.poll(() => highlighted(alice.page)).toEqual(['wide']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['wide']);
});

test('a comment stays on its text when Enter earlier in its paragraph moves that text to a new one', async ({ pair }) => {
  const { alice, bob } = await pair('comment-through-enter');
  await commentOnSecondParagraph(alice, bob);
  // Alice presses Enter after "world": " wide" (commented) goes to a new paragraph.
  await alice.caretAt(1, 'world'.length);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world', ' wide']);
  await expect.poll(() => highlighted(alice.page)).toEqual(['wide']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['wide']);
});

test('a comment on words someone else typed after a join stays on them when the join is taken back', async ({ pair }) => {
  const { alice, bob } = await pair('comment-through-undone-join');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'world']);
  await alice.page.waitForTimeout(1_100); // a pause: the join is an undo step of its own
  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Helloworld']);
  await bob.focusEnd();
  await bob.page.keyboard.insertText(' wide');
  await expect.poll(() => alice.blocks()).toEqual(['Helloworld wide']);
  await comment(bob, 'wide');
  await expect.poll(() => highlighted(alice.page)).toEqual(['wide']);

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', 'world wide']);
  await expect.poll(() => highlighted(alice.page)).toEqual(['wide']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['wide']);
});
