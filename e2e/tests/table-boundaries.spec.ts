// Backspace and Delete beside a table, as in Google Docs: the caret goes into the table's nearest cell (an
// empty line between is removed), nothing is selected or deleted. ProseMirror selected the whole table, so
// that the next key typed wiped every cell (found by a review).

import { blocks } from '../fixtures/blocks.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const row = (...texts: string[]) => texts.map((t) => `table>table_row>table_cell>paragraph:${t}`);

/** "Above", a 2-row table (a header row, then a row of cells) and "Below". */
async function tableBetween(p: EditorPage): Promise<void> {
  await p.focusEnd();
  await p.type('Above');
  await p.page.keyboard.press('Enter');
  await p.toolbar('insertTable');
  for (const [i, text] of ['h1', 'h2', 'h3', 'a', 'b', 'c'].entries()) {
    if (i > 0) await p.page.keyboard.press('Tab');
    await p.type(text);
  }
  await p.page.keyboard.press('Control+End');
  await p.type('Below');
}

const cells = ['table>table_row>table_header>paragraph:h1', 'table>table_row>table_header>paragraph:h2', 'table>table_row>table_header>paragraph:h3', ...row('a', 'b', 'c'), ...row('', '', '')];

test('Backspace at the start of the line after a table goes to its last cell and deletes nothing', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'tables/backspace-after');
  await tableBetween(alice);
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:Above', ...cells, 'paragraph:Below']);
  await alice.caretAt(2, 0); // top-level block 2: "Below" (0 "Above", 1 the table)
  await alice.page.keyboard.press('Backspace');
  await alice.type('X');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:Above', ...cells.slice(0, -1), 'table>table_row>table_cell>paragraph:X', 'paragraph:Below']);
  expect(alice.errors).toEqual([]);
});

test('Backspace on an empty line between a table and text removes the line, the caret in the last cell', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'tables/backspace-empty-line');
  await tableBetween(alice);
  await alice.caretAt(2, 0);
  await alice.page.keyboard.press('Enter');
  await alice.caretAt(2, 0);
  await alice.page.keyboard.press('Backspace');
  await alice.type('X');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:Above', ...cells.slice(0, -1), 'table>table_row>table_cell>paragraph:X', 'paragraph:Below']);
  expect(alice.errors).toEqual([]);
});

test('Delete at the end of the line before a table goes to its first cell and deletes nothing', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'tables/delete-before');
  await tableBetween(alice);
  await alice.caretAt(0, 'Above'.length);
  await alice.page.keyboard.press('Delete');
  await alice.type('X');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:Above', 'table>table_row>table_header>paragraph:Xh1', ...cells.slice(1), 'paragraph:Below']);
  expect(alice.errors).toEqual([]);
});

test('Enter at the start of the first cell of a table at the top of the document adds a line above the table', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'tables/line-above');
  await alice.focusEnd();
  await alice.toolbar('insertTable'); // in place of the empty first line: nothing above the table
  await alice.type('h1');
  await alice.page.keyboard.press('Home');
  await alice.page.keyboard.press('Enter');
  await alice.type('Title');
  await expect.poll(async () => (await blocks(alice)).slice(0, 3)).toEqual(['paragraph:Title', 'table>table_row>table_header>paragraph:h1', 'table>table_row>table_header>paragraph:']);
  // Undo takes the line back.
  await alice.page.keyboard.press('Control+z');
  await expect.poll(async () => (await blocks(alice))[0]).toBe('table>table_row>table_header>paragraph:h1');
  expect(alice.errors).toEqual([]);
});
