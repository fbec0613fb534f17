// A document stored before the update gate checked table spans (or written straight to the log) may hold
// a cell whose colspan is 1e308, "abc" or -5, or a valid but absurd grid (1 000 cells each 1 000 columns
// wide above 1 000 one-cell rows: prosemirror-tables' TableMap allocates width × height). Whoever opens it
// (an editor, a viewer, the history view) gets a page that works, the spans read as a browser reads them,
// and the shared document is not rewritten because someone looked at it. The same for any attribute value
// ProseMirror's `validate` refuses (a heading level "abc"), which y-prosemirror deleted from the document.

import * as Y from 'yjs';
import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, type TandemServer, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-secret-0123456789-0123456789-0123';
test.use({ serverEnv: { AUTH_SECRET: SECRET } });

const DOC = 'hostile/spans';

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

/** A table cell holding one paragraph, its attributes set as any Yjs client could (any value, any type). */
function cell(text: string, attrs: Record<string, unknown> = {}): Y.XmlElement {
  const c = new Y.XmlElement('table_cell');
  for (const [key, value] of Object.entries(attrs)) c.setAttribute(key, value as string);
  c.insert(0, [paragraph(text)]);
  return c;
}

function row(cells: Y.XmlElement[]): Y.XmlElement {
  const r = new Y.XmlElement('table_row');
  r.insert(0, cells);
  return r;
}

function table(rows: Y.XmlElement[]): Y.XmlElement {
  const t = new Y.XmlElement('table');
  t.insert(0, rows);
  return t;
}

/** Above the tables, a table of nonsense spans, an absurd grid of valid ones, below the tables. */
function hostileDocument(): Y.Doc {
  const ydoc = new Y.Doc();
  const nonsense = table([
    row([cell('wide', { colspan: 1e308 }), cell('letters', { colspan: 'abc' }), cell('negative', { colspan: -5 })]),
    row([cell('tall', { rowspan: 1e308 }), cell('plain'), cell('fraction', { colspan: 2.5, rowspan: 0 })]),
  ]);
  const grid = table([
    row(Array.from({ length: 1000 }, (_, i) => cell(`merged ${i}`, { colspan: 1000 }))),
    ...Array.from({ length: 1000 }, (_, i) => row([cell(`alone ${i}`)])),
  ]);
  ydoc.getXmlFragment('prosemirror').insert(0, [paragraph('Above the tables.'), nonsense, grid, paragraph('Below the tables.')]);
  return ydoc;
}

const link = (base: string, token: string) => `${base}/d/${encodeURIComponent(DOC)}?token=${token}`;

