// What Tab does inside the text: indent or outdent a list item (a task item too), the next or previous
// cell in a table, a tab character in code (at the start of each selected line when lines are selected),
// nothing elsewhere. Escape, then Tab (or Shift+Tab) lets the browser move focus out of the editor.

import { liftListItem, sinkListItem } from 'prosemirror-schema-list';
import type { NodeType } from 'prosemirror-model';
import { type Command, type EditorState, Plugin, TextSelection } from 'prosemirror-state';
import { liftListItemNumberingOn } from './blocks.js';
import { caretInCell, tableTab } from './formats/tables.js';
import { LIST_TYPES, schema } from './schema.js';
import { OWN_UNDO_STEP } from './undo-steps.js';

/** Read to screen-reader users as the editor's description. */
export const TAB_KEY_HINT =
  'Tab indents list items and Shift+Tab outdents them; in a table they go to the next and previous cell. Ctrl+Enter ticks a task. To leave the text, press Escape, then Tab.';

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock']);

const inCode = (state: EditorState) => state.selection.$from.parent.type.spec.code === true;

/** The type of the innermost list item around the caret (a bullet or numbered one, or a task). */
const listItemType = (state: EditorState): NodeType | undefined => {
  const { $from } = state.selection;
  const { list_item, task_item } = schema.nodes;
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type === list_item || $from.node(d).type === task_item) return $from.node(d).type;
  return undefined;
};

/** Where each line the selection touches starts, as offsets in the code block's text. */
const selectedLineStarts = (state: EditorState): number[] => {
  const { $from, $to } = state.selection;
  const text = $from.parent.textContent;
  const from = $from.parentOffset;
  // The selection's end inside the same block (a selection reaching past it stops at its end).
  const to = $to.parent === $from.parent ? $to.parentOffset : text.length;
  const starts = [from === 0 ? 0 : text.lastIndexOf('\n', from - 1) + 1];
  // A line the selection only reaches the start of (whole lines selected up to the next) is not one of them.
  for (let i = text.indexOf('\n', from); i !== -1 && i + 1 < to; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
};

/** A tab at the caret; with text selected, one at the start of each line it touches (the selection kept). */
const insertTab: Command = (state, dispatch) => {
  if (state.selection.empty) {
    dispatch?.(state.tr.insertText('\t').scrollIntoView());
    return true;
  }
  const base = state.selection.$from.start();
  const tr = state.tr;
  // From the last line up, so that each insertion leaves the earlier offsets as they were.
  for (const start of selectedLineStarts(state).reverse()) tr.insertText('\t', base + start);
  // Indenting lines is a step of its own, as in a code editor, not typing: else it and the Shift+Tab
  // after it made one step that changed nothing, and Ctrl+Z seemed to do nothing (found by a review).
  dispatch?.(tr.setMeta(OWN_UNDO_STEP, true).scrollIntoView());
  return true;
};

/** Removes one tab from the start of each line the selection touches in a code block (the caret's line). */
const removeLeadingTab: Command = (state, dispatch) => {
  const base = state.selection.$from.start();
  const text = state.selection.$from.parent.textContent;
  const tr = state.tr;
  for (const start of selectedLineStarts(state).reverse()) if (text[start] === '\t') tr.delete(base + start, base + start + 1);
  // A step of its own, as indenting is (see insertTab).
  if (tr.docChanged) dispatch?.(tr.setMeta(OWN_UNDO_STEP, true));
  return true;
};


/**
 * Indents (or outdents) the items of each list the selection holds, list by list, as Google Docs does: every
 * item that can move does (the first item of a list stays, it has nothing to go under), and those nested
 * in it go with it. Outdenting takes a top-level item out of its list, as Shift+Tab on one item does.
 */
const eachSelectedList =
  (outdent: boolean): Command =>
  (state, dispatch) => {
    const { from, to } = state.selection;
    const ranges: Array<{ from: number; to: number; item: NodeType }> = [];
    state.doc.nodesBetween(from, to, (node, pos) => {
      if (node.isTextblock) return false;
      if (!LIST_TYPES.has(node.type.name)) return true;
      let first = -1;
      let last = -1;
      node.forEach((child, offset, index) => {
        const start = pos + 1 + offset;
        if (start + child.nodeSize > from && start < to) {
          if (first < 0) first = index;
          last = index;
        }
      });
      if (!outdent && first === 0) first = 1;
      // Only the list's first item, which cannot be indented: the lists in it may hold some that can.
      if (first > last) return true;
      // From the start of the first item's content to the end of the last's: the list is their block range.
      let start = pos + 1;
      for (let i = 0; i < first; i++) start += node.child(i).nodeSize;
      let end = start;
      for (let i = first; i <= last; i++) end += node.child(i).nodeSize;
      ranges.push({ from: start + 1, to: end - 1, item: node.child(0).type });
      return false;
    });
    const tr = state.tr;
    // From the last list up, so that each change leaves the positions before it as they were.
    for (const range of ranges.reverse()) {
      const selection = TextSelection.between(tr.doc.resolve(range.from), tr.doc.resolve(range.to));
      const current = Object.create(state, { doc: { value: tr.doc }, selection: { value: selection }, storedMarks: { value: null } }) as EditorState;
      (outdent ? liftListItem : sinkListItem)(range.item)(current, (t) => {
        for (const step of t.steps) tr.step(step);
      });
    }
    if (tr.docChanged) dispatch?.(tr.scrollIntoView());
    return tr.docChanged;
  };

/** The command for Tab (or Shift+Tab with `outdent`) at the current selection; it always consumes the key. */
export const tabCommand =
  (outdent: boolean): Command =>
  (state, dispatch, view) => {
    if (inCode(state)) return (outdent ? removeLeadingTab : insertTab)(state, dispatch, view);
    // The innermost of a table cell and a list item decides.
    if (caretInCell(state)) return tableTab(outdent)(state, dispatch, view);
    const item = listItemType(state);
    if (item !== undefined && (outdent ? liftListItemNumberingOn : sinkListItem)(item)(state, dispatch, view)) return true;
    // Items selected together (Select all, or from a list's first item on): the commands above take them
    // as one range, which fails when the range holds an item that cannot move (a list's first one cannot
    // be indented) or spans several lists; then Tab indented nothing at all (found by a review).
    if (!state.selection.empty) eachSelectedList(outdent)(state, dispatch, view);
    // Outside lists and code Tab does nothing, rather than move focus away mid-sentence: the next
    // keys typed would land in whatever took focus (the "Your name" box renamed people this way).
    return true;
  };

/** Handles Tab and Shift+Tab in the editor; after Escape, lets the next one through to the browser. */
export function tabKeyPlugin(): Plugin {
  // One-shot, and per editor: set by Escape, spent by the next key or lost with focus.
  let leaving = false;
  return new Plugin({
    props: {
      handleKeyDown(view, event) {
        if (MODIFIERS.has(event.key)) return false;
        const plain = !event.ctrlKey && !event.altKey && !event.metaKey;
        if (event.key === 'Escape' && plain) {
          // Not consumed: whatever else listens for Escape still hears it.
          leaving = true;
          return false;
        }
        const wasLeaving = leaving;
        leaving = false;
        if (event.key !== 'Tab' || !plain || wasLeaving) return false;
        return tabCommand(event.shiftKey)(view.state, view.dispatch, view);
      },
      handleDOMEvents: {
        blur() {
          leaving = false;
          return false;
        },
      },
    },
  });
}
