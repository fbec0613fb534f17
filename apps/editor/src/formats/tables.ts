// Tables in the editor: prosemirror-tables' editing plugin (cell selection, arrow keys, pasting cells),
// a toolbar button that inserts a 3×3 table with a header row, table tools shown while the caret is in a
// table, and Tab / Shift+Tab from cell to cell (tab-key.ts asks tableTab), a new row after the last cell;
// Backspace and Delete beside a table go into it, Enter at the start of a first table adds a line above
// it (table-boundaries.ts).

import { gridBound } from '@tandem/schema/table-spans';
import { keymap } from 'prosemirror-keymap';
import type { Node } from 'prosemirror-model';
import { type Command, Plugin, TextSelection, type Transaction } from 'prosemirror-state';
import { addColumnAfter, addRowAfter, deleteColumn, deleteRow, deleteTable, goToNextCell, isInTable, selectionCell, TableMap, tableEditing } from 'prosemirror-tables';
import { ySyncPluginKey } from 'y-prosemirror';
import { changedRanges, rangeEnds } from '../changed-ranges.js';
import { schema } from '../schema.js';
import type { ToolbarButton } from '../toolbar.js';
import { MAX_EDITOR_GRID } from './stored-spans.js';
import { backspaceAfterTable, deleteBeforeTable, enterAboveTable } from './table-boundaries.js';

const { nodes } = schema;

/** A table of `rows` × `cols` empty cells, the first row header cells. */
export function createTable(rows: number, cols: number): Node {
  const cells = (type: typeof nodes.table_cell) => Array.from({ length: cols }, () => type!.createAndFill()!);
  return nodes.table!.create(
    null,
    Array.from({ length: rows }, (_, r) => nodes.table_row!.create(null, cells(r === 0 ? nodes.table_header : nodes.table_cell))),
  );
}

/**
 * A 3×3 table with a header row: in place of an empty paragraph, else after the caret's block, with a
 * paragraph after it when nothing follows (somewhere to go on typing); the caret in its first cell.
 */
export const insertTable: Command = (state, dispatch) => {
  if (isInTable(state)) return false;
  const { $from } = state.selection;
  if (!$from.parent.isTextblock) return false;
  const depth = $from.depth;
  const table = createTable(3, 3);
  const empty = $from.parent.content.size === 0 && $from.parent.type === nodes.paragraph;
  const at = empty ? $from.before(depth) : $from.after(depth);
  const container = $from.node(depth - 1);
  const index = $from.index(depth - 1);
  if (!(empty ? container.canReplaceWith(index, index + 1, nodes.table!) : container.canReplaceWith(index + 1, index + 1, nodes.table!))) return false;
  if (dispatch) {
    const tr = empty ? state.tr.replaceWith(at, at + $from.parent.nodeSize, table) : state.tr.insert(at, table);
    const after = at + table.nodeSize;
    if (tr.doc.resolve(after).nodeAfter === null) tr.insert(after, nodes.paragraph!.create());
    dispatch(tr.setSelection(TextSelection.near(tr.doc.resolve(at + 3))).scrollIntoView());
  }
  return true;
};

/** Tab / Shift+Tab in a table: the next or previous cell; Tab in the last cell adds a row and goes there. */
export const tableTab =
  (outdent: boolean): Command =>
  (state, dispatch, view) => {
    if (goToNextCell(outdent ? -1 : 1)(state, dispatch, view)) return true;
    if (outdent) return true;
    // selectionCell resolves to just before the cell, inside its row: after() is the row's end.
    const rowEnd = selectionCell(state).after();
    let added: Transaction | undefined;
    if (!addRowAfter(state, (tr) => (added = tr)) || added === undefined) return true;
    const start = added.mapping.map(rowEnd, -1);
    dispatch?.(added.setSelection(TextSelection.near(added.doc.resolve(start + 2))).scrollIntoView());
    return true;
  };

/** Whether the caret sits in a table cell deeper than any list item (so Tab means "next cell"). */
export function caretInCell(state: Parameters<Command>[0]): boolean {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) {
    const role = $from.node(d).type.spec.tableRole as string | undefined;
    if (role === 'cell' || role === 'header_cell') return true;
    if ($from.node(d).type === nodes.list_item || $from.node(d).type === nodes.task_item) return false;
  }
  return false;
}

/** The tables of `doc` that are not in `old` (prosemirror-tables' changedDescendants, tables only). */
export function changedTables(old: Node, doc: Node): Node[] {
  const found: Node[] = [];
  const walk = (before: Node, after: Node) => {
    outer: for (let i = 0, j = 0; i < after.childCount; i++) {
      const child = after.child(i);
      for (let scan = j, end = Math.min(before.childCount, i + 3); scan < end; scan++) {
        if (before.child(scan) === child) {
          j = scan + 1;
          continue outer;
        }
      }
      if (child.type.spec.tableRole === 'table') found.push(child);
      if (j < before.childCount && before.child(j).sameMarkup(child)) walk(before.child(j), child);
      else child.descendants((n) => (n.type.spec.tableRole === 'table' ? void found.push(n) : true));
    }
  };
  walk(old, doc);
  return found;
}