/** The seq of the document's last stored update, and the document at it, as the server holds them. */
async function stored(base: string, token: string): Promise<{ seq: number; fragment: Y.XmlFragment }> {
  const api = (path: string) => fetch(`${base}/api/docs/${encodeURIComponent(DOC)}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const seq = Number(((await (await api('')).json()) as { lastSeq: number }).lastSeq);
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, new Uint8Array(await (await api(`/versions/${seq}?format=yjs`)).arrayBuffer()));
  return { seq, fragment: ydoc.getXmlFragment('prosemirror') };
}

/** Stores `seeded` straight to the log, as a document written before anything checked it, and opens it as Alice, an editor. */
async function openStored(server: TandemServer, person: (name: string, color: string) => Promise<EditorPage>, seeded: Y.Doc) {
  await server.storeDirectly(DOC, Y.encodeStateAsUpdate(seeded));
  const token = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['hostile/*'], role: 'editor', ttl: '1h' });
  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(link(server.url, token));
  await alice.expectConnected();
  return { alice, token };
}

/**
 * Once the page has settled: opening it stored nothing; then text typed at the document's end is saved
 * into its last block (`last`), and the stored blocks `kept` are as `seeded` held them.
 */
async function typingAtTheEndKeeps(base: string, alice: EditorPage, token: string, seeded: Y.Doc, kept: number[], last: string): Promise<void> {
  await alice.expectSaved();
  expect((await stored(base, token)).seq).toBe(1);
  const blocks = seeded.getXmlFragment('prosemirror').toArray();
  await alice.focusEnd();
  await alice.type(' Typed after.');
  await alice.expectSaved();
  const after = (await stored(base, token)).fragment;
  expect(kept.map((i) => after.get(i).toString())).toEqual(kept.map((i) => blocks[i]!.toString()));
  expect(after.get(blocks.length - 1).toString()).toContain(`${last} Typed after.`);
}

test('a document whose tables have hostile or absurd spans opens for an editor and a viewer, and opening it rewrites nothing', async ({ server, person }) => {
  test.slow(); // two people open a table of 2 000 cells on a loaded machine
  const seeded = hostileDocument();
  const { alice, token: editorToken } = await openStored(server, person, seeded);
  const vic = await person('Vic', '#16a34a');
  const viewerToken = await mintToken(SECRET, { userId: 'vic', name: 'Vic', docs: ['hostile/*'], role: 'viewer', ttl: '1h' });

  // Shown, every cell of both tables with its text; a span is at most what a browser reads (1 000 columns).
  await expect(alice.editor.locator(':scope > p').first()).toHaveText('Above the tables.', { timeout: 30_000 });
  await expect(alice.editor.locator('td')).toHaveCount(2006);
  await expect(alice.editor.locator('td', { hasText: 'letters' })).toBeVisible();
  await expect(alice.editor.locator('td', { hasText: 'alone 999' })).toBeAttached();
  const spans = await alice.editor.locator('td').evaluateAll((cells) => cells.map((c) => [(c as HTMLTableCellElement).colSpan, (c as HTMLTableCellElement).rowSpan]));
  expect(spans.every(([colspan, rowspan]) => colspan! >= 1 && colspan! <= 1000 && rowspan! >= 0 && rowspan! <= 65534)).toBe(true);
  // Opening the document stored nothing (no cells added to "repair" a ragged grid, no span rewritten);
  // typing in a paragraph works and is saved, and the tables in the shared document are as they were.
  await typingAtTheEndKeeps(server.url, alice, editorToken, seeded, [1, 2], 'Below the tables.');

  // Typing in the table of nonsense spans (read as 1 000 columns over a row of four) is saved without
  // prosemirror-tables' "repair" filling the short row with 998 empty cells. (The cell of 1 000 columns
  // covers the others where Playwright would click: the click is forced.)
  await alice.editor.locator('td', { hasText: 'negative' }).click({ force: true });
  await alice.type('edited');
  await alice.expectSaved();
  const edited = (await stored(server.url, editorToken)).fragment.get(1) as Y.XmlElement;
  expect(edited.toArray().map((r) => (r as Y.XmlElement).length)).toEqual([3, 3]);
  expect(edited.toString()).toContain('edited');

  // A viewer sees it too, the typing included.
  await vic.page.goto(link(server.url, viewerToken));
  await vic.expectConnected();
  await expect.poll(async () => (await vic.texts(':scope > p')).at(-1), { timeout: 30_000 }).toBe('Below the tables. Typed after.');
  await expect(vic.editor.locator('td', { hasText: 'wide' })).toBeVisible();
  await expect(vic.editor.locator('td')).toHaveCount(2006);

  // The history view shows the stored version (its JSON read through the same schema).
  await alice.page.getByRole('button', { name: 'History' }).click();
  const history = alice.page.getByTestId('history-document');
  await expect(history).toHaveAttribute('data-seq', /\d+/, { timeout: 30_000 });
  await expect(history.locator('td', { hasText: 'wide' })).toBeVisible();
  await expect(alice.page.getByTestId('history-version')).not.toContainText('Could not load');
  // Scrubbed to the stored version itself (seq 1).
  await alice.page.getByTestId('history-slider').fill('1');
  await expect(history).toHaveAttribute('data-seq', '1');
  await expect(history.locator('td', { hasText: 'fraction' })).toBeVisible();
  // The server's version left out the cell of colspan "abc" (y-prosemirror could not make it).
  await expect(history.locator('td', { hasText: 'letters' })).toBeVisible();
  await expect(history.locator('td')).toHaveCount(2006);
  await expect(alice.page.getByTestId('history-version')).not.toContainText('Could not load');

  expect(alice.errors).toEqual([]);
  expect(vic.errors).toEqual([]);
});

test('a ragged table (a row short of cells) is shown as stored: opening it adds no cells to the shared document', async ({ server, person }) => {
  // prosemirror-tables "repairs" such a table as soon as it sees it; done by every opener, the cells were
  // added for everyone, once more by each person who opened it at the same time.
  const seeded = new Y.Doc();
  const ragged = table([row([cell('a1'), cell('b1'), cell('c1')]), row([cell('a2')]), row([cell('a3', { rowspan: 5 }), cell('b3')])]);
  seeded.getXmlFragment('prosemirror').insert(0, [paragraph('Above.'), ragged, paragraph('Below.')]);
  const { alice, token } = await openStored(server, person, seeded);
  await expect(alice.editor.locator('td')).toHaveCount(6);
  await typingAtTheEndKeeps(server.url, alice, token, seeded, [1], 'Below.');
  expect(alice.errors).toEqual([]);
});

test('a heading of level "abc", a task checked "yes", a list starting at "3" and a link to 5 are shown, not deleted by whoever opens them', async ({ server, person }) => {
  // ProseMirror's `validate` refuses each of these values, and y-prosemirror deleted from the shared
  // document the element (for the link, the whole text) it could not read: opening the document removed it
  // for everyone. The editor reads them as the attribute's default (a link's address as text).
  const seeded = new Y.Doc();
  const heading = new Y.XmlElement('heading');
  heading.setAttribute('level', 'abc');
  heading.insert(0, [new Y.XmlText('Odd heading')]);
  const item = new Y.XmlElement('task_item');
  item.setAttribute('checked', 'yes');
  item.insert(0, [paragraph('Odd task')]);
  const tasks = new Y.XmlElement('task_list');
  tasks.insert(0, [item]);
  const listItem = new Y.XmlElement('list_item');
  listItem.insert(0, [paragraph('Odd number')]);
  const list = new Y.XmlElement('ordered_list');
  list.setAttribute('order', '3');
  list.insert(0, [listItem]);
  const linked = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  linked.insert(0, [text]);
  text.insert(0, 'Odd link', { link: { href: 5, title: null } });
  seeded.getXmlFragment('prosemirror').insert(0, [heading, tasks, list, linked, paragraph('Below.')]);
  const { alice, token } = await openStored(server, person, seeded);
  await expect.poll(() => alice.text()).toBe('Odd heading\nOdd task\nOdd number\nOdd link\nBelow.');
  await typingAtTheEndKeeps(server.url, alice, token, seeded, [0, 1, 2, 3], 'Below.');
  expect(alice.errors).toEqual([]);
});
