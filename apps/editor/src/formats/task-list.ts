// Task lists in the editor: `[ ] ` or `[x] ` typed at the start of a paragraph or list item, a toolbar
// button, a real checkbox per item that anyone who may edit can click (a viewer's is disabled and does
// nothing), Ctrl+Enter to tick the caret's item, and Enter, Ctrl+[ and Ctrl+] as in other lists.

import { InputRule } from 'prosemirror-inputrules';
import { keymap } from 'prosemirror-keymap';
import type { Node, NodeType } from 'prosemirror-model';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { type Command, type EditorState, Plugin, TextSelection, type Transaction } from 'prosemirror-state';
import { findWrapping } from 'prosemirror-transform';
import type { EditorView, NodeView, ViewMutationRecord } from 'prosemirror-view';
import { blockActive, overText } from '../commands.js';
import { schema } from '../schema.js';
import type { ToolbarButton } from '../toolbar.js';

const { nodes } = schema;

/** The nearest task item around the selection's start, and its position. */
function taskItemAt(state: EditorState): { node: Node; pos: number } | undefined {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type === nodes.task_item) return { node: $from.node(d), pos: $from.before(d) };
  return undefined;
}

/** Ticks the caret's task item, or unticks it. */
export const toggleTaskChecked: Command = (state, dispatch) => {
  const item = taskItemAt(state);
  if (item === undefined) return false;
  dispatch?.(state.tr.setNodeAttribute(item.pos, 'checked', item.node.attrs.checked !== true));
  return true;
};

/**
 * Replaces the list at `pos` by one of `listType`, its items turned into `itemType` (`checked` for the
 * item at `index`, when turning into a task list). Sizes do not change, so positions stay where they were.
 */
function convertList(tr: Transaction, pos: number, listType: NodeType, itemType: NodeType, index = -1, checked = false): Transaction {
  const list = tr.doc.nodeAt(pos)!;
  const items: Node[] = [];
  list.forEach((item, _, i) => items.push(itemType.create(itemType === nodes.task_item ? { checked: i === index && checked } : null, item.content)));
  const { from, to } = tr.selection;
  tr.replaceWith(pos, pos + list.nodeSize, listType.create(null, items));
  return tr.setSelection(TextSelection.create(tr.doc, from, to));
}

/** The bullet or numbered list around the selection, if it is the innermost list. */
function plainListAt(state: EditorState): { node: Node; pos: number } | undefined {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) {
    const node = $from.node(d);
    if (node.type === nodes.bullet_list || node.type === nodes.ordered_list) return { node, pos: $from.before(d) };
    if (node.type === nodes.task_list) return undefined;
  }
  return undefined;
}

/** The toolbar's task list: out of a task list, a bullet or numbered list turned into one, or a new one. */
export const toggleTaskList: Command = overText((state, dispatch) => {
  if (blockActive(state, nodes.task_list!)) return liftListItem(nodes.task_item!)(state, dispatch);
  const list = plainListAt(state);
  if (list !== undefined) {
    dispatch?.(convertList(state.tr, list.pos, nodes.task_list!, nodes.task_item!).scrollIntoView());
    return true;
  }
  return wrapInList(nodes.task_list!)(state, dispatch);
});

/**
 * `[ ] ` or `[x] ` (or `[] `) at the start of a paragraph: a task list item there. In a bullet or numbered
 * list's item, that list becomes a task list; in a task item, it sets the box.
 */
export function taskMarkerTyped(state: EditorState, match: RegExpMatchArray, start: number, end: number): Transaction | null {
  const $start = state.doc.resolve(start);
  if ($start.parent.type !== nodes.paragraph) return null;
  const checked = match[1] === 'x' || match[1] === 'X';
  const tr = state.tr.delete(start, end);
  const depth = $start.depth;
  if (depth >= 2 && $start.index(depth - 1) === 0) {
    const item = $start.node(depth - 1);
    if (item.type === nodes.task_item) return tr.setNodeAttribute($start.before(depth - 1), 'checked', checked);
    const list = $start.node(depth - 2);
    if (item.type === nodes.list_item && (list.type === nodes.bullet_list || list.type === nodes.ordered_list)) {
      return convertList(tr, $start.before(depth - 2), nodes.task_list!, nodes.task_item!, $start.index(depth - 2), checked);
    }
  }
  const range = tr.doc.resolve(tr.mapping.map(start)).blockRange();
  const wrapping = range && findWrapping(range, nodes.task_list!);
  if (!range || !wrapping) return null;
  wrapping[wrapping.length - 1] = { type: nodes.task_item!, attrs: { checked } };
  return tr.wrap(range, wrapping);
}

