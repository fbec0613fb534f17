// Block behaviour people expect from a word processor: list markers that convert a list rather than nest
// one, a code block button that toggles, and code blocks you can leave with Enter twice or ArrowDown.

import { chainCommands, exitCode, joinTextblockBackward, joinTextblockForward, setBlockType, wrapIn } from 'prosemirror-commands';
import { InputRule } from 'prosemirror-inputrules';
import { keymap } from 'prosemirror-keymap';
import { liftListItem } from 'prosemirror-schema-list';
import { type Attrs, Fragment, type Node, type NodeType, type ResolvedPos, Slice } from 'prosemirror-model';
import { canJoin, findWrapping } from 'prosemirror-transform';
import { type Command, type EditorState, Plugin, Selection, TextSelection, type Transaction } from 'prosemirror-state';
import { runOn } from './command-on-transaction.js';
import { schema } from './schema.js';

const { nodes } = schema;

/**
 * Whether every text block the selection touches is a code block. Not only the caret's block: after
 * Select all made each paragraph a code block, the button showed pressed but a second press did nothing,
 * since the selection was in no single code block (found by a review).
 */
const allCode = (state: EditorState) => {
  const { from, to } = state.selection;
  let all = true;
  state.doc.nodesBetween(from, to, (node) => {
    if (!all || !node.isTextblock) return all;
    all = node.type === nodes.code_block;
    return false;
  });
  return all;
};

const isItem = (node: Node) => node.type === nodes.list_item || node.type === nodes.task_item;
const isList = (node: Node) => node.type === nodes.bullet_list || node.type === nodes.ordered_list || node.type === nodes.task_list;

/**
 * Takes the list item at `tr`'s selection out of every list around it, level by level as Enter on an empty
 * item does, the list going on after it (numbered on, when it was numbered); whether it could.
 */
function liftOutOfLists(state: EditorState, tr: Transaction): boolean {
  for (let level = 0; level < 100; level++) {
    const $from = tr.selection.$from;
    if ($from.depth < 2 || !isItem($from.node(-1))) return true;
    if (!runOn(state, tr, liftListItemNumberingOn($from.node(-1).type))) return false;
  }
  return false;
}

/**
 * Takes every list item the selection (over several blocks) touches out of every list, innermost lists first;
 * whether it could. Select all over a paragraph and a list, then H1: the list's lines stayed list items, so
 * the button never showed pressed and a second press did nothing (found by a review).
 */
function liftRangeOutOfLists(state: EditorState, tr: Transaction): boolean {
  for (let round = 0; round < 1000; round++) {
    const { from, to } = tr.selection;
    // The deepest list the selection touches, and the first and last of its items it touches.
    let found: { pos: number; depth: number; node: Node } | undefined;
    tr.doc.nodesBetween(from, to, (node, pos) => {
      if (node.isTextblock) return false;
      if (isList(node)) {
        const depth = tr.doc.resolve(pos).depth;
        if (found === undefined || depth > found.depth) found = { pos, depth, node };
      }
      return true;
    });
    if (found === undefined) return true;
    const { pos, node } = found;
    let first = -1;
    let itemsFrom = 0;
    let itemsTo = 0;
    node.forEach((item, offset, index) => {
      const at = pos + 1 + offset;
      if (at + item.nodeSize > from && at < to) {
        if (first < 0) [first, itemsFrom] = [index, at];
        itemsTo = at + item.nodeSize;
      }
    });
    if (first < 0) return false;
    // From inside the first item to inside the last: liftListItem lifts the items of that range.
    // The items after them number on when they leave the middle of a numbered list, as one item does.
    const selection = TextSelection.between(tr.doc.resolve(itemsFrom + 1), tr.doc.resolve(itemsTo - 1));
    if (!runOn(state, tr, liftListItemNumberingOn(node.child(first).type), selection)) return false;
  }
  return false;
}

/**
 * After the ordered list at `listIndex` in the block starting at `containerStart` split around `blocks`
 * blocks lifted out of it: the part after numbers on from the part before, as the one list it was ("one", a
 * heading, "three" numbered 1 and 2, as Google Docs does), not from the start again.
 */
