// A heading's level from outside the editor: the editor makes 1 to 6, a Yjs client or a JSON body may send
// any number. Found by a review: level 1e7 took 4 s to export as Markdown ("#" repeated one at a time) and
// a larger one ran the process out of memory.

import { describe, expect, it } from 'vitest';
import { toHtmlFragment, toMarkdown } from '../export.js';
import { fromProseMirrorJson, ImportError } from '../import.js';
import { schema } from '../schema.js';

const { nodes } = schema;
const heading = (level: number) => nodes.doc!.create(null, [nodes.heading!.create({ level }, schema.text('Title'))]);

describe('heading levels from outside the editor', () => {
  it.each([
    [1e308, '###### Title', '<h6>Title</h6>'],
    [1e7, '###### Title', '<h6>Title</h6>'],
    [7, '###### Title', '<h6>Title</h6>'],
    [0, '# Title', '<h1>Title</h1>'],
    [-3, '# Title', '<h1>Title</h1>'],
    [2.5, '## Title', '<h2>Title</h2>'],
  ])('level %s is exported quickly as the nearest level from 1 to 6', (level, markdown, html) => {
    const started = performance.now();
    expect(toMarkdown(heading(level))).toBe(markdown);
    expect(toHtmlFragment(heading(level))).toBe(html);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('ProseMirror JSON with a heading level outside 1 to 6 is refused', () => {
    for (const level of [0, 7, 1e9, 1.5, -1]) {
      const json = { type: 'doc', content: [{ type: 'heading', attrs: { level }, content: [{ type: 'text', text: 'x' }] }] };
      expect(() => fromProseMirrorJson(json), String(level)).toThrow(ImportError);
    }
    expect(fromProseMirrorJson({ type: 'doc', content: [{ type: 'heading', attrs: { level: 6 } }] }).firstChild!.attrs.level).toBe(6);
  });
});
