// One browser, two tabs of a document. Offline, the person types in one tab (told "Offline · changes kept in
// this browser") and closes it. Back online, the tab left open said "Saved", but the closed tab's words were
// only in this browser's copy (IndexedDB), which a page read once, as it opened: they never reached the
// server while the other tab stayed open, and a rename, which the open tab follows by moving the copy to the
// new name, deleted them (found by an exploratory run). A page now reads the copy again each time it is back
// in touch with the server, and before it moves it.

import { EditorPage, serverText } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/**
 * `first` and a second tab of it open `doc`; offline, `first` types and is closed; `whileOffline` runs; back
 * online. Returns the second tab.
 */
async function closedTabTypedOffline(baseUrl: string, first: EditorPage, doc: string, whileOffline: () => Promise<void> = async () => {}): Promise<EditorPage> {
  await first.open(baseUrl, doc);
  const second = new EditorPage(await first.context.newPage(), first.context, first.name, first.color);
  await second.open(baseUrl, doc);
  await first.focusEnd();
  await first.page.keyboard.insertText('Start.');
  await expect.poll(() => second.blocks()).toEqual(['Start.']);
  await second.expectSaved();

  await first.context.setOffline(true);
  await expect(first.status).toHaveAttribute('data-connection', 'offline');
  await first.focusEnd();
  await first.type(' From tab one.');
  await expect(first.status).toContainText('Offline · changes kept in this browser');
  await Promise.all([first.page.waitForEvent('close'), first.page.close({ runBeforeUnload: true })]);
  await whileOffline();
  await first.context.setOffline(false);
  return second;
}

test('the words typed offline in a tab since closed reach the server through the tab left open', async ({ server, person }) => {
  const doc = 'two-tabs/offline';
  const open = await closedTabTypedOffline(server.url, await person('Alice', '#e11d48'), doc);
  await expect.poll(() => open.blocks()).toEqual(['Start. From tab one.']);
  await open.expectSaved();
  await expect.poll(() => serverText(server.url, doc)).toBe('Start. From tab one.');
  expect(open.errors).toEqual([]);
});

test('and when the document is renamed before the tab left open is back online', async ({ server, person }) => {
  const doc = 'two-tabs/offline-renamed';
  // Renamed by someone else while this browser is offline; the open tab learns it once back.
  const rename = async () => {
    const res = await fetch(`${server.url}/api/docs/${encodeURIComponent(doc)}/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'two-tabs/renamed' }),
    });
    expect(res.status).toBeLessThan(300);
  };
  const open = await closedTabTypedOffline(server.url, await person('Alice', '#e11d48'), doc, rename);
  await expect(open.page).toHaveURL(/two-tabs%2Frenamed/);
  await open.expectSaved();
  await expect.poll(() => serverText(server.url, 'two-tabs/renamed')).toBe('Start. From tab one.');
});
