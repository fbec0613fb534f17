// What is exported looks like what was written: a page downloaded from the history view as HTML and opened
// in a browser shows a task list's boxes beside their text (no bullets) and a table's cells ruled, as the
// editor and Google Docs' "Web page" download do.

import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

test('an HTML export shows task boxes beside their text and a table with ruled cells', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const page = alice.page;
  await alice.open(server.url, 'exports/html-layout');
  await alice.focusEnd();
  await alice.type('[ ] first task');
  await page.keyboard.press('Enter');
  await alice.type('second task');
  await page.keyboard.press('Control+Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await alice.toolbar('insertTable');
  await alice.type('Name');
  await page.keyboard.press('Tab');
  await alice.type('Value');
  await alice.expectSaved();

  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByTestId('history-document')).toContainText('Value');
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'HTML' }).click();
  const html = await readFile((await (await downloaded).path())!, 'utf8');

  const exported = await alice.context.newPage();
  await exported.setContent(html);
  const items = exported.locator('li');
  await expect(items).toHaveCount(2);
  for (const item of await items.all()) {
    expect(await item.evaluate((li) => getComputedStyle(li).listStyleType)).toBe('none');
    // The box and the item's text on one line: their tops within a line of each other.
    const box = (await item.locator('input[type=checkbox]').boundingBox())!;
    const text = (await item.locator('p').boundingBox())!;
    expect(Math.abs(box.y - text.y)).toBeLessThan(text.height);
    expect(box.x).toBeLessThan(text.x);
  }
  await expect(items.nth(1).locator('input')).toBeChecked();
  for (const cell of await exported.locator('th, td').all()) {
    expect(await cell.evaluate((c) => getComputedStyle(c).borderTopStyle)).toBe('solid');
  }
  expect(alice.errors).toEqual([]);
});
