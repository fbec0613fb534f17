// Resolving a thread from the keyboard: the thread leaves the panel (resolved ones are hidden), and focus
// must not fall to the page's <body> (a keyboard or screen-reader user would be thrown to the top).

import { threads } from '../fixtures/comments.js';
import { expect, test } from '../fixtures/tandem.js';

test('Resolve pressed from the keyboard keeps focus in the Comments panel', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'comments/resolve-focus');
  await alice.focusEnd();
  await alice.type('One two three.');
  for (const [word, body] of [['One', 'First?'], ['three', 'Third?']] as const) {
    await alice.select(word);
    await alice.editor.focus();
    await alice.page.keyboard.press('Control+Alt+M');
    await alice.page.getByRole('textbox', { name: 'New comment' }).fill(body);
    await alice.page.keyboard.press('Control+Enter');
  }
  await expect(threads(alice.page)).toHaveCount(2);
  const resolve = threads(alice.page).first().getByRole('button', { name: 'Resolve' });
  await resolve.focus();
  await alice.page.keyboard.press('Enter');
  await expect(threads(alice.page)).toHaveCount(1);
  // Focus stays in the panel (on the next thread, say), not on <body>.
  await expect.poll(() => alice.page.evaluate(() => document.activeElement?.closest('[data-testid=comments-panel]') !== null)).toBe(true);
  expect(alice.errors).toEqual([]);
});
