// Alice comments on "beta gamma", Bob replies, then Alice deletes her comment: the thread stays on its text for
// both, its first comment shown as deleted, Bob's reply with it. Before, the thread told both people its text
// had been deleted and the text lost its highlight (found by an exploratory review). Once every comment of the
// thread is deleted, the thread and its highlight go.

import { highlighted, threads, writeAndComment } from '../fixtures/comments.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test("deleting a thread's first comment while a reply stands keeps the thread on its text, for both people", async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  await alice.open(server.url, 'comments/first-deleted');
  await bob.open(server.url, 'comments/first-deleted');
  await writeAndComment(alice, bob, 'Alpha beta gamma delta.', 'beta gamma', 'First comment');
  await threads(bob.page).first().getByRole('textbox', { name: 'Reply' }).click();
  await bob.type('Bob reply');
  await bob.page.keyboard.press('Control+Enter');
  await expect(threads(alice.page).first().locator('.comment-body')).toHaveText(['First comment', 'Bob reply']);

  await threads(alice.page).first().getByRole('button', { name: /Delete your comment/ }).click();
  for (const who of [alice, bob]) {
    const thread = threads(who.page).first();
    await expect(thread.locator('.comment-body')).toHaveText(['Comment deleted', 'Bob reply']);
    await expect(thread.locator('.comment-quote')).toHaveText('beta gamma'); // before: "The text this comment was on was deleted"
    await expect(thread).toHaveAttribute('data-orphaned', 'false');
    await expect.poll(() => highlighted(who.page)).toEqual(['beta gamma']);
  }

  // Bob deletes his reply too: nothing of the thread is left, nor its highlight.
  await threads(bob.page).first().getByRole('button', { name: /Delete your comment/ }).click();
  for (const who of [alice, bob]) {
    await expect(threads(who.page)).toHaveCount(0);
    await expect.poll(() => highlighted(who.page)).toEqual([]);
  }
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
