// Editing commands shared by the toolbar and the keyboard shortcuts.

import { baseKeymap, chainCommands, exitCode, setBlockType, lift } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import type { MarkType, Node, NodeType } from 'prosemirror-model';
import { AllSelection, type Command, type EditorState, type Plugin, TextSelection } from 'prosemirror-state';
import { sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { redoCommand, undoCommand } from 'y-prosemirror';
import { runOn } from './command-on-transaction.js';
import { liftListItemNumberingOn, setTextblockType, toggleCodeBlock, wrapInOrOutOfLists } from './blocks.js';
import { formatCovers, toggleFormat } from './formats/mark-toggle.js';
import { openLinkField } from './link-popover.js';
import { schema } from './schema.js';
import { undoReplacement } from './undo-steps.js';

const { nodes, marks } = schema;

/** Whether a format's button shows pressed: see {@link formatCovers}. */
export const markActive = (state: EditorState, type: MarkType): boolean => formatCovers(state, type);

export function blockActive(state: EditorState, type: NodeType, attrs: Record<string, unknown> = {}): boolean {
  const matches = (node: Node) => node.type === type && Object.entries(attrs).every(([k, v]) => node.attrs[k] === v);
  const { $from, from, to } = state.selection;
  for (let d = $from.depth; d >= 0; d--) {
    if (matches($from.node(d))) {
      if (to <= $from.end(d)) return true;
      break;
    }
  }
  // A selection over several blocks (Select all starts and ends outside every one): active when each text
  // block in it is such a block or inside one, as Google Docs shows a button for a selection of list items.
  let textblocks = 0;
  let all = true;
  state.doc.nodesBetween(from, to, (node, pos) => {
    if (!all) return false;
    if (!node.isTextblock) return true;
    textblocks++;
    const $in = state.doc.resolve(pos + 1);
    let found = false;
    for (let d = $in.depth; d > 0 && !found; d--) found = matches($in.node(d));
    all = found;
    return false;
  });
  return textblocks > 1 && all;
}

/**
 * Runs `command` on a text selection where the selection is Select all's (an AllSelection, which starts
 * and ends outside every block, so that lifting a list or a quote finds no range of blocks to lift).
 */
export const overText =
  (command: Command): Command =>
  (state, dispatch, view) => {
    if (!(state.selection instanceof AllSelection)) return command(state, dispatch, view);
    const { doc } = state;
    const text = TextSelection.between(doc.resolve(0), doc.resolve(doc.content.size));
    const withText = Object.create(state, { selection: { value: text } }) as EditorState;
    return command(withText, dispatch, view);
  };

/** A heading of `level` (a list item leaving its lists as one), or back to a paragraph when the block already is one. */
export const toggleHeading = (level: number): Command =>
  overText((state, dispatch) =>
    blockActive(state, nodes.heading!, { level })
      ? setBlockType(nodes.paragraph!)(state, dispatch)
      : setTextblockType(nodes.heading!, { level })(state, dispatch),
  );

export const toggleBlockquote: Command = overText((state, dispatch) =>
  blockActive(state, nodes.blockquote!) ? lift(state, dispatch) : wrapInOrOutOfLists(nodes.blockquote!)(state, dispatch),
);

/**
 * A list of `type`, or back to paragraphs when the blocks already are one; in a list of the other kind
 * (bulleted or numbered), that list becomes one of `type`, as `1. ` typed in a bulleted list does,
 * instead of a new list nested in its item.
 */
export const toggleList = (type: NodeType): Command =>
  overText((state, dispatch) => {
    if (blockActive(state, type)) return liftListItemNumberingOn(nodes.list_item!)(state, dispatch);
    const { $from, $to, from, to } = state.selection;
    const lists = [nodes.bullet_list, nodes.ordered_list, nodes.task_list];
    const range = $from.blockRange($to, (node) => lists.includes(node.type));
    if (range !== null && range.parent.type !== type) {
      const pos = $from.before(range.depth);
      const attrs = type === nodes.ordered_list ? { order: 1 } : null;
      if (range.parent.type !== nodes.task_list) {
        dispatch?.(state.tr.setNodeMarkup(pos, type, attrs).scrollIntoView());
        return true;
      }
      // A task list's items are of another type: the list is written again with list items holding the same blocks.
      const items: Node[] = [];
      range.parent.forEach((item) => items.push(nodes.list_item!.create(null, item.content)));
      if (dispatch !== undefined) {
        const tr = state.tr.replaceWith(pos, pos + range.parent.nodeSize, type.create(attrs, items));
        dispatch(tr.setSelection(TextSelection.create(tr.doc, from, to)).scrollIntoView());
      }
      return true;
    }
    return flattenIntoList(type)(state, dispatch) || wrapInListJoined(type)(state, dispatch);
  });

/**
 * A selection over lines and lists side by side (Select all over a paragraph and a list): one list of `type`,
 * each line one item of it and each list's items its items, at one level, as Google Docs makes them. Wrapped
 * as it was, the list went into the paragraph's item, its items nested one level down; with the list first,
 * the button did nothing (found by an exploratory run). Only where every top-level block of the selection is a
 * paragraph, a heading or a list, and both lines and lists are among them; their items keep what they hold.
 */
const flattenIntoList =
  (type: NodeType): Command =>
  (state, dispatch) => {
    const { $from, $to } = state.selection;
    const { doc } = state;
    const first = $from.index(0);
    const last = $to.index(0) - ($to.depth === 0 && $to.index(0) > first ? 1 : 0);
    const lists = [nodes.bullet_list, nodes.ordered_list, nodes.task_list];
    const items: Node[] = [];
    let lines = false;
    let listed = false;
    for (let i = first; i <= last && i < doc.childCount; i++) {
      const block = doc.child(i);
      if (block.type === nodes.paragraph || block.type === nodes.heading) {
        lines = true;
        items.push(nodes.list_item!.create(null, nodes.paragraph!.create(null, block.content)));
      } else if (lists.includes(block.type)) {
        listed = true;
        block.forEach((item) => items.push(item.type === nodes.list_item ? item : nodes.list_item!.create(null, item.content)));
      } else {
        return false;
      }
    }
    if (!lines || !listed) return false;
    if (dispatch !== undefined) {
      const start = $from.posAtIndex(first, 0);
      const list = type.create(type === nodes.ordered_list ? { order: 1 } : null, items);
      const tr = state.tr.replaceWith(start, $from.posAtIndex(last + 1, 0), list);
      // Select all comes here as a text selection (overText): the list's text stays selected.
      dispatch(tr.setSelection(TextSelection.between(tr.doc.resolve(start + 1), tr.doc.resolve(start + list.nodeSize - 1))).scrollIntoView());
    }
    return true;
  };

/**
 * The selection's blocks wrapped in a new list of `type`, joined to the list of that kind just before it, and
 * to the one just after when that one numbers on from it, or there is none before and it starts where the new
 * one does (a numbered list that starts again at 1 after another stays a list of its own), as Google Docs makes
 * a line between items, or just above them, one more item of their list. ProseMirror's
 * `wrapInList` made a list of its own there: numbered 1 between "1." and "2.", and its item could not be
 * indented with Tab, being its list's first. Headings in the selection become paragraphs, as a list item's
 * first block is one: the list button on a heading (one made from a list item, say) did nothing. Found by a review.
 */
const wrapInListJoined =
  (type: NodeType): Command =>
  (state, dispatch) => {
    const tr = state.tr;
    const { from, to } = state.selection;
    state.doc.nodesBetween(from, to, (node, pos) => {
      if (node.type === nodes.heading) tr.setNodeMarkup(pos, nodes.paragraph!);
      return !node.isTextblock;
    });
    if (!runOn(state, tr, wrapInList(type), state.selection.map(tr.doc, tr.mapping))) return false;
    if (dispatch === undefined) return true;
    // The new list: the innermost of `type` around the selection (it may stand in an item of another list).
    const $from = tr.doc.resolve(tr.mapping.map(from));
    let depth = $from.depth;
    while (depth > 0 && $from.node(depth).type !== type) depth--;
    if (depth > 0) {
      const list = $from.node(depth);
      const before = $from.index(depth - 1) > 0 ? $from.node(depth - 1).child($from.index(depth - 1) - 1) : undefined;
      const afterIndex = $from.index(depth - 1) + 1;
      const after = afterIndex < $from.node(depth - 1).childCount ? $from.node(depth - 1).child(afterIndex) : undefined;
      // The list it joins decides where numbering starts: the list before, else the new list's 1.
      const start = before?.type === type ? before : list;
      const items = before?.type === type ? before.childCount + list.childCount : list.childCount;
      // The list after numbers on from the one before (as it does when a line between them left the list), or from the new items.
      const order = Number(start.attrs.order ?? 1);
      // Or, with no list before, starts where the new one does: a line just above a list joins it as its first
      // item (the number taken off the first item and put back made a list of its own: "1. one", "1. two").
      const numbersOn =
        after?.type === type &&
        (type !== nodes.ordered_list ||
          after.attrs.order === order + items ||
          (before?.type === type && after.attrs.order === order + before.childCount) ||
          (before?.type !== type && after.attrs.order === order));
      if (numbersOn) tr.join($from.after(depth));
      if (before?.type === type) tr.join($from.before(depth));
    }
    dispatch(tr.scrollIntoView());
    return true;
  };

/**
 * Undo and redo keys are the editor's whether or not there is anything to take back or bring back: let
 * through, the browser's own undo or redo of the editable page changed the document behind the editor
 * (Ctrl+Shift+Z with nothing to redo deleted the last line). Asked without dispatching (the toolbar), it
 * still says whether there is anything.
 */
function theEditors(command: Command): Command {
  return (state, dispatch, view) => command(state, dispatch, view) || dispatch !== undefined;
}

export const commands = {
  bold: toggleFormat(marks.strong!),
  italic: toggleFormat(marks.em!),
  code: toggleFormat(marks.code!),
  link: openLinkField,
  h1: toggleHeading(1),
  h2: toggleHeading(2),
  h3: toggleHeading(3),
  paragraph: setBlockType(nodes.paragraph!),
  bulletList: toggleList(nodes.bullet_list!),
  orderedList: toggleList(nodes.ordered_list!),
  blockquote: toggleBlockquote,
  codeBlock: toggleCodeBlock,
  // Right after a typographic replacement ("--" to "—", a curly quote), undo takes back only it, as Google
  // Docs' autocorrect does; it took the whole sentence typed with it (found by a review). Typed on, the
  // replacement stays part of the typing around it.
  undo: theEditors(chainCommands(undoReplacement, undoCommand as Command)),
  redo: theEditors(redoCommand as Command),
} satisfies Record<string, Command>;

export type CommandName = keyof typeof commands;

export function buildKeymaps(): Plugin[] {
  const mac = typeof navigator !== 'undefined' && /Mac|iP(hone|[oa]d)/.test(navigator.platform);
  const hardBreak: Command = chainCommands(exitCode, (state, dispatch) => {
    dispatch?.(state.tr.replaceSelectionWith(nodes.hard_break!.create()).scrollIntoView());
    return true;
  });
  const keys: Record<string, Command> = {
    'Mod-z': commands.undo,
    'Shift-Mod-z': commands.redo,
    'Mod-b': commands.bold,
    'Mod-i': commands.italic,
    'Mod-`': commands.code,
    'Mod-k': commands.link,
    // Google Docs' keys (Ctrl+Alt+0–3 styles, Ctrl+Shift+7 numbered, 8 bulleted; 9, a checklist, is the task
    // list's), and ProseMirror's Ctrl+Shift+0–3 that people of other editors know.
    'Mod-Alt-0': commands.paragraph,
    'Mod-Alt-1': commands.h1,
    'Mod-Alt-2': commands.h2,
    'Mod-Alt-3': commands.h3,
    'Shift-Ctrl-0': commands.paragraph,
    'Shift-Ctrl-1': commands.h1,
    'Shift-Ctrl-2': commands.h2,
    'Shift-Ctrl-3': commands.h3,
    'Shift-Ctrl-7': commands.orderedList,
    'Shift-Ctrl-8': commands.bulletList,
    'Ctrl->': commands.blockquote,
    'Shift-Ctrl-\\': commands.codeBlock,
    Enter: splitListItem(nodes.list_item!),
    'Mod-[': liftListItemNumberingOn(nodes.list_item!),
    'Mod-]': sinkListItem(nodes.list_item!),
    'Shift-Enter': hardBreak,
    'Mod-Enter': hardBreak,
  };
  if (!mac) keys['Mod-y'] = commands.redo;
  return [keymap(keys), keymap(baseKeymap)];
}
