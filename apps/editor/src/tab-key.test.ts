import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from './schema.js';
import { tabCommand } from './tab-key.js';

/** A code block holding `text`, selected from `from` to `to` (offsets in the text). */
const code = (text: string, from: number, to = from) => {
  const doc = schema.node('doc', null, [schema.node('code_block', null, [schema.text(text)])]);
  const state = EditorState.create({ schema, doc });
  return state.apply(state.tr.setSelection(TextSelection.create(doc, 1 + from, 1 + to)));
};
const press = (state: EditorState, outdent: boolean) => {
  let next = state;
  tabCommand(outdent)(state, (tr) => (next = state.apply(tr)));
  return next;
};
const selected = (state: EditorState) => state.doc.textBetween(state.selection.from, state.selection.to, '\n');

describe('Tab in a code block', () => {
  it('types a tab at the caret, and Shift+Tab takes one from the start of its line', () => {
    const typed = press(code('a\nb', 2), false);
    expect(typed.doc.textContent).toBe('a\n\tb');
    expect(press(typed, true).doc.textContent).toBe('a\nb');
  });

  it('with lines selected, indents each of them and keeps them selected, as code editors do (it replaced the selection with a tab)', () => {
    // "one" (from its middle) to "two": both lines, not "three".
    const indented = press(code('one\ntwo\nthree', 1, 6), false);
    expect(indented.doc.textContent).toBe('\tone\n\ttwo\nthree');
    expect(selected(indented)).toBe('ne\n\ttw');
    const outdented = press(indented, true);
    expect(outdented.doc.textContent).toBe('one\ntwo\nthree');
    // Whole lines selected up to the start of the next: that next line is not one of them.
    expect(press(code('one\ntwo\nthree', 0, 8), false).doc.textContent).toBe('\tone\n\ttwo\nthree');
    // A line without a tab at its start is left as it is.
    expect(press(code('\tone\ntwo', 0, 6), true).doc.textContent).toBe('one\ntwo');
  });
});
