// Block behaviour people expect from a word processor: list markers that convert a list rather than nest
// one, a code block button that toggles, and code blocks you can leave with Enter twice or ArrowDown.

import { exitCode, setBlockType } from 'prosemirror-commands';
import { InputRule } from 'prosemirror-inputrules';
import { keymap } from 'prosemirror-keymap';
import type { NodeType } from 'prosemirror-model';
import { type Command, type EditorState, Selection, TextSelection, type Plugin } from 'prosemirror-state';
import { schema } from './schema.js';

const { nodes } = schema;

const inCodeBlock = (state: EditorState) => {
  const { $from, $to } = state.selection;
  return $from.sameParent($to) && $from.parent.type === nodes.code_block;
};

/** A code block, or back to a paragraph when the selection is in one. */
export const toggleCodeBlock: Command = (state, dispatch) =>
  inCodeBlock(state) ? setBlockType(nodes.paragraph!)(state, dispatch) : setBlockType(nodes.code_block!)(state, dispatch);

/** Enter on an empty last line of a code block: drop that line and continue in a paragraph after the block. */
export const exitCodeOnEmptyLastLine: Command = (state, dispatch) => {
  const { $head, empty } = state.selection;
  if (!empty || !$head.parent.type.spec.code || $head.parentOffset !== $head.parent.content.size) return false;
  if (!$head.parent.textContent.endsWith('\n')) return false;
  const above = $head.node(-1);
  const after = $head.indexAfter(-1);
  const type = above.contentMatchAt(after).defaultType;
  if (type === null || type === undefined || !above.canReplaceWith(after, after, type)) return false;
  if (dispatch) {
    const tr = state.tr.delete($head.pos - 1, $head.pos);
    const at = tr.mapping.map($head.after());
    tr.insert(at, type.createAndFill()!);
    dispatch(tr.setSelection(TextSelection.create(tr.doc, at + 1)).scrollIntoView());
  }
  return true;
};

/** ArrowDown on the last line of a code block with nothing after it: a paragraph to continue in. */
export const leaveCodeBlockDown: Command = (state, dispatch, view) => {
  const { $head, empty } = state.selection;
  if (!empty || !$head.parent.type.spec.code) return false;
  const atEnd = view ? view.endOfTextblock('down') : $head.parentOffset === $head.parent.content.size;
  if (!atEnd || Selection.findFrom(state.doc.resolve($head.after()), 1, true) !== null) return false;
  return exitCode(state, dispatch);
};

/**
 * A list marker typed at the start of an item's first paragraph changes that list's kind ("1. " in a
 * bullet list numbers it, "- " in a numbered list bullets it); in a list of the same kind it stays text,
 * where the plain wrapping rule would nest a second list.
 */
function listMarkerRule(pattern: RegExp, target: NodeType, attrs: (match: RegExpMatchArray, firstItem: boolean) => Record<string, unknown> | null): InputRule {
  return new InputRule(pattern, (state, match, start, end) => {
    const $start = state.doc.resolve(start);
    if ($start.depth < 3 || $start.index(-1) !== 0 || $start.node(-1).type !== nodes.list_item) return null;
    const list = $start.node(-2);
    if (list.type === target) return state.tr.insertText(match[0].slice(-1), end);
    if (list.type !== nodes.bullet_list && list.type !== nodes.ordered_list) return null;
    return state.tr.delete(start, end).setNodeMarkup($start.before(-2), target, attrs(match, $start.index(-2) === 0));
  });
}

export const listConversionRules: InputRule[] = [
  // The list's numbering starts at the typed number only when typed in its first item.
  listMarkerRule(/^(\d+)\.\s$/, nodes.ordered_list!, (m, firstItem) => ({ order: firstItem ? Number(m[1]) : 1 })),
  listMarkerRule(/^\s*([-+*])\s$/, nodes.bullet_list!, () => null),
];

export function blockKeymap(): Plugin {
  return keymap({ Enter: exitCodeOnEmptyLastLine, ArrowDown: leaveCodeBlockDown });
}
