// A comment shows its author's name as the server stores it; once shown, it stayed the old name after
// its author took another one (here, or in another browser), until the page was reloaded.
import { threads } from '../fixtures/comments.js';
import { expect, test } from '../fixtures/tandem.js';

test('a comment follows its author to a new name, on their page and on the others\'', async ({ pair }) => {
  const { alice, bob } = await pair('rename/comment-author');
  await alice.focusEnd();
  await alice.type('Name the author.');
  await alice.expectSaved();
  await expect.poll(() => bob.text()).toBe('Name the author.');

  await alice.select('author');
  await alice.toolbar('comment');
  await alice.page.getByRole('textbox', { name: 'New comment' }).fill('Who wrote this?');
  await alice.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(threads(bob.page).first().locator('.comment-author')).toHaveText('Alice');
  await expect(threads(alice.page).first().locator('.comment-author')).toHaveText('Alice');

  const nameField = alice.page.getByTestId('my-name');
  if (!(await nameField.isVisible())) await alice.page.getByRole('button', { name: 'Your name' }).click();
  await nameField.fill('Alicia');
  await nameField.press('Enter');
  await expect.poll(() => bob.presence()).toContain('Alicia');

  await expect(threads(bob.page).first().locator('.comment-author')).toHaveText('Alicia');
  await expect(threads(alice.page).first().locator('.comment-author')).toHaveText('Alicia');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
