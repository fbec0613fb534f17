import { describe, expect, it } from 'vitest';
import { toHtmlFragment, toMarkdown } from '../export.js';
import { fromHtml, fromMarkdown } from '../import.js';
import { schema } from '../schema.js';

const para = (...content: ReturnType<typeof schema.text>[]) => schema.node('doc', null, [schema.node('paragraph', null, content)]);
const marked = (text: string, ...names: string[]) => schema.text(text, names.map((n) => schema.marks[n]!.create()));

describe('underline and strikethrough', () => {
  it('are marks of the schema, rendered as <u> and <s>', () => {
    const doc = para(marked('under', 'underline'), schema.text(' '), marked('struck', 'strikethrough'));
    expect(toHtmlFragment(doc)).toBe('<p><u>under</u> <s>struck</s></p>');
  });

  it('write Markdown as <u>…</u> and ~~…~~ and read it back', () => {
    const doc = para(marked('under', 'underline'), schema.text(' and '), marked('struck', 'strikethrough'), schema.text(' and '), marked('both', 'strong', 'underline', 'strikethrough'));
    const md = toMarkdown(doc);
    expect(md).toBe('<u>under</u> and ~~struck~~ and **<u>~~both~~</u>**');
    expect(fromMarkdown(md).eq(doc)).toBe(true);
  });

  it('leave typed tags and tildes as text, escaped', () => {
    const doc = para(schema.text('a <u>tag</u> and ~~tildes~~'));
    const md = toMarkdown(doc);
    expect(md).toBe('a \\<u\\>tag\\</u\\> and \\~\\~tildes\\~\\~');
    expect(fromMarkdown(md).eq(doc)).toBe(true);
  });

  it('read an unclosed or stray <u> in Markdown as text', () => {
    expect(fromMarkdown('an <u>open tag').textContent).toBe('an <u>open tag');
    expect(fromMarkdown('a stray </u> tag').textContent).toBe('a stray </u> tag');
    expect(fromMarkdown('<U>caps</U>').firstChild!.firstChild!.marks.map((m) => m.type.name)).toEqual(['underline']);
  });

  it('read other raw HTML in Markdown as text still', () => {
    expect(fromMarkdown('<b>bold</b>').textContent).toBe('<b>bold</b>');
  });

  it('are read from pasted HTML: <u>, <s>, <del>, <strike> and Google Docs text-decoration spans', () => {
    const names = (html: string) => {
      const marks = new Set<string>();
      fromHtml(html).descendants((n) => n.marks.forEach((m) => marks.add(m.type.name)));
      return [...marks].sort();
    };
    expect(names('<p><u>a</u></p>')).toEqual(['underline']);
    expect(names('<p><s>a</s><del>b</del><strike>c</strike></p>')).toEqual(['strikethrough']);
    expect(names('<p><span style="text-decoration:underline">a</span></p>')).toEqual(['underline']);
    expect(names('<p><span style="text-decoration: line-through">a</span></p>')).toEqual(['strikethrough']);
    expect(names('<p><span style="text-decoration-line: underline line-through">a</span></p>')).toEqual(['strikethrough', 'underline']);
    expect(names('<p><span style="text-decoration:none">a</span></p>')).toEqual([]);
  });
});
