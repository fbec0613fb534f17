import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { canLink, linkAt, linkTargetOf, removeLink, setLink, urlsIn } from './links.js';
import { schema } from './schema.js';

const link = (href: string) => schema.marks.link!.create({ href });
/** "Go to <site> now" with "site" linked, and the selection from `from` to `to` (paragraph offsets). */
function stateWith(from: number, to = from): EditorState {
  const doc = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('Go to '), schema.text('site', [link('https://a.test/')]), schema.text(' now')])]);
  const state = EditorState.create({ doc, schema });
  return state.apply(state.tr.setSelection(TextSelection.create(doc, from + 1, to + 1)));
}
const run = (state: EditorState, command: typeof removeLink) => {
  let next = state;
  const ok = command(state, (tr) => (next = state.apply(tr)));
  return { ok, next, html: JSON.stringify(next.doc.toJSON()) };
};

describe('urlsIn', () => {
  it.each([
    ['see https://example.com/a, then', ['https://example.com/a']],
    ['(https://example.com/a_(b)) and http://x.test.', ['https://example.com/a_(b)', 'http://x.test']],
    ['mail mailto:a@b.test!', ['mailto:a@b.test']],
    ['xhttps://example.com is not a word start', []],
    ['javascript:alert(1) ftp://x.test https://', []],
    ['"https://example.com/q?x=1"', ['https://example.com/q?x=1']],
    ['“https://example.com/q?x=1” and ‘https://x.test’', ['https://example.com/q?x=1', 'https://x.test']],
    ['see https://x.test…', ['https://x.test']],
  ])('finds the links in %j', (text, urls) => expect(urlsIn(text).map((u) => u.url)).toEqual(urls));
  it('gives each URL its offset', () => expect(urlsIn('a https://x.test b')).toEqual([{ index: 2, url: 'https://x.test', href: 'https://x.test' }]));
  it('links an address starting www. to https://, not www. alone or inside a word', () => {
    expect(urlsIn('see www.example.com/a?b=1. and (www.x.test)')).toEqual([
      { index: 4, url: 'www.example.com/a?b=1', href: 'https://www.example.com/a?b=1' },
      { index: 32, url: 'www.x.test', href: 'https://www.x.test' },
    ]);
    expect(urlsIn('www. awww.example.com www.localhost www.-x.test')).toEqual([]);
  });
});

describe('linkAt', () => {
  it('finds the whole link from a caret inside it or at either end', () => {
    for (const at of [6, 8, 10]) expect(linkAt(stateWith(at))).toEqual({ from: 7, to: 11, href: 'https://a.test/' });
  });
  it('finds nothing away from a link, or for a selection reaching outside it', () => {
    expect(linkAt(stateWith(2))).toBeNull();
    expect(linkAt(stateWith(4, 8))).toBeNull();
    expect(linkAt(stateWith(7, 9))).toEqual({ from: 7, to: 11, href: 'https://a.test/' });
  });
});

describe('setLink', () => {
  it('with a caret outside a link, inserts the typed text linked', () => {
    const { ok, next } = run(stateWith(2), setLink('https://example.com', 'example.com'));
    expect(ok).toBe(true);
    expect(next.doc.textContent).toBe('Goexample.com to site now');
    expect(linkAt(next.apply(next.tr.setSelection(TextSelection.create(next.doc, 4))))?.href).toBe('https://example.com');
  });
  it('with a caret inside a link, changes the address of all of it', () => {
    const { next } = run(stateWith(8), setLink('https://b.test/', 'ignored'));
    expect(next.doc.textContent).toBe('Go to site now');
    expect(linkAt(next)).toEqual({ from: 7, to: 11, href: 'https://b.test/' });
  });
  it('links exactly the selection', () => {
    const { next } = run(stateWith(0, 2), setLink('https://c.test/', 'x'));
    expect(linkAt(next)).toEqual({ from: 1, to: 3, href: 'https://c.test/' });
  });
  it('refuses an address isLinkTarget refuses, and code', () => {
    expect(setLink('javascript:alert(1)', 'x')(stateWith(2))).toBe(false);
    const code = EditorState.create({ schema, doc: schema.node('doc', null, [schema.node('code_block', null, [schema.text('x')])]) });
    expect(canLink(code)).toBe(false);
    expect(setLink('https://a.test', 'x')(code)).toBe(false);
  });
});

describe('setLink for what the link field was opened for', () => {
  it('names what a link command applies to', () => {
    expect([linkTargetOf(stateWith(0, 2)), linkTargetOf(stateWith(8)), linkTargetOf(stateWith(2))]).toEqual(['selection', 'link', 'caret']);
  });
  it('does nothing once the selected words are gone (a caret where they were)', () => {
    expect(setLink('https://c.test/', 'c.test', 'selection')(stateWith(2))).toBe(false);
    expect(run(stateWith(0, 2), setLink('https://c.test/', 'c.test', 'selection')).ok).toBe(true);
  });
  it('does nothing once the link the caret was in is gone, rather than inserting the address there', () => {
    expect(setLink('https://b.test/', 'b.test', 'link')(stateWith(2))).toBe(false);
    expect(setLink('https://b.test/', 'b.test', 'link')(stateWith(7, 9))).toBe(false);
    const { ok, next } = run(stateWith(8), setLink('https://b.test/', 'b.test', 'link'));
    expect([ok, next.doc.textContent]).toEqual([true, 'Go to site now']);
  });
  it('inserts at a caret that someone else’s link now holds, rather than changing that link', () => {
    const { ok, next } = run(stateWith(8), setLink('https://b.test/', 'b.test', 'caret'));
    expect([ok, next.doc.textContent]).toEqual([true, 'Go to sib.testte now']);
    expect(JSON.stringify(next.doc.toJSON())).toContain('https://a.test/');
    expect(setLink('https://b.test/', 'b.test', 'caret')(stateWith(0, 2))).toBe(false);
  });
});

describe('removeLink', () => {
  it('removes the whole link from a caret inside it, keeping its text', () => {
    const { ok, next } = run(stateWith(9), removeLink);
    expect(ok).toBe(true);
    expect(next.doc.textContent).toBe('Go to site now');
    expect(next.doc.rangeHasMark(0, next.doc.content.size, schema.marks.link!)).toBe(false);
  });
  it('does nothing away from a link', () => expect(removeLink(stateWith(1))).toBe(false));
});
