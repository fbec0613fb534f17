// Keyboard use of the comments panel while someone else types. The panel drew each thread's comments
// anew on every change to the document (its anchors are placed again after each one): the button a
// keyboard user had reached (Delete on their own comment) was replaced under them, and focus fell to the
// page's body, so the Enter they pressed next did nothing and they had to find their place again.

import { highlighted, threads } from '../fixtures/comments.js';
import { writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test('focus on a comment’s Delete button stays there while the other person types, and Enter deletes it', async ({ pair }) => {
  const { alice, bob } = await pair('comment-focus');
  await alice.focusEnd();
  await alice.type('The quick brown fox.');
  await alice.expectSaved();
  await expect.poll(() => bob.text()).toBe('The quick brown fox.');

  await alice.select('brown');
  await alice.editor.focus();
  await alice.page.keyboard.press('Control+Alt+M');
  await alice.page.keyboard.type('Which brown?');
  await alice.page.keyboard.press('Control+Enter');
  const thread = alice.page.getByTestId('comment-thread');
  await expect(thread).toHaveCount(1);
  await expect(bob.page.getByTestId('comment-thread')).toHaveCount(1);

  // Alice reaches her comment's Delete button (from the keyboard: Tab, as a person would, lands there).
  const remove = thread.getByRole('button', { name: /^Delete your comment/ });
  await remove.focus();
  await expect(remove).toBeFocused();

  // Bob types on, at the end of the text.
  await bob.focusEnd();
  await bob.page.keyboard.insertText(' It jumps.');
  await expect.poll(() => alice.text()).toBe('The quick brown fox. It jumps.');
  await alice.page.waitForTimeout(300); // the panel's redraw runs in a task after the change

  expect(await alice.page.evaluate(() => document.activeElement?.textContent ?? document.activeElement?.tagName)).toBe('Delete');
  await alice.page.keyboard.press('Enter');
  await expect(bob.page.getByTestId('comment-thread')).toHaveCount(0);
});

test('a reply being typed keeps its box and caret when the other person deletes the text of an earlier thread, which moves below it', async ({ pair }) => {
  // The thread moved up the list was taken out and put back, which dropped the focus in it: the rest of the
  // reply went nowhere (an exploratory run, every time).
  const { alice, bob } = await pair('comment-focus/reply-while-reordered');
  await writeShared(alice, bob, ['First sentence here.', 'Second sentence here.']);
  for (const word of ['First', 'Second']) {
    await alice.select(word);
    await alice.editor.focus();
    await alice.page.keyboard.press('Control+Alt+M');
    const compose = alice.page.getByRole('textbox', { name: 'New comment' });
    await compose.fill(`About ${word}`);
    await compose.press('Control+Enter');
    await expect.poll(async () => (await highlighted(alice.page)).includes(word)).toBe(true);
  }
  await expect(threads(bob.page)).toHaveCount(2);
  const id = await threads(bob.page).nth(1).getAttribute('data-comment-id');
  const reply = bob.page.locator(`[data-comment-id="${id}"]`).getByRole('textbox', { name: 'Reply' });
  await reply.click();
  await bob.type('Half a rep');
  await alice.select('First sentence here.');
  await alice.page.keyboard.press('Backspace');
  await expect(threads(bob.page).last()).toHaveAttribute('data-orphaned', 'true');
  await expect(threads(bob.page).first()).toHaveAttribute('data-comment-id', id!);
  await bob.type('ly, continued');
  await expect(reply).toHaveValue('Half a reply, continued');
  await expect(reply).toBeFocused();
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
