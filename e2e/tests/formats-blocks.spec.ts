// Tables and task lists between two editors and a viewer: a table inserted from the toolbar, filled with
// Tab, grown by a row, the same cells on both screens; a pasted HTML table keeping its cells; a task list
// from `[ ] ` and from the toolbar, ticked by click and by Ctrl+Enter, and a viewer's box that does nothing.

import { fileURLToPath } from 'node:url';
import type { TestInfo } from '@playwright/test';
import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { axeViolations } from '../fixtures/axe.js';
import { tasks } from '../fixtures/blocks.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-formats-secret-0123456789-0123456789';
test.use({ serverEnv: { AUTH_SECRET: SECRET }, serverScope: 'file' }); // each test has documents of its own

type Role = 'editor' | 'viewer';

/** Opens `team/<doc>` for a person with a token of `role`. */
async function join(server: { url: string }, person: (n: string, c: string) => Promise<EditorPage>, name: string, color: string, role: Role, doc: string): Promise<EditorPage> {
  const token = await mintToken(SECRET, { userId: name.toLowerCase(), name, docs: ['team/*'], role, ttl: '1h' });
  const page = await person(name, color);
  await page.page.goto(`${server.url}/d/${encodeURIComponent(`team/${doc}`)}?token=${token}`);
  await page.expectConnected();
  return page;
}

/** The document's tables as text, row by row, `th:` marking header cells; remote cursors left out. */
const tables = (person: EditorPage) =>
  person.editor.evaluate((el) =>
    [...el.querySelectorAll('table')].map((table) =>
      [...table.querySelectorAll('tr')].map((row) =>
        [...row.children].map((cell) => {
          const clone = cell.cloneNode(true) as HTMLElement;
          for (const c of clone.querySelectorAll('.ProseMirror-yjs-cursor')) c.remove();
          return `${cell.tagName === 'TH' ? 'th:' : ''}${clone.textContent ?? ''}`;
        }),
      ),
    ),
  );

/** A picture for the README: always in the test's output, and in docs/ when TANDEM_DOCS_SCREENSHOTS=1. */
async function picture(person: EditorPage, name: string, testInfo: TestInfo): Promise<void> {
  const layout = person.page.locator('.doc-layout');
  await layout.screenshot({ path: testInfo.outputPath(name) });
  if (process.env.TANDEM_DOCS_SCREENSHOTS === '1') await layout.screenshot({ path: fileURLToPath(new URL(`../../docs/${name}`, import.meta.url)) });
}

/** The table row (from 0) where `page` draws the caret of the person named `name` (the caret layer says its position). */
const cursorRow = (page: EditorPage, name: string) =>
  page.page.evaluate((who) => {
    const cursor = [...document.querySelectorAll<HTMLElement>('.ProseMirror-yjs-cursor')].find((c) => c.textContent?.includes(who));
    if (cursor === undefined || cursor.dataset.pos === undefined) return null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const $pos = (window as any).tandem.view.state.doc.resolve(Number(cursor.dataset.pos));
    for (let depth = $pos.depth; depth > 0; depth--) if ($pos.node(depth).type.name === 'table_row') return $pos.index(depth - 1);
    return null;
  }, name);