/**
 * The tables of `doc` around what `transactions` changed (those holding or touching a changed range), found
 * from their steps' maps rather than by comparing every block; null when a step changed something its map does
 * not show (a node's attributes), for the caller to compare the documents instead.
 */
export function tablesTouched(transactions: readonly Transaction[], doc: Node): Node[] | null {
  const ranges = changedRanges(transactions, { strict: true });
  if (ranges === null) return null;
  const found = new Set<Node>();
  const isTable = (node: Node) => node.type.spec.tableRole === 'table';
  for (const [from, to] of ranges) {
    const ends = rangeEnds(doc, from, to);
    for (const $p of ends) for (let d = $p.depth; d > 0; d--) if (isTable($p.node(d))) found.add($p.node(d));
    if (ends.length === 1) continue; // within one textblock: its tables are its ancestors
    // The top-level blocks the range reaches, and the tables in them within it.
    const $from = ends[0]!;
    let pos = $from.depth > 0 ? $from.before(1) : from;
    for (let i = $from.index(0); i < doc.childCount && pos <= to; i++) {
      const child = doc.child(i);
      if (isTable(child)) found.add(child);
      child.nodesBetween(Math.max(0, from - pos - 1), Math.max(0, Math.min(child.content.size, to - pos - 1)), (node) => {
        if (isTable(node)) found.add(node);
        return !node.isTextblock;
      });
      pos += child.nodeSize;
    }
  }
  return [...found];
}

/**
 * Whether prosemirror-tables' repair of `table` would add more cells than the table holds: a row of one
 * cell 1 000 columns wide over a row of three is not mended by 998 empty cells.
 */
function repairFloods(table: Node): boolean {
  if (gridBound(table) > MAX_EDITOR_GRID) return true;
  let cells = 0;
  table.forEach((row) => (cells += row.childCount));
  let added = 0;
  for (const problem of TableMap.get(table).problems ?? []) {
    if (problem.type === 'missing' || problem.type === 'collision') added += problem.n;
  }
  return added > cells;
}

/**
 * prosemirror-tables' editing plugin, whose appendTransaction "repairs" a ragged table (cells added, spans
 * cut) whenever a table changes, except that it leaves alone what came from the shared document: a stored
 * table is shown as it is, not rewritten for everyone because someone opened it (each person who opened it
 * at once added the same cells again). A table whose repair would more than double it (repairFloods) is
 * not repaired on an edit either; nor one too big to map (shown unmerged, see stored-spans.ts): a thousand
 * one-cell rows under a row of a thousand cells would have a million added.
 */
function tableEditingOfShared(): Plugin {
  const plugin = tableEditing();
  const repair = plugin.spec.appendTransaction!;
  return new Plugin({
    ...plugin.spec,
    appendTransaction(transactions, oldState, state) {
      const fromShared = transactions.every((tr) => (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true);
      if (!fromShared && oldState.doc !== state.doc) {
        // This page's own edit: only the tables around what it changed (a walk of every block was half a
        // millisecond of each key in a 10 000-paragraph document; bench:editor's profile).
        const touched = tablesTouched(transactions, state.doc) ?? changedTables(oldState.doc, state.doc);
        // Told that no document changed (fixTables compares the two states'), it still makes a selection across
        // cells a cell selection, and repairs nothing; so too where no table changed.
        return repair.call(plugin, transactions, touched.length === 0 || touched.some(repairFloods) ? state : oldState, state);
      }
      // A change from elsewhere is shown as it is; no document changed: a selection across cells becomes a cell
      // selection. (Repairing a row a change from elsewhere left short, on every page at once, and trimming the
      // cells two pages added, was tried and taken out again: a review found the trim took away a column added
      // while the other added rows, which widths alone cannot tell from a repeated repair.)
      return repair.call(plugin, transactions, state, state);
    },
  });
}

export function tablePlugins(): Plugin[] {
  // Backspace and Delete beside a table move into it rather than select it whole; Enter at the start of a
  // table at the top adds a line above it (table-boundaries.ts).
  return [keymap({ Backspace: backspaceAfterTable, 'Mod-Backspace': backspaceAfterTable, Delete: deleteBeforeTable, 'Mod-Delete': deleteBeforeTable, Enter: enterAboveTable }), tableEditingOfShared()];
}

const whileInTable = (state: Parameters<Command>[0]) => isInTable(state);

/** Insert a table; then, only while the caret is in one, rows, columns and the table itself. */
export const tableButtons: ToolbarButton[] = [
  { command: 'insertTable', run: insertTable, label: '▦', name: 'Insert table', visible: (s) => !isInTable(s) },
  { command: 'addRowAfter', run: addRowAfter, label: 'Add row', name: 'Add row below', visible: whileInTable, contextual: true },
  { command: 'addColumnAfter', run: addColumnAfter, label: 'Add column', name: 'Add column right', visible: whileInTable, contextual: true },
  { command: 'deleteRow', run: deleteRow, label: 'Delete row', name: 'Delete row', visible: whileInTable, contextual: true },
  { command: 'deleteColumn', run: deleteColumn, label: 'Delete column', name: 'Delete column', visible: whileInTable, contextual: true },
  { command: 'deleteTable', run: deleteTable, label: 'Delete table', name: 'Delete table', visible: whileInTable, contextual: true },
];
