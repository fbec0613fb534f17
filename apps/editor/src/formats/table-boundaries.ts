// Backspace at the start of the line right after a table, and Delete at the end of the line right before
// one, as in Google Docs: the caret goes into the table's nearest cell, and an empty line between the table
// and more text is removed. Nothing in the table is selected or deleted: ProseMirror's join selected the
// whole table (prosemirror-tables makes that a selection of every cell), and the next key typed replaced
// every cell's text (found by a review). And Enter at the start of the first cell of a table with nothing
// above it (a table inserted on a new document's empty first line, or imported) adds a line above the table,
// as in Google Docs: there was no way to write above it.

import type { Node } from 'prosemirror-model';
import type { Command, EditorState, Transaction } from 'prosemirror-state';
import { TextSelection } from 'prosemirror-state';

const isTable = (node: Node): boolean => node.type.spec.tableRole === 'table';

/** The caret, when there is one and no selection. */
function caretOf(state: EditorState) {
  const { selection } = state;
  return selection instanceof TextSelection ? selection.$cursor : null;
}

/** Backspace at the start of a text block whose block before is a table. */
export const backspaceAfterTable: Command = (state, dispatch, view) => {
  const $cursor = caretOf(state);
  if (!$cursor || $cursor.parentOffset > 0 || $cursor.depth < 1 || (view && !view.endOfTextblock('backward'))) return false;
  const index = $cursor.index(-1);
  const container = $cursor.node(-1);
  if (index === 0 || !isTable(container.child(index - 1))) return false;
  if (dispatch) {
    const lineStart = $cursor.before();
    const tr: Transaction = state.tr;
    // An empty line with more after it goes; the last line of its container stays (somewhere to type after the table).
    if ($cursor.parent.content.size === 0 && index + 1 < container.childCount) tr.delete(lineStart, $cursor.after());
    dispatch(tr.setSelection(TextSelection.near(tr.doc.resolve(lineStart - 1), -1)).scrollIntoView());
  }
  return true;
};

/** Delete at the end of a text block whose block after is a table. */
export const deleteBeforeTable: Command = (state, dispatch, view) => {
  const $cursor = caretOf(state);
  if (!$cursor || $cursor.parentOffset < $cursor.parent.content.size || $cursor.depth < 1 || (view && !view.endOfTextblock('forward'))) return false;
  const index = $cursor.index(-1);
  const container = $cursor.node(-1);
  if (index + 1 >= container.childCount || !isTable(container.child(index + 1))) return false;
  if (dispatch) {
    const tr: Transaction = state.tr;
    let tableStart = $cursor.after();
    // An empty line with a block before it goes; the first line of its container stays (somewhere to type before the table).
    if ($cursor.parent.content.size === 0 && index > 0) {
      tr.delete($cursor.before(), tableStart);
      tableStart = $cursor.before();
    }
    dispatch(tr.setSelection(TextSelection.near(tr.doc.resolve(tableStart + 1), 1)).scrollIntoView());
  }
  return true;
};

/** Enter at the very start of the first cell of a table that is the first block of its container. */
export const enterAboveTable: Command = (state, dispatch) => {
  const $cursor = caretOf(state);
  if (!$cursor || $cursor.parentOffset > 0) return false;
  // From the caret's text block out: each the first of its parent, up to a table that is the first block of its own.
  for (let d = $cursor.depth; d > 0; d--) {
    if ($cursor.index(d - 1) > 0) return false;
    if (!isTable($cursor.node(d))) continue;
    const paragraph = state.schema.nodes.paragraph!;
    const tablePos = $cursor.before(d);
    if (!$cursor.node(d - 1).canReplaceWith(0, 0, paragraph)) return false;
    if (dispatch) {
      const tr = state.tr.insert(tablePos, paragraph.create());
      dispatch(tr.setSelection(TextSelection.create(tr.doc, tablePos + 1)).scrollIntoView());
    }
    return true;
  }
  return false;
};
