import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { exitCodeOnEmptyLastLine, leaveCodeBlockDown, toggleCodeBlock } from './blocks.js';
import { schema } from './schema.js';

const code = (text: string, after = false) => {
  const blocks = [schema.node('code_block', null, text === '' ? [] : [schema.text(text)])];
  if (after) blocks.push(schema.node('paragraph'));
  const doc = schema.node('doc', null, blocks);
  const state = EditorState.create({ schema, doc });
  return state.apply(state.tr.setSelection(TextSelection.create(doc, 1 + text.length)));
};
const apply = (state: EditorState, command: typeof toggleCodeBlock) => {
  let next = state;
  const ok = command(state, (tr) => (next = state.apply(tr)));
  return { ok, next };
};
const shape = (state: EditorState) => state.doc.content.content.map((n) => `${n.type.name}:${JSON.stringify(n.textContent)}`);

describe('code blocks', () => {
  it('Enter on an empty last line drops it and continues in a paragraph', () => {
    const { ok, next } = apply(code('a\n'), exitCodeOnEmptyLastLine);
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['code_block:"a"', 'paragraph:""']);
    expect(next.selection.$from.parent.type.name).toBe('paragraph');
  });
  it('Enter at the end of a line with text stays in the block', () => expect(exitCodeOnEmptyLastLine(code('a'))).toBe(false));
  it('ArrowDown leaves a code block that ends the document, not one followed by text', () => {
    const { ok, next } = apply(code('a'), leaveCodeBlockDown);
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['code_block:"a"', 'paragraph:""']);
    expect(leaveCodeBlockDown(code('a', true))).toBe(false);
  });
  it('the code block command over several code blocks (after Select all) makes them all paragraphs', () => {
    const doc = schema.node('doc', null, [schema.node('code_block', null, [schema.text('a')]), schema.node('code_block', null, [schema.text('b')])]);
    const state = EditorState.create({ schema, doc, selection: TextSelection.create(doc, 1, 5) });
    const { ok, next } = apply(state, toggleCodeBlock);
    expect(ok).toBe(true);
    expect(shape(next)).toEqual(['paragraph:"a"', 'paragraph:"b"']);
  });
  it('the code block command toggles back to a paragraph, lines becoming hard breaks', () => {
    const { next } = apply(code('a\nb'), toggleCodeBlock);
    expect(next.doc.firstChild!.type.name).toBe('paragraph');
    expect(next.doc.firstChild!.childCount).toBe(3);
    expect(next.doc.firstChild!.child(1).type.name).toBe('hard_break');
  });
});
