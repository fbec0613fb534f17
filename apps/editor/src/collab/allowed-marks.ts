// Which marks a block may hold, by the attribute names y-prosemirror writes them under.

import type { NodeType } from 'prosemirror-model';
import { schema } from '../schema.js';

/**
 * Whether a block of type `block` may hold the mark attribute `name` (y-prosemirror writes a mark as an
 * attribute named for it, with "--<id>" when it may repeat). A code block holds none: given one,
 * y-prosemirror could not read the block and would delete it.
 */
export function markAllowed(block: NodeType | undefined, name: string): boolean {
  const mark = schema.marks[name.split('--')[0]!];
  return block !== undefined && mark !== undefined && block.allowsMarkType(mark);
}
