// Nodes and marks the editor makes read a stored attribute that ProseMirror's validate refuses as its
// default, where ProseMirror threw (and y-prosemirror then deleted what it could not read).

import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { yElement, yLine } from '../collab/test-editors.js';

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

  it('a list item starting with a nested list is read with an empty first line, and the document as stored is not changed', () => {
    const ydoc = new Y.Doc();
    const fragment = ydoc.getXmlFragment('prosemirror');
    const nested = yElement('bullet_list', yElement('list_item', yLine('nested')));
    fragment.insert(0, [yElement('bullet_list', yElement('list_item', yLine('one')), yElement('list_item', nested))]);
    const before = Y.encodeStateAsUpdate(ydoc);
    // What a viewer's page does with it (y-prosemirror's reading; it deleted what it could not read).
    const doc = yXmlFragmentToProseMirrorRootNode(fragment, schema);
    expect(doc.firstChild!.child(1).toJSON()).toEqual({
      type: 'list_item',
      content: [{ type: 'paragraph' }, { type: 'bullet_list', content: [{ type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'nested' }] }] }] }],
    });
    expect(Y.encodeStateAsUpdate(ydoc)).toEqual(before);
    // Content ProseMirror's own steps build is made exactly as given.
    expect(nodes.list_item!.create(null, [doc.firstChild!.child(1).child(1)]).childCount).toBe(1);
  });

  it('a code block holding a marked text is read with its text, unmarked, and the document as stored is not changed', () => {
    // Stored before the server refused such marks (or by another server): y-prosemirror deleted the block.
    const ydoc = new Y.Doc();
    const fragment = ydoc.getXmlFragment('prosemirror');
    const text = new Y.XmlText();
    fragment.insert(0, [yLine('before'), yElement('code_block', text)]);
    text.insert(0, 'let x = 1;');
    text.format(0, 3, { strong: true });
    const before = Y.encodeStateAsUpdate(ydoc);
    const doc = yXmlFragmentToProseMirrorRootNode(fragment, schema);
    expect(doc.child(1).toJSON()).toEqual({ type: 'code_block', content: [{ type: 'text', text: 'let x = 1;' }] });
    expect(Y.encodeStateAsUpdate(ydoc)).toEqual(before);
    // Marks where the block allows them are kept.
    expect(nodes.paragraph!.createChecked(null, schema.text('bold', [marks.strong!.create()])).firstChild!.marks).toHaveLength(1);
  });
});
