// Editing commands shared by the toolbar and the keyboard shortcuts.

import { baseKeymap, chainCommands, exitCode, setBlockType, toggleMark, wrapIn, lift } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import type { MarkType, NodeType } from 'prosemirror-model';
import { type Command, type EditorState, type Plugin } from 'prosemirror-state';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { redoCommand, undoCommand } from 'y-prosemirror';
import { toggleCodeBlock } from './blocks.js';
import { openLinkField } from './link-popover.js';
import { schema } from './schema.js';

const { nodes, marks } = schema;

export function markActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

export function blockActive(state: EditorState, type: NodeType, attrs: Record<string, unknown> = {}): boolean {
  const { $from, to } = state.selection;
  for (let d = $from.depth; d >= 0; d--) {
    const node = $from.node(d);
    if (node.type === type && Object.entries(attrs).every(([k, v]) => node.attrs[k] === v)) return to <= $from.end(d);
  }
  return false;
}

/** A heading of `level`, or back to a paragraph when the block already is one. */
export const toggleHeading =
  (level: number): Command =>
  (state, dispatch) =>
    blockActive(state, nodes.heading!, { level })
      ? setBlockType(nodes.paragraph!)(state, dispatch)
      : setBlockType(nodes.heading!, { level })(state, dispatch);

export const toggleBlockquote: Command = (state, dispatch) =>
  blockActive(state, nodes.blockquote!) ? lift(state, dispatch) : wrapIn(nodes.blockquote!)(state, dispatch);

export const toggleList =
  (type: NodeType): Command =>
  (state, dispatch) =>
    blockActive(state, type) ? liftListItem(nodes.list_item!)(state, dispatch) : wrapInList(type)(state, dispatch);

export const commands = {
  bold: toggleMark(marks.strong!),
  italic: toggleMark(marks.em!),
  code: toggleMark(marks.code!),
  link: openLinkField,
  h1: toggleHeading(1),
  h2: toggleHeading(2),
  h3: toggleHeading(3),
  paragraph: setBlockType(nodes.paragraph!),
  bulletList: toggleList(nodes.bullet_list!),
  orderedList: toggleList(nodes.ordered_list!),
  blockquote: toggleBlockquote,
  codeBlock: toggleCodeBlock,
  undo: undoCommand as Command,
  redo: redoCommand as Command,
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
    'Shift-Ctrl-0': commands.paragraph,
    'Shift-Ctrl-1': commands.h1,
    'Shift-Ctrl-2': commands.h2,
    'Shift-Ctrl-3': commands.h3,
    'Shift-Ctrl-8': commands.bulletList,
    'Shift-Ctrl-9': commands.orderedList,
    'Ctrl->': commands.blockquote,
    'Shift-Ctrl-\\': commands.codeBlock,
    Enter: splitListItem(nodes.list_item!),
    'Mod-[': liftListItem(nodes.list_item!),
    'Mod-]': sinkListItem(nodes.list_item!),
    'Shift-Enter': hardBreak,
    'Mod-Enter': hardBreak,
  };
  if (!mac) keys['Mod-y'] = commands.redo;
  return [keymap(keys), keymap(baseKeymap)];
}
