// Review findings: Markdown exports that let an attribute's text out into the Markdown around it, and a
// Markdown import that drops part of an image's description.

import MarkdownIt from 'markdown-it';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { toMarkdown } from './export.js';
import { fromHtml, fromMarkdown } from './import.js';
import { schema } from './schema.js';

const s = schema;
const p = (...content: Node[]) => s.node('paragraph', null, content);

/** The hrefs a CommonMark reader that does not filter schemes (as many do not) turns into links. */
function linksReadBy(markdown: string): string[] {
  const md = new MarkdownIt('commonmark');
  md.validateLink = () => true;
  const hrefs: string[] = [];
  for (const block of md.parse(markdown, {})) {
    for (const token of block.children ?? []) if (token.type === 'link_open') hrefs.push(token.attrGet('href')!);
  }
  return hrefs;
}

describe('a link title in the Markdown export', () => {
  // A title like this comes in with pasted or imported HTML (<a href title>) or a ProseMirror JSON body.
  const hostile = 'a\\") [click me](javascript:alert(document.domain)) \\"(';

  it('stays inside its link: no other link appears, and the document reads back the same', () => {
    const doc = fromHtml(`<p><a href="https://example.com" title="${hostile.replace(/"/g, '&quot;')}">safe</a></p>`);
    expect(doc.firstChild!.firstChild!.marks[0]!.attrs.title).toBe(hostile);
    const markdown = toMarkdown(doc);
    expect(linksReadBy(markdown)).toEqual(['https://example.com']);
    expect(fromMarkdown(markdown).eq(doc)).toBe(true);
  });

  it('keeps a title with a blank line in it, or ending in a backslash', () => {
    for (const title of ['y\n\n[c](javascript:alert(1))', 'C:\\']) {
      const doc = s.node('doc', null, [p(s.text('x', [s.marks.link!.create({ href: 'https://a.example/', title })]), s.text(' after'))]);
      const markdown = toMarkdown(doc);
      expect(linksReadBy(markdown)).toEqual(['https://a.example/']);
    }
  });
});

describe('an image description through Markdown', () => {
  it('comes back whole when it holds characters the export escapes', () => {
    for (const alt of ['a [draft] sketch', 'x < y', 'snake_case *bold*', 'C:\\path']) {
      const doc = s.node('doc', null, [p(s.node('image', { src: 'https://example.com/a.png', alt, title: null }))]);
      expect(fromMarkdown(toMarkdown(doc)).firstChild!.firstChild!.attrs.alt).toBe(alt);
    }
  });

  it('is read whole from hand-written Markdown', () => {
    expect(fromMarkdown('![A *nice* photo](https://example.com/a.png)').firstChild!.firstChild!.attrs.alt).toBe('A nice photo');
  });
});
