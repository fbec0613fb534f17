import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { countText, createCounter, describeCounts, selectionCounts } from './word-count.js';

const doc = (...texts: string[]) => schema.node('doc', null, texts.map((t) => schema.node('paragraph', null, t === '' ? [] : [schema.text(t)])));

describe('word count', () => {
  it('counts words and characters (spaces included) as people read them', () => {
    expect(countText('Hello, world! It’s 2 o’clock.')).toEqual({ words: 5, characters: 29 });
    expect(countText('')).toEqual({ words: 0, characters: 0 });
    expect(countText('  ...  ')).toEqual({ words: 0, characters: 7 });
    expect(countText('a\nb')).toEqual({ words: 2, characters: 2 });
    expect(countText('café 👩‍👩‍👧')).toEqual({ words: 1, characters: 6 });
  });

  it('counts every block of a document, a list item too, and a word never runs across two blocks', () => {
    const list = schema.node('bullet_list', null, [schema.node('list_item', null, [schema.node('paragraph', null, [schema.text('two words')])])]);
    const d = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('end')]), list, schema.node('paragraph', null, [schema.text('start')])]);
    expect(createCounter()(d)).toEqual({ words: 4, characters: 17 });
  });

  it('recounts only the blocks that changed', () => {
    const counted: string[] = [];
    const count = createCounter((text) => (counted.push(text), countText(text)));
    const before = doc('one two', 'three', 'four five six');
    expect(count(before).words).toBe(6);
    const state = EditorState.create({ doc: before });
    const after = state.apply(state.tr.insertText(' seven', 15)).doc;
    counted.length = 0;
    expect(count(after).words).toBe(7);
    expect(counted).toEqual(['three seven']);
  });

  it('counts the selection, and says "n of m" with one', () => {
    const d = doc('one two three', 'four');
    const state = EditorState.create({ doc: d, selection: TextSelection.create(d, 5, 20) });
    const selection = selectionCounts(state);
    // Line ends between blocks separate words and are not characters, in the selection as in the document.
    expect(selection).toEqual({ words: 3, characters: 13 });
    expect(describeCounts(createCounter()(d), selection)).toBe('3 of 4 words · 13 of 17 characters');
    expect(describeCounts({ words: 1, characters: 1 }, null)).toBe('1 word · 1 character');
    expect(selectionCounts(EditorState.create({ doc: d }))).toBeNull();
  });
});
