import type { Page } from '@playwright/test';
import { axeViolations } from '../fixtures/axe.js';
import { expect, test } from '../fixtures/tandem.js';

/** Creates a document through the API (PUT, Markdown), as another program would. */
async function create(baseUrl: string, doc: string, markdown = `Text of ${doc}`): Promise<void> {
  const res = await fetch(`${baseUrl}/api/docs/${encodeURIComponent(doc)}`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: markdown });
  if (res.status !== 201) throw new Error(`PUT ${doc}: ${res.status} ${await res.text()}`);
}

const listed = (page: Page) => page.locator('.doc-list li > a').allTextContents();

const MARKDOWN = '# Meeting notes\n\n- first point\n- second point\n\nSee [the agenda](https://example.com/agenda).\n';

/** Drags `file` onto the page and drops it, as a person dragging it from their desktop would (a real DataTransfer). */
async function dropFile(page: Page, file: { name: string; type: string; content: string }, { expectZone = true } = {}): Promise<void> {
  const dataTransfer = await page.evaluateHandle(({ name, type, content }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], name, { type }));
    return transfer;
  }, file);
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await page.dispatchEvent('main', 'dragover', { dataTransfer });
  if (expectZone) await expect(page.locator('.drop-zone')).toBeVisible();
  await page.dispatchEvent('main', 'drop', { dataTransfer });
  await expect(page.locator('.drop-zone')).toBeHidden();
}

