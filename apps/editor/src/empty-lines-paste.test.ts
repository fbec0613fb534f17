import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { emptyLinesAsParagraphs, emptyLinesWithoutSpaces } from './empty-lines-paste.js';

const pass = (html: string): string => {
  const { document } = parseHTML(`<html><body>${html}</body></html>`);
  emptyLinesAsParagraphs(document.body as unknown as ParentNode);
  return document.body.innerHTML;
};

describe('emptyLinesAsParagraphs', () => {
  it("makes Google Docs' <br> between paragraphs empty paragraphs, one for each", () => {
    expect(pass('<b id="docs-internal-guid-1"><p>a</p><br><p>b</p><br><br><p>c</p></b><br class="Apple-interchange-newline">')).toBe(
      '<b id="docs-internal-guid-1"><p>a</p><p></p><p>b</p><p></p><p></p><p>c</p></b><br class="Apple-interchange-newline">',
    );
  });

  it('takes a <br> at the edge of a parent holding blocks, blank text around it aside', () => {
    expect(pass('<div>\n<br>\n<p>a</p>\n<br></div>')).toBe('<div>\n<p></p>\n<p>a</p>\n<p></p></div>');
  });

  it('leaves line breaks inside a line of text', () => {
    expect(pass('<p>12 Main Street<br>Springfield</p>')).toBe('<p>12 Main Street<br>Springfield</p>');
    expect(pass('<div>text<br><p>a</p></div>')).toBe('<div>text<br><p>a</p></div>');
    expect(pass('line one<br>line two')).toBe('line one<br>line two');
  });
});

describe('emptyLinesWithoutSpaces', () => {
  const spaces = (html: string): string => {
    const { document } = parseHTML(`<html><body>${html}</body></html>`);
    emptyLinesWithoutSpaces(document.body as unknown as ParentNode);
    return document.body.innerHTML;
  };

  it("empties Word's empty line, a paragraph holding only &nbsp;", () => {
    expect(spaces('<p class="MsoNormal">a</p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><p>&nbsp; </p>')).toBe('<p class="MsoNormal">a</p><p class="MsoNormal"></p><p></p>');
  });

  it('leaves text, an image, and a paragraph of ordinary spaces alone', () => {
    const html = '<p>a&nbsp;b</p><p>&nbsp;<img src="https://x.test/a.png"></p><p> </p>';
    expect(spaces(html)).toBe(parseHTML(`<html><body>${html}</body></html>`).document.body.innerHTML);
  });
});
