// y-prosemirror's per-user undo plugin, with the selection it records before each transaction
// computed from the block holding it (relative-position.ts) rather than by a walk from the first block.
//
// The upstream plugin's state records `prevSel` on every transaction, so that undoing an edit puts the
// caret back; it walks the document twice to do so. Same state, same fields, narrower computation.

import type { Plugin } from 'prosemirror-state';
import { ySyncPluginKey, yUndoPlugin } from 'y-prosemirror';
import type * as Y from 'yjs';
import { type Mapping, relativeSelection } from './relative-position.js';

interface UndoState {
  readonly undoManager: Y.UndoManager;
  readonly prevSel: unknown;
  readonly hasUndoOps: boolean;
  readonly hasRedoOps: boolean;
}

export function undoPlugin(options?: Parameters<typeof yUndoPlugin>[0]): Plugin {
  const plugin = yUndoPlugin(options);
  // The state field is built from the spec when the EditorState is created, so replacing `apply`
  // here, before that, is what the editor runs.
  const field = plugin.spec.state!;
  field.apply = (_tr, value: UndoState, oldState, state): UndoState => {
    const { binding } = ySyncPluginKey.getState(state) as { binding: { type: Y.XmlFragment; mapping: Mapping } | null };
    const { undoManager } = value;
    return {
      undoManager,
      prevSel: binding ? relativeSelection(oldState, binding.type, binding.mapping) : value.prevSel,
      hasUndoOps: undoManager.undoStack.length > 0,
      hasRedoOps: undoManager.redoStack.length > 0,
    };
  };
  return plugin;
}
