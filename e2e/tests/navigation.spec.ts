import { expect, test } from '../fixtures/tandem.js';

test('the start page lists documents and opens or creates one by name', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(server.url);
  await expect(alice.page.getByText('No documents yet')).toBeVisible();
  await alice.page.getByPlaceholder('e.g. team/meeting-notes').fill('team/plans');
  await alice.page.getByRole('button', { name: 'Open' }).click();
  await expect(alice.page).toHaveURL(`${server.url}/d/team%2Fplans`);
  await alice.expectConnected();
  await alice.focusEnd();
  await alice.type('Hello');
  await alice.expectSaved();

  await alice.page.goto(server.url);
  const link = alice.page.getByRole('link', { name: 'team/plans' });
  await expect(link).toBeVisible();
  await expect(alice.page.locator('.doc-list')).toContainText('5 changes');
  await link.click();
  await expect.poll(() => alice.text()).toBe('Hello');
  expect(alice.errors).toEqual([]);
});

test('works at phone width: toolbar, editor and people fit without sideways scrolling', async ({ server, browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${server.url}/d/phone`);
  await expect(page.getByTestId('status')).toHaveAttribute('data-saved', 'true');
  await page.locator('.ProseMirror').focus();
  await page.keyboard.type('Typed on a phone');
  await expect(page.locator('.ProseMirror')).toHaveText('Typed on a phone');
  for (const selector of ['.toolbar', '.ProseMirror', '[data-testid=people]', '.share']) {
    await expect(page.locator(selector)).toBeInViewport();
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(errors).toEqual([]);
  await context.close();
});
