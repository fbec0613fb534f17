// Ctrl+Z brings deleted text back as new Yjs items: a comment anchored to the old ones stayed orphaned
// for everyone but the person who pressed it (whose editor follows Yjs' local "redone" links).

import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

const threads = (page: Page) => page.getByTestId('comment-thread');
const highlighted = (page: Page) =>
  page.locator('.ProseMirror .comment-highlight').evaluateAll((spans) => {
    const byId = new Map<string, string>();
    for (const span of spans) {
      const id = (span as HTMLElement).dataset.commentId ?? '';
      byId.set(id, (byId.get(id) ?? '') + (span.textContent ?? ''));
    }
    return [...byId.values()];
  });

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
