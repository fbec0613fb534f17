import type { Node } from 'prosemirror-model';
import { absolutePositionToRelativePosition, updateYFragment } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import { poisonFirstStep } from './poison-first-step.js';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { childAt, type Mapping, relativePosition } from './relative-position.js';

const { nodes, marks } = schema;
const p = (text = '') => nodes.paragraph!.create(null, text === '' ? [] : [schema.text(text)]);
const li = (...blocks: Node[]) => nodes.list_item!.create(null, blocks);

/** Binds `doc` to a fresh Yjs fragment the way the editor does, and returns the fragment and mapping. */
function bind(doc: Node): { type: Y.XmlFragment; mapping: Mapping } {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  const meta = { mapping: new Map(), isOMark: new Map() };
  updateYFragment(ydoc, type, doc, meta);
  return { type, mapping: meta.mapping as Mapping };
}

const outcome = (f: () => Y.RelativePosition) => {
  try {
    return Y.relativePositionToJSON(f());
  } catch (e) {
    return `throws ${(e as Error).constructor.name}`;
  }
};

const DOCS: Record<string, Node> = {
  'one paragraph': nodes.doc!.create(null, [p('hello')]),
  'empty paragraphs around text': nodes.doc!.create(null, [p(), p('ab'), p(), p(), p('c')]),
  'headings, marks and a hard break': nodes.doc!.create(null, [
    nodes.heading!.create({ level: 1 }, [schema.text('Title')]),
    nodes.paragraph!.create(null, [schema.text('plain '), schema.text('bold', [marks.strong!.create()]), nodes.hard_break!.create(), schema.text('x')]),
    nodes.heading!.create({ level: 3 }, []),
  ]),
  'lists, nested lists, quotes and code': nodes.doc!.create(null, [
    p('before'),
    nodes.bullet_list!.create(null, [li(p('one')), li(p('two'), nodes.ordered_list!.create(null, [li(p('a')), li(p())])), li(p())]),
    nodes.blockquote!.create(null, [p('quoted'), p()]),
    nodes.code_block!.create(null, [schema.text('let x = 1;\nx++')]),
    nodes.horizontal_rule!.create(),
    p('after'),
  ]),
  'a table and a task list': nodes.doc!.create(null, [
    p('before'),
    nodes.table!.create(null, [
      nodes.table_row!.create(null, [nodes.table_header!.create(null, p('h1')), nodes.table_header!.create(null, p())]),
      nodes.table_row!.create(null, [nodes.table_cell!.create(null, [p('a'), p('b')]), nodes.table_cell!.create(null, p('c'))]),
    ]),
    nodes.task_list!.create(null, [nodes.task_item!.create({ checked: true }, p('done')), nodes.task_item!.create(null, p())]),
    p('after'),
  ]),
  // ProseMirror shares unchanged node objects: one paragraph object mirrored by two Yjs elements.
  'the same block object twice': (() => {
    const shared = p('same');
    return nodes.doc!.create(null, [p('a'), shared, p('b'), shared, p('c')]);
  })(),
  'a long document': nodes.doc!.create(null, Array.from({ length: 300 }, (_, i) => (i % 7 === 3 ? p() : p(`paragraph ${i}`)))),
};

describe('relativePosition', () => {
  it.each(Object.entries(DOCS))('gives what y-prosemirror gives at every position: %s', (_, doc) => {
    const { type, mapping } = bind(doc);
    for (let pos = 0; pos <= doc.content.size; pos++) {
      expect(outcome(() => relativePosition(pos, doc, type, mapping)), `position ${pos}`).toEqual(
        outcome(() => absolutePositionToRelativePosition(pos, type, mapping)),
      );
    }
  });

  it('finds the block holding a position without stepping through the blocks before it', () => {
    const doc = DOCS['a long document']!;
    const { type, mapping } = bind(doc);
    const expected = [doc.content.size - 3, doc.content.size - 1].map((pos) => Y.relativePositionToJSON(absolutePositionToRelativePosition(pos, type, mapping)));
    poisonFirstStep(type);
    for (const [i, pos] of [doc.content.size - 3, doc.content.size - 1].entries()) {
      expect(Y.relativePositionToJSON(relativePosition(pos, doc, type, mapping))).toEqual(expected[i]);
    }
  });

  it('skips deleted blocks when finding a child by index', () => {
    const ydoc = new Y.Doc();
    const type = ydoc.getXmlFragment('f');
    type.insert(0, ['a', 'b', 'c', 'd'].map((name) => new Y.XmlElement(name)));
    type.delete(1, 2);
    expect((childAt(type, 1) as Y.XmlElement).nodeName).toBe('d');
    expect(childAt(type, 2)).toBeUndefined();
  });
});
