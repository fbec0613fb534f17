import type { NodeType } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { cutText } from './cut-comments.js';

const { paragraph, image } = schema.nodes as Record<string, NodeType>;

describe('cutText', () => {
  const doc = schema.node('doc', null, [
    paragraph!.create(null, schema.text('Some words')),
    paragraph!.create(null, [schema.text('an '), image!.create({ src: 'x.png', alt: 'Sun' }), schema.text(' end')]),
  ]);

  it('reads blocks joined by a line break, an image by its description, each character at its position', () => {
    const { text, at } = cutText(doc, 0, doc.content.size);
    expect(text).toBe('Some words\nan [image: Sun] end');
    expect(at.length).toBe(text.length);
    expect(at[text.indexOf('words')]).toBe(6);
    expect(at[text.indexOf('\n')]).toBe(-1);
    const imageAt = doc.child(0).nodeSize + 1 + 3;
    expect(at.slice(text.indexOf('['), text.indexOf(']') + 1).every((p) => p === imageAt)).toBe(true);
  });

  it('reads only the range asked, from inside a text node', () => {
    const { text, at } = cutText(doc, 3, 8);
    expect(text).toBe('me wo');
    expect(at).toEqual([3, 4, 5, 6, 7]);
  });
});
