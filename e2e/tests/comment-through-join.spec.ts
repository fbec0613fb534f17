// A comment stays on its text when the person who made it joins its paragraph to the one before (found by a review).
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

const highlighted = (page: Page) =>
  page.locator('.ProseMirror .comment-highlight').evaluateAll((spans) => {
    const byId = new Map<string, string>();
    for (const span of spans) {
      const id = (span as HTMLElement).dataset.commentId ?? '';
      byId.set(id, (byId.get(id) ?? '') + (span.textContent ?? ''));
    }
    return [...byId.values()];
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

test('a comment on the second paragraph keeps its text when the paragraph is joined to the first', async ({ pair }) => {
  const { alice, bob } = await pair('comment-through-join');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello there');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world wide');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await comment(alice, 'wide');
  await alice.focusEnd();
  await alice.page.keyboard.press('Home');
  await alice.selectionRead();
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Hello thereworld wide']);
  await expect.poll(() => highlighted(alice.page)).toEqual(['wide']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['wide']);
});

test('a comment stays on its text when its paragraph is made a heading', async ({ pair }) => {
  const { alice, bob } = await pair('comment-through-heading');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Hello there');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('world wide');
  await expect.poll(() => bob.blocks()).toEqual(['Hello there', 'world wide']);
  await comment(alice, 'wide');
  await alice.focusEnd();
  await alice.toolbar('h2');
  await expect(alice.page.locator('.ProseMirror h2')).toHaveCount(1);
  await expect.poll(() => highlighted(alice.page)).toEqual(['wide']);
  await expect.poll(() => highlighted(bob.page)).toEqual(['wide']);
});
