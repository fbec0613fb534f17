// Three quick clicks or more on a line select its text, as a triple-click does. ProseMirror selects the line on
// what it counts as a triple-click (three clicks within 500 ms of each other), but counts on (a fourth is a single
// click again) and then leaves the browser to it, whose paragraph selection (its fourth and fifth clicks too) runs
// to the start of the next line: after a double-click and, right away, a triple-click, typing joined the next
// line to the one typed over (found by an exploratory run: "Replacedline one").

import type { ResolvedPos } from 'prosemirror-model';
import { Plugin, TextSelection } from 'prosemirror-state';

/** The textblock around `$pos`, if any: its content's start and end. */
function lineAround($pos: ResolvedPos): { from: number; to: number } | undefined {
  for (let depth = $pos.depth; depth >= 0; depth--) {
    if ($pos.node(depth).isTextblock) return { from: $pos.start(depth), to: $pos.end(depth) };
  }
  return undefined;
}

export function lineClicks(): Plugin {
  return new Plugin({
    props: {
      handleDOMEvents: {
        mousedown(view, event) {
          if (event.button !== 0 || event.detail < 3 || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) return false;
          const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
          if (at === null) return false;
          const line = lineAround(view.state.doc.resolve(at.pos));
          if (line === undefined) return false;
          event.preventDefault();
          view.focus();
          view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, line.from, line.to)).setMeta('pointer', true));
          return true;
        },
      },
    },
  });
}
