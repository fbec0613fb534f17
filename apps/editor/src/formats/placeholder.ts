// "Start writing…" in an empty document: a node decoration on the one empty paragraph, whose text CSS
// draws (`content: attr(data-placeholder) / ""`, the empty alternative keeping it out of what screen
// readers read as the document's text); the editor's textbox gets `aria-placeholder` instead, which they
// announce as a placeholder. Nothing is written into the document.

import type { Node } from 'prosemirror-model';
import { Plugin } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';

export const PLACEHOLDER = 'Start writing…';

/** True for a document that is one empty paragraph. */
export const isEmptyDocument = (doc: Node): boolean =>
  doc.childCount === 1 && doc.firstChild!.type.name === 'paragraph' && doc.firstChild!.content.size === 0;

export function placeholderPlugin(text = PLACEHOLDER): Plugin {
  return new Plugin({
    props: {
      decorations(state) {
        if (!isEmptyDocument(state.doc)) return null;
        return DecorationSet.create(state.doc, [Decoration.node(0, state.doc.firstChild!.nodeSize, { class: 'placeholder', 'data-placeholder': text })]);
      },
      attributes: (state): Record<string, string> => (isEmptyDocument(state.doc) ? { 'aria-placeholder': text } : {}),
    },
  });
}
