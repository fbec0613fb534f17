import { describe, expect, it } from 'vitest';
import { toHtmlFragment, toMarkdown } from '../export.js';
import { fromHtml, fromMarkdown, fromProseMirrorJson } from '../import.js';
import { schema } from '../schema.js';
import { isImageSource, isSafeImageSrc, normalizeImageSource } from './image.js';

const withImage = (src: string, alt = 'a cat') =>
  schema.node('doc', null, [schema.node('paragraph', null, [schema.text('see '), schema.node('image', { src, alt })])]);

const REFUSED = [
  'javascript:alert(1)',
  'JavaScript:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'javascript&#58;alert(1)',
  'data:image/png;base64,iVBORw0KGgo=',
  'data:image/svg+xml,<svg onload=alert(1)>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'blob:https://example.com/1234',
  'mailto:someone@example.com',
  'mail&#116;o:someone@example.com',
];

describe('image sources', () => {
  it.each(['https://example.com/cat.png', 'http://example.com/a/b.jpg?size=2', '/files/cat.png'])('accepts %s from a person', (src) =>
    expect(isImageSource(src)).toBe(true),
  );
  it.each([...REFUSED, '', 'cat.png', '//example.com/cat.png', 'https://', 'http:'])('refuses %s from a person', (src) =>
    expect(isImageSource(src)).toBe(false),
  );
  it.each(REFUSED)('never renders %s', (src) => expect(isSafeImageSrc(src)).toBe(false));

  it('reads what a person typed: trimmed, spaces encoded, with a reason when refused', () => {
    expect(normalizeImageSource('  https://example.com/my cat.png ')).toEqual({ ok: true, src: 'https://example.com/my%20cat.png' });
    expect(normalizeImageSource('   ')).toEqual({ ok: false, reason: 'empty' });
    expect(normalizeImageSource('javascript:alert(1)')).toEqual({ ok: false, reason: 'not-allowed' });
    expect(normalizeImageSource('data:image/png;base64,AAAA')).toEqual({ ok: false, reason: 'not-allowed' });
  });
});

describe('images in exports and imports', () => {
  it('render with their alt text and source', () => {
    expect(toHtmlFragment(withImage('https://example.com/cat.png'))).toBe('<p>see <img src="https://example.com/cat.png" alt="a cat"></p>');
    expect(toMarkdown(withImage('https://example.com/cat.png'))).toBe('see ![a cat](https://example.com/cat.png)');
  });

  it.each(REFUSED)('an image from %s is exported as its alt text, never its source', (src) => {
    const doc = withImage(src);
    expect(toHtmlFragment(doc)).toBe('<p>see <img alt="a cat"></p>');
    expect(toMarkdown(doc)).toBe('see a cat');
  });

  it('pasted HTML keeps http(s) images and drops data: and javascript: ones', () => {
    const srcs = (html: string) => {
      const found: string[] = [];
      fromHtml(html).descendants((n) => {
        if (n.type.name === 'image') found.push(String(n.attrs.src));
      });
      return found;
    };
    expect(srcs('<p><img src="https://example.com/a.png" alt="a"></p>')).toEqual(['https://example.com/a.png']);
    expect(srcs('<p><img src="data:image/png;base64,AAAA"><img src="javascript:alert(1)"></p>')).toEqual([]);
  });

  it('Markdown and JSON imports keep an image whose source is refused only as its alt text', () => {
    const md = fromMarkdown('see ![a cat](data:image/png;base64,AAAA)');
    expect(md.textContent).toBe('see a cat');
    let images = 0;
    md.descendants((n) => void (n.type.name === 'image' && images++));
    expect(images).toBe(0);
    const json = fromProseMirrorJson(withImage('javascript:alert(1)').toJSON());
    expect(json.textContent).toBe('see a cat');
    expect(fromProseMirrorJson(withImage('https://example.com/cat.png').toJSON()).eq(withImage('https://example.com/cat.png'))).toBe(true);
  });
});