function numberOnAfterSplit(tr: Transaction, containerStart: number, listIndex: number, blocks: number): void {
  const container = tr.doc.resolve(containerStart).parent;
  const before = container.maybeChild(listIndex);
  const after = container.maybeChild(listIndex + 1 + blocks);
  if (before === null || after === null || before.type !== nodes.ordered_list || after.type !== nodes.ordered_list) return;
  let pos = containerStart;
  for (let i = 0; i < listIndex + 1 + blocks; i++) pos += container.child(i).nodeSize;
  tr.setNodeMarkup(pos, null, { ...after.attrs, order: (before.attrs.order as number) + before.childCount });
}

/**
 * ProseMirror's `liftListItem`, the items after the lifted ones numbering on when they leave the middle of a
 * top-level numbered list (Shift+Tab, the list button, Enter on an empty item): the items after were a list
 * of their own numbered from 1 again, where Google Docs numbers them on, as headings made there do (found by a review).
 */
export const liftListItemNumberingOn =
  (itemType: NodeType): Command =>
  (state, dispatch, view) => {
    const { $from, $to } = state.selection;
    const range = $from.blockRange($to, (node) => node.firstChild?.type === itemType);
    if (range === null) return liftListItem(itemType)(state, dispatch, view);
    const list = range.parent;
    const splits =
      list.type === nodes.ordered_list && (range.depth < 2 || !isItem($from.node(range.depth - 1))) && range.startIndex > 0 && range.endIndex < list.childCount;
    let blocks = 0;
    for (let i = range.startIndex; i < range.endIndex; i++) blocks += list.child(i).childCount;
    const containerStart = $from.start(range.depth - 1);
    const listIndex = $from.index(range.depth - 1);
    return liftListItem(itemType)(
      state,
      dispatch &&
        ((tr) => {
          // The container's start is before every change the lift makes inside it.
          if (splits) numberOnAfterSplit(tr, tr.mapping.map(containerStart, -1), listIndex, blocks);
          dispatch(tr);
        }),
      view,
    );
  };

/**
 * Enter on an empty item of a top-level list (an item of one paragraph): the item leaves the list, the items
 * after it numbering on. ProseMirror's Enter lifted the empty paragraph out with `liftEmptyBlock`, numbering
 * the rest from 1 again. In a nested list splitListItem outdents the item as before.
 */
export const liftEmptyItem: Command = (state, dispatch, view) => {
  const { $from, empty } = state.selection;
  // Not a task item: the task list's own keys handle Enter there.
  if (!empty || $from.depth < 3 || $from.parent.content.size > 0 || $from.node(-1).type !== nodes.list_item || $from.node(-1).childCount !== 1) return false;
  if ($from.depth > 3 && isItem($from.node(-3))) return false;
  return liftListItemNumberingOn(nodes.list_item!)(state, dispatch, view);
};

/**
 * `tr` with its selection's list item lifted out of its lists and made a text block of `type` (a code block,
 * a heading); null if it cannot be. A list item's first block is a paragraph, so such a block cannot stay in
 * the list: it leaves it, the list going on after it.
 */
export function textblockOutOfLists(state: EditorState, tr: Transaction, type: NodeType, attrs: Attrs | null = null): Transaction | null {
  const { $from, $to } = tr.selection;
  if (!($from.sameParent($to) ? liftOutOfLists(state, tr) : liftRangeOutOfLists(state, tr))) return null;
  const { from, to } = tr.selection;
  tr.setBlockType(from, to, type, attrs);
  return tr.doc.resolve(tr.selection.from).parent.type === type ? tr : null;
}

/** Whether a text block the selection touches stands in a list item. */
function touchesItems(state: EditorState): boolean {
  let inItem = false;
  state.doc.nodesBetween(state.selection.from, state.selection.to, (node) => {
    if (isItem(node)) inItem = true;
    return !inItem && !node.isTextblock;
  });
  return inItem;
}

