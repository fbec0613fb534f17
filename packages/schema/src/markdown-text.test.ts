// Text that Markdown would read as something else: a paragraph beginning "1)" (a list), a line after a
// hard break beginning "# " (a heading) or "===" (the line before it a heading), leading spaces or a tab
// (dropped, or code), "&amp;" (read as "&"), a hard break in a heading (the heading ended, a stray "\").
// The export must give back the same document on import, and read the same in another CommonMark reader.

import MarkdownIt from 'markdown-it';
import type { Node } from 'prosemirror-model';
import { seededRandom } from '@tandem/persistence/testing/seeded-random';
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
  // A mark whose text starts or ends with punctuation right beside a letter: "*" there is not a delimiter
  // in CommonMark, and the export read back as literal asterisks (found by a review).
  ['emphasis ending in a quote before a letter', doc(p('Say ', s.text('"hi"', [s.mark('em')]), 'now'))],
  ['bold ending in a full stop before a digit', doc(p('price: ', s.text('$5.', [s.mark('strong')]), '00'))],
  ['strikethrough of "(x)" before a letter', doc(p(s.text('(x)', [s.mark('strikethrough')]), 'y'))],
  ['bold starting with a bracket after a letter', doc(p('a', s.text('(b)', [s.mark('strong')])))],
  ['bold and italic ending in "!" before a letter', doc(p('Go', s.text('now!', [s.mark('strong'), s.mark('em')]), 'x'))],
  ['emphasis inside a word', doc(p('un', s.text('believ', [s.mark('em')]), 'able'))],
  // Found by a review (random documents): a mark opening inside another puts its delimiter between the
  // outer one and the text ("a*<u>b</u>*", "a**~~b~~**c": no emphasis), and marks written with the same
  // character side by side make one run of delimiters ("*a***b**").
  ['emphasis and underline after a letter', doc(p('a', s.text('b', [s.mark('em'), s.mark('underline')])))],
  ['emphasis and code after a letter', doc(p('a', s.text('b', [s.mark('em'), s.mark('code')])))],
  ['bold and strikethrough inside a word', doc(p('a', s.text('b', [s.mark('strong'), s.mark('strikethrough')]), 'c'))],
  ['emphasis right before a bold "*"', doc(p(s.text('a', [s.mark('em')]), s.text('*', [s.mark('strong')])))],
  ['bold right before an emphasized "<"', doc(p(s.text('a', [s.mark('strong')]), s.text('<', [s.mark('em')])))],
  // Empty blocks: the blanks at their line's end are their prefix's, not their text's (found by a review
  // of the blank handling above, which wrote "*&#32;" for an empty list item).
  ['an empty bullet item', doc(s.node('bullet_list', null, [s.node('list_item', null, [p()]), s.node('list_item', null, [p('b')])]))],
  ['an empty numbered item', doc(s.node('ordered_list', { order: 1 }, [s.node('list_item', null, [p('a')]), s.node('list_item', null, [p()]), s.node('list_item', null, [p('b')])]))],
  ['an empty heading', doc(h(2), p('x'))],
  ['an empty task item', doc(s.node('task_list', null, [s.node('task_item', { checked: false }, [p('a')]), s.node('task_item', { checked: false }, [p()])]))],
  ['a list item ending in spaces', doc(s.node('bullet_list', null, [s.node('list_item', null, [p('a  ')])]))],
];

describe('text the Markdown export must not let Markdown reinterpret', () => {
  it.each(CASES)('%s comes back the same on import', (_, original) => {
    const markdown = toMarkdown(original);
    expect(fromMarkdown(markdown).toJSON(), markdown).toEqual(original.toJSON());
  });

  // (Lists aside: a plain reader makes tight lists without paragraphs, and task items are text to it.)
  const hasList = (d: Node) => {
    let found = false;
    d.descendants((n) => void (found ||= /list$/.test(n.type.name)));
    return found;
  };
  it.each(CASES.filter(([, d]) => !hasList(d)))('%s reads the same in a plain CommonMark reader', (_, original) => {
    const markdown = toMarkdown(original);
    const html = new MarkdownIt('commonmark').render(markdown);
    // The same blocks, and no list, quote, code or rule that was not there.
    const blocks: string[] = [];
    original.forEach((b) => blocks.push(b.type.name === 'heading' ? `h${b.attrs.level}` : 'p'));
    expect(html.match(/<(ol|ul|blockquote|pre|hr)\b/g) ?? [], markdown).toEqual([]);
    expect([...html.matchAll(/<(p|h[1-6])>/g)].map((m) => m[1]), markdown).toEqual(blocks);
  });

  it('keeps the text of a heading ending in bold spaces (the mark of spaces moves out of it)', () => {
    const original = doc(h(2, 'x', s.text('  ', [s.mark('strong')])));
    const back = fromMarkdown(toMarkdown(original));
    expect(back.firstChild!.type.name).toBe('heading');
    expect(back.textContent).toBe('x  ');
  });

  it('keeps a "#" after a hard break in a level-3 to level-6 heading (written "### a #", it was read as a closing sequence)', () => {
    for (const level of [3, 6]) {
      const markdown = toMarkdown(doc(h(level, 'a', br(), '#')));
      expect(fromMarkdown(markdown).toJSON(), markdown).toEqual(doc(h(level, 'a #')).toJSON());
    }
  });

  it('writes a hard break in a level-3 to level-6 heading as a space, keeping the heading and all of its text', () => {
    const markdown = toMarkdown(doc(h(3, 'one', br(), 'two')));
    expect(fromMarkdown(markdown).toJSON()).toEqual(doc(h(3, 'one two')).toJSON());
  });
});

describe('marks beside punctuation, at random', () => {
  it('2 000 random paragraphs of marked pieces come back with the same text and marks (a mark\'s edge spaces aside)', () => {
    // mulberry32 (a home-made generator in floating point lost its low bits: random(4) was 0 for 99 % of
    // draws, so nearly every paragraph had one piece).
    const next = seededRandom(7);
    const random = (n: number) => Math.floor(next() * n);
    const pieces = ['a', 'b c', '"q"', '(x)', '$5.', '!', 'x,', '.y', "it's", '-', '*', '_', 'word', ' the ', '[1]'];
    const marks = ['em', 'strong', 'strikethrough', 'underline', 'code'];
    const failed: string[] = [];
    for (let k = 0; k < 2_000; k++) {
      const content = Array.from({ length: 1 + random(4) }, () => {
        const mark = random(3) === 0 ? [] : [s.mark(marks[random(marks.length)]!)];
        return s.text(pieces[random(pieces.length)]!, mark);
      });
      const original = doc(s.node('paragraph', null, content));
      const markdown = toMarkdown(original);
      // The same text, and the same marks on every character but spaces (a mark's edge spaces move out of it).
      const marked = (d: Node) => {
        const out: string[] = [];
        d.descendants((n) => {
          if (n.isText) for (const c of n.text!) out.push(c === ' ' ? ' ' : `${c}:${n.marks.map((m) => m.type.name).join(',')}`);
        });
        return out.join('|');
      };
      if (marked(fromMarkdown(markdown)) !== marked(original)) failed.push(markdown);
    }
    expect(failed).toEqual([]);
  });
});
