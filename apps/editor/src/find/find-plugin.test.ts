import type { Node } from 'prosemirror-model';
import { Slice } from 'prosemirror-model';
import { EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { findKey, findPlugin, replaceRange } from './find-plugin.js';
import { findMatches } from './search-core.js';

const { nodes } = schema;
const p = (text: string) => nodes.paragraph!.create(null, text === '' ? [] : [schema.text(text)]);
const doc = (...blocks: Node[]) => nodes.doc!.create(null, blocks);

function open(d: Node, text: string, from = 0): EditorState {
  const state = EditorState.create({ doc: d, plugins: [findPlugin({ onChange: () => undefined, readOnly: false })] });
  return state.apply(state.tr.setMeta(findKey, { type: 'search', query: { text, caseSensitive: false }, from }));
}
const find = (state: EditorState) => findKey.getState(state)!;
/** The text under each highlight, the current one in brackets. */
const shown = (state: EditorState) =>
  find(state)
    .decorations.find()
    .map((d) => ((d.spec as { current: boolean }).current ? `[${state.doc.textBetween(d.from, d.to)}]` : state.doc.textBetween(d.from, d.to)));

describe('findPlugin', () => {
  it('does no work while closed: its state is the same object through edits', () => {
    const state = EditorState.create({ doc: doc(p('a cat')), plugins: [findPlugin({ onChange: () => undefined, readOnly: false })] });
    const before = find(state);
    const after = state.apply(state.tr.insertText('cat ', 1));
    expect(find(after)).toBe(before);
    expect(find(after).decorations.find()).toEqual([]);
  });

  it('highlights every match and the current one apart, from the given position', () => {
    const state = open(doc(p('cat one'), p('cat two')), 'cat', 3);
    expect(find(state).matches).toHaveLength(2);
    expect(shown(state)).toEqual(['cat', '[cat]']);
  });

  it('keeps the matches up to date through edits, the current one staying on its text', () => {
    let state = open(doc(p('cat one'), p('cat two')), 'cat', 3);
    // Typing a match before the current one: one more match, the current one still "cat two".
    state = state.apply(state.tr.insertText('cat ', 1));
    expect(shown(state)).toEqual(['cat', 'cat', '[cat]']);
    expect(state.doc.textBetween(find(state).matches[find(state).current]!.from, state.doc.content.size, '|')).toBe('cat two');
    // Breaking a match: it goes.
    state = state.apply(state.tr.delete(2, 3));
    expect(shown(state)).toEqual(['cat', '[cat]']);
  });

  it('follows a change that replaces the whole document, as a remote change arrives, keeping the current match', () => {
    const one = p('cat one');
    const two = p('cat two');
    let state = open(doc(one, two), 'cat', 10);
    expect(shown(state)).toEqual(['cat', '[cat]']);
    // y-prosemirror replaces the whole document, with the same node for every block that did not change.
    const remote = doc(p('a cat, a cat and one'), two);
    state = state.apply(state.tr.replace(0, state.doc.content.size, new Slice(remote.content, 0, 0)));
    expect(shown(state)).toEqual(['cat', 'cat', '[cat]']);
  });

  it('moves the current highlight alone, and closes to nothing', () => {
    let state = open(doc(p('cat cat cat')), 'cat');
    const before = find(state).decorations;
    state = state.apply(state.tr.setMeta(findKey, { type: 'go', index: 2 }));
    expect(shown(state)).toEqual(['cat', 'cat', '[cat]']);
    expect(find(state).decorations).not.toBe(before);
    state = state.apply(state.tr.setMeta(findKey, { type: 'close' }));
    expect(find(state).open).toBe(false);
    expect(shown(state)).toEqual([]);
    state = state.apply(state.tr.insertText('cat', 1));
    expect(shown(state)).toEqual([]);
  });

  it('keeps its highlights equal to a fresh search through many kinds of edit, with one current match', () => {
    let state = open(doc(p('cat dog cat'), p('no match'), p('concat')), 'cat', 5);
    const edits: Array<(s: EditorState) => EditorState> = [
      (s) => s.apply(s.tr.insertText('ca', 14)), // "no catch" half-way: "no camatch"…
      (s) => s.apply(s.tr.insertText('t', 16)),
      (s) => s.apply(s.tr.split(5)), // a block split inside the first paragraph
      (s) => s.apply(s.tr.delete(2, 3)), // the first "cat" broken
      (s) => s.apply(s.tr.join(s.doc.child(0).nodeSize)), // blocks joined again
      (s) => s.apply(s.tr.insertText('CAT', 1)),
      (s) => s.apply(s.tr.replace(0, s.doc.content.size, new Slice(doc(p('cat cat'), ...Array.from({ length: s.doc.childCount }, (_, i) => s.doc.child(i))).content, 0, 0))),
      (s) => s.apply(s.tr.delete(0, s.doc.child(0).nodeSize)),
      (s) => s.apply(s.tr.insertText('cat', s.doc.content.size - 1)),
    ];
    for (const edit of edits) {
      state = edit(state);
      const expected = findMatches(state.doc, find(state).query).map((m) => state.doc.textBetween(m.from, m.to));
      expect(shown(state).map((t) => t.replace(/^\[(.*)\]$/, '$1'))).toEqual(expected);
      expect(find(state).matches.map((m) => state.doc.textBetween(m.from, m.to))).toEqual(expected);
      const marked = shown(state).findIndex((t) => t.startsWith('['));
      expect(marked).toBe(find(state).current);
      expect(shown(state).filter((t) => t.startsWith('['))).toHaveLength(expected.length === 0 ? 0 : 1);
    }
  });
});

describe('replacing a match', () => {
  const { marks } = schema;
  const link = (href: string) => marks.link!.create({ href });
  const para = (...parts: Array<[string, ...ReturnType<typeof link>[]]>) => nodes.paragraph!.create(null, parts.map(([text, ...m]) => schema.text(text, m)));
  const replaceEvery = (d: Node, query: string, text: string) => {
    const state = EditorState.create({ doc: d });
    const tr = state.tr;
    const matches = findMatches(d, { text: query, caseSensitive: false });
    for (let i = matches.length - 1; i >= 0; i--) replaceRange(tr, matches[i]!, text);
    return tr.doc.child(0);
  };
  const runs = (block: Node) => {
    const out: string[] = [];
    block.forEach((child) => out.push(`${child.text}${child.marks.map((m) => `[${m.type.name}${m.attrs.href ? ` ${m.attrs.href}` : ''}]`).join('')}`));
    return out;
  };

  it("keeps the marks of the replaced text's first character: a link's whole text replaced stays a link", () => {
    const before = para(['See '], ['Acme', link('https://acme.example')], [' and '], ['the Acme page', link('https://acme.example/p')], [' today'], ['Acme', marks.strong!.create()]);
    expect(runs(replaceEvery(doc(before), 'Acme', 'Globex'))).toEqual([
      'See ',
      'Globex[link https://acme.example]', // before: plain text, the link gone
      ' and ',
      'the Globex page[link https://acme.example/p]',
      ' today',
      'Globex[strong]',
    ]);
  });

  it('takes the first character\'s marks when the match starts outside a link and ends in it', () => {
    const before = para(['go '], ['here', link('https://x.example')]);
    expect(runs(replaceEvery(doc(before), 'go he', 'to the'))).toEqual(['to the', 're[link https://x.example]']);
  });
});
