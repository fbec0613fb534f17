// Bold, italic, underline, strikethrough and inline code over a selection, as Google Docs and Word do them:
// over text only partly formatted the key or button formats all of it (ProseMirror's default took the
// format off the part that had it; found by a review), and its button shows pressed only when all of the
// selected text has the format. A second press then takes it off.

import { toggleMark } from 'prosemirror-commands';
import type { MarkType } from 'prosemirror-model';
import type { Command, EditorState } from 'prosemirror-state';

/** Adds `type` to the selection unless all of its text has it already, in which case it takes it off. */
export const toggleFormat = (type: MarkType): Command => toggleMark(type, null, { removeWhenPresent: false });

/**
 * Whether the selection has `type`: at a caret, what typing would get; over a range, whether every piece of
 * text in it that may take the mark has it (blank runs aside, as {@link toggleFormat} leaves them out too).
 */
export function formatCovers(state: EditorState, type: MarkType): boolean {
  const { from, to, empty, $from } = state.selection;
  if (empty) return type.isInSet(state.storedMarks ?? $from.marks()) !== undefined;
  let marked = false;
  let missing = false;
  state.doc.nodesBetween(from, to, (node, pos, parent) => {
    if (missing) return false;
    if (!node.isInline || parent === null || !parent.type.allowsMarkType(type)) return true;
    const text = node.isText ? node.textBetween(Math.max(0, from - pos), Math.min(node.nodeSize, to - pos)) : '';
    if (node.isText && /^\s*$/.test(text)) return true;
    if (type.isInSet(node.marks) !== undefined) marked = true;
    else missing = true;
    return true;
  });
  return marked && !missing;
}
