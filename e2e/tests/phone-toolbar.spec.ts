// The toolbar on a phone (found by a review). It is one row that scrolls sideways; the tools that appear for
// what the selection is in (a table's rows and columns, an image's alt text) were added at its far end, out of
// sight: tapping into a table changed nothing anyone could see, and the table's buttons had to be found by
// scrolling the toolbar. They are brought into view as they appear.

import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file', viewport: { width: 390, height: 844 } });

const SQUARE = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90" fill="#4f46e5"/></svg>';

/** Whether the toolbar button for `command` is inside the toolbar's visible width. */
const inSight = (p: EditorPage, command: string) =>
  p.page.locator(`.toolbar [data-command=${command}]`).evaluate((button) => {
    const bar = button.closest('.toolbar')!.getBoundingClientRect();
    const box = button.getBoundingClientRect();
    return !(button as HTMLElement).hidden && box.left >= bar.left - 1 && box.right <= bar.right + 1;
  });

test('tapping into a table brings its buttons into view; tapping an image brings "Alt text"', async ({ server, person }) => {
  const doc = 'phone-table-tools';
  const md = 'Above.\n\n| Head A | Head B |\n| --- | --- |\n| cell one | cell two |\n\n![A square](https://images.example/square.svg)\n';
  expect((await fetch(`${server.url}/api/docs/${doc}`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: md })).status).toBe(201);
  const alice = await person('Alice', '#e11d48');
  await alice.context.route('https://images.example/**', (route) => route.fulfill({ contentType: 'image/svg+xml', body: SQUARE }));
  await alice.open(server.url, doc);
  await expect(alice.page.getByText('cell two')).toBeVisible();
  expect(await inSight(alice, 'bold')).toBe(true);

  await alice.page.getByText('cell two').click();
  await expect(alice.page.locator('.toolbar [data-command=addRowAfter]')).toBeVisible();
  await expect.poll(() => inSight(alice, 'addRowAfter')).toBe(true);
  // The buttons work from there.
  await alice.page.locator('.toolbar [data-command=addRowAfter]').click();
  await expect(alice.page.locator('.ProseMirror tr')).toHaveCount(3);

  await alice.page.getByRole('img', { name: 'A square' }).click();
  await expect.poll(() => inSight(alice, 'imageAlt')).toBe(true);
  expect(alice.errors).toEqual([]);
});
