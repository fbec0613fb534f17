// Table commands on plain editor states: inserting a table, and Tab / Shift+Tab between its cells.

import type { EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { p, run, stateAt } from './test-states.js';
import { tabCommand } from '../tab-key.js';
import { changedTables, createTable, insertTable, tablesTouched, tableTab } from './tables.js';
import { EditorState as State } from 'prosemirror-state';

const { nodes } = schema;

/** Each table cell's text, `*` marking the one holding the caret. */
function cells(state: EditorState): string[][] {
  const rows: string[][] = [];
  const { from } = state.selection;
  state.doc.descendants((node, pos) => {
    if (node.type === nodes.table_row) {
      const row: string[] = [];
      node.forEach((cell, offset) => {
        const start = pos + 1 + offset;
        const here = from > start && from < start + cell.nodeSize;
        row.push(`${cell.textContent}${here ? '*' : ''}`);
      });
      rows.push(row);
      return false;
    }
    return true;
  });
  return rows;
}

describe('inserting a table', () => {
  it('puts a 3×3 table with a header row in place of an empty paragraph, a paragraph after it, the caret in the first cell', () => {
    const { ok, next } = run(stateAt([p('Title'), p()], ''), insertTable);
    expect(ok).toBe(true);
    expect(next.doc.content.content.map((n) => n.type.name)).toEqual(['paragraph', 'table', 'paragraph']);
    const table = next.doc.child(1);
    expect(table.childCount).toBe(3);
    expect(table.child(0).content.content.map((c) => c.type.name)).toEqual(['table_header', 'table_header', 'table_header']);
    expect(table.child(1).content.content.map((c) => c.type.name)).toEqual(['table_cell', 'table_cell', 'table_cell']);
    expect(cells(next)[0]).toEqual(['*', '', '']);
  });

  it('goes after a paragraph with text, keeping it; not inside a table', () => {
    const { next } = run(stateAt([p('Title')], 'Title'), insertTable);
    expect(next.doc.content.content.map((n) => n.type.name)).toEqual(['paragraph', 'table', 'paragraph']);
    expect(next.doc.child(0).textContent).toBe('Title');
    expect(insertTable(next)).toBe(false);
  });
});

describe('Tab in a table', () => {
  const grid = (texts: string[][]) =>
    nodes.table!.create(
      null,
      texts.map((row, r) => nodes.table_row!.create(null, row.map((text) => (r === 0 ? nodes.table_header : nodes.table_cell)!.create(null, p(text))))),
    );

  it('goes to the next cell, and back with Shift+Tab', () => {
    const state = stateAt([grid([['a', 'b'], ['c', 'd']])], 'a');
    const forward = run(state, tabCommand(false)).next;
    expect(cells(forward)).toEqual([['a', 'b*'], ['c', 'd']]);
    const back = run(forward, tabCommand(true)).next;
    expect(cells(back)).toEqual([['a*', 'b'], ['c', 'd']]);
  });

  it('adds a row after the last cell and goes to its first cell; Shift+Tab in the first cell stays', () => {
    const { ok, next } = run(stateAt([grid([['a', 'b'], ['c', 'd']]), p()], 'd'), tableTab(false));
    expect(ok).toBe(true);
    expect(cells(next)).toEqual([['a', 'b'], ['c', 'd'], ['*', '']]);
    const first = stateAt([grid([['a', 'b']])], 'a');
    const stay = run(first, tabCommand(true));
    expect(stay.ok).toBe(true);
    expect(stay.next.doc.eq(first.doc)).toBe(true);
  });

  it('indents a list item inside a cell (the innermost of list and cell decides)', () => {
    const list = nodes.bullet_list!.create(null, [nodes.list_item!.create(null, p('one')), nodes.list_item!.create(null, p('two'))]);
    const inCell = nodes.table!.create(null, nodes.table_row!.create(null, [nodes.table_cell!.create(null, list), nodes.table_cell!.create(null, p('x'))]));
    const { next } = run(stateAt([inCell], 'two'), tabCommand(false));
    expect(next.doc.child(0).child(0).child(0).child(0).child(0).childCount).toBe(2);
    expect(cells(next)[0]![0]).toBe('onetwo*');
  });
});

describe('inserting a table in a list item', () => {
  it('goes after the item’s paragraph, inside the item', () => {
    const list = nodes.bullet_list!.create(null, nodes.list_item!.create(null, p('item')));
    const { ok, next } = run(stateAt([list], 'item'), insertTable);
    expect(ok).toBe(true);
    expect(next.doc.child(0).child(0).content.content.map((n) => n.type.name)).toEqual(['paragraph', 'table', 'paragraph']);
  });
});

describe('the tables an edit touched, from its steps', () => {
  const doc = nodes.doc!.create(null, [
    p('first'),
    createTable(2, 2),
    ...Array.from({ length: 50 }, (_, i) => p(`line ${i}`)),
    nodes.bullet_list!.create(null, [nodes.list_item!.create(null, [p('item'), createTable(2, 3)])]),
    p('last'),
  ]);
  const state = State.create({ schema, doc });
  const tablePositions: number[] = [];
  doc.descendants((node, pos) => void (node.type.name === 'table' && tablePositions.push(pos)));
  const [first, nested] = tablePositions as [number, number];
  const inCell = (table: number) => table + 4; // table, row, cell, paragraph
  const edits: Array<[string, (s: EditorState) => ReturnType<EditorState['tr']['insertText']>]> = [
    ['typing in a paragraph', (s) => s.tr.insertText('x', 3)],
    ['typing in the first table', (s) => s.tr.insertText('x', inCell(first))],
    ['typing in the table in a list item', (s) => s.tr.insertText('x', inCell(nested))],
    ['a table inserted after the first line', (s) => s.tr.insert(7, createTable(1, 2))],
    ['the first table deleted', (s) => s.tr.delete(first, first + s.doc.nodeAt(first)!.nodeSize)],
    ['a cell’s markup changed', (s) => s.tr.setNodeMarkup(first + 2, null, { colspan: 1, rowspan: 1, colwidth: [80] })],
    ['a row added to the nested table', (s) => s.tr.insert(nested + 1, (s.doc.nodeAt(nested)!.firstChild!))],
    ['text typed, then a table inserted, in two transactions', (s) => s.tr.insertText('x', inCell(first)).insert(3, createTable(1, 1))],
  ];
  const changedCount = [0, 1, 1, 1, 0, 1, 1, 2];
  it.each(edits.map(([name, edit], i) => [name, edit, changedCount[i]!] as const))('finds every table changed by %s', (_name, edit, count) => {
    const tr = edit(state);
    const next = state.apply(tr);
    const touched = tablesTouched([tr], next.doc);
    expect(touched).not.toBeNull();
    const changed = changedTables(state.doc, next.doc);
    expect(changed).toHaveLength(count);
    for (const table of changed) expect(touched).toContain(table);
  });
  it('finds nothing for typing away from tables, and is unsure of a change its map does not show', () => {
    expect(tablesTouched([state.tr.insertText('x', 3)], state.apply(state.tr.insertText('x', 3)).doc)).toEqual([]);
    const attrs = state.tr.setNodeAttribute(first + 2, 'colspan', 2);
    expect(tablesTouched([attrs], state.apply(attrs).doc)).toBeNull();
  });
});
