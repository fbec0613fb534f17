// Typing a web or email address: the editor's typography (`--` to —, `...` to …) rewrote characters of a URL
// as it was typed, and the link it became went somewhere else (`https://example.com/foo--bar` linked to
// `foo—bar`; found by a review). Inside an address being typed those replacements wait.

import type { EditorState } from 'prosemirror-state';

/** An address's start, after an opening bracket or quote: what links.ts links when typed. */
const ADDRESS_START = /^[(['"“‘]?(?:https?:\/\/|mailto:|www\.)/i;

/** Whether the word before `pos` (back to the last whitespace in its block) is an address being typed. */
export function inAddress(state: EditorState, pos: number): boolean {
  const $pos = state.doc.resolve(pos);
  if (!$pos.parent.inlineContent) return false;
  const before = $pos.parent.textBetween(Math.max(0, $pos.parentOffset - 500), $pos.parentOffset, undefined, '\ufffc');
  return ADDRESS_START.test(/\S*$/.exec(before)![0]);
}
