// Key commands act on the selection the person sees. ProseMirror learns of a selection the browser
// moved (Shift+arrows, Home) from the "selectionchange" event, which runs as an ordinary task;
// Chromium runs input ahead of such tasks, so on a busy page Ctrl+B pressed right after
// Ctrl+Shift+→ reached the keymap before the new selection did, and bolded nothing.
//
// The same frame's delay let a redraw undo a selection: a transaction dispatched in it (remote cursors,
// comment highlights, authorship colours placed a moment after a change) carried the selection the
// editor still held, and the redraw put the page's selection back to it. See keepUnreadSelection.

import { Plugin, type Transaction } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';

/** prosemirror-view's DOM observer and selection reading (internal to prosemirror-view, not in its types). */
interface ViewInternals {
  readonly domObserver: {
    /** Reads pending DOM changes and the DOM selection into the state (the selectionchange handler's work). */
    flush(): void;
    /** DOM changes observed and not yet read (typed text). */
    pendingRecords(): readonly MutationRecord[];
    /** The DOM selection the editor last read or set. */
    readonly currentSelection: { eq(range: unknown): boolean };
  };
  domSelectionRange(): unknown;
}

const internals = (view: EditorView) => view as unknown as ViewInternals;

/**
 * Reads pending DOM changes and the DOM selection into the state: exactly what the selectionchange handler
 * would have done (a selection transaction only if the DOM selection differs from the one last read).
 */
export function readDomSelection(view: EditorView): void {
  internals(view).domObserver.flush();
}

/** Reads the DOM selection into the state before any key handler runs; place it first among the plugins. */
export function keySelection(): Plugin {
  return new Plugin({
    props: {
      handleKeyDown(view: EditorView) {
        readDomSelection(view);
        return false;
      },
    },
  });
}

/**
 * Before `tr` is applied: when it changes neither the document nor the selection (a redraw) and the page's
 * selection moved since the editor last read it, reads that selection first and gives it to `tr`, which
 * would otherwise carry the one it was made with. Only a selection: with typed text still unread, `tr`
 * (made for the document without it) is left as it is.
 */
export function keepUnreadSelection(view: EditorView, tr: Transaction): void {
  if (tr.docChanged || tr.selectionSet || view.composing || !view.hasFocus()) return;
  const { domObserver } = internals(view);
  if (domObserver.pendingRecords().length > 0 || domObserver.currentSelection.eq(internals(view).domSelectionRange())) return;
  const before = view.state.selection;
  readDomSelection(view); // dispatches the selection transaction; the document stays the one `tr` was made for
  if (!view.state.selection.eq(before)) tr.setSelection(view.state.selection);
}
