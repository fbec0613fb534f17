import { expect, test } from '../fixtures/tandem.js';

test.describe('deleting a document', () => {
  test('moves it to the trash from the start page: someone editing it sees why and cannot type; it is restored whole', async ({ server, pair }) => {
    test.setTimeout(120_000); // two people, a start page and a reload
    const { alice, bob } = await pair('trash/plan');
    await alice.focusEnd();
    await alice.type('Worth keeping.');
    await expect.poll(() => bob.text()).toBe('Worth keeping.');
    await alice.expectSaved();

    // Alice deletes it from the start page (the confirmation says Bob is editing it).
    const home = await alice.context.newPage();
    await home.goto(server.url);
    let asked = '';
    home.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await home.getByRole('button', { name: 'Delete trash/plan' }).click();
    await expect(home.getByRole('status')).toHaveText('"trash/plan" moved to the trash.');
    expect(asked).toMatch(/editing it now/);
    await expect(home.locator('.doc-list a', { hasText: 'trash/plan' })).toHaveCount(0);
    const trash = home.getByRole('region', { name: 'Trash' });
    await expect(trash).toContainText('trash/plan');
    await expect(trash).toContainText('removed for good on');

    // Bob, still on the page, is told and can no longer type; what he tries is not saved anywhere.
    await expect(bob.page.getByRole('heading', { name: 'This document is in the trash' })).toBeVisible();
    await expect(bob.status).toHaveAttribute('data-connection', 'denied');
    await expect(bob.page.locator('.ProseMirror')).toHaveAttribute('contenteditable', 'false');

    await trash.getByRole('button', { name: 'Restore trash/plan' }).click();
    await expect(home.getByRole('status')).toHaveText('"trash/plan" restored.');
    await expect(home.locator('.doc-list a', { hasText: 'trash/plan' })).toHaveCount(1);
    await expect(trash).toBeHidden();

    // Reopened: everything is there.
    await bob.page.reload();
    await expect.poll(() => bob.text()).toBe('Worth keeping.');
    await expect(bob.status).toHaveAttribute('data-connection', 'connected');
  });
});
