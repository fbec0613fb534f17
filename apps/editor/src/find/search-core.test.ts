import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { blockMemo, findMatches, matchAtOrAfter, matchesInTextblock, queryPattern } from './search-core.js';

const { marks, nodes } = schema;
const p = (...content: Array<string | Node>) => nodes.paragraph!.create(null, content.map((c) => (typeof c === 'string' ? schema.text(c) : c)));
const bold = (text: string) => schema.text(text, [marks.strong!.create()]);
const doc = (...blocks: Node[]) => nodes.doc!.create(null, blocks);

/** The text each match covers, read back from the document. */
const found = (d: Node, text: string, caseSensitive = false) => findMatches(d, { text, caseSensitive }).map(({ from, to }) => d.textBetween(from, to));

describe('findMatches', () => {
  it('finds every occurrence, ignoring case unless asked', () => {
    const d = doc(p('Cat, cat and CAT. Concatenate.'));
    expect(found(d, 'cat')).toEqual(['Cat', 'cat', 'CAT', 'cat']);
    expect(found(d, 'cat', true)).toEqual(['cat', 'cat']);
    expect(found(d, 'CAT', true)).toEqual(['CAT']);
  });

  it('gives document positions that cover the match', () => {
    const d = doc(p('ab'), p('xabx'));
    // <p>ab</p> is 0..4; the second paragraph's text starts at 5.
    expect(findMatches(d, { text: 'ab', caseSensitive: true })).toEqual([
      { from: 1, to: 3 },
      { from: 6, to: 8 },
    ]);
  });

  it('does not overlap matches: each starts after the previous one ends', () => {
    expect(found(doc(p('aaaa')), 'aa')).toEqual(['aa', 'aa']);
    expect(findMatches(doc(p('aaaaa')), { text: 'aa', caseSensitive: false })).toEqual([
      { from: 1, to: 3 },
      { from: 3, to: 5 },
    ]);
    expect(found(doc(p('abababa')), 'aba')).toEqual(['aba', 'aba']);
  });

  it('matches across marks within a block', () => {
    const d = doc(p('un', bold('bold'), 'ed text'));
    expect(findMatches(d, { text: 'unbolded', caseSensitive: false })).toEqual([{ from: 1, to: 9 }]);
    expect(found(d, 'ded te')).toEqual(['ded te']);
  });

  it('never matches across blocks, line breaks or inline images', () => {
    const brk = nodes.hard_break!.create();
    const img = nodes.image!.create({ src: 'x.png' });
    const d = doc(p('end of one'), p('two starts'), p('line', brk, 'break'), p('pic', img, 'ture'));
    expect(found(d, 'one two')).toEqual([]);
    expect(found(d, 'onetwo')).toEqual([]);
    expect(found(d, 'linebreak')).toEqual([]);
    expect(found(d, 'picture')).toEqual([]);
    expect(found(d, 'break')).toEqual(['break']);
  });

  it('finds text in headings, list items, quotes and code blocks', () => {
    const d = doc(
      nodes.heading!.create({ level: 1 }, schema.text('Note')),
      nodes.bullet_list!.create(null, nodes.list_item!.create(null, p('a note'))),
      nodes.blockquote!.create(null, p('NOTE')),
      nodes.code_block!.create(null, schema.text('// note')),
    );
    expect(found(d, 'note')).toEqual(['Note', 'note', 'NOTE', 'note']);
  });

  it('handles Unicode: letters of any script by case, astral characters whole, offsets kept', () => {
    const d = doc(p('Ελληνικά ΣΟΦΊΑ σοφία — 😀 smile 😀! Straße STRASSE Ǆ ǆ'));
    expect(found(d, 'σοφία')).toEqual(['ΣΟΦΊΑ', 'σοφία']);
    expect(found(d, 'ελληνικά')).toEqual(['Ελληνικά']);
    expect(found(d, '😀')).toEqual(['😀', '😀']);
    expect(found(d, '😀 smile')).toEqual(['😀 smile']);
    // Simple case folding: ß is not "ss" (as in browsers' find); the title-case digraph folds to ǆ.
    expect(found(d, 'straße')).toEqual(['Straße']);
    expect(found(d, 'ǆ')).toEqual(['Ǆ', 'ǆ']);
    // Astral characters take two positions each: the match after them still covers exactly its text.
    const e = doc(p('😀😀x😀'));
    expect(findMatches(e, { text: 'x', caseSensitive: true })).toEqual([{ from: 5, to: 6 }]);
  });

  it('takes regular-expression characters literally', () => {
    const d = doc(p('a.b a+b (a) [b] a|b $x ^y \\z a*b a?b {1} a/b a-b'));
    for (const q of ['a.b', 'a+b', '(a)', '[b]', 'a|b', '$x', '^y', '\\z', 'a*b', 'a?b', '{1}', 'a/b', 'a-b']) {
      expect(found(d, q)).toEqual([q]);
    }
    expect(found(doc(p('axb')), 'a.b')).toEqual([]);
  });

  it('finds nothing for an empty query', () => {
    expect(queryPattern({ text: '', caseSensitive: false })).toBeNull();
    expect(findMatches(doc(p('text')), { text: '', caseSensitive: false })).toEqual([]);
  });
});

describe('matchesInTextblock', () => {
  it('gives offsets into the block, each run of text searched on its own', () => {
    const block = p('ab', nodes.hard_break!.create(), 'ab');
    expect(matchesInTextblock(block, queryPattern({ text: 'ab', caseSensitive: true })!)).toEqual([
      { from: 0, to: 2 },
      { from: 3, to: 5 },
    ]);
  });
});

describe('blockMemo', () => {
  it('searches again only the blocks that changed, and every block for a new query', () => {
    const searched: string[] = [];
    const inBlock = blockMemo((block, pattern) => {
      searched.push(block.textContent);
      return matchesInTextblock(block, pattern);
    });
    const x = { text: 'x', caseSensitive: false };
    const d1 = doc(p('one x'), p('two x'));
    expect(findMatches(d1, x, inBlock)).toHaveLength(2);
    expect(searched).toEqual(['one x', 'two x']);

    // Typing "x" at the end of the second paragraph: a new node for it, the first one the same object.
    const d2 = d1.replace(13, 13, doc(p('x')).slice(1, 2));
    expect(d2.child(0)).toBe(d1.child(0));
    searched.length = 0;
    expect(findMatches(d2, x, inBlock).map((m) => d2.textBetween(m.from, m.to))).toEqual(['x', 'x', 'x']);
    expect(searched).toEqual(['two xx']);

    searched.length = 0;
    expect(findMatches(d2, { text: 'X', caseSensitive: true }, inBlock)).toEqual([]);
    expect(searched).toEqual(['one x', 'two xx']);
  });
});

describe('matchAtOrAfter', () => {
  const ms = [
    { from: 3, to: 4 },
    { from: 10, to: 11 },
    { from: 20, to: 21 },
  ];
  it('finds the first match from a position, wrapping after the last', () => {
    expect(matchAtOrAfter(ms, 0)).toBe(0);
    expect(matchAtOrAfter(ms, 3)).toBe(0);
    expect(matchAtOrAfter(ms, 4)).toBe(1);
    expect(matchAtOrAfter(ms, 20)).toBe(2);
    expect(matchAtOrAfter(ms, 21)).toBe(0);
    expect(matchAtOrAfter([], 5)).toBe(-1);
  });
});
