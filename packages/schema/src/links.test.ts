import { describe, expect, it } from 'vitest';
import { isLinkTarget, isSafeHref, normalizeLink } from './links.js';
import { schema } from './schema.js';
import { toHtml, toMarkdown, toText, withSafeLinks } from './export.js';

const linked = (href: string, text = 'click') =>
  schema.node('doc', null, [schema.node('paragraph', null, [schema.text(text, [schema.marks.link!.create({ href })])])]);

describe('isSafeHref', () => {
  it.each(['https://example.com/a?b=c#d', 'http://x.test', 'mailto:someone@example.com', '/d/notes', 'notes.html', '#top', '?q=1', '//example.com/x', 'HTTPS://EXAMPLE.COM'])(
    'allows %s',
    (href) => expect(isSafeHref(href)).toBe(true),
  );
  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0000javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'javascript&#58;alert(1)',
    'javascript&colon;alert(1)',
    'javascript\\:alert(1)',
    'java&Tab;script:alert(1)',
    'java&NewLine;script:alert(1)',
    'javascript&#x3A&#x3a;alert(1)',
    // A space or angle brackets end a Markdown link destination: what follows could be read as an autolink.
    'https://a <javascript:alert%281%29>',
    'https://a javascript:alert(1)',
    'https://a>b',
    'https://a\u00a0b',
    '',
  ])('refuses %j', (href) => expect(isSafeHref(href)).toBe(false));
  it('refuses what is not a string', () => {
    expect(isSafeHref(undefined)).toBe(false);
    expect(isSafeHref(42)).toBe(false);
  });
});

describe('normalizeLink', () => {
  it.each([
    ['example.com', 'https://example.com'],
    ['  www.example.com/a?b=c#d ', 'https://www.example.com/a?b=c#d'],
    ['example.co.uk:8080/x', 'https://example.co.uk:8080/x'],
    ['localhost:3000/d/a', 'https://localhost:3000/d/a'],
    ['192.168.0.1', 'https://192.168.0.1'],
    ['someone@example.com', 'mailto:someone@example.com'],
    ['https://example.com/my file.pdf', 'https://example.com/my%20file.pdf'],
    ['http://x.test', 'http://x.test'],
    ['HTTPS://EXAMPLE.COM', 'HTTPS://EXAMPLE.COM'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
    ['/d/notes', '/d/notes'],
  ])('reads %j as %s', (input, href) => expect(normalizeLink(input)).toEqual({ ok: true, href }));
  it.each(['javascript:alert(1)', 'data:text/html,x', 'ftp://example.com', 'notes', '/elsewhere', '#top', '?q=1', '//example.com/x', 'd/notes', 'hello world', 'https://', 'mailto:', 'file:///etc/passwd'])(
    'refuses %j',
    (input) => expect(normalizeLink(input)).toEqual({ ok: false, reason: 'not-allowed' }),
  );
  it('says when nothing was typed', () => expect(normalizeLink('   ')).toEqual({ ok: false, reason: 'empty' }));
});

describe('isLinkTarget', () => {
  it.each(['https://example.com', 'http://x.test/a', 'mailto:a@b.c', '/d/x'])('allows %s', (href) => expect(isLinkTarget(href)).toBe(true));
  it.each(['notes.html', '/d/', '/', 'javascript:alert(1)', 'https://a <javascript:x>', 'example.com', 42])('refuses %j', (href) => expect(isLinkTarget(href)).toBe(false));
});

describe('links in the schema', () => {
  it('never renders an unsafe href, even for a mark put into the document directly', () => {
    const mark = schema.marks.link!.create({ href: 'javascript:alert(1)' });
    const spec = schema.marks.link!.spec.toDOM!(mark, true) as [string, Record<string, unknown>];
    expect(spec[1].href ?? null).toBeNull();
  });
  it('keeps a safe href when rendering', () => {
    const mark = schema.marks.link!.create({ href: 'https://example.com' });
    const spec = schema.marks.link!.spec.toDOM!(mark, true) as [string, Record<string, unknown>];
    expect(spec[1].href).toBe('https://example.com');
  });
  it('refuses to parse an <a> with an unsafe href (paste), keeping its text', () => {
    const rule = schema.marks.link!.spec.parseDOM![0]!;
    const fakeA = (href: string) => ({ getAttribute: (name: string) => (name === 'href' ? href : null) }) as unknown as HTMLElement;
    expect(rule.getAttrs!(fakeA('javascript:alert(1)'))).toBe(false);
    expect(rule.getAttrs!(fakeA('notes.html'))).toBe(false);
    expect(rule.getAttrs!(fakeA('https://example.com'))).toEqual({ href: 'https://example.com', title: null });
  });
});

describe('exports', () => {
  it('drop an unsafe link and keep its text in every format', () => {
    const doc = linked('javascript:alert(1)');
    expect(toHtml(doc, 't')).not.toMatch(/javascript:|href=/);
    expect(toHtml(doc, 't')).toContain('click');
    expect(toMarkdown(doc)).toBe('click');
    expect(toText(doc)).toBe('click');
    // A safe scheme followed by a space and an autolink: CommonMark would end the link at the space.
    expect(toMarkdown(linked('https://a <javascript:alert%281%29>'))).not.toMatch(/javascript:/);
    expect(JSON.stringify(withSafeLinks(doc).toJSON())).not.toMatch(/javascript|link/);
  });
  it('keep a safe link', () => {
    const doc = linked('https://example.com/a', 'site');
    expect(toHtml(doc, 't')).toContain('<a href="https://example.com/a">site</a>');
    expect(toMarkdown(doc)).toBe('[site](https://example.com/a)');
    expect(withSafeLinks(doc)).toBe(doc);
  });
  it('escape "<" in Markdown text, so typed text never becomes an autolink or raw HTML', () => {
    const doc = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('<javascript:alert(1)> <b onclick=x>')])]);
    expect(toMarkdown(doc)).not.toMatch(/(^|[^\\])</);
    expect(toMarkdown(doc)).toContain('\\<javascript');
  });
});
