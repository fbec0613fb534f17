import type { Node } from 'prosemirror-model';
import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { insertHorizontalRule } from './horizontal-rule.js';

const p = (text = '') => schema.node('paragraph', null, text === '' ? [] : [schema.text(text)]);
const at = (doc: Node, pos: number) => EditorState.create({ doc, selection: TextSelection.create(doc, pos) });
const run = (state: EditorState) => {
  let next = state;
  const ok = insertHorizontalRule(state, (tr) => (next = state.apply(tr)));
  return { ok, next };
};
const shape = (doc: Node) => doc.content.content.map((n) => `${n.type.name}:${n.textContent}`);

describe('inserting a horizontal rule', () => {
  it('takes the place of an empty paragraph, the caret going to a new one after it', () => {
    const { ok, next } = run(at(schema.node('doc', null, [p('before'), p()]), 9));
    expect(ok).toBe(true);
    expect(shape(next.doc)).toEqual(['paragraph:before', 'horizontal_rule:', 'paragraph:']);
    expect(next.selection.$from.parent.type.name).toBe('paragraph');
    expect(next.selection.from).toBe(10);
  });

  it('splits a paragraph at the caret', () => {
    const { next } = run(at(schema.node('doc', null, [p('onetwo')]), 4));
    expect(shape(next.doc)).toEqual(['paragraph:one', 'horizontal_rule:', 'paragraph:two']);
    expect(next.selection.$from.parent.textContent).toBe('two');
  });

  it('adds a paragraph to type into when the rule ends the document', () => {
    const { next } = run(at(schema.node('doc', null, [p('end')]), 4));
    expect(shape(next.doc)).toEqual(['paragraph:end', 'horizontal_rule:', 'paragraph:']);
    expect(next.selection.$from.parent.type.name).toBe('paragraph');
  });
});
