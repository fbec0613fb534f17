// Edges of the exports and imports (found by random documents through every format, minimized): what an
// export lost or an import read wrongly, and hostile imports that took seconds of a history thread.

import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { toHtml, toMarkdown, toText } from './export.js';
import { fromHtml, fromMarkdown } from './import.js';
import { schema } from './schema.js';

const s = schema;
const p = (...content: Array<Node | string>) => s.node('paragraph', null, content.map((c) => (typeof c === 'string' ? s.text(c) : c)));
const doc = (...blocks: Node[]) => s.node('doc', null, blocks);
const item = (...blocks: Node[]) => s.node('list_item', null, blocks);

describe('the text export', () => {
  it('keeps a line break between the words it separates ("one" and "two" came out "onetwo")', () => {
    expect(toText(doc(p('one', s.node('hard_break'), 'two'), p('three')))).toBe('one\ntwo\nthree');
  });
});

describe('numbered lists through Markdown', () => {
  it('keep a list numbered from 0 (it came back numbered from 1)', () => {
    const original = doc(s.node('ordered_list', { order: 0 }, [item(p('zero')), item(p('one'))]));
    const markdown = toMarkdown(original);
    expect(markdown).toBe('0. zero\n\n1. one');
    expect(fromMarkdown(markdown).toJSON()).toEqual(original.toJSON());
  });
});

describe('lists side by side through Markdown', () => {
  // Two lists with nothing between them (a paragraph between them deleted) were written with the same
  // marker, and CommonMark reads them as one list.
  it.each([
    ['bullet', 'bullet_list', 'list_item'],
    ['numbered', 'ordered_list', 'list_item'],
    ['task', 'task_list', 'task_item'],
  ])('stay two %s lists', (_, list, itemType) => {
    const two = doc(s.node(list, null, [s.node(itemType, null, [p('a')])]), s.node(list, null, [s.node(itemType, null, [p('b')])]));
    const markdown = toMarkdown(two);
    expect(fromMarkdown(markdown).childCount, markdown).toBe(2);
  });
});

describe('hostile imports are read in time linear in their size', () => {
  const within = (ms: number, parse: () => unknown) => {
    const start = performance.now();
    parse();
    return performance.now() - start < ms;
  };
  it('Markdown of 10 000 "<u>a</u>" in one paragraph (took 30 s) and 40 000 unclosed "<u>" (3 s)', () => {
    expect(within(5_000, () => fromMarkdown('<u>a</u>'.repeat(10_000)))).toBe(true); // 0.25 s now
    expect(within(1_000, () => fromMarkdown('<u>'.repeat(40_000)))).toBe(true);
  });
  it('HTML of 40 000 "<body " without a ">" (took 9 s)', () => {
    expect(within(1_000, () => fromHtml('<body '.repeat(40_000)))).toBe(true);
  });
});

describe('list items whose first paragraph is empty, through Markdown', () => {
  // "* " and a blank line end an item in CommonMark: its other paragraphs came back after the list, out of
  // it. Markdown holds no empty paragraph (nor does it at the top level); the item keeps the rest.
  it.each([
    ['bullet', s.node('bullet_list', null, [item(p(), p('x')), item(p('y'))])],
    ['numbered', s.node('ordered_list', { order: 1 }, [item(p(), p('x')), item(p('y'))])],
  ])('keep their other blocks in the %s item', (_, list) => {
    const back = fromMarkdown(toMarkdown(doc(list, p('after'))));
    expect(back.childCount).toBe(2);
    expect(back.child(0).childCount).toBe(2);
    expect(back.child(0).child(0).textContent).toBe('x');
    expect(back.child(0).child(0).childCount).toBe(1);
    expect(back.child(1).textContent).toBe('after');
  });
});

describe('table cells through Markdown', () => {
  // GFM trims a cell's content: leading blanks were lost (trailing ones were written as references already).
  it('keep the blanks at the edges of their text', () => {
    const cell = (text: string, type = 'table_cell') => s.node(type, null, [p(text)]);
    const table = doc(s.node('table', null, [s.node('table_row', null, [cell(' a ', 'table_header'), cell('b', 'table_header')]), s.node('table_row', null, [cell('  c'), cell('\td\t')])]));
    expect(fromMarkdown(toMarkdown(table)).toJSON()).toEqual(table.toJSON());
  });
});

describe('the HTML export, imported again', () => {
  // The page shows text blocks pre-wrap (as the editor does); read back, runs of spaces collapsed to one
  // and leading spaces went.
  it('keeps runs of spaces, leading and trailing spaces and tabs as typed', () => {
    const typed = doc(p('a   b'), p('  lead'), p('trail  '), p('\ttab'), s.node('blockquote', null, [p('in  quote')]));
    expect(fromHtml(toHtml(typed, 't')).toJSON()).toEqual(typed.toJSON());
  });
  it('still collapses the blanks of HTML from elsewhere, as a browser shows them', () => {
    expect(fromHtml('<p>a   b\n c</p>').textContent).toBe('a b c');
  });
});
