// The link popover on a phone (found by a review). Everything else on a phone is a touch target of 44 px at
// least (README), but the popover's Open, Edit and Remove, and its address field's Apply and Cancel, were 22 px
// high, small enough to tap the wrong one (or the text under them).

import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file', viewport: { width: 390, height: 844 } });

const heights = (controls: Locator) => controls.evaluateAll((els) => els.map((el) => `${el.textContent || (el as HTMLInputElement).name || el.tagName}: ${Math.round(el.getBoundingClientRect().height) >= 44 ? 'ok' : 'too small'}`));

test('on a phone the link popover’s buttons and field are 44 px touch targets, within the screen', async ({ server, person }) => {
  const doc = 'phone-link';
  const md = 'Read [the guide](https://example.com/guide) first.\n';
  expect((await fetch(`${server.url}/api/docs/${doc}`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: md })).status).toBe(201);
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, doc);
  await alice.page.getByText('the guide').click();
  const popover = alice.page.getByTestId('link-popover');
  await expect(popover).toBeVisible();
  expect(await heights(popover.locator('button'))).toEqual(['Open: ok', 'Edit: ok', 'Remove: ok']);

  await popover.getByRole('button', { name: 'Edit' }).click();
  const field = popover.getByLabel('Link address');
  await expect(field).toBeFocused();
  expect(await heights(popover.locator('button, input'))).toEqual(['INPUT: ok', 'Apply: ok', 'Cancel: ok']);
  const box = (await popover.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await field.fill('example.org/guide');
  await popover.getByRole('button', { name: 'Apply' }).click();
  await expect(alice.page.getByRole('link', { name: 'the guide' })).toHaveAttribute('href', 'https://example.org/guide');
  expect(alice.errors).toEqual([]);
});
