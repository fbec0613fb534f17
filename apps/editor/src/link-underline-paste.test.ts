import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { linksWithoutStyledUnderline, withoutUnderline } from './link-underline-paste.js';

const pass = (html: string): string => {
  const { document } = parseHTML(`<html><body>${html}</body></html>`);
  linksWithoutStyledUnderline(document.body as unknown as ParentNode);
  return document.body.innerHTML;
};

describe('withoutUnderline', () => {
  it('drops underline and keeps the other declarations and lines', () => {
    expect(withoutUnderline('color:#1155cc;text-decoration:underline;white-space:pre-wrap;')).toBe('color:#1155cc;white-space:pre-wrap;');
    expect(withoutUnderline('text-decoration: underline line-through')).toBe('text-decoration:line-through');
    expect(withoutUnderline('text-decoration-line:underline;font-weight:700')).toBe('font-weight:700');
  });
});

describe('linksWithoutStyledUnderline', () => {
  it("takes Google Docs' underline off a link's span, and leaves text outside links and <u> alone", () => {
    expect(
      pass('<a href="https://x.org" style="text-decoration:none;"><span style="color:#1155cc;text-decoration:underline;">x</span></a><span style="text-decoration:underline;">u</span><a href="https://y.org"><u>y</u></a>'),
    ).toBe('<a href="https://x.org" style="text-decoration:none;"><span style="color:#1155cc;">x</span></a><span style="text-decoration:underline;">u</span><a href="https://y.org"><u>y</u></a>');
  });
});
