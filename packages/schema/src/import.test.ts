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