test('a table from the toolbar, filled with Tab, grown by a row: the other editor sees the same cells, and edits in two cells converge', async ({ server, person }, testInfo) => {
  test.setTimeout(240_000);
  const alice = await join(server, person, 'Alice', '#e11d48', 'editor', 'table');
  const bob = await join(server, person, 'Bob', '#2563eb', 'editor', 'table');
  await alice.focusEnd();
  await alice.type('Launch plan');
  await alice.page.keyboard.press('Enter');
  await alice.toolbar('insertTable');
  await expect.poll(() => tables(alice)).toEqual([[['th:', 'th:', 'th:'], ['', '', ''], ['', '', '']]]);
  // The table tools show while the caret is in the table; the insert button hides.
  await expect(alice.page.locator('.toolbar [data-command="addRowAfter"]')).toBeVisible();
  await expect(alice.page.locator('.toolbar [data-command="insertTable"]')).toBeHidden();

  for (const [i, text] of ['Task', 'Owner', 'Due', 'Draft', 'Alice', 'Mon', 'Review', 'Bob'].entries()) {
    if (i > 0) await alice.page.keyboard.press('Tab');
    await alice.type(text);
  }
  // Shift+Tab goes back a cell (selecting its text, as Tab does); Tab in the last cell adds a row.
  await alice.page.keyboard.press('Shift+Tab');
  await alice.page.keyboard.press('End');
  await alice.type('!');
  await alice.page.keyboard.press('Tab');
  await alice.page.keyboard.press('Tab');
  await alice.type('Tue');
  await alice.page.keyboard.press('Tab');
  await alice.type('Ship');
  const filled = [
    ['th:Task', 'th:Owner', 'th:Due'],
    ['Draft', 'Alice', 'Mon'],
    ['Review!', 'Bob', 'Tue'],
    ['Ship', '', ''],
  ];
  await expect.poll(() => tables(alice)).toEqual([filled]);
  await alice.toolbar('addRowAfter');
  await expect.poll(() => tables(alice)).toEqual([[...filled, ['', '', '']]]);
  await expect.poll(() => tables(bob)).toEqual([[...filled, ['', '', '']]]);

  // Both type at once, each in a cell of their own (Alice's caret is still in the "Ship" row): the two
  // tables end up the same.
  await bob.editor.locator('tr').nth(4).locator('td').nth(0).click();
  await alice.page.keyboard.press('Tab');
  await Promise.all([alice.type('Friday', 20), bob.type('Party', 20)]);
  const converged = [...filled.slice(0, 3), ['Ship', 'Friday', ''], ['Party', '', '']];
  await expect.poll(() => tables(alice)).toEqual([converged]);
  await expect.poll(() => tables(bob)).toEqual([converged]);
  // Each sees the other's caret in the cell they type in.
  await expect.poll(() => cursorRow(alice, 'Bob')).toBe(4);
  await expect.poll(() => cursorRow(bob, 'Alice')).toBe(3);
  await alice.expectSaved();
  await picture(alice, 'table.png', testInfo);
  // The history view shows the table as it was saved, header row included.
  await alice.page.getByRole('button', { name: 'History' }).click();
  const version = alice.page.getByTestId('history-document');
  await expect(version.locator('th')).toHaveCount(3);
  await expect(version.locator('tr').nth(3).locator('td')).toHaveText(['Ship', 'Friday', '']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('a pasted HTML table (as Google Docs puts it on the clipboard) keeps its cells', async ({ server, person }) => {
  const alice = await join(server, person, 'Alice', '#e11d48', 'editor', 'paste');
  await alice.focusEnd();
  await alice.type('Figures:');
  await alice.page.keyboard.press('Enter');
  const html =
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-42"><div dir="ltr"><table><colgroup><col width="120"><col width="120"></colgroup><tbody>' +
    '<tr><td><p dir="ltr"><span>cell 1</span></p></td><td><p dir="ltr"><span>cell 2</span></p></td></tr>' +
    '<tr><td><p dir="ltr"><span>cell 3</span></p></td><td><p dir="ltr"><span>cell 4</span></p></td></tr></tbody></table></div></b>';
  await alice.paste({ 'text/html': html, 'text/plain': 'cell 1\tcell 2\ncell 3\tcell 4' });
  await expect.poll(() => tables(alice)).toEqual([
    [
      ['cell 1', 'cell 2'],
      ['cell 3', 'cell 4'],
    ],
  ]);
  expect(alice.errors).toEqual([]);
});

test('a task list from "[ ] " and from the toolbar, ticked by click and by Ctrl+Enter; the other editor sees it', async ({ server, person }, testInfo) => {
  test.setTimeout(240_000);
  const alice = await join(server, person, 'Alice', '#e11d48', 'editor', 'tasks');
  const bob = await join(server, person, 'Bob', '#2563eb', 'editor', 'tasks');
  await alice.focusEnd();
  await alice.type('[ ] Book the room');
  await alice.page.keyboard.press('Enter');
  await alice.type('Send invites');
  await expect.poll(() => tasks(alice)).toEqual(['[ ] Book the room', '[ ] Send invites']);
  // Enter on an empty item leaves the list; the toolbar makes the next paragraph a task.
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Enter');
  await alice.type('Order cake');
  await expect(alice.page.locator('.toolbar [data-command="taskList"]')).toHaveAttribute('aria-pressed', 'false');
  await alice.toolbar('taskList');
  await expect(alice.page.locator('.toolbar [data-command="taskList"]')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => tasks(alice)).toEqual(['[ ] Book the room', '[ ] Send invites', '[ ] Order cake']);
  await alice.page.keyboard.press('Enter');
  await alice.type('[x] Pick a date');
  await expect.poll(() => tasks(alice)).toEqual(['[ ] Book the room', '[ ] Send invites', '[ ] Order cake', '[x] Pick a date']);

  // A click on the box; Ctrl+Enter for the caret's item.
  const boxes = alice.editor.getByRole('checkbox', { name: 'Done' });
  await boxes.nth(0).click();
  await alice.editor.getByText('Order cake').click();
  await alice.page.keyboard.press('Control+Enter');
  const ticked = ['[x] Book the room', '[ ] Send invites', '[x] Order cake', '[x] Pick a date'];
  await expect.poll(() => tasks(alice)).toEqual(ticked);
  await expect.poll(() => tasks(bob)).toEqual(ticked);
  await expect(bob.editor.getByRole('checkbox', { name: 'Done' }).nth(0)).toBeChecked();
  // Bob unticks one; Alice sees it.
  await bob.editor.getByRole('checkbox', { name: 'Done' }).nth(3).click();
  const afterBob = ['[x] Book the room', '[ ] Send invites', '[x] Order cake', '[ ] Pick a date'];
  await expect.poll(() => tasks(alice)).toEqual(afterBob);
  await alice.expectSaved();
  await picture(alice, 'task-list.png', testInfo);

  // The history view shows the task list as it was saved (it renders versions with the shared schema).
  await alice.page.getByRole('button', { name: 'History' }).click();
  const version = alice.page.getByTestId('history-document');
  await expect(version.getByRole('checkbox', { name: 'Done' })).toHaveCount(4);
  await expect(version.locator('li.task-item')).toHaveText(['Book the room', 'Send invites', 'Order cake', 'Pick a date']);
  expect(await version.getByRole('checkbox', { name: 'Done' }).evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).checked))).toEqual([true, false, true, false]);

  for (const p of [alice, bob]) expect(p.errors).toEqual([]);
});

