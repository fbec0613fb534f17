import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { backspaceAfterTable, deleteBeforeTable, enterAboveTable } from './table-boundaries.js';

const p = (text = '') => schema.nodes.paragraph!.create(null, text === '' ? null : schema.text(text));

/** A state of `blocks` with the caret at `pos`. */
function at(blocks: ReturnType<typeof p>[], pos: (doc: ReturnType<typeof schema.node>) => number) {
  const doc = schema.node('doc', null, blocks);
  return EditorState.create({ doc, selection: TextSelection.create(doc, pos(doc)) });
}

/** Runs `command` and returns the new state (the command must apply). */
function run(command: typeof backspaceAfterTable, state: EditorState): EditorState {
  let next: EditorState | undefined;
  expect(command(state, (tr) => (next = state.apply(tr)))).toBe(true);
  return next!;
}

/** A 2×2 table with a header row, its last cell holding `text`. */
const tableWith = (text: string) => {
  const { table, table_row: row, table_header: header, table_cell: cell } = schema.nodes;
  return table!.create(null, [
    row!.create(null, [header!.create(null, p()), header!.create(null, p())]),
    row!.create(null, [cell!.create(null, p()), cell!.create(null, p(text))]),
  ]);
};

describe('Backspace after a table', () => {
  it('moves the caret to the end of the last cell, the document unchanged', () => {
    const state = at([p('Above'), tableWith('last'), p('Below')], (doc) => doc.content.size - 'Below'.length - 1);
    const next = run(backspaceAfterTable, state);
    expect(next.doc.eq(state.doc)).toBe(true);
    expect(next.selection.$from.parent.textContent).toBe('last');
    expect(next.selection.$from.parentOffset).toBe(4);
  });

  it('removes an empty line with text after it', () => {
    const state = at([tableWith('last'), p(), p('Below')], (doc) => doc.child(0).nodeSize + 1);
    const next = run(backspaceAfterTable, state);
    expect(next.doc.childCount).toBe(2);
    expect(next.selection.$from.parent.textContent).toBe('last');
  });

  it('keeps the empty last line', () => {
    const state = at([tableWith('last'), p()], (doc) => doc.child(0).nodeSize + 1);
    expect(run(backspaceAfterTable, state).doc.childCount).toBe(2);
  });

  it('leaves other lines to the other commands', () => {
    expect(backspaceAfterTable(at([p('one'), p('two')], () => 6))).toBe(false);
    expect(backspaceAfterTable(at([tableWith('x'), p('Below')], (doc) => doc.child(0).nodeSize + 2))).toBe(false);
  });
});

describe('Delete before a table', () => {
  it('moves the caret to the start of the first cell, the document unchanged', () => {
    const state = at([p('Above'), tableWith('last'), p('Below')], () => 6);
    const next = run(deleteBeforeTable, state);
    expect(next.doc.eq(state.doc)).toBe(true);
    expect(next.selection.$from.parentOffset).toBe(0);
    expect(next.selection.$from.node(next.selection.$from.depth - 1).type.name).toBe('table_header');
    expect(next.selection.$from.index(1)).toBe(0);
  });

  it('removes an empty line after other text, and keeps an empty first line', () => {
    const removed = run(deleteBeforeTable, at([p('Above'), p(), tableWith('x')], () => 8));
    expect(removed.doc.childCount).toBe(2);
    expect(removed.selection.$from.node(1).type.name).toBe('table');
    expect(run(deleteBeforeTable, at([p(), tableWith('x')], () => 1)).doc.childCount).toBe(2);
  });

  it('leaves other lines to the other commands', () => {
    expect(deleteBeforeTable(at([p('one'), tableWith('x')], () => 2))).toBe(false);
  });
});

describe('Enter at the start of a table at the top', () => {
  it('adds an empty line above the table, the caret in it', () => {
    const next = run(enterAboveTable, at([tableWith('x'), p('Below')], () => 3));
    expect(next.doc.child(0).type.name).toBe('paragraph');
    expect(next.doc.child(1).type.name).toBe('table');
    expect(next.selection.from).toBe(1);
  });

  it('leaves Enter to the cell elsewhere: a line above the table, another cell', () => {
    expect(enterAboveTable(at([p('Above'), tableWith('x')], (doc) => doc.child(0).nodeSize + 3))).toBe(false);
    expect(enterAboveTable(at([schema.node('table', null, [tableWith('x').child(0)]), p()], () => 3))).toBe(true);
    const lastCell = at([tableWith('x'), p()], (doc) => doc.child(0).nodeSize - 5); // the start of the last cell's text
    expect([lastCell.selection.$from.parent.textContent, lastCell.selection.$from.parentOffset]).toEqual(['x', 0]);
    expect(enterAboveTable(lastCell)).toBe(false);
  });
});
