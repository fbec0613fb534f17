// The text a comment is on, as its quote shows it: the document's text between two positions, with an
// image named by its description (leafQuote, as the server quotes it in the comments list).

import { leafQuote } from '@tandem/schema/comments';
import type { Node } from 'prosemirror-model';

/** The text of `doc` between `from` and `to`, blocks separated by spaces, images by their descriptions. */
export function selectedText(doc: Node, from: number, to: number): string {
  return doc.textBetween(from, to, ' ', leafQuote);
}
