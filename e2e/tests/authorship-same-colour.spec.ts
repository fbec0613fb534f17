// "Show authorship" coloured each author's words in the colour the server's records give them (golden-angle
// hues), while their cursor and their dot in the people list showed the colour they chose: Bob's cursor blue,
// his words orange. While an author is here, their words now take their cursor's colour; two people who chose
// the same colour are still told apart (the later one is shown in another, as the people list does).

import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures/tandem.js';

/** The threshold of apps/editor/src/collab/presence-colors.ts. */
const MIN_HUE_APART = 30;

/** '#rrggbb' or 'rgb(r, g, b)' as [r, g, b]. */
const rgbOf = (color: string): number[] =>
  color.startsWith('#') ? [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16)) : (color.match(/\d+/g) ?? []).slice(0, 3).map(Number);
const hue = (color: string): number => {
  const [r, g, b] = rgbOf(color).map((v) => v / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
};
const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b) % 360, 360 - (Math.abs(a - b) % 360));
const authorColour = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).getPropertyValue('--author-color').trim());

test('authors who are here are coloured as their cursors and dots are, two who chose the same colour apart', async ({ server, person }) => {
  const alice = await person('Alice', '#2563eb');
  const bob = await person('Bob', '#2563eb');
  await alice.open(server.url, 'authorship/same-colour');
  await bob.open(server.url, 'authorship/same-colour');
  await alice.focusEnd();
  await alice.type('alpha ');
  await alice.expectSaved();
  await expect.poll(() => bob.text()).toBe('alpha ');
  await bob.focusEnd();
  await bob.type('bravo');
  await bob.expectSaved();
  await expect.poll(() => alice.text()).toBe('alpha bravo');

  await alice.page.getByTestId('authorship-toggle').click();
  const alpha = alice.editor.locator('.authored', { hasText: 'alpha' });
  const bravo = alice.editor.locator('.authored', { hasText: 'bravo' });
  await expect(bravo).toHaveAttribute('title', /^Bob/);
  const [alphaColour, bravoColour] = [await authorColour(alpha), await authorColour(bravo)];
  expect(hueDistance(hue(alphaColour), hue(bravoColour))).toBeGreaterThanOrEqual(MIN_HUE_APART);
  // Bob's words in the colour of Bob's cursor and of his dot in the people list, on Alice's page.
  const cursor = alice.page.locator('.ProseMirror-yjs-cursor', { hasText: 'Bob' });
  expect(rgbOf(await cursor.evaluate((el) => getComputedStyle(el).borderLeftColor))).toEqual(rgbOf(bravoColour));
  // The legend says so too.
  const legend = alice.page.getByTestId('authorship-legend');
  await expect(legend.locator('li')).toHaveText(['Alice', 'Bob']);
  expect(await authorColour(legend.locator('li', { hasText: 'Bob' }))).toBe(bravoColour);
  expect(await authorColour(legend.locator('li', { hasText: 'Alice' }))).toBe(alphaColour);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