/** A command: the selection's text block made `type` when it may be, else its list item taken out of its lists as one. */
export const setTextblockType =
  (type: NodeType, attrs: Attrs | null = null): Command =>
  (state, dispatch) => {
    // Over several blocks some of which are list items, setBlockType changed only the others.
    if (!(!state.selection.$from.sameParent(state.selection.$to) && touchesItems(state)) && setBlockType(type, attrs)(state, dispatch)) return true;
    const tr = textblockOutOfLists(state, state.tr, type, attrs);
    if (tr === null) return false;
    dispatch?.(tr.scrollIntoView());
    return true;
  };

/** `tr` with its selection's list item lifted out of its lists and wrapped in a `type` (a quote); null if it cannot be. */
function wrappedOutOfLists(state: EditorState, tr: Transaction, type: NodeType): Transaction | null {
  if (!liftOutOfLists(state, tr)) return null;
  const { $from, $to } = tr.selection;
  const range = $from.blockRange($to);
  const wrapping = range === null ? null : findWrapping(range, type);
  return range === null || wrapping === null ? null : tr.wrap(range, wrapping);
}

/** A command: the selection's blocks wrapped in a `type` (a quote) when they may be, else its list item taken out of its lists into one. */
export const wrapInOrOutOfLists =
  (type: NodeType): Command =>
  (state, dispatch) => {
    if (wrapIn(type)(state, dispatch)) return true;
    const tr = wrappedOutOfLists(state, state.tr, type);
    if (tr === null) return false;
    dispatch?.(tr.scrollIntoView());
    return true;
  };

/**
 * Code blocks, or back to paragraphs when the selection is in code blocks only. In a list item's first line
 * (which a list holds as a paragraph), the item leaves its lists as a code block, as "```" typed there does:
 * the button did nothing there before (found by a review).
 */
export const toggleCodeBlock: Command = (state, dispatch) =>
  allCode(state) ? setBlockType(nodes.paragraph!)(state, dispatch) : setTextblockType(nodes.code_block!)(state, dispatch);

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
 * bullet list or a task list numbers it, "- " in a numbered list bullets it); in a list of the same kind it stays text,
 * where the plain wrapping rule would nest a second list.
 */
function listMarkerRule(pattern: RegExp, target: NodeType, attrs: (match: RegExpMatchArray, firstItem: boolean) => Record<string, unknown> | null): InputRule {
  return new InputRule(pattern, (state, match, start, end) => {
    const $start = state.doc.resolve(start);
    const item = $start.node(-1);
    if ($start.depth < 3 || $start.index(-1) !== 0 || (item.type !== nodes.list_item && item.type !== nodes.task_item)) return null;
    const list = $start.node(-2);
    if (list.type === target) return state.tr.insertText(match[0].slice(-1), end);
    const tr = state.tr.delete(start, end);
    if (list.type === nodes.task_list) {
      // A task list's items are of another type, so the list is written again with list items holding the
      // same blocks, as the toolbar's list buttons do: the marker stayed text in a task list (found by a review).
      const items: Node[] = [];
      tr.doc.nodeAt($start.before(-2))!.forEach((task) => items.push(nodes.list_item!.create(null, task.content)));
      const { from, to } = tr.selection;
      tr.replaceWith($start.before(-2), $start.after(-2) - (end - start), target.create(attrs(match, $start.index(-2) === 0), items));
      return tr.setSelection(TextSelection.create(tr.doc, from, to));
    }
    if (list.type !== nodes.bullet_list && list.type !== nodes.ordered_list) return null;
    return tr.setNodeMarkup($start.before(-2), target, attrs(match, $start.index(-2) === 0));
  });
}

export const listConversionRules: InputRule[] = [
  // The list's numbering starts at the typed number only when typed in its first item.
  listMarkerRule(/^(\d+)\.\s$/, nodes.ordered_list!, (m, firstItem) => ({ order: firstItem ? Number(m[1]) : 1 })),
  listMarkerRule(/^\s*([-+*])\s$/, nodes.bullet_list!, () => null),
];

