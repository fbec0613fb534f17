// Typing right after a line break or an image at the end of a line, with someone else's cursor there.
// A collaborator's cursor is a widget (a non-editable span) at its position; when that is just after a
// line break, the browser, asked to type between the break and the widget, puts the text before the
// break instead: the person's characters landed on the line above (seen in Chromium with two people at
// the end of one paragraph, one pressing Shift+Enter and typing). Typed text there is inserted by the
// editor at its own selection, through the same input rules a typed character goes through.

import { Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';

/** Whether the caret stands right after an inline node that is not text (a line break, an image). */
function afterInlineLeaf(view: EditorView): boolean {
  const { selection } = view.state;
  const before = selection.$head.nodeBefore;
  return selection.empty && before !== null && before.isInline && !before.isText;
}

export function typingAfterLeaf(): Plugin {
  return new Plugin({
    props: {
      handleDOMEvents: {
        beforeinput(view, event) {
          if (event.inputType !== 'insertText' || event.data === null || event.isComposing || view.composing || !afterInlineLeaf(view)) return false;
          event.preventDefault();
          const text = event.data;
          const { from, to } = view.state.selection;
          // As ProseMirror does for typed text: input rules first (`---`, `1. `, …), else a plain insertion.
          if (view.someProp('handleTextInput', (f) => f(view, from, to, text, () => view.state.tr.insertText(text, from, to)))) return true;
          view.dispatch(view.state.tr.insertText(text, from, to).scrollIntoView());
          return true;
        },
      },
    },
  });
}
