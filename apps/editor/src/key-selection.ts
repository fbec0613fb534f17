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
 * Before `tr` is applied: when it changes neither the document, the selection nor the stored marks (a redraw)
 * and the page's selection moved since the editor last read it, reads that selection first and returns `tr`
 * with it: `tr` would otherwise carry the one it was made with. Only a selection: with typed text still
 * unread, `tr` (made for the document without it) is returned as it is. Returns the transaction to apply.
 */
export function keepUnreadSelection(view: EditorView, tr: Transaction): Transaction {
  if (tr.docChanged || tr.selectionSet || tr.storedMarksSet || view.composing || !view.hasFocus()) return tr;
  const { domObserver } = internals(view);
  if (domObserver.pendingRecords().length > 0) {
    // Taken from the MutationObserver, whose callback will not see them now: read them soon, as
    // prosemirror-view does with the records it takes before an update (DOMObserver.stop).
    setTimeout(() => readDomSelection(view), 20);
    return tr;
  }
  if (domObserver.currentSelection.eq(internals(view).domSelectionRange())) return tr;
  const before = view.state;
  readDomSelection(view); // dispatches the selection transaction
  if (view.state.selection.eq(before.selection)) return tr;
  if (view.state.doc === tr.doc) return tr.setSelection(view.state.selection);
  // Reading changed the document too (prosemirror-view turns a selection change just after Enter on Android
  // into Enter): `tr` no longer fits it. Its metadata (a redraw asked for) goes on a transaction that does.
  const next = view.state.tr;
  for (const [key, value] of Object.entries((tr as unknown as { meta: Record<string, unknown> }).meta)) next.setMeta(key, value);
  return tr.scrolledIntoView ? next.scrollIntoView() : next;
}
