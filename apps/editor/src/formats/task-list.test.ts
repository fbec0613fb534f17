// Task list commands on plain editor states: the typed `[ ] ` / `[x] ` marker, the toolbar's toggle, Ctrl+Enter.

import type { Node } from 'prosemirror-model';
import type { EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { p, run, stateAt } from './test-states.js';
import { taskMarkerTyped, toggleTaskChecked, toggleTaskList } from './task-list.js';

const { nodes } = schema;

/** The marker `[x] ` as if just typed at the start of the paragraph holding the caret (the rule's view of it). */
function typeMarker(state: EditorState, marker: string): EditorState {
  const start = state.selection.$from.start();
  const typed = state.apply(state.tr.insertText(marker.slice(0, -1), start));
  const end = start + marker.length - 1;
  const tr = taskMarkerTyped(typed, /^\[([ xX]?)\]\s$/.exec(marker)!, start, end);
  if (tr === null) throw new Error('the rule did not apply');
  return typed.apply(tr);
}

/** The document as `type(checked?):text` per block, lists opened. */
const shape = (doc: Node): string[] => {
  const out: string[] = [];
  doc.forEach((block) => {
    if (block.type === nodes.task_list) block.forEach((item) => out.push(`task(${item.attrs.checked ? 'x' : ' '}):${item.textContent}`));
    else if (block.type === nodes.bullet_list || block.type === nodes.ordered_list) block.forEach((item) => out.push(`${block.type.name}:${item.textContent}`));
    else out.push(`${block.type.name}:${block.textContent}`);
  });
  return out;
};

describe('typing [ ] or [x]', () => {
  it('at the start of a paragraph makes it a task, ticked for [x]', () => {
    expect(shape(typeMarker(stateAt([p('buy milk')], 'buy milk', 0), '[ ] ').doc)).toEqual(['task( ):buy milk']);
    expect(shape(typeMarker(stateAt([p('done')], 'done', 0), '[x] ').doc)).toEqual(['task(x):done']);
  });

  it('in a bullet list item turns the list into a task list, the caret staying in its item', () => {
    const list = nodes.bullet_list!.create(null, [nodes.list_item!.create(null, p('one')), nodes.list_item!.create(null, p('two'))]);
    const next = typeMarker(stateAt([list], 'two', 0), '[x] ');
    expect(shape(next.doc)).toEqual(['task( ):one', 'task(x):two']);
    expect(next.selection.$from.parent.textContent).toBe('two');
  });
});

describe('the toolbar toggle and Ctrl+Enter', () => {
  it('toggles a paragraph into a task list and back', () => {
    const on = run(stateAt([p('a')], 'a'), toggleTaskList).next;
    expect(shape(on.doc)).toEqual(['task( ):a']);
    expect(shape(run(on, toggleTaskList).next.doc)).toEqual(['paragraph:a']);
  });

  it('turns a numbered list into a task list', () => {
    const list = nodes.ordered_list!.create(null, [nodes.list_item!.create(null, p('one')), nodes.list_item!.create(null, p('two'))]);
    expect(shape(run(stateAt([list], 'one'), toggleTaskList).next.doc)).toEqual(['task( ):one', 'task( ):two']);
  });

  it('Ctrl+Enter ticks and unticks the caret’s task, and does nothing outside a task list', () => {
    const state = stateAt([nodes.task_list!.create(null, [nodes.task_item!.create(null, p('a')), nodes.task_item!.create(null, p('b'))])], 'b');
    const ticked = run(state, toggleTaskChecked).next;
    expect(shape(ticked.doc)).toEqual(['task( ):a', 'task(x):b']);
    expect(shape(run(ticked, toggleTaskChecked).next.doc)).toEqual(['task( ):a', 'task( ):b']);
    expect(toggleTaskChecked(stateAt([p('x')], 'x'))).toBe(false);
  });
});
