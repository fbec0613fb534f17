// Leaf nodes in a diff painted on the version: an inserted image outlined in its author's colour, a
// deleted one labelled where it was, and the text around them still painted on the right characters.
import { withSafeImages } from '@tandem/schema';
import { schema } from '@tandem/schema/schema';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import type { DiffSegment } from '../api/client.js';
import { diffDecorations, formatChangeLabel } from './diff-decorations.js';

const EMBED = '\uFFFC';
const lookup = { bob: { name: 'Bob', color: '#445566', verified: true } };
const image = () => schema.nodes.image!.create({ src: 'https://example.com/a.png' });

/** Each decoration as [from, to, class or 'widget']. */
function painted(segments: DiffSegment[], ...content: Node[][]) {
  const doc = schema.nodes.doc!.create(null, content.map((c) => schema.nodes.paragraph!.create(null, c)));
  const set = diffDecorations(doc, segments, lookup);
  return set.find().map((d) => {
    const attrs = (d as unknown as { type: { attrs?: { class?: string; title?: string } } }).type.attrs;
    return [d.from, d.to, attrs?.class ?? 'widget', attrs?.title ?? ''];
  });
}

describe('diff decorations: images, rules and line breaks', () => {
  it('outlines an inserted image and keeps the text after it aligned', () => {
    const segments: DiffSegment[] = [
      { type: 'keep', text: 'ab' },
      { type: 'insert', text: EMBED, author: 'bob', node: 'image' },
      { type: 'keep', text: 'c' },
      { type: 'insert', text: 'd', author: 'bob' },
    ];
    // <p>ab<img>cd</p>: a at 1, b at 2, the image at 3, c at 4, d at 5.
    expect(painted(segments, [schema.text('ab'), image(), schema.text('cd')])).toEqual([
      [3, 4, 'diff-insert-node', 'Image added by Bob'],
      [5, 6, 'diff-insert', 'Added by Bob'],
    ]);
  });

  it('an image the served version left out (an unsafe address) shifts nothing after it', () => {
    const doc = withSafeImages(
      schema.nodes.doc!.create(null, [schema.nodes.paragraph!.create(null, [schema.text('ab'), schema.nodes.image!.create({ src: 'javascript:alert(1)' }), schema.text('cd')])]),
    );
    const segments: DiffSegment[] = [
      { type: 'keep', text: 'ab' },
      { type: 'keep', text: EMBED, node: 'image' },
      { type: 'keep', text: 'c' },
      { type: 'insert', text: 'd', author: 'bob' },
    ];
    const set = diffDecorations(doc, segments, lookup);
    expect(set.find().map((d) => [d.from, d.to])).toEqual([[4, 5]]);
  });

  it('a kept image takes its own segment; a deleted one is a widget where it stood', () => {
    const segments: DiffSegment[] = [
      { type: 'keep', text: 'a' },
      { type: 'keep', text: EMBED, node: 'image' },
      { type: 'delete', text: EMBED, author: 'bob', node: 'image' },
      { type: 'insert', text: 'b', author: 'bob' },
    ];
    expect(painted(segments, [schema.text('a'), image(), schema.text('b')])).toEqual([
      [3, 3, 'widget', ''],
      [3, 4, 'diff-insert', 'Added by Bob'],
    ]);
  });
});

describe('diff decorations: node attributes changed', () => {
  it("outlines an image whose address changed, dotted, saying what and who", () => {
    const segments: DiffSegment[] = [
      { type: 'keep', text: 'a' },
      { type: 'format', text: EMBED, author: 'bob', node: 'image', formats: { 'image.src': 'b.png' } },
      { type: 'insert', text: 'b', author: 'bob' },
    ];
    expect(painted(segments, [schema.text('a'), image(), schema.text('b')])).toEqual([
      [2, 3, 'diff-format-node', 'Image changed by Bob: image address'],
      [3, 4, 'diff-insert', 'Added by Bob'],
    ]);
  });

  it('says a heading level, a task ticked and a mark in words', () => {
    expect(formatChangeLabel({ 'heading.level': 2 })).toBe('heading 2');
    expect(formatChangeLabel({ strong: {}, 'task_item.checked': true }, (name) => (name === 'strong' ? 'Ann' : 'Bob'))).toBe('bold (Ann), ticked (Bob)');
    expect(formatChangeLabel({ 'task_item.checked': false, 'code_block.language': null })).toBe('unticked, code block language removed');
    expect(formatChangeLabel({ 'heading.level': null })).toBe('heading level removed');
  });
});
