// Two people changing a table's shape at the same moment (a column added while the other, offline, adds a
// row) left the new row a cell short, the same for everyone; then both typing in it each added the missing
// cell, a row of five in a table of four with text under the wrong column (an exploratory run). The short row
// is now repaired as soon as the crossing arrives, on every page, and the repairs two pages made of one row
// at once are trimmed to one (formats/tables.ts trimRepeatedRepairs).

import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Each table row's cells' text, as the page's editor holds them. */
const rows = (p: EditorPage) =>
  p.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: import('prosemirror-view').EditorView } }).tandem;
    const out: string[][] = [];
    view.state.doc.descendants((node) => {
      if (node.type.name !== 'table_row') return true;
      const cells: string[] = [];
      node.forEach((c) => cells.push(c.textContent));
      out.push(cells);
      return false;
    });
    return out;
  });

/** The cells of the table's last row in the shared document (Yjs), deleted ones left out. */
const sharedLastRow = (p: EditorPage) =>
  p.page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const frag = (window as any).tandem.doc.getXmlFragment('prosemirror');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const table = frag.toArray().find((e: any) => e.nodeName === 'table');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return table.toArray().at(-1).toArray().map((cell: any) => cell.toString().replace(/<[^>]*>/g, ''));
  });

test('a column added while the other adds a row: the new row gets its missing cell once, and both typing in it keep their columns', async ({ pair }) => {
  const { alice, bob } = await pair('tables/shape-at-once');
  await alice.focusEnd();
  await alice.toolbar('insertTable');
  for (const [i, text] of ['h1', 'h2', 'h3', 'a', 'b', 'c', 'd', 'e', 'f'].entries()) {
    if (i > 0) await alice.page.keyboard.press('Tab');
    await alice.type(text);
  }
  await expect.poll(() => rows(bob)).toEqual([['h1', 'h2', 'h3'], ['a', 'b', 'c'], ['d', 'e', 'f']]);
  await bob.goOffline();
  await bob.caretInTextblock(8, 1); // f|
  await bob.toolbar('addRowAfter');
  await alice.caretInTextblock(4, 1); // b|
  await alice.toolbar('addColumnAfter');
  await alice.expectSaved();
  await bob.context.setOffline(false);
  await bob.expectSaved();
  const whole = [['h1', 'h2', '', 'h3'], ['a', 'b', '', 'c'], ['d', 'e', '', 'f'], ['', '', '', '']];
  await expect.poll(() => rows(alice)).toEqual(whole);
  await expect.poll(() => rows(bob)).toEqual(whole);
  // In the shared document too, not only on screen.
  await expect.poll(() => sharedLastRow(alice)).toEqual(['', '', '', '']);
  await alice.expectSaved();
  await bob.expectSaved();
  // Both type in the new row at the same moment (Bob offline again).
  await bob.goOffline();
  await bob.caretInTextblock(12, 0);
  await bob.type('B');
  await alice.caretInTextblock(13, 0);
  await alice.type('A');
  await alice.expectSaved();
  await bob.context.setOffline(false);
  await bob.expectSaved();
  const typed = [...whole.slice(0, 3), ['B', 'A', '', '']];
  await expect.poll(() => rows(alice)).toEqual(typed);
  await expect.poll(() => rows(bob)).toEqual(typed);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
