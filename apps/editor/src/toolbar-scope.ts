// What the toolbar checks its buttons against. Checking a block command against the whole document costs
// as much as the document is long: wrapping or lifting asks the document which blocks may stand at the
// selection's index, and ProseMirror answers by matching every block before it (`contentMatchAt`). On every
// keystroke, for a dozen buttons, that was most of a keystroke's script in a 10 000-paragraph document.
//
// The document's content is `block+`: which block may stand at an index does not depend on the blocks
// around it. So a command that looks only at the selection and its ancestors answers the same in a
// document holding just the top-level block around the selection. (toolbar-scope.test.ts holds the
// toolbar's commands to that on every kind of selection, and fails if the document's content changes.)

import { Mapping, StepMap } from 'prosemirror-transform';
import { EditorState } from 'prosemirror-state';

/**
 * `state`, cut down to the top-level block that holds the whole selection, with the same selection
 * (mapped), stored marks and schema, and no plugins. `state` itself when the selection spans several
 * top-level blocks or the whole document.
 */
export function selectionScope(state: EditorState): EditorState {
  const { $from, $to } = state.selection;
  if ($from.depth === 0 || $to.depth === 0 || $from.index(0) !== $to.index(0)) return state;
  const { doc } = state;
  const index = $from.index(0);
  if (doc.childCount === 1) return state;
  const start = $from.before(1);
  const scoped = doc.type.create(doc.attrs, doc.child(index), doc.marks);
  return EditorState.create({
    schema: state.schema,
    doc: scoped,
    selection: state.selection.map(scoped, new Mapping([StepMap.offset(-start)])),
    storedMarks: state.storedMarks,
  });
}
