import type { Node } from 'prosemirror-model';
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { wrapInList } from 'prosemirror-schema-list';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import { poisonFirstStep } from './poison-first-step.js';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { updateChangedBlocks } from './narrow-sync.js';
import { childAt } from './relative-position.js';

const { nodes } = schema;
const p = (text: string) => nodes.paragraph!.create(null, text === '' ? [] : [schema.text(text)]);
const start = () => nodes.doc!.create(null, ['one', 'two', '', 'three', 'four'].map(p));
const at = (doc: Node, block: number, offset = 1) => doc.resolve(0).posAtIndex(block, 0) + offset;

function bound(doc: Node) {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  const binding = { type, doc: ydoc, mapping: new Map(), isOMark: new Map() };
  updateYFragment(ydoc, type, doc, binding);
  return binding;
}

const EDITS: Record<string, (s: EditorState) => Transaction> = {
  'typing in a block': (s) => s.tr.insertText('x', at(s.doc, 1, 2)),
  'typing into an empty block': (s) => s.tr.insertText('x', at(s.doc, 2)),
  'Enter in the middle of a block': (s) => s.tr.split(at(s.doc, 3, 3)),
  'Enter at the start of a block': (s) => s.tr.split(at(s.doc, 3)),
  'Enter at the end of the last block': (s) => s.tr.split(at(s.doc, 4, 5)),
  'Backspace joining two blocks': (s) => s.tr.join(at(s.doc, 1, 0)),
  'deleting blocks': (s) => s.tr.delete(at(s.doc, 1, -1), at(s.doc, 3, -1)),
  'a heading from a paragraph': (s) => s.tr.setBlockType(at(s.doc, 0), at(s.doc, 0), nodes.heading!, { level: 2 }),
  'pasting several blocks': (s) => s.tr.insert(at(s.doc, 2, -1), [p('a'), p('b'), p('c')]),
  'a list around two blocks': (s) => {
    let tr: Transaction | undefined;
    wrapInList(nodes.bullet_list!)(s.apply(s.tr.setSelection(TextSelection.create(s.doc, at(s.doc, 0), at(s.doc, 1)))), (t) => (tr = t));
    return tr!;
  },
  'everything replaced': (s) => s.tr.replaceWith(0, s.doc.content.size, p('new')),
};

describe('updateChangedBlocks', () => {
  it.each(Object.keys(EDITS))('leaves Yjs mirroring the document after %s, as the whole-document update does', (name) => {
    let state = EditorState.create({ schema, doc: start() });
    const binding = bound(state.doc);
    const reference = bound(state.doc);
    let tr = EDITS[name]!(state);
    // Selections set by the edit helpers may belong to an intermediate state; only the document matters.
    const next = tr.doc;
    expect(next.eq(state.doc)).toBe(false);
    expect(updateChangedBlocks(binding, state.doc, next)).toBe(true);
    updateYFragment(reference.doc, reference.type, next, reference);
    expect(yXmlFragmentToProseMirrorRootNode(binding.type, schema).toJSON()).toEqual(next.toJSON());
    expect(binding.type.toJSON()).toEqual(reference.type.toJSON());
    // Every top-level Yjs block maps to the new document's block, so the next edit can be narrow too.
    for (let i = 0; i < next.childCount; i++) expect(binding.mapping.get(childAt(binding.type, i)!)).toBe(next.child(i));
    state = state.apply(tr);
    tr = state.tr.insertText('y', 1);
    expect(updateChangedBlocks(binding, next, tr.doc)).toBe(true);
    expect(yXmlFragmentToProseMirrorRootNode(binding.type, schema).toJSON()).toEqual(tr.doc.toJSON());
  });

  it('touches only the changed block: other blocks keep their Yjs types', () => {
    const doc = start();
    const binding = bound(doc);
    const before = [0, 1, 2, 3, 4].map((i) => childAt(binding.type, i));
    const next = EditorState.create({ schema, doc }).tr.insertText('x', at(doc, 3, 2)).doc;
    updateChangedBlocks(binding, doc, next);
    expect([0, 1, 2, 3, 4].map((i) => childAt(binding.type, i))).toEqual(before);
    expect((childAt(binding.type, 3) as Y.XmlElement).toString()).toBe('<paragraph>txhree</paragraph>');
  });

  it('keeps a block\'s text in its Yjs block when Enter at its start adds an empty block before it', () => {
    const doc = start();
    const binding = bound(doc);
    // Someone else, with the same document, types at the end of "three" meanwhile.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(binding.doc));
    const three = (childAt(other.getXmlFragment('prosemirror'), 3) as Y.XmlElement).get(0) as Y.XmlText;
    three.insert(5, '!');
    const text = (childAt(binding.type, 3) as Y.XmlElement).get(0);
    const next = EditorState.create({ schema, doc }).tr.split(at(doc, 3)).doc;
    expect(updateChangedBlocks(binding, doc, next)).toBe(true);
    expect((childAt(binding.type, 4) as Y.XmlElement).get(0)).toBe(text);
    Y.applyUpdate(binding.doc, Y.encodeStateAsUpdate(other));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(binding.doc));
    for (const d of [binding.doc, other]) {
      expect(yXmlFragmentToProseMirrorRootNode(d.getXmlFragment('prosemirror'), schema).content.content.map((b) => b.textContent)).toEqual([
        'one',
        'two',
        '',
        '',
        'three!',
        'four',
      ]);
    }
  });

  it('finds the changed block without stepping through the blocks before it', () => {
    const doc = start();
    const binding = bound(doc);
    const heal = poisonFirstStep(binding.type);
    const next = EditorState.create({ schema, doc }).tr.insertText('x', at(doc, 3, 2)).doc;
    expect(updateChangedBlocks(binding, doc, next)).toBe(true);
    heal();
    expect(binding.type.toJSON()).toContain('<paragraph>txhree</paragraph>');
  });

  it('refuses, changing nothing, when Yjs does not hold the blocks it was said to mirror', () => {
    const doc = start();
    const binding = bound(nodes.doc!.create(null, [p('other')]));
    const next = EditorState.create({ schema, doc }).tr.insertText('x', 2).doc;
    expect(updateChangedBlocks(binding, doc, next)).toBe(false);
    expect(binding.type.toString()).toBe('<paragraph>other</paragraph>');
  });
});
