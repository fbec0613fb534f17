// Keyboard reading and selecting in a read-only editor (a viewer's, a commenter's). The view is not
// contenteditable there, so the browser gives it no tab stop and no caret: a keyboard-only commenter could
// not select text to comment on (Ctrl+Alt+M). The text becomes one tab stop, and the arrow keys, Home and
// End (with Ctrl for words and the whole document, with Shift to select) move the page's own selection
// through it, which the view reads as it reads a mouse selection. Ctrl+A selects the document's text (the
// browser's Select all outside editable text takes the whole page: toolbar, panels and all).

import { Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { readDomSelection } from './key-selection.js';

type Move = readonly [direction: 'backward' | 'forward', granularity: string, withCtrl: string];

const MOVES: Record<string, Move> = {
  ArrowLeft: ['backward', 'character', 'word'],
  ArrowRight: ['forward', 'character', 'word'],
  ArrowUp: ['backward', 'line', 'paragraphboundary'],
  ArrowDown: ['forward', 'line', 'paragraphboundary'],
  Home: ['backward', 'lineboundary', 'documentboundary'],
  End: ['forward', 'lineboundary', 'documentboundary'],
};

/** The page's selection, collapsed at the start of the text if it is not in the text already. */
function selectionIn(view: EditorView): Selection | null {
  const selection = view.dom.ownerDocument.getSelection();
  if (selection === null) return null;
  if (selection.rangeCount === 0 || !view.dom.contains(selection.focusNode)) selection.collapse(view.dom, 0);
  return selection;
}

/** Ctrl+A (Cmd+A on a Mac). */
const isSelectAll = (event: KeyboardEvent): boolean => (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'a';

export function readOnlyCaret(): Plugin {
  return new Plugin({
    props: {
      handleDOMEvents: {
        keydown(view, event) {
          if (!view.editable && isSelectAll(event)) {
            // The document's text, not the whole page the browser's Select all takes outside editable text.
            selectionIn(view)?.selectAllChildren(view.dom);
            readDomSelection(view);
            event.preventDefault();
            return true;
          }
          if (view.editable || event.altKey || event.metaKey) return false;
          const move = MOVES[event.key];
          const selection = move === undefined ? null : selectionIn(view);
          if (move === undefined || selection === null) return false;
          (selection as Selection & { modify(alter: string, direction: string, granularity: string): void }).modify(
            event.shiftKey ? 'extend' : 'move',
            move[0],
            event.ctrlKey ? move[2] : move[1],
          );
          // Read at once, not at the selectionchange task: a key right after (Ctrl+Alt+M) acts on this selection.
          readDomSelection(view);
          event.preventDefault();
          return true;
        },
        focus(view) {
          if (!view.editable) selectionIn(view);
          return false;
        },
      },
    },
  });
}
