// Task lists in Markdown (GitHub's `- [ ]` / `- [x]`) and HTML, in and out.

import { describe, expect, it } from 'vitest';
import { toHtmlFragment, toMarkdown } from '../export.js';
import { fromHtml, fromMarkdown } from '../import.js';
import { schema } from '../schema.js';

const { nodes } = schema;

describe('task lists', () => {
  it('imports `- [ ]` and `- [x]` items as a task list with their checked state, the marker gone from the text', () => {
    const doc = fromMarkdown('- [ ] write the plan\n- [x] book the room\n- [X] send *invites*\n');
    const list = doc.child(0);
    expect(list.type).toBe(nodes.task_list);
    expect(list.content.content.map((item) => [item.type.name, item.attrs.checked, item.textContent])).toEqual([
      ['task_item', false, 'write the plan'],
      ['task_item', true, 'book the room'],
      ['task_item', true, 'send invites'],
    ]);
  });

  it('exports task items as `- [ ] x` and `- [x] x`, nested content indented under them', () => {
    const item = (checked: boolean, text: string, ...more: ReturnType<typeof nodes.paragraph.create>[]) =>
      nodes.task_item!.create({ checked }, [nodes.paragraph!.create(null, schema.text(text)), ...more]);
    const nested = nodes.task_list!.create(null, item(false, 'sub'));
    const doc = nodes.doc!.create(null, nodes.task_list!.create(null, [item(false, 'open'), item(true, 'done', nested)]));
    const md = toMarkdown(doc);
    expect(md).toBe('- [ ] open\n\n- [x] done\n\n  - [ ] sub');
    expect(fromMarkdown(md).eq(doc)).toBe(true);
  });

  it('leaves a list mixing tasks and plain items a bullet list, its brackets kept as text', () => {
    const doc = fromMarkdown('- [ ] task\n- plain\n');
    expect(doc.child(0).type).toBe(nodes.bullet_list);
    expect(doc.child(0).child(0).textContent).toBe('[ ] task');
  });

  it('does not take a link or "[ ]" in the middle of an item for a task', () => {
    expect(fromMarkdown('- [a](https://example.com) x\n').child(0).type).toBe(nodes.bullet_list);
    expect(fromMarkdown('- a [ ] b\n').child(0).type).toBe(nodes.bullet_list);
    expect(fromMarkdown('[ ] not in a list\n').child(0).type).toBe(nodes.paragraph);
  });

  it('exports HTML with a checkbox per item and reads it back; reads GitHub’s task list HTML too', () => {
    const doc = fromMarkdown('- [x] done\n- [ ] open\n');
    const html = toHtmlFragment(doc);
    expect(html).toContain('<li data-type="task-item" data-checked="true" class="task-item"><input type="checkbox" checked="checked" disabled="disabled" aria-label="Done">');
    expect(fromHtml(html).eq(doc)).toBe(true);
    const github =
      '<ul class="contains-task-list"><li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" checked disabled> done</li>' +
      '<li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled> open</li></ul>';
    const parsed = fromHtml(github);
    expect(parsed.child(0).type).toBe(nodes.task_list);
    expect(parsed.child(0).content.content.map((item) => [item.attrs.checked, item.textContent.trim()])).toEqual([
      [true, 'done'],
      [false, 'open'],
    ]);
  });
});
