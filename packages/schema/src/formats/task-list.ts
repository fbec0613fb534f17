// Task lists: a list of items with a checkbox each (`checked`), and their Markdown, GitHub's
// `- [ ] open` / `- [x] done`. HTML is `<ul data-type="task-list">` with `<li data-type="task-item"
// data-checked>` holding a checkbox and the item's blocks; GitHub's own task list HTML reads as one too.

import type MarkdownIt from 'markdown-it';
import type StateCore from 'markdown-it/lib/rules_core/state_core.mjs';
import type Token from 'markdown-it/lib/token.mjs';
import type { MarkdownSerializerState, ParseSpec } from 'prosemirror-markdown';
import type { Node, NodeSpec } from 'prosemirror-model';

/** Whether an item's `<li>` is checked: its `data-checked`, else the checkbox at its start. */
function checkedIn(dom: { getAttribute(name: string): string | null; querySelector(selector: string): { hasAttribute(name: string): boolean } | null }): boolean {
  const data = dom.getAttribute('data-checked');
  if (data !== null) return data === 'true';
  const box = dom.querySelector('input[type=checkbox]');
  return box !== null && box.hasAttribute('checked');
}

export const taskListNodeSpecs: Record<string, NodeSpec> = {
  task_list: {
    content: 'task_item+',
    group: 'block',
    // Before bullet_list's plain `ul`.
    parseDOM: [
      { tag: 'ul[data-type=task-list]', priority: 60 },
      { tag: 'ul.contains-task-list', priority: 60 },
    ],
    toDOM: () => ['ul', { 'data-type': 'task-list', class: 'task-list' }, 0],
  },
  task_item: {
    attrs: { checked: { default: false, validate: 'boolean' } },
    content: 'paragraph block*',
    defining: true,
    parseDOM: [
      { tag: 'li[data-type=task-item]', priority: 60, getAttrs: (dom) => ({ checked: checkedIn(dom) }) },
      { tag: 'li.task-list-item', priority: 60, getAttrs: (dom) => ({ checked: checkedIn(dom) }) },
    ],
    toDOM: (node) => {
      const checked = node.attrs.checked === true;
      return [
        'li',
        { 'data-type': 'task-item', 'data-checked': String(checked), class: 'task-item' },
        ['input', { type: 'checkbox', checked: checked ? 'checked' : null, disabled: 'disabled', 'aria-label': 'Done' }],
        ['div', { class: 'task-item-content' }, 0],
      ];
    },
  },
};

type NodeSerializer = (state: MarkdownSerializerState, node: Node, parent: Node, index: number) => void;

export const taskListMarkdown: Record<string, NodeSerializer> = {
  task_list: (state, node) => state.renderList(node, '  ', (i) => (node.child(i).attrs.checked === true ? '- [x] ' : '- [ ] ')),
  task_item: (state, node) => state.renderContent(node),
};

export const taskListTokens: Record<string, ParseSpec> = {
  task_list: { block: 'task_list' },
  task_item: { block: 'task_item', getAttrs: (token) => ({ checked: token.meta?.checked === true }) },
};

const MARKER = /^\[([ xX])\](?:[ \t]+|$)/;

/** The first inline token of the list item opening at `open`, if its first child is a paragraph. */
function firstInline(tokens: Token[], open: number): Token | undefined {
  const paragraph = tokens[open + 1];
  const inline = tokens[open + 2];
  return paragraph?.type === 'paragraph_open' && inline?.type === 'inline' ? inline : undefined;
}

/**
 * A bullet list whose every item starts with `[ ]` or `[x]` becomes a task list (before inline parsing,
 * so the marker is cut from the source text). A list mixing tasks and plain items stays a bullet list,
 * its brackets as text.
 */
function taskLists(state: StateCore): void {
  const { tokens } = state;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.type !== 'bullet_list_open') continue;
    const level = tokens[i]!.level;
    const items: number[] = [];
    let close = i + 1;
    for (; close < tokens.length; close++) {
      const t = tokens[close]!;
      if (t.type === 'bullet_list_close' && t.level === level) break;
      if (t.type === 'list_item_open' && t.level === level + 1) items.push(close);
    }
    if (!items.every((at) => MARKER.test(firstInline(tokens, at)?.content ?? ''))) continue;
    tokens[i]!.type = 'task_list_open';
    tokens[close]!.type = 'task_list_close';
    for (const at of items) {
      const inline = firstInline(tokens, at)!;
      const marker = MARKER.exec(inline.content)!;
      inline.content = inline.content.slice(marker[0].length);
      tokens[at]!.type = 'task_item_open';
      tokens[at]!.meta = { checked: marker[1] !== ' ' };
      // Its close: the next list_item_close at the same level.
      for (let j = at + 1; j < close; j++) {
        if (tokens[j]!.type === 'list_item_close' && tokens[j]!.level === tokens[at]!.level) {
          tokens[j]!.type = 'task_item_close';
          break;
        }
      }
    }
  }
}

/** GitHub-style task lists in a markdown-it instance. */
export function markdownItTaskLists(md: MarkdownIt): void {
  md.core.ruler.before('inline', 'tandem_task_lists', taskLists);
}
