// An image's description (alt text), changed after it was inserted (found by a review): the Image dialog
// asked for it once, and nothing let anyone change it later: an image put in without one, or with a wrong one,
// kept it for good. Google Docs has "Alt text" on an image's menu (Ctrl+Alt+Y). Here a selected image shows an
// "Alt text" button in the toolbar, and Ctrl+Alt+Y opens the same field from the keyboard.

import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const SQUARE = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90" fill="#4f46e5"/></svg>';
const images = (p: EditorPage) => p.page.locator('.ProseMirror img[src]');

async function insertImage(p: EditorPage, alt: string): Promise<void> {
  await p.focusEnd();
  await p.type('Chart: ');
  await p.toolbar('image');
  const dialog = p.page.getByRole('dialog', { name: 'Insert an image' });
  await dialog.getByLabel('Image address').fill('https://images.example/square.svg');
  await dialog.getByLabel('Description (alt text)').fill(alt);
  await dialog.getByRole('button', { name: 'Insert image' }).click();
  await expect(images(p)).toHaveCount(1);
  await expect(p.editor).toBeFocused();
}

test('a clicked image shows "Alt text"; its description is changed there, for everyone', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  for (const p of [alice, bob]) await p.context.route('https://images.example/**', (route) => route.fulfill({ contentType: 'image/svg+xml', body: SQUARE }));
  await alice.open(server.url, 'docs/alt-text-click');
  await bob.open(server.url, 'docs/alt-text-click');
  await insertImage(alice, '');
  await expect(images(bob)).toHaveCount(1);

  const altButton = alice.page.locator('.toolbar [data-command=imageAlt]');
  await expect(altButton).toBeHidden();
  await images(alice).click();
  await expect(altButton).toBeVisible();
  await altButton.dispatchEvent('mousedown');
  const dialog = alice.page.getByRole('dialog', { name: 'Alt text' });
  const field = dialog.getByLabel('Description');
  await expect(field).toBeFocused();
  await expect(field).toHaveValue('');
  await field.fill('Sales doubled in May');
  await field.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(alice.editor).toBeFocused();
  await expect(images(bob)).toHaveAttribute('alt', 'Sales doubled in May');
  await expect(images(alice)).toHaveAttribute('alt', 'Sales doubled in May');
  // One undo step takes it back.
  await alice.page.keyboard.press('Control+z');
  await expect(images(bob)).not.toHaveAttribute('alt', /./);
  expect(alice.errors).toEqual([]);
});

test('from the keyboard: Shift+Arrow selects the image, Ctrl+Alt+Y edits its description, Escape keeps it', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.context.route('https://images.example/**', (route) => route.fulfill({ contentType: 'image/svg+xml', body: SQUARE }));
  await alice.open(server.url, 'docs/alt-text-keys');
  await insertImage(alice, 'A square');
  await alice.page.keyboard.press('Shift+ArrowLeft');
  await alice.selectionRead();
  await alice.page.keyboard.press('Control+Alt+Y');
  const dialog = alice.page.getByRole('dialog', { name: 'Alt text' });
  const field = dialog.getByLabel('Description');
  await expect(field).toBeFocused();
  await expect(field).toHaveValue('A square');
  await field.fill('Changed my mind');
  await field.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(images(alice)).toHaveAttribute('alt', 'A square');
  await expect(alice.editor).toBeFocused();

  await alice.page.keyboard.press('Control+Alt+Y');
  await dialog.getByLabel('Description').fill('A blue square');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(images(alice)).toHaveAttribute('alt', 'A blue square');
  // The caret alone (no image selected): no description to edit, and the key types nothing.
  await alice.page.keyboard.press('End');
  await alice.page.keyboard.press('Control+Alt+Y');
  await expect(dialog).toBeHidden();
  expect(await alice.blocks()).toEqual(['Chart: ']);
  expect(alice.errors).toEqual([]);
});
