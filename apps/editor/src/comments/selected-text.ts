// The text a comment is on, as its quote shows it: the document's text between two positions, with an
// image named by its description ("[image: A blue square]", "[image]" without one). An image has no text
// of its own, so a selection of an image alone had nothing to quote and could not be commented on.

import type { Node } from 'prosemirror-model';

/** How an image reads in a comment's quote. */
export function imageQuote(alt: unknown): string {
  const description = typeof alt === 'string' ? alt.trim() : '';
  return description === '' ? '[image]' : `[image: ${description}]`;
}

const leafText = (leaf: Node): string => (leaf.type.name === 'image' ? imageQuote(leaf.attrs.alt) : '');

/** The text of `doc` between `from` and `to`, blocks separated by spaces, images by their descriptions. */
export function selectedText(doc: Node, from: number, to: number): string {
  return doc.textBetween(from, to, ' ', leafText);
}
