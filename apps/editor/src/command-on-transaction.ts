// Running a ProseMirror command as one part of a transaction already under way (lift a list item, then make
// it a heading; make headings paragraphs, then wrap them in a list), so that the whole is one step to undo.

import type { Command, EditorState, Selection, Transaction } from 'prosemirror-state';

/**
 * Runs `command` on `tr`'s document with `selection` (by default `tr`'s), the steps it makes added to `tr`;
 * whether it ran. The command sees a state of `state`'s plugins and schema holding `tr`'s document.
 */
export function runOn(state: EditorState, tr: Transaction, command: Command, selection: Selection = tr.selection): boolean {
  const current = Object.create(state, { doc: { value: tr.doc }, selection: { value: selection }, storedMarks: { value: null } }) as EditorState;
  return command(current, (made) => {
    for (const step of made.steps) tr.step(step);
  });
}
