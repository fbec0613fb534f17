import { describe, expect, it } from 'vitest';
import { fromHtml, fromMarkdown, fromProseMirrorJson, ImportError, MAX_NESTING } from './import.js';

/** `{doc: [blockquote × levels, paragraph]}` as ProseMirror JSON. */
function nestedJson(levels: number): unknown {
  let node: unknown = { type: 'paragraph', content: [{ type: 'text', text: 'deep' }] };
  for (let i = 0; i < levels; i++) node = { type: 'blockquote', content: [node] };
  return { type: 'doc', content: [node] };
}

const depth = (node: { childCount: number; child(i: number): unknown }): number => {
  let most = 0;
  for (let i = 0; i < node.childCount; i++) most = Math.max(most, depth(node.child(i) as typeof node));
  return most + 1;
};

describe('nesting in imported documents', () => {
  it('takes a document nested as deep as people write (lists in lists, quotes in quotes)', () => {
    expect(depth(fromProseMirrorJson(nestedJson(MAX_NESTING - 3)))).toBe(MAX_NESTING);
    expect(fromHtml(`${'<blockquote>'.repeat(30)}x`).textContent).toBe('x');
  });

  it.each([
    ['ProseMirror JSON just past the limit', () => fromProseMirrorJson(nestedJson(MAX_NESTING - 2))],
    ['ProseMirror JSON 100 000 levels deep', () => fromProseMirrorJson(nestedJson(100_000))],
    ['HTML 1 000 levels deep', () => fromHtml(`${'<blockquote>'.repeat(1_000)}x`)],
    ['HTML 5 000 levels deep (past what the HTML parser can hold)', () => fromHtml(`${'<ul><li>'.repeat(5_000)}x`)],
  ])('refuses %s with an ImportError saying so, not a stack overflow', (_what, parse) => {
    expect(parse).toThrow(ImportError);
    expect(parse).toThrow(`nested more than ${MAX_NESTING} levels deep`);
  });

  it('reads Markdown lists nested 30 levels deep whole (the parser used to stop at 10 and drop the rest of the document)', () => {
    const list = Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- item ${i}`).join('\n');
    const doc = fromMarkdown(`${list}\n\nafter\n`);
    expect(doc.textContent).toBe(`${Array.from({ length: 30 }, (_, i) => `item ${i}`).join('')}after`);
    expect(fromMarkdown(`${'>'.repeat(40)} deep\n\nafter\n`).textContent).toBe('deepafter');
  });

  it('refuses Markdown nested past the limit rather than dropping what follows', () => {
    for (const levels of [MAX_NESTING, 5_000]) {
      expect(() => fromMarkdown(`${'>'.repeat(levels)} deep\n\nafter\n`)).toThrow(`nested more than ${MAX_NESTING} levels deep`);
    }
  });
});

describe('a numbered list’s start (found by a review of imports): read as a browser reads <ol start>', () => {
  // prosemirror-schema-list read start with a unary plus: start="abc" made order NaN, stored as such, and the
  // Markdown export wrote "NaN. item", no list at all; "1e308" wrote "1e+308. item".
  it.each([
    ['abc', 1],
    ['1e308', 1],
    ['12abc', 12],
    [' 7 ', 7],
    ['3.9', 3],
    ['0', 0],
    ['-2', -2],
    ['99999999999', 1],
  ])('<ol start="%s"> starts at %s', (start, order) => {
    const doc = fromHtml(`<ol start="${start}"><li>item</li></ol>`);
    expect(doc.firstChild!.attrs.order).toBe(order);
  });
  it('refuses JSON whose list starts at a number no list starts at', () => {
    for (const order of [1e308, 1.5, -1e12]) {
      const json = { type: 'doc', content: [{ type: 'ordered_list', attrs: { order }, content: [{ type: 'list_item', content: [{ type: 'paragraph' }] }] }] };
      expect(() => fromProseMirrorJson(json), String(order)).toThrow(ImportError);
    }
  });
});
