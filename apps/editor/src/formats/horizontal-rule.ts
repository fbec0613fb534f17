// Horizontal rules: `---` (or `***`, `___`) typed into an empty paragraph, and the toolbar's button.
// At the start of a line the em dash rule waits for the character after "--" (input-rules.ts), so `---` comes
// as typed; "—-" (an em dash that is all the paragraph holds, and a hyphen) makes a rule too.

import { InputRule } from 'prosemirror-inputrules';
import { Fragment, type ResolvedPos } from 'prosemirror-model';
import { type Command, type EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { schema } from '../schema.js';
import type { ToolbarButton } from '../toolbar.js';

const rule = schema.nodes.horizontal_rule!;
const paragraph = schema.nodes.paragraph!;

/** Replaces the paragraph at `$in` by a rule and an empty paragraph holding the caret, if its parent allows; else null. */
function ruleInPlaceOf(tr: Transaction, $in: ResolvedPos): Transaction | null {
  if ($in.parent.type !== paragraph || $in.depth === 0) return null;
  const parent = $in.node(-1);
  const index = $in.index(-1);
  const replacement = Fragment.from([rule.create(), paragraph.create()]);
  if (!parent.canReplace(index, index + 1, replacement)) return null;
  const before = $in.before();
  tr.replaceWith(before, $in.after(), replacement);
  return tr.setSelection(TextSelection.create(tr.doc, before + 2)).scrollIntoView();
}

/** `---` at the start of an empty paragraph (or "—-", see above), `***` or `___`. */
export const horizontalRuleInputRule = new InputRule(/^(?:—-|---|\*\*\*|___)$/, (state, _match, start, end) => {
  const $start = state.doc.resolve(start);
  // Only a paragraph holding nothing else: not "—-" typed after text on the same line.
  if ($start.parentOffset !== 0 || end !== $start.end()) return null;
  return ruleInPlaceOf(state.tr, $start);
});

/** True when a rule can go at the selection: in place of an empty paragraph, or splitting one. */
function canInsert(state: EditorState): boolean {
  const { $from } = state.selection;
  for (let d = $from.depth; d >= 0; d--) {
    const index = $from.index(d);
    if ($from.node(d).canReplaceWith(index, index, rule)) return true;
  }
  return false;
}

/** Inserts a rule at the selection; the caret goes to the text after it (a new empty paragraph if there is none). */
export const insertHorizontalRule: Command = (state, dispatch) => {
  if (!canInsert(state)) return false;
  if (dispatch === undefined) return true;
  const { $from, empty } = state.selection;
  if (empty && $from.parent.type === paragraph && $from.parent.content.size === 0) {
    const tr = ruleInPlaceOf(state.tr, $from);
    if (tr !== null) {
      dispatch(tr);
      return true;
    }
  }
  const tr = state.tr.replaceSelectionWith(rule.create());
  // After a rule that ends its parent the rule itself is selected, with no text to type into: add a paragraph.
  if (!tr.selection.$from.parent.inlineContent) {
    const at = tr.selection.to;
    tr.insert(at, paragraph.create()).setSelection(TextSelection.create(tr.doc, at + 1));
  }
  dispatch(tr.scrollIntoView());
  return true;
};

export const HORIZONTAL_RULE_BUTTON: ToolbarButton = { command: 'horizontalRule', run: insertHorizontalRule, label: '―', name: 'Horizontal line' };
