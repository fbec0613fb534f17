// Key commands act on the selection the person sees. ProseMirror learns of a selection the browser
// moved (Shift+arrows, Home) from the "selectionchange" event, which runs as an ordinary task;
// Chromium runs input ahead of such tasks, so on a busy page Ctrl+B pressed right after
// Ctrl+Shift+→ reached the keymap before the new selection did, and bolded nothing.

import { Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';

/** prosemirror-view's DOM observer: `flush` reads pending DOM changes and the DOM selection into the state. */
interface WithDomObserver {
  readonly domObserver: { flush(): void };
}

/**
 * Reads pending DOM changes and the DOM selection into the state: exactly what the selectionchange handler
 * would have done (a selection transaction only if the DOM selection differs from the one last read).
 */
export function readDomSelection(view: EditorView): void {
  // Internal to prosemirror-view (not in its types).
  (view as unknown as WithDomObserver).domObserver.flush();
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
