// y-prosemirror's per-user undo plugin, with the selection it records before each transaction
// computed from the block holding it (relative-position.ts) rather than by a walk from the first block,
// and that selection put back by the undo itself.
//
// The upstream plugin's state records `prevSel` on every transaction, so that undoing an edit puts the
// caret back; it walks the document twice to do so. Same state, same fields, narrower computation.
//
// Upstream hands the kept selection to the sync plugin on Yjs' 'stack-item-popped', which Yjs emits
// after the undo's transaction: the sync plugin had already drawn the undone change with the caret kept
// from before Ctrl+Z (undoing a paste of two paragraphs left it in the paragraph after them, where the
// next word went); the selection handed over late was left for the next transaction to clear or use.
// Here it is handed over inside the undo's transaction, before the sync plugin's observer reads it, and
// the step Ctrl+Z adds to the redo stack keeps the selection from when it was pressed.

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
  plugin.spec.view = (view) => {
    const { undoManager } = plugin.getState(view.state) as UndoState;
    const binding = () => (ySyncPluginKey.getState(view.state) as { binding: { beforeTransactionSelection: unknown } | null } | undefined)?.binding ?? null;
    /** The selection when Ctrl+Z or Ctrl+Y was pressed: where the step they add to the other stack puts the caret back. */
    let beforeUndo: unknown = null;
    const added = ({ stackItem, origin }: { stackItem: { meta: Map<unknown, unknown> }; origin: unknown }) => {
      const b = binding();
      if (b !== null) stackItem.meta.set(b, origin === undoManager && beforeUndo !== null ? beforeUndo : (plugin.getState(view.state) as UndoState).prevSel);
    };
    // Inside the undo's transaction, before its observers (the sync plugin's among them) run.
    const restore = (transaction: Y.Transaction) => {
      const b = binding();
      const popped = (undoManager as unknown as { currStackItem: { meta: Map<unknown, unknown> } | null }).currStackItem;
      if (transaction.origin !== undoManager || b === null || popped === null) return;
      beforeUndo = b.beforeTransactionSelection;
      b.beforeTransactionSelection = popped.meta.get(b) ?? b.beforeTransactionSelection;
    };
    undoManager.on('stack-item-added', added);
    undoManager.doc.on('beforeObserverCalls', restore);
    return {
      destroy() {
        undoManager.doc.off('beforeObserverCalls', restore);
        undoManager.off('stack-item-added', added);
        undoManager.destroy();
      },
    };
  };
  return plugin;
}
