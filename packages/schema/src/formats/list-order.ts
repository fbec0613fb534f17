// Where a numbered list starts. prosemirror-schema-list reads <ol start> with a unary plus: start="abc" made
// the order NaN (stored, and written by the Markdown export as "NaN. item", which is no list), "1e308" one
// written as "1e+308.". A browser reads start as a whole number (its leading digits) and ignores nonsense;
// CommonMark starts a list at a number of at most nine digits.

import type { Node, NodeSpec } from 'prosemirror-model';

export const MAX_LIST_START = 999_999_999;

/** `start` (an <ol>'s attribute, as written) as a browser reads it, within what Markdown can write; else 1. */
export function listStart(start: string | null): number {
  const n = start === null ? Number.NaN : Number.parseInt(start.trim(), 10);
  return Number.isSafeInteger(n) && Math.abs(n) <= MAX_LIST_START ? n : 1;
}

/** Whether `node` is no numbered list, or one whose start is a whole number Markdown can write. */
export const hasValidOrder = (node: Node): boolean => {
  if (node.type.name !== 'ordered_list') return true;
  const { order } = node.attrs as { order: unknown };
  return typeof order === 'number' && Number.isInteger(order) && Math.abs(order) <= MAX_LIST_START;
};

/** The ordered list's spec, its start read by listStart. */
export const orderedListSpec = (spec: NodeSpec): NodeSpec => ({
  ...spec,
  parseDOM: [{ tag: 'ol', getAttrs: (dom) => ({ order: listStart(dom.getAttribute('start')) }) }],
});
