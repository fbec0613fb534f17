import { EditorState, NodeSelection, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { selectedImage, setImageAlt } from './image-alt.js';

const { nodes } = schema;
const doc = nodes.doc!.create(null, [nodes.paragraph!.create(null, [schema.text('Chart '), nodes.image!.create({ src: 'https://example.com/a.png', alt: 'A square' }), schema.text(' end')])]);
// The image is at 7 (the paragraph opens at 0, "Chart " is 1..7).
const at = (from: number, to = from) => EditorState.create({ doc, selection: TextSelection.create(doc, from, to) });

describe('the selected image', () => {
  it('is a clicked image, or a selection of the image alone', () => {
    expect(selectedImage(EditorState.create({ doc, selection: NodeSelection.create(doc, 7) }))?.pos).toBe(7);
    expect(selectedImage(at(7, 8))?.node.attrs.alt).toBe('A square');
  });

  it('is none for the caret beside it, or for text around it', () => {
    expect(selectedImage(at(8))).toBeNull();
    expect(selectedImage(at(6, 8))).toBeNull();
    expect(selectedImage(at(2, 3))).toBeNull();
  });
});

describe('setting its description', () => {
  const apply = (state: EditorState, alt: string) => {
    let next: EditorState | undefined;
    const done = setImageAlt(alt)(state, (tr) => (next = state.apply(tr)));
    return { done, alt: next?.doc.nodeAt(7)?.attrs.alt };
  };

  it('sets it, trimmed; empty takes it away', () => {
    expect(apply(at(7, 8), '  Sales doubled ')).toEqual({ done: true, alt: 'Sales doubled' });
    expect(apply(at(7, 8), ' ')).toEqual({ done: true, alt: null });
  });

  it('changes nothing when it is the same, and is refused with no image selected', () => {
    expect(apply(at(7, 8), 'A square')).toEqual({ done: true, alt: undefined });
    expect(setImageAlt('x')(at(3), () => undefined)).toBe(false);
  });
});
