import { axeViolations } from '../fixtures/axe.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test.describe('renaming and copying a document', () => {
  test('Alice renames it from the header: Bob follows to the new name and keeps editing; history and the old link come along', async ({ server, pair }) => {
    test.setTimeout(120_000); // two people, a rename, the history view and a copy
    const { alice, bob } = await pair('notes/draft');
    await alice.focusEnd();
    await alice.type('Written before the rename.');
    await expect.poll(() => bob.text()).toBe('Written before the rename.');
    await alice.expectSaved();

    // Rename from the keyboard: a bad name is refused before anything is sent; Esc cancels; Enter saves.
    const header = alice.page.locator('.topbar');
    await header.getByRole('button', { name: 'Rename' }).click();
    const field = alice.page.getByRole('textbox', { name: 'New name for this document' });
    await expect(field).toBeFocused();
    await expect(field).toHaveValue('notes/draft');
    await field.press('Escape');
    await expect(field).toBeHidden();
    await expect(header.getByRole('button', { name: 'Rename' })).toBeFocused();
    await alice.page.keyboard.press('Enter');
    await field.fill('notes//final');
    await field.press('Enter');
    await expect(alice.page.getByRole('alert')).toHaveText('That name contains an empty path segment ("//").');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(await axeViolations(alice.page)).toEqual([]); // the field, its label and its error
    await field.fill('notes/final');
    await field.press('Enter');

    // Both pages move to the new address, show the new name and stay connected.
    for (const person of [alice, bob]) {
      await expect(person.page).toHaveURL(`${server.url}/d/notes%2Ffinal`);
      await expect(person.page.getByRole('heading', { level: 1 })).toHaveText('notes/final');
      await person.expectConnected();
    }
    await expect.poll(() => bob.text()).toBe('Written before the rename.');
    await bob.focusEnd();
    await bob.type(' Bob goes on.');
    await expect.poll(() => alice.text()).toBe('Written before the rename. Bob goes on.');
    await bob.expectSaved();

    // The history at the new name holds the edits made before the rename.
    await alice.page.getByRole('button', { name: 'History' }).click();
    await expect(alice.page.locator('.history-panel')).toContainText('Alice');
    await expect(alice.page.getByTestId('history-document')).toContainText('Written before the rename. Bob goes on.');
    await alice.page.getByTestId('history-slider').focus();
    await alice.page.keyboard.press('Home');
    await expect(alice.page.getByTestId('history-document')).toHaveText('');
    await alice.page.getByRole('button', { name: 'History' }).click();

    // The old link lands on the new name.
    const late = await bob.context.newPage();
    await late.goto(`${server.url}/d/notes%2Fdraft`);
    await expect(late).toHaveURL(`${server.url}/d/notes%2Ffinal`);
    await expect(late.locator('.ProseMirror')).toContainText('Written before the rename. Bob goes on.');
    await late.close();

    // Make a copy: asks for the name, opens the copy with the same text; the original stays as it is.
    await bob.page.locator('.topbar').getByRole('button', { name: 'Make a copy' }).click();
    const copyName = bob.page.getByRole('textbox', { name: 'Name of the copy' });
    await expect(copyName).toHaveValue('notes/final (copy)');
    await copyName.fill('notes/final');
    await copyName.press('Enter');
    await expect(bob.page.getByRole('alert')).toContainText('exists already');
    await copyName.fill('notes/copy');
    await copyName.press('Enter');
    await expect(bob.page).toHaveURL(`${server.url}/d/notes%2Fcopy`);
    await bob.expectConnected();
    await expect.poll(() => bob.text()).toBe('Written before the rename. Bob goes on.');
    await bob.focusEnd();
    await bob.type(' Only in the copy.');
    await bob.expectSaved();
    await expect.poll(() => alice.text()).toBe('Written before the rename. Bob goes on.');
    expect([...alice.errors, ...bob.errors].filter((e) => !/WebSocket|4430|Failed to load resource/.test(e))).toEqual([]);
  });
});

test('what Bob typed offline while Alice renamed the document reaches it under the new name', async ({ server, pair }) => {
  test.setTimeout(120_000);
  const { alice, bob } = await pair('offline/old');
  await alice.focusEnd();
  await alice.type('Shared.');
  await expect.poll(() => bob.text()).toBe('Shared.');
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.focusEnd();
  await bob.type(' Typed offline.');

  await alice.page.locator('.topbar').getByRole('button', { name: 'Rename' }).click();
  const field = alice.page.getByRole('textbox', { name: 'New name for this document' });
  await field.fill('offline/new');
  await field.press('Enter');
  await expect(alice.page).toHaveURL(`${server.url}/d/offline%2Fnew`);
  await alice.expectConnected();

  // Back online, Bob's page is sent to the new name and brings what it kept.
  await bob.context.setOffline(false);
  await expect(bob.page).toHaveURL(`${server.url}/d/offline%2Fnew`);
  await bob.expectConnected();
  await expect.poll(() => alice.text()).toBe('Shared. Typed offline.');
  await bob.expectSaved();
  // Nothing of the old name is left in Bob's browser.
  const databases = await bob.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(databases).toContain('tandem/offline/new');
  expect(databases).not.toContain('tandem/offline/old');
});
