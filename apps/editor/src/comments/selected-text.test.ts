import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { imageQuote } from '@tandem/schema/comments';
import { selectedText } from './selected-text.js';

const { nodes } = schema;
const image = (alt: string | null) => nodes.image!.create({ src: 'https://example.com/a.png', alt });
const doc = nodes.doc!.create(null, [nodes.paragraph!.create(null, [schema.text('See '), image('A blue square'), schema.text(' here')]), nodes.paragraph!.create(null, [image(null)])]);

describe('the text a comment quotes', () => {
  it('names an image by its description, or as an image without one', () => {
    expect(imageQuote('A blue square')).toBe('[image: A blue square]');
    expect(imageQuote('  ')).toBe('[image]');
    expect(imageQuote(null)).toBe('[image]');
  });

  it('reads an image alone as its description, and in text where it stands', () => {
    expect(selectedText(doc, 5, 6)).toBe('[image: A blue square]');
    expect(selectedText(doc, 1, 11)).toBe('See [image: A blue square] here');
    expect(selectedText(doc, 13, 14)).toBe('[image]');
  });

  it('is the plain text where there is no image', () => {
    expect(selectedText(doc, 1, 4)).toBe('See');
  });
});
