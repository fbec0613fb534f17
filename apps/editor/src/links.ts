// Links in the editor: the link command (Ctrl+K, toolbar) and the Markdown-style `[text](url)`
// input rule. Both accept only the targets @tandem/schema allows (http, https, mailto, relative);
// paste is covered by the schema's own parse rule, and rendering by its toDOM.

import { isSafeHref } from '@tandem/schema';
import { toggleMark } from 'prosemirror-commands';
import { InputRule } from 'prosemirror-inputrules';
import type { Command } from 'prosemirror-state';
import { markActive } from './commands.js';
import { schema } from './schema.js';

export const UNSAFE_LINK_MESSAGE = 'Links may only go to http:, https: or mailto: addresses, or to a relative path.';

/** Asks for a URL and links the selection; removes the link when the selection already has one. */
export const toggleLink: Command = (state, dispatch) => {
  const type = schema.marks.link!;
  if (markActive(state, type)) return toggleMark(type)(state, dispatch);
  if (state.selection.empty) return false;
  if (dispatch === undefined) return true;
  const answer = window.prompt('Link address', 'https://');
  // A pasted address may hold spaces (`my file.pdf`); a URL carries them encoded.
  const href = (answer?.trim() ?? '').replace(/ /g, '%20');
  if (href === '' || href === 'https://') return false;
  if (!isSafeHref(href)) {
    window.alert(UNSAFE_LINK_MESSAGE);
    return false;
  }
  return toggleMark(type, { href })(state, dispatch);
};

/** `[text](url)` becomes linked text once the closing parenthesis is typed; an unsafe url stays plain text. */
export const linkInputRule = new InputRule(/\[([^\]\n]+)\]\(([^()\s]+)\)$/, (state, match, start, end) => {
  const [, text, href] = match;
  if (text === undefined || !isSafeHref(href)) return null;
  return state.tr.replaceWith(start, end, schema.text(text, [schema.marks.link!.create({ href })])).removeStoredMark(schema.marks.link!);
});
