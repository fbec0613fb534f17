import { EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { changedRanges, rangeEnds } from './changed-ranges.js';
import { schema } from './schema.js';

const p = (text: string) => schema.node('paragraph', null, text === '' ? [] : [schema.text(text)]);
const state = EditorState.create({ schema, doc: schema.node('doc', null, [p('one'), p('two'), p('three')]) });

describe('changedRanges', () => {
  it('gives each changed range in the document after the last transaction', () => {
    const first = state.tr.insertText('X', 1); // Xone
    const second = state.apply(first).tr.insertText('YY', 13); // …thYYree (one+X: 6, two: 5, th: 2)
    expect(changedRanges([first, second])).toEqual([
      [1, 2],
      [13, 15],
    ]);
  });
  it('maps an earlier step through the later ones', () => {
    const tr = state.tr.insertText('X', 6).insertText('AB', 1); // the X moves on by two
    expect(changedRanges([tr])).toEqual([
      [8, 9],
      [1, 3],
    ]);
  });
  it('is unsure, when asked to be strict, of a change of attributes, which no map shows', () => {
    const tr = state.tr.setNodeAttribute(0, 'id', 'x');
    expect(changedRanges([tr], { strict: true })).toBeNull();
    expect(changedRanges([tr])).toEqual([]);
    const marks = state.tr.addMark(1, 3, schema.marks.strong!.create());
    expect(changedRanges([marks], { strict: true })).toEqual([]);
  });
});

describe('rangeEnds', () => {
  it('resolves only the end of a range within one textblock', () => {
    const ends = rangeEnds(state.doc, 2, 3);
    expect(ends.map((e) => e.pos)).toEqual([3]);
  });
  it('resolves both ends of a range across blocks, or one starting before its textblock', () => {
    expect(rangeEnds(state.doc, 2, 7).map((e) => e.pos)).toEqual([2, 7]);
    expect(rangeEnds(state.doc, 0, 3).map((e) => e.pos)).toEqual([0, 3]);
  });
});
