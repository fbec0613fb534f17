// Nodes and marks the editor makes read a stored attribute that ProseMirror's validate refuses as its
// default, where ProseMirror threw (and y-prosemirror then deleted what it could not read).

import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';

const { nodes, marks } = schema;

describe('attributes as stored', () => {
  it('a heading level, a task item\'s checked and a list\'s order of the wrong type are read as their defaults', () => {
    expect(schema.nodeFromJSON({ type: 'heading', attrs: { level: 'abc' }, content: [{ type: 'text', text: 'x' }] }).attrs.level).toBe(1);
    expect(nodes.task_item!.createAndFill({ checked: 'yes' })!.attrs.checked).toBe(false);
    expect(nodes.ordered_list!.createChecked({ order: '3' }, nodes.list_item!.createAndFill()!).attrs.order).toBe(1);
  });

  it('a link to a number is a link to its text; valid values are kept as they are', () => {
    expect(marks.link!.create({ href: 5 }).attrs.href).toBe('5');
    expect(schema.mark('link', { href: 'https://example.com/', title: null }).attrs).toEqual({ href: 'https://example.com/', title: null });
    expect(nodes.heading!.create({ level: 3 }).attrs.level).toBe(3);
    expect(nodes.task_item!.createAndFill({ checked: true })!.attrs.checked).toBe(true);
  });
});
