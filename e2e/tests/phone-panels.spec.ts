// On a phone, the comments panel, the find bar (with Replace open) and the history view are touch targets of
// 44 px at least, as the rest of the page is, and none of them makes the page scroll sideways (a review had
// measured 16–32 px there).

import type { Page } from '@playwright/test';
import { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

/** The visible controls within `scope` smaller than 44 × 44 px (a checkbox counts by its label). */
async function tooSmall(page: Page, scope: string): Promise<string[]> {
  const targets = ['button', 'textarea', 'select', 'input:not([type=checkbox])', 'label:has(input[type=checkbox])'].map((t) => `${scope} ${t}`).join(', ');
  const small: string[] = [];
  for (const target of await page.locator(targets).all()) {
    if (!(await target.isVisible())) continue;
    const box = await target.boundingBox();
    const label = (await target.getAttribute('aria-label')) ?? (await target.textContent())?.trim() ?? '';
    if (box === null || box.width < 44 || box.height < 44) small.push(`${label}: ${Math.round(box?.width ?? 0)}×${Math.round(box?.height ?? 0)}`);
  }
  return small;
}

test('on a phone: the comments panel, the find bar and the history view have touch targets of 44 px, and nothing scrolls sideways', async ({ server, browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = new EditorPage(await context.newPage(), context, 'Pat', '#e11d48');
  await phone.open(server.url, 'phone-panels');
  await phone.focusEnd();
  await phone.type('A line worth a comment.');
  await phone.expectSaved();
  const page = phone.page;
  const overflow = () => page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth, document.documentElement.clientWidth) - 390);

  // A comment posted: its thread's buttons, the filter, the form.
  await phone.select('worth');
  await page.keyboard.press('Control+Alt+m');
  const compose = page.getByTestId('comment-compose');
  await expect(compose).toBeVisible();
  await compose.locator('textarea').fill('Is it, though?');
  await compose.getByRole('button', { name: 'Comment' }).click();
  const panel = page.getByTestId('comments-panel');
  await expect(panel).toContainText('Is it, though?');
  expect(await panel.locator('button:visible').count()).toBeGreaterThan(1);
  expect(await tooSmall(page, '.comments-panel')).toEqual([]);
  expect(await overflow()).toBeLessThanOrEqual(0);

  // The find bar, Replace open.
  await phone.editor.click();
  await page.keyboard.press('Control+h');
  await expect(page.getByTestId('find-bar')).toBeVisible();
  expect(await page.locator('.find-bar button:visible').count()).toBeGreaterThan(4);
  expect(await tooSmall(page, '.find-bar')).toEqual([]);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await page.keyboard.press('Escape');

  // The history view: play, the slider, speed, the versions, naming, exports, restore.
  await page.locator('.history-toggle').click();
  await expect(page.locator('.history-panel')).toBeVisible();
  await expect(page.locator('.history-panel .restore')).toBeVisible();
  expect(await page.locator('.history-panel button:visible').count()).toBeGreaterThan(4);
  expect(await tooSmall(page, '.history-panel')).toEqual([]);
  expect(await overflow()).toBeLessThanOrEqual(0);
  expect(phone.errors).toEqual([]);
  await context.close();
});
