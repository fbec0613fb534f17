// Naming a version with a name the server refuses (over 200 characters) failed without a word: no named
// version, nothing on the page, an unhandled rejection in the console (found by a review).
import { expect, test } from '../fixtures/tandem.js';

test('a version name that is too long is refused with a message, and nothing is named', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'name-version');
  await alice.focusEnd();
  await alice.type('Draft one.');
  await alice.expectSaved();
  await alice.page.getByRole('button', { name: 'History' }).click();
  await expect(alice.page.getByTestId('history-document')).toHaveAttribute('data-seq', /\d+/);
  const label = 'Quarterly plan as agreed with finance, legal and the board, including the revised budget, '.repeat(3);
  alice.page.once('dialog', (d) => void d.accept(label));
  await alice.page.getByRole('button', { name: 'Name this version' }).click();
  await expect(alice.page.locator('.history-panel')).toContainText('Naming failed: a name has at most 200 characters');
  await expect(alice.page.locator('.named-versions')).toContainText('None yet');
  // A name the server takes is named as before.
  alice.page.once('dialog', (d) => void d.accept('Draft'));
  await alice.page.getByRole('button', { name: 'Name this version' }).click();
  await expect(alice.page.locator('.named-versions')).toContainText('Draft');
  expect(alice.errors).toEqual([]);
});
