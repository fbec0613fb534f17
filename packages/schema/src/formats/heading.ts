// Headings whose level came from outside the editor. The editor makes levels 1 to 6; a Yjs client or a
// JSON body may send any number, and prosemirror-markdown writes "#" level times, one at a time: level
// 1e7 took 4 s, a larger one ran the process out of memory (found by a review). Exports write the nearest
// level from 1 to 6 (as `<h6>` for 9), and JSON imports are refused with another.

import type { Node, NodeSpec } from 'prosemirror-model';
import type { MarkdownSerializerState } from 'prosemirror-markdown';

export const MAX_HEADING_LEVEL = 6;

/** `value` as a heading level: a whole number from 1 to 6, the nearest one for any other number. */
export function headingLevel(value: unknown): number {
  const n = typeof value === 'number' ? Math.floor(value) : Number.NaN;
  return n >= 1 ? Math.min(MAX_HEADING_LEVEL, n) : 1;
}

export const hasValidLevel = (node: Node): boolean => node.type.name !== 'heading' || headingLevel(node.attrs.level) === node.attrs.level;

/** `node` with a level from 1 to 6 (itself when it has one). */
const withValidLevel = (node: Node): Node =>
  hasValidLevel(node) ? node : node.type.create({ ...node.attrs, level: headingLevel(node.attrs.level) }, node.content, node.marks);

/** The heading spec rendering `<h1>` to `<h6>` whatever level it holds. */
export const headingSpec = (basic: NodeSpec): NodeSpec => ({ ...basic, toDOM: (node) => [`h${headingLevel(node.attrs.level)}`, 0] });

type NodeSerializer = (state: MarkdownSerializerState, node: Node, parent: Node, index: number) => void;

/** A heading serializer writing a level from 1 to 6 whatever level the heading holds. */
export const headingMarkdown =
  (write: NodeSerializer): NodeSerializer =>
  (state, node, parent, index) =>
    write(state, withValidLevel(node), parent, index);
