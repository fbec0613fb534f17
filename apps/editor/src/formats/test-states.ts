// Editor states for the format commands' unit tests: paragraphs, a caret placed by the text around it, and a
// command run against a state (no view).

import type { Node } from 'prosemirror-model';
import { type Command, EditorState, TextSelection } from 'prosemirror-state';
import { schema } from '../schema.js';

export const p = (text = ''): Node => schema.nodes.paragraph!.create(null, text ? schema.text(text) : null);

/** A state of `blocks` with the caret in the first textblock whose text is `inText`, `offset` into it (at its end by default). */
export function stateAt(blocks: Node[], inText: string, offset = inText.length): EditorState {
  const doc = schema.nodes.doc!.create(null, blocks);
  let at = -1;
  doc.descendants((node, pos) => {
    if (at < 0 && node.isTextblock && node.textContent === inText) at = pos + 1 + offset;
    return at < 0;
  });
  return EditorState.create({ schema, doc, selection: TextSelection.create(doc, at) });
}

/** Runs `command` on `state`: whether it applied, and the state after it. */
export function run(state: EditorState, command: Command): { ok: boolean; next: EditorState } {
  let next = state;
  const ok = command(state, (tr) => (next = state.apply(tr)));
  return { ok, next };
}