test.describe('the start page', () => {
  test('search narrows the list, the order can be by name, and each row says who changed it last and when', async ({ server, person }) => {
    for (const doc of ['plans/q3', 'notes/weekly', 'Plans/archive']) await create(server.url, doc);
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, 'alice/draft');
    await alice.focusEnd();
    await alice.type('Hi');
    await alice.expectSaved();

    const page = alice.page;
    await page.goto(server.url);
    // Newest change first: Alice's document, then the API's in reverse order of creation.
    await expect.poll(() => listed(page)).toEqual(['alice/draft', 'Plans/archive', 'notes/weekly', 'plans/q3']);
    const aliceRow = page.locator('.doc-list li', { hasText: 'alice/draft' });
    await expect(aliceRow.locator('.last-editor')).toHaveText('Alice');
    await expect(aliceRow).toContainText('Alice · just now');
    const time = aliceRow.locator('time');
    expect(Date.now() - Date.parse((await time.getAttribute('datetime'))!)).toBeLessThan(120_000);
    await expect(time).toHaveAttribute('title', /\d/);
    await expect(page.locator('.doc-list li', { hasText: 'plans/q3' }).locator('.last-editor')).toHaveText('api');
    // One change (the API's PUT) is "1 change", as Google Docs would say it.
    await expect(page.locator('.doc-list li', { hasText: 'plans/q3' }).locator('.doc-meta')).toHaveText(/ · 1 change$/);

    const search = page.getByRole('searchbox', { name: 'Search documents' });
    await search.fill('PLANS');
    await expect.poll(() => listed(page)).toEqual(['Plans/archive', 'plans/q3']);
    await expect(page.locator('.list-summary')).toHaveText('2 documents matching “PLANS”.');
    await search.fill('nothing like it');
    await expect(page.locator('.doc-list')).toHaveText('No documents match “nothing like it”.');
    await search.fill('');
    await expect.poll(() => listed(page)).toHaveLength(4);

    await page.getByLabel('Sort by').selectOption('name');
    await expect.poll(() => listed(page)).toEqual(['Plans/archive', 'alice/draft', 'notes/weekly', 'plans/q3']);
    expect(alice.errors).toEqual([]);
  });

  test('pages through more documents than one page holds, with the keyboard', async ({ server, person }) => {
    test.setTimeout(90_000);
    const names = Array.from({ length: 31 }, (_, i) => `paged/doc-${String(i).padStart(2, '0')}`);
    for (const doc of names) await create(server.url, doc); // in order: the last created is the newest
    const alice = await person('Alice', '#e11d48');
    const page = alice.page;
    await page.goto(server.url);
    await expect.poll(() => listed(page)).toHaveLength(25);
    const first = await listed(page);
    expect(first[0]).toBe('paged/doc-30');
    // Newest change first, all the way down the page.
    const times = (await page.locator('.doc-list time').evaluateAll((els) => els.map((el) => Date.parse(el.getAttribute('datetime')!))));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const pager = page.getByRole('navigation', { name: 'Pages of documents' });
    await expect(pager.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await pager.getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await listed(page)).length).toBe(6);
    await expect(pager).toContainText('Page 2');
    expect(await axeViolations(page)).toEqual([]);
    await expect(pager.getByRole('button', { name: 'Next' })).toBeDisabled();
    // Focus is not lost with the disabled button: it moved to Previous.
    await expect(pager.getByRole('button', { name: 'Previous' })).toBeFocused();
    // Each document on exactly one of the two pages.
    expect([...first, ...(await listed(page))].sort()).toEqual(names);
    await page.keyboard.press('Enter');
    await expect.poll(() => listed(page)).toEqual(first);
    await expect(pager).toContainText('Page 1');

    // Searching starts again at the first page, and pages inside the matches.
    await page.getByRole('searchbox', { name: 'Search documents' }).fill('doc-1');
    await expect.poll(async () => (await listed(page)).sort()).toEqual(names.filter((n) => n.includes('doc-1')));
    await expect(pager).toBeHidden();
    expect(alice.errors).toEqual([]);
  });

  test('a Markdown file dropped on the page becomes a document with its headings, lists and links', async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const page = alice.page;
    await page.goto(server.url);
    await expect(page.getByText('No documents yet')).toBeVisible();
    await dropFile(page, { name: 'Meeting notes.md', type: 'text/markdown', content: MARKDOWN });
    const name = page.getByLabel('Name of the new document');
    await expect(name).toHaveValue('Meeting notes');
    await expect(name).toBeFocused();
    // The import form, the search and sort controls pass the accessibility scan too.
    expect(await axeViolations(page)).toEqual([]);
    await name.fill('team/Meeting notes');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page).toHaveURL(`${server.url}/d/team%2FMeeting%20notes`);
    await alice.expectConnected();
    await expect(alice.editor.locator('h1')).toHaveText('Meeting notes');
    await expect.poll(() => alice.texts('ul > li')).toEqual(['first point', 'second point']);
    await expect(alice.editor.locator('a[href="https://example.com/agenda"]')).toHaveText('the agenda');

    // Back on the start page, the new document is listed.
    await page.goto(server.url);
    await expect.poll(() => listed(page)).toEqual(['team/Meeting notes']);
    expect(alice.errors).toEqual([]);
  });

  test('the Import file button imports HTML; a name in use is said so and can be changed', async ({ server, person }) => {
    await create(server.url, 'report', 'Already here');
    const alice = await person('Alice', '#e11d48');
    const page = alice.page;
    await page.goto(server.url);
    await expect.poll(() => listed(page)).toEqual(['report']);
    // From the keyboard: the button opens the file chooser.
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import file…' }).focus();
    await page.keyboard.press('Enter');
    const html = '<h2>Quarterly report</h2><ol><li>Revenue</li><li>Costs</li></ol><p>Details on <a href="https://example.com/q">the wiki</a>.</p>';
    await (await chooser).setFiles({ name: 'report.html', mimeType: 'text/html', buffer: Buffer.from(html) });
    const name = page.getByLabel('Name of the new document');
    await expect(name).toHaveValue('report');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toHaveText('A document named “report” exists already: choose another name.');
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toBeFocused();
    await name.fill('report//2025/');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(`${server.url}/d/report%2F2025`);
    await alice.expectConnected();
    await expect(alice.editor.locator('h2')).toHaveText('Quarterly report');
    await expect.poll(() => alice.texts('ol > li')).toEqual(['Revenue', 'Costs']);
    await expect(alice.editor.locator('a[href="https://example.com/q"]')).toHaveText('the wiki');
    // The browser logs the refused PUT itself; nothing else went wrong.
    expect(alice.errors.filter((e) => !e.includes('409 (Conflict)'))).toEqual([]);
  });

  test.describe('with a small body limit', () => {
    test.use({ serverEnv: { MAX_MESSAGE_BYTES: '2048' } });

    test('a file of another kind or too large for the server gets a clear message, and nothing is created', async ({ server, person }) => {
      const alice = await person('Alice', '#e11d48');
      const page = alice.page;
      await page.goto(server.url);
      await expect(page.getByText('No documents yet')).toBeVisible();
      await dropFile(page, { name: 'photo.png', type: 'image/png', content: 'not text' });
      await expect(page.getByRole('alert')).toHaveText('“photo.png” is not a Markdown or HTML file: import a .md, .markdown, .html or .htm file.');
      await expect(page.getByLabel('Name of the new document')).toBeHidden();

      await dropFile(page, { name: 'big.md', type: 'text/markdown', content: `# Big\n\n${'word '.repeat(1000)}` });
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await expect(page.getByRole('alert')).toContainText('“big.md” is too large for this server');
      await expect(page.getByRole('alert')).toContainText('2048 bytes');
      expect(page.url()).toBe(`${server.url}/`);
      expect((await fetch(`${server.url}/api/docs/big`)).status).toBe(404);
    });
  });
});
