import { type Node } from 'prosemirror-model';
import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { run } from './test-states.js';
import { formatCovers, toggleFormat } from './mark-toggle.js';

const strong = schema.marks.strong!;
const para = (...nodes: Node[]) => schema.nodes.paragraph!.create(null, nodes);
const bold = (text: string) => schema.text(text, [strong.create()]);
const plain = (text: string) => schema.text(text);

/** A state of one paragraph with `from`…`to` (offsets into its text) selected. */
function selecting(paragraph: Node, from: number, to: number): EditorState {
  const doc = schema.nodes.doc!.create(null, [paragraph]);
  return EditorState.create({ schema, doc, selection: TextSelection.create(doc, 1 + from, 1 + to) });
}

const runs = (state: EditorState) => {
  const out: string[] = [];
  state.doc.firstChild!.forEach((n) => out.push(`${n.text}${strong.isInSet(n.marks) ? '*' : ''}`));
  return out;
};

describe('toggleFormat', () => {
  it('formats all of a selection only partly formatted', () => {
    const { ok, next } = run(selecting(para(plain('one '), bold('two'), plain(' three')), 0, 13), toggleFormat(strong));
    expect(ok).toBe(true);
    expect(runs(next)).toEqual(['one two three*']);
  });

  it('takes the format off a selection all of which has it', () => {
    const { next } = run(selecting(para(bold('one two')), 0, 7), toggleFormat(strong));
    expect(runs(next)).toEqual(['one two']);
  });

  it('formats a selection that has none of it', () => {
    const { next } = run(selecting(para(plain('one two')), 4, 7), toggleFormat(strong));
    expect(runs(next)).toEqual(['one ', 'two*']);
  });
});

describe('formatCovers', () => {
  it('is false over text only partly formatted, true when all of it is', () => {
    const state = selecting(para(plain('one '), bold('two'), plain(' three')), 0, 13);
    expect(formatCovers(state, strong)).toBe(false);
    expect(formatCovers(selecting(para(plain('one '), bold('two'), plain(' three')), 4, 7), strong)).toBe(true);
  });

  it('leaves a blank run at the edge of the selection out, as the toggle does', () => {
    expect(formatCovers(selecting(para(bold('two'), plain(' three')), 0, 4), strong)).toBe(true);
  });

  it('at a caret, says what typing would get', () => {
    const state = selecting(para(bold('two'), plain(' three')), 2, 2);
    expect(formatCovers(state, strong)).toBe(true);
    expect(formatCovers(selecting(para(bold('two'), plain(' three')), 5, 5), strong)).toBe(false);
  });
});
