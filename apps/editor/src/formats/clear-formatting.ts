// Clear formatting (Ctrl/Cmd+\ as in Google Docs): takes bold, italic, underline, strikethrough and inline
// code off the selection, in one undo step, keeping its links (as Google Docs does); at a caret, what is
// typed next is plain. Blocks (headings, lists) keep their type.

import type { MarkType } from 'prosemirror-model';
import type { Command } from 'prosemirror-state';
import { schema } from '../schema.js';

/** The formats clear formatting takes off: every mark but links. */
const FORMATS: readonly MarkType[] = Object.values(schema.marks).filter((type) => type !== schema.marks.link);

export const clearFormatting: Command = (state, dispatch) => {
  const { from, to, empty, $from } = state.selection;
  if (empty) {
    const marks = state.storedMarks ?? $from.marks();
    if (!marks.some((mark) => FORMATS.includes(mark.type))) return false;
    dispatch?.(state.tr.setStoredMarks(marks.filter((mark) => !FORMATS.includes(mark.type))));
    return true;
  }
  if (!FORMATS.some((type) => state.doc.rangeHasMark(from, to, type))) return false;
  if (dispatch !== undefined) {
    const tr = state.tr;
    for (const type of FORMATS) tr.removeMark(from, to, type);
    dispatch(tr.scrollIntoView());
  }
  return true;
};
