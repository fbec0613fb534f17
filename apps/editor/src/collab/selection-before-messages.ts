// Messages from the server act on the selection the person sees. Chromium reports a selection moved by a
// key (Shift+Home, Shift+arrows) with a `selectionchange` event up to a frame after the key, and
// ProseMirror reads it then. A collaborator's change that arrived inside that frame was applied with the
// selection the editor still held: y-prosemirror keeps the selection across a remote change by the
// editor's state, and the redraw then put the page's selection back to it (the word just selected
// collapsed to a caret, and the next Ctrl+B bolded nothing). Reading the page's selection before each
// message is handled is what the `selectionchange` handler would have done a moment later.

import type { EditorView } from 'prosemirror-view';
import type { WebsocketProvider } from 'y-websocket';
import { readDomSelection } from '../key-selection.js';

type Handler = WebsocketProvider['messageHandlers'][number];

/** Reads the page's selection into `view` before any of `provider`'s message handlers (also ones set later) runs. */
export function readSelectionBeforeMessages(provider: WebsocketProvider, view: EditorView): void {
  const wrapped = new WeakMap<Handler, Handler>();
  const readFirst = (handle: Handler): Handler => {
    let reading = wrapped.get(handle);
    if (reading === undefined) {
      reading = (...args) => {
        // Only a selection the person can move (a composition reads its own, as ProseMirror does).
        try {
          if (!view.isDestroyed && !view.composing && view.hasFocus()) readDomSelection(view);
        } catch (error) {
          reportError(error); // the message is handled whatever the reading did
        }
        handle(...args);
      };
      wrapped.set(handle, reading);
    }
    return reading;
  };
  // y-websocket looks the handler up in `provider.messageHandlers` for each message; handlers are also
  // set and removed on it later (stored acks, authorship), so the lookup is what reads first.
  provider.messageHandlers = new Proxy(provider.messageHandlers, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof key === 'string' && typeof value === 'function' && /^\d+$/.test(key) ? readFirst(value as Handler) : value;
    },
  });
}
