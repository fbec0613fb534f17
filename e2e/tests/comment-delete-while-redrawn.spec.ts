// A click on a comment's Delete lands even when the thread changes between the press and the release: Bob's
// reply arriving redrew Alice's whole thread, her Delete button with it, and a button replaced under the
// pointer gets no click (Chromium fires it only on the element pressed). The page then put the focus on the new
// button, so the press looked taken and nothing was deleted (seen as a flaky comment test under load).

import { threads, writeAndComment } from '../fixtures/comments.js';
import { expect, test } from '../fixtures/tandem.js';

test("a press on Delete released after someone's reply arrived still deletes the comment", async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  await alice.open(server.url, 'comments/delete-while-redrawn');
  await bob.open(server.url, 'comments/delete-while-redrawn');
  await writeAndComment(alice, bob, 'Alpha beta gamma delta.', 'beta gamma', 'First comment');
  const aliceThread = threads(alice.page).first();
  await expect(aliceThread.locator('.comment-author')).toHaveText(['Alice']);

  const remove = aliceThread.getByRole('button', { name: /Delete your comment/ });
  const box = (await remove.boundingBox())!;
  await alice.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await alice.page.mouse.down();
  await threads(bob.page).first().getByRole('textbox', { name: 'Reply' }).click();
  await bob.type('Bob reply');
  await bob.page.keyboard.press('Control+Enter');
  await expect(aliceThread.locator('.comment-body')).toHaveText(['First comment', 'Bob reply']);
  await expect(aliceThread.locator('.comment-author')).toHaveText(['Alice', 'Bob']);
  await alice.page.mouse.up();

  for (const who of [alice, bob]) await expect(threads(who.page).first().locator('.comment-body')).toHaveText(['Comment deleted', 'Bob reply']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