/**
 * "```" typed in an empty list item: the item leaves its lists (as Enter on an empty item does, level by level)
 * and becomes a code block, the list going on after it. A list item's first block is a paragraph, so the
 * plain code block rule left the backticks as text there (found by a review). A step of its own, as the
 * other shortcuts are: Ctrl+Z or Backspace right after brings back the item and its "```".
 */
export const codeBlockInListRule = new InputRule(/^```$/, (state, _match, start, end) => {
  const $start = state.doc.resolve(start);
  // Only "``" in the item's only block (the third backtick is the key being typed).
  if ($start.depth < 3 || !isItem($start.node(-1)) || $start.node(-1).childCount !== 1 || $start.parent.content.size !== end - start) return null;
  const tr = state.tr.delete(start, end);
  return textblockOutOfLists(state, tr.setSelection(TextSelection.create(tr.doc, start)), nodes.code_block!);
});

/**
 * "# ", "## " or "### " typed at the start of a list item: the item leaves its lists as a heading of that
 * level, its text kept, the list going on after it (a heading cannot be a list item's first block, so the
 * plain heading rule left the marker as text there). A step of its own, as the other shortcuts are.
 */
export const headingInListRule = new InputRule(/^(#{1,3})\s$/, (state, match, start, end) => {
  const $start = state.doc.resolve(start);
  if ($start.depth < 3 || !isItem($start.node(-1)) || $start.index(-1) !== 0 || start !== $start.start()) return null;
  const tr = state.tr.delete(start, end);
  return textblockOutOfLists(state, tr.setSelection(TextSelection.create(tr.doc, start)), nodes.heading!, { level: match[1]!.length });
});

/** "> " typed at the start of a list item: the item leaves its lists as a quote, as the heading rule above. */
export const quoteInListRule = new InputRule(/^\s*>\s$/, (state, _match, start, end) => {
  const $start = state.doc.resolve(start);
  if ($start.depth < 3 || !isItem($start.node(-1)) || $start.index(-1) !== 0 || start !== $start.start()) return null;
  const tr = state.tr.delete(start, end);
  return wrappedOutOfLists(state, tr.setSelection(TextSelection.create(tr.doc, start)), nodes.blockquote!);
});

/**
 * Backspace at the start of a paragraph right after a list or a quote: its text joins the last line above it,
 * however deeply nested, as lines join in Google Docs. ProseMirror's own join made the paragraph a second
 * block of the list's last top-level item, or of the quote, instead: after a nested list it jumped out to the
 * outer level and joined no text, and after a quote a second Backspace was needed (found by reviews).
 */
export const joinAfterListOrQuote: Command = (state, dispatch, view) => {
  const { $cursor } = state.selection as TextSelection;
  if (!$cursor || $cursor.parentOffset > 0 || (view && !view.endOfTextblock('backward'))) return false;
  if ($cursor.parent.type !== nodes.paragraph || $cursor.index(-1) === 0) return false;
  const container = $cursor.node(-1);
  const index = $cursor.index(-1);
  const before = container.child(index - 1);
  if (!isList(before) && before.type !== nodes.blockquote) return false;
  const after = container.maybeChild(index + 1);
  const containerStart = $cursor.start(-1);
  return joinTextblockBackward(state, dispatch && ((tr) => dispatch(mendSplitList(tr, tr.mapping.map(containerStart, -1), index - 1, before, after))), view);
};

/**
 * The line between two parts of one list joined up (Backspace): the parts are one list again, as in Google
 * Docs, when they are of one kind and, numbered, the second numbered on from the first. Left as two lists
 * side by side, they looked like one until an item was added above (found by an exploratory review).
 */
function mendSplitList(tr: Transaction, containerStart: number, listIndex: number, before: Node, after: Node | null): Transaction {
  if (after === null || !isList(before) || after.type !== before.type) return tr;
  if (before.type === nodes.ordered_list && (after.attrs.order as number) !== (before.attrs.order as number) + before.childCount) return tr;
  const container = tr.doc.resolve(containerStart).parent;
  const first = container.maybeChild(listIndex);
  const second = container.maybeChild(listIndex + 1);
  if (first?.type !== before.type || second?.type !== before.type) return tr;
  let pos = containerStart;
  for (let i = 0; i <= listIndex; i++) pos += container.child(i).nodeSize;
  return canJoin(tr.doc, pos) ? tr.join(pos) : tr;
}

/**
 * Delete at the end of a list's last line, a paragraph after the list: the paragraph's text joins that line,
 * as Backspace at the paragraph's start does (joinAfterListOrQuote); ProseMirror's join made the paragraph an
 * item of the list instead, its text on a line of its own. And at the end of a paragraph or heading right before
 * a list, the list's first line joins it, where ProseMirror took that item out of the list as a paragraph
 * of its own, its text not joined (found by reviews).
 */
export const joinListToNext: Command = (state, dispatch, view) => {
  const { $cursor } = state.selection as TextSelection;
  if (!$cursor || $cursor.parentOffset < $cursor.parent.content.size || (view && !view.endOfTextblock('forward'))) return false;
  // The blocks on either side of where Delete joins: the innermost ancestor with a block after the caret's.
  for (let d = $cursor.depth - 1; d >= 0; d--) {
    const index = $cursor.index(d);
    if (index + 1 >= $cursor.node(d).childCount) continue;
    const before = $cursor.node(d).child(index);
    const after = $cursor.node(d).child(index + 1);
    if (isList(before) && after.type === nodes.paragraph) return joinTextblockForward(state, dispatch, view);
    if ((before.type !== nodes.paragraph && before.type !== nodes.heading) || !isList(after)) return false;
    // After the join the list stands right after the caret's paragraph, as before.
    return joinTextblockForward(state, dispatch && ((tr) => dispatch(hoistEmptiedFirstItem(tr, tr.selection.$from.after(d + 1)))), view);
  }
  return false;
};

/**
 * The list at `listPos` whose first line just joined the paragraph before it: when that item held nested
 * items, they take its place a level up rather than stay under an empty line (items of the same kind only).
 */
function hoistEmptiedFirstItem(tr: Transaction, listPos: number): Transaction {
  const list = tr.doc.nodeAt(listPos);
  const item = list?.firstChild;
  if (!list || !isList(list) || !item || item.childCount < 2 || item.firstChild!.content.size > 0) return tr;
  const items: Node[] = [];
  for (let i = 1; i < item.childCount; i++) {
    const nested = item.child(i);
    if (!isList(nested) || nested.firstChild?.type !== item.type) return tr;
    nested.forEach((child) => items.push(child));
  }
  return tr.replaceWith(listPos + 1, listPos + 1 + item.nodeSize, items);
}

/**
 * Plain text ending in a line break (a line copied whole from a text editor or a terminal), pasted at the end
 * of a list item: the break is dropped, as blank lines are, rather than leaving an empty item behind with the
 * caret in it (found by a review). In the middle of an item it still ends the line, the rest going on the next.
 */
export function listPaste(): Plugin {
  return new Plugin({
    props: {
      transformPastedText(text, _plain, view) {
        const { $from, $to } = view.state.selection;
        if ($from.parent.type.spec.code === true || $to.parentOffset !== $to.parent.content.size) return text;
        let inItem = false;
        for (let d = $from.depth; d > 0; d--) if ($from.node(d).type === nodes.list_item || $from.node(d).type === nodes.task_item) inItem = true;
        return inItem ? text.replace(/(?:\r\n?|\n)+$/, '') : text;
      },
    },
  });
}

/**
 * Blocks a list item cannot take as its line (a heading, a quote, a code block, a table, a line) pasted into an
 * empty list item: the item first leaves its lists, as Enter on it would, and they go where it stood. Pasted
 * as they were, they went inside the item, under an empty line: a whole document copied and pasted into the
 * new task item after a checklist came out nested in it (found by an exploratory review). Paragraphs and
 * lists pasted there go on as before (lines of the item, items of its list); null when this does not apply.
 */
export function pasteOutOfEmptyItem(state: EditorState, slice: Slice): Transaction | null {
  const { $from, empty } = state.selection;
  if (!empty || $from.depth < 2 || $from.parent.type !== nodes.paragraph || $from.parent.content.size > 0) return null;
  const item = $from.node(-1);
  if (!isItem(item) || item.childCount !== 1) return null;
  let blocks = false;
  slice.content.forEach((node) => {
    if (node.isBlock && node.type !== nodes.paragraph && !isList(node) && !isItem(node)) blocks = true;
  });
  if (!blocks) return null;
  const tr = state.tr;
  if (!liftOutOfLists(state, tr)) return null;
  return tr.replaceSelection(slice).scrollIntoView().setMeta('paste', true).setMeta('uiEvent', 'paste');
}

export function pasteOutOfEmptyItemPlugin(): Plugin {
  return new Plugin({
    props: {
      handlePaste(view, _event, slice) {
        const tr = pasteOutOfEmptyItem(view.state, slice);
        if (tr === null) return false;
        view.dispatch(tr);
        return true;
      },
    },
  });
}

/** A clipboardTextParser's "not mine": ProseMirror then parses the text as usual (the first prop that returns a slice is used). */
const NOT_MINE = undefined as unknown as Slice;

/**
 * Plain text of several lines (blank ones dropped) as a slice of one block each, made by `block` from the line's
 * text in the marks at `$context`, open `depth` levels at either end (the first line joins the text before the
 * caret, the last the text after it); NOT_MINE for a single line.
 */
function linesAs(text: string, $context: ResolvedPos, block: (words: Node | null) => Node, depth: number): Slice {
  if (!/[\r\n]/.test(text)) return NOT_MINE;
  const marks = $context.marks();
  return new Slice(Fragment.from(text.split(/(?:\r\n?|\n)+/).map((line) => block(line === '' ? null : schema.text(line, marks)))), depth, depth);
}

/**
 * Lines of plain text pasted into a heading: headings of its level, as Google Docs gives pasted lines the
 * style of the line they land in. Each line was a paragraph, so the heading's own text after the caret,
 * joined to the last line, stopped being a heading (found by a review).
 */
export function headingPaste(): Plugin {
  return new Plugin({
    props: {
      clipboardTextParser(text, $context) {
        if ($context.parent.type !== nodes.heading) return NOT_MINE;
        return linesAs(text, $context, (words) => $context.parent.type.create($context.parent.attrs, words), 1);
      },
    },
  });
}

/**
 * Lines of plain text pasted into a list or task item: an item each, of that list, as Google Docs makes them.
 * Each line after the first was a second paragraph of the same item, without a bullet (found by an
 * exploratory run). The first line goes on the item's line at the caret, the last takes the item's text after
 * it; blank lines are dropped, as in a heading (headingPaste). New task items start unticked.
 */
export function itemLinesPaste(): Plugin {
  return new Plugin({
    props: {
      clipboardTextParser(text, $context) {
        if ($context.depth < 2 || $context.parent.type !== nodes.paragraph || !isItem($context.node(-1))) return NOT_MINE;
        const item = $context.node(-1);
        const attrs = item.type === nodes.task_item ? { checked: false } : item.attrs;
        return linesAs(text, $context, (words) => item.type.create(attrs, nodes.paragraph!.create(null, words)), 2);
      },
    },
  });
}

export function blockKeymap(): Plugin {
  // Ctrl+Backspace at a line's start and Ctrl+Delete at its end join lines as Backspace and Delete do there, as in
  // Google Docs (ProseMirror's base keymap gives them its own join, which made the line after a list an item of
  // it); within a line the browser deletes a word, as before.
  return keymap({
    Enter: chainCommands(exitCodeOnEmptyLastLine, liftEmptyItem),
    ArrowDown: leaveCodeBlockDown,
    Backspace: joinAfterListOrQuote,
    'Mod-Backspace': joinAfterListOrQuote,
    Delete: joinListToNext,
    'Mod-Delete': joinListToNext,
  });
}