test('a viewer sees the task boxes disabled: a click or Ctrl+Enter ticks nothing, here or anywhere', async ({ server, person }) => {
  test.setTimeout(240_000);
  const alice = await join(server, person, 'Alice', '#e11d48', 'editor', 'tasks-viewer');
  await alice.focusEnd();
  await alice.type('[x] Book the room');
  await alice.page.keyboard.press('Enter');
  await alice.type('Send invites');
  const before = ['[x] Book the room', '[ ] Send invites'];
  await expect.poll(() => tasks(alice)).toEqual(before);
  await alice.expectSaved();

  const vic = await join(server, person, 'Vic', '#16a34a', 'viewer', 'tasks-viewer');
  await expect.poll(() => tasks(vic)).toEqual(before);
  const vicBox = vic.editor.getByRole('checkbox', { name: 'Done' }).nth(1);
  await expect(vicBox).toBeDisabled();
  await vicBox.dispatchEvent('click');
  await vicBox.click({ force: true });
  await vic.editor.getByText('Send invites').click();
  await vic.page.keyboard.press('Control+Enter');
  await expect(vicBox).not.toBeChecked();
  // Something Alice does after the viewer's attempts reaches the viewer; the viewer's attempts never reach Alice.
  await alice.editor.getByText('Book the room').click();
  await alice.page.keyboard.press('End');
  await alice.type('!');
  const after = ['[x] Book the room!', '[ ] Send invites'];
  await expect.poll(() => tasks(vic)).toEqual(after);
  expect(await tasks(alice)).toEqual(after);
  // The boxes and a table pass axe, for the editor and for the viewer.
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Enter');
  await alice.toolbar('insertTable');
  await expect(vic.editor.locator('table')).toHaveCount(1);
  expect(await axeViolations(alice.page)).toEqual([]);
  expect(await axeViolations(vic.page)).toEqual([]);
  for (const p of [alice, vic]) expect(p.errors).toEqual([]);
});