export const taskListInputRule = new InputRule(/^\[([ xX]?)\]\s$/, taskMarkerTyped);

/** A task item: its checkbox (outside the editable text) and its blocks. */
class TaskItemView implements NodeView {
  readonly dom: HTMLLIElement;
  readonly contentDOM: HTMLDivElement;
  private readonly checkbox: HTMLInputElement;

  constructor(
    private node: Node,
    private readonly view: EditorView,
    private readonly getPos: () => number | undefined,
  ) {
    this.dom = document.createElement('li');
    this.dom.className = 'task-item';
    this.dom.dataset.type = 'task-item';
    const box = document.createElement('span');
    box.className = 'task-item-box';
    box.contentEditable = 'false';
    this.checkbox = document.createElement('input');
    this.checkbox.type = 'checkbox';
    this.checkbox.setAttribute('aria-label', 'Done');
    // Out of the tab order: Tab belongs to the text (lists, tables); Ctrl+Enter ticks from the keyboard.
    this.checkbox.tabIndex = -1;
    // Keep the caret and focus in the text.
    this.checkbox.addEventListener('mousedown', (event) => event.preventDefault());
    this.checkbox.addEventListener('click', (event) => this.clicked(event));
    box.append(this.checkbox);
    this.contentDOM = document.createElement('div');
    this.contentDOM.className = 'task-item-content';
    this.dom.append(box, this.contentDOM);
    this.render();
  }

  private clicked(event: MouseEvent): void {
    const pos = this.getPos();
    // A viewer's box is disabled; should a click still arrive (the view turned read-only), undo it.
    if (!this.view.editable || pos === undefined) {
      event.preventDefault();
      return;
    }
    // The browser has toggled the box; the document follows (and everyone else's with it).
    this.view.dispatch(this.view.state.tr.setNodeAttribute(pos, 'checked', this.checkbox.checked));
  }

  private render(): void {
    const checked = this.node.attrs.checked === true;
    this.checkbox.checked = checked;
    this.checkbox.disabled = !this.view.editable;
    this.dom.dataset.checked = String(checked);
  }

  update(node: Node): boolean {
    if (node.type !== this.node.type) return false;
    this.node = node;
    this.render();
    return true;
  }

  stopEvent(event: Event): boolean {
    return event.target === this.checkbox;
  }

  ignoreMutation(mutation: ViewMutationRecord): boolean {
    return mutation.type !== 'selection' && !this.contentDOM.contains(mutation.target);
  }
}

export function taskListPlugins(): Plugin[] {
  return [
    new Plugin({
      props: { nodeViews: { task_item: (node, view, getPos) => new TaskItemView(node, view, getPos) } },
      // The boxes follow the view turning read-only (access withdrawn) or editable again.
      view: () => {
        let editable: boolean | undefined;
        return {
          update(view) {
            if (view.editable === editable) return;
            editable = view.editable;
            for (const box of view.dom.querySelectorAll<HTMLInputElement>('.task-item-box > input')) box.disabled = !editable;
          },
        };
      },
    }),
    keymap({
      Enter: splitListItem(nodes.task_item!, { checked: false }),
      'Mod-Enter': toggleTaskChecked,
      'Mod-[': liftListItem(nodes.task_item!),
      'Mod-]': sinkListItem(nodes.task_item!),
      'Shift-Ctrl-9': toggleTaskList,
    }),
  ];
}

export const taskListButton: ToolbarButton = {
  command: 'taskList',
  run: toggleTaskList,
  label: '☑',
  name: 'Task list',
  keys: 'Ctrl+Shift+9',
  active: (s) => blockActive(s, nodes.task_list!),
};
