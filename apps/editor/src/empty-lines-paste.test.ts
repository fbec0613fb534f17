import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { emptyLinesAsParagraphs, emptyLinesWithoutSpaces, linesOfUnloadableImages } from './empty-lines-paste.js';

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

describe('linesOfUnloadableImages', () => {
  const images = (html: string): string => {
    const { document } = parseHTML(`<html><body>${html}</body></html>`);
    linesOfUnloadableImages(document.body as unknown as ParentNode);
    return document.body.innerHTML;
  };

  it("drops the line that held only a picture from Word (a file on the sender's computer), rather than leave it empty", () => {
    const word =
      '<p class="MsoNormal">Before<o:p></o:p></p>' +
      '<p class="MsoNormal"><span style="mso-no-proof:yes"><!--[if gte vml 1]><v:shape><v:imagedata src="file:///C:/x/clip_image001.png"/></v:shape><![endif]--><img width="200" height="100" src="file:///C:/x/clip_image002.jpg" v:shapes="Picture_x0020_1"></span><o:p></o:p></p>' +
      '<p class="MsoNormal">After<o:p></o:p></p>';
    expect(images(word)).toBe('<p class="MsoNormal">Before<o:p></o:p></p><p class="MsoNormal">After<o:p></o:p></p>');
  });

  it('keeps a line with text beside such a picture, and every image the editor can show', () => {
    expect(images('<p>see <img src="file:///C:/a.png"> here</p>')).toBe('<p>see  here</p>');
    const kept = '<p><img src="https://x.test/a.png"></p><p><img src="/files/b.png"></p><h2>t<img src="data:image/png;base64,AAAA"></h2>';
    expect(images(kept)).toBe('<p><img src="https://x.test/a.png"></p><p><img src="/files/b.png"></p><h2>t</h2>');
  });

  it('keeps an empty line that was empty to begin with, and one holding a line break', () => {
    const html = '<p></p><p><o:p>&nbsp;</o:p></p><p><br><img src="file:///a.png"></p>';
    expect(images(html)).toBe('<p></p><p><o:p>&#160;</o:p></p><p><br></p>');
  });
});
