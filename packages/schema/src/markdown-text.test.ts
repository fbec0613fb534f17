// Text that Markdown would read as something else: a paragraph beginning "1)" (a list), a line after a
// hard break beginning "# " (a heading) or "===" (the line before it a heading), leading spaces or a tab
// (dropped, or code), "&amp;" (read as "&"), a hard break in a heading (the heading ended, a stray "\").
// The export must give back the same document on import, and read the same in another CommonMark reader.

import MarkdownIt from 'markdown-it';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { toMarkdown } from './export.js';
import { fromMarkdown } from './import.js';
import { schema } from './schema.js';

const s = schema;
const br = () => s.node('hard_break');
const p = (...content: Array<Node | string>) => s.node('paragraph', null, content.map((c) => (typeof c === 'string' ? s.text(c) : c)));
const h = (level: number, ...content: Array<Node | string>) => s.node('heading', { level }, content.map((c) => (typeof c === 'string' ? s.text(c) : c)));
const doc = (...blocks: Node[]) => s.node('doc', null, blocks);

const CASES: Array<[string, Node]> = [
  ['a paragraph beginning "1)"', doc(p('1) not a list'))],
  ['a paragraph beginning "7." alone', doc(p('7.'))],
  ['a paragraph beginning "+" and a tab', doc(p('+\tplus'))],
  ['"1)" after a hard break', doc(p('a', br(), '1) b'))],
  ['"# " after a hard break', doc(p('a', br(), '# b'))],
  ['"- " after a hard break', doc(p('a', br(), '- b'))],
  ['"> " after a hard break', doc(p('a', br(), '> b'))],
  ['"===" after a hard break', doc(p('a', br(), '==='))],
  ['"---" after a hard break', doc(p('a', br(), '---'))],
  ['spaces after a hard break', doc(p('a', br(), '    indented'))],
  ['a paragraph beginning with spaces', doc(p('  two spaces'))],
  ['a paragraph beginning with a tab', doc(p('\ttab'))],
  ['a paragraph ending with spaces', doc(p('trailing  '), p('next'))],
  ['a paragraph of spaces only', doc(p('   '))],
  ['entity references', doc(p('a&amp;b &copy; &#169; &#x41; & alone &; &x'))],
  ['a hard break in a level-1 heading', doc(h(1, 'one', br(), 'two'))],
  ['a hard break in a level-2 heading', doc(h(2, 'one', br(), '# two'))],
  ['a heading beginning and ending with spaces', doc(h(3, '  spaced  '))],
  ['a heading ending in " #"', doc(h(2, 'C #'))],
  ['a heading that is "##"', doc(h(4, '##'))],
  ['a list item after a paragraph ending in "1)"', doc(p('step 1)'), p('2) next'))],
  ['inline code with a space at each end', doc(p('run ', s.text(' ls ', [s.mark('code')]), ' now'))],
  ['inline code of backticks and spaces', doc(p(s.text(' `a` ', [s.mark('code')])))],
];

describe('text the Markdown export must not let Markdown reinterpret', () => {
  it.each(CASES)('%s comes back the same on import', (_, original) => {
    const markdown = toMarkdown(original);
    expect(fromMarkdown(markdown).toJSON(), markdown).toEqual(original.toJSON());
  });

  it.each(CASES)('%s reads the same in a plain CommonMark reader', (_, original) => {
    const markdown = toMarkdown(original);
    const html = new MarkdownIt('commonmark').render(markdown);
    // The same blocks, and no list, quote, code or rule that was not there.
    const blocks: string[] = [];
    original.forEach((b) => blocks.push(b.type.name === 'heading' ? `h${b.attrs.level}` : 'p'));
    expect(html.match(/<(ol|ul|blockquote|pre|hr)\b/g) ?? [], markdown).toEqual([]);
    expect([...html.matchAll(/<(p|h[1-6])>/g)].map((m) => m[1]), markdown).toEqual(blocks);
  });

  it('writes a hard break in a level-3 to level-6 heading as a space, keeping the heading and all of its text', () => {
    const markdown = toMarkdown(doc(h(3, 'one', br(), 'two')));
    expect(fromMarkdown(markdown).toJSON()).toEqual(doc(h(3, 'one two')).toJSON());
  });
});
